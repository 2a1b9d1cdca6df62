"""Fixtures shared by the whole suite: the real fixture data and offline servers over it."""

import json
import random
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


@pytest.fixture(scope="module")
def sample_server():
    """An offline server on the built-in sample (ZTF and its LSST twin), one per module."""
    from alerce_astro.offline import SampleServer

    with SampleServer() as server:
        yield server


@pytest.fixture(scope="module")
def tied_server(tmp_path_factory):
    """
    272 objects whose ``deltajd`` and ``ndet`` have many ties (single-detection objects: 0)
    and NULLs: what the paging of the ZTF API loses rows on.
    """
    from alerce_astro.offline import SampleServer

    letters = "abcdefghijklmnopqrstuvwxyz"
    root = tmp_path_factory.mktemp("ties")
    (root / "objects").mkdir()
    rng = random.Random(16)
    for n in range(272):
        oid = f"ZTF20{letters[n // 26 % 26]}{letters[n % 26]}aaaaa"
        single = n % 3 == 0
        deltajd = 0.0 if single else (None if n % 17 == 0 else float(rng.randint(1, 40)))
        row = {"oid": oid, "ndethist": "1", "ncovhist": 5, "mjdstarthist": 58000.5,
               "mjdendhist": 58100.5, "corrected": False, "stellar": False,
               "ndet": 1 if single else rng.randint(2, 30), "g_r_max": None,
               "g_r_max_corr": None, "g_r_mean": None, "g_r_mean_corr": None,
               "firstmjd": 58000.0 + n, "lastmjd": 58000.0 + n + (deltajd or 0.0),
               "deltajd": deltajd, "meanra": 10.0 + n / 100, "meandec": 20.0,
               "sigmara": 1e-5, "sigmadec": 1e-5, "step_id_corr": "test"}
        data = {"object": row, "lightcurve": None, "magstats": [], "probabilities": [],
                "features": []}
        (root / "objects" / f"{oid}.json").write_text(json.dumps(data))
    with SampleServer(root) as server:
        yield server
