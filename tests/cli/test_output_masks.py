"""Masked cells stay masked in every output format of the command line (issue 16.2)."""

import csv
import io
import json

import numpy as np
import pytest
from astropy.table import Table

MASKED_COLUMNS = ("flux", "flux_err", "mag", "mag_err", "detection_id", "ra", "mag_corr")


@pytest.fixture(scope="module")
def lightcurve(cli_server, sample_oid):
    return cli_server.client().get_lightcurve(sample_oid)


def _masks(lc):
    return {name: np.ma.getmaskarray(lc[name]) for name in MASKED_COLUMNS}


def test_the_sample_light_curve_has_masked_cells(lightcurve):
    masks = _masks(lightcurve)
    limits = np.asarray(lightcurve["kind"]) == "upper_limit"
    assert limits.sum() > 0
    # Upper limits have no difference magnitude, and uncorrected detections no mag_corr.
    assert masks["mag"][limits].all() and masks["flux"][limits].all()
    assert masks["mag_corr"][~limits].any()


def test_csv_leaves_masked_cells_empty(run, sample_oid, lightcurve):
    status, out, _ = run("lightcurve", sample_oid, "-f", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(lightcurve)
    for name, mask in _masks(lightcurve).items():
        cells = np.array([row[name] for row in rows])
        assert (cells[mask] == "").all(), name
        assert (cells[~mask] != "").all(), name
    first = int(np.flatnonzero(~_masks(lightcurve)["mag"])[0])
    assert float(rows[first]["mag"]) == pytest.approx(lightcurve["mag"][first].value)


def test_json_writes_masked_cells_as_null(run, sample_oid, lightcurve):
    status, out, _ = run("lightcurve", sample_oid, "-f", "json")
    assert status == 0
    rows = json.loads(out)["rows"]
    for name, mask in _masks(lightcurve).items():
        values = [row[name] for row in rows]
        assert all(v is None for v, m in zip(values, mask, strict=True) if m), name
        assert all(v is not None for v, m in zip(values, mask, strict=True) if not m), name
    assert 0.0 not in [row["mag"] for row in rows]
    assert 1e20 not in [row["mag_corr"] for row in rows]


def test_votable_keeps_the_mask(run, sample_oid, lightcurve, tmp_path):
    path = tmp_path / "lc.xml"
    status, _, _ = run("lightcurve", sample_oid, "-o", path)
    assert status == 0
    table = Table.read(path, format="votable")
    for name, mask in _masks(lightcurve).items():
        assert (np.ma.getmaskarray(table[name]) == mask).all(), name
    det = ~_masks(lightcurve)["detection_id"]
    assert (np.asarray(table["detection_id"])[det]
            == np.asarray(lightcurve["detection_id"])[det]).all()
