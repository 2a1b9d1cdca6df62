"""The routes of ALeRCE's catsHTM service, relative to ``urls["catshtm"]``."""

from ..routing import Route, join

__all__ = ["API", "ROUTES", "route", "catshtm_url"]

#: The key of this API in the client's ``urls``.
API = "catshtm"

#: ``radius`` (arcsec) is required by the cone searches and optional for the crossmatches (the
#: catalog's default radius is used without it).
ROUTES = {
    "conesearch": "conesearch",          # catalog, ra, dec, radius: every source in the cone
    "conesearch_all": "conesearch_all",  # ra, dec, radius: the same for every catalog
    "crossmatch": "crossmatch",          # catalog, ra, dec[, radius]: the closest source
    "crossmatch_all": "crossmatch_all",  # ra, dec[, radius]: the closest source per catalog
}


def route(urls, name, /, **path):
    """
    The request of a route (the caller adds catalog, position and radius).

    Examples
    --------
    >>> route({"catshtm": "https://catshtm.alerce.online"}, "crossmatch_all").url
    'https://catshtm.alerce.online/crossmatch_all'
    """
    return Route(join(urls[API], ROUTES[name], **path), (), API)


def catshtm_url(urls, name):
    """
    The full URL of a catsHTM route.

    Parameters
    ----------
    urls : mapping or str
        The client's base URLs (key ``catshtm``) or the service's base URL itself.
    name : str
        A key of `ROUTES`.

    Examples
    --------
    >>> catshtm_url("https://catshtm.alerce.online/", "conesearch")
    'https://catshtm.alerce.online/conesearch'
    """
    return route({API: urls} if isinstance(urls, str) else urls, name).url
