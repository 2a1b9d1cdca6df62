"""
The routes of ALeRCE's ZTF services: the one place that knows their paths.

Each route names its service (a key of the client's ``urls``: ``ztf``, ``lightcurve``,
``stamps``) and a path template relative to that service's base URL. Path parameters are
always URL-escaped, so an id can never add a path segment or a query string.
"""

from urllib.parse import quote

__all__ = ["ROUTES", "route_url", "ORDER_BY_CHOICES", "ORDER_MODES", "EXPLORER_MAX_OIDS"]

ROUTES = {
    # ZTF API v1. Collections need the trailing slash, items must not have one.
    "objects": ("ztf", "objects/"),
    "object": ("ztf", "objects/{oid}"),
    "lightcurve": ("ztf", "objects/{oid}/lightcurve"),
    "detections": ("ztf", "objects/{oid}/detections"),
    "non_detections": ("ztf", "objects/{oid}/non_detections"),
    "magstats": ("ztf", "objects/{oid}/magstats"),
    "probabilities": ("ztf", "objects/{oid}/probabilities"),
    "features": ("ztf", "objects/{oid}/features"),
    "feature": ("ztf", "objects/{oid}/features/{name}"),
    "limit_values": ("ztf", "objects/limit_values"),
    "classifiers": ("ztf", "classifiers/"),
    "classes": ("ztf", "classifiers/{classifier}/{version}/classes"),
    # Light curve API v2.
    "forced_photometry": ("lightcurve", "forced-photometry/{oid}"),
    # Stamp service.
    "stamp": ("stamps", "get_stamp"),
    "avro": ("stamps", "get_avro"),
    "avro_info": ("stamps", "get_avro_info"),
}

#: Values the service accepts for ``order_by`` on ``/objects/``.
ORDER_BY_CHOICES = (
    "oid", "ndet", "g_r_max", "g_r_max_corr", "g_r_mean", "g_r_mean_corr", "meanra", "meandec",
    "sigmara", "sigmadec", "deltajd", "firstmjd", "lastmjd", "class_name", "classifier_name",
    "classifier_version", "probability", "ranking",
)
#: Values the service accepts for ``order_mode`` (case-sensitive on the wire).
ORDER_MODES = ("ASC", "DESC")
#: The explorer accepts at most this many ``oid`` parameters in one link.
EXPLORER_MAX_OIDS = 200


def _segment(value):
    """One path segment, escaped; '.' and '..' too, which URL libraries would otherwise
    resolve as 'this folder' and 'the parent folder' (RFC 3986 dot segments)."""
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text


def route_url(urls, route, **params):
    """
    The full URL of a route.

    Parameters
    ----------
    urls : mapping
        Base URL of each service (keys ``ztf``, ``lightcurve``, ``stamps``...).
    route : str
        A key of `ROUTES`.
    **params
        Path parameters; each is URL-escaped completely (``/`` included).

    Returns
    -------
    str

    Examples
    --------
    >>> route_url({"ztf": "https://api.alerce.online/ztf/v1"}, "magstats", oid="ZTF20aaelulu")
    'https://api.alerce.online/ztf/v1/objects/ZTF20aaelulu/magstats'
    >>> route_url({"ztf": "http://h/ztf/v1/"}, "feature", oid="ZTF20aaelulu", name="a/b")
    'http://h/ztf/v1/objects/ZTF20aaelulu/features/a%2Fb'
    """
    service, template = ROUTES[route]
    escaped = {key: _segment(value) for key, value in params.items()}
    return urls[service].rstrip("/") + "/" + template.format(**escaped)
