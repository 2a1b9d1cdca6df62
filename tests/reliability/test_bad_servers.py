"""
Bad servers and bad networks, made by the offline server's fault injection and hand-made
answers: every one ends in a clear error (the right exception, naming the URL and what went
wrong) or in the correct result, within a bounded time, and nothing broken is cached.
"""

import gzip
import json
import socket
import threading
import time
import tracemalloc
import warnings
import zlib

import numpy as np
import pytest
from reliability_helpers import MAGSTATS, OID, count

from alerce_astro import AlerceClass, conf
from alerce_astro.exceptions import (
    ObjectNotFoundError,
    RemoteServiceError,
    ResponseFormatError,
    ServiceUnavailableError,
)
from alerce_astro.transport import RequestSettings, Transport, parse_json

JSON = {"Content-Type": "application/json"}
GATEWAY_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center>"
               b"<h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>"
               b"\r\n</html>\r\n")


def _magstats_body(server):
    """The real magstats body of `OID`, as the server sends it (the request is not logged)."""
    import requests

    body = requests.get(server.urls["ztf_v1"] + f"/objects/{OID}/magstats", timeout=10).content
    server.reset_requests()
    return body


def _chunked(body, size=1000):
    """``body`` framed with HTTP/1.1 chunked transfer encoding."""
    out = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
                   for i in range(0, len(body), size))
    return out + b"0\r\n\r\n"


def _cache_entries(client):
    return sorted(client.cache_location.glob("*.alerce"))


# --------------------------------------------------------------------------------------------
# Bodies that cannot be used: a clear ResponseFormatError, one request (no retry), no cache.


UNUSABLE = [
    ("truncated-json", b'[{"fid": 1, "ndet": 3, "magmean": 17.', JSON, "not valid JSON"),
    ("html-page-with-200", b"<html><head><title>Down for maintenance</title></head></html>",
     {"Content-Type": "text/html"}, "HTML page.*Down for maintenance"),
    ("html-labelled-json", b"<!DOCTYPE html><html><body><h1>Oops</h1></body></html>", JSON,
     "HTML page"),
    ("empty-body", b"", JSON, "0 bytes"),
    ("whitespace-body", b"  \r\n ", JSON, "not valid JSON"),
    ("binary-garbage", bytes(range(256)) * 4, {"Content-Type": "application/octet-stream"},
     "not valid JSON"),
    ("error-string-with-200", b'"Request contains one or more invalid arguments."', JSON,
     "message instead of data.*invalid arguments"),
    ("object-instead-of-list", b'{"message": "ok", "items": []}', JSON, "expected a JSON list"),
    ("null-instead-of-list", b"null", JSON, "expected a JSON list"),
    ("number-instead-of-list", b"42", JSON, "expected a JSON list"),
    pytest.param("list-of-numbers", b"[1, 2, 3]", JSON, "expected a list of objects",
                 id="list-of-numbers"),
    pytest.param("list-of-lists", b"[[1, 2]]", JSON, "expected a list of objects",
                 id="list-of-lists"),
    ("deeply-nested", b"[" * 100_000 + b"]" * 100_000, JSON, "nested too deeply"),
    ("xml", b'<?xml version="1.0"?><error>no</error>', {"Content-Type": "application/xml"},
     "not valid JSON|HTML"),
    ("jsonp", b'callback([{"fid": 1}])', {"Content-Type": "application/javascript"},
     "not valid JSON"),
    ("two-documents", b'[{"fid": 1}][{"fid": 2}]', JSON, "not valid JSON"),
]


@pytest.mark.parametrize(
    ("case", "body", "headers", "match"),
    [c if hasattr(c, "marks") else pytest.param(*c, id=c[0]) for c in UNUSABLE])
def test_unusable_bodies_are_clear_errors_and_never_cached(client, server, case, body, headers,
                                                            match):
    count("faults injected")
    server.inject(MAGSTATS, status=200, body=body, headers=headers)
    with pytest.raises(ResponseFormatError, match=match) as info:
        client.query_magstats(OID)
    message = str(info.value)
    assert f"/objects/{OID}/magstats" in message
    assert len(message) < 1000  # a server's megabyte is not pasted into the message
    assert len(server.requests) == 1  # a bad body is not a network failure: no retry
    assert _cache_entries(client) == []
    # The service comes back: the right answer, fetched again (nothing broken was cached).
    server.clear_injections()
    table = client.query_magstats(OID)
    assert list(table["fid"]) == [1, 2]
    assert len(server.requests) == 2


# --------------------------------------------------------------------------------------------
# Error statuses: the right exception with the server's own words.

