"""
A configured copy keeps every setting of the original (issue 17, root cause 4, verified).

``client(timeout=5)`` on a client made with ``urls=`` and ``token=`` once returned a copy
without them, which then talked to the public ALeRCE hosts without the token. Here every
name lookup of the process is watched: a copy (of a copy) may reach only the configured
loopback server, and sends the token there.
"""

import socket

import pytest
from reliability_helpers import OID

from alerce_astro import AlerceClass

TOKEN = "copy-test-token-0123456789"


@pytest.fixture(scope="module")
def token_server(fixtures_dir):
    from alerce_astro.offline import SampleServer

    with SampleServer(data=fixtures_dir / "recorded", tokens={"valid": [TOKEN]}) as server:
        yield server


@pytest.fixture
def hosts_looked_up(monkeypatch):
    """Every host name the process resolves; anything but loopback is refused."""
    seen, real = [], socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        seen.append(host)
        if host not in ("127.0.0.1", "localhost"):
            raise OSError(f"test: no request may leave for {host}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return seen


@pytest.mark.parametrize("settings", [{"timeout": 5}, {"max_retries": 0},
                                      {"row_limit": 3, "page_size": 2}, {"max_workers": 2}])
def test_a_configured_copy_keeps_the_urls_and_the_token(token_server, tmp_path,
                                                        hosts_looked_up, settings):
    token_server.reset_requests()
    original = AlerceClass(urls=token_server.urls, token=TOKEN, cache_location=tmp_path)
    copy = original(**settings)
    again = copy(timeout=7)  # a copy of a copy
    for client in (copy, again):
        assert client.urls == original.urls
        assert len(client.query_magstats(OID, cache=False)) == 2
        assert len(client.get_lightcurve(OID, cache=False)) > 0
    assert again._request_settings().timeout == 7.0
    assert set(hosts_looked_up) <= {"127.0.0.1"}
    sent = token_server.requests
    assert len(sent) == 4
    assert all(r["headers"].get("AUTH-TOKEN") == TOKEN for r in sent)
    for name, value in settings.items():
        assert getattr(copy, name) == value


def test_a_copy_with_one_url_changed_keeps_the_others(token_server, tmp_path, hosts_looked_up):
    original = AlerceClass(urls=token_server.urls, token=TOKEN, cache_location=tmp_path)
    copy = original(urls={"stamps": "http://localhost:9/stamps"}, timeout=5)
    assert copy.urls["ztf_v1"] == token_server.urls["ztf_v1"]
    assert copy.urls["stamps"] == "http://localhost:9/stamps"
    assert copy._request_settings().token == TOKEN
    assert len(copy.query_magstats(OID, cache=False)) == 2
    assert set(hosts_looked_up) <= {"127.0.0.1"}
