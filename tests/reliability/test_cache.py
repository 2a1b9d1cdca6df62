"""
The on-disk cache: atomic writes, damaged entries discarded and fetched again, failures never
cached, safe use from many threads, `clear_cache` and the age limit.
"""

import hashlib
import json
import os
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import MAGSTATS, OID, count

from alerce_astro import conf
from alerce_astro.cache import ResponseCache, request_key
from alerce_astro.exceptions import (
    AlerceWarning,
    ObjectNotFoundError,
    ResponseFormatError,
    ServiceUnavailableError,
)


def _entries(client):
    return sorted(p for p in client.cache_location.glob("*.alerce") if not p.name.startswith("."))


def _temporaries(folder):
    return sorted(folder.glob(".tmp-*"))


# --------------------------------------------------------------------------------------------
# ResponseCache on its own.

def test_concurrent_writes_and_reads_never_show_half_an_entry(tmp_path):
    cache = ResponseCache(tmp_path)
    bodies = [bytes([i]) * 300_000 for i in range(8)]
    stop = threading.Event()
    seen, errors = set(), []

    def writer(body):
        for _ in range(25):
            cache.put("k", body, url="https://x")

    def reader():
        while not stop.is_set():
            got = cache.get("k", max_age=None)
            if got is not None:
                if got not in bodies:
                    errors.append(len(got))
                seen.add(got[:1])

    readers = [threading.Thread(target=reader) for _ in range(4)]
    writers = [threading.Thread(target=writer, args=(b,)) for b in bodies]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    count("cache operations", 8 * 25)
    assert errors == []
    assert len(seen) > 1  # the readers really raced the writers
    assert cache.get("k", max_age=None) in bodies
    assert _temporaries(tmp_path) == []
    assert len(cache) == 1


@pytest.mark.parametrize("damage", [
    "truncate-body", "truncate-header", "flip-a-byte", "empty-file", "no-newline",
    "header-not-json", "header-a-list", "wrong-format", "wrong-length", "deep-header",
    "binary-noise",
])
def test_a_damaged_entry_is_discarded(tmp_path, damage):
    cache = ResponseCache(tmp_path)
    body = json.dumps([{"fid": 1, "ndet": 10}]).encode()
    cache.put("k", body, url="https://x")
    (path,) = tmp_path.glob("*.alerce")
    raw = path.read_bytes()
    newline = raw.index(b"\n")
    header = json.loads(raw[:newline])
    damaged = {
        "truncate-body": raw[:-5],
        "truncate-header": raw[:newline // 2],
        "flip-a-byte": raw[:-3] + bytes([raw[-3] ^ 0x20]) + raw[-2:],
        "empty-file": b"",
        "no-newline": raw.replace(b"\n", b" "),
        "header-not-json": b"not json\n" + body,
        "header-a-list": b"[1, 2]\n" + body,
        "wrong-format": json.dumps({**header, "format": 99}).encode() + b"\n" + body,
        "wrong-length": json.dumps({**header, "length": 3}).encode() + b"\n" + body,
        "deep-header": b"[" * 50_000 + b"\n" + body,
        "binary-noise": os.urandom(500),
    }[damage]
    path.write_bytes(damaged)
    count("cache entries damaged")
    assert cache.get("k", max_age=None) is None
    assert not path.exists()


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=300),
                         st.builds(lambda h, b: h + b"\n" + b,
                                   st.binary(max_size=120), st.binary(max_size=120))))
def test_any_file_content_is_an_entry_or_a_miss(tmp_path, content):
    cache = ResponseCache(tmp_path)
    path = tmp_path / (request_key("GET", "https://x") + ".alerce")
    path.write_bytes(content)
    count("cache fuzz examples")
    got = cache.get(request_key("GET", "https://x"), max_age=None)
    if got is not None:  # only a self-consistent entry is returned
        header = json.loads(content[:content.index(b"\n")])
        assert header["sha256"] == hashlib.sha256(got).hexdigest()


def test_clear_removes_entries_and_leftover_temporaries(tmp_path):
    cache = ResponseCache(tmp_path)
    for i in range(5):
        cache.put(f"k{i}", b"x", url="https://x")
    (tmp_path / ".tmp-abc.alerce").write_bytes(b"half")
    (tmp_path / "unrelated.txt").write_text("kept")
    assert len(cache) == 5
    cache.clear()
    assert len(cache) == 0
    assert _temporaries(tmp_path) == []
    assert (tmp_path / "unrelated.txt").exists()
    ResponseCache(tmp_path / "never-created").clear()  # no folder: nothing to do, no error


# --------------------------------------------------------------------------------------------
# Through the client.

