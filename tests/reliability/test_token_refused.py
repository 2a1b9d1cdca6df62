"""
A refused AUTH-TOKEN is one clear error at once, never an outage (issue 16, point 3).

The sample server checks tokens as ALeRCE's token library does (`alerce_astro.offline.tokens`):
an expired token gets 401 on the light curve routes and 500 on the others, a token without the
permission 403. Before the fix, the 500s were retried (about 8 s with the default settings)
and ended in `ServiceUnavailableError`, and the 401 was a plain `RemoteServiceError`; now a
401/403 to a request that carried the token, or a 500 that the same request without the token
does not give, is a `TokenRefusedError` that never shows the token, without retries.
"""

import pytest
from reliability_helpers import MAGSTATS, OID, count

from alerce_astro import AlerceClass
from alerce_astro.exceptions import ServiceUnavailableError, TokenRefusedError

VALID, EXPIRED, FORBIDDEN = ("valid-token-1234567890", "expired-token-abcdefghij",
                             "guest-token-ABCDEFGHIJ")


@pytest.fixture(scope="module")
def token_server(fixtures_dir):
    from alerce_astro.offline import SampleServer

    tokens = {"valid": [VALID], "expired": [EXPIRED], "forbidden": [FORBIDDEN]}
    with SampleServer(data=fixtures_dir / "recorded", tokens=tokens) as server:
        yield server


@pytest.fixture
def tserver(token_server):
    token_server.clear_injections()
    token_server.reset_requests()
    yield token_server
    token_server.clear_injections()


def _client(server, tmp_path, token, **settings):
    # Retries as a user has them (4); the test's conf keeps their pauses short.
    return AlerceClass(urls=server.urls, token=token, cache_location=tmp_path / "cache",
                       **settings)


def _texts(exc):
    """Every text an exception carries: message, repr, its chain."""
    out = []
    while exc is not None:
        out += [str(exc), repr(exc), repr(exc.args)]
        exc = exc.__cause__ or exc.__context__
    return " ".join(out)


def _token_headers(server):
    return [r["headers"].get("AUTH-TOKEN") or r["headers"].get("Auth-Token")
            for r in server.requests]


@pytest.mark.parametrize("method", ["get_lightcurve", "query_detections"])
def test_an_expired_token_on_a_light_curve_route_is_refused_at_once(tserver, tmp_path, method):
    count("faults injected")
    client = _client(tserver, tmp_path, EXPIRED)
    with pytest.raises(TokenRefusedError, match=r"HTTP 401.*refused the AUTH-TOKEN") as info:
        getattr(client, method)(OID)
    assert EXPIRED not in _texts(info.value)
    assert "Expired Token" in str(info.value)  # the service's own words
    assert [r["status"] for r in tserver.requests] == [401]  # no retry


@pytest.mark.parametrize("method", ["query_magstats", "query_object", "query_probabilities",
                                    "query_features"])
def test_an_expired_token_answered_with_500_is_refused_after_one_check(tserver, tmp_path,
                                                                       method):
    count("faults injected")
    client = _client(tserver, tmp_path, EXPIRED)
    with pytest.raises(TokenRefusedError, match=r"HTTP 500 with the AUTH-TOKEN .* and HTTP 200 "
                                                r"without it") as info:
        getattr(client, method)(OID)
    assert EXPIRED not in _texts(info.value)
    # One request with the token (500), one without (200): no retries, no 8 s of waiting.
    assert [r["status"] for r in tserver.requests] == [500, 200]
    assert _token_headers(tserver) == [EXPIRED, None]


def test_a_token_without_permission_is_refused(tserver, tmp_path):
    client = _client(tserver, tmp_path, FORBIDDEN)
    with pytest.raises(TokenRefusedError, match=r"HTTP 403.*AUTH-TOKEN") as info:
        client.get_lightcurve(OID)
    assert FORBIDDEN not in _texts(info.value)
    assert len(tserver.requests) == 1


def test_a_valid_token_and_no_token_are_answered(tserver, tmp_path):
    for token in (VALID, None):
        client = _client(tserver, tmp_path, token)
        assert len(client.query_magstats(OID)) == 2
        assert len(client.get_lightcurve(OID)) > 0
    assert {r["status"] for r in tserver.requests} == {200}


def test_a_real_outage_with_a_token_is_still_retried_and_an_outage(tserver, tmp_path):
    # The same 500 without the token: not the token's fault.
    count("faults injected")
    tserver.inject(MAGSTATS, status=500, body={"message": "Internal Server Error"})
    client = _client(tserver, tmp_path, VALID, max_retries=2)
    with pytest.raises(ServiceUnavailableError, match="after 3 tries"):
        client.query_magstats(OID)
    assert _token_headers(tserver) == [VALID, None, VALID, VALID]


def test_a_500_to_an_anonymous_request_is_an_outage_as_before(tserver, tmp_path):
    tserver.inject(MAGSTATS, status=500, body={"message": "Internal Server Error"})
    client = _client(tserver, tmp_path, None, max_retries=1)
    with pytest.raises(ServiceUnavailableError):
        client.query_magstats(OID)
    assert len(tserver.requests) == 2


def test_the_command_line_says_the_token_was_refused(tserver, capsys):
    from alerce_astro import cli, conf

    base = tserver.urls["ztf_v1"].rsplit("/ztf", 1)[0]
    with conf.set_temp("token", EXPIRED):
        status = cli.main(["magstats", OID, "--server", base, "--no-cache"])
    err = capsys.readouterr().err
    assert status == 4
    assert "refused the token" in err
    assert EXPIRED not in err
