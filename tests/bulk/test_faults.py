"""
Bulk queries through the offline server under fault injection: 20% of requests failing with
502/503/429 or a dropped connection, and objects that fail for good.
"""

import time
import warnings

import pytest

from alerce_astro import AlerceClass
from alerce_astro.bulk import BulkFailureWarning
from alerce_astro.exceptions import (
    InvalidQueryError,
    NoResultsWarning,
    ObjectNotFoundError,
    ServiceUnavailableError,
)
from alerce_astro.offline import SampleServer

#: 15% answered 502/503/429 and 5% dropped: one request in five fails.
FAULTS = {"failure_rate": 0.15, "failure_status": (502, 503, 429), "drop_rate": 0.05,
          "retry_after": 0, "seed": 1}


def quiet(call, *args, **kwargs):
    """Run a bulk call and return (result, list of the warnings it gave)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(*args, **kwargs)
    return result, caught


@pytest.fixture(scope="module")
def faulty_server(fixtures_dir):
    with SampleServer(data=fixtures_dir / "recorded", **FAULTS) as server:
        yield server


@pytest.fixture
def faulty_client(faulty_server, tmp_path):
    faulty_server.reset_requests()
    faulty_server.faults.reset()
    return AlerceClass(urls=faulty_server.urls, cache_location=tmp_path / "cache")


@pytest.mark.parametrize("method, kwargs, key", [
    ("query_magstats_many", {}, "n_magstats"),
    ("query_probabilities_many", {}, "n_probabilities"),
    ("query_features_many", {"fid": 1}, None),
])
def test_every_object_arrives_identical_to_a_clean_run(method, kwargs, key, recorded_client,
                                                       faulty_client, faulty_server,
                                                       recorded_oids, recorded_counts,
                                                       same_table):
    oids = recorded_oids[:200]
    clean, _ = quiet(getattr(recorded_client, method), oids, cache=False, **kwargs)
    faulty, caught = quiet(getattr(faulty_client, method), oids, cache=False, **kwargs)
    assert not [w for w in caught if w.category is BulkFailureWarning]
    assert list(faulty) == list(clean) == oids
    assert faulty.failed == {}
    for oid in oids:
        same_table(faulty[oid], clean[oid])
        if key:
            assert len(faulty[oid]) == int(recorded_counts[oid][key])
    # The faults really happened: about one request in five was answered with a failure or
    # dropped, and each was retried by the transport (no retries on top of that).
    log = faulty_server.requests
    failures = [e for e in log if e["status"] in (502, 503, 429) or e["status"] is None]
    assert {e["status"] for e in failures} == {502, 503, 429, None}
    assert 0.12 < len(failures) / len(log) < 0.28
    assert len(log) == len(oids) + len(failures)
    assert faulty.meta["requests"] == len(log)


def test_permanent_failures_are_exactly_the_failed_ones(faulty_client, faulty_server,
                                                        recorded_oids):
    oids = recorded_oids[:200]
    broken = [oids[5], oids[77], oids[150]]
    unknown = ["ZTF99zzzzzzz", "ZTF99zzzzzzy"]
    asked = oids[:100] + unknown[:1] + oids[100:] + unknown[1:]
    for oid in broken:  # this object's magstats always fail: the retries run out
        faulty_server.inject(rf"/objects/{oid}/magstats$", status=503, body="down",
                             headers={"Retry-After": "0"})
    try:
        result, caught = quiet(faulty_client.query_magstats_many, asked)
    finally:
        faulty_server.clear_injections()
    assert set(result.failed) == set(broken + unknown)
    assert list(result.failed) == [o for o in asked if o in broken + unknown]  # order asked
    assert list(result) == [o for o in asked if o not in broken + unknown]
    for oid in broken:
        assert isinstance(result.failed[oid], ServiceUnavailableError)
        assert "failed after 5 tries" in str(result.failed[oid])
    assert sorted(result.not_found) == sorted(unknown)
    assert all(isinstance(result.failed[o], ObjectNotFoundError) for o in unknown)
    warned = [w for w in caught if w.category is BulkFailureWarning]
    assert len(warned) == 1
    assert str(warned[0].message).startswith(
        "5 of 202 magstats tables could not be fetched (service unavailable: 3, not found: 2)")
    # each broken object was tried 1 + max_retries times by the transport, then once more
    # (1 + max_retries again) in the engine's last round; unknown objects only once
    log = [e["path"] for e in faulty_server.requests]
    for oid in broken:
        assert log.count(f"/ztf/v1/objects/{oid}/magstats") == 2 * 5
    for oid in unknown:
        assert log.count(f"/ztf/v1/objects/{oid}/magstats") == 1
    assert result.meta["rounds"] == 2


def test_a_rerun_with_the_cache_fetches_only_what_is_missing(faulty_client, faulty_server,
                                                             recorded_oids, same_table):
    oids = recorded_oids[:60]
    broken = oids[10:13]
    for oid in broken:
        faulty_server.inject(rf"/objects/{oid}/probabilities$", status=502, body="bad gateway")
    try:
        first, _ = quiet(faulty_client.query_probabilities_many, oids, cache=True)
    finally:
        faulty_server.clear_injections()
    assert list(first.failed) == broken
    faulty_server.reset_requests()
    second, caught = quiet(faulty_client.query_probabilities_many, oids, cache=True)
    assert second.complete and list(second) == oids
    asked = {e["path"].split("/")[-2] for e in faulty_server.requests}
    assert asked == set(broken)  # the 57 others came from the cache
    assert not [w for w in caught if w.category is BulkFailureWarning]
    for oid in oids[:10]:
        same_table(second[oid], first[oid])


def test_retry_after_of_a_429_is_honoured(recorded_server, recorded_oids):
    from alerce_astro import conf

    client = AlerceClass(urls=recorded_server.urls)
    oid = recorded_oids[200]
    recorded_server.inject(rf"/objects/{oid}/magstats$", status=429, body={"message": "slow"},
                           headers={"Retry-After": "1"}, times=1)
    start = time.perf_counter()
    with conf.set_temp("max_retry_delay", 5.0):
        result, _ = quiet(client.query_magstats_many, recorded_oids[195:205], max_workers=4)
    assert result.complete
    assert time.perf_counter() - start >= 1.0


def test_unknown_oid_is_reported_not_raised(recorded_client, recorded_oids):
    result, caught = quiet(recorded_client.query_probabilities_many,
                           ["ZTF99zzzzzzz"] + recorded_oids[:5])
    assert list(result) == recorded_oids[:5]
    assert result.not_found == ["ZTF99zzzzzzz"]
    assert "HTTP 404" in str(result.failed["ZTF99zzzzzzz"])


def test_bad_input_is_refused_before_any_request(recorded_client, recorded_server):
    recorded_server.reset_requests()
    with pytest.raises(InvalidQueryError, match="not a ZTF object id"):
        recorded_client.query_magstats_many(["ZTF20aaelulu", "ZTF20AAELULU"])
    with pytest.raises(InvalidQueryError, match="max_workers=0 is out of range"):
        recorded_client.query_magstats_many(["ZTF20aaelulu"], max_workers=0)
    with pytest.raises(InvalidQueryError, match="max_workers=33 is out of range"):
        recorded_client.query_magstats_many(["ZTF20aaelulu"], max_workers=33)
    with pytest.raises(InvalidQueryError, match="fid"):
        recorded_client.query_features_many(["ZTF20aaelulu"], fid=7)
    with pytest.raises(InvalidQueryError, match="empty"):
        recorded_client.query_magstats_many([])
    with pytest.raises(InvalidQueryError, match="not a per-object query"):
        recorded_client.query_many("query_region", ["ZTF20aaelulu"])
    assert recorded_server.requests == []


def test_payloads_and_generic_form(recorded_client, recorded_server):
    payloads = recorded_client.query_probabilities_many(
        ["ZTF20aaelulu", "ZTF18abbuive", "ZTF20aaelulu"], classifier="lc_classifier",
        get_query_payload=True)
    assert [p["url"].rsplit("/", 2)[-2] for p in payloads] == ["ZTF20aaelulu", "ZTF18abbuive"]
    assert payloads[0]["params"] == [("classifier", "lc_classifier")]
    result, _ = quiet(recorded_client.query_many, "query_probabilities",
                      ["ZTF20aaelulu", "ZTF18acpfwmm"], classifier="lc_classifier")
    assert len(result["ZTF20aaelulu"]) == 15  # lc_classifier's 15 classes
    assert set(result["ZTF20aaelulu"]["classifier_name"]) == {"lc_classifier"}


def test_stack_gives_one_table_with_an_oid_column(recorded_client, recorded_counts):
    oids = ["ZTF20aaelulu", "ZTF18abbuive", "ZTF18acpfwmm"]
    result, caught = quiet(recorded_client.query_magstats_many, oids)
    table = result.stack()
    expected = [int(recorded_counts[o]["n_magstats"]) for o in oids]
    assert len(table) == sum(expected)
    assert list(table["oid"]) == [o for o, n in zip(oids, expected, strict=True) for _ in range(n)]
    assert table["magmean"].unit == "mag"
    assert table.meta["objects"] == 3 and table.meta["failed"] == []
    assert "url" not in table.meta


def test_200_light_curves_arrive_under_faults_identical_to_a_clean_run(
        recorded_client, faulty_client, faulty_server, recorded_oids, recorded_counts,
        same_table):
    oids = recorded_oids[-200:]
    clean, _ = quiet(recorded_client.get_lightcurves, oids, cache=False)
    faulty, caught = quiet(faulty_client.get_lightcurves, oids, cache=False)
    assert faulty.complete and list(faulty) == oids
    assert not [w for w in caught if w.category is BulkFailureWarning]
    for oid in oids:
        same_table(faulty[oid], clean[oid])
        counts = recorded_counts[oid]
        kinds = list(faulty[oid]["kind"])
        assert kinds.count("detection") == int(counts["n_detections"])
        assert kinds.count("upper_limit") == int(counts["n_non_detections"])
    log = faulty_server.requests
    assert sum(e["status"] != 200 for e in log) > 30  # ~20% of ~250 requests
    # stacked: every point once, with its object id
    stacked = faulty.stack()
    assert len(stacked) == sum(len(faulty[o]) for o in oids)
    same_table(stacked, clean.stack())
    first = faulty[oids[0]]
    assert list(stacked["oid"][:len(first)]) == [oids[0]] * len(first)
    assert stacked.colnames[:2] == ["time", "oid"]
    assert stacked["mag"].unit == "mag"
    # objects without photometry: one warning for all of them, each one named in .warnings
    empty = [o for o in oids if not len(faulty[o])]
    assert sorted(faulty.warnings) == sorted(empty)
    summary = [w for w in caught if w.category is NoResultsWarning]
    assert len(summary) == 1
    assert str(summary[0].message).startswith(f"{len(empty)} of 200 objects ({empty[0]}, ")


def test_light_curves_with_permanent_failures(faulty_client, faulty_server, recorded_oids):
    oids = recorded_oids[-60:]
    broken = oids[::12]  # 5 objects
    for oid in broken:
        faulty_server.inject(rf"/objects/{oid}/lightcurve$", drop=True)
    try:
        result, caught = quiet(faulty_client.get_lightcurves, oids + ["ZTF99zzzzzzz"])
    finally:
        faulty_server.clear_injections()
    assert list(result.failed) == broken + ["ZTF99zzzzzzz"]
    assert len(result) == 55
    assert all("connection was dropped" in str(result.failed[o]) for o in broken)
    assert result.not_found == ["ZTF99zzzzzzz"]
    assert result.stack().meta["failed"] == broken + ["ZTF99zzzzzzz"]
