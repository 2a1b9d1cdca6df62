"""The multisurvey API's error dialect and pager, on its recorded answers."""

import pytest
from ms_helpers import body_bytes

from alerce_astro.apis.multisurvey import DIALECT, PAGER
from alerce_astro.apis.paging import LookAheadPager


@pytest.mark.parametrize("name, said", [
    ("list_objects/n_det_min_gt_max.json",
     "detections_container: Min value can't be greater than max."),
    ("list_objects/order_mode_bad.json", "search_filters: Order can be only DESC or ASC."),
    ("list_objects/n_det_bad.json",
     "n_det[0]: Input should be a valid integer, unable to parse string as an integer"),
    ("lightcurve/detections_non_numeric_multi.json",
     "invalid literal for int() with base 10: 'abc'"),
    ("probability/unknown_oid.json", "Probability not found for the given OID"),
    ("magstats/lsst_unknown.json", "Internal Server Error"),
    ("object/ssobject_21163624394469969.json", "An error occurred"),
])
def test_dialect_words(exchanges, name, said):
    assert DIALECT.message(body_bytes(exchanges.load(name))) == said


def test_every_recorded_error_is_one_line(exchanges):
    count = 0
    for name, exchange in exchanges.all():
        if exchange["status"] < 400 or name.startswith("front/"):
            continue
        text = DIALECT.message(body_bytes(exchange))
        assert text and "\n" not in text and len(text) <= 303, name
        count += 1
    assert count == 79  # every recorded 4xx/5xx answer outside front/
    assert 422 in DIALECT.rejected_statuses


def test_pager_walks_the_recorded_pages(exchanges):
    assert isinstance(PAGER, LookAheadPager)
    cursor = PAGER.start(3)
    oids = []
    for page in (1, 2, 3):
        assert dict(cursor.params()) == {"page": page, "page_size": 3}
        envelope = exchanges.body(f"list_objects/page_size3_page{page}.json")
        items = cursor.read(envelope, url="u")
        oids += [item["oid"] for item in items]
        more = cursor.advance(received=len(oids))
        # total is not a count: it says 4 on page 1 while 10 rows match.
        assert cursor.total is None
    # 10 rows match (5 objects x 2 classifiers): page 3 says a 4th page follows.
    assert more and cursor.page == 4
    everything = [i["oid"] for i in exchanges.body("list_objects/default_lsst.json")["items"]]
    assert oids == everything[:9]
    cursor.read(exchanges.body("list_objects/page_beyond_last.json"), url="u")
    assert not cursor.advance(received=9)
