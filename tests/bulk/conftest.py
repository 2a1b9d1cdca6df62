"""Fixtures of the bulk tests: the real recorded objects, and table comparison."""

import json

import numpy as np
import pytest


@pytest.fixture(scope="session")
def recorded_oids(fixtures_dir):
    """The 249 object ids of the recorded dataset, sorted."""
    return sorted(p.stem for p in (fixtures_dir / "recorded" / "objects").glob("ZTF*.json"))


@pytest.fixture(scope="session")
def recorded_counts(fixtures_dir):
    """oid -> {"n_detections", "n_magstats", "n_probabilities", ...} from index.tsv."""
    lines = (fixtures_dir / "recorded" / "objects" / "index.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    counts = {}
    for line in lines[1:]:
        values = dict(zip(header, line.split("\t"), strict=True))
        counts[values.pop("oid")] = values
    return counts


@pytest.fixture(scope="session")
def recorded_object(fixtures_dir):
    """oid -> the recorded JSON bodies of that object."""
    def load(oid):
        return json.loads((fixtures_dir / "recorded" / "objects" / f"{oid}.json").read_text())
    return load


@pytest.fixture(scope="session")
def recorded_lsst_rows(fixtures_dir):
    """diaObjectId -> ``(detection rows, forced-photometry rows)`` of the 7 real recorded LSST
    objects (the rows are the recorded answers' own: copy them before a call that pops)."""
    rows = {}
    for path in sorted((fixtures_dir / "lsst-recorded" / "objects").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("survey_id") == "lsst":
            forced = (body.get("forced_photometry_all") or {}).get("body") or []
            rows[body["oid"]] = (body["lightcurve"]["body"]["detections"], forced)
    assert len(rows) == 7
    return rows


def assert_same_table(a, b):
    """Two tables hold the same columns, values, masks and units (``meta`` aside)."""
    assert type(a) is type(b)
    assert a.colnames == b.colnames
    assert len(a) == len(b)
    for name in a.colnames:
        x, y = a[name], b[name]
        assert getattr(x, "unit", None) == getattr(y, "unit", None), name
        if hasattr(x, "jd1"):  # Time
            assert np.array_equal(x.jd1, y.jd1) and np.array_equal(x.jd2, y.jd2), name
            continue
        if hasattr(x, "ra"):  # SkyCoord
            assert np.array_equal(x.ra.deg, y.ra.deg, equal_nan=True), name
            continue
        mx, my = np.ma.getmaskarray(x), np.ma.getmaskarray(y)
        assert np.array_equal(mx, my), name
        vx, vy = np.asarray(x)[~mx], np.asarray(y)[~my]
        equal_nan = vx.dtype.kind == "f"
        assert np.array_equal(vx, vy, equal_nan=equal_nan), name


@pytest.fixture(scope="session")
def same_table():
    """`assert_same_table`, for the test modules."""
    return assert_same_table
