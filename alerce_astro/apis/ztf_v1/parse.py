"""
The bodies of ALeRCE's ZTF API v1, checked before they are cached.

The transport caches a body only when its parser accepted it, so each check here runs inside
that parse step: an answer of the wrong shape raises `~alerce_astro.exceptions.ResponseFormatError`
and is never stored.
"""

from itertools import repeat

from ...exceptions import ResponseFormatError
from ...transport import parse_json
from ..answers import check_keys, check_record

__all__ = ["parse_lightcurve", "parse_object", "OBJECT_KEYS", "LIGHTCURVE_KEYS"]

#: Keys every ``/objects/{oid}`` record has (nulls allowed), the id first.
OBJECT_KEYS = ("oid", "ndethist", "ncovhist", "ndet", "firstmjd", "lastmjd", "meanra",
               "meandec")
#: Keys every ``/objects/{oid}/lightcurve`` body has (unless it is the literal ``null``).
LIGHTCURVE_KEYS = ("detections", "non_detections")


def parse_object(answer, *, oid):
    """The ``/objects/{oid}`` body: the record of ``oid`` (not ``{}``, not another object's)."""
    data = parse_json(answer, expect=dict, what="object")
    return check_record(data, url=answer.url, what="object", id_key="oid", expected=oid,
                        required=OBJECT_KEYS)


def parse_lightcurve(answer):
    """The ``/lightcurve`` body: a dict of two lists, or None (the service's ``null``).

    ``{}`` (or a dict without both lists) is refused: read as "no photometry" it would be
    an empty light curve, and cached as one."""
    data = parse_json(answer, expect=(dict, type(None)), what="light curve")
    if data is None:
        return None
    check_keys(data, url=answer.url, what="light curve", required=LIGHTCURVE_KEYS)
    for key in ("detections", "non_detections"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(map(isinstance, value, repeat(dict)))):
            raise ResponseFormatError(f"GET {answer.url}: the light curve's {key!r} is not a "
                                      f"list of objects")
    return data
