"""Fixtures of the light-curve tests: real recorded light curves, simulated ones, servers."""

import json

import pytest
from lc_helpers import FORCED_OID, forced_rows, recorded_object


@pytest.fixture(scope="session")
def recorded(fixtures_dir):
    """``recorded(oid)``: the recorded bodies of a real object."""
    return lambda oid: recorded_object(fixtures_dir, oid)


@pytest.fixture(scope="session")
def forced_dataset(tmp_path_factory):
    """A dataset folder with one synthetic object that has detections and forced photometry."""
    root = tmp_path_factory.mktemp("forced_dataset")
    (root / "objects").mkdir()
    lightcurve = {"detections": [
        {"tid": "ztf", "mjd": 59305.2 + 3 * i, "candid": str(1500000000000000000 + i),
         "fid": 1 + i % 2, "pid": 1500000000000 + i, "diffmaglim": 20.3, "isdiffpos": 1,
         "magpsf": 18.2 + 0.05 * i, "sigmapsf": 0.06, "ra": 150.0, "dec": 2.0, "rb": 0.8,
         "drb": 0.99, "has_stamp": True, "corrected": False, "dubious": False,
         "parent_candid": None} for i in range(4)],
        "non_detections": [{"tid": "ztf", "mjd": 59290.0, "fid": 1, "diffmaglim": 20.1}]}
    body = {
        "object": {"oid": FORCED_OID, "ndethist": "4", "ncovhist": 20, "mjdstarthist": 59305.2,
                   "mjdendhist": 59314.2, "corrected": False, "stellar": False, "ndet": 4,
                   "g_r_max": None, "g_r_max_corr": None, "g_r_mean": None,
                   "g_r_mean_corr": None, "firstmjd": 59305.2, "lastmjd": 59314.2,
                   "deltajd": 9.0, "meanra": 150.0, "meandec": 2.0, "sigmara": 0.0,
                   "sigmadec": 0.0, "step_id_corr": "test"},
        "lightcurve": lightcurve, "magstats": [], "probabilities": [], "features": [],
        "forced_photometry": forced_rows(FORCED_OID),
        "provenance": "synthetic object written by tests/lightcurve/conftest.py",
    }
    (root / "objects" / f"{FORCED_OID}.json").write_text(json.dumps(body), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def forced_server(forced_dataset):
    """An offline server answering from `forced_dataset`."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=forced_dataset) as server:
        yield server


@pytest.fixture
def forced_client(forced_server, client_of):
    """A client of `forced_server` with an empty cache; the request log is reset."""
    return client_of(forced_server)


@pytest.fixture
def fresh_recorded_client(recorded_server, client_of):
    """A client of the recorded server with an empty cache, and a cleared request log."""
    return client_of(recorded_server)


@pytest.fixture(scope="session")
def sample_server():
    """An offline server on the simulated sample (with periodic variables of known period)."""
    from alerce_astro.offline import SampleServer

    try:
        server = SampleServer()
    except RuntimeError as exc:  # the generator is not available
        pytest.skip(str(exc))
    with server:
        yield server


@pytest.fixture
def sample_client(sample_server, client_of):
    """A client of `sample_server` with an empty cache."""
    return client_of(sample_server)