ERRORS = [
    ("gateway-502-html", 502, GATEWAY_502, {"Content-Type": "text/html"},
     ServiceUnavailableError, "502: 502 Bad Gateway"),
    ("503-empty", 503, b"", {}, ServiceUnavailableError, r"503: \(empty body\)"),
    ("504-json", 504, b'{"message": "upstream timed out"}', JSON, ServiceUnavailableError,
     "upstream timed out"),
    ("500-text", 500, b"Internal Server Error", {"Content-Type": "text/plain"},
     ServiceUnavailableError, "500: Internal Server Error"),
    ("429-forever", 429, b'{"message": "Too Many Requests"}', {"Retry-After": "1"},
     ServiceUnavailableError, "429: Too Many Requests"),
    ("404-html", 404, b"<html><title>404 Not Found</title></html>",
     {"Content-Type": "text/html"}, ObjectNotFoundError, "404: 404 Not Found"),
    ("404-json", 404, b'{"message": "Object not found"}', JSON, ObjectNotFoundError,
     "Object not found"),
    ("400-validation", 400,
     b'{"errors": {"fid": "bad fid"}, "message": "Input payload validation failed"}', JSON,
     RemoteServiceError, r"Input payload validation failed \(fid: bad fid\)"),
    ("400-huge-message", 400, json.dumps({"message": "x" * 1_000_000}).encode(), JSON,
     RemoteServiceError, r"x\.\.\."),
    ("401-expired-token", 401, b'"Expired Token"', JSON, RemoteServiceError,
     "Expired Token.*AUTH-TOKEN"),
    ("403-forbidden", 403, b'"Forbidden"', JSON, RemoteServiceError, "Forbidden"),
    ("418-unusual", 418, b"I'm a teapot", {}, RemoteServiceError, "418"),
    ("599-unknown", 599, b"", {}, RemoteServiceError, "599"),
    ("204-no-content", 204, b"", {}, ResponseFormatError, "0 bytes"),
    ("304-without-location", 304, b"", {}, RemoteServiceError, "304"),
    ("302-without-location", 302, b"", {}, RemoteServiceError, "302"),
]


@pytest.mark.parametrize(("case", "status", "body", "headers", "error", "match"), ERRORS,
                         ids=[c[0] for c in ERRORS])
def test_error_statuses_end_in_clear_errors(client, server, case, status, body, headers, error,
                                            match):
    count("faults injected")
    server.inject(MAGSTATS, status=status, body=body, headers=headers)
    start = time.monotonic()
    with conf.set_temp("max_retries", 2), pytest.raises(error, match=match) as info:
        client.query_magstats(OID)
    assert time.monotonic() - start < 5
    message = str(info.value)
    assert f"/objects/{OID}/magstats" in message and len(message) < 1000
    retried = issubclass(error, ServiceUnavailableError)
    assert len(server.requests) == (3 if retried else 1)
    if retried:
        assert "after 3 tries" in message
    assert _cache_entries(client) == []


@pytest.mark.parametrize("retry_after", ["86400", "Wed, 21 Oct 2099 07:28:00 GMT", "soon", "-5"])
def test_retry_after_is_capped_and_garbage_is_ignored(client, server, retry_after):
    count("faults injected")
    server.inject(MAGSTATS, status=429, body=b'{"message": "slow down"}',
                  headers={"Retry-After": retry_after}, times=1)
    start = time.monotonic()
    assert len(client.query_magstats(OID)) == 2
    assert time.monotonic() - start < 2  # max_retry_delay (0.05 s in tests) wins
    assert len(server.requests) == 2


# --------------------------------------------------------------------------------------------
# Odd but usable answers: the correct result.

def test_odd_but_valid_answers_give_the_correct_result(client, server):
    body = _magstats_body(server)
    expected = client.query_magstats(OID, cache=False)
    variants = {
        "json-labelled-html": (body, {"Content-Type": "text/html"}),
        "no-content-type": (body, {"Content-Type": ""}),
        "byte-order-mark": (b"\xef\xbb\xbf" + body, JSON),
        "surrounding-white-space": (b"\n\n  " + body + b"\r\n\t", JSON),
        "gzip-encoded": (gzip.compress(body), {**JSON, "Content-Encoding": "gzip"}),
        "deflate-encoded": (zlib.compress(body), {**JSON, "Content-Encoding": "deflate"}),
        "chunked": (_chunked(body, 7), {**JSON, "Transfer-Encoding": "chunked"}),
    }
    for name, (raw, headers) in variants.items():
        count("faults injected")
        server.inject(MAGSTATS, status=200, body=raw, headers=headers, times=1)
        table = client.query_magstats(OID, cache=False)
        assert table.pformat() == expected.pformat(), name


