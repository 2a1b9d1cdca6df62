"""The mount table (prefixes and urls from one place) and datasets that name their survey."""

import json
from pathlib import Path

import pytest
import requests

from alerce_astro.offline import SampleServer
from alerce_astro.offline.dataset import Dataset, dataset_survey, split_by_survey
from alerce_astro.offline.server import MOUNTS, SERVICE_PREFIXES

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "alerce-fixtures"


# ------------------------------------------------------------------ the mount table
def test_one_table_gives_prefixes_and_urls(recorded_server):
    assert [m.key for m in MOUNTS] == ["ztf_v1", "lightcurve_v2", "stamps", "catshtm",
                                       "multisurvey"]
    assert SERVICE_PREFIXES == {"ztf_v1": "/ztf/v1", "lightcurve_v2": "/v2/lightcurve",
                                "stamps": "/stamps", "catshtm": "/catshtm", "multisurvey": ""}
    urls = recorded_server.urls
    assert urls == {key: recorded_server.url + prefix for key, prefix in SERVICE_PREFIXES.items()}
    # every mounted service answers under its own URL
    assert requests.get(urls["ztf_v1"] + "/healthcheck", timeout=30).text == "OK"
    assert requests.get(urls["lightcurve_v2"] + "/forced-photometry/ZTF20aaelulu",
                        timeout=30).json() == []
    assert requests.get(urls["stamps"] + "/get_stamp", timeout=30).status_code == 400
    assert requests.get(urls["catshtm"] + "/conesearch", timeout=30).json() == \
        "Request contains one or more invalid arguments."


def test_host_root_serves_the_multisurvey_api_and_nothing_else(recorded_server):
    # /<svc>_api paths go to the multisurvey API (empty here: its validation still answers)
    recorded_server.reset_requests()
    r = requests.get(recorded_server.urls["multisurvey"] + "/object_api/object?oid=1",
                     timeout=30)
    assert r.status_code == 422 and recorded_server.requests[-1]["service"] == "multisurvey"
    # any other path of the host root: Flask's HTML 404, logged under no service
    r = requests.get(recorded_server.url + "/nothing/here", timeout=30)
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html")
    assert recorded_server.requests[-1]["service"] is None
    # a prefix is a whole path segment: /ztf/v1x is not the ZTF API
    assert requests.get(recorded_server.url + "/ztf/v1x/healthcheck", timeout=30).status_code \
        == 404


def test_client_points_at_every_service(recorded_server):
    client = recorded_server.client()
    assert set(recorded_server.urls.values()) - {recorded_server.urls["multisurvey"]} <= \
        set(client.urls.values())
    assert client.query_object("ZTF20aaelulu")["ndet"][0] == 58


# ------------------------------------------------------------------ datasets name a survey
def _folder(root, *, meta=None, objects=(), files=()):
    root.mkdir(parents=True)
    if meta is not None:
        (root / "dataset.json").write_text(json.dumps(meta))
    if objects:
        (root / "objects").mkdir()
        for name in objects:
            (root / "objects" / f"{name}.json").write_text("{}")
    for name in files:
        (root / name).write_bytes(b"")
    return root


def test_survey_from_dataset_json_or_inferred(tmp_path):
    assert dataset_survey(_folder(tmp_path / "a", meta={"survey": "lsst"})) == "lsst"
    assert dataset_survey(_folder(tmp_path / "b", meta={"survey": "ztf"},
                                  objects=["170028485706776685"])) == "ztf"  # it says so
    assert dataset_survey(_folder(tmp_path / "c", objects=["ZTF20aaelulu"])) == "ztf"
    assert dataset_survey(_folder(tmp_path / "d", objects=["index", "170028485706776685"])) \
        == "lsst"
    assert dataset_survey(_folder(tmp_path / "e", files=[
        "170028485706776685_170094456272322680_cutoutScience.fits"])) == "lsst"
    assert dataset_survey(_folder(tmp_path / "f", files=["index.json"])) == "ztf"
    with pytest.raises(ValueError, match="'tess' is not one of"):
        dataset_survey(_folder(tmp_path / "g", meta={"survey": "tess"}))


@pytest.mark.parametrize("name, survey", [
    ("recorded", "ztf"), ("alerts", "ztf"), ("catshtm", "ztf"),
    ("lsst-recorded", "lsst"), ("lsst-alerts/cutouts", "lsst")])
def test_survey_of_the_shared_fixtures(name, survey):
    path = FIXTURES / name
    if not path.is_dir():
        pytest.skip(f"shared fixtures not found at {path}")
    assert dataset_survey(path) == survey


def test_generated_ztf_dataset_says_ztf():
    from alerce_astro.offline import sample_dataset_path

    path = sample_dataset_path()
    assert json.loads((path / "dataset.json").read_text()) == {"survey": "ztf"}
    assert dataset_survey(path) == "ztf"


def test_server_sorts_folders_by_survey(tmp_path, recorded_dir, write_dataset, object_row):
    lsst = _folder(tmp_path / "lsst", meta={"survey": "lsst"}, objects=["170028485706776685"])
    assert split_by_survey([recorded_dir, lsst]) == {"ztf": [recorded_dir], "lsst": [lsst]}
    with SampleServer([recorded_dir, lsst]) as server:
        assert server.data_by_survey == {"ztf": [recorded_dir], "lsst": [lsst]}
        assert len(server.dataset) == 249  # the ZTF services see only ZTF data
        page = requests.get(server.urls["ztf_v1"] + "/objects/?count=true", timeout=30).json()
        assert page["total"] == 249
    with SampleServer(lsst) as server:  # LSST data only: the ZTF services are empty
        assert len(server.dataset) == 0
        page = requests.get(server.urls["ztf_v1"] + "/objects/?count=true", timeout=30).json()
        assert (page["total"], page["items"]) == (0, [])
    with pytest.raises(ValueError, match="is an LSST dataset"):
        Dataset(lsst)
    with pytest.raises(ValueError, match="no dataset folder given"):
        SampleServer([])
    ztf = write_dataset({"ZTF20aaaaaaa": {"object": object_row("ZTF20aaaaaaa")}})
    (ztf / "dataset.json").write_text(json.dumps({"survey": "ztf"}))
    assert len(Dataset(ztf)) == 1 and len(Dataset.empty()) == 0
