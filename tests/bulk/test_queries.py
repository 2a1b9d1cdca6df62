"""The bulk methods on the built-in simulated sample: light curves, stamps, long id lists."""

import random
import time
import warnings

import numpy as np
import pytest

from alerce_astro import AlerceClass, conf
from alerce_astro.bulk import run_many
from alerce_astro.exceptions import InvalidQueryError, NoResultsWarning
from alerce_astro.offline import SampleServer


@pytest.fixture
def client(sample_server, tmp_path):
    sample_server.reset_requests()
    return AlerceClass(urls=sample_server.urls, cache_location=tmp_path / "cache")


def quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


def test_get_lightcurves_match_get_lightcurve(client, sample_server, same_table):
    oids = sample_server.dataset.oids[:12]
    lcs = quiet(client.get_lightcurves, oids, max_workers=4)
    assert list(lcs) == oids
    assert lcs.meta["requests"] == 12 and lcs.meta["max_workers"] == 4
    for oid in oids[:3]:
        same_table(lcs[oid], quiet(client.get_lightcurve, oid))
        assert lcs[oid].meta["oid"] == oid
    stacked = lcs.stack()
    assert type(stacked).__name__ == "AlerceLightCurve"
    assert len(stacked) == sum(len(lc) for lc in lcs.values())
    n0 = len(lcs[oids[0]])
    assert list(stacked["oid"][:n0 + 1]) == [oids[0]] * n0 + [oids[1]]
    assert np.array_equal(stacked["time"][:n0].mjd, lcs[oids[0]]["time"].mjd)
    assert stacked["time"].format == "mjd" and stacked["time"].scale == "utc"
    assert stacked["mag"].unit == "mag"


def test_keywords_reach_each_call(client, sample_server):
    oids = sample_server.dataset.oids[:6]
    payloads = client.get_lightcurves(oids, forced_photometry=True, get_query_payload=True)
    assert len(payloads) == 6 and all(len(p) == 2 for p in payloads)
    assert payloads[0][1]["url"].endswith(f"/v2/lightcurve/forced-photometry/{oids[0]}")
    assert sample_server.requests == []
    lcs = quiet(client.get_lightcurves, oids, forced_photometry=True, non_detections=False)
    assert lcs.meta["requests"] == 12  # two routes per object
    kinds = set(np.concatenate([np.asarray(lc["kind"]) for lc in lcs.values()]))
    assert "upper_limit" not in kinds and "forced" in kinds
    with pytest.raises(TypeError, match="unexpected keyword"):
        client.get_lightcurves(oids, colour="red")


def test_stamps_of_many_objects(client, sample_server):
    oids = sorted({p.name.split("_")[0] for p in (sample_server.dataset.paths[0]
                                                    / "stamps").iterdir()})[:6]
    stamps = quiet(client.get_stamps_many, oids, cache=True)
    assert list(stamps) == oids and stamps.complete
    # the limit is on requests: an object's three images take three of the slots
    assert stamps.meta["max_workers"] == conf.max_workers
    assert stamps.meta["threads"] == 2 * conf.max_workers // 3
    for oid in oids:
        assert stamps[oid].science.meta["oid"] == oid
        assert stamps[oid].science.data.ndim == 2
    with pytest.raises(TypeError, match="only tables can be stacked"):
        stamps.stack()
    sample_server.reset_requests()
    again = quiet(client.get_stamps_many, oids, cache=True)
    assert again.complete and sample_server.requests == []  # all from the cache
    with pytest.raises(InvalidQueryError, match="no candid"):
        client.get_stamps_many(oids, candid=123)


def test_query_objects_with_thousands_of_ids(client, sample_server):
    known = list(sample_server.dataset.oids)
    unknown = [f"ZTF99{a}{b}{c}aaaa" for a in "abcdefghij" for b in "abcdefghij"
               for c in "abcdefghijklmnopqrst"][:2000 - len(known)]
    asked = known + unknown
    random.Random(3).shuffle(asked)
    with pytest.warns(NoResultsWarning, match=f"{len(unknown)} of 2000 objects not found"):
        table = client.query_objects(oid=asked)
    assert list(table["oid"]) == [o for o in asked if o in set(known)]
    assert table.meta["requests"] == 20
    paths = [r for r in sample_server.requests if r["path"] == "/ztf/v1/objects/"]
    assert len(paths) == 20
    assert all(len(r["query"]) < 4000 for r in paths)  # URLs stay short


def test_generic_query_many(client, sample_server):
    oids = sample_server.dataset.oids[:4]
    det = quiet(client.query_many, "query_detections", oids)
    assert list(det) == oids
    assert all(set(det[o]["oid"]) <= {o} for o in oids)
    with pytest.raises(InvalidQueryError, match="not a per-object query"):
        client.query_many("clear_cache", oids)


