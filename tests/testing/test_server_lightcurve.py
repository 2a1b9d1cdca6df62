"""The light curve API v2 (forced photometry) of SampleServer."""

import gzip
import json

import pytest
import requests

from alerce_astro.offline import SampleServer

ROWS = [
    {"candid": "ZTF20aaaaaaa1101", "tid": "ztf", "sid": "ztf", "aid": None, "pid": 1101,
     "oid": "ZTF20aaaaaaa", "mjd": 58855.5, "fid": 1, "ra": 10.0, "e_ra": 0.0, "dec": 20.0,
     "e_dec": 0.0, "mag": 18.5, "e_mag": 0.05, "mag_corr": None, "e_mag_corr": None,
     "e_mag_corr_ext": None, "isdiffpos": 1, "corrected": False, "dubious": False,
     "parent_candid": 1234567890123456789, "has_stamp": False,
     "extra_fields": {"field": 100, "rcid": 12, "diffmaglim": 20.1, "sciinpseeing": 2.1}},
    {"candid": "ZTF20aaaaaaa1102", "tid": "ztf", "sid": "ztf", "aid": None, "pid": 1102,
     "oid": "ZTF20aaaaaaa", "mjd": 58856.5, "fid": 2, "ra": 10.0, "e_ra": 0.0, "dec": 20.0,
     "e_dec": 0.0, "mag": float("nan"), "e_mag": None, "mag_corr": None, "e_mag_corr": None,
     "e_mag_corr_ext": None, "isdiffpos": -1, "corrected": False, "dubious": True,
     "parent_candid": None, "has_stamp": False, "extra_fields": {"field": 100, "rcid": 12}},
]


@pytest.fixture(scope="module")
def server(tmp_path_factory, dataset_writer, object_row):
    root = dataset_writer(tmp_path_factory.mktemp("fp"), {
        "ZTF20aaaaaaa": {"object": object_row("ZTF20aaaaaaa"), "forced_photometry": ROWS},
        "ZTF20bbbbbbb": {"object": object_row("ZTF20bbbbbbb")},
    })
    with SampleServer(root) as srv:
        yield srv


def fp(server, oid, **kwargs):
    return requests.get(f"{server.urls['lightcurve_v2']}/forced-photometry/{oid}", timeout=30,
                        **kwargs)


def test_forced_photometry_rows(server):
    r = fp(server, "ZTF20aaaaaaa")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    # requests asks for gzip: the body came compressed and was decoded
    assert r.headers["Content-Encoding"] == "gzip"
    rows = r.json()
    assert len(rows) == 2
    assert rows[0]["extra_fields"] == {"field": 100, "rcid": 12, "diffmaglim": 20.1,
                                       "sciinpseeing": 2.1}
    assert rows[0]["parent_candid"] == 1234567890123456789
    assert rows[1]["mag"] != rows[1]["mag"]  # NaN
    assert list(rows[0]) == list(ROWS[0])


def test_gzip_only_when_accepted(server):
    plain = fp(server, "ZTF20aaaaaaa", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert len(json.loads(plain.content)) == 2
    raw = fp(server, "ZTF20aaaaaaa", headers={"Accept-Encoding": "gzip"}, stream=True)
    try:
        body = raw.raw.read(decode_content=False)
    finally:
        raw.close()
    assert body[:2] == b"\x1f\x8b"
    assert json.loads(gzip.decompress(body)) == json.loads(plain.content)
    no = fp(server, "ZTF20aaaaaaa", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in no.headers


def test_unknown_or_absent_is_empty(server):
    for oid in ("ZTF20bbbbbbb", "ZTF99zzzzzzz"):
        r = fp(server, oid)
        assert r.status_code == 200 and r.json() == []
    assert fp(server, "ZTF20aaaaaaa", params={"survey_id": "ztf"}).json() != []
    assert fp(server, "ZTF20aaaaaaa", params={"survey_id": "lsst"}).json() == []
    r = requests.get(server.urls["lightcurve_v2"] + "/lightcurve/ZTF20aaaaaaa", timeout=30)
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}


def test_recorded_objects_have_no_forced_photometry(recorded_dir):
    with SampleServer(recorded_dir) as srv:
        assert fp(srv, "ZTF20aaelulu").json() == []
