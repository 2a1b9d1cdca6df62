"""Fault injection and hand-made responses of SampleServer."""

import http.client
import time

import pytest
import requests

from alerce_astro.offline import SampleServer
from alerce_astro.offline.faults import FaultPlan


def raw_get(server, target):
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", target)
        resp = conn.getresponse()
        return resp, resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory, dataset_writer, object_row):
    return dataset_writer(tmp_path_factory.mktemp("faults"), {
        f"ZTF20aaaaaa{c}": {"object": object_row(f"ZTF20aaaaaa{c}")} for c in "abcdefgh"})


def test_failure_statuses(data):
    with SampleServer(data, failure_rate=1.0, failure_status=(500,)) as server:
        r = requests.get(server.urls["ztf_v1"] + "/objects/", timeout=30)
        assert r.status_code == 500 and r.json() == {"message": "Internal Server Error"}
        assert server.requests[-1]["status"] == 500
    with SampleServer(data, failure_rate=1.0, failure_status=503) as server:
        r = requests.get(server.urls["ztf_v1"] + "/objects/", timeout=30)
        assert r.status_code == 503 and r.headers["Content-Type"] == "text/html"
        assert "<h1>503 Service Unavailable</h1>" in r.text
    with SampleServer(data, failure_rate=1.0, failure_status=(429,), retry_after=7) as server:
        r = requests.get(server.urls["stamps"] + "/get_stamp", timeout=30)
        assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    with SampleServer(data, failure_rate=1.0, failure_status=(502, 504)) as server:
        codes = {requests.get(server.urls["ztf_v1"] + f"/objects/?page={n}", timeout=30).status_code
                 for n in range(20)}
        assert codes == {502, 504}


def test_dropped_connections(data):
    with SampleServer(data, drop_rate=1.0) as server:
        with pytest.raises(requests.ConnectionError):
            requests.get(server.urls["ztf_v1"] + "/objects/", timeout=30)
        assert server.requests[-1]["status"] is None


def test_truncated_bodies(data):
    with SampleServer(data, truncate_rate=1.0) as server:
        host, port = server.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            conn.request("GET", "/ztf/v1/objects/ZTF20aaaaaaa")
            resp = conn.getresponse()
            assert resp.status == 200
            length = int(resp.getheader("Content-Length"))
            with pytest.raises(http.client.IncompleteRead) as info:
                resp.read()
            assert len(info.value.partial) == length // 2
        finally:
            conn.close()
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            requests.get(server.urls["ztf_v1"] + "/objects/ZTF20aaaaaaa", timeout=30)


def test_latency(data):
    with SampleServer(data, latency=0.2) as server:
        start = time.perf_counter()
        r = requests.get(server.urls["ztf_v1"] + "/objects/ZTF20aaaaaaa", timeout=30)
        elapsed = time.perf_counter() - start
        assert r.status_code == 200 and elapsed >= 0.2


def _statuses(server, n=60):
    out = []
    with requests.Session() as session:
        for k in range(n):
            try:
                r = session.get(server.urls["ztf_v1"] + f"/objects/ZTF20aaaaaa{'abcdefgh'[k % 8]}",
                                timeout=30)
                out.append(r.status_code)
            except requests.ConnectionError:
                out.append("dropped")
    return out


def test_determinism_and_fresh_decisions_on_retry(data):
    settings = dict(failure_rate=0.4, failure_status=(500, 503), drop_rate=0.1, seed=42)
    with SampleServer(data, **settings) as one:
        first = _statuses(one)
    with SampleServer(data, **settings) as two:
        second = _statuses(two)
    assert first == second
    assert {200, 500, 503, "dropped"} <= set(first)
    with SampleServer(data, **dict(settings, seed=43)) as other:
        assert _statuses(other) != first
    # the same request repeated gets fresh decisions: a retrying client gets through
    with SampleServer(data, failure_rate=0.5, seed=1) as server:
        codes = [requests.get(server.urls["ztf_v1"] + "/objects/", timeout=30).status_code
                 for _ in range(30)]
        assert 200 in codes and 500 in codes


def test_fault_plan_is_thread_order_free():
    plan_a, plan_b = FaultPlan(failure_rate=0.5, seed=3), FaultPlan(failure_rate=0.5, seed=3)
    a = [plan_a.decide("GET", f"/x?{k % 3}").kind for k in range(30)]
    # interleave the requests differently: decisions per (request, occurrence) are the same
    b = {}
    for k in sorted(range(30), key=lambda k: (k % 3, k)):
        b[k] = plan_b.decide("GET", f"/x?{k % 3}").kind
    assert a == [b[k] for k in range(30)]
    with pytest.raises(ValueError):
        FaultPlan(failure_rate=2)


def test_injections(data):
    with SampleServer(data) as server:
        server.inject(r"/objects/ZTF20aaaaaaa$", status=503, body={"message": "busy"}, times=2,
                      headers={"Retry-After": "3"})
        url = server.urls["ztf_v1"] + "/objects/ZTF20aaaaaaa"
        first = requests.get(url, timeout=30)
        assert first.status_code == 503 and first.json() == {"message": "busy"}
        assert first.headers["Retry-After"] == "3"
        assert requests.get(url, timeout=30).status_code == 503
        assert requests.get(url, timeout=30).status_code == 200  # used up
        server.inject(r"count=true", status=200, body=b"{}")
        assert requests.get(server.urls["ztf_v1"] + "/objects/?count=true", timeout=30).json() == {}
        server.clear_injections()
        assert requests.get(server.urls["ztf_v1"] + "/objects/?count=true",
                            timeout=30).json()["total"] == 8
        server.inject("/stamps/", drop=True, times=1)
        with pytest.raises(requests.ConnectionError):
            requests.get(server.urls["stamps"] + "/get_stamp", timeout=30)
        server.inject("/catshtm/", body="x" * 40, drip=(10, 0.05), times=1)
        start = time.perf_counter()
        resp, body = raw_get(server, "/catshtm/conesearch")
        assert body == b"x" * 40 and resp.getheader("Content-Type").startswith("text/plain")
        assert time.perf_counter() - start >= 0.15
        # a slow body trips the client's read timeout
        server.inject("/catshtm/", body="y" * 4, drip=(1, 0.25), times=1)
        with pytest.raises((requests.ConnectionError, requests.Timeout)):
            requests.get(server.urls["catshtm"] + "/conesearch", timeout=(5, 0.1))