def test_every_bulk_method_name_is_a_method(client, sample_server):
    from alerce_astro.client.bulk import BULK_METHODS

    assert [name for name in BULK_METHODS if not callable(getattr(client, name, None))] == []
    # the forced photometry of many objects, by name
    oids = sample_server.dataset.oids[:2]
    forced = quiet(client.query_many, "query_forced_photometry", oids)
    assert list(forced) == oids and not forced.failed


LATENCY = 0.1


@pytest.fixture(scope="module")
def slow_server():
    """The sample with 100 ms per request: long enough for every request of a wave to be
    sent before the first answer, even on a busy machine."""
    with SampleServer(latency=LATENCY) as server:
        yield server


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_requests_in_flight_never_exceed_max_workers_and_reach_it(slow_server, tmp_path, limit):
    client = AlerceClass(urls=slow_server.urls, cache_location=tmp_path)
    n = 3 * limit + 3  # at least three waves
    oids = slow_server.dataset.oids[:n]
    # Connections opened beforehand: what is measured is the limit, not how fast a busy
    # machine accepts new connections.
    quiet(client.get_lightcurves, oids[:limit], max_workers=limit, cache=False)
    slow_server.reset_requests()
    lcs = quiet(client.get_lightcurves, oids, max_workers=limit, cache=False)
    assert lcs.complete and lcs.meta["requests"] == n
    # one call per slot: a call only fetches, the tables are made a chunk at a time
    assert lcs.meta["threads"] == limit and lcs.meta["max_workers"] == limit
    assert slow_server.peak_in_flight == limit
    # n requests of at least 100 ms, `limit` at a time
    assert lcs.meta["elapsed"] >= n * LATENCY / limit


def test_stamp_requests_share_the_slots(slow_server, tmp_path):
    client = AlerceClass(urls=slow_server.urls, cache_location=tmp_path)
    oids = sorted({p.name.split("_")[0] for p in (slow_server.dataset.paths[0]
                                                    / "stamps").iterdir()})[:8]
    slow_server.reset_requests()
    stamps = quiet(client.get_stamps_many, oids, max_workers=4, cache=False)
    assert stamps.complete and stamps.meta["threads"] == 2   # 2 x 4 slots / 3 images
    assert 3 <= slow_server.peak_in_flight <= 4
    # two objects at a time, three images each: without the shared slots 6 would be sent
    slow_server.reset_requests()
    stamps = quiet(client.get_stamps_many, oids, max_workers=3, cache=False)
    assert stamps.complete and stamps.meta["threads"] == 2 and slow_server.peak_in_flight == 3


def test_an_interrupted_run_sends_no_more_requests(tmp_path):
    """Ctrl-C: the calls still waiting for a request slot give up instead of sending."""
    with SampleServer(latency=0.3) as server:
        client = AlerceClass(urls=server.urls, cache_location=tmp_path)
        oids = server.dataset.oids[:30]

        def call(oid):
            if oid == oids[0]:
                time.sleep(0.05)  # while the first two requests wait for their answers
                raise KeyboardInterrupt
            return client.get_lightcurve(oid, cache=False)

        server.reset_requests()
        with pytest.raises(KeyboardInterrupt):
            run_many(call, oids, max_workers=8, max_requests=2, progress=False)
        time.sleep(0.8)  # what was in flight has been answered; nothing new may follow
        # 2 requests were in flight; without the closed slots the 5 waiting calls would follow
        assert len(server.requests) == 2


def test_stack_of_light_curves_with_different_columns_is_astropys_vstack(client, sample_server,
                                                                         same_table):
    """Every other light curve has the forced-photometry columns: the others get masked
    gaps there, in plain and unit-carrying (masked quantity) columns alike."""
    from astropy.table import vstack

    from alerce_astro.bulk.result import _with_oid, stack_tables

    oids = sample_server.dataset.oids[:6]
    lcs = {oid: quiet(client.get_lightcurve, oid, forced_photometry=i % 2 == 0)
           for i, oid in enumerate(oids)}
    assert set(lcs[oids[0]].colnames) > set(lcs[oids[1]].colnames)
    fast = stack_tables(lcs)
    same_table(fast, vstack([_with_oid(lc, oid) for oid, lc in lcs.items()],
                            metadata_conflicts="silent"))
    assert len(fast) == sum(len(lc) for lc in lcs.values())
    gap = np.asarray(fast["oid"]) == oids[1]
    extra = [n for n in lcs[oids[0]].colnames if n not in lcs[oids[1]].colnames]
    assert extra and all(np.asarray(fast[n].mask)[gap].all() for n in extra)
