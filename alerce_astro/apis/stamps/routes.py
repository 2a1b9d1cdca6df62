"""The routes of ALeRCE's stamp service, relative to ``urls["stamps"]``."""

from ..routing import Route, join
from .columns import CUTOUT_FORMAT

__all__ = ["API", "ROUTES", "route", "stamp_params"]

#: The key of this API in the client's ``urls``.
API = "stamps"

ROUTES = {
    "stamp": "get_stamp",        # candid, type, format (required), oid: one cutout
    "avro": "get_avro",          # candid, oid: the raw Avro alert
    "avro_info": "get_avro_info",  # candid, oid: the alert as JSON, without cutouts
}


def route(urls, name, /, **path):
    """
    The request of a route (parameters are added by the caller: `stamp_params`).

    Examples
    --------
    >>> route({"stamps": "https://avro.alerce.online"}, "avro_info").url
    'https://avro.alerce.online/get_avro_info'
    """
    return Route(join(urls[API], ROUTES[name], **path), (), API)


def stamp_params(oid, candid, kind):
    """
    The query of one FITS cutout; ``kind`` is ``science``, ``template`` or ``difference``.

    Examples
    --------
    >>> stamp_params("ZTF18aaqfhlj", 1786550031115010000, "science")
    [('candid', 1786550031115010000), ('type', 'science'), ('format', 'fits'),
     ('oid', 'ZTF18aaqfhlj')]
    """
    return [("candid", candid), ("type", kind), ("format", CUTOUT_FORMAT), ("oid", oid)]
