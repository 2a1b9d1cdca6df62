"""Bulk LSST light curves are prepared per batch (each column converted once for all the
objects of a several-oid answer, `alerce_astro.lightcurve.build.prepare_lightcurves`) and
built on access: exactly what the plain per-object path gives, on the real recorded rows."""

import json
import sys
import warnings
from pathlib import Path

import pytest
from lsst_client_helpers import SS_OBJECTS

from alerce_astro.apis.multisurvey.photometry import (
    lightcurve_from_rows,
    prepared_lightcurves_from_rows,
)
from alerce_astro.bulk import stack_tables
from alerce_astro.lightcurve.build import PreparedLightCurve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bulk"))
from test_prepared import _same  # noqa: E402


def _rows(recorded_lsst_dir):
    """oid -> (detections, complete forced rows) of every recorded LSST object (ssObjects
    included: one detection, no forced photometry)."""
    out = {}
    for path in sorted((recorded_lsst_dir / "objects").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("survey_id") != "lsst":
            continue
        forced = body.get("forced_photometry_all") or {}
        out[body["oid"]] = (body["lightcurve"]["body"]["detections"], forced.get("body") or [])
    return out


def _copy(rows):
    return [dict(r) for r in rows]  # the band map is popped from the rows read


@pytest.mark.parametrize("forced", [True, False])
def test_batch_prepared_light_curves_are_the_plain_ones(recorded_lsst_dir, forced):
    rows = _rows(recorded_lsst_dir)
    assert len(rows) == 7 and set(SS_OBJECTS) <= set(rows)
    meta = {"service": "ALeRCE multisurvey API", "url": "https://x/lightcurve"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        prepared = prepared_lightcurves_from_rows(
            {oid: _copy(d) for oid, (d, _) in rows.items()},
            {oid: _copy(f) for oid, (_, f) in rows.items()} if forced else None, meta=meta)
        plain = {oid: lightcurve_from_rows(_copy(d), _copy(f) if forced else None, oid=oid,
                                           meta=meta)
                 for oid, (d, f) in rows.items()}
    assert list(prepared) == list(rows)
    assert all(type(p) is PreparedLightCurve for p in prepared.values())
    for oid, lc in plain.items():
        _same(prepared[oid].build(), lc)
    assert len(prepared[SS_OBJECTS[0]]) == 1
    _same(stack_tables({oid: p.build() for oid, p in prepared.items()}), stack_tables(plain))


def test_bulk_result_of_batches_equals_get_lightcurve(client, bundles):
    oids = sorted(bundles)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the run's provenance differs, not the data
        result = client.get_lightcurves(oids, forced_photometry=True, batch_size=3,
                                        progress=False)
    plain = {oid: client.get_lightcurve(oid, forced_photometry=True) for oid in oids}
    # the stack made from the batches' arrays is the stack of the plain light curves
    stacked, expected = result.stack(), stack_tables(plain)
    for key in set(stacked.meta) - set(expected.meta):  # the run's own (objects, failed...)
        del stacked.meta[key]
    _same(stacked, expected)
    for oid, one in plain.items():
        built = result[oid]
        for key in ("url", "retrieved"):
            built.meta.pop(key, None)
            one.meta.pop(key, None)
        _same(built, one)
