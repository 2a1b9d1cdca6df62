"""
The on-disk cache: atomic writes, damaged entries discarded and fetched again, failures never
cached, safe use from many threads, `clear_cache` and the age limit.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import MAGSTATS, OID, count

import alerce_astro
from alerce_astro import AlerceClass, conf
from alerce_astro.cache import ResponseCache, request_key
from alerce_astro.exceptions import (
    AlerceWarning,
    CacheWarning,
    NoResultsWarning,
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
    with pytest.warns(AlerceWarning, match="is a directory, not a regular file"):
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


# --------------------------------------------------------------------------------------------
# Failure paths: the cache is an optimisation. Folders that cannot be created or written,
# entries that are not regular files, clear_cache() racing writers and readers in threads and
# in another process: every query still answers, with one CacheWarning per client at most.

ALERT_OID = "ZTF18aaacpxm"  # an object of the alerts dataset, with stamps
ROOT = Path(alerce_astro.__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def stamp_server(fixtures_dir):
    """The ZTF API and the stamp service over the recorded objects and the real alerts."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=[fixtures_dir / "recorded", fixtures_dir / "alerts"]) as server:
        yield server


@pytest.fixture
def stamps(stamp_server):
    stamp_server.reset_requests()
    stamp_server.clear_injections()
    return stamp_server


def _cache_warnings(caught):
    return [w for w in caught if issubclass(w.category, CacheWarning)]


def _queries(client):
    """A bit of everything, twice: objects, magstats, a light curve, stamps."""
    out = []
    for _ in range(2):
        out += [len(client.query_object(OID)), len(client.query_magstats(OID)),
                len(client.get_lightcurve(OID)), client.get_stamps(ALERT_OID).candid]
    return out


def _expected(stamps, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoResultsWarning)
        return _queries(AlerceClass(urls=stamps.urls, cache_location=tmp_path / "reference"))


