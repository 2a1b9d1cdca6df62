"""
The transport reads the proxy environment once per host (not on every request, as `requests`
would): proxies from ``http_proxy`` are still used, ``no_proxy`` still bypasses them, and each
new transport reads the environment afresh.

The "proxy" is a loopback HTTP server that answers every request with the request line it
received: a request sent through a proxy names the absolute URL there.
"""


import pytest

from alerce_astro.exceptions import ServiceUnavailableError
from alerce_astro.transport import RequestSettings, Transport, parse_json

SETTINGS = RequestSettings(timeout=5.0, max_retries=0)
#: A host that cannot resolve (RFC 2606): only a proxy can answer for it.
FAR = "http://alerce.invalid/ztf/v1/objects/ZTF20aaelulu"


@pytest.fixture
def echo(echo_urls):
    return echo_urls(1)[0]


@pytest.fixture
def environment(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_the_proxy_from_the_environment_is_used_for_every_request(echo, environment):
    environment.setenv("http_proxy", echo)
    transport = Transport()
    for _ in range(3):  # the second and third use what the first read
        data = transport.get(FAR, [("page", 2)], settings=SETTINGS, parse=parse_json)
        assert data == {"path": FAR + "?page=2"}
    assert transport.requests_sent == 3


def test_no_proxy_still_bypasses_the_proxy(echo, environment):
    environment.setenv("http_proxy", "http://127.0.0.1:9")  # discard port: nothing listens
    environment.setenv("no_proxy", "127.0.0.1")
    transport = Transport()
    for _ in range(2):
        data = transport.get(echo + "/objects", settings=SETTINGS, parse=parse_json)
        assert data == {"path": "/objects"}  # asked directly, not through a proxy


def test_a_new_transport_reads_the_environment_again(echo, environment):
    direct = Transport().get(echo + "/objects", settings=SETTINGS, parse=parse_json)
    assert direct == {"path": "/objects"}
    environment.setenv("http_proxy", "http://127.0.0.1:9")
    with pytest.raises(ServiceUnavailableError):
        Transport().get(echo + "/objects", settings=SETTINGS, parse=parse_json)
