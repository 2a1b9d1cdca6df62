"""
Values as the multisurvey API writes them.

Rubin's fluxes, errors and most measurements are stored as float32 (PostgreSQL ``REAL``); the
service sends the shortest decimal that reads back as the same float32 (``2425.8623``), which
Python holds as the float64 nearest that decimal. Positions and times are float64. Missing
values are ``null``.
"""

import numpy as np

__all__ = ["f32", "f64", "ints", "round3"]


def f32(values):
    """
    float32 values as the service writes them: the shortest float32 decimal, NaN as None.

    Parameters
    ----------
    values : array-like of float

    Returns
    -------
    list of float or None

    Examples
    --------
    >>> f32([2425.86233, float("nan"), 1e-7])
    [2425.8623, None, 1e-07]
    """
    a = np.asarray(values, dtype=np.float32)
    text = a.astype(str).tolist()
    return [None if t == "nan" else float(t) for t in text]


def f64(values):
    """float64 values as Python floats, NaN as None."""
    return [None if v != v else v for v in np.asarray(values, dtype=float).tolist()]


def ints(values):
    """Integers as exact Python ints (never through a float)."""
    return np.asarray(values, dtype=np.int64).tolist()


def round3(value):
    """A float rounded to 3 decimals as the magstats service does (None and ints kept)."""
    if isinstance(value, float):
        return round(value, 3)
    return value
