"""AlerceClass object queries against the real recorded objects, served offline."""

import warnings

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.time import Time

from alerce_astro import Alerce, AlerceClass, conf
from alerce_astro.exceptions import (
    InvalidQueryError,
    MaxResultsWarning,
    NoResultsWarning,
    ObjectNotFoundError,
    RemoteServiceError,
)


def test_query_object_values_units_and_coord(recorded_client):
    t = recorded_client.query_object("ZTF20aaelulu")
    assert len(t) == 1
    row = t[0]
    assert row["oid"] == "ZTF20aaelulu"
    assert row["ndethist"] == 259 and t["ndethist"].dtype.kind == "i"
    assert row["ndet"] == 58
    assert t["meanra"].unit == u.deg and t["firstmjd"].unit == u.d
    assert t["g_r_mean"].unit == u.mag
    assert row["meanra"] == pytest.approx(185.72886239827588, abs=1e-12)
    assert isinstance(t["coord"], SkyCoord)
    assert t["coord"][0].dec.deg == pytest.approx(15.823611163793103)
    # The item route has no class columns: the table does not invent them.
    assert "class" not in t.colnames
    assert bool(t["g_r_max_corr"].mask[0])  # null on the wire -> masked
    assert all(t[c].info.description for c in t.colnames)
    assert t.meta["url"].endswith("/objects/ZTF20aaelulu")
    assert "retrieved" in t.meta


def test_query_object_unknown_is_not_found_with_server_message(recorded_client):
    with pytest.raises(ObjectNotFoundError, match=r"404.*Object not found") as info:
        recorded_client.query_object("ZTF99aaaaaaa")
    assert "/objects/ZTF99aaaaaaa" in str(info.value)
    assert isinstance(info.value, RemoteServiceError)


def test_query_object_list_keeps_order_in_one_request(recorded_client, recorded_server):
    recorded_server.reset_requests()
    t = recorded_client.query_object(["ZTF18abbuive", "ZTF20aaelulu"])
    assert list(t["oid"]) == ["ZTF18abbuive", "ZTF20aaelulu"]
    assert list(t["ndet"]) == [818, 58]
    assert len([r for r in recorded_server.requests if r["service"] == "ztf_v1"]) == 1


def test_query_object_list_reports_unknown(recorded_client):
    with pytest.warns(NoResultsWarning, match="ZTF99aaaaaaa"):
        t = recorded_client.query_object(["ZTF20aaelulu", "ZTF99aaaaaaa"])
    assert list(t["oid"]) == ["ZTF20aaelulu"]


def test_query_objects_pages_through_everything_without_repeats(recorded_client,
                                                                 recorded_server):
    recorded_server.reset_requests()
    t = recorded_client.query_objects(row_limit=-1, page_size=50)
    assert len(t) == 249
    assert len(set(t["oid"])) == 249
    assert list(t["oid"]) == sorted(t["oid"])  # the stable order asked for
    pages = [r for r in recorded_server.requests if r["path"].endswith("/objects/")]
    assert len(pages) == 5
    assert t.meta["total"] == 249


def test_query_objects_row_limit_warns_how_to_get_all(recorded_client):
    with pytest.warns(MaxResultsWarning, match="row_limit=-1"):
        t = recorded_client.query_objects(row_limit=30, page_size=7)
    assert len(t) == 30
    assert len(set(t["oid"])) == 30


def test_query_objects_classifier_filter(recorded_client):
    t = recorded_client.query_objects(classifier="lc_classifier", class_name="SNIa")
    assert len(t) >= 1
    assert set(t["class"]) == {"SNIa"}
    assert set(t["classifier"]) == {"lc_classifier"}
    assert np.all(np.asarray(t["probability"]) > 0)


def test_query_objects_ranges_and_order(recorded_client):
    t = recorded_client.query_objects(ndet=(10, 50), order_by="ndet", order_mode="DESC",
                                      row_limit=-1)
    ndet = np.asarray(t["ndet"])
    assert len(t) > 0
    assert ndet.min() >= 10 and ndet.max() <= 50
    assert np.all(np.diff(ndet) <= 0)


def test_query_objects_time_range_accepts_astropy_time(recorded_client):
    a = recorded_client.query_objects(firstmjd=(58800, 59000), row_limit=-1)
    b = recorded_client.query_objects(
        firstmjd=(Time(58800, format="mjd"), Time(59000, format="mjd")), row_limit=-1)
    assert len(a) == len(b) > 0
    assert np.all((a["firstmjd"] >= 58800) & (a["firstmjd"] <= 59000))


def test_query_objects_pattern(recorded_client):
    t = recorded_client.query_objects(oid="ZTF18a*", row_limit=-1)
    assert len(t) > 1
    assert all(o.startswith("ZTF18a") for o in t["oid"])


def test_query_objects_empty_result_has_columns_and_units(recorded_client):
    with pytest.warns(NoResultsWarning):
        t = recorded_client.query_objects(ndet=(10**6, None))  # a classifier="nope" is refused
    assert len(t) == 0
    assert "meanra" in t.colnames and t["meanra"].unit == u.deg
    assert "class" in t.colnames and "coord" in t.colnames


