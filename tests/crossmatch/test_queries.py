"""The catsHTM methods of the client, through the offline server."""

import json
from urllib.parse import parse_qsl

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord

from alerce_astro.crossmatch import CrossmatchResult, Redshift
from alerce_astro.exceptions import (
    InvalidQueryError,
    NoResultsWarning,
    RemoteServiceError,
    ResponseFormatError,
)

TARGET = "357.73373 14.20514"


def _catshtm_requests(server):
    return [(r["path"].rsplit("/", 1)[-1], dict(parse_qsl(r["query"])))
            for r in server.requests if r["service"] == "catshtm"]


# ---------------------------------------------------------------------------------- cones
def test_query_catalogs_all(catshtm_client, catshtm_server, recorded_answers):
    result = catshtm_client.query_catalogs(TARGET, radius=10 * u.arcsec)
    assert isinstance(result, CrossmatchResult)
    assert list(result) == ["2MASS", "DECaLS", "GAIA/DR1", "GAIA/DR2", "SDSS/DR10",
                            "SDSSoffset", "UKIDSS", "WISE", "AAVSO_VSX", "unWISE"]
    assert [len(t) for t in result.values()] == [1, 1, 1, 1, 1, 1, 2, 1, 1, 2]
    assert result.nsources == 12
    # one request, to the catsHTM service, with the radius in arcsec
    assert _catshtm_requests(catshtm_server) == [
        ("conesearch_all", {"ra": "357.73373", "dec": "14.20514", "radius": "10"})]
    ukidss = result["UKIDSS"]
    assert ukidss["separation"].unit == u.arcsec
    assert np.all(np.diff(np.asarray(ukidss["separation"])) >= 0)
    target = SkyCoord(357.73373 * u.deg, 14.20514 * u.deg)
    assert np.allclose(ukidss["separation"], target.separation(ukidss["coord"]).arcsec)
    assert result.target.separation(target).arcsec < 1e-9
    assert result.radius.to_value(u.arcsec) == 10
    meta = ukidss.meta
    assert meta["catalog"] == "UKIDSS" and meta["service"] == "ALeRCE catsHTM"
    assert meta["url"].endswith("/catshtm/conesearch_all?ra=357.73373&dec=14.20514&radius=10")
    assert meta["radius"] == 10.0 and "retrieved" in meta
    # unWISE: the second source has its W2 values as "null" and "infinity"
    unwise = result["unWISE"]
    assert unwise["MagAB_w2"].unit == u.ABmag
    assert np.ma.is_masked(unwise["ErrMag_w2"][1]) and not np.ma.is_masked(unwise["ErrMag_w2"][0])
    assert unwise["MagAB_w2"][1] == np.inf and unwise["SkyMag_w2"][1] == np.inf
    summary = result.summary()
    assert summary["nsources"].sum() == 12
    assert summary["catshtm_name"][list(summary["catalog"]).index("2MASS")] == "TMASS"
    sources = result.sources()
    assert len(sources) == 12 and sources["separation"][0] == pytest.approx(0.0424747, 1e-5)
    assert "10 catalogs" in repr(result) and "UKIDSS (2)" in repr(result)


def test_query_catalogs_one_catalog(catshtm_client, catshtm_server):
    result = catshtm_client.query_catalogs(SkyCoord(357.73373, 14.20514, unit="deg"),
                                           radius="90 arcsec", catalogs="GAIA/DR1")
    assert list(result) == ["GAIA/DR1"]
    table = result["gaiadr1"]  # catsHTM name, any case
    assert table is result["GAIA/DR1"] is result["GAIADR1"]
    assert len(table) == 9
    assert table["ErrRA"].unit == u.mas and table["MagG"].unit == u.mag
    assert table["separation"][0] == pytest.approx(0.04247469, rel=1e-6)
    assert table["separation"][-1] == pytest.approx(80.0601, rel=1e-5)
    assert _catshtm_requests(catshtm_server) == [
        ("conesearch", {"catalog": "GAIADR1", "ra": "357.73373", "dec": "14.20514",
                        "radius": "90"})]


