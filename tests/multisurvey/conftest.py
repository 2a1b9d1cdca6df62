"""Fixtures of the multisurvey (LSST) tests: the recorded exchanges of lsst-recorded."""

import pytest
from ms_helpers import Exchanges

from alerce_astro._json import loads


@pytest.fixture(scope="session")
def lsst_recorded(fixtures_dir):
    """The lsst-recorded folder (skips without it)."""
    folder = fixtures_dir / "lsst-recorded"
    if not folder.is_dir():
        pytest.skip("lsst-recorded fixtures are not beside the checkout")
    return folder


@pytest.fixture(scope="session")
def exchanges(lsst_recorded):
    return Exchanges(lsst_recorded)


@pytest.fixture(scope="session")
def bundles(lsst_recorded):
    """Per-object bundles, decoded exactly."""
    out = {}
    for path in (lsst_recorded / "objects").glob("*.json"):
        data = loads(path.read_bytes())
        out[data["oid"]] = data
    return out
