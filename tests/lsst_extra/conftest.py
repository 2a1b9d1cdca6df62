"""Fixtures of the LSST extras (stamps, two-survey light curves, CLI, tour): the real Rubin
alerts served by the offline multisurvey server, read from ../shared at test time."""

import gzip
import json

import pytest

from alerce_astro.offline import SampleServer


@pytest.fixture(scope="session")
def lsst_real_dirs(fixtures_dir):
    recorded = fixtures_dir / "lsst-recorded"
    cutouts = fixtures_dir / "lsst-alerts" / "cutouts"
    if not recorded.is_dir() or not cutouts.is_dir():
        pytest.skip("lsst-recorded / lsst-alerts fixtures are not beside the checkout")
    return recorded, cutouts


@pytest.fixture(scope="session")
def lsst_real_server(lsst_real_dirs):
    """The multisurvey API over the 7 real Rubin alerts and their 21 cutouts."""
    with SampleServer(list(lsst_real_dirs)) as server:
        yield server


@pytest.fixture(scope="session")
def lsst_triggers(lsst_real_dirs):
    """oid -> triggering measurement_id, from the recorded per-object bundles."""
    recorded, _ = lsst_real_dirs
    return {int(p.stem): int(json.loads(p.read_text())["triggering_measurement_id"])
            for p in sorted((recorded / "objects").glob("*.json")) if p.stem.isdigit()}


@pytest.fixture(scope="session")
def lsst_dia_sources(fixtures_dir):
    """diaSourceId -> the alert's diaSource (position, band, time), from the real alerts."""
    path = fixtures_dir / "lsst-alerts" / "part-2-918301.alerts_no_cutouts.json.gz"
    if not path.is_file():
        pytest.skip("lsst-alerts fixtures are not beside the checkout")
    with gzip.open(path) as f:
        return {a["diaSource"]["diaSourceId"]: a["diaSource"] for a in json.load(f)}


@pytest.fixture
def lsst_real_client(lsst_real_server, tmp_path):
    lsst_real_server.reset_requests()
    return lsst_real_server.client(survey="lsst", cache_location=tmp_path / "cache")
