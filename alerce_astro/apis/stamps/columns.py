"""
The wire names of the stamp service: the cutout format, and the fields of a ZTF alert packet
(``/get_avro_info``) that place a stamp on the sky. A cutout's ``type`` is its kind's name
(`alerce_astro.stamps.STAMP_TYPES`: science, template, difference).
"""

__all__ = ["CUTOUT_FORMAT", "MJD_OF_JD0", "record_from_alert",
           "position_in_image", "isdiffpos_sign"]

#: The ``format`` asked for: gzip-compressed FITS (``png`` is a rendering).
CUTOUT_FORMAT = "fits"
#: Julian date of MJD 0 (an alert's ``jd`` is a Julian date).
MJD_OF_JD0 = 2400000.5


def _candidate(alert):
    return alert.get("candidate") if isinstance(alert.get("candidate"), dict) else alert


def position_in_image(alert):
    """
    ``xpos``/``ypos`` of the candidate in the science image, when the alert has them.

    Examples
    --------
    >>> position_in_image({"candidate": {"xpos": 1200.5, "ypos": 33.25}})
    {'xpos': 1200.5, 'ypos': 33.25}
    >>> position_in_image({"candidate": {"xpos": None}})
    {}
    """
    import math

    candidate = _candidate(alert)
    x, y = candidate.get("xpos"), candidate.get("ypos")
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
           for v in (x, y)):
        return {"xpos": float(x), "ypos": float(y)}
    return {}


def isdiffpos_sign(value):
    """
    The alert's ``isdiffpos`` (``"t"``/``"f"``, 1/0...) as +1 / -1, or None.

    Examples
    --------
    >>> isdiffpos_sign("t"), isdiffpos_sign("f"), isdiffpos_sign(None)
    (1, -1, None)
    """
    if isinstance(value, str):
        return 1 if value.strip().lower() in ("t", "1", "true") else -1
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return 1 if value > 0 else -1
    return None


def record_from_alert(alert, oid, candid):
    """
    What a stamp needs of an alert packet: candid, mjd, ra, dec, fid, isdiffpos, has_stamp and
    (when present) xpos/ypos.

    Parameters
    ----------
    alert : dict
        The ``/get_avro_info`` body.
    oid : str
        The object the caller expects the alert to belong to.
    candid : int
        The alert's candid.

    Returns
    -------
    dict

    Raises
    ------
    InvalidQueryError
        If the alert belongs to another object.
    ResponseFormatError
        If it has no usable ra/dec/jd.
    """
    import math

    from ...exceptions import InvalidQueryError, ResponseFormatError

    candidate = _candidate(alert)
    owner = alert.get("objectId") or alert.get("oid")
    if isinstance(owner, str) and owner != oid:
        raise InvalidQueryError(f"candid {candid} is an alert of {owner}, not of {oid}")
    try:
        ra, dec = float(candidate["ra"]), float(candidate["dec"])
        if "jd" in candidate:
            mjd = float(candidate["jd"]) - MJD_OF_JD0
        else:
            mjd = float(alert.get("mjd", candidate.get("mjd")))
    except (KeyError, TypeError, ValueError):
        raise ResponseFormatError(f"the alert record of candid {candid} has no usable "
                                  f"ra/dec/jd") from None
    fid = candidate.get("fid")
    usable_fid = (isinstance(fid, (int, float)) and not isinstance(fid, bool)
                  and math.isfinite(fid))
    record = {"candid": int(candid), "mjd": mjd, "ra": ra, "dec": dec,
              "fid": int(fid) if usable_fid else None,
              "isdiffpos": isdiffpos_sign(candidate.get("isdiffpos")), "has_stamp": True}
    record.update(position_in_image(alert))
    return record
