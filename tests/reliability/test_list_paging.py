"""
Paging loses nothing silently and always ends (issue 16 point 1, issue 17 root cause 5).

- Ties: the sample server orders tied rows of a LIMIT/OFFSET page as PostgreSQL does, so that
  raw pages of ``order_by=deltajd`` (page_size 50, 272 objects) show 235 distinct rows, 37
  lost and 37 repeated. Before the fix the client returned those 235 rows with no warning;
  now a whole result is paged by oid and sorted locally, a cut one is read in one page, and
  a cursor that still ends short of the service's count (or, without a count, saw rows
  repeated) says how many rows are missing.
- Hostile servers: endless full pages of new rows, pages that repeat the same objects with a
  field changed, pages that repeat themselves, a count that lies. Before the fix the first
  ran for ever and the second gave 200 rows for 10 objects without a word.
"""

import tempfile
import warnings
from urllib.parse import urlencode

import pytest
import requests
from hostile_lists import HostileListServer, ztf_row
from reliability_helpers import count

from alerce_astro import AlerceClass
from alerce_astro.apis import ztf_v1
from alerce_astro.apis.paging import MAX_ROWS, LookAheadPager, PageNumberPager, sort_rows
from alerce_astro.exceptions import AlerceWarning, MaxResultsWarning
from alerce_astro.offline import SampleServer

N_OBJECTS = 272  # the objects of the tied_server fixture (tests/conftest.py)


@pytest.fixture
def tied_client(tied_server, tmp_path):
    return AlerceClass(urls=tied_server.urls, cache_location=tmp_path / "cache")


def _raw_pages(server, size=50, **params):
    """The raw pages of a query, as the service sends them."""
    url = server.urls["ztf_v1"] + "/objects/"
    pages, page = [], 1
    with requests.Session() as session:
        while True:
            query = urlencode({**params, "page": page, "page_size": size,
                               **({"count": "true"} if page == 1 else {})})
            body = session.get(f"{url}?{query}", timeout=30).json()
            pages.append(body)
            if len(body["items"]) < size:
                return pages
            page += 1


def _pg_order(values, descending):
    """The values in PostgreSQL's order: numbers, then NULL (ASC); the reverse (DESC)."""
    numbers = sorted(v for v in values if v is not None)
    nulls = [None] * sum(v is None for v in values)
    return (nulls + numbers[::-1]) if descending else (numbers + nulls)


# ------------------------------------------------------------------ 16.1: ties
@pytest.mark.parametrize("mode", ["ASC", "DESC"])
def test_the_exact_case_returns_every_counted_row_once(tied_client, tied_server, mode):
    # Raw pages lose rows here (37 ASC, 2 DESC), the client must not.
    raw = [i["oid"] for p in _raw_pages(tied_server, order_by="deltajd", order_mode=mode)
           for i in p["items"]]
    assert len(set(raw)) < N_OBJECTS
    table = tied_client.query_objects(order_by="deltajd", order_mode=mode, row_limit=-1,
                                      page_size=50)
    assert table.meta["total"] == N_OBJECTS
    assert len(table) == len(set(table["oid"])) == N_OBJECTS
    values = [None if m else float(v) for v, m in zip(table["deltajd"].data,
                                                       table["deltajd"].mask, strict=True)]
    assert values == _pg_order(values, mode == "DESC")  # ordered as asked, NULLs as PG
    assert "deltajd" in table.meta["order"]
    # ties by oid, so the order is the same every time
    tied = [str(o) for o, v in zip(table["oid"], values, strict=True) if v == 0.0]
    assert tied == sorted(tied)


@pytest.mark.parametrize(("order_by", "limit"), [("deltajd", 120), ("ndet", 60),
                                                 ("deltajd", 272), ("ndet", 1000)])
def test_a_cut_result_ordered_with_ties_has_no_repeats_and_the_best_values(
        tied_client, tied_server, order_by, limit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MaxResultsWarning)  # cut at row_limit, as asked
        table = tied_client.query_objects(order_by=order_by, row_limit=limit, page_size=50)
    n = min(limit, N_OBJECTS)
    assert len(table) == len(set(table["oid"])) == n
    assert table.meta["pages"] == 1  # one query orders its ties one way
    everything = tied_client.query_objects(order_by=order_by, row_limit=-1)

    def values(column):
        return [(bool(m), 0 if m else float(v))
                for v, m in zip(column.data, getattr(column, "mask", [False] * len(column)),
                                strict=True)]

    # the n best values (ties may be any of the tied rows), in order
    assert values(table[order_by]) == values(everything[order_by])[:n]


