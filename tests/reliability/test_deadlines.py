"""
The deadline of a request starts at its first byte: whatever a server sends or withholds at any
stage (connecting, the status line, headers, a 1xx stream, the body, chunked trailers,
redirects), a try ends within its ``timeout`` plus a small margin, a call within its tries and
the waits between them, with pooled keep-alive connections and in threads.

The servers are raw sockets on loopback (`drip_server`) that send one byte every 50 ms: each
socket read gets a byte long before its own limit, so only a deadline over the whole exchange
can end the call. The bounds asserted are those of the guarantee (docs/reliability.rst), with
a generous margin for a loaded machine; the timeouts are small to keep the tests fast.
"""

import threading
import time

import pytest
from drip_server import STAGES, DripServer, full_backlog
from reliability_helpers import OID, count

from alerce_astro import AlerceClass, conf
from alerce_astro.exceptions import ServiceUnavailableError
from alerce_astro.transport import RequestSettings, Transport

#: What the tests allow beyond the guarantee's own bound (the documented margin is far less).
MARGIN = 1.5
TIMEOUT = 0.5
#: Stages whose every answer stalls (``healthy`` answers, ``keep-alive`` answers first).
STALLS = sorted(set(STAGES) - {"healthy", "keep-alive", "redirects"})


def _timed_get(transport, url, timeout=TIMEOUT, retries=0):
    settings = RequestSettings(timeout=timeout, max_retries=retries, backoff_factor=0.01,
                               max_retry_delay=0.05)
    start = time.monotonic()
    try:
        transport.get(url, settings=settings)
    except ServiceUnavailableError as exc:
        return time.monotonic() - start, exc
    return time.monotonic() - start, None


@pytest.mark.parametrize("stage", STALLS)
def test_a_stall_at_any_stage_ends_within_the_deadline(stage):
    with DripServer(stage) as server:
        count("faults injected")
        elapsed, error = _timed_get(Transport(), server.url + "/ztf/v1/objects/x")
    assert error is not None and "timed out" in str(error)
    assert elapsed < TIMEOUT + MARGIN


def test_a_connection_that_cannot_be_made_ends_within_the_deadline():
    listener, fillers, url = full_backlog()
    try:
        count("faults injected")
        elapsed, error = _timed_get(Transport(), url + "/ztf/v1/objects/x")
    finally:
        for sock in [listener, *fillers]:
            sock.close()
    assert error is not None and "timed out" in str(error)
    assert elapsed < TIMEOUT + MARGIN


def test_redirects_share_the_deadline_of_their_try():
    # Every hop answers in 0.6 s, within a 1 s limit; five of them must not take 3 s.
    with DripServer("redirects") as server:
        count("faults injected")
        elapsed, error = _timed_get(Transport(), server.url + "/hop/0", timeout=1.0)
        hops = server.connections
    assert error is not None and "timed out" in str(error)
    assert hops <= 2
    assert elapsed < 1.0 + MARGIN


def test_a_redirect_to_a_dripping_target_ends_within_the_deadline():
    with DripServer("redirect-then-drip") as server:
        count("faults injected")
        elapsed, error = _timed_get(Transport(), server.url + "/start")
    assert error is not None and "timed out" in str(error)
    assert elapsed < TIMEOUT + MARGIN


@pytest.mark.parametrize("stage", ["headers", "chunked-trailers", "informational"])
def test_retries_stay_within_the_documented_budget(stage):
    """(max_retries + 1) tries of ``timeout`` each, plus the waits between them."""
    with DripServer(stage) as server:
        count("faults injected", 3)
        elapsed, error = _timed_get(Transport(), server.url + "/x", retries=2)
        tries = server.connections
    assert error is not None and "after 3 tries" in str(error) and "timed out" in str(error)
    assert tries == 3
    assert elapsed < 3 * TIMEOUT + 2 * 0.05 + MARGIN


def test_a_pooled_keep_alive_connection_that_drips_ends_within_the_deadline():
    transport = Transport()
    with DripServer("keep-alive") as server:
        assert _timed_get(transport, server.url + "/first") == (pytest.approx(0, abs=5), None)
        count("faults injected")
        elapsed, error = _timed_get(transport, server.url + "/second")
        connections = server.connections
    assert connections == 1  # the second request really went over the pooled connection
    assert error is not None and "timed out" in str(error)
    assert elapsed < TIMEOUT + MARGIN


def test_answered_requests_keep_their_pooled_connection_after_the_deadline():
    """The deadline of a finished try never touches the connection it gave back."""
    transport = Transport()
    with DripServer("healthy") as server:
        # 1 s limits: a loaded machine must not turn a healthy answer into a timeout here
        for _ in range(20):
            assert _timed_get(transport, server.url + "/x", timeout=1.0)[1] is None
        time.sleep(1.1)  # every deadline above has passed
        assert _timed_get(transport, server.url + "/x", timeout=1.0)[1] is None
        assert server.connections == 1


def test_threads_sharing_a_transport_each_keep_their_deadline(server):
    """Stalls in some threads end on time; healthy requests in the others are untouched."""
    transport = Transport()
    stages = ["headers", "status-line", "body", "chunked-trailers", "informational",
              "redirect-then-drip"]
    healthy_url = server.urls["ztf_v1"] + f"/objects/{OID}/magstats"
    results, errors = {}, []
    with DripServer("healthy") as quick:
        stall_servers = [DripServer(s).__enter__() for s in stages]
        try:
            def stall(i, url):
                results[f"stall {i}"] = _timed_get(transport, url)

            def healthy(i):
                try:
                    for _ in range(10):
                        assert _timed_get(transport, healthy_url, timeout=5)[1] is None
                        assert _timed_get(transport, quick.url + "/x", timeout=5)[1] is None
                except AssertionError as exc:  # reported below
                    errors.append(exc)

            threads = [threading.Thread(target=stall, args=(i, s.url + "/start"))
                       for i, s in enumerate(stall_servers)]
            threads += [threading.Thread(target=healthy, args=(i,)) for i in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        finally:
            for s in stall_servers:
                s.stop()
    count("faults injected", len(stages))
    assert errors == []
    assert len(results) == len(stages)
    for name, (elapsed, error) in results.items():
        assert error is not None and "timed out" in str(error), name
        assert elapsed < TIMEOUT + MARGIN, name


@pytest.mark.parametrize("stage", ["headers", "status-line", "chunked-trailers"])
def test_a_client_call_ends_within_its_timeout(tmp_path, stage):
    with DripServer(stage) as server:
        client = AlerceClass(urls={"ztf_v1": server.url + "/ztf/v1"}, cache_location=tmp_path,
                             timeout=TIMEOUT, max_retries=1)
        count("faults injected", 2)
        start = time.monotonic()
        with conf.set_temp("max_retry_delay", 0.05), \
                pytest.raises(ServiceUnavailableError, match="timed out"):
            client.query_magstats(OID)
        elapsed = time.monotonic() - start
    assert elapsed < 2 * TIMEOUT + 0.05 + MARGIN
    assert not list(tmp_path.glob("*.alerce"))