def test_nan_and_infinity_tokens_are_masked_or_kept(client, server):
    count("faults injected")
    server.inject(MAGSTATS, body=(
        b'[{"fid": 1, "ndet": 3, "magmean": NaN, "magmax": Infinity, "magmin": -Infinity,'
        b' "magmedian": null, "firstmjd": "58000.5"}]'), headers=JSON, times=1)
    table = client.query_magstats(OID)
    assert bool(table["magmean"].mask[0]) and bool(table["magmedian"].mask[0])
    assert table["magmax"][0] == np.inf and table["magmin"][0] == -np.inf
    assert table["firstmjd"][0] == 58000.5
    assert list(table["band"]) == ["g"]


def test_invalid_utf8_inside_strings_is_replaced_not_fatal(client, server):
    count("faults injected")
    server.inject(MAGSTATS, body=b'[{"fid": 2, "step_id_corr": "v\xff\xfe1"}]', headers=JSON,
                  times=1)
    table = client.query_magstats(OID)
    assert table["step_id_corr"][0] == "v\ufffd\ufffd1"


# --------------------------------------------------------------------------------------------
# Bad networks: drops, truncation, slow drips, silence.

def test_a_connection_dropped_every_time_is_a_clear_error(client, server):
    count("faults injected", 3)
    server.inject(MAGSTATS, drop=True)
    with conf.set_temp("max_retries", 2), pytest.raises(ServiceUnavailableError,
                                                        match="dropped") as info:
        client.query_magstats(OID)
    assert "after 3 tries" in str(info.value)
    assert len(server.requests) == 3


def test_a_body_shorter_than_announced_then_silence_times_out(server, tmp_path):
    body = _magstats_body(server)
    count("faults injected", 2)
    server.inject(MAGSTATS, body=body[:40], headers={**JSON, "Content-Length": str(len(body))})
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, timeout=1, max_retries=1)
    start = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match="timed out") as info:
        client.query_magstats(OID)
    assert time.monotonic() - start < 3.5
    assert "after 2 tries" in str(info.value)
    assert not list(tmp_path.glob("*.alerce"))


def test_connections_cut_short_every_time_are_a_clear_error(make_server, tmp_path):
    server = make_server(truncate_rate=1.0)
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_retries=2)
    count("faults injected", 3)
    with pytest.raises(ServiceUnavailableError, match="broke") as info:
        client.query_magstats(OID)
    assert "after 3 tries" in str(info.value)
    assert len(server.requests) == 3
    assert not list(tmp_path.glob("*.alerce"))


def test_connections_cut_short_now_and_then_give_the_right_result(make_server, tmp_path):
    server = make_server(truncate_rate=0.5, seed=1)
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_retries=10)
    for oid, n in ((OID, 2), ("ZTF18aawaivb", 2), ("ZTF18acpfwmm", 2), ("ZTF18aagzzba", 1)):
        table = client.query_magstats(oid)
        assert len(table) == n and set(table["oid"]) == {oid}
    count("faults injected", len(server.requests) - 4)
    assert len(server.requests) > 4


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_the_timeout_holds_against_a_slow_drip(server, tmp_path, framing):
    """Bytes arriving just often enough to beat each socket read's limit cannot stall it."""
    body = b"[" + b" " * 2000 + b"]"
    headers = dict(JSON)
    if framing == "chunked":
        body, headers["Transfer-Encoding"] = _chunked(body, 5), "chunked"
    count("faults injected", 2)
    server.inject(MAGSTATS, body=body, headers=headers, drip=(5, 0.05))  # ~20 s in all
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, timeout=1, max_retries=1)
    start = time.monotonic()
    with pytest.raises(ServiceUnavailableError, match="timed out|longer than 1.0 s"):
        client.query_magstats(OID)
    elapsed = time.monotonic() - start
    assert 1.9 < elapsed < 3.5  # two tries of 1 s each, plus a short backoff


