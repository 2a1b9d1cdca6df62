"""
Identifiers of simulated objects, exposures and alerts.

ZTF object ids are ``ZTF`` + two year digits + seven lowercase letters. Simulated objects use
the year digits ``00`` (ZTF started in 2017/2018), so they can never be the id of a real
object. Exposure and alert ids follow the ZTF layout (Masci et al. 2019, PASP 131, 018003):

* ``nid``: night id, days since 2017-01-01 (MJD 57754);
* ``pid`` (13 digits): ``nid``, five digits of the UT fraction of the day, the readout channel
  ``rcid`` (two digits) and the processing code ``15``;
* ``candid`` (19 digits): ``pid`` followed by six digits naming the source in the exposure;
* ``rfid`` (reference image id): field, ``120``, ``fid`` and ``rcid``.
"""

import re

import numpy as np

from .constants import NID_ZERO

__all__ = ["simulated_oid", "oid_index", "night_id", "make_pid", "make_candid", "make_rfid",
           "OID_PATTERN"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_N = 7
#: Every simulated oid matches this.
OID_PATTERN = re.compile(r"^ZTF00[a-z]{7}$")


def simulated_oid(i):
    """
    The object id of the ``i``-th simulated object.

    Parameters
    ----------
    i : int
        Index, ``0 <= i < 26**7``.

    Returns
    -------
    str
        ``ZTF00`` followed by seven letters, the base-26 digits of ``i`` (``a`` = 0).

    Raises
    ------
    ValueError
        If ``i`` is negative, too large or not an integer.

    Examples
    --------
    >>> simulated_oid(0), simulated_oid(1), simulated_oid(27)
    ('ZTF00aaaaaaa', 'ZTF00aaaaaab', 'ZTF00aaaaabb')
    """
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
        raise ValueError(f"i must be an integer, got {i!r}")
    i = int(i)
    if not 0 <= i < 26 ** _N:
        raise ValueError(f"i must be in [0, 26**7), got {i}")
    letters = []
    for _ in range(_N):
        i, r = divmod(i, 26)
        letters.append(_LETTERS[r])
    return "ZTF00" + "".join(reversed(letters))


def oid_index(oid):
    """
    The index of a simulated object id (the inverse of `simulated_oid`).

    Parameters
    ----------
    oid : str
        A simulated object id.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``oid`` is not a simulated object id.
    """
    if not isinstance(oid, str) or not OID_PATTERN.match(oid):
        raise ValueError(f"not a simulated object id: {oid!r}")
    i = 0
    for ch in oid[5:]:
        i = i * 26 + _LETTERS.index(ch)
    return i


def night_id(mjd):
    """ZTF night id (``int`` array) of MJD values."""
    return np.floor(np.asarray(mjd, dtype=float) - NID_ZERO).astype(np.int64)


def make_pid(mjd, rcid):
    """
    Processing (exposure) ids of exposures taken at ``mjd`` on readout channel ``rcid``.

    Parameters
    ----------
    mjd : array-like of float
    rcid : array-like of int
        0 to 63.

    Returns
    -------
    numpy.ndarray of int64
        13-digit ids for nights after 2019-09-28 (``nid >= 1000``).
    """
    mjd = np.asarray(mjd, dtype=float)
    frac = np.floor((mjd - np.floor(mjd)) * 1e5).astype(np.int64)
    return (night_id(mjd) * 10 ** 9 + frac * 10 ** 4
            + np.asarray(rcid, dtype=np.int64) * 100 + 15)


def make_candid(pid, source):
    """
    Alert ids: ``pid * 10**6 + source`` with ``source`` < 10**6 naming the source.

    Returns
    -------
    numpy.ndarray of int64
        19-digit ids when ``pid`` has 13 digits (all fit in int64 and exceed 2**53).
    """
    return np.asarray(pid, dtype=np.int64) * 10 ** 6 + np.asarray(source, dtype=np.int64)


def make_rfid(field, fid, rcid):
    """Reference image ids: field, ``120``, band and readout channel (e.g. ``576120210``)."""
    return (np.asarray(field, dtype=np.int64) * 10 ** 6 + 120000
            + np.asarray(fid, dtype=np.int64) * 100 + np.asarray(rcid, dtype=np.int64))
