"""Fixtures of the offline multisurvey (LSST) server tests: the real recorded LSST data."""

import json
from pathlib import Path

import pytest

from alerce_astro.offline import SampleServer

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "alerce-fixtures"
RECORDED = FIXTURES / "lsst-recorded"
CUTOUTS = FIXTURES / "lsst-alerts" / "cutouts"


def _need(path):
    if not path.is_dir():
        pytest.skip(f"shared ALeRCE fixtures not found at {path} (they are read at test time, "
                    "never copied into the project)")
    return path


@pytest.fixture(scope="session")
def lsst_recorded_dir():
    return _need(RECORDED)


@pytest.fixture(scope="session")
def lsst_cutouts_dir():
    return _need(CUTOUTS)


@pytest.fixture(scope="session")
def ztf_recorded_dir():
    return _need(FIXTURES / "recorded")


@pytest.fixture(scope="session")
def lsst_server(lsst_recorded_dir, lsst_cutouts_dir):
    """A server over lsst-recorded with the real cutouts."""
    with SampleServer([lsst_recorded_dir, lsst_cutouts_dir]) as server:
        yield server


@pytest.fixture(scope="session")
def lsst_bundles(lsst_recorded_dir):
    """oid (str, as the file is named) -> the recorded bundle."""
    return {p.stem: json.loads(p.read_text())
            for p in sorted((lsst_recorded_dir / "objects").glob("*.json"))}
