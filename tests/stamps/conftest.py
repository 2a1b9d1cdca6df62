"""Fixtures of the stamp tests: the real alerts dataset, served offline."""

from pathlib import Path

import pytest

ALERTS = Path(__file__).resolve().parents[2] / ".." / "shared" / "alerce-fixtures" / "alerts"


@pytest.fixture(scope="session")
def alerts_dir():
    """The real ZTF alerts dataset beside the checkout (39 alerts, 38 objects)."""
    if not ALERTS.is_dir():
        pytest.skip("../shared/alerce-fixtures/alerts is not beside the checkout")
    return ALERTS.resolve()


@pytest.fixture(scope="session")
def alerts_server(alerts_dir):
    """An offline server answering from the real alerts dataset."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=alerts_dir) as server:
        yield server


@pytest.fixture
def alerts_client(alerts_server, client_of):
    """A client of `alerts_server` with its own empty cache; the server's log and injected
    answers are reset."""
    return client_of(alerts_server)


