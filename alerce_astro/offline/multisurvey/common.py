"""Pieces every app of the multisurvey API shares."""

from ..fastapi import HTTPException, Response, Route

__all__ = ["any_error", "survey_model", "root", "healthcheck", "metrics", "metrics_route",
           "openapi_route", "survey_of_sid"]


def any_error():
    """The answer of routes that catch every exception: 500 ``{"detail": "An error occurred"}``."""
    return HTTPException(500, "An error occurred")


#: sid -> ``survey_id`` of the conesearch answers (a KeyError for others, as in the service)
SURVEY_OF_SID = {0: "ztf", 1: "lsst", 2: "lsst_ss"}


def survey_of_sid(sid):
    """``survey_id`` of a sid (raises KeyError for an unknown sid, as the service does)."""
    return SURVEY_OF_SID[sid]


def survey_model(survey):
    """
    The survey table a ``survey``/``survey_id`` selects: ``"lsst"`` (``lsst_dia_object``),
    ``"ztf"`` (``ztf_object``) or None (the generic ``object`` table, which the service then
    joins with itself: an SQL error). The name is compared in lower case.
    """
    name = (survey or "").lower()
    return name if name in ("lsst", "ztf") else None


def root(text, name="root"):
    """The app's ``GET /`` route answering a JSON string (``name``: its function's name)."""
    def endpoint(request):
        return text
    return Route("/", endpoint, name=name)


def healthcheck(request):
    """``GET /healthcheck``: ``"OK"``."""
    return "OK"


def metrics(request):
    """``GET /metrics`` of prometheus-fastapi-instrumentator (a minimal exposition)."""
    return Response(b"# offline sample server: no metrics are collected\n", 200,
                    "text/plain; version=0.0.4; charset=utf-8")


def metrics_route():
    """The ``/metrics`` route the instrumentator adds first to an app."""
    return Route("/metrics", metrics, name="metrics",
                 description="Endpoint that serves Prometheus metrics.")


def openapi_route(app_holder):
    """The service's own ``GET /openapi.json`` route (``custom_swagger_route``), listed in
    the document; ``app_holder`` is a one-element list filled with the app afterwards."""
    return Route("/openapi.json", lambda request: app_holder[0].openapi(),
                 name="custom_swagger_route")