def test_catalogs_asked_for_are_always_keys(object_client, object_server, oid_target):
    with pytest.warns(NoResultsWarning, match="no source in XMM, GALEX within 30"):
        result = object_client.query_catalogs(oid_target, radius=30 * u.arcsec,
                                              catalogs=["XMM", "galex", "XMM"])
    assert list(result) == ["XMM", "GALEX"]  # repeats dropped, asked order kept
    assert len(result["XMM"]) == 0 and result["XMM"].colnames == ["coord", "separation"]
    assert len(_catshtm_requests(object_server)) == 2


def test_oid_target(object_client, object_server, oid_target):
    result = object_client.query_catalogs("ZTF20aaelulu", radius=30 * u.arcsec)
    assert set(result) == {"SpecSDSS", "GAIA/DR2", "Cosmos", "2MASS"}
    assert result.meta["oid"] == "ZTF20aaelulu"
    assert result.target.separation(oid_target).arcsec < 1e-9
    # hand-made offsets of conftest.HANDMADE within 30": the 40" SpecSDSS source is out
    assert len(result["SpecSDSS"]) == 1
    assert np.allclose(result["GAIA/DR2"]["separation"], [0.05, 12.0, 25.0], atol=1e-6)
    assert result["GAIA/DR2"]["RV"].mask.tolist() == [False, True, True]
    assert result["2MASS"]["Epoch"].unit == u.d
    assert result["2MASS"]["Epoch"].meta["unit_text"] == "JD"
    routes = [r["path"] for r in object_server.requests]
    assert routes[0].endswith("/objects/ZTF20aaelulu")
    assert routes[1].endswith("/catshtm/conesearch_all")


def test_nothing_found_warns(object_client, oid_target):
    far = oid_target.directional_offset_by(0 * u.deg, 1 * u.deg)
    with pytest.warns(NoResultsWarning, match="no source in any catalog"):
        result = object_client.query_catalogs(far, radius=5 * u.arcsec)
    assert len(result) == 0 and result.nsources == 0
    assert len(result.summary()) == 0 and len(result.sources()) == 0


# ---------------------------------------------------------------------------------- nearest
def test_query_nearest_all(catshtm_client, catshtm_server):
    table = catshtm_client.query_nearest(TARGET)
    # The service answered 15 catalogs; four lie beyond the catalog's documented radius and
    # are left out: SpecSDSS and NEDz at 80" (radius 50"), APASS at 51" (radius 2"), UCAC4
    # at 51" (radius 50"). Issue 16.4.
    assert len(table) == 11
    assert not {"SpecSDSS", "NEDz", "APASS", "UCAC4"} & set(table["catalog"])
    beyond = table.meta["beyond_radius"]
    assert beyond["APASS"] == pytest.approx((51.26851918086604, 2.0))
    assert beyond["SpecSDSS"] == pytest.approx((80.10874356005509, 50.0))
    assert set(beyond) == {"SpecSDSS", "NEDz", "APASS", "UCAC4"}
    assert table["distance"].max() == pytest.approx(16.550353082872395)  # PTFpc, radius 50"
    assert table.colnames == ["catalog", "catshtm_name", "ra", "dec", "coord", "distance"]
    assert table["distance"].unit == u.arcsec and table["ra"].unit == u.deg
    assert np.all(np.diff(np.asarray(table["distance"])) >= 0)
    assert table["catalog"][0] == "GAIA/DR1"
    assert table["distance"][0] == pytest.approx(0.04247469148586401, rel=1e-12)
    rows = dict(zip(table["catalog"], table["catshtm_name"], strict=True))
    assert rows["2MASS"] == "TMASS" and rows["SDSS/DR10"] == "SDSSDR10"
    wise = table[list(table["catalog"]).index("WISE")]
    assert wise["distance"] == pytest.approx(0.39971628476884563)
    # no radius sent: the service uses each catalog's default
    assert _catshtm_requests(catshtm_server) == [
        ("crossmatch_all", {"ra": "357.73373", "dec": "14.20514"})]


def test_query_nearest_one_catalog_per_catalog(catshtm_client, catshtm_server):
    result = catshtm_client.query_nearest(TARGET, catalogs="GAIA/DR1", per_catalog=True)
    assert list(result) == ["GAIA/DR1"]
    row = result["GAIA/DR1"]
    assert len(row) == 1 and row["MagG"][0] == pytest.approx(17.018136614317157)
    assert row["distance"][0] == pytest.approx(0.04247469148586401)
    assert _catshtm_requests(catshtm_server) == [
        ("crossmatch", {"catalog": "GAIADR1", "ra": "357.73373", "dec": "14.20514"})]


