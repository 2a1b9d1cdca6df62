"""
The bodies of ALeRCE's multisurvey API, checked before they are cached.

The transport caches a body only when its parser accepted it: an answer of the wrong shape
raises `~alerce_astro.exceptions.ResponseFormatError` and is never stored.
"""

from ...exceptions import ResponseFormatError
from ...transport import parse_json

__all__ = ["parse_rows", "parse_lightcurve", "parse_forced_photometry", "parse_object"]


def parse_rows(answer, *, what="rows"):
    """A body that must be a list of JSON objects (``[]`` for none)."""
    data = parse_json(answer, expect=list, what=what)
    if not all(isinstance(row, dict) for row in data):
        raise ResponseFormatError(f"GET {answer.url}: the {what} are not a list of objects")
    return data


def parse_lightcurve(answer):
    """``lightcurve_api/detections`` rows (the light curve's detections)."""
    return parse_rows(answer, what="detections")


def parse_forced_photometry(answer):
    """``lightcurve_api/forced-photometry`` rows."""
    return parse_rows(answer, what="forced photometry")


def parse_object(answer):
    """``object_api/object``: one JSON object with an integer ``oid``."""
    data = parse_json(answer, expect=dict, what="object")
    if not isinstance(data.get("oid"), int):
        raise ResponseFormatError(f"GET {answer.url}: the object has no integer 'oid'")
    return data
