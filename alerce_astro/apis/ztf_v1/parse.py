"""
The bodies of ALeRCE's ZTF API v1, checked before they are cached.

The transport caches a body only when its parser accepted it, so each check here runs inside
that parse step: an answer of the wrong shape raises `~alerce_astro.exceptions.ResponseFormatError`
and is never stored.
"""

from ...exceptions import ResponseFormatError
from ...transport import parse_json

__all__ = ["parse_lightcurve"]


def parse_lightcurve(answer):
    """The ``/lightcurve`` body: a dict of two lists, or None (the service's ``null``)."""
    data = parse_json(answer, expect=(dict, type(None)), what="light curve")
    if data is None:
        return None
    for key in ("detections", "non_detections"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(r, dict) for r in value)):
            raise ResponseFormatError(f"GET {answer.url}: the light curve's {key!r} is not a "
                                      f"list of objects")
    return data
