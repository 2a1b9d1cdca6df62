"""
The order of tied rows between LIMIT/OFFSET pages, as PostgreSQL gives it (issue 16, point 1).

PostgreSQL orders a page by the ``order_by`` column only: rows with equal values (and NULLs)
come out in whatever order the plan leaves them, and the plan depends on the page. Paging such
a query on the real service repeats some rows and never shows others. The sample server runs
PostgreSQL's own algorithms (index scan, top-N heapsort, quicksort) over the table's physical
order, so the same happens here, deterministically.
"""

import csv
import json
import random
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from alerce_astro.offline import SampleServer
from alerce_astro.offline.dataset import Dataset
from alerce_astro.offline.postgres import page_order, prefers_index_scan, sort_key

RECORDED = Path(__file__).resolve().parents[2].parent / "shared" / "alerce-fixtures" / "recorded"
N_OBJECTS = 272  # the objects of the tied_server fixture (tests/conftest.py)


# ------------------------------------------------------------------ the algorithms
def test_top_n_heapsort_of_ties():
    # 249 rows that all tie, first page of 10: the bounded heap keeps the first 10 rows in
    # physical order and hands them back rotated, as the recorded probability DESC page shows
    keys = [sort_key(None)] * 249
    assert page_order(keys, descending=True, limit=10) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]


def test_index_scan_keeps_physical_order_of_ties_and_reverses_it_backwards():
    keys = [sort_key(v) for v in (2, 1, None, 1, 2, None)]
    assert page_order(keys, limit=6, index_scan=True) == [1, 3, 0, 4, 2, 5]
    assert page_order(keys, descending=True, limit=6, index_scan=True) == [5, 2, 4, 0, 3, 1]


def test_nulls_last_ascending_first_descending_and_nan_above_numbers():
    keys = [sort_key(v) for v in (None, 3.0, float("nan"), -1.0)]
    assert page_order(keys) == [3, 1, 2, 0]
    assert page_order(keys, descending=True) == [0, 2, 1, 3]


def test_without_ties_every_plan_gives_the_sorted_order():
    values = random.Random(1).sample(range(1000), 300)
    keys = [sort_key(v) for v in values]
    expected = sorted(range(300), key=values.__getitem__)
    for limit, offset in ((10, 0), (50, 100), (None, 0)):
        end = None if limit is None else offset + limit
        assert page_order(keys, offset=offset, limit=limit) == expected[offset:end]
    assert page_order(keys, limit=0) == []


def test_heapsort_and_quicksort_pick_different_tied_rows():
    # 20 of 60 rows tie on the smallest key: the first page of 10 is a top-N heapsort
    # (60 > 2 * 10) and keeps the first 10 of them in physical order; the same page cut from
    # the whole result (a quicksort) holds others
    keys = [sort_key(v % 3) for v in range(60)]
    heap = page_order(keys, limit=10)
    quick = page_order(keys)[:10]
    assert sorted(heap) == [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]
    assert all(v % 3 == 0 for v in quick) and sorted(quick) != sorted(heap)


def test_index_scan_only_for_pages_in_the_first_half():
    assert prefers_index_scan(249, 10) and prefers_index_scan(249, 50)
    assert not prefers_index_scan(249, 250)


# ------------------------------------------------------------------ the recorded database
@pytest.fixture(scope="module")
def recorded_order_server():
    provenance = RECORDED / "provenance.tsv"
    if not provenance.is_file():
        pytest.skip(f"recorded fixtures not found at {RECORDED}")
    with provenance.open() as f:
        insertion = [row["oid"] for row in csv.DictReader(f, delimiter="\t")]
    with SampleServer(Dataset(RECORDED, table_order=insertion)) as server:
        yield server


def _recorded_list_pages():
    index = RECORDED / "exchanges" / "index.tsv"
    if not index.is_file():
        return []
    with index.open() as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for row in rows:
        exchange = json.loads((RECORDED / "exchanges" / row["file"]).read_text())
        if exchange["status"] == 200 and exchange["request"]["path"] == "/objects/":
            out.append(exchange)
    return out


def test_recorded_pages_in_their_exact_order(recorded_order_server):
    # Given the recorded database's physical order (its insertion order, provenance.tsv),
    # every recorded /objects/ page comes back identical, row order included: ties broken by
    # index scans, top-N heapsorts and quicksorts, and hash join order without order_by.
    pages = _recorded_list_pages()
    assert len(pages) == 88
    url = recorded_order_server.urls["ztf_v1"] + "/objects/?"
    with requests.Session() as session:
        for exchange in pages:
            body = session.get(url + exchange["request"]["query"], timeout=30).json()
            assert body == json.loads(exchange["body_text"]), exchange["request"]["query"]


# ------------------------------------------------------------------ paging loses rows
def _all_pages(server, **params):
    """Every page of a query, fetched as a client that trusts the pages would: the oids."""
    url = server.urls["ztf_v1"] + "/objects/"
    oids, page, total = [], 1, None
    with requests.Session() as session:
        while True:
            query = urlencode({**params, "page": page, "count": "true"})
            body = session.get(f"{url}?{query}", timeout=30).json()
            total = body["total"]
            oids.extend(item["oid"] for item in body["items"])
            if not body["has_next"]:
                return oids, total
            page += 1


@pytest.mark.parametrize("order_mode, lost, repeated", [("ASC", 37, 37), ("DESC", 2, 2)])
def test_paging_deltajd_loses_and_repeats_rows(tied_server, order_mode, lost, repeated):
    oids, total = _all_pages(tied_server, order_by="deltajd", order_mode=order_mode,
                             page_size=50)
    assert total == N_OBJECTS and len(oids) == N_OBJECTS  # six full pages, as the total says
    distinct = set(oids)
    assert N_OBJECTS - len(distinct) == lost  # never shown
    assert sum(n - 1 for n in Counter(oids).values()) == repeated  # shown twice
    # the same page again is the same page: deterministic
    again, _ = _all_pages(tied_server, order_by="deltajd", order_mode=order_mode,
                          page_size=50)
    assert again == oids


def test_paging_on_a_unique_order_loses_nothing(tied_server):
    oids, total = _all_pages(tied_server, order_by="oid", page_size=50)
    assert len(oids) == len(set(oids)) == total == N_OBJECTS


def test_one_page_holding_everything_loses_nothing(tied_server):
    oids, total = _all_pages(tied_server, order_by="deltajd", page_size=1000)
    assert len(set(oids)) == total == N_OBJECTS
