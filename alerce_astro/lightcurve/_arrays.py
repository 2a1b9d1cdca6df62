"""
Plain NumPy views of table columns, whatever their kind.

A light curve's columns can be `~astropy.table.Column`, `~astropy.table.MaskedColumn`,
`~astropy.units.Quantity` or a masked quantity (``Masked``), whose ``mask`` is a plain boolean
array (``np.ma.getmaskarray`` would not see it). These two helpers give every kind the same
treatment.
"""

import numpy as np
from astropy import units as u

from ..schema import _convert

__all__ = ["mask_of", "values_of"]


def mask_of(col):
    """
    The mask of a column or quantity as a boolean array (all False if it has none).

    Examples
    --------
    >>> from astropy.utils.masked import Masked
    >>> mask_of(Masked([1.0, 2.0] * u.mag, mask=[False, True])).tolist()
    [False, True]
    """
    n = np.shape(col)[0] if np.ndim(col) else 1
    mask = getattr(col, "mask", None)
    if mask is None or mask is np.ma.nomask:
        return np.zeros(n, dtype=bool)
    return np.broadcast_to(np.asarray(mask, dtype=bool), (n,)).copy()


def values_of(col, unit=None):
    """
    The values of a column or quantity as floats, NaN where masked.

    Parameters
    ----------
    col : column, quantity or array
    unit : `~astropy.units.Unit`, optional
        Convert a quantity to this unit first.

    Examples
    --------
    >>> from astropy.utils.masked import Masked
    >>> values_of(Masked([1.0, 2.0] * u.mag, mask=[False, True])).tolist()
    [1.0, nan]
    """
    if isinstance(col, u.Quantity):
        raw = getattr(col, "unmasked", col)
        values = raw.to_value(unit) if unit is not None else raw.value
    elif isinstance(col, np.ma.MaskedArray):
        values = col.data
    else:
        values = getattr(col, "unmasked", col)
    values = np.array(values, dtype=float, ndmin=1)
    values[mask_of(col)] = np.nan
    return values


# The Python types the fast paths of `from_json` take as they are; anything else (strings
# in integer columns that are not plain numbers, nested objects, out-of-range integers...)
# goes through the schema's value-by-value conversion, so that the two cannot disagree.
_INT_TYPES = frozenset({int})
_INT_OR_NONE = frozenset({int, type(None)})
_BOOL_TYPES = frozenset({bool, type(None)})
_STR_TYPES = frozenset({str})
_NONE = frozenset({type(None)})
_INT_DTYPES = {"int64": np.int64, "int32": np.int32, "int16": np.int16}


def from_json(values, dtype):
    """
    JSON values as ``(data, mask)`` arrays, exactly as `alerce_astro.schema` converts them.

    The common cases (floats with nulls, plain integers, booleans, strings) are converted by
    NumPy in one call each instead of value by value; every other case is handed to the
    schema's own conversion.

    Parameters
    ----------
    values : sequence
        The raw values of one column (`None` for null or missing).
    dtype : str
        A schema dtype: ``str``, ``bool``, ``int16``/``int32``/``int64``,
        ``float32``/``float64``.

    Returns
    -------
    data, mask : `numpy.ndarray`

    Examples
    --------
    >>> data, mask = from_json([1.5, None, 2], "float64")
    >>> data.tolist(), mask.tolist()
    ([1.5, nan, 2.0], [False, True, False])
    """
    n = len(values)
    if n:
        try:
            if dtype == "float64":
                if values[0] is None and values.count(None) == n:  # a column never filled
                    return np.full(n, np.nan), np.ones(n, dtype=bool)
                # NumPy converts each value as float() does, which is the schema's rule for
                # every value it accepts (None is NaN, a string is parsed, True is 1.0); the
                # values it refuses (nested lists, "null", huge integers) raise or give
                # another shape, and take the schema's way.
                data = np.array(values, dtype=np.float64)
                if data.shape == (n,):
                    return data, np.isnan(data)
                return _convert(values, dtype)
            if dtype in _INT_DTYPES and type(values[0]) is int:
                # Plain Python integers (bools count as 0 and 1, as in the schema) come out
                # as a 64-bit integer array: no value has to be looked at in Python.
                ints = np.array(values)
                if ints.dtype == np.int64 and ints.shape == (n,):
                    return _ints(ints, _INT_TYPES, _INT_DTYPES[dtype], n)
        except (OverflowError, ValueError, TypeError):
            pass
        types = set(map(type, values))
        try:
            if dtype in _INT_DTYPES and types <= _INT_OR_NONE:
                return _ints(values, types, _INT_DTYPES[dtype], n)
            elif dtype in _INT_DTYPES and types == _STR_TYPES:
                # 64-bit ids sent as strings: int() strips blanks as the schema does, and a
                # string that is not an integer raises ValueError (the schema masks it)
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
            raise OverflowError("out of range: the schema's conversion masks these")
        return wide.astype(dtype), mask
    return wide, mask
