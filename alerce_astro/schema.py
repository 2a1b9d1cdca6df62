"""
Table-driven column schemas: the one place where a service's columns get their type, unit and
description.

A `Schema` is a list of `Field` rows. `Schema.table` turns the JSON rows a service sends into an
`~astropy.table.Table`, with these rules, so that nothing crashes when the service changes:

- a key that is missing or ``null`` becomes a masked value;
- ``NaN`` from the service becomes a masked value; infinities are kept;
- integer columns are built from Python integers (the JSON parser reads 64-bit ids exactly, and
  strings such as ``"259"`` are converted), never through a float;
- a key the schema does not know is kept as an extra column with an inferred type;
- a column the schema knows but the service stopped sending comes back fully masked.

This module is the package's one JSON -> columns converter: `convert_values` turns the values of
one column into ``(data, mask)`` arrays, `Schema.arrays` turns rows into such arrays column by
column (what the light-curve builder stacks), and `Schema.table` makes a table of them.
"""

import json
import math
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from astropy import units as u
from astropy.table import Column, MaskedColumn, Table

from .exceptions import ResponseFormatError

__all__ = ["Field", "Schema", "RawColumn", "RowsFormatError", "convert_values"]


class RowsFormatError(ResponseFormatError, TypeError):
    """The service sent something other than a list of JSON objects where rows were expected.

    A `~alerce_astro.exceptions.ResponseFormatError` (what callers of the query methods catch),
    and a `TypeError` as this module documented before."""

_DTYPES = {
    "str": str,
    "int64": np.int64,
    "int32": np.int32,
    "int16": np.int16,
    "float64": np.float64,
    "float32": np.float32,
    "bool": bool,
}

_FILL = {"str": "", "bool": False}


@dataclass(frozen=True)
class Field:
    """
    One column of a service's answer.

    Parameters
    ----------
    name : str
        Column name in the result table.
    dtype : str
        One of ``str``, ``int64``, ``int32``, ``int16``, ``float64``, ``float32``, ``bool``.
    unit : str or None
        Unit string astropy understands, or `None` for dimensionless or text columns.
    description : str
        What the column holds, shown in ``Table.info`` and kept in written files.
    key : str, optional
        The key in the service's JSON when it differs from ``name``.
    """

    name: str
    dtype: str
    unit: str | None
    description: str
    key: str | None = None

    def __post_init__(self):
        if self.dtype not in _DTYPES:
            raise ValueError(f"unknown dtype {self.dtype!r} for field {self.name!r}")
        if self.unit is not None:
            u.Unit(self.unit)  # a typo in a schema fails at import, not in a user's query

    @property
    def wire_key(self):
        """The key of this column in the service's JSON rows."""
        return self.key or self.name