@pytest.mark.parametrize("order_by", ["ndet", "probability", "deltajd", "firstmjd",
                                      "lastmjd", "meanra", "class_name"])
def test_the_recorded_database_pages_whole_for_every_order(fixtures_dir, tmp_path, order_by):
    with SampleServer(data=fixtures_dir / "recorded") as server:
        client = AlerceClass(urls=server.urls, cache_location=tmp_path)
        for mode in ("ASC", "DESC"):
            table = client.query_objects(order_by=order_by, order_mode=mode, row_limit=-1,
                                         page_size=50)
            assert len(table) == len(set(table["oid"])) == table.meta["total"] == 249


def test_a_cursor_that_ends_short_of_the_count_says_how_many_rows_are_missing(tied_server):
    # The safety net under any client: the raw pages fed to the ZTF pager's cursor.
    pages = _raw_pages(tied_server, order_by="deltajd", order_mode="ASC")
    cursor = ztf_v1.PAGER.start(50)
    with pytest.warns(AlerceWarning, match=r"counted 272 rows but its pages gave 235 distinct "
                                           r"ones \(37 repeated\): 37 rows are missing"):
        for body in pages:
            cursor.read(body, url="u")
            if not cursor.advance():
                break
    assert (cursor.distinct, cursor.repeated) == (235, 37)


def test_lsst_pages_with_ties_are_not_lost_silently(fixtures_dir):
    # The multisurvey server orders (order_by, oid): an object's two classifier rows tie, and
    # a page boundary between them repeats one and loses the other. The look-ahead pager has
    # no count: the repeat is the sign, and the cursor says it.
    recorded = fixtures_dir / "lsst-recorded"
    if not recorded.is_dir():
        pytest.skip("no lsst-recorded fixtures")
    with SampleServer([recorded]) as server:
        url = server.urls["multisurvey"] + "/object_api/list_objects"
        cursor = LookAheadPager().start(3)
        with requests.Session() as session, \
                pytest.warns(AlerceWarning, match=r"^1 rows came again on later pages, so as "
                                                  r"many others were never shown \(9 distinct"):
            while True:
                query = urlencode([("survey", "lsst"), ("order_by", "deltamjd"),
                                   ("order_mode", "DESC")] + cursor.params())
                cursor.read(session.get(f"{url}?{query}", timeout=30).json(), url=url)
                if not cursor.advance():
                    break
        # by oid (the LSST order without ties across pages) every row comes once
        cursor = LookAheadPager().start(3)
        with requests.Session() as session:
            while True:
                query = urlencode([("survey", "lsst"), ("order_by", "oid")] + cursor.params())
                cursor.read(session.get(f"{url}?{query}", timeout=30).json(), url=url)
                if not cursor.advance():
                    break
        assert (cursor.distinct, cursor.repeated) == (10, 0)


def test_sort_rows_is_postgresql_order():
    rows = [{"x": v, "i": i} for i, v in enumerate([3, None, float("nan"), 1, 3, None, -2])]
    assert [r["i"] for r in sort_rows(rows, "x")] == [6, 3, 0, 4, 2, 1, 5]
    assert [r["i"] for r in sort_rows(rows, "x", descending=True)] == [1, 5, 2, 0, 4, 3, 6]
    assert [r["i"] for r in sort_rows(rows, "missing")] == list(range(7))


# ------------------------------------------------------------------ 17.5: hostile servers
def _endless(page, size):
    return [ztf_row(page * size + i) for i in range(size)], None


@pytest.fixture
def lowered_max_rows(monkeypatch):
    # The documented maximum (MAX_ROWS, a million rows) made small enough for a test.
    monkeypatch.setattr(ztf_v1.PAGER, "max_rows", 300)
    return 300


def _client(server):
    return AlerceClass(urls=server.urls, cache_location=tempfile.mkdtemp(), max_retries=0)


def test_endless_full_pages_of_new_rows_stop_at_the_documented_maximum(lowered_max_rows):
    count("faults injected")
    assert MAX_ROWS == 1_000_000
    with HostileListServer(_endless) as server:
        with pytest.warns(MaxResultsWarning, match=r"stopped after 300 rows, the most one "
                                                   r"paged query reads"):
            table = _client(server).query_objects(row_limit=-1, page_size=50)
        assert len(table) == len(set(table["oid"])) == 300
        assert server.pages_served == 6


