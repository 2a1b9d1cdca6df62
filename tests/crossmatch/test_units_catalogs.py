"""The unit mapping and the catalog table."""

import pytest
from astropy import units as u

from alerce_astro.crossmatch import catalogs
from alerce_astro.crossmatch.units import parse_unit
from alerce_astro.exceptions import InvalidQueryError


@pytest.mark.parametrize("text, unit, kept", [
    ("deg", u.deg, None),
    ("mas/yr", u.mas / u.yr, None),
    ("km/s", u.km / u.s, None),
    ("deg/day", u.deg / u.d, None),
    ("K", u.K, None),
    ("DN", u.DN, None),
    ("year", u.yr, None),
    (" ", None, None),
    ("", None, None),
    (None, None, None),
    ("JD", u.d, "JD"),
    ("MJD", u.d, "MJD"),
    ("JYear", u.yr, "JYear"),
    ("nanomaggies", u.nanomaggy, "nanomaggies"),
    ("magAB", u.ABmag, "magAB"),
    ("FeH", u.dex, "FeH"),
    ("logg", u.dex(u.cm / u.s**2), "logg"),
    ("arcse", u.arcsec, "arcse"),
    ("null", None, "null"),
    ("erg/cm2/s", u.erg / u.cm**2 / u.s, None),
    ("not a unit at all", None, "not a unit at all"),
    ("m/s/xyzzy", None, "m/s/xyzzy"),
])
def test_parse_unit(text, unit, kept):
    got, raw = parse_unit(text)
    assert raw == kept
    if unit is None:
        assert got is None
    else:
        assert got == unit


def test_parse_unit_never_fails_on_junk():
    for junk in ["\x00", "[[[", "10**", "m^^2", "(", "1/0", "deg deg deg /", "🙂"]:
        unit, raw = parse_unit(junk)
        assert unit is None or isinstance(unit, u.UnitBase)
        assert raw == junk or unit is not None


def test_catalog_table_has_every_served_catalog():
    served = ("AAVSO_VSX AKARI APASS CRTS_per_var Cosmos DECaLS FIRST GAIADR1 GAIADR2 GALEX "
              "HSCv2 IPHAS IRACgc NEDz NVSS PTFpc ROSATfsc SAGE SDSSDR10 SDSSoffset SWIREz "
              "SkyMapper SpecSDSS TMASS TMASSxsc UCAC4 UKIDSS VISTAviking VSTatlas VSTkids WISE "
              "XMM unWISE").split()
    table = catalogs.catalog_table()
    assert sorted(table["catshtm_name"]) == sorted(served)
    assert len(table) == 33
    assert table["default_radius"].unit == u.arcsec
    radii = dict(zip(table["catshtm_name"], table["default_radius"], strict=True))
    special = {"APASS": 2, "DECaLS": 0.1, "GAIADR1": 0.1, "GAIADR2": 0.1, "NVSS": 10.8,
               "SDSSoffset": 0.1, "SkyMapper": 0.4, "XMM": 8}
    for name, radius in radii.items():
        assert radius == special.get(name, 50.0), name
    kinds = dict(zip(table["catshtm_name"], table["redshift"], strict=True))
    assert kinds["SpecSDSS"] == kinds["NEDz"] == "spectroscopic"
    assert kinds["SWIREz"] == "photometric"


def test_names_map_both_ways():
    pairs = {"TMASS": "2MASS", "TMASSxsc": "2MASSxsc", "GAIADR1": "GAIA/DR1",
             "GAIADR2": "GAIA/DR2", "SDSSDR10": "SDSS/DR10", "CRTS_per_var": "CRTS"}
    for request, shown in pairs.items():
        assert catalogs.display_name(request) == shown
        assert catalogs.request_name(shown) == request
        assert catalogs.request_name(shown.lower()) == request
        assert catalogs.display_name(shown) == shown
    for cat in catalogs.CATALOGS:
        assert catalogs.request_name(catalogs.display_name(cat.name)) == cat.name
    # a catalog the service may add later keeps its name in answers
    assert catalogs.display_name("BrandNew") == "BrandNew"


def test_unknown_catalog_is_refused_with_suggestions():
    with pytest.raises(InvalidQueryError, match=r"'GAIA/DR3'.*Did you mean 'GAIA/DR\d'"):
        catalogs.get_catalog("GAIA/DR3")
    with pytest.raises(InvalidQueryError, match="list_catalogs"):
        catalogs.get_catalog("nothing")


def test_routes_are_on_the_catshtm_service():
    from alerce_astro.apis.catshtm import routes

    urls = {"catshtm": "http://host/catshtm/", "ztf_v1": "http://other"}
    assert routes.catshtm_url(urls, "conesearch") == "http://host/catshtm/conesearch"
    assert set(routes.ROUTES) == {"conesearch", "conesearch_all", "crossmatch",
                                  "crossmatch_all"}