def test_a_cached_answer_is_served_without_a_request(client, server):
    first = client.query_magstats(OID)
    second = client.query_magstats(OID)
    assert first.pformat() == second.pformat()
    assert len(server.requests) == 1
    assert len(_entries(client)) == 1


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty"])
def test_a_damaged_entry_is_fetched_again(client, server, damage):
    expected = client.query_magstats(OID).pformat()
    (path,) = _entries(client)
    raw = path.read_bytes()
    path.write_bytes({"truncate": raw[:len(raw) // 2],
                      "flip": raw[:-2] + bytes([raw[-2] ^ 0x01]) + raw[-1:],
                      "empty": b""}[damage])
    count("cache entries damaged")
    assert client.query_magstats(OID).pformat() == expected
    assert len(server.requests) == 2
    # The entry was written again, whole.
    assert client.query_magstats(OID).pformat() == expected
    assert len(server.requests) == 2


def test_an_entry_the_parser_refuses_is_fetched_again(client, server):
    client.query_magstats(OID)
    (path,) = _entries(client)
    # A valid entry (checksum right) whose body is not JSON: e.g. written by an older version.
    key = path.name[:-len(".alerce")]
    ResponseCache(client.cache_location).put(key, b"<html>old</html>", url="x")
    count("cache entries damaged")
    assert list(client.query_magstats(OID)["fid"]) == [1, 2]
    assert len(server.requests) == 2


@pytest.mark.parametrize(("status", "body", "error"), [
    (500, b'{"message": "Internal Server Error"}', ServiceUnavailableError),
    (503, b"", ServiceUnavailableError),
    (404, b'{"message": "not found"}', ObjectNotFoundError),
    (200, b"<html>maintenance</html>", ResponseFormatError),
    (200, b'"Request contains one or more invalid arguments."', ResponseFormatError),
    (200, b'[{"fid": 1', ResponseFormatError),
])
def test_failed_answers_are_never_cached(client, server, status, body, error):
    server.inject(MAGSTATS, status=status, body=body)
    count("faults injected")
    with conf.set_temp("max_retries", 1), pytest.raises(error):
        client.query_magstats(OID)
    assert _entries(client) == []
    server.clear_injections()
    assert len(client.query_magstats(OID)) == 2
    assert len(_entries(client)) == 1


def test_an_envelope_without_items_is_not_cached(client, server):
    server.inject(r"/ztf/v1/objects/$", body={"total": 3, "items": "nope"})
    count("faults injected")
    with pytest.raises(ResponseFormatError):
        client.query_objects(oid=OID)
    assert _entries(client) == []


def test_cache_false_and_a_zero_age_limit_bypass_the_cache(client, server):
    client.query_magstats(OID, cache=False)
    client.query_magstats(OID, cache=False)
    assert _entries(client) == [] and len(server.requests) == 2
    with conf.set_temp("cache_timeout", 0):
        client.query_magstats(OID)
    assert _entries(client) == [] and len(server.requests) == 3


def test_an_expired_entry_is_fetched_again(client, server):
    client.query_magstats(OID)
    (path,) = _entries(client)
    old = time.time() - 2 * float(conf.cache_timeout)
    os.utime(path, (old, old))
    client.query_magstats(OID)
    assert len(server.requests) == 2


def test_clear_cache_empties_it(client, server):
    client.query_magstats(OID)
    client.query_probabilities(OID)
    assert len(_entries(client)) == 2
    client.clear_cache()
    assert _entries(client) == []
    client.query_magstats(OID)
    assert len(server.requests) == 3


def test_a_cache_that_cannot_be_written_costs_the_cache_not_the_answer(client, server):
    # A folder where the entry's file should go: os.replace fails, as on a full disk.
    key = request_key("GET", server.urls["ztf_v1"] + f"/objects/{OID}/magstats", [])
    (client.cache_location / (key + ".alerce")).mkdir(parents=True)
    with pytest.warns(AlerceWarning, match="could not be cached"):
        table = client.query_magstats(OID)
    assert list(table["fid"]) == [1, 2]
    assert _temporaries(client.cache_location) == []


def test_one_client_many_threads_one_cache(client, server):
    oids = [OID, "ZTF18aawaivb", "ZTF18acpfwmm", "ZTF18aagzzba", "ZTF18aazeood"]
    expected = {o: client.query_magstats(o, cache=False).pformat() for o in oids}
    server.reset_requests()
    results, errors = [], []

    def work(i):
        try:
            for j in range(20):
                oid = oids[(i + j) % len(oids)]
                results.append((oid, client.query_magstats(oid).pformat()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    count("threaded cached queries", len(results))
    assert errors == []
    assert all(table == expected[oid] for oid, table in results)
    assert len(results) == 240
    # Every object fetched at least once, few times in all (threads may race on a miss).
    assert len(oids) <= len(server.requests) <= 12 * len(oids)
    entries = _entries(client)
    assert len(entries) == len(oids)
    cache = ResponseCache(client.cache_location)
    assert all(cache.get(p.name[:-len(".alerce")], max_age=None) for p in entries)
    assert _temporaries(client.cache_location) == []
