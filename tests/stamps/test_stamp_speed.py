"""A repeated get_stamps served from the cache: no request, no thread, no cache write."""

import threading

import numpy as np

from alerce_astro import AlerceClass
from alerce_astro.apis.ztf_v1.columns import DETECTION
from alerce_astro.cache import ResponseCache
from alerce_astro.client import stamps as queries

OID = "ZTF18aaqfhlj"  # two alerts with stamps
LATEST = 1786555201115010001


def _meta(stamps):
    return {k: v for k, v in stamps.science.meta.items() if k != "retrieved"}


def _cache_files(client):
    return {p.name: p.stat().st_mtime_ns for p in client.cache_location.glob("*.alerce")}


def test_cached_stamps_read_without_threads_or_writes(alerts_client, alerts_server,
                                                      monkeypatch):
    first = alerts_client.get_stamps(OID, cache=True)
    assert first.science.meta["candid"] == LATEST
    files = _cache_files(alerts_client)
    alerts_server.reset_requests()
    started = []
    original = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start",
                        lambda self: (started.append(self.name), original(self))[1])
    puts = []
    monkeypatch.setattr(ResponseCache, "put", lambda self, key, body, *, url: puts.append(url))
    again = alerts_client.get_stamps(OID, cache=True)
    assert alerts_server.requests == []
    assert started == [] and puts == []
    assert _cache_files(alerts_client) == files
    assert _meta(again) == _meta(first)
    np.testing.assert_array_equal(again.difference.data, first.difference.data)


def test_threads_when_not_cached(alerts_client):
    assert not alerts_client._stamps_cached(OID, LATEST, True)
    stamps = alerts_client.get_stamps(OID, candid=LATEST, cache=False)
    assert stamps.science.meta["candid"] == LATEST


def test_records_straight_from_the_json():
    rows = [
        {"candid": "1786555201115010001", "mjd": 58000.5, "ra": 1.0, "dec": 2.0, "fid": 2,
         "isdiffpos": -1, "has_stamp": True},
        {"candid": 1786550031115010000, "mjd": "58000.25", "ra": 1.0, "dec": 2.0,
         "fid": None, "isdiffpos": "x", "has_stamp": None},
        {"candid": None, "mjd": 58001.0, "ra": 1.0, "dec": 2.0},  # no candid: left out
        {"candid": 5, "mjd": float("nan"), "ra": 1.0, "dec": 2.0},  # no time: left out
    ]
    assert queries._detection_records(DETECTION, rows) == [
        {"candid": 1786555201115010001, "mjd": 58000.5, "ra": 1.0, "dec": 2.0, "fid": 2,
         "isdiffpos": -1, "has_stamp": True},
        {"candid": 1786550031115010000, "mjd": 58000.25, "ra": 1.0, "dec": 2.0, "fid": None,
         "isdiffpos": None, "has_stamp": False}]
    assert queries._detection_records(DETECTION, []) == []


def test_a_new_client_finds_the_same_record(alerts_client, alerts_server):
    first = alerts_client.get_stamps(OID, cache=True)
    other = AlerceClass(urls=alerts_server.urls, cache_location=alerts_client.cache_location)
    assert _meta(other.get_stamps(OID, candid=LATEST, cache=True)) == _meta(first)


def test_decoded_cutouts_are_those_read_from_the_cache(alerts_client, monkeypatch):
    """Cached cutouts are decoded once: the next calls get equal copies (data, header,
    meta), which the caller may change without changing what later calls get."""
    first = alerts_client.get_stamps(OID, cache=True)   # fetched and cached
    second = alerts_client.get_stamps(OID, cache=True)  # read from the cache, decoded
    from alerce_astro.apis.stamps import parse

    reads = []
    original = parse.read_cutout
    monkeypatch.setattr(parse, "read_cutout", lambda *a, **k: reads.append(1) or original(
        *a, **k))
    third = alerts_client.get_stamps(OID, cache=True)
    assert reads == []  # decoded before: not decoded again
    for stamps in (second, third):
        assert _meta(stamps) == _meta(first)
        for kind in ("science", "template", "difference"):
            a, b = getattr(stamps, kind), getattr(first, kind)
            np.testing.assert_array_equal(a.data, b.data)
            assert a.meta["header"] == b.meta["header"] and a.unit == b.unit
    third.science.data[:] = -1.0
    third.science.meta["header"]["EXTRA"] = 1
    fourth = alerts_client.get_stamps(OID, cache=True)
    np.testing.assert_array_equal(fourth.science.data, first.science.data)
    assert "EXTRA" not in fourth.science.meta["header"]


def test_a_cleared_cache_is_not_answered_from_memory(alerts_client, alerts_server):
    alerts_client.get_stamps(OID, cache=True)
    alerts_client.get_stamps(OID, cache=True)
    alerts_client.clear_cache()
    alerts_server.reset_requests()
    stamps = alerts_client.get_stamps(OID, cache=True)
    assert stamps.science.meta["candid"] == LATEST
    assert len(alerts_server.requests) >= 3  # detections and the three images again


def test_records_of_a_cached_answer_are_made_once(alerts_client, monkeypatch):
    first = alerts_client._record_from_detections(OID, None, "last", True)
    made = []
    original = queries._detection_records
    monkeypatch.setattr(queries, "_detection_records",
                        lambda *a: made.append(1) or original(*a))
    first["candid"] = 0  # the caller's copy
    again = alerts_client._record_from_detections(OID, None, "last", True)
    assert made == [] and again["candid"] == LATEST
    assert alerts_client._record_from_detections(OID, LATEST, "last", True) == again