def test_query_nearest_radius_is_sent(object_client, object_server):
    table = object_client.query_nearest("ZTF20aaelulu", radius=1 * u.arcsec,
                                        catalogs=["GAIA/DR2", "2MASS", "SpecSDSS"])
    assert list(table["catalog"]) == ["GAIA/DR2", "2MASS"]
    assert np.allclose(table["distance"], [0.05, 0.7], atol=1e-6)
    sent = _catshtm_requests(object_server)
    assert [q["catalog"] for _, q in sent] == ["GAIADR2", "TMASS", "SpecSDSS"]
    assert all(q["radius"] == "1" for _, q in sent)


# ---------------------------------------------------------------------------------- redshift
def test_redshift_applies_the_documented_radius(catshtm_client):
    # The service answered SpecSDSS at 80.109" and NEDz at 80.139": both beyond their 50"
    # radius, so no redshift, and the warning says how far the nearest one was (16.4).
    with pytest.warns(NoResultsWarning, match=r"the nearest SpecSDSS source is 80.11 arcsec "
                                              r"away, beyond its 50 arcsec radius"):
        assert catshtm_client.get_redshift(TARGET) is None
    # NEDz alone was not recorded: the offline service has no NEDz source there
    with pytest.warns(NoResultsWarning, match="no catalog gives a redshift"):
        assert catshtm_client.get_redshift(TARGET, catalogs="NEDz") is None


def test_redshift_choice_on_handmade_catalogs(object_client):
    z = object_client.get_redshift("ZTF20aaelulu", radius=30 * u.arcsec)
    assert isinstance(z, Redshift) and float(z) == z.z
    assert (z.catalog, z.spectroscopic, z.z) == ("SpecSDSS", True, 0.0341)
    assert z.error == 1.5e-5 and z.separation.to_value(u.arcsec) == pytest.approx(2.0)
    # without a spectroscopic catalog, the photometric redshift of Cosmos
    z = object_client.get_redshift("ZTF20aaelulu", radius=30 * u.arcsec,
                                   catalogs=["Cosmos", "GAIA/DR2"])
    assert (z.catalog, z.column, z.spectroscopic, z.z) == ("Cosmos", "zphot", False, 0.52)
    assert z.error is None
    with pytest.warns(NoResultsWarning, match="no catalog gives a redshift near "
                                              "ZTF20aaelulu"):
        assert object_client.get_redshift("ZTF20aaelulu", catalogs="GAIA/DR2") is None


# ---------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("kwargs, message", [
    ({"radius": 10}, "no unit"),
    ({"radius": "10 kg"}, "not an angle"),
    ({"radius": 2 * u.deg}, "larger than"),
    ({"radius": 0 * u.arcsec}, "larger than 0"),
    ({"radius": 10 * u.arcsec, "catalogs": "GAIA/DR9"}, "not a catsHTM catalog"),
    ({"radius": 10 * u.arcsec, "catalogs": []}, "catalogs is empty"),
    ({"radius": 10 * u.arcsec, "catalogs": [3]}, "catalog names"),
])
def test_bad_input_is_refused_before_any_request(catshtm_client, catshtm_server, kwargs,
                                                 message):
    with pytest.raises(InvalidQueryError, match=message):
        catshtm_client.query_catalogs(TARGET, **kwargs)
    assert catshtm_server.requests == []


@pytest.mark.parametrize("target, message", [
    ("not a position", "not a position"), (42, "SkyCoord or a string"),
    ("ZTF20AAELULU", "did you mean 'ZTF20aaelulu'"),
])
def test_bad_targets(catshtm_client, catshtm_server, target, message):
    with pytest.raises(InvalidQueryError, match=message):
        catshtm_client.query_nearest(target)
    assert catshtm_server.requests == []


