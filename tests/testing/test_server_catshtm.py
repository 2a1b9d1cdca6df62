"""The catsHTM service of SampleServer: replayed real answers and computed ones."""

import json
import math

import pytest
import requests

from alerce_astro.offline import SampleServer
from alerce_astro.offline.catshtm_api import CATSHTM_CATALOGS, default_radius, display_name

RA, DEC = 357.73373, 14.20514
INVALID = "Request contains one or more invalid arguments."


def catshtm(server, route, **params):
    r = requests.get(server.urls["catshtm"] + route, params=params, timeout=30)
    assert r.status_code == 200
    return r


@pytest.mark.parametrize(("route", "params", "name"), [
    ("/conesearch_all", {"ra": RA, "dec": DEC, "radius": 10}, "conesearch_all.json"),
    ("/conesearch", {"catalog": "GAIADR1", "ra": RA, "dec": DEC, "radius": 90},
     "conesearch_catalog_GAIA_DR1.json"),
    ("/crossmatch_all", {"ra": RA, "dec": DEC}, "crossmatch_all.json"),
    ("/crossmatch", {"catalog": "GAIADR1", "ra": RA, "dec": DEC},
     "crossmatch_catalog_GAIA_DR1.json"),
    # numbers compare as numbers
    ("/conesearch_all", {"ra": "357.733730000", "dec": "1.420514e1", "radius": "10.0"},
     "conesearch_all.json"),
])
def test_replayed_answers(alerts_server, catshtm_dir, route, params, name):
    r = catshtm(alerts_server, route, **params)
    assert r.content == (catshtm_dir / name).read_bytes()


def test_replayed_content(alerts_server):
    cone = catshtm(alerts_server, "/conesearch", catalog="GAIADR1", ra=RA, dec=DEC,
                   radius=90).json()
    assert list(cone) == ["GAIA/DR1"] and len(cone["GAIA/DR1"]["RA"]["values"]) == 9
    xall = catshtm(alerts_server, "/crossmatch_all", ra=RA, dec=DEC).json()
    assert len(xall) == 15 and [list(x)[0] for x in xall][:3] == ["2MASS", "DECaLS", "GAIA/DR1"]
    one = catshtm(alerts_server, "/crossmatch", catalog="GAIADR1", ra=RA, dec=DEC).json()
    assert one["distance"]["unit"] == "arcsec"
    assert one["distance"]["value"] == pytest.approx(0.04247469148586401)


def test_replay_needs_the_same_parameters(alerts_server):
    # a radius the recording did not have: computed (no catalogs here), not replayed
    assert catshtm(alerts_server, "/crossmatch_all", ra=RA, dec=DEC, radius=5).json() == []
    assert catshtm(alerts_server, "/conesearch_all", ra=RA, dec=DEC,
                   radius=11).json() == {"catalogs": []}
    assert catshtm(alerts_server, "/conesearch", catalog="GAIADR2", ra=RA, dec=DEC,
                   radius=90).json() == {}


def _catalog(name, rows, columns=None):
    columns = columns or [{"name": "RA", "units": "deg"}, {"name": "Dec", "units": "deg"},
                          {"name": "Mag_G", "units": "mag"}, {"name": "Flag", "units": None}]
    return {"name": name, "display_name": display_name(name), "columns": columns, "rows": rows}


@pytest.fixture(scope="module")
def computed(tmp_path_factory, dataset_writer):
    arcsec = 1 / 3600
    catalogs = {
        "GAIADR2": _catalog("GAIADR2", [
            [10.0, 20.0 + 2 * arcsec, 17.5, 1],
            [10.0, 20.0 + 0.05 * arcsec, None, 0],
            [10.0, 20.0 - 3 * arcsec, float("inf"), float("nan")],
            [50.0, 50.0, 12.0, 1],
        ]),
        "SDSSDR10": _catalog("SDSSDR10", [[10.0, 20.0 + 40 * arcsec, 19.0, 2]],
                             [{"name": "ra", "units": "deg"}, {"name": "dec", "units": "deg"},
                              {"name": "Mag_G", "units": "mag"}, {"name": "Flag", "units": ""}]),
        "NEDz": _catalog("NEDz", [[100.0, -5.0, 15.0, 3]]),
    }
    root = dataset_writer(tmp_path_factory.mktemp("cats"), catalogs=catalogs)
    with SampleServer(root) as server:
        yield server


