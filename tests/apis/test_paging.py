"""Pagers: the parameters of each page and when a paged query stops."""

import pytest

from alerce_astro.apis.paging import LookAheadPager, PageNumberPager
from alerce_astro.exceptions import ResponseFormatError


def _run(pager, pages, size):
    """Drive a pager over canned envelopes as the client's loop does; return what was asked
    and the cursor."""
    cursor = pager.start(size)
    asked, rows = [], []
    while True:
        asked.append(cursor.params())
        items = cursor.read(pages[cursor.page - 1], url="http://h/objects/")
        rows.extend(i for i in items if i not in rows)
        if not cursor.advance(received=len(rows)):
            return asked, rows, cursor


def _ztf_pages(count, size, total_field):
    """ZTF v1 pages of ``count`` rows: the total only on the first page (count=true)."""
    pages = []
    for start in range(0, max(count, 1), size):
        pages.append({"total": total_field if not pages else None, "page": None,
                      "items": list(range(start, min(start + size, count)))})
    return pages


def test_page_number_stops_at_the_short_page():
    asked, rows, cursor = _run(PageNumberPager(total_cap=50001), _ztf_pages(7, 3, 7), 3)
    assert rows == list(range(7))
    assert asked == [[("page", 1), ("page_size", 3), ("count", "true")],
                     [("page", 2), ("page_size", 3)], [("page", 3), ("page_size", 3)]]
    assert (cursor.page, cursor.total, cursor.total_is_lower_bound) == (3, 7, False)


def test_page_number_stops_when_the_count_is_reached():
    # 6 rows in pages of 3: the total saves asking for an empty third page.
    asked, rows, cursor = _run(PageNumberPager(), _ztf_pages(6, 3, 6), 3)
    assert len(asked) == 2 and rows == list(range(6))


def test_page_number_total_at_the_cap_is_a_lower_bound():
    # The service counts at most 50001: a total equal to the cap must not stop the paging.
    pager = PageNumberPager(total_cap=4)
    asked, rows, cursor = _run(pager, _ztf_pages(8, 2, 4) + [{"items": []}], 2)
    assert rows == list(range(8)) and len(asked) == 5
    assert cursor.total == 4 and cursor.total_is_lower_bound
    assert "total=4+" in repr(cursor)


def test_page_number_without_count():
    pager = PageNumberPager(count_param=None)
    asked, rows, cursor = _run(pager, _ztf_pages(5, 5, None) + [{"items": []}], 5)
    assert asked[0] == [("page", 1), ("page_size", 5)] and len(asked) == 2
    assert cursor.total is None and rows == list(range(5))


def test_look_ahead_follows_has_next_and_reports_no_total():
    pages = [{"total": 3, "has_next": True, "items": [1, 2]},
             {"total": 3, "has_next": True, "items": [3, 4]},
             {"total": 2, "has_next": False, "items": [5]}]
    asked, rows, cursor = _run(LookAheadPager(), pages, 2)
    assert rows == [1, 2, 3, 4, 5]
    assert asked == [[("page", p), ("page_size", 2)] for p in (1, 2, 3)]
    assert cursor.total is None and cursor.has_next is False


def test_look_ahead_full_last_page():
    # has_next is reliable: a full page with has_next false is the last one.
    pages = [{"total": 2, "has_next": False, "items": [1, 2]}]
    asked, rows, _ = _run(LookAheadPager(), pages, 2)
    assert len(asked) == 1 and rows == [1, 2]


@pytest.mark.parametrize("pager, envelope, message", [
    (PageNumberPager(), {"total": 1}, "no 'items' list"),
    (PageNumberPager(), ["not", "an", "envelope"], "no 'items' list"),
    (LookAheadPager(), {"items": [1]}, "no boolean 'has_next'"),
    (LookAheadPager(), {"items": [1], "has_next": "yes"}, "no boolean 'has_next'"),
])
def test_bad_envelopes(pager, envelope, message):
    with pytest.raises(ResponseFormatError, match=message):
        pager.start(5).read(envelope, url="http://h/x")


def test_odd_totals_are_ignored():
    for total in (True, -1, "12", 1.5):
        cursor = PageNumberPager().start(2)
        cursor.read({"total": total, "items": [1, 2]}, url="u")
        assert cursor.total is None


def test_advance_needs_a_page():
    with pytest.raises(RuntimeError):
        LookAheadPager().start(2).advance(received=0)
