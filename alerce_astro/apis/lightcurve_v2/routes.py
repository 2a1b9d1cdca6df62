"""The routes of ALeRCE's light curve API v2, relative to ``urls["lightcurve_v2"]``."""

from ..routing import Route, join

__all__ = ["API", "ROUTES", "route"]

#: The key of this API in the client's ``urls``.
API = "lightcurve_v2"

ROUTES = {
    "forced_photometry": "forced-photometry/{oid}",
}


def route(urls, name, /, **path):
    """
    The request of a route (ids in the path, escaped).

    Examples
    --------
    >>> route({"lightcurve_v2": "https://api.alerce.online/v2/lightcurve"},
    ...       "forced_photometry", oid="ZTF20aaelulu").url
    'https://api.alerce.online/v2/lightcurve/forced-photometry/ZTF20aaelulu'
    """
    return Route(join(urls[API], ROUTES[name], **path), (), API)
