"""
The light curve API v2 (``/v2/lightcurve``) of the sample server: forced photometry only.

``GET /forced-photometry/{oid}[?survey_id=...]`` answers the object's ``forced_photometry``
rows (with their nested ``extra_fields``), or ``[]`` for an unknown oid or an object without
forced photometry (200, never 404). The body is gzip-encoded when the client accepts it.
It is a FastAPI service: compact JSON, errors as ``{"detail": ...}``.
"""

import gzip
import json

__all__ = ["LightcurveApi"]

JSON = "application/json"


def accepts_gzip(header):
    """Whether an ``Accept-Encoding`` header value accepts gzip."""
    for token in (header or "").split(","):
        name, _, params = token.strip().partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _detail(status, detail, extra=()):
    body = json.dumps({"detail": detail}, separators=(",", ":")).encode()
    return status, [("Content-Type", JSON), *extra], body


class LightcurveApi:
    """The forced-photometry route over a `~alerce_astro.offline.dataset.Dataset`."""

    def __init__(self, dataset):
        self.ds = dataset

    def handle(self, request):
        parts = request.path.split("/")
        if len(parts) != 3 or parts[1] != "forced-photometry" or not parts[2]:
            return _detail(404, "Not Found")
        if request.method not in ("GET", "HEAD"):
            return _detail(405, "Method Not Allowed", [("Allow", "GET")])
        oid = parts[2]
        survey = None
        for key, value in request.args:
            if key == "survey_id":
                survey = value
        data = self.ds.object_data(oid)
        rows = (data.get("forced_photometry") or []) if data else []
        if survey and survey.lower() != "ztf":
            rows = [r for r in rows if str(r.get("sid", "")).lower() == survey.lower()]
        body = json.dumps(rows, separators=(",", ":")).encode()
        headers = [("Content-Type", JSON), ("Vary", "Accept-Encoding")]
        if accepts_gzip(request.headers.get("Accept-Encoding")):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        return 200, headers, body