def test_a_server_that_accepts_but_never_answers_times_out(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are accepted by the kernel, never answered
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/ztf/v1"
        client = AlerceClass(urls={"ztf_v1": url}, cache_location=tmp_path, timeout=0.5,
                             max_retries=1)
        count("faults injected", 2)
        start = time.monotonic()
        with pytest.raises(ServiceUnavailableError, match="timed out"):
            client.query_magstats(OID)
        assert time.monotonic() - start < 3
    finally:
        silent.close()


def test_a_closed_port_is_a_clear_error(tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    client = AlerceClass(urls={"ztf_v1": f"http://127.0.0.1:{port}/ztf/v1"},
                         cache_location=tmp_path, max_retries=1)
    count("faults injected", 2)
    with pytest.raises(ServiceUnavailableError, match="could not connect"):
        client.query_magstats(OID)


# --------------------------------------------------------------------------------------------
# Sizes: announced, real, and expanding.

def test_an_announced_huge_body_is_refused_before_reading(client, server):
    count("faults injected")
    server.inject(MAGSTATS, body=b"[]", headers={**JSON, "Content-Length": str(10**12)})
    start = time.monotonic()
    with pytest.raises(ResponseFormatError, match="announces 1000000000000 bytes"):
        client.query_magstats(OID)
    assert time.monotonic() - start < 2


@pytest.fixture(scope="module")
def gzip_bomb():
    """200 MB of JSON white space compressed to about 200 kB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    block = b" " * 2**20
    parts = [packer.compress(b"[")]
    parts += [packer.compress(block) for _ in range(200)]
    parts.append(packer.compress(b"]") + packer.flush())
    return b"".join(parts)


def test_a_body_beyond_the_size_cap_is_refused(server):
    transport = Transport()
    settings = RequestSettings(timeout=10, max_retries=0, max_bytes=2**20)
    count("faults injected", 2)
    big = b"[" + b"0," * 2**20 + b"0]"
    for headers, body in (({}, big), ({"Transfer-Encoding": "chunked"}, _chunked(big, 65536))):
        server.inject(MAGSTATS, body=body, headers={**JSON, **headers}, times=1)
        with pytest.raises(ResponseFormatError, match="(larger|more) than (the )?1048576"):
            transport.get(server.urls["ztf_v1"] + f"/objects/{OID}/magstats", settings=settings,
                          parse=lambda a: parse_json(a, expect=list))


def test_a_gzip_bomb_is_capped_in_size_and_memory(server, gzip_bomb):
    assert len(gzip_bomb) < 2**20
    server.inject(MAGSTATS, body=gzip_bomb, headers={**JSON, "Content-Encoding": "gzip"})
    transport = Transport()
    settings = RequestSettings(timeout=20, max_retries=0, max_bytes=8 * 2**20)
    count("faults injected")
    tracemalloc.start()
    try:
        with pytest.raises(ResponseFormatError, match="larger than 8388608 bytes"):
            transport.get(server.urls["ztf_v1"] + f"/objects/{OID}/magstats", settings=settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Decompression is bounded per read: the peak stays near the cap, far from 200 MB.
    assert peak < 40 * 2**20


@pytest.mark.slow
def test_a_gzip_bomb_through_the_client_with_the_default_cap(client, server):
    """1 GB of white space in 1 MB of gzip, against the default 256 MiB cap."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * 2**20
    bomb = b"".join([packer.compress(block) for _ in range(1024)]) + packer.flush()
    server.inject(MAGSTATS, body=bomb, headers={**JSON, "Content-Encoding": "gzip"})
    count("faults injected")
    with pytest.raises(ResponseFormatError, match="larger than 268435456 bytes"):
        client.query_magstats(OID)
    assert _cache_entries(client) == []


# --------------------------------------------------------------------------------------------
# Redirects: followed only to the same host and port (or an https upgrade).

def test_a_redirect_to_another_host_is_not_followed(client, server, make_server):
    other = make_server()
    port = other.url.rsplit(":", 1)[1]
    target = f"http://localhost:{port}/ztf/v1/objects/{OID}/magstats"
    count("faults injected")
    server.inject(MAGSTATS, status=302, headers={"Location": target})
    with pytest.raises(RemoteServiceError, match="redirect not followed") as info:
        client.query_magstats(OID)
    assert "localhost" in str(info.value)
    assert other.requests == []
    assert len(server.requests) == 1


def test_a_redirect_to_another_port_of_the_same_host_is_not_followed(client, server,
                                                                     make_server):
    other = make_server()
    count("faults injected")
    server.inject(MAGSTATS, status=307,
                  headers={"Location": other.urls["ztf_v1"] + f"/objects/{OID}/magstats"})
    with pytest.raises(RemoteServiceError, match="redirect not followed"):
        client.query_magstats(OID)
    assert other.requests == []


@pytest.mark.parametrize("location", ["absolute", "relative"])
def test_a_redirect_within_the_service_is_followed(client, server, location):
    path = f"/ztf/v1/objects/{OID}/magstats"
    count("faults injected")
    server.inject(MAGSTATS, status=308, times=1, headers={
        "Location": (server.url + path + "?again=1") if location == "absolute"
        else path + "?again=1"})
    assert list(client.query_magstats(OID)["fid"]) == [1, 2]
    assert [(r["path"], r["query"]) for r in server.requests] == [(path, ""),
                                                                  (path, "again=1")]


def test_a_redirect_loop_ends(client, server):
    count("faults injected")
    server.inject(MAGSTATS, status=302,
                  headers={"Location": server.urls["ztf_v1"] + f"/objects/{OID}/magstats"})
    with pytest.raises(RemoteServiceError, match="redirect not followed"):
        client.query_magstats(OID)
    assert len(server.requests) == 6  # the request and five redirects, then it stops


# --------------------------------------------------------------------------------------------
# Random faults of every kind: the same answers as a healthy server.

def _workload(client):
    """Queries of every core kind; their results as text, in a fixed order."""
    out = [client.query_magstats(OID).pformat(max_lines=-1, max_width=-1),
           client.query_probabilities(OID).pformat(max_lines=-1, max_width=-1),
           client.query_features(OID, fid=1).pformat(max_lines=-1, max_width=-1),
           client.list_classifiers().pformat(max_lines=-1, max_width=-1),
           client.query_objects(oid=[OID, "ZTF18abbuive", "ZTF18acpfwmm"])["oid", "ndet"]
           .pformat(max_lines=-1, max_width=-1),
           client.query_objects(row_limit=-1, page_size=60)["oid"].pformat(max_lines=-1)]
    return out


@pytest.fixture(scope="module")
def reference(fixtures_dir, tmp_path_factory):
    """The workload's answers from a healthy server, and how many requests it needs."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=fixtures_dir / "recorded") as healthy:
        client = AlerceClass(urls=healthy.urls, cache_location=tmp_path_factory.mktemp("c"))
        with conf.set_temp("cache_timeout", 0):
            answers = _workload(client)
        return answers, len(healthy.requests)


def _faulty_run(make_server, tmp_path, seed, reference):
    answers, needed = reference
    server = make_server(failure_rate=0.25, failure_status=(500, 502, 503, 504, 429),
                         drop_rate=0.1, truncate_rate=0.1, retry_after=0, seed=seed)
    client = AlerceClass(urls=server.urls, cache_location=tmp_path / f"c{seed}", max_retries=10)
    with conf.set_temp("cache_timeout", 0):
        assert _workload(client) == answers
    faults = len(server.requests) - needed
    count("faults injected", faults)
    count("random-fault runs")
    return faults


def test_random_faults_give_the_same_answers(make_server, tmp_path, reference):
    faults = sum(_faulty_run(make_server, tmp_path, seed, reference) for seed in range(3))
    assert faults > 5  # the faults really happened


@pytest.mark.slow
def test_random_faults_give_the_same_answers_many_seeds(make_server, tmp_path, reference):
    faults = sum(_faulty_run(make_server, tmp_path, seed, reference) for seed in range(3, 43))
    assert faults > 100


def test_a_server_failing_every_time_ends_in_a_clear_error(make_server, tmp_path):
    server = make_server(failure_rate=1.0, failure_status=(502,))
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_retries=3)
    count("faults injected", 4)
    with pytest.raises(ServiceUnavailableError, match="after 4 tries: HTTP 502"):
        client.query_magstats(OID)


# --------------------------------------------------------------------------------------------
# A service that does not page: the loop ends.

def test_a_service_that_ignores_paging_does_not_hang(make_server, tmp_path):
    server = make_server()
    page = {"total": None, "page": None, "has_next": False, "next": None, "prev": None,
            "has_prev": False, "items": [{"oid": f"ZTF20aaaaaa{c}", "meanra": 10.0,
                                          "meandec": 5.0} for c in "abcde"]}
    server.inject(r"/ztf/v1/objects/$", body=page)
    client = AlerceClass(urls=server.urls, cache_location=tmp_path)
    count("faults injected")
    outcome = {}

    def run():
        try:
            outcome["table"] = client.query_objects(row_limit=-1, page_size=5, cache=False)
        except Exception as exc:  # noqa: BLE001 - any end is fine, a hang is not
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a warning that the result may be incomplete is fine
        worker.start()
        worker.join(4)
        finished = not worker.is_alive()
        if not finished:
            server.stop()  # ends the loop with connection errors
            worker.join(30)
    assert finished
    assert len(outcome.get("table", [])) == 5 or isinstance(outcome.get("error"),
                                                            RemoteServiceError)
