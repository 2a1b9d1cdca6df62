"""Servers and data of the crossmatch tests: the real recorded catsHTM answers, and a small
catalog set written here around a real recorded object."""

import json

import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord

#: Where the recorded catsHTM answers were asked (index.json of the fixtures).
RECORDED_TARGET = SkyCoord(357.73373 * u.deg, 14.20514 * u.deg)
#: A real recorded object, and its mean position (recorded/objects/ZTF20aaelulu.json).
OID = "ZTF20aaelulu"
OID_TARGET = SkyCoord(185.72886239827588 * u.deg, 15.823611163793103 * u.deg)


def offset(coord, angle_deg, arcsec):
    """``coord`` moved ``arcsec`` towards position angle ``angle_deg``."""
    return coord.directional_offset_by(angle_deg * u.deg, arcsec * u.arcsec)


#: The hand-made catalogs: name -> (columns, [(position angle, arcsec, other values...)]).
HANDMADE = {
    "SpecSDSS": ([("RA", "deg"), ("Dec", "deg"), ("z", " "), ("zErr", " "),
                  ("modelMag_r", "mag")],
                 [(0.0, 2.0, 0.0341, 1.5e-5, 16.2), (200.0, 40.0, 0.2, 2e-4, 19.0)]),
    "GAIADR2": ([("RA", "deg"), ("Dec", "deg"), ("Mag_G", "mag"), ("RV", "km/s"),
                 ("Epoch", "JYear")],
                [(45.0, 0.05, 16.9, 12.5, 2015.5), (90.0, 12.0, 19.2, None, 2015.5),
                 (300.0, 25.0, 20.1, None, 2015.5)]),
    "Cosmos": ([("RA", "deg"), ("Dec", "deg"), ("zphot", " ")], [(120.0, 5.0, 0.52)]),
    "TMASS": ([("RA", "deg"), ("Dec", "deg"), ("Epoch", "JD"), ("Mag_J", "mag")],
              [(10.0, 0.7, 2451081.8375, 15.1)]),
}


@pytest.fixture(scope="session")
def catshtm_dir(fixtures_dir):
    """The real recorded catsHTM answers (with their index.json)."""
    path = fixtures_dir / "catshtm"
    if not (path / "index.json").is_file():
        pytest.skip("alerce-fixtures/catshtm/index.json is missing")
    return path


@pytest.fixture(scope="session")
def recorded_answers(catshtm_dir):
    """route -> (params, decoded body) of every recorded answer."""
    index = json.loads((catshtm_dir / "index.json").read_text())
    out = {}
    for entry in index:
        body = json.loads((catshtm_dir / entry["file"]).read_text())
        out[entry["route"]] = (entry["params"], body)
    return out


@pytest.fixture(scope="session")
def catshtm_server(catshtm_dir):
    """An offline server replaying the recorded catsHTM answers."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=catshtm_dir) as server:
        yield server


@pytest.fixture
def catshtm_client(catshtm_server, client_of):
    """A client of `catshtm_server` with its own empty cache; the request log emptied."""
    return client_of(catshtm_server)


@pytest.fixture(scope="session")
def handmade_dir(tmp_path_factory):
    """A dataset of hand-made catalogs around ZTF20aaelulu (written here, not copied)."""
    root = tmp_path_factory.mktemp("handmade_catalogs")
    (root / "catalogs").mkdir()
    for name, (columns, rows) in HANDMADE.items():
        out = []
        for angle, arcsec, *values in rows:
            where = offset(OID_TARGET, angle, arcsec)
            out.append([where.ra.deg, where.dec.deg, *values])
        body = {"columns": [{"name": n, "units": unit} for n, unit in columns], "rows": out}
        (root / "catalogs" / f"{name}.json").write_text(json.dumps(body))
    return root


@pytest.fixture(scope="session")
def object_server(fixtures_dir, handmade_dir):
    """The real recorded objects, plus the hand-made catalogs around ZTF20aaelulu."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=[fixtures_dir / "recorded", handmade_dir]) as server:
        yield server


@pytest.fixture
def object_client(object_server, client_of):
    """A client of `object_server` with its own empty cache."""
    return client_of(object_server)


@pytest.fixture(scope="session")
def recorded_target():
    """Where the recorded catsHTM answers were asked."""
    return RECORDED_TARGET


@pytest.fixture(scope="session")
def oid_target():
    """The mean position of ZTF20aaelulu."""
    return OID_TARGET