def test_conesearch_computed(computed):
    body = catshtm(computed, "/conesearch", catalog="GAIADR2", ra=10, dec=20, radius=5).json()
    assert list(body) == ["GAIA/DR2"]
    cols = body["GAIA/DR2"]
    assert list(cols) == ["Dec", "Flag", "Mag_G", "RA"]  # sorted column names
    assert cols["RA"]["units"] == "deg" and cols["Flag"]["units"] == " "
    # sorted by declination; missing values "null", infinities "infinity"
    assert cols["Mag_G"]["values"] == ["infinity", "null", 17.5]
    assert cols["Flag"]["values"] == ["null", 0, 1]
    assert catshtm(computed, "/conesearch", catalog="GAIADR2", ra=10, dec=20,
                   radius=0.01).json() == {}
    assert catshtm(computed, "/conesearch", catalog="WISE", ra=10, dec=20, radius=5).json() == {}
    cats = catshtm(computed, "/conesearch_all", ra=10, dec=20, radius=60).json()["catalogs"]
    assert [list(c)[0] for c in cats] == ["GAIA/DR2", "SDSS/DR10"]


def test_crossmatch_computed(computed):
    # GAIADR2's default radius is 0.1 arcsec: only the source 0.05 arcsec away
    near = catshtm(computed, "/crossmatch", catalog="GAIADR2", ra=10, dec=20).json()
    assert near["Mag_G"] == {"unit": "mag", "value": "null"}
    assert near["distance"]["unit"] == "arcsec"
    assert near["distance"]["value"] == pytest.approx(0.05, rel=1e-6)
    assert list(near)[-1] == "distance"
    # SDSS/DR10: default 50 arcsec reaches the source 40 arcsec away
    sdss = catshtm(computed, "/crossmatch", catalog="SDSSDR10", ra=10, dec=20).json()
    assert sdss["distance"]["value"] == pytest.approx(40, rel=1e-6)
    assert sdss["Flag"] == {"unit": " ", "value": 2}
    assert catshtm(computed, "/crossmatch", catalog="SDSSDR10", ra=10, dec=20,
                   radius=30).json() == {}
    every = catshtm(computed, "/crossmatch_all", ra=10, dec=20).json()
    assert [list(x)[0] for x in every] == ["GAIA/DR2", "NEDz", "SDSS/DR10"]
    assert every[1] == {"NEDz": {}}
    assert every[2]["SDSS/DR10"]["distance"]["value"] == pytest.approx(40, rel=1e-6)


@pytest.mark.parametrize(("route", "params"), [
    ("/conesearch", {"catalog": "GAIADR2", "ra": "abc", "dec": 20, "radius": 5}),
    ("/conesearch", {"catalog": "GAIADR2", "ra": 10, "dec": 20}),
    ("/conesearch_all", {"ra": 10, "radius": 5}),
    ("/crossmatch", {"catalog": "GAIADR2", "dec": 20}),
    ("/crossmatch_all", {"ra": 10, "dec": "x"}),
])
def test_invalid_arguments(computed, route, params):
    r = catshtm(computed, route, **params)
    assert r.headers["Content-Type"] == "application/json"
    assert json.loads(r.text) == INVALID


def test_catalog_table():
    assert len(CATSHTM_CATALOGS) == 33
    names = {req: disp for req, disp, _ in CATSHTM_CATALOGS}
    assert names["GAIADR2"] == "GAIA/DR2" and names["TMASS"] == "2MASS"
    assert names["TMASSxsc"] == "2MASSxsc" and names["SDSSDR10"] == "SDSS/DR10"
    assert names["GAIADR1"] == "GAIA/DR1" and names["CRTS_per_var"] == "CRTS"
    assert default_radius("XMM") == 8 and default_radius("GAIA/DR2") == 0.1
    assert default_radius("WISE") == 50 and math.isclose(default_radius("NVSS"), 10.8)
