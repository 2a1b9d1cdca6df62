"""
Rubin-like identifiers: visits, diaSource / diaForcedSource ids and diaObject ids.

Rubin packs a measurement id from the exposure, the detector and a source counter. Decoding the
real ids ALeRCE serves (``alerce-lsst-api.md``) gives this bit layout, from the least
significant bit:

====================  =====  ===============================================================
field                  bits  meaning
====================  =====  ===============================================================
counter                  19  the source on this detector image
detector                  8  0-188 for LSSTCam
seq_num                  14  the exposure's number in its observing day
(spare)                   1  0
day                      15  days since 2010-01-01 of the observing day (``day_obs``)
prefix                   the rest: 1 or 2 in the real ids seen so far
====================  =====  ===============================================================

``visit`` is ``YYYYMMDD`` of the observing day followed by ``seq_num`` on five digits
(``2026030500055``); the observing day starts at 12:00 UTC (``day_obs`` is the UTC date twelve
hours earlier), so one night has one ``day_obs``. A diaObject takes the id of the diaSource that
created it, its first detection.

**Simulated ids** use the same layout with the prefix **3** (``SIMULATED_PREFIX``): every one is
at least ``3 * 2**57`` (about 4.3e17; the real ones start with 17 or 31), beyond 2**53 so that
it cannot pass through a float64, and decodes to the simulated visit and detector that measured
it. The counter names the object (``2 i + 1`` for the detections of object ``i``, ``2 i + 2``
for its forced photometry), so ids are unique within a dataset of up to 2**18 - 1 objects.
"""

import datetime

import numpy as np

__all__ = ["pack_measurement_id", "unpack_measurement_id", "visit_id", "day_obs",
           "is_simulated_id", "SIMULATED_PREFIX", "MAX_OBJECTS", "detection_counter",
           "forced_counter"]

_COUNTER_BITS = 19
_DETECTOR_BITS = 8
_SEQ_BITS = 14
_SPARE_BITS = 1
_DAY_BITS = 15
_DAY_SHIFT = _COUNTER_BITS + _DETECTOR_BITS + _SEQ_BITS + _SPARE_BITS
_PREFIX_SHIFT = _DAY_SHIFT + _DAY_BITS
#: The leading field of every simulated id (real ones have 1 or 2).
SIMULATED_PREFIX = 3
#: Object indices 0 .. MAX_OBJECTS - 1 get distinct counters.
MAX_OBJECTS = 2 ** (_COUNTER_BITS - 1) - 1
_DAY_ZERO_MJD = 55197  # 2010-01-01
_MJD_EPOCH = datetime.date(1858, 11, 17)


def detection_counter(index):
    """The source counter of object ``index``'s detections (diaSources)."""
    return 2 * int(index) + 1


def forced_counter(index):
    """The source counter of object ``index``'s forced photometry (diaForcedSources)."""
    return 2 * int(index) + 2


def day_obs(mjd):
    """
    The observing day of times ``mjd``: integer MJD of the UTC date twelve hours earlier.

    Parameters
    ----------
    mjd : float or array-like

    Returns
    -------
    numpy.ndarray of int64
    """
    return np.floor(np.asarray(mjd, dtype=float) - 0.5).astype(np.int64)


def visit_id(day, seq):
    """
    Rubin visit ids ``YYYYMMDD`` followed by five digits of ``seq``.

    Parameters
    ----------
    day : array-like of int
        Observing day (integer MJD, see `day_obs`).
    seq : array-like of int
        Exposure number within the day.

    Returns
    -------
    numpy.ndarray of int64

    Examples
    --------
    >>> int(visit_id(61104, 55)[0])
    2026030500055
    """
    day = np.atleast_1d(np.asarray(day, dtype=np.int64))
    seq = np.asarray(seq, dtype=np.int64)
    ymd = np.array([int((_MJD_EPOCH + datetime.timedelta(days=int(d))).strftime("%Y%m%d"))
                    for d in day.tolist()], dtype=np.int64)
    return ymd * 100000 + seq


def pack_measurement_id(day, seq, detector, counter, prefix=SIMULATED_PREFIX):
    """
    Measurement ids (diaSourceId / diaForcedSourceId) in Rubin's bit layout.

    Parameters
    ----------
    day : array-like of int
        Observing day (integer MJD, see `day_obs`), 2010-01-01 or later.
    seq : array-like of int
        Exposure number within the day (< 16384).
    detector : array-like of int
        Detector (0-255).
    counter : array-like of int
        Source counter (< 2**19).
    prefix : int, optional
        Leading field; `SIMULATED_PREFIX` for simulated data.

    Returns
    -------
    numpy.ndarray of int64

    Raises
    ------
    ValueError
        If a field does not fit its bits.
    """
    d = np.asarray(day, dtype=np.int64) - _DAY_ZERO_MJD
    seq = np.asarray(seq, dtype=np.int64)
    det = np.asarray(detector, dtype=np.int64)
    cnt = np.asarray(counter, dtype=np.int64)
    for name, v, bits in (("day", d, _DAY_BITS), ("seq", seq, _SEQ_BITS),
                          ("detector", det, _DETECTOR_BITS), ("counter", cnt, _COUNTER_BITS)):
        if np.any(v < 0) or np.any(v >= 2 ** bits):
            raise ValueError(f"{name} does not fit in {bits} bits")
    return ((np.int64(prefix) << _PREFIX_SHIFT) | (d << _DAY_SHIFT)
            | (seq << (_COUNTER_BITS + _DETECTOR_BITS)) | (det << _COUNTER_BITS) | cnt)


def unpack_measurement_id(mid):
    """
    The fields of a measurement id (the inverse of `pack_measurement_id`).

    Parameters
    ----------
    mid : int

    Returns
    -------
    dict
        ``prefix``, ``day`` (integer MJD of the observing day), ``visit``, ``seq``,
        ``detector``, ``counter``.

    Examples
    --------
    >>> f = unpack_measurement_id(int(pack_measurement_id(61104, 55, 140, 7)))
    >>> f["prefix"], f["visit"], f["detector"], f["counter"]
    (3, 2026030500055, 140, 7)
    """
    mid = int(mid)
    day = ((mid >> _DAY_SHIFT) & (2 ** _DAY_BITS - 1)) + _DAY_ZERO_MJD
    seq = (mid >> (_COUNTER_BITS + _DETECTOR_BITS)) & (2 ** _SEQ_BITS - 1)
    return {
        "prefix": mid >> _PREFIX_SHIFT,
        "day": day,
        "visit": int(visit_id(day, seq)[0]),
        "seq": seq,
        "detector": (mid >> _COUNTER_BITS) & (2 ** _DETECTOR_BITS - 1),
        "counter": mid & (2 ** _COUNTER_BITS - 1),
    }


def is_simulated_id(oid):
    """Whether an integer id has the simulated prefix (see the module docstring)."""
    try:
        oid = int(oid)
    except (TypeError, ValueError):
        return False
    return 0 < oid < 2 ** 63 and oid >> _PREFIX_SHIFT == SIMULATED_PREFIX
