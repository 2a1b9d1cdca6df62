"""
``/crossmatch_api/crossmatch``: fails for every object (a plain-text 500).

The service reads ``meanra`` from the survey table's row instead of the object's (a KeyError)
before it would call catsHTM; unknown objects and other surveys fail earlier. Crossmatch an
LSST object by position through catsHTM instead.
"""

from ..fastapi import FastAPIApp, Param, Route, Uncaught
from .common import healthcheck, metrics_route, root

__all__ = ["make_app"]


def make_app(ds):
    """The ``crossmatch_api`` FastAPI app (over any dataset: it always fails)."""
    def crossmatch(request, *, oid, survey_id):
        raise Uncaught("KeyError: 'meanra'")

    return FastAPIApp([
        metrics_route(),
        root("This is the crossmatch API"),
        Route("/healthcheck", healthcheck),
        Route("/crossmatch", crossmatch,
              [Param("oid", required=True), Param("survey_id", required=True)],
              name="object_mag_app"),
    ])
