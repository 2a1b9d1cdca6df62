"""The Postgres facts of the offline multisurvey service: casts, partitions, sorting, ids."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerce_astro.offline.multisurvey.ids import (
    catalog_oid_to_masterid,
    ztf_masterid,
    ztf_name,
)
from alerce_astro.offline.multisurvey.pgsort import pg_sort
from alerce_astro.offline.multisurvey.sql import (
    SQLError,
    cast_bigint,
    cast_smallint,
    partition_of,
    q3c_dist_deg,
    within,
)


@given(st.lists(st.integers(0, 5), max_size=120), st.booleans(),
       st.one_of(st.none(), st.integers(1, 30)))
@settings(max_examples=200, deadline=None)
def test_pg_sort_sorts(keys, descending, bound):
    order = pg_sort(range(len(keys)), keys, descending, bound)
    expected = sorted(keys, reverse=descending)
    if bound is not None and len(keys) > 2 * bound:
        expected = expected[:bound]  # the bounded heap keeps only what the LIMIT needs
    assert [keys[i] for i in order] == expected
    assert len(set(order)) == len(order)


def test_pg_sort_ties_follow_postgres():
    # taxonomy order of two classifiers' rows arriving classifier by classifier, by ranking:
    # Postgres' quicksort interleaves the ties as ALeRCE's /probability answers show
    rows = [("c1", 2), ("c1", 0), ("c1", 4), ("c1", 1), ("c1", 3),
            ("c3", 2), ("c3", 0), ("c3", 1), ("c3", 4), ("c3", 3)]
    order = pg_sort(range(10), [r[1] for r in rows])
    assert [rows[i] for i in order] == [
        ("c3", 0), ("c1", 0), ("c3", 1), ("c1", 1), ("c1", 2), ("c3", 2),
        ("c1", 3), ("c3", 3), ("c1", 4), ("c3", 4)]


def test_casts():
    assert cast_bigint(" -12\n") == -12
    for bad in ("abc", "1.0", "", "ZTF20aaelulu", "9223372036854775808", "0x10"):
        with pytest.raises(SQLError):
            cast_bigint(bad)
    assert cast_smallint("3") == 3
    with pytest.raises(SQLError):
        cast_smallint("40000")


def test_hash_partitions_of_the_recorded_objects():
    # the storage order of ALeRCE's probability table (16 partitions by hash of oid)
    oids = [313897383979122767, 170028485706776685, 313893023095193658, 314002971860926640,
            170028513894596704]
    assert [partition_of(o, 16) for o in oids] == [1, 4, 11, 12, 13]


def test_ztf_master_ids():
    assert ztf_masterid("ZTF20aaelulu") == 36028957657202554 == (1 << 55) + 20 * 26 ** 7 + (
        4 * 26 ** 4 + 11 * 26 ** 3 + 20 * 26 ** 2 + 11 * 26 + 20)
    assert ztf_name(36028957657202554) == "ZTF20aaelulu"
    assert catalog_oid_to_masterid("lsst", " 7 ") == 7
    with pytest.raises(ValueError, match="invalid literal for int"):
        catalog_oid_to_masterid("lsst", "abc")
    with pytest.raises(ValueError, match="Unsupported catalog: FOO"):
        catalog_oid_to_masterid("foo", "1")
    with pytest.raises(ValueError, match="Invalid ZTF object ID: ZTF20xx"):
        catalog_oid_to_masterid("ztf", "ZTF20xx", True)
    with pytest.raises(OverflowError):
        catalog_oid_to_masterid("LSST", "99999999999999999999")


def test_cone():
    assert q3c_dist_deg(0.0, 89.0, 180.0, 89.0) == pytest.approx(2.0)
    assert within(10.0, 0.0, 10.0, 0.0009, 0.001)
    assert not within(10.0, 0.0, 10.0, 0.002, 0.001)
    assert not within(10.0, 0.0, 10.0, 0.0, -1.0)
    assert not within(None, 0.0, 10.0, 0.0, 1.0)
