"""Fixtures of the LSST generator tests: simulated datasets and the real recorded bundles."""

import pytest
from lsst_helpers import REAL_CUTOUTS, REAL_OBJECTS, bundles, load

from alerce_astro.offline.simulate import generate_lsst_dataset


@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    """Forty objects of seed 1 with cutouts: every class, one deep field."""
    return generate_lsst_dataset(tmp_path_factory.mktemp("lsst") / "ds", 40, seed=1)


@pytest.fixture(scope="session")
def objects(dataset):
    return bundles(dataset)


@pytest.fixture(scope="session")
def manifest(dataset):
    return load(dataset / "manifest.json")


@pytest.fixture(scope="session")
def real_bundles():
    """The recorded bundles of the five real diaObjects (the ssObjects are left out)."""
    if not REAL_OBJECTS.is_dir():
        pytest.skip("../shared/alerce-fixtures/lsst-recorded is not beside the checkout")
    out = {}
    for p in sorted(REAL_OBJECTS.glob("*.json")):
        if p.stem.isdigit():
            b = load(p)
            if b["object"]["status"] == 200:
                out[int(p.stem)] = b
    assert len(out) == 5
    return out


@pytest.fixture(scope="session")
def real_cutouts():
    if not REAL_CUTOUTS.is_dir():
        pytest.skip("../shared/alerce-fixtures/lsst-alerts is not beside the checkout")
    return sorted(REAL_CUTOUTS.glob("*.fits"))
