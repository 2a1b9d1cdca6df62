"""The bulk methods on the built-in simulated sample: light curves, stamps, long id lists."""

import random
import warnings

import numpy as np
import pytest

from alerce_astro import AlerceClass, conf
from alerce_astro.exceptions import InvalidQueryError, NoResultsWarning
from alerce_astro.testing import SampleServer


@pytest.fixture(scope="module")
def sample_server():
    with SampleServer() as server:
        yield server


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
    assert stamps.meta["max_workers"] == conf.max_workers // 3  # three images per object
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
