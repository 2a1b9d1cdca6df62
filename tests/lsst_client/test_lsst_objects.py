"""LSST objects, lists, cone searches, statistics, probabilities and classifiers against the
real recorded data (and the built-in LSST sample)."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.time import Time
from lsst_client_helpers import FORCED_COUNTS, SS_OBJECTS, requests_to

from alerce_astro.apis.multisurvey.columns import MAGSTATS_BAND_KEYS
from alerce_astro.crossmatch import CrossmatchResult
from alerce_astro.exceptions import (
    InvalidQueryError,
    MaxResultsWarning,
    NoResultsWarning,
    ObjectNotFoundError,
    ServiceUnavailableError,
)

AGN = 313897383979122767
BETA = "stamp_classifier_rubin_beta"


def test_query_object_is_the_recorded_object(client, bundles):
    table = client.query_object(AGN)
    wire = bundles[AGN]["object"]["body"]
    assert len(table) == 1 and table["oid"].dtype == np.int64 and table["oid"][0] == AGN
    assert table["meanra"][0] == wire["meanra"] and table["meanra"].unit == u.deg
    assert (table["n_det"][0], table["n_forced"][0]) == (320, 408)
    assert table["firstmjd"].unit == u.d and "TAI" in table["firstmjd"].description
    assert table["coord"][0].separation(SkyCoord(wire["meanra"], wire["meandec"],
                                                 unit="deg")) < 1e-9 * u.deg


def test_objects_that_are_not_there_are_not_found(server, client):
    with pytest.raises(ObjectNotFoundError, match="no lsst object 1234567: the service"):
        client.query_object(1234567)
    with pytest.raises(ObjectNotFoundError, match="solar-system objects"):
        client.query_object(SS_OBJECTS[0])
    with pytest.raises(ObjectNotFoundError, match="no diaObject summary"):
        client.query_magstats(SS_OBJECTS[0])
    with pytest.raises(InvalidQueryError, match="positive 64-bit integer"):
        client.query_object(-5)


def test_object_list_has_one_row_per_object(client, bundles):
    table = client.query_objects(row_limit=-1)
    # the five classified diaObjects; ssObjects are never listed
    assert sorted(table["oid"].tolist()) == sorted(FORCED_COUNTS)
    assert table["oid"].dtype == np.int64 and "coord" in table.colnames
    for row in table:
        items = bundles[int(row["oid"])]["list_objects"]["body"]["items"]
        assert len(items) == 2                    # the service: one row per classifier
        best = max(items, key=lambda item: item["probability"])
        assert (row["classifier_name"], row["class_name"], row["probability"]) == (
            best["classifier_name"], best["class_name"], best["probability"])
    # the service's order (probability, descending) is kept
    assert np.all(np.diff(table["probability"]) <= 0)


def test_object_list_criteria(server, client):
    one = client.query_objects(classifier=BETA, row_limit=-1)
    assert len(one) == 5 and set(one["classifier_name"]) == {BETA}
    vs = client.query_objects(classifier=BETA, class_name="VS", row_limit=-1)
    assert set(vs["class_name"]) == {"VS"} and 0 < len(vs) < 5
    by_ndet = client.query_objects(order_by="n_det", order_mode="ASC", row_limit=-1)
    assert by_ndet["n_det"].tolist() == sorted(by_ndet["n_det"].tolist())
    few = client.query_objects(ndet=(310, 380), row_limit=-1)
    assert all(310 <= n <= 380 for n in few["n_det"]) and len(few) == 3
    payload = client.query_objects(ndet=(310, 380), probability=0.5,
                                   get_query_payload=True)
    assert ("n_det", 310) in payload["params"] and ("n_det", 380) in payload["params"]
    assert ("survey", "lsst") in payload["params"]
    # MJD ranges are compared with the service's TAI MJDs: Time ends are converted
    start = Time(61034.0, format="mjd", scale="utc")
    payload = client.query_objects(firstmjd=(start, None), get_query_payload=True)
    sent = [float(v) for k, v in payload["params"] if k == "firstmjd"]
    assert abs((sent[0] - 61034.0) * 86400 - 37.0) < 1e-3
    later = client.query_objects(firstmjd=(61034.2, None), row_limit=-1)
    assert sorted(later["oid"].tolist()) == [170028485706776685, 314002971860926640]


def test_object_list_pages_and_row_limit(server, client):
    paged = client.query_objects(page_size=3, row_limit=-1)
    assert sorted(paged["oid"].tolist()) == sorted(FORCED_COUNTS)
    assert len(requests_to(server, "/object_api/list_objects")) == 4  # 10 rows, 3 a page
    with pytest.warns(MaxResultsWarning, match="row_limit=2"):
        cut = client.query_objects(row_limit=2)
    assert len(cut) == 2


def test_names_are_checked_before_anything_is_sent(server, client):
    with pytest.raises(InvalidQueryError, match="did you mean 'stamp_classifier_rubin_beta'"):
        client.query_objects(classifier="stamp_classifier_rubin_bta")
    with pytest.raises(InvalidQueryError, match="did you mean 'SN'"):
        client.query_objects(classifier=BETA, class_name="SNe")
    with pytest.raises(InvalidQueryError, match="needs classifier"):
        client.query_objects(class_name="SN")
    with pytest.raises(InvalidQueryError, match="order_by"):
        client.query_objects(order_by="nothing")
    with pytest.raises(InvalidQueryError, match="classifier_version"):
        client.query_objects(classifier_version="2.0.1")
    assert requests_to(server, "/object_api/list_objects") == []


def test_objects_by_id_list(client):
    with pytest.warns(NoResultsWarning, match="1 of 3 objects not found"):
        table = client.query_object([AGN, 170028485706776685, SS_OBJECTS[0]])
    assert table["oid"].tolist() == [AGN, 170028485706776685]


def test_query_region_with_skycoord_and_quantity(server, client, bundles):
    wire = bundles[AGN]["object"]["body"]
    center = SkyCoord(wire["meanra"] * u.deg, (wire["meandec"] + 2 / 3600) * u.deg)
    table = client.query_region(center, radius=10 * u.arcsec)
    assert table["oid"].tolist() == [AGN]
    assert table["separation"].unit == u.arcsec
    assert abs(table["separation"][0] - 2.0) < 1e-3
    sent = requests_to(server, "/object_api/list_objects")[-1]["query"]
    assert "radius=10.0" in sent                                 # arcsec on this route
    with pytest.raises(InvalidQueryError):
        client.query_region(center, radius=10)
    with pytest.warns(NoResultsWarning):
        assert len(client.query_region("10 -10", radius="1 arcmin")) == 0


def test_magstats_is_the_diaobject_summary_per_band_in_njy(client, bundles):
    table = client.query_magstats(AGN)
    wire = bundles[AGN]["magstats"]["body"][0]
    assert table["oid"].dtype == np.int64 and set(table["oid"]) == {AGN}
    assert table["band"].tolist() == ["i"] and table["band_id"].tolist() == [3]
    for name, _, unit, _ in MAGSTATS_BAND_KEYS:
        value = wire[f"i_{name}"]
        assert table[name][0] is np.ma.masked if value is None else table[name][0] == value
        if unit == "nJy":
            assert table[name].unit == u.nJy
    assert table.meta["nDiaSources"] == 320


def test_probabilities_and_classifiers(server, client, bundles):
    probs = client.query_probabilities(AGN)
    assert len(probs) == len(bundles[AGN]["probabilities"]["body"]) == 10
    assert probs["oid"].dtype == np.int64
    beta = client.query_probabilities(AGN, classifier=BETA, classifier_version="2.0.1")
    assert set(beta["classifier_name"]) == {BETA} and len(beta) == 5
    assert beta[beta["ranking"] == 1]["class_name"][0] == "AGN"
    with pytest.raises(InvalidQueryError, match="is not a classifier of ALeRCE Rubin LSST"):
        client.query_probabilities(AGN, classifier="lc_classifier")
    classifiers = client.list_classifiers()
    assert BETA in classifiers["classifier_name"]
    classes = client.list_classes(BETA, "2.0.1")
    assert classes["name"].tolist() == ["SN", "AGN", "VS", "asteroid", "bogus"]
    with pytest.raises(InvalidQueryError, match="not a version"):
        client.list_classes(BETA, "1.0")


def test_explorer_links(client):
    assert client.explorer_url(AGN) == f"https://lsst.alerce.online/object/{AGN}?survey=lsst"
    assert client.explorer_url([AGN, 1]) == (
        f"https://lsst.alerce.online/?oid={AGN},1&survey=lsst")


def test_catalogs_by_the_objects_position(server, client, bundles):
    with pytest.warns(NoResultsWarning):
        result = client.query_catalogs(AGN, radius="30 arcsec")
    assert isinstance(result, CrossmatchResult)
    wire = bundles[AGN]["object"]["body"]
    sent = requests_to(server, "/catshtm/conesearch_all")[-1]["query"]
    assert f"ra={wire['meanra']:.9f}"[:12] in sent and "radius=30" in sent


def test_what_the_service_cannot_answer_is_refused_before_asking(server, client):
    for call, words in ((lambda: client.query_features(AGN), "no light-curve features"),
                        (lambda: client.limit_values(), "no limit-values route"),
                        (lambda: client.get_avro_info(1, oid=AGN), "no alert packets"),
                        (lambda: client.query_features_many([AGN]), "features")):
        with pytest.raises(InvalidQueryError, match=words):
            call()
    assert server.requests == []


def test_the_builtin_sample_serves_lsst(sample_server, tmp_path):
    client = sample_server.client(survey="lsst", cache_location=tmp_path)
    table = client.query_objects(row_limit=-1)
    assert len(table) == 15 and table["oid"].dtype == np.int64
    oid = int(table["oid"][0])
    lc = client.get_lightcurve(oid, forced_photometry=True)
    assert len(lc.forced()) == table["n_forced"][0] and lc["flux"].unit == u.nJy


# --------------------------------------------------------------------------------------------
# A 500 on object/magstats is ambiguous: settled by one detections request, not by retries.
def _counts(server):
    paths = [r["path"] for r in server.requests]
    return {p: paths.count(p) for p in set(paths)}


@pytest.mark.parametrize("method, path", [("query_object", "/object_api/object"),
                                          ("query_magstats", "/magstat_api/magstats")])
def test_an_unknown_oid_is_not_found_in_two_requests(server, tmp_path, method, path):
    # the default retries: were the 500 retried, this would take 5 tries and seconds of waits
    client = server.client(survey="lsst", cache_location=tmp_path)
    server.reset_requests()
    with pytest.raises(ObjectNotFoundError, match="no detection of it either"):
        getattr(client, method)(999999999999999999)
    assert _counts(server) == {path: 1, "/lightcurve_api/detections": 1}
    assert client._transport.requests_sent == 2


def test_a_solar_system_object_is_not_found_in_two_requests(server, client):
    with pytest.raises(ObjectNotFoundError, match="it is a solar-system object"):
        client.query_object(SS_OBJECTS[1])
    assert _counts(server) == {"/object_api/object": 1, "/lightcurve_api/detections": 1}


def test_a_500_for_a_known_object_is_an_outage_not_not_found(server, client):
    server.inject(r"^/object_api/object$", status=500, body="Internal Server Error")
    with pytest.raises(ServiceUnavailableError, match="failed after 2 tries: HTTP 500") as info:
        client.query_object(AGN)
    assert not isinstance(info.value, ObjectNotFoundError)
    # the first 500, the probe, then the retries of the outage (max_retries=1: two tries)
    assert _counts(server) == {"/object_api/object": 3, "/lightcurve_api/detections": 1}


def test_a_passing_500_for_a_known_object_is_retried(server, client, bundles):
    server.inject(r"^/magstat_api/magstats$", status=500, body="Internal Server Error", times=1)
    table = client.query_magstats(AGN)
    assert len(table) and set(table["oid"].tolist()) == {AGN}
    assert _counts(server) == {"/magstat_api/magstats": 2, "/lightcurve_api/detections": 1}
