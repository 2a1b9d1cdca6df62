"""
One client shared by many threads gives exactly the answers of sequential use, with or without
the cache, on a healthy server and on one that fails now and then.
"""

import random
import threading
import warnings

import pytest
from astropy import units as u
from reliability_helpers import OID, count

from alerce_astro import AlerceClass, conf
from alerce_astro.exceptions import NoResultsWarning

OIDS = [OID, "ZTF18abbuive", "ZTF18acpfwmm", "ZTF18aawaivb", "ZTF18aagzzba", "ZTF18aazeood",
        "ZTF17aaageae", "ZTF20aaypcrt"]


def _text(table):
    """A table as comparable text: every row and column, no metadata (it holds the time)."""
    return "\n".join(table.pformat(max_lines=-1, max_width=-1))


def _calls():
    """(name, function of a client) for every core query kind over the test objects."""
    calls = []
    for oid in OIDS:
        calls += [
            (f"object {oid}", lambda c, o=oid: c.query_object(o)),
            (f"magstats {oid}", lambda c, o=oid: c.query_magstats(o)),
            (f"features {oid}", lambda c, o=oid: c.query_features(o, fid=2)),
        ]
    calls += [
        ("probabilities", lambda c: c.query_probabilities(OID, classifier="lc_classifier")),
        ("object list", lambda c: c.query_objects(oid=OIDS)),
        ("all objects", lambda c: c.query_objects(row_limit=-1, page_size=40)),
        ("ranged", lambda c: c.query_objects(ndet=(5, None), order_by="ndet",
                                             order_mode="DESC", row_limit=-1)),
        ("cone", lambda c: c.query_region("185.7289 15.8236", radius=1 * u.deg)),
        ("classifiers", lambda c: c.list_classifiers()),
    ]
    return calls


def _run_threads(client, calls, n_threads, rounds, seed):
    results, errors = [], []

    def work(i):
        order = list(range(len(calls))) * rounds
        random.Random(seed + i).shuffle(order)
        try:
            for k in order:
                results.append((k, _text(calls[k][1](client))))
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    # Warning filters are one global state, not per thread: set them once, outside the
    # threads (objects without magstats or features warn NoResultsWarning).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoResultsWarning)
        threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return results, errors


@pytest.fixture(scope="module")
def expected(fixtures_dir, tmp_path_factory):
    """The answers of sequential use on a healthy server."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=fixtures_dir / "recorded") as healthy:
        client = AlerceClass(urls=healthy.urls, cache_location=tmp_path_factory.mktemp("seq"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NoResultsWarning)
            return [_text(fn(client)) for _, fn in _calls()]


@pytest.mark.parametrize("cache", ["cache", "no-cache"])
def test_many_threads_one_client_same_answers(server, tmp_path, expected, cache):
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_workers=16)
    calls = _calls()
    with conf.set_temp("cache_timeout", 3600 if cache == "cache" else 0):
        results, errors = _run_threads(client, calls, n_threads=12, rounds=1, seed=1)
    count("threaded queries", len(results))
    assert errors == []
    assert len(results) == 12 * len(calls)
    wrong = [calls[k][0] for k, text in results if text != expected[k]]
    assert wrong == []


def test_many_threads_on_a_faulty_server_same_answers(make_server, tmp_path, expected):
    server = make_server(failure_rate=0.15, failure_status=(500, 502, 503, 429), drop_rate=0.05,
                         truncate_rate=0.05, retry_after=0, seed=7)
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_retries=12)
    calls = _calls()
    with conf.set_temp("cache_timeout", 0):
        results, errors = _run_threads(client, calls, n_threads=8, rounds=1, seed=2)
    count("threaded queries", len(results))
    count("faults injected", sum(1 for r in server.requests if r["status"] != 200))
    assert errors == []
    assert [calls[k][0] for k, text in results if text != expected[k]] == []


@pytest.mark.slow
def test_many_threads_stress(make_server, tmp_path, expected):
    server = make_server(failure_rate=0.1, failure_status=(500, 502, 503, 504, 429),
                         drop_rate=0.05, truncate_rate=0.05, retry_after=0, seed=11)
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_retries=15)
    calls = _calls()
    results, errors = _run_threads(client, calls, n_threads=48, rounds=3, seed=3)
    count("threaded queries", len(results))
    count("faults injected", sum(1 for r in server.requests if r["status"] != 200))
    assert errors == []
    assert len(results) == 48 * 3 * len(calls)
    assert [calls[k][0] for k, text in results if text != expected[k]] == []


def test_threads_leave_the_warning_filters_as_they_were(server, tmp_path):
    client = AlerceClass(urls=server.urls, cache_location=tmp_path)

    def work():
        for _ in range(20):
            client.query_objects(oid=[OID, "ZTF18abbuive"])
            client.query_region("185.7289 15.8236", radius=1 * u.deg)
            client.query_features(OID, names=["Amplitude", "Mean"])

    with warnings.catch_warnings():
        before = list(warnings.filters)
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = list(warnings.filters)
    count("threaded queries", 8 * 20 * 3)
    assert after == before
