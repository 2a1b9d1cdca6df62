"""
The TAP tests run against a real local GAVO DaCHS loaded in ALeRCE's layout.

`dachs_service` (session scope) loads the built-in ZTF sample and, when ``../shared`` is beside
the checkout, the real recorded ZTF objects (schema ``ztf``) and the recorded Rubin alerts
(schema ``alerce_tap``). It loads only what the service does not already serve (a content hash
in ``TAP_SCHEMA``), so a second session starts in about a second. Where DaCHS is not installed
or cannot be started, every TAP test is skipped with the reason (``.ci/dachs-setup`` installs
it; CI sets ``ALERCE_ASTRO_REQUIRE_DACHS`` so that a missing service fails instead).
"""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "alerce-fixtures"
RECORDED = FIXTURES / "recorded"
LSST_RECORDED = FIXTURES / "lsst-recorded"


@pytest.fixture(scope="session")
def dachs_service():
    """The TAP URL of the local DaCHS serving the test datasets."""
    from alerce_astro.offline.simulate import sample_dataset_path
    from alerce_astro.offline.tap.testing import ensure_or_skip

    ztf = [sample_dataset_path()] + ([RECORDED.resolve()] if RECORDED.is_dir() else [])
    lsst = [LSST_RECORDED.resolve()] if LSST_RECORDED.is_dir() else []
    return ensure_or_skip(ztf=ztf, lsst=lsst)


@pytest.fixture(scope="session")
def lsst_recorded():
    """The recorded Rubin alerts' dataset folder (skip without ../shared)."""
    if not LSST_RECORDED.is_dir():
        pytest.skip("../shared/alerce-fixtures/lsst-recorded is not beside the checkout")
    return LSST_RECORDED.resolve()


@pytest.fixture(scope="session")
def ztf_recorded():
    """The recorded ZTF objects' dataset folder (skip without ../shared)."""
    if not RECORDED.is_dir():
        pytest.skip("../shared/alerce-fixtures/recorded is not beside the checkout")
    return RECORDED.resolve()


def _client_class():
    from alerce_astro import AlerceClass
    from alerce_astro.client.tap import TapQueries

    if issubclass(AlerceClass, TapQueries):
        return AlerceClass
    # Until the mixin is part of AlerceClass: the same class with it.
    return type("TapAlerceClass", (TapQueries, AlerceClass), {})


@pytest.fixture
def tap_client(dachs_service, tmp_path):
    """A client whose TAP service is the local DaCHS, with its own empty cache."""
    client = _client_class()(cache_location=tmp_path / "cache")
    client.tap_server = dachs_service
    return client


@pytest.fixture(scope="session")
def session_tap_client(dachs_service, tmp_path_factory):
    """One client for the whole session (for module-scoped fixtures)."""
    client = _client_class()(cache_location=tmp_path_factory.mktemp("tapcache"))
    client.tap_server = dachs_service
    return client
