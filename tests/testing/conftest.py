"""Fixtures of the sample-server tests: the shared real-data datasets and servers on them."""

from pathlib import Path

import pytest

from alerce_astro.offline import SampleServer
from alerce_astro.testing import pytest_plugin

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT.parent / "shared" / "alerce-fixtures"


def pytest_configure(config):
    # the plugin is a pytest11 entry point once the package is installed; make sure its
    # fixtures are there when running from a source tree too
    if not config.pluginmanager.is_registered(pytest_plugin):
        config.pluginmanager.register(pytest_plugin, "alerce_astro.testing.pytest_plugin")


def fixture_dataset(name):
    path = FIXTURES / name
    if not path.is_dir():
        pytest.skip(f"shared ALeRCE fixtures not found at {path} (they are read at test time, "
                    "never copied into the project)")
    return path


@pytest.fixture(scope="session")
def recorded_dir():
    return fixture_dataset("recorded")


@pytest.fixture(scope="session")
def alerts_dir():
    return fixture_dataset("alerts")


@pytest.fixture(scope="session")
def catshtm_dir():
    return fixture_dataset("catshtm")


@pytest.fixture(scope="session")
def recorded_server(recorded_dir):
    with SampleServer(recorded_dir) as server:
        yield server


@pytest.fixture(scope="session")
def alerts_server(alerts_dir, catshtm_dir):
    with SampleServer([alerts_dir, catshtm_dir]) as server:
        yield server


def _write_dataset(root, objects=(), *, classifiers=None, catalogs=None, replays=None):
    """Write a dataset folder: ``objects`` maps oid -> object file content (a dict)."""
    import json

    root = Path(root)
    (root / "objects").mkdir(parents=True, exist_ok=True)
    for oid, data in dict(objects).items():
        (root / "objects" / f"{oid}.json").write_text(json.dumps(data))
    if classifiers is not None:
        (root / "classifiers.json").write_text(json.dumps(classifiers))
    if catalogs:
        (root / "catalogs").mkdir(exist_ok=True)
        for name, cat in catalogs.items():
            (root / "catalogs" / f"{name}.json").write_text(json.dumps(cat))
    if replays is not None:
        (root / "index.json").write_text(json.dumps(replays))
    return root


@pytest.fixture
def write_dataset(tmp_path):
    """A function writing a small dataset folder under tmp_path and returning its path."""
    counter = iter(range(1000))

    def write(objects=(), **kwargs):
        return _write_dataset(tmp_path / f"dataset{next(counter)}", objects, **kwargs)

    return write


def make_object(oid, **overrides):
    """An object row with every key of the service, in the service's order."""
    row = {"oid": oid, "ndethist": "10", "ncovhist": 20, "mjdstarthist": 58000.5,
           "mjdendhist": 58100.5, "corrected": False, "stellar": False, "ndet": 5,
           "g_r_max": 0.5, "g_r_max_corr": None, "g_r_mean": 0.4, "g_r_mean_corr": None,
           "firstmjd": 58001.0, "lastmjd": 58050.0, "deltajd": 49.0, "meanra": 10.0,
           "meandec": 20.0, "sigmara": 1e-5, "sigmadec": 1e-5, "step_id_corr": "test"}
    row.update(overrides)
    return row


@pytest.fixture(scope="session")
def object_row():
    """A function making an object row (``object_row(oid, **overrides)``)."""
    return make_object


@pytest.fixture(scope="session")
def dataset_writer():
    """A function writing a dataset folder (``dataset_writer(root, objects, ...)``)."""
    return _write_dataset
