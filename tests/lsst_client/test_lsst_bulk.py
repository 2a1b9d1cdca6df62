"""LSST bulk light curves: batches of several oids, split by oid, nothing lost, failures
reported, 503 Retry-After honoured, modest concurrency."""

from urllib.parse import parse_qsl

import numpy as np
import pytest
from lsst_client_helpers import FORCED_COUNTS, requests_to

from alerce_astro.apis.multisurvey.quirks import BATCH_OIDS
from alerce_astro.bulk import BulkFailureWarning, BulkResult
from alerce_astro.client.multisurvey import DEFAULT_MAX_WORKERS
from alerce_astro.exceptions import InvalidQueryError, ObjectNotFoundError
from alerce_astro.offline import SampleServer

OIDS = list(FORCED_COUNTS)


def test_batches_of_several_oids_split_by_oid(server, client):
    asked = OIDS + [1234567]
    with pytest.warns(BulkFailureWarning, match="1 of 6 light curves failed"):
        result = client.get_lightcurves(asked, forced_photometry=True, batch_size=2,
                                        progress=False)
    assert isinstance(result, BulkResult)
    assert list(result) == OIDS and all(type(k) is int for k in result)
    assert list(result.failed) == [1234567]
    assert isinstance(result.failed[1234567], ObjectNotFoundError)
    assert {oid: len(lc.forced()) for oid, lc in result.items()} == FORCED_COUNTS
    assert all(lc.meta["oid"] == oid for oid, lc in result.items())
    sent = requests_to(server, "/lightcurve_api/lightcurve")
    assert len(sent) == 3 == result.meta["batches"]          # 6 ids, 2 per request
    oids_sent = sorted(int(v) for r in sent for k, v in parse_qsl(r["query"]) if k == "oid")
    assert oids_sent == sorted(asked)
    stacked = result.stack()
    assert stacked["oid"].dtype == np.int64 and set(stacked["oid"].tolist()) == set(OIDS)
    assert len(stacked) == sum(FORCED_COUNTS.values()) + 346 + 320 + 377 + 304 + 392


def test_a_failed_batch_reports_each_of_its_ids(server, client):
    server.inject(r"oid=170028513894596704", status=400, body={"detail": "bad batch"})
    with pytest.warns(BulkFailureWarning):
        result = client.get_lightcurves(OIDS, batch_size=2, progress=False)
    # the second batch (ids 3 and 4) failed; nothing else is lost
    assert list(result) == [OIDS[0], OIDS[1], OIDS[4]]
    assert list(result.failed) == [OIDS[2], OIDS[3]]
    assert all("bad batch" in str(error) for error in result.failed.values())
    assert set(result) | set(result.failed) == set(OIDS)


def test_a_lone_oid_in_a_batch_still_takes_the_several_oid_path(server, client):
    result = client.get_lightcurves([OIDS[2]], forced_photometry=True, progress=False)
    assert len(result[OIDS[2]].forced()) == 777                  # not 10
    (request,) = requests_to(server, "/lightcurve_api/lightcurve")
    assert [v for k, v in parse_qsl(request["query"]) if k == "oid"] == [str(OIDS[2])] * 2


def test_load_shedding_503_is_retried_after_its_delay(server, client):
    server.inject(r"/lightcurve_api/lightcurve", status=503, body="Service busy, please retry",
                  headers={"Retry-After": "1"}, times=2)
    result = client(max_retries=3).get_lightcurves(OIDS, batch_size=3, progress=False)
    assert result.complete and list(result) == OIDS
    statuses = [r["status"] for r in requests_to(server, "/lightcurve_api/lightcurve")]
    assert statuses.count(503) == 2 and statuses.count(200) == 2


def test_the_servers_own_load_shedding_is_ridden_out(recorded_lsst_dir, tmp_path):
    # at most one request in flight, or 503 "Service busy" with Retry-After: 1
    with SampleServer([recorded_lsst_dir], busy_limit=1) as busy:
        client = busy.client(survey="lsst", cache_location=tmp_path, max_retries=8)
        result = client.get_lightcurves(OIDS, batch_size=1, max_workers=3, progress=False)
        assert result.complete and list(result) == OIDS
        statuses = [r["status"] for r in requests_to(busy, "/lightcurve_api/lightcurve")]
        assert statuses.count(200) == 5 and set(statuses) <= {200, 503}


def test_query_many_batches_lsst_light_curves(server, client):
    result = client.query_many("get_lightcurve", OIDS, progress=False)
    assert list(result) == OIDS and result.meta["batches"] == 1
    assert len(requests_to(server, "/lightcurve_api/lightcurve")) == 1


def test_default_concurrency_is_modest_and_payloads_list_the_batches(client):
    result = client.get_lightcurves(OIDS[:2], progress=False)
    assert result.meta["max_workers"] == DEFAULT_MAX_WORKERS == 4
    assert result.meta["batch_size"] == BATCH_OIDS == 20
    assert client.get_lightcurves(OIDS, max_workers=2, progress=False).meta["max_workers"] == 2
    payloads = client.get_lightcurves(OIDS, batch_size=4, get_query_payload=True)
    assert [len([p for p in payload["params"] if p[0] == "oid"]) for payload in payloads] == [
        4, 2]                                        # the lone fifth oid is sent twice
    with pytest.raises(InvalidQueryError, match="unexpected keywords"):
        client.get_lightcurves(OIDS, colour="red")


def test_per_object_bulk_methods(client):
    stats = client.query_magstats_many(OIDS, progress=False)
    assert list(stats) == OIDS and stats.stack()["oid"].dtype == np.int64
    probs = client.query_many("query_probabilities", OIDS[:2], progress=False)
    assert all(len(t) == 10 for t in probs.values())
