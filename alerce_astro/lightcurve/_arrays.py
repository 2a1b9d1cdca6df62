"""
Plain NumPy views of table columns, whatever their kind.

A light curve's columns can be `~astropy.table.Column`, `~astropy.table.MaskedColumn`,
`~astropy.units.Quantity` or a masked quantity (``Masked``), whose ``mask`` is a plain boolean
array (``np.ma.getmaskarray`` would not see it). These two helpers give every kind the same
treatment.
"""

import numpy as np
from astropy import units as u

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