def test_endless_pages_stop_at_the_services_count():
    count("faults injected")
    with HostileListServer(lambda page, size: (_endless(page, size)[0], 120)) as server:
        table = _client(server).query_objects(row_limit=-1, page_size=50)
        assert len(table) == 150  # three pages: the count was reached
        assert server.pages_served == 3


def test_a_count_at_the_cap_is_a_lower_bound_and_the_maximum_still_holds(lowered_max_rows):
    count("faults injected")
    with HostileListServer(lambda page, size: (_endless(page, size)[0], 50001)) as server:
        with pytest.warns(MaxResultsWarning, match="stopped after 300 rows"):
            _client(server).query_objects(row_limit=-1, page_size=100)
        assert server.pages_served == 3


def test_pages_repeating_the_same_objects_with_a_field_changed_end_with_a_warning():
    # The case: 10 objects, each page with one field changed; 200 rows before.
    count("faults injected")

    def changing(page, size):
        return [ztf_row(i, ndet=page) for i in range(10)], None

    with HostileListServer(changing) as server:
        with pytest.warns(AlerceWarning, match=r"page 2 of .* sent 10 row\(s\) already "
                                               r"received with other values \(oid="
                                               r"'ZTF20aaaaaaa'.*the list changed"):
            table = _client(server).query_objects(row_limit=-1, page_size=10)
        assert len(table) == 10
        assert list(table["ndet"]) == [1] * 10  # the first values, not a mix
        assert server.pages_served == 2


def test_pages_that_repeat_themselves_end_with_a_warning():
    count("faults injected")
    with HostileListServer(lambda page, size: ([ztf_row(i) for i in range(size)], None)) \
            as server:
        with pytest.warns(AlerceWarning, match=r"page 2 of .* repeated rows already received"):
            table = _client(server).query_objects(row_limit=-1, page_size=25)
        assert len(table) == 25 and server.pages_served == 2


def test_a_page_mixing_new_rows_and_changed_ones_stops_there():
    count("faults injected")

    def mixed(page, size):
        rows = [ztf_row(page * 100 + i) for i in range(size - 1)]
        return rows + [ztf_row(0, ndet=99 + page)], None

    with HostileListServer(mixed) as server:
        with pytest.warns(AlerceWarning, match="already received with other values"):
            table = _client(server).query_objects(row_limit=-1, page_size=20)
        assert server.pages_served == 2
        # page 1 whole, the new rows of page 2; the changed row keeps its first values
        assert len(table) == 39
        assert table["ndet"][list(table["oid"]).index("ZTF20aaaaaaa")] == 100


def test_a_row_limit_still_ends_endless_pages_without_a_paging_warning():
    with HostileListServer(_endless) as server:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.warns(MaxResultsWarning, match="cut at row_limit=120"):
                table = _client(server).query_objects(row_limit=120, page_size=50)
        assert len(table) == 120


def test_the_look_ahead_pager_ends_endless_has_next_at_its_maximum():
    count("faults injected")
    pager = LookAheadPager(max_page_size=1000, max_rows=200)

    def endless(page, size):
        return [{"oid": page * size + i, "classifier_name": "c"} for i in range(size)], True

    with HostileListServer(endless) as server:
        cursor = pager.start(40)
        url = server.base + "/object_api/list_objects"
        with requests.Session() as session, \
                pytest.warns(MaxResultsWarning, match="stopped after 200 rows"):
            while True:
                body = session.get(f"{url}?{urlencode(cursor.params())}", timeout=30).json()
                cursor.read(body, url=url)
                if not cursor.advance():
                    break
        assert server.pages_served == 5 and cursor.stopped


def test_the_page_number_pager_alone_ends_changed_and_repeated_pages():
    pager = PageNumberPager()
    cursor = pager.start(2)
    cursor.read({"total": None, "items": [{"oid": "a", "v": 1}, {"oid": "b", "v": 1}]}, url="u")
    assert cursor.advance()
    cursor.read({"total": None, "items": [{"oid": "c", "v": 1}, {"oid": "a", "v": 2}]}, url="u")
    with pytest.warns(AlerceWarning, match=r"1 row\(s\) already received with other values "
                                           r"\(oid='a'\)"):
        assert not cursor.advance()
    assert [i["oid"] for i in cursor.new_items] == ["c"]