def test_a_cache_folder_that_cannot_be_created_costs_the_cache_not_the_answer(stamps, tmp_path):
    expected = _expected(stamps, tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    stamps.reset_requests()
    clients = [AlerceClass(urls=stamps.urls, cache_location=blocker / "cache")
               for _ in range(2)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = [_queries(client) for client in clients]
        for client in clients:
            client.clear_cache()  # nothing to clear: no error
    count("cache failures", 2)
    assert results == [expected, expected]
    # Nothing cached: every call asked the service (4 per round trip of _queries, stamps 4).
    assert len(stamps.requests) >= 2 * 2 * 6
    problems = _cache_warnings(caught)
    assert len(problems) == 2  # one per client, not one per call
    assert all("a-file" in str(w.message) and "once per client" in str(w.message)
               for w in problems)
    assert issubclass(CacheWarning, AlerceWarning)


@pytest.mark.parametrize("kind", ["named pipe", "directory", "symbolic link"])
def test_an_entry_that_is_not_a_regular_file_is_never_read(client, server, tmp_path, kind):
    key = request_key("GET", server.urls["ztf_v1"] + f"/objects/{OID}/magstats", [])
    client.cache_location.mkdir(parents=True, exist_ok=True)
    entry = client.cache_location / (key + ".alerce")
    if kind == "named pipe":
        os.mkfifo(entry)
    elif kind == "directory":
        entry.mkdir()
    else:  # a valid entry elsewhere: followed, it would answer without a request
        elsewhere = ResponseCache(tmp_path / "elsewhere")
        body = json.dumps([{"fid": 1, "ndet": 999}]).encode()
        elsewhere.put(key, body, url="x")
        entry.symlink_to(tmp_path / "elsewhere" / (key + ".alerce"))
    outcome = {}

    def query():
        outcome["tables"] = [client.query_magstats(OID) for _ in range(3)]

    count("cache failures")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        worker = threading.Thread(target=query, daemon=True)
        worker.start()
        worker.join(20)
        hung = worker.is_alive()
        if hung and kind == "named pipe":  # let the blocked read end
            os.close(os.open(entry, os.O_WRONLY | os.O_NONBLOCK))
            worker.join(5)
    assert not hung, f"reading an entry that is a {kind} blocked"
    assert [list(t["fid"]) for t in outcome["tables"]] == [[1, 2]] * 3
    problems = _cache_warnings(caught)
    assert len(problems) == 1 and f"is a {kind}, not a regular file" in str(problems[0].message)
    if kind == "directory":  # it stays: every call asks the service
        assert len(server.requests) == 3
    else:  # replaced by a real entry on the first answer (the link, not its target)
        assert len(server.requests) == 1
        assert entry.is_file() and not entry.is_symlink()


_READ_ONLY_RUN = """
import json, sys, warnings
sys.path.insert(0, sys.argv[2])
from alerce_astro import AlerceClass
from alerce_astro.exceptions import CacheWarning, NoResultsWarning

urls, folder, oid, alert_oid = json.loads(sys.argv[1])
out = {}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for name in ("first", "second"):
        client = AlerceClass(urls=urls, cache_location=folder)
        out[name] = [len(client.query_magstats(oid)), len(client.query_probabilities(oid)),
                     len(client.query_object(oid)), client.get_stamps(alert_oid).candid,
                     client.get_stamps(alert_oid).candid]
    client.clear_cache()
out["warnings"] = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
print(json.dumps(out))
"""


def _run_without_override(args):
    """Run Python in a child that cannot ignore file permissions (not even as root)."""
    command = [sys.executable, "-c", _READ_ONLY_RUN, json.dumps(args), str(ROOT)]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a read-only folder cannot be made")
        drop = "-dac_override,-dac_read_search,-fowner"
        command = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_read_only_cache_folder_is_read_and_costs_only_the_writes(stamps, tmp_path):
    folder = tmp_path / "cache"
    writer = AlerceClass(urls=stamps.urls, cache_location=folder)
    assert len(writer.query_magstats(OID)) == 2  # this entry is there before
    entries = sorted(folder.iterdir())
    for path in [*entries, folder]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    stamps.reset_requests()
    try:
        count("cache failures")
        done = _run_without_override([stamps.urls, str(folder), OID, ALERT_OID])
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["first"] == out["second"] == [2, 38, 1, 1034531143815010003, 1034531143815010003]
    # One warning per client for writing, one for clear_cache; the entry written before was
    # read from the read-only folder by both clients.
    assert len(out["warnings"]) == 3, out["warnings"]
    assert sum("could not be cached" in w for w in out["warnings"]) == 2
    assert sum("could not all be deleted" in w for w in out["warnings"]) == 1
    assert not any(r["path"].endswith("/magstats") for r in stamps.requests)
    assert sorted(folder.iterdir()) == entries


def test_clear_cache_racing_writers_and_readers_never_breaks_a_query(stamps, tmp_path):
    expected = _expected(stamps, tmp_path)
    folder = tmp_path / "cache"
    client = AlerceClass(urls=stamps.urls, cache_location=folder)
    stop = threading.Event()
    results, errors = [], []

    def work():
        try:
            for _ in range(6):
                results.append(_queries(client))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def clear():
        while not stop.is_set():
            client.clear_cache()

    # A second process clears the same folder as fast as it can, until told to stop.
    other = subprocess.Popen(
        [sys.executable, "-c", "import sys, os\nsys.path.insert(0, sys.argv[1])\n"
         "from alerce_astro.cache import ResponseCache\ncache = ResponseCache(sys.argv[2])\n"
         "while not os.path.exists(sys.argv[3]):\n    cache.clear()\n",
         str(ROOT), str(folder), str(tmp_path / "stop")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", NoResultsWarning)
        threads = [threading.Thread(target=work) for _ in range(4)]
        threads += [threading.Thread(target=clear) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads[:4]:
            t.join()
        stop.set()
        for t in threads[4:]:
            t.join()
    (tmp_path / "stop").write_text("")
    assert other.wait(30) == 0
    count("threaded cached queries", 4 * 6 * 8)
    assert errors == []
    assert results == [expected] * 24
    assert _cache_warnings(caught) == []  # a write lost to a clear is no problem to report
    assert _temporaries(folder) == []


def test_a_cache_object_never_raises_whatever_clear_does(tmp_path):
    cache = ResponseCache(tmp_path / "c")
    bodies = {f"k{i}": bytes([i]) * 50_000 for i in range(6)}
    stop = threading.Event()
    errors, seen = [], []

    def writer(key):
        try:
            for _ in range(60):
                cache.put(key, bodies[key], url="https://x")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader():
        try:
            while not stop.is_set():
                for key, body in bodies.items():
                    got = cache.get(key, max_age=None)
                    if got is not None:
                        seen.append(got == body)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def clearer():
        while not stop.is_set():
            cache.clear()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        threads = [threading.Thread(target=writer, args=(k,)) for k in bodies]
        others = [threading.Thread(target=reader) for _ in range(3)]
        others += [threading.Thread(target=clearer) for _ in range(2)]
        for t in threads + others:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        for t in others:
            t.join()
    count("cache operations", 6 * 60)
    assert errors == []
    assert seen and all(seen)
    assert _cache_warnings(caught) == []
