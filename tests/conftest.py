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
    from alerce_astro.offline import SampleServer

    with SampleServer(data=fixtures_dir / "recorded") as server:
        yield server


@pytest.fixture
def client_of(tmp_path):
    """
    ``client_of(server)``: a client of an offline server with its own empty cache, the
    server's request log emptied and no injected answer left before or after the test.
    """
    from alerce_astro import AlerceClass

    used = []

    def make(server):
        server.reset_requests()
        server.clear_injections()
        folder = "cache" if not used else f"cache{len(used) + 1}"
        used.append(server)
        return AlerceClass(urls=server.urls, cache_location=tmp_path / folder)

    yield make
    for server in used:
        server.clear_injections()


@pytest.fixture
def recorded_client(recorded_server, client_of):
    """A client of `recorded_server` with its own empty cache."""
    return client_of(recorded_server)


@pytest.fixture(autouse=True)
def _quick_retries():
    """Retries wait milliseconds, not seconds, in tests."""
    from alerce_astro import conf

    with conf.set_temp("backoff_factor", 0.01), conf.set_temp("max_retry_delay", 0.05):
        yield


def pytest_collection_modifyitems(config, items):
    # One DaCHS service, loaded once: the TAP tests and the TAP page's examples run on the same
    # xdist worker, so that no two workers load data into it at once.
    for item in items:
        if "tap" in item.path.parts or item.path.name == "tap.rst":
            item.add_marker(pytest.mark.xdist_group("dachs"))