@pytest.mark.parametrize("kwargs, argument", [
    ({"order_by": "bogus"}, "order_by"),
    ({"order_by": "ndet", "order_mode": "desc"}, "order_mode"),
    ({"ndet": (50, 10)}, "ndet"),
    ({"probability": 1.5}, "probability"),
    ({"page_size": 0}, "page_size"),
    ({"row_limit": 0}, "row_limit"),
    ({"oid": "ZTF20aaelul_"}, "oid"),
    ({"oid": ["ZTF20aaelulu", "bad"]}, "oid"),
    ({"ranking": 0}, "ranking"),
    ({"firstmjd": ("yesterday", None)}, "firstmjd"),
])
def test_bad_criteria_fail_before_any_request(recorded_client, recorded_server, kwargs,
                                              argument):
    recorded_server.reset_requests()
    with pytest.raises(InvalidQueryError, match=argument):
        recorded_client.query_objects(**kwargs)
    assert recorded_server.requests == []


def test_query_region_adds_separation_and_filters(recorded_client):
    center = SkyCoord(185.72886239827588, 15.823611163793103, unit="deg")
    t = recorded_client.query_region(center, radius=30 * u.arcsec)
    assert list(t["oid"]) == ["ZTF20aaelulu"]
    assert t["separation"].unit == u.arcsec
    assert t["separation"][0] < 0.01
    wide = recorded_client.query_region("185.72886239827588 15.823611163793103",
                                        radius="1 deg", row_limit=-1)
    assert len(wide) >= 1
    assert np.all(np.diff(wide["separation"]) >= 0)
    assert np.all(wide["separation"] <= 3600)


@pytest.mark.parametrize("radius", [30, -1 * u.arcsec, "thirty", np.nan * u.arcsec,
                                    1 * u.kg])
def test_query_region_rejects_bad_radius(recorded_client, radius):
    with pytest.raises(InvalidQueryError, match="radius"):
        recorded_client.query_region("10 20", radius=radius)


def test_query_region_at_ra_zero_is_still_a_cone(recorded_client, recorded_server):
    # The service drops the cone when ra is exactly 0; the client never sends 0.
    recorded_server.reset_requests()
    with pytest.warns(NoResultsWarning):
        t = recorded_client.query_region(SkyCoord(0, 15.8, unit="deg"), radius=30 * u.arcsec)
    assert len(t) == 0
    query = recorded_server.requests[0]["query"]
    assert "ra=1e-09" in query


def test_query_magstats_sorted_with_band(recorded_client):
    t = recorded_client.query_magstats("ZTF20aaelulu")
    assert list(t["fid"]) == [1, 2]
    assert list(t["band"]) == ["g", "r"]
    assert t["magmean"].unit == u.mag
    assert t["magmean"][0] == pytest.approx(17.011618)
    assert list(t["oid"]) == ["ZTF20aaelulu"] * 2


def test_query_probabilities_and_filters(recorded_client):
    t = recorded_client.query_probabilities("ZTF20aaelulu")
    assert len(t) == 38
    lc = recorded_client.query_probabilities("ZTF20aaelulu", classifier="lc_classifier")
    assert len(lc) == 15
    assert set(lc["classifier_name"]) == {"lc_classifier"}
    assert list(lc["ranking"]) == list(range(1, 16))
    assert float(np.sum(lc["probability"])) == pytest.approx(1.0, abs=0.01)


def test_query_probabilities_unknown_classifier_is_empty_with_warning(recorded_client):
    with pytest.warns(NoResultsWarning):
        t = recorded_client.query_probabilities("ZTF20aaelulu", classifier="nope")
    assert len(t) == 0 and "probability" in t.colnames


def test_query_features_long_and_filters(recorded_client):
    t = recorded_client.query_features("ZTF20aaelulu")
    assert len(t) == 178
    g = recorded_client.query_features("ZTF20aaelulu", fid=1)
    assert set(g["fid"]) == {1} and 0 < len(g) < 178
    one = recorded_client.query_features("ZTF20aaelulu", names="Amplitude")
    assert set(one["name"]) == {"Amplitude"} and len(one) == 2
    two = recorded_client.query_features("ZTF20aaelulu", names=["Amplitude", "Multiband_period"])
    assert set(two["name"]) == {"Amplitude", "Multiband_period"}


def test_features_to_wide_one_row_per_object(recorded_client):
    from alerce_astro.classification import features_to_wide

    long = recorded_client.query_features("ZTF20aaelulu")
    wide = features_to_wide(long)
    assert len(wide) == 1 and wide["oid"][0] == "ZTF20aaelulu"
    amp = long[(long["name"] == "Amplitude") & (long["fid"] == 2)]["value"][0]
    assert wide["Amplitude_2"][0] == pytest.approx(amp)
    assert len(wide.colnames) == 1 + len(set(zip(long["name"], long["fid"], strict=True)))


