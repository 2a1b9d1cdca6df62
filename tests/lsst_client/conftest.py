"""Fixtures of the LSST client tests: the offline multisurvey server over the real recorded
LSST data (``../shared/alerce-fixtures/lsst-recorded``, read at test time, never copied) and
over the built-in LSST sample."""

import json
from pathlib import Path

import pytest

from alerce_astro.offline import SampleServer

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "alerce-fixtures"
RECORDED = FIXTURES / "lsst-recorded"
CUTOUTS = FIXTURES / "lsst-alerts" / "cutouts"


@pytest.fixture(scope="session")
def recorded_lsst_dir():
    if not RECORDED.is_dir():
        pytest.skip(f"shared ALeRCE fixtures not found at {RECORDED} (they are read at test "
                    "time, never copied into the project)")
    return RECORDED


@pytest.fixture(scope="session")
def bundles(recorded_lsst_dir):
    """oid (int) -> the recorded per-object bundle (LSST objects only)."""
    out = {}
    for path in sorted((recorded_lsst_dir / "objects").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("survey_id") == "lsst":
            out[body["oid"]] = body
    return out


@pytest.fixture(scope="module")
def server(recorded_lsst_dir):
    """The offline multisurvey server over the real recorded data and cutouts."""
    with SampleServer([recorded_lsst_dir, CUTOUTS]) as running:
        yield running


@pytest.fixture
def client(server, tmp_path):
    """An LSST client of that server, with its own empty cache (so requests are seen)."""
    server.reset_requests()
    server.clear_injections()
    return server.client(survey="lsst", cache_location=tmp_path, max_retries=1)
