"""
``/magstat_api/magstats``: the LSST diaObject summary, every float rounded to 3 decimals.

For ``survey_id=lsst`` the answer is the object's ``lsst_dia_object`` row (without
``created_date``) in a one-element list; an object without one (unknown oid, solar-system
object, ZTF master id) makes the service index an empty list: a plain-text 500. For
``survey_id=ztf`` the ``magstat`` rows do not fit the service's model (float values in integer
fields): 500 when there are rows, 404 ``Magstats not found for the given OID`` when there are
none. Any other ``survey_id`` is a plain-text 500 too.
"""

from ..fastapi import FastAPIApp, HTTPException, Param, Route, Uncaught
from .common import metrics_route, root
from .dataset import LSST_DIA_COLUMNS
from .sql import SQLError, cast_bigint

__all__ = ["make_app"]

PARAMS = (Param("oid", required=True), Param("survey_id", required=True))


def make_app(ds):
    """The ``magstat_api`` FastAPI app over a multisurvey dataset."""
    service = MagstatService(ds)
    return FastAPIApp([
        metrics_route(),
        root("This is the magstats API", "ping"),
        Route("/magstats", service.magstats, PARAMS),
    ])


def _rounded(value):
    return round(value, 3) if isinstance(value, float) else value


class MagstatService:
    """Endpoint of ``magstat_api``."""

    def __init__(self, ds):
        self.ds = ds

    def magstats(self, request, *, oid, survey_id):
        if survey_id not in ("ztf", "lsst"):
            raise Uncaught("no statement for this survey")
        try:
            wanted = cast_bigint(oid)
        except SQLError as error:
            raise Uncaught(str(error)) from error
        obj = self.ds.objects.get(wanted)
        if survey_id == "lsst":
            if obj is None or obj.survey != "lsst" or not obj.has_survey_row \
                    or "nDiaSources" not in obj.survey_row:
                raise Uncaught("list index out of range")
            fields = obj.survey_row
            out = {"oid": obj.oid}
            for key in LSST_DIA_COLUMNS[1:-1]:
                out[key] = _rounded(fields.get(key))
            return [out]
        status, body = obj.magstats if obj is not None and obj.survey == "ztf" else (None, None)
        if status == 200 and isinstance(body, list) and body:
            return body
        if status is not None and status >= 500:
            raise Uncaught("MagStat model validation")
        raise HTTPException(404, "Magstats not found for the given OID")
