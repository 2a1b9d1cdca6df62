"""
pytest fixtures for code that talks to ALeRCE, served offline by `SampleServer`.

Registered as a ``pytest11`` entry point, so the fixtures are available in any test suite once
``alerce_astro`` is installed:

``alerce_server``
    A session-wide `~alerce_astro.offline.SampleServer` serving the built-in sample dataset.
``alerce_client``
    An `~alerce_astro.AlerceClass` pointed at ``alerce_server`` (a new one per test).

Example::

    def test_my_analysis(alerce_client):
        table = alerce_client.query_objects(classifier="lc_classifier", page_size=5)
        assert len(table) <= 5
"""

import pytest


@pytest.fixture(scope="session")
def alerce_server():
    """A running `~alerce_astro.offline.SampleServer` on the built-in sample dataset."""
    from alerce_astro.offline import SampleServer

    with SampleServer() as server:
        yield server


@pytest.fixture
def alerce_client(alerce_server):
    """An `~alerce_astro.AlerceClass` whose services are those of ``alerce_server``."""
    return alerce_server.client()
