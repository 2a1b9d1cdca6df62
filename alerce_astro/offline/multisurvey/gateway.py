"""
The host of the multisurvey API: an nginx sidecar in front of one FastAPI app per service.

``/<svc>_api/<route>`` goes to the app of ``<svc>`` with the prefix stripped (and slashes
merged); ``GET /`` answers ``ok``; any other ``/..._api`` path is nginx's 404 page. JSON
answers of 1024 bytes or more get ``Vary: Accept-Encoding`` and are gzipped when the request
accepts it.

Load shedding (the service's later code): with ``busy_limit`` set, a request to an app while
more than ``busy_limit`` requests are in flight on the server (itself included) is answered
``503 Service busy, please retry`` (``text/plain``) with ``Retry-After: 1``, at once rather than
after the service's 2 s queue wait.
"""

import re

from ..fastapi import gzip_json
from . import (
    classifier_app,
    crossmatch_app,
    lightcurve_app,
    magstat_app,
    object_app,
    probability_app,
    stamps_app,
)

__all__ = ["MultisurveyGateway", "APPS", "BUSY_BODY"]

#: path prefix -> module making the app
APPS = {
    "object_api": object_app,
    "lightcurve_api": lightcurve_app,
    "magstat_api": magstat_app,
    "probability_api": probability_app,
    "classifier_api": classifier_app,
    "stamps_api": stamps_app,
    "crossmatch_api": crossmatch_app,
}
NGINX_404 = (b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
             b"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
             b"</body>\r\n</html>\r\n")
BUSY_BODY = b"Service busy, please retry"
_SERVICE = re.compile(r"/([^/]+_api)(/.*)?")
_SLASHES = re.compile("/{2,}")


class MultisurveyGateway:
    """
    The multisurvey host over a `~.dataset.MultisurveyDataset`.

    Parameters
    ----------
    dataset : MultisurveyDataset
        The data.
    in_flight : callable, optional
        Returns how many requests the server is handling (for load shedding).
    busy_limit : int, optional
        Shed load above this many requests in flight (None: never).
    """

    def __init__(self, dataset, *, in_flight=None, busy_limit=None):
        self.dataset = dataset
        self.in_flight = in_flight
        self.busy_limit = busy_limit
        self.apps = {name: module.make_app(dataset) for name, module in APPS.items()}

    @staticmethod
    def claims(path):
        """Whether a path outside the other services' prefixes belongs to this host."""
        path = _SLASHES.sub("/", path)
        return path == "/" or _SERVICE.fullmatch(path) is not None

    def handle(self, request):
        """Answer ``request`` (its ``path`` is the full path on the host)."""
        path = _SLASHES.sub("/", request.path)
        if path == "/":
            # nginx's `return 200 'ok'` with default_type and an added Content-Type
            return 200, [("Content-Type", "application/octet-stream"),
                         ("Content-Type", "text/plain")], b"ok"
        found = _SERVICE.fullmatch(path)
        app = self.apps.get(found.group(1)) if found else None
        if app is None:
            return 404, [("Content-Type", "text/html")], NGINX_404
        if (self.busy_limit is not None and self.in_flight is not None
                and self.in_flight() > self.busy_limit):
            return 503, [("Content-Type", "text/plain; charset=utf-8"),
                         ("Retry-After", "1")], BUSY_BODY
        status, headers, body = app.handle(request, found.group(2) or "/")
        return gzip_json(request, status, headers, body)
