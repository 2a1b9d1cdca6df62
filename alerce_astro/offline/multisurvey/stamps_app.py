"""
``/stamps_api``: cutouts of the alerts ALeRCE stored, and no alert packets.

The service reads ``<oid>_<measurement_id>.avro`` (the exact strings given) from its bucket and
answers one cutout of it: the FITS bytes gzip-wrapped (``application/gzip``, the default),
as they are with ``is_compressed=false`` (``application/fits``), or a 389x389 PNG rendering
with ``file_format=png``. Only the alert's triggering detection (``has_stamp``) has one: the
dataset's ``cutouts/`` files are the bucket. A missing alert, a bad ``stamp_type`` or a bad
``file_format`` fail in the handler (plain-text 500); a ``survey_id`` other than ``lsst`` or
``ztf`` is a 400. ``/avro`` fails for LSST (no packets are stored) and for ZTF (no bucket here).
"""

import gzip

from ..fastapi import FastAPIApp, HTTPException, Param, Response, Route, Uncaught
from .common import openapi_route, root
from .dataset import STAMP_TYPES
from .png import render_stamp_png

__all__ = ["make_app"]

HANDLERS = ("lsst", "ztf")
STAMP_PARAMS = (Param("oid", required=True), Param("measurement_id", required=True),
                Param("stamp_type", required=True), Param("file_format", required=True),
                Param("survey_id", required=True), Param("is_compressed", "bool", default=True))
AVRO_PARAMS = (Param("oid", required=True), Param("measurement_id", required=True),
               Param("survey_id", required=True))


def _handler(survey_id):
    if survey_id not in HANDLERS:
        raise HTTPException(400, f"Incorrect survey identifier {survey_id}, valid surveys are "
                                 f"{list(HANDLERS)}")
    return survey_id


def make_app(ds):
    """The ``stamps_api`` FastAPI app over a multisurvey dataset."""
    def stamp(request, *, oid, measurement_id, stamp_type, file_format, survey_id,
              is_compressed):
        survey = _handler(survey_id)
        # ZTF keys its bucket by the reversed candid; this dataset holds no ZTF alert
        cutouts = ds.stamps.get(f"{oid}_{measurement_id}") if survey == "lsst" else None
        if cutouts is None:
            raise Uncaught("NoSuchKey: the alert is not in the bucket")
        if stamp_type not in STAMP_TYPES or stamp_type not in cutouts:
            raise Uncaught(f"Type {stamp_type} not valid. Valid types are {list(STAMP_TYPES)}")
        data = cutouts[stamp_type].read_bytes()
        if file_format == "fits":
            if is_compressed:
                return Response(gzip.compress(data), 200, "application/gzip")
            return Response(data, 200, "application/fits")
        if file_format == "png":
            return Response(render_stamp_png(data), 200, "image/png")
        raise Uncaught(f"Format {file_format} is not valid. Only png and fits accepted.")

    def avro(request, *, oid, measurement_id, survey_id):
        survey = _handler(survey_id)
        if survey == "lsst":
            raise Uncaught("No avro stored for LSST Alerts")
        raise Uncaught("NoSuchKey: the alert is not in the bucket")

    holder = []
    app = FastAPIApp([
        root("This is the Stamps API", "ping"),
        Route("/stamp", stamp, STAMP_PARAMS),
        Route("/avro", avro, AVRO_PARAMS),
        openapi_route(holder),
    ], openapi_url="/stamps/openapi.json")
    holder.append(app)
    return app
