"""The bodies of ALeRCE's light curve API v2, checked before they are cached."""

from ...exceptions import ResponseFormatError
from ...transport import parse_json

__all__ = ["parse_forced_photometry"]


def parse_forced_photometry(answer):
    """The forced-photometry body: a list of row objects (``[]`` for none)."""
    data = parse_json(answer, expect=(list, dict), what="forced photometry")
    if isinstance(data, dict):
        # Tolerate an envelope {"forced_photometry": [...]} as other v2 routes send.
        data = data.get("forced_photometry", data.get("forcedPhotometry"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ResponseFormatError(f"GET {answer.url}: the forced photometry is not a list of "
                                  f"objects")
    return data