def test_probability_views(recorded_client):
    from alerce_astro.classification import probabilities_hierarchy, probabilities_summary

    probs = recorded_client.query_probabilities("ZTF20aaelulu")
    summary = probabilities_summary(probs)
    pairs = set(zip(probs["classifier_name"], probs["classifier_version"], strict=True))
    assert len(summary) == len(pairs)
    lc = summary[summary["classifier_name"] == "lc_classifier"][0]
    best = probs[(probs["classifier_name"] == "lc_classifier") & (probs["ranking"] == 1)][0]
    assert lc["class_name"] == best["class_name"]
    hierarchy = probabilities_hierarchy(probs)
    assert len(hierarchy) == 15
    assert set(hierarchy["branch"]) == {"Periodic", "Stochastic", "Transient"}
    assert float(np.sum(hierarchy["probability"])) == pytest.approx(1.0, abs=0.02)


def test_list_classifiers_and_classes(recorded_client):
    t = recorded_client.list_classifiers()
    assert len(t) == 7
    assert "lc_classifier_top" in list(t["classifier_name"])
    classes = recorded_client.list_classes("lc_classifier_top", "hierarchical_rf_1.1.0")
    assert sorted(classes["name"]) == ["Periodic", "Stochastic", "Transient"]
    with pytest.raises(ObjectNotFoundError):
        recorded_client.list_classes("nope", "1.0")


def test_explorer_links():
    assert Alerce.explorer_url("ZTF20aaelulu") == "https://alerce.online/object/ZTF20aaelulu"
    many = [f"ZTF00aaaa{a}{b}{c}" for a in "abc" for b in "abcdefghij" for c in "abcdefghij"]
    with pytest.raises(InvalidQueryError, match="200"):
        Alerce.explorer_url(many)
    links = Alerce.explorer_urls(many)
    assert len(links) == 2 and links[0].count("oid=") == 200 and links[1].count("oid=") == 100


def test_get_query_payload_sends_nothing(recorded_client, recorded_server):
    recorded_server.reset_requests()
    payload = recorded_client.query_object("ZTF20aaelulu", get_query_payload=True)
    assert payload["url"].endswith("/ztf/v1/objects/ZTF20aaelulu")
    payload = recorded_client.query_objects(classifier="lc_classifier", get_query_payload=True)
    assert ("classifier", "lc_classifier") in payload["params"]
    assert recorded_server.requests == []


def test_settings_precedence_call_beats_instance_beats_conf():
    client = AlerceClass(row_limit=7)
    assert client._limits(None, None)[0] == 7
    assert client._limits(3, None)[0] == 3
    with conf.set_temp("row_limit", 11):
        assert AlerceClass()._limits(None, None)[0] == 11
        assert client._limits(None, None)[0] == 7
    with conf.set_temp("ztf_server", "https://example.invalid/ztf"):
        assert AlerceClass().urls["ztf_v1"] == "https://example.invalid/ztf"  # read at call time
    assert Alerce(timeout=5).timeout == 5  # calling the instance gives a configured copy


def test_cache_hit_makes_no_request(recorded_client, recorded_server):
    recorded_client.query_magstats("ZTF20aaelulu", cache=True)
    recorded_server.reset_requests()
    again = recorded_client.query_magstats("ZTF20aaelulu", cache=True)
    assert recorded_server.requests == []
    assert list(again["fid"]) == [1, 2]
    recorded_client.clear_cache()
    recorded_client.query_magstats("ZTF20aaelulu", cache=True)
    assert len(recorded_server.requests) == 1


def test_failures_are_not_cached(recorded_client, recorded_server):
    with pytest.raises(ObjectNotFoundError):
        recorded_client.query_object("ZTF99aaaaaaa", cache=True)
    recorded_server.reset_requests()
    with pytest.raises(ObjectNotFoundError):
        recorded_client.query_object("ZTF99aaaaaaa", cache=True)
    assert len(recorded_server.requests) == 1


def test_no_warnings_on_a_normal_query(recorded_client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        recorded_client.query_object("ZTF20aaelulu")


@pytest.mark.parametrize(("route", "query"), [
    (r"/objects/ZTF20aaelulu/magstats$", lambda c: c.query_magstats("ZTF20aaelulu")),
    (r"/objects/ZTF20aaelulu/features/Amplitude$",
     lambda c: c.query_features("ZTF20aaelulu", names="Amplitude")),
])
def test_rows_carrying_their_own_oid_get_the_id_asked_for(recorded_server, recorded_client,
                                                          route, query):
    recorded_server.inject(route, body=b'[{"fid": 1, "name": "Amplitude", "value": 0.5, '
                                       b'"oid": "ZTF18abbuive"}, {"fid": 2, "oid": null}]',
                           headers={"Content-Type": "application/json"})
    table = query(recorded_client)
    assert table.colnames[0] == "oid" and table.colnames.count("oid") == 1
    assert table["oid"].tolist() == ["ZTF20aaelulu", "ZTF20aaelulu"]
    assert table["oid"].info.description == "ZTF object identifier"
