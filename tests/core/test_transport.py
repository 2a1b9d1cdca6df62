"""Retries, time limits and error messages of the transport, through the offline server."""

import time

import pytest

from alerce_astro import AlerceClass, conf
from alerce_astro.exceptions import (
    RemoteServiceError,
    ResponseFormatError,
    ServiceUnavailableError,
)


@pytest.fixture
def client(recorded_server, tmp_path):
    recorded_server.clear_injections()
    yield AlerceClass(urls=recorded_server.urls, cache_location=tmp_path)
    recorded_server.clear_injections()


MAGSTATS = r".*/objects/ZTF20aaelulu/magstats$"


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_transient_failures_are_retried(client, recorded_server, status):
    recorded_server.inject(MAGSTATS, status=status, body=b"<html>oops</html>", times=2)
    recorded_server.reset_requests()
    t = client.query_magstats("ZTF20aaelulu")
    assert list(t["fid"]) == [1, 2]
    assert len(recorded_server.requests) == 3


def test_dropped_connection_is_retried(client, recorded_server):
    recorded_server.inject(MAGSTATS, drop=True, times=1)
    recorded_server.reset_requests()
    assert len(client.query_magstats("ZTF20aaelulu")) == 2
    assert len(recorded_server.requests) >= 2


def test_retry_after_is_honoured(client, recorded_server):
    recorded_server.inject(MAGSTATS, status=429, headers={"Retry-After": "1"}, times=1)
    with conf.set_temp("max_retry_delay", 5):
        start = time.monotonic()
        client.query_magstats("ZTF20aaelulu")
        assert time.monotonic() - start >= 0.9


def test_persistent_failure_names_url_status_and_message(client, recorded_server):
    recorded_server.inject(MAGSTATS, status=503,
                           body=b"<html><title>503 Service Unavailable</title></html>")
    with conf.set_temp("max_retries", 2):
        with pytest.raises(ServiceUnavailableError) as info:
            client.query_magstats("ZTF20aaelulu")
    message = str(info.value)
    assert "/objects/ZTF20aaelulu/magstats" in message
    assert "503" in message and "Service Unavailable" in message
    assert "3 tries" in message


def test_bad_request_is_not_retried_and_shows_server_text(client, recorded_server):
    recorded_server.inject(MAGSTATS, status=400, body=(
        b'{"errors": {"fid": "bad"}, "message": "Input payload validation failed"}'))
    recorded_server.reset_requests()
    with pytest.raises(RemoteServiceError, match="Input payload validation failed"):
        client.query_magstats("ZTF20aaelulu")
    assert len(recorded_server.requests) == 1


def test_html_with_status_200_is_a_format_error(client, recorded_server):
    recorded_server.inject(MAGSTATS, status=200, body=b"<html>maintenance</html>",
                           headers={"Content-Type": "text/html"})
    with pytest.raises(ResponseFormatError, match="HTML"):
        client.query_magstats("ZTF20aaelulu")


def test_timeout_holds_on_a_slow_drip(client, recorded_server):
    recorded_server.inject(MAGSTATS, status=200, body=b"[" + b" " * 400 + b"]",
                           drip=(10, 0.1))
    slow = AlerceClass(urls=recorded_server.urls, timeout=1, max_retries=1,
                       cache_location=client.cache_location)
    start = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match="timed out|longer than"):
        slow.query_magstats("ZTF20aaelulu")
    assert time.monotonic() - start < 8