class Schema:
    """
    The columns of one resource of a service, in the order results show them.

    Parameters
    ----------
    resource : str
        Name of the resource, used in messages (``"detections"``, ``"magstats"``...).
    fields : iterable of tuple or `Field`
        ``(name, dtype, unit, description[, key])`` rows.

    Examples
    --------
    >>> from alerce_astro.schema import Schema
    >>> schema = Schema("demo", [("oid", "str", None, "Object id"),
    ...                          ("ndet", "int64", None, "Number of detections"),
    ...                          ("meanra", "float64", "deg", "Mean right ascension")])
    >>> t = schema.table([{"oid": "ZTF00aaaaaab", "ndet": "12", "meanra": 10.5, "new": 1}])
    >>> t.colnames
    ['oid', 'ndet', 'meanra', 'new']
    >>> t["meanra"].unit
    Unit("deg")
    """

    def __init__(self, resource, fields):
        self.resource = resource
        self.fields = tuple(f if isinstance(f, Field) else Field(*f) for f in fields)
        self._by_name = {f.name: f for f in self.fields}
        if len(self._by_name) != len(self.fields):
            raise ValueError(f"duplicate column names in schema {resource!r}")
        self._by_key = {f.wire_key: f for f in self.fields}
        self._keys = [f.wire_key for f in self.fields]

    def __iter__(self):
        return iter(self.fields)

    def __len__(self):
        return len(self.fields)

    def __contains__(self, name):
        return name in self._by_name

    def __getitem__(self, name):
        return self._by_name[name]

    def without(self, *names):
        """
        A copy of this schema without some columns (for a route that never sends them).

        Parameters
        ----------
        *names : str
            Columns to leave out.

        Returns
        -------
        `Schema`
        """
        return Schema(self.resource, [f for f in self.fields if f.name not in names])

    @property
    def names(self):
        """Column names in result order."""
        return [f.name for f in self.fields]

    def column(self, field, values):
        """
        Build one column from raw JSON values according to ``field``.

        Parameters
        ----------
        field : `Field`
            The column's definition.
        values : sequence
            The raw values, `None` where the service sent null or nothing.

        Returns
        -------
        `~astropy.table.Column` or `~astropy.table.MaskedColumn`
        """
        data, mask = convert_values(list(values), field.dtype)
        return _make_column(field, data, mask)

    def table(self, rows, *, meta=None, keep_unknown=True):
        """
        Build a table from the service's JSON rows.

        Parameters
        ----------
        rows : list of dict
            The rows as the service sent them.
        meta : dict, optional
            Provenance to store in ``Table.meta``.
        keep_unknown : bool, optional
            Keep keys the schema does not know as extra columns (default).

        Returns
        -------
        `~astropy.table.Table`
            One column per schema field, then the unknown keys in the order first seen.

        Raises
        ------
        RowsFormatError
            If ``rows`` is not a list of mappings (a `ResponseFormatError` and a `TypeError`).
        """
        table = Table(meta=dict(meta or {}))
        for raw in self.arrays(rows, keep_unknown=keep_unknown).values():
            table.add_column(_make_column(raw.field, raw.data, raw.mask))
        return table

    def arrays(self, rows, *, keep_unknown=True):
        """
        The service's JSON rows as plain arrays, one `RawColumn` per column.

        The same columns, in the same order and with the same values and masks, as
        `table` makes, without making astropy columns: what code that stacks several answers
        (the light-curve builder) starts from. Values under the mask are what the conversion
        gives (NaN, 0, ``""`` or False).

        Parameters
        ----------
        rows : list of dict
            The rows as the service sent them.
        keep_unknown : bool, optional
            Keep keys the schema does not know as extra columns (default).

        Returns
        -------
        dict of str to `RawColumn`
            Column name -> ``RawColumn(data, mask, field)``; unknown keys get a `Field` with
            an inferred dtype and no unit.

        Raises
        ------
        RowsFormatError
            If ``rows`` is not a list of mappings (a `ResponseFormatError` and a `TypeError`).

        Examples
        --------
        >>> schema = Schema("demo", [("candid", "int64", None, "Detection id")])
        >>> raw = schema.arrays([{"candid": 1101542291015015004}, {"candid": None}])["candid"]
        >>> raw.data.tolist(), raw.mask.tolist()
        ([1101542291015015004, 0], [False, True])
        """
        if type(rows) is not list or (rows and set(map(type, rows)) != _DICT):
            rows = self._checked_rows(rows)
        keys = self._keys
        values_by_key = self._same_keys(rows)
        try:  # every row has every key (the usual answer): C-level passes only
            if values_by_key is None:
                values_by_key = _transposed(rows, _row_getter(keys), len(keys))
            # ...and then a row with no more keys than the schema has no key of its own
            exact = not rows or max(map(len, rows)) == len(self._by_key)
        except KeyError:
            values_by_key = [[row.get(key) for row in rows] for key in keys]
            exact = False
        columns = {}
        for field, values in zip(self.fields, values_by_key, strict=True):
            data, mask = convert_values(values, field.dtype)  # a tuple converts as a list
            columns[field.name] = RawColumn(data, mask, field)
        if keep_unknown and not exact:
            unknown = set().union(*rows) - self._by_key.keys()
            extra = {}
            for row in rows if unknown else ():
                for key in row:
                    if key in unknown and key not in extra:
                        extra[key] = None
            for key in extra:
                if key in columns:
                    continue
                values = [row.get(key) for row in rows]
                field = Field(key, _infer_dtype(values), None,
                              f"Column {key!r} sent by the service but not in this package's "
                              f"{self.resource} schema")
                data, mask = convert_values([_jsonable(v) for v in values], field.dtype)
                columns[key] = RawColumn(data, mask, field)
        return columns

    def _same_keys(self, rows):
        """The values of each schema key when every row has the same keys in the same order
        (a service's JSON rows usually have), read without looking keys up: each row's
        values in order, transposed; `None` otherwise."""
        if not 0 < len(rows) <= _SAME_KEYS_ROWS or len(self._keys) < _SAME_KEYS_WIDTH:
            return None
        orders = list(map(list, rows))  # the keys of each row, in order
        if orders.count(orders[0]) != len(orders):
            return None
        position = {key: i for i, key in enumerate(orders[0])}
        if not all(key in position for key in self._keys):
            return None
        columns = _transposed(rows, dict.values, len(position))
        return [columns[position[key]] for key in self._keys]

    def _checked_rows(self, rows):
        if isinstance(rows, (str, bytes, dict)) or not hasattr(rows, "__iter__"):
            raise RowsFormatError(f"{self.resource}: expected a list of objects, got "
                                  f"{type(rows).__name__}")
        rows = list(rows)
        for row in rows:
            if not isinstance(row, dict):
                raise RowsFormatError(f"{self.resource}: expected a list of objects, got an "
                                      f"item of type {type(row).__name__}")
        return rows

    def empty(self, *, meta=None):
        """
        An empty table with every schema column, its type and unit.

        Parameters
        ----------
        meta : dict, optional
            Provenance to store in ``Table.meta``.

        Returns
        -------
        `~astropy.table.Table`
        """
        return self.table([], meta=meta)