def test_error_string_with_status_200_is_an_error_and_not_cached(catshtm_client,
                                                                 catshtm_server):
    catshtm_server.inject(r"/catshtm/conesearch_all", status=200,
                          body=json.dumps("Request contains one or more invalid arguments."),
                          headers={"Content-Type": "application/json"}, times=1)
    with pytest.raises(ResponseFormatError, match="invalid arguments"):
        catshtm_client.query_catalogs(TARGET, radius=10 * u.arcsec, cache=True)
    # nothing was cached: the next call asks again and gets the real answer
    result = catshtm_client.query_catalogs(TARGET, radius=10 * u.arcsec, cache=True)
    assert len(result) == 10
    assert len(_catshtm_requests(catshtm_server)) == 2
    # and that one was cached
    catshtm_client.query_catalogs(TARGET, radius=10 * u.arcsec, cache=True)
    assert len(_catshtm_requests(catshtm_server)) == 2


def test_the_servers_own_invalid_argument_answer(catshtm_client):
    # a position the service cannot read makes it answer the error string with status 200
    route = catshtm_client._route("crossmatch_all").with_params([("ra", "x"), ("dec", "1")])
    with pytest.raises(ResponseFormatError, match="invalid arguments"):
        catshtm_client._catshtm_tables([(route, None)], coord=SkyCoord(0, 0, unit="deg"),
                                       oid=None, radius=None, cache=False)


def test_rewrite_422_is_a_remote_error(catshtm_client, catshtm_server):
    body = {"detail": [{"loc": ["query", "radius"], "msg": "value is not a valid float",
                        "type": "type_error.float"}]}
    catshtm_server.inject(r"/catshtm/conesearch", status=422, body=body, times=1)
    with pytest.raises(RemoteServiceError, match="422.*not a valid float"):
        catshtm_client.query_catalogs(TARGET, radius=10 * u.arcsec, catalogs="GAIADR2")


def test_rewrite_shape_through_the_client(catshtm_client, catshtm_server, recorded_answers):
    body = recorded_answers["/conesearch"][1]["GAIA/DR1"]
    rewritten = [{"attribute_name": k, "unit": v["units"], "values": v["values"]}
                 for k, v in body.items()]
    catshtm_server.inject(r"/catshtm/conesearch", body=rewritten, times=1)
    result = catshtm_client.query_catalogs(TARGET, radius=90 * u.arcsec, catalogs="GAIA/DR1")
    assert list(result) == ["GAIA/DR1"] and len(result["GAIA/DR1"]) == 9
    assert result["GAIA/DR1"]["separation"][0] == pytest.approx(0.04247469, rel=1e-6)


def test_get_query_payload(catshtm_client, catshtm_server):
    payload = catshtm_client.query_catalogs(TARGET, radius=0.5 * u.arcmin,
                                            catalogs=["2MASS", "NEDz"],
                                            get_query_payload=True)
    assert payload["url"].endswith("/catshtm/conesearch")
    assert payload["params"] == [("catalog", "TMASS"), ("ra", "357.73373"),
                                 ("dec", "14.20514"), ("radius", "30")]
    payload = catshtm_client.query_nearest("23h50m56.0952s +14d12m18.504s",
                                           get_query_payload=True)
    assert payload["params"] == [("ra", "357.73373"), ("dec", "14.20514")]
    assert catshtm_server.requests == []


def test_list_catalogs_sends_nothing(catshtm_client, catshtm_server):
    table = catshtm_client.list_catalogs()
    assert len(table) == 33 and table.loc["GAIA/DR1"]["catshtm_name"] == "GAIADR1"
    assert catshtm_server.requests == []


def test_finder_charts_are_fetched_by_the_client_never_by_plotting(catshtm_client,
                                                                   catshtm_server):
    from alerce_astro.plotting import plot_finder_chart

    # an object id is the client's to look up: the plotting function says where to go
    with pytest.raises(InvalidQueryError, match=r"Alerce.plot_finder\('ZTF20aaelulu'\)"):
        plot_finder_chart("ZTF20aaelulu", image=(np.ones((5, 5)), None))
    # a position has no default image, and nothing is fetched to find one
    with pytest.raises(InvalidQueryError, match="give image="):
        catshtm_client.plot_finder(TARGET, catalogs=False)
    with pytest.raises(InvalidQueryError, match="did you mean 'ZTF20aaelulu'"):
        catshtm_client.plot_finder("ZTF20AAELULU")
    assert catshtm_server.requests == []
