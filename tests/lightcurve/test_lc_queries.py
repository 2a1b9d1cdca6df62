"""get_lightcurve and the raw photometry queries, against offline servers."""

import numpy as np
import pytest
from astropy import units as u
from lc_helpers import FORCED_OID, maskof, num

from alerce_astro.exceptions import (
    InvalidQueryError,
    NoResultsWarning,
    ObjectNotFoundError,
    ResponseFormatError,
)
from alerce_astro.lightcurve import AlerceLightCurve


def _paths(server):
    return [r["path"] for r in server.requests]


def test_get_lightcurve_makes_one_request(fresh_recorded_client, recorded_server):
    lc = fresh_recorded_client.get_lightcurve("ZTF20aaelulu")
    assert isinstance(lc, AlerceLightCurve)
    assert len(lc.detections()) == 58 and len(lc.upper_limits()) == 17
    assert _paths(recorded_server) == ["/ztf/v1/objects/ZTF20aaelulu/lightcurve"]
    assert lc.meta["url"].endswith("/objects/ZTF20aaelulu/lightcurve")
    assert lc.meta["service"] == "ALeRCE" and "retrieved" in lc.meta
    assert lc.coord.ra.deg == pytest.approx(185.72886239827588, abs=1e-9)


def test_values_match_query_detections(fresh_recorded_client):
    lc = fresh_recorded_client.get_lightcurve("ZTF18abbuive")
    det = fresh_recorded_client.query_detections("ZTF18abbuive")
    assert len(det) == 608 == len(lc.detections())
    assert det["candid"].dtype == np.int64 and det["band"][0] in ("g", "r")
    assert np.array_equal(np.asarray(det["candid"]), np.asarray(lc.detections()["detection_id"]))
    assert np.allclose(np.asarray(det["magpsf"]), lc.detections()["mag"].to_value(u.mag))
    assert det["magpsf"].unit == u.mag and det["oid"][0] == "ZTF18abbuive"


def test_query_non_detections(fresh_recorded_client):
    table = fresh_recorded_client.query_non_detections("ZTF18aazeood")
    assert len(table) == 413
    assert table.colnames[:5] == ["oid", "tid", "mjd", "fid", "band"]
    assert table["diffmaglim"].unit == u.mag
    assert np.all(np.diff(np.asarray(table["mjd"])) >= 0)


def test_non_detections_only_and_flag(fresh_recorded_client, recorded_server):
    lc = fresh_recorded_client.get_lightcurve("ZTF18aazeood")
    assert len(lc) == 413 and lc.coord is None
    recorded_server.reset_requests()
    with pytest.warns(NoResultsWarning, match="ZTF18aazeood"):
        empty = fresh_recorded_client.get_lightcurve("ZTF18aazeood", non_detections=False,
                                                     cache=False)
    assert len(empty) == 0
    assert len(recorded_server.requests) == 1


def test_null_light_curve_is_empty_not_an_error(fresh_recorded_client):
    with pytest.warns(NoResultsWarning, match="no photometry"):
        lc = fresh_recorded_client.get_lightcurve("ZTF18acpfwmm")
    assert len(lc) == 0 and "mag" in lc.colnames and lc.oid == "ZTF18acpfwmm"


def test_unknown_object(fresh_recorded_client):
    with pytest.raises(ObjectNotFoundError):
        fresh_recorded_client.get_lightcurve("ZTF99aaaaaaa")


def test_bad_oid_sends_nothing(fresh_recorded_client, recorded_server):
    with pytest.raises(InvalidQueryError, match="ZTF"):
        fresh_recorded_client.get_lightcurve("ztf20AAELULU ")
    assert recorded_server.requests == []


def test_payloads(fresh_recorded_client, recorded_server):
    one = fresh_recorded_client.get_lightcurve("ZTF20aaelulu", get_query_payload=True)
    assert one["url"].endswith("/ztf/v1/objects/ZTF20aaelulu/lightcurve")
    two = fresh_recorded_client.get_lightcurve("ZTF20aaelulu", forced_photometry=True,
                                               get_query_payload=True)
    assert two[1]["url"].endswith("/v2/lightcurve/forced-photometry/ZTF20aaelulu")
    payload = fresh_recorded_client.query_forced_photometry("ZTF20aaelulu",
                                                            get_query_payload=True)
    assert payload["url"] == two[1]["url"]
    assert recorded_server.requests == []


def test_no_forced_photometry_is_an_empty_result(fresh_recorded_client, recorded_server):
    with pytest.warns(NoResultsWarning, match="forced photometry"):
        table = fresh_recorded_client.query_forced_photometry("ZTF20aaelulu")
    assert len(table) == 0 and "field" in table.colnames and table["mag"].unit == u.mag
    recorded_server.reset_requests()
    lc = fresh_recorded_client.get_lightcurve("ZTF20aaelulu", forced_photometry=True,
                                              cache=False)
    assert len(lc.forced()) == 0 and len(lc) == 75
    assert _paths(recorded_server) == ["/ztf/v1/objects/ZTF20aaelulu/lightcurve",
                                            "/v2/lightcurve/forced-photometry/ZTF20aaelulu"]


def test_forced_photometry_table(forced_client, forced_server):
    table = forced_client.query_forced_photometry(FORCED_OID)
    assert len(table) == 12
    assert "extra_fields" not in table.colnames
    assert table["field"].tolist() == [600] * 12
    assert num(table["diffmaglim"][3]) == pytest.approx(20.23)
    assert table["band"].tolist()[:2] == ["g", "r"]
    assert table["candid"][0] == f"{FORCED_OID}2000000000000"
    assert _paths(forced_server) == [f"/v2/lightcurve/forced-photometry/{FORCED_OID}"]


def test_lightcurve_with_forced_photometry(forced_client, forced_server):
    lc = forced_client.get_lightcurve(FORCED_OID, forced_photometry=True)
    assert len(forced_server.requests) == 2
    assert [len(lc.detections()), len(lc.upper_limits()), len(lc.forced())] == [4, 1, 12]
    forced = lc.forced()
    assert num(forced["mag"][1]) == pytest.approx(18.1)
    assert forced["forced_candid"][0] == f"{FORCED_OID}2000000000000"
    assert all(maskof(forced["detection_id"]))
    assert not any(maskof(lc.detections()["detection_id"]))
    assert lc.meta["forced_photometry_url"].endswith(f"/forced-photometry/{FORCED_OID}")
    assert np.all(np.diff(lc.time.mjd) >= 0)


def test_unusable_body_is_an_error_and_not_cached(forced_server, tmp_path):
    from alerce_astro import AlerceClass

    client = AlerceClass(urls=forced_server.urls, cache_location=tmp_path / "cache")
    forced_server.inject(r"/objects/ZTF21aaaaaaa/lightcurve$", body='"Internal message"',
                         headers={"Content-Type": "application/json"}, times=1)
    try:
        with pytest.raises(ResponseFormatError, match="Internal message"):
            client.get_lightcurve(FORCED_OID, cache=True)
        # the bad answer was not cached: the next call reaches the server and succeeds
        lc = client.get_lightcurve(FORCED_OID, cache=True)
        assert len(lc.detections()) == 4
    finally:
        forced_server.clear_injections()
    forced_server.inject(r"/objects/ZTF21aaaaaaa/lightcurve$",
                         body={"detections": "nope", "non_detections": []}, times=1)
    try:
        with pytest.raises(ResponseFormatError, match="detections"):
            client.get_lightcurve(FORCED_OID, cache=False)
    finally:
        forced_server.clear_injections()