_DICT = {dict}
#: Rows are transposed this many at a time: a chunk's dicts are still in the CPU's cache when
#: its values are read out, which a pass over every row per key (or one zip over all rows)
#: does not have. Measured on freshly decoded ZTF detection rows (34 keys), cache cold: 2,619
#: rows 2.8 ms (key by key 6.4 ms, one zip 3.2 ms); 50,000 rows 55 ms (229 ms, 113 ms); 300
#: rows 0.27 ms (0.37 ms, 0.25 ms).
_TRANSPOSE_CHUNK = 256
#: Up to this many rows of at least this many keys, rows with the same keys in the same order
#: are transposed from their values (no key looked up): 722 LSST rows of 102 keys, 1.2 ms +
#: 0.8 ms to check the keys, vs 3.2 ms by key; for 34 keys (ZTF) the check costs what it saves.
_SAME_KEYS_ROWS = 5000
_SAME_KEYS_WIDTH = 64


def _row_getter(keys):
    """A function of a row giving its values of ``keys`` as a tuple (`KeyError` for a row
    without one of them)."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        key, = keys
        return lambda row: (row[key],)
    return lambda row: ()


def _transposed(rows, row_values, width):
    """
    The rows' values by column: ``row_values(row)`` gives one row's ``width`` values, in
    column order; the result is ``width`` lists of ``len(rows)`` values.

    Examples
    --------
    >>> _transposed([{"a": 1, "b": 2}, {"a": 3, "b": 4}], dict.values, 2)
    [[1, 3], [2, 4]]
    """
    columns = [[] for _ in range(width)]
    for start in range(0, len(rows), _TRANSPOSE_CHUNK):
        chunk = map(row_values, rows[start:start + _TRANSPOSE_CHUNK])
        for column, values in zip(columns, zip(*chunk, strict=True), strict=True):
            column.extend(values)
    return columns


class RawColumn:
    """
    One column of a service's answer as plain arrays (see `Schema.arrays`).

    Attributes
    ----------
    data : `numpy.ndarray`
        The values, in the field's dtype.
    mask : `numpy.ndarray` of bool
        True where the service sent null, nothing, NaN or a value of the wrong type.
    field : `Field`
        Name, dtype, unit and description of the column.
    """

    __slots__ = ("data", "mask", "field")

    def __init__(self, data, mask, field):
        self.data, self.mask, self.field = data, mask, field

    def __repr__(self):
        return f"<RawColumn {self.field.name} {self.data.dtype}, {int(self.mask.sum())} masked>"


def _make_column(field, data, mask):
    """The table column of converted values: masked only if something is masked."""
    if mask.any():
        kwargs = {"fill_value": _FILL[field.dtype]} if field.dtype in _FILL else {}
        return MaskedColumn(data, mask=mask, name=field.name, unit=field.unit,
                            description=field.description, **kwargs)
    return Column(data, name=field.name, unit=field.unit, description=field.description)


# The Python types the fast paths of `convert_values` take as they are; anything else (strings
# in integer columns that are not plain numbers, nested objects, out-of-range integers...)
# goes through the value-by-value conversion, so that the two cannot disagree.
_INT_TYPES = frozenset({int})
_INT_OR_NONE = frozenset({int, type(None)})
_BOOL_TYPES = frozenset({bool, type(None)})
_STR_TYPES = frozenset({str})
_NONE = frozenset({type(None)})
_INT_DTYPES = {"int64": np.int64, "int32": np.int32, "int16": np.int16}


def convert_values(values, dtype):
    """
    The JSON values of one column as ``(data, mask)`` arrays, by the rules of this module.

    The common cases (floats with nulls, plain integers, booleans, strings) are converted by
    NumPy in one call each; every other case value by value, with the same result.

    Parameters
    ----------
    values : list
        The raw values of one column (`None` for null or missing).
    dtype : str
        A `Field` dtype: ``str``, ``bool``, ``int16``/``int32``/``int64``,
        ``float32``/``float64``.

    Returns
    -------
    data, mask : `numpy.ndarray`
        ``mask`` is True where the value is missing or cannot be converted; ``data`` holds NaN,
        0, ``""`` or False there.

    Examples
    --------
    >>> data, mask = convert_values([1.5, None, 2], "float64")
    >>> data.tolist(), mask.tolist()
    ([1.5, nan, 2.0], [False, True, False])
    >>> convert_values(["1101542291015015004"], "int64")[0].tolist()
    [1101542291015015004]
    """
    n = len(values)
    if n:
        try:
            if dtype == "float64":
                if values[0] is None and values.count(None) == n:  # a column never filled
                    return np.full(n, np.nan), np.ones(n, dtype=bool)
                # NumPy converts each value as float() does, which is this module's rule for
                # every value it accepts (None is NaN, a string is parsed, True is 1.0); the
                # values it refuses (nested lists, "null", huge integers) raise, and take the
                # value-by-value way. fromiter converts each value as np.array does, without
                # first finding the type of all of them (2.4x faster with many nulls).
                data = np.fromiter(values, dtype=np.float64, count=n)
                if data.shape == (n,):
                    return data, np.isnan(data)
                return _convert(values, dtype)
            if dtype in _INT_DTYPES and type(values[0]) is int:
                # Plain Python integers (bools count as 0 and 1) come out as a 64-bit integer
                # array: no value has to be looked at in Python.
                ints = np.array(values)
                if ints.dtype == np.int64 and ints.shape == (n,):
                    return _ints(ints, _INT_TYPES, _INT_DTYPES[dtype], n)
        except (OverflowError, ValueError, TypeError):
            pass
        first = values[0]
        if dtype == "bool" and type(first) is bool:
            # Flags (LSST rows carry ~36): their bytes as they are, when every value is 0 or
            # 1 (True, False, or the integers, which bool() takes alike); None, floats and
            # strings raise here and are converted below. A third of NumPy's time.
            try:
                flags = np.frombuffer(bytearray(values), dtype=np.uint8)
            except (TypeError, ValueError):
                pass
            else:
                if flags.max() <= 1:
                    return flags.view(bool), np.zeros(n, dtype=bool)
        if dtype == "str" and type(first) is str and values.count(first) == n:
            # One value throughout (a telescope, a pipeline version): the array NumPy would
            # make, without converting each value (a twentieth of the time).
            return np.full(n, first, dtype=f"U{max(len(first), 1)}"), np.zeros(n, dtype=bool)
        types = set(map(type, values))
        try:
            if dtype in _INT_DTYPES and types <= _INT_OR_NONE:
                return _ints(values, types, _INT_DTYPES[dtype], n)
            elif dtype in _INT_DTYPES and types == _STR_TYPES:
                # 64-bit ids sent as strings: int() strips blanks as _to_int does, and a
                # string that is not an integer raises ValueError (then masked)
                return _ints(list(map(int, values)), _INT_TYPES, _INT_DTYPES[dtype], n)
            elif dtype == "bool" and types <= _BOOL_TYPES:
                if types == {bool}:
                    return np.array(values, dtype=bool), np.zeros(n, dtype=bool)
                # None becomes NaN, True 1.0 and False 0.0
                floats = np.array(values, dtype=np.float64)
                mask = np.isnan(floats)
                return floats == 1.0, mask
            elif dtype == "str" and types <= _STR_TYPES:
                return np.array(values, dtype=str), np.zeros(n, dtype=bool)
            elif dtype == "str" and types == _NONE:
                return np.full(n, "", dtype="U1"), np.ones(n, dtype=bool)
        except (OverflowError, ValueError, TypeError):
            pass
    return _convert(values, dtype)


def _ints(values, types, dtype, n):
    if types == _INT_TYPES:
        mask = np.zeros(n, dtype=bool)
        wide = np.asarray(values, dtype=np.int64)  # OverflowError beyond 64 bits: slow path
    else:
        objects = np.array(values, dtype=object)
        mask = np.equal(objects, None)
        objects[mask] = 0
        wide = objects.astype(np.int64)
    if dtype is not np.int64:
        info = np.iinfo(dtype)
        if ((wide < info.min) | (wide > info.max)).any():
            raise OverflowError("out of range: the value-by-value conversion masks these")
        return wide.astype(dtype), mask
    return wide, mask


def _convert(values, dtype):
    """`convert_values` value by value: the rules themselves (and the fallback)."""
    n = len(values)
    mask = np.zeros(n, dtype=bool)
    if dtype == "str":
        out = []
        for i, v in enumerate(values):
            if v is None:
                mask[i] = True
                out.append("")
            else:
                out.append(v if isinstance(v, str) else json.dumps(v) if isinstance(
                    v, (dict, list)) else str(v))
        return np.array(out, dtype=str) if n else np.array([], dtype="U1"), mask
    if dtype == "bool":
        out = np.zeros(n, dtype=bool)
        for i, v in enumerate(values):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                mask[i] = True
            elif isinstance(v, str):
                low = v.strip().lower()
                if low in ("true", "t", "1", "yes"):
                    out[i] = True
                elif low not in ("false", "f", "0", "no"):
                    mask[i] = True
            else:
                out[i] = bool(v)
        return out, mask
    if dtype.startswith("int"):
        out = np.zeros(n, dtype=_DTYPES[dtype])
        info = np.iinfo(out.dtype)
        for i, v in enumerate(values):
            iv = _to_int(v)
            if iv is None or not info.min <= iv <= info.max:
                mask[i] = True
            else:
                out[i] = iv
        return out, mask
    out = np.full(n, np.nan, dtype=_DTYPES[dtype])
    for i, v in enumerate(values):
        fv = _to_float(v)
        if fv is None or math.isnan(fv):
            mask[i] = True
        else:
            out[i] = fv
    return out, mask


def _to_int(v):
    if v is None or isinstance(v, bool):
        return None if v is None else int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if math.isfinite(v) and v == int(v) else None
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            return None
    return None


def _to_float(v):
    if v is None or isinstance(v, bool):
        return None if v is None else float(v)
    if isinstance(v, float):
        return v
    if isinstance(v, int):
        try:
            return float(v)
        except OverflowError:  # an integer literal beyond the float range
            return math.inf if v > 0 else -math.inf
    if isinstance(v, str):
        low = v.strip().lower()
        if low in ("null", "none", ""):
            return None
        if low in ("infinity", "inf", "+infinity"):
            return math.inf
        if low in ("-infinity", "-inf"):
            return -math.inf
        try:
            return float(v)
        except ValueError:
            return None
    return None


def _infer_dtype(values):
    present = [v for v in values if v is not None]
    if not present:
        return "str"
    if all(isinstance(v, bool) for v in present):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int64"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "float64"
    return "str"


def _jsonable(v):
    return json.dumps(v) if isinstance(v, (dict, list)) else v
