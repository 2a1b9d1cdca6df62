"""Fixtures shared by the whole suite: the real fixture data and offline servers over it."""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

FIXTURES = Path(__file__).resolve().parents[1] / ".." / "shared" / "alerce-fixtures"


@pytest.fixture(scope="session")
def fixtures_dir():
    """The real ALeRCE data beside the checkout (../shared/alerce-fixtures)."""
    if not FIXTURES.is_dir():
        pytest.skip("../shared/alerce-fixtures is not beside the checkout")
    return FIXTURES.resolve()


@pytest.fixture(scope="session")
def recorded_server(fixtures_dir):
    """An offline server answering from the real recorded objects."""
    from alerce_astro.testing import SampleServer

    with SampleServer(data=fixtures_dir / "recorded") as server:
        yield server


@pytest.fixture
def recorded_client(recorded_server, tmp_path):
    """A client of `recorded_server` with its own empty cache."""
    from alerce_astro import AlerceClass

    return AlerceClass(urls=recorded_server.urls, cache_location=tmp_path / "cache")


@pytest.fixture(autouse=True)
def _quick_retries():
    """Retries wait milliseconds, not seconds, in tests."""
    from alerce_astro import conf

    with conf.set_temp("backoff_factor", 0.01), conf.set_temp("max_retry_delay", 0.05):
        yield
