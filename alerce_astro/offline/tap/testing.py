"""
A pytest fixture for code that queries ALeRCE's TAP service: a real local DaCHS, loaded.

Use it in a ``conftest.py``::

    from alerce_astro.offline.tap.testing import dachs_service  # noqa: F401

and in a test::

    def test_my_query(dachs_service):
        from alerce_astro import Alerce
        table = Alerce.query_tap("SELECT TOP 3 oid FROM ztf.object", url=dachs_service)

``dachs_service`` (session scope) is the TAP URL of the local DaCHS serving the package's
built-in ZTF sample in schema ``ztf``. It starts DaCHS if it is installed but not running,
loads the sample only when the service does not already serve it, and skips the test, saying
why, where DaCHS is not installed or cannot be started or loaded (with
``ALERCE_ASTRO_REQUIRE_DACHS=1``, as in CI, it fails instead). `ensure_or_skip` does the same for
your own datasets (a session fixture of your own: see ``docs/tap.rst``).
"""

import os

import pytest

from .dachs import DachsUnavailable
from .load import ensure_service

__all__ = ["dachs_service", "ensure_or_skip"]


def ensure_or_skip(*, ztf=(), lsst=()):
    """
    `~alerce_astro.offline.tap.load.ensure_service`, or skip the test with the reason.

    Parameters
    ----------
    ztf, lsst : sequence of path-like
        Dataset folders for schemas ``ztf`` and ``alerce_tap``.

    Returns
    -------
    str
        The TAP URL.
    """
    try:
        return ensure_service(ztf=ztf, lsst=lsst)["url"]
    except DachsUnavailable as exc:
        message = f"no local DaCHS TAP service: {exc}"
        if os.environ.get("ALERCE_ASTRO_REQUIRE_DACHS"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def dachs_service():
    """TAP URL of a local DaCHS serving the built-in ZTF sample (schema ``ztf``)."""
    from ..simulate import sample_dataset_path

    return ensure_or_skip(ztf=[sample_dataset_path()])
