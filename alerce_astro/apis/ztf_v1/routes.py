"""
The routes of ALeRCE's ZTF API v1: the one place that knows its paths.

Every route is a path template relative to the API's base URL (``urls["ztf_v1"]``). Path
parameters (object ids, feature names, classifiers) are always URL-escaped, so an id can never
add a path segment or a query string. Collections need their trailing slash; items must not
have one (the service answers 404 with an HTML page).
"""

from ..routing import Route, join

__all__ = ["API", "ROUTES", "route", "route_url", "CRITERIA", "ORDER_BY_CHOICES",
           "ORDER_MODES"]

#: The key of this API in the client's ``urls``.
API = "ztf_v1"

ROUTES = {
    "objects": "objects/",
    "object": "objects/{oid}",
    "lightcurve": "objects/{oid}/lightcurve",
    "detections": "objects/{oid}/detections",
    "non_detections": "objects/{oid}/non_detections",
    "magstats": "objects/{oid}/magstats",
    "probabilities": "objects/{oid}/probabilities",
    "features": "objects/{oid}/features",
    "feature": "objects/{oid}/features/{name}",
    "limit_values": "objects/limit_values",
    "classifiers": "classifiers/",
    "classes": "classifiers/{classifier}/{version}/classes",
}

#: The query parameter of each list criterion of the client (``/objects/``); ranges
#: (``ndet``, ``firstmjd``, ``lastmjd``) repeat the parameter: ``[min]`` or ``[min, max]``.
CRITERIA = {
    "classifier": "classifier",
    "classifier_version": "classifier_version",
    "class_name": "class",
    "ranking": "ranking",
    "probability": "probability",
    "ndet": "ndet",
    "firstmjd": "firstmjd",
    "lastmjd": "lastmjd",
}

#: Values the service accepts for ``order_by`` on ``/objects/``.
ORDER_BY_CHOICES = (
    "oid", "ndet", "g_r_max", "g_r_max_corr", "g_r_mean", "g_r_mean_corr", "meanra", "meandec",
    "sigmara", "sigmadec", "deltajd", "firstmjd", "lastmjd", "class_name", "classifier_name",
    "classifier_version", "probability", "ranking",
)
#: Values the service accepts for ``order_mode`` (case-sensitive on the wire).
ORDER_MODES = ("ASC", "DESC")


def route(urls, name, /, **path):
    """
    The request of a route: its URL and the query parameters it always carries (none here:
    ZTF v1 puts ids in the path).

    Parameters
    ----------
    urls : mapping
        Base URL of each API (key ``ztf_v1``).
    name : str
        A key of `ROUTES`.
    **path
        Path parameters; each is URL-escaped completely (``/`` included).

    Returns
    -------
    `~alerce_astro.apis.routing.Route`

    Examples
    --------
    >>> r = route({"ztf_v1": "https://api.alerce.online/ztf/v1"}, "magstats", oid="ZTF20aaelulu")
    >>> r.url, r.params, r.api
    ('https://api.alerce.online/ztf/v1/objects/ZTF20aaelulu/magstats', (), 'ztf_v1')
    """
    return Route(join(urls[API], ROUTES[name], **path), (), API)


def route_url(urls, name, /, **path):
    """
    The full URL of a route.

    Examples
    --------
    >>> route_url({"ztf_v1": "http://h/ztf/v1/"}, "feature", oid="ZTF20aaelulu", name="a/b")
    'http://h/ztf/v1/objects/ZTF20aaelulu/features/a%2Fb'
    """
    return route(urls, name, **path).url
