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
"""

import json
import math
from dataclasses import dataclass

import numpy as np
from astropy import units as u
from astropy.table import Column, MaskedColumn, Table

from .exceptions import ResponseFormatError

__all__ = ["Field", "Schema", "RowsFormatError"]


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
        data, mask = _convert(values, field.dtype)
        cls = MaskedColumn if mask.any() else Column
        kwargs = {"mask": mask} if cls is MaskedColumn else {}
        if cls is MaskedColumn and field.dtype in _FILL:
            kwargs["fill_value"] = _FILL[field.dtype]
        return cls(data, name=field.name, unit=field.unit, description=field.description,
                   **kwargs)

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
        if isinstance(rows, (str, bytes, dict)) or not hasattr(rows, "__iter__"):
            raise RowsFormatError(f"{self.resource}: expected a list of objects, got "
                                  f"{type(rows).__name__}")
        rows = list(rows)
        for row in rows:
            if not isinstance(row, dict):
                raise RowsFormatError(f"{self.resource}: expected a list of objects, got an "
                                      f"item of type {type(row).__name__}")
        table = Table(meta=dict(meta or {}))
        for field in self.fields:
            key = field.wire_key
            table.add_column(self.column(field, [row.get(key) for row in rows]))
        if keep_unknown:
            extra = {}
            for row in rows:
                for key in row:
                    if key not in self._by_key and key not in extra:
                        extra[key] = None
            for key in extra:
                if key in table.colnames:
                    continue
                values = [row.get(key) for row in rows]
                field = Field(key, _infer_dtype(values), None,
                              f"Column {key!r} sent by the service but not in this package's "
                              f"{self.resource} schema")
                table.add_column(self.column(field, [_jsonable(v) for v in values]))
        return table

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


def _convert(values, dtype):
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
