"""
A plain session's requests use the connection pool found for their ``(scheme, host:port)``
once (issue 18, `alerce_astro.transport._DeadlineAdapter.send_known`): the pool is the one
`requests` would pick (proxies, ``NO_PROXY``, TLS verification and CA bundle), a pool closed
since is found again, and every failure is raised as the same `requests` exception as
`requests.adapters.HTTPAdapter.send` raises for it (the retry policy depends on these types).

The servers are loopback sockets: an HTTP echo, a socket that never answers and a port
nothing listens on.
"""

import json
import socket
from urllib.parse import urlsplit

import pytest
import requests

from alerce_astro.transport import RequestSettings, Transport, parse_json

SETTINGS = RequestSettings(timeout=5.0, max_retries=0)


@pytest.fixture
def echoes(echo_urls):
    return echo_urls(10)


@pytest.fixture
def silent():
    """A listening socket that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@pytest.fixture
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    return port


@pytest.fixture
def environment(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "requests_ca_bundle",
                 "curl_ca_bundle"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_pools_evicted_or_closed_are_found_again(echoes, environment):
    # More hosts than the pool manager keeps (8): the first host's pool is evicted by the
    # time it is asked again (urllib3 2 does not close it: the manager forgets it); then the
    # session closes every pool.
    transport = Transport()
    adapter = transport._adapter
    first = urlsplit(echoes[0])[:2]
    pools = []
    for _ in range(2):
        for echo in echoes:
            assert transport.get(echo + "/x", settings=SETTINGS, parse=parse_json) == {
                "path": "/x"}
            if echo is echoes[0]:  # the pool used is the one the manager holds now
                pools.append(adapter._known[first][0])
                assert pools[-1] is adapter.get_connection_with_tls_context(
                    requests.Request("GET", echo + "/x").prepare(), True)
    assert pools[0] is not pools[1]
    transport.session.close()
    assert transport.get(echoes[0] + "/y", settings=SETTINGS, parse=parse_json) == {
        "path": "/y"}
    assert adapter._known[first][0] is not pools[1]


def _both(url, environment, **session_settings):
    """The same request sent by ``send_known`` and by requests' own ``send``."""
    transport = Transport()
    for name, value in session_settings.items():
        setattr(transport.session, name, value)
    _, settings = transport._environment_for(url)
    adapter = transport._adapter
    prepared = requests.Request("GET", url).prepare()
    timeout = (0.3, 0.3)
    outcomes = []
    for send in (lambda: adapter.send_known(prepared, timeout, settings, urlsplit(url)[:2]),
                 lambda: adapter.send(prepared, timeout=timeout, **settings)):
        try:
            response = send()
        except Exception as exc:  # noqa: BLE001 - the outcome compared
            reason = getattr(exc.args[0], "reason", exc.args[0]) if exc.args else None
            outcomes.append((type(exc), type(reason), type(exc.__context__)))
        else:
            outcomes.append((response.status_code, response.url, dict(response.headers)
                             .keys(), response.content))
    return transport, outcomes


@pytest.mark.parametrize("case", ["refused", "silent", "proxy refused", "tls to plain http",
                                  "answered", "answered through proxy"])
def test_failures_and_answers_are_those_of_requests(case, echoes, silent, closed_port,
                                                    environment):
    url = {"refused": f"http://127.0.0.1:{closed_port}/x", "silent": silent + "/x",
           "proxy refused": "http://alerce.invalid/x",
           "tls to plain http": echoes[0].replace("http:", "https:") + "/x",
           "answered": echoes[0] + "/x",
           "answered through proxy": "http://alerce.invalid/x"}[case]
    if case == "proxy refused":
        environment.setenv("http_proxy", f"http://127.0.0.1:{closed_port}")
    if case == "answered through proxy":
        environment.setenv("http_proxy", echoes[1])
    _, (known, plain) = _both(url, environment)
    assert known == plain
    expected = {"refused": requests.exceptions.ConnectionError,
                "silent": requests.exceptions.ReadTimeout,
                "proxy refused": requests.exceptions.ProxyError,
                "tls to plain http": requests.exceptions.SSLError}
    if case in expected:
        assert known[0] is expected[case]
    else:
        assert known[0] == 200
        path = json.loads(known[3])["path"]
        assert path == (url if case == "answered through proxy" else "/x")


@pytest.mark.parametrize("verify", [True, False, "bundle"])
def test_the_pool_is_the_one_requests_picks(verify, closed_port, environment, tmp_path):
    # TLS settings live in the pool's key: the same pool means the same verification.
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    if verify == "bundle":
        environment.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        verify = True
    environment.setenv("no_proxy", "127.0.0.1")
    environment.setenv("https_proxy", f"http://127.0.0.1:{closed_port}")
    url = f"https://127.0.0.1:{closed_port}/x"
    transport, (known, plain) = _both(url, environment, verify=verify)
    assert known == plain
    assert known[0] is requests.exceptions.ConnectionError  # not the proxy's error
    _, settings = transport._environment_for(url)
    adapter = transport._adapter
    pool = adapter._known[("https", f"127.0.0.1:{closed_port}")][0]
    prepared = requests.Request("GET", url).prepare()
    assert pool is adapter.get_connection_with_tls_context(
        prepared, settings["verify"], proxies=settings["proxies"], cert=settings["cert"])
    assert pool.cert_reqs == ("CERT_NONE" if verify is False else "CERT_REQUIRED")
    if settings["verify"] == str(bundle):
        assert pool.ca_certs == str(bundle)


def test_a_cookie_the_server_sets_is_sent_back(echoes, environment):
    # As a requests session keeps it: the answer that sets it is built by requests.
    transport = Transport()
    first = transport.get(echoes[0] + "/cookie", settings=SETTINGS)
    assert first.headers["Set-Cookie"] == "flavour=oat; Path=/"
    assert dict(transport.session.cookies) == {"flavour": "oat"}
    again = transport.get(echoes[0] + "/x", settings=SETTINGS, parse=parse_json)
    assert again == {"path": "/x", "cookie": "flavour=oat"}


def test_an_answer_is_built_as_requests_builds_it(echoes, environment):
    transport = Transport()
    url = echoes[0] + "/x"
    _, settings = transport._environment_for(url)
    adapter = transport._adapter
    prepared = requests.Request("GET", url).prepare()
    known = adapter.send_known(prepared, (5, 5), settings, urlsplit(url)[:2])
    plain = adapter.send(prepared, timeout=(5, 5), **settings)
    for response in (known, plain):
        response.headers.pop("Date")
    assert ({k: v for k, v in vars(known).items() if k not in ("raw", "cookies")}
            == {k: v for k, v in vars(plain).items() if k not in ("raw", "cookies")})
    assert known.raw.status == plain.raw.status
    assert known.content == plain.content
