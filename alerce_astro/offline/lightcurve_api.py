"""
The light curve API v2 (``/v2/lightcurve``) of the sample server: forced photometry only.

``GET /forced-photometry/{oid}[?survey_id=...]`` answers the object's ``forced_photometry``
rows (with their nested ``extra_fields``), or ``[]`` for an unknown oid or an object without
forced photometry (200, never 404). It is a FastAPI service (`alerce_astro.offline.fastapi`):
compact JSON, errors as ``{"detail": ...}``; the body is gzip-encoded when the client accepts
it, whatever its size.
"""

import json

from .fastapi import FastAPIApp, Param, Response, Route, accepts_gzip, gzip_json

__all__ = ["LightcurveApi", "accepts_gzip"]


class LightcurveApi:
    """The forced-photometry route over a `~alerce_astro.offline.dataset.Dataset`."""

    def __init__(self, dataset):
        self.ds = dataset
        self.app = FastAPIApp([
            Route("/forced-photometry/{oid}", self.forced_photometry,
                  [Param("survey_id")]),
        ], cors=False)

    def handle(self, request):
        status, headers, body = self.app.handle(request)
        return gzip_json(request, status, headers, body, min_length=0)

    def forced_photometry(self, request, oid, survey_id):
        data = self.ds.object_data(oid)
        rows = (data.get("forced_photometry") or []) if data else []
        if survey_id and survey_id.lower() != "ztf":
            rows = [r for r in rows if str(r.get("sid", "")).lower() == survey_id.lower()]
        # rows may hold NaN (dataset JSON allows it): written as the NaN token, not refused
        body = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(body, 200, "application/json")
