"""SampleServer with multisurvey data: mounting, data folders, load shedding."""

import shutil
import threading
import time

import requests

from alerce_astro.offline import SampleServer
from alerce_astro.offline.multisurvey import MultisurveyDataset, split_data


def get(server, path, **params):
    return requests.get(server.urls["multisurvey"] + path, params=params, timeout=60)


def test_busy_limit_sheds_load_with_retry_after(lsst_recorded_dir, lsst_cutouts_dir):
    with SampleServer([lsst_recorded_dir, lsst_cutouts_dir], busy_limit=0) as server:
        r = get(server, "/object_api/list_objects", survey="lsst")
        assert r.status_code == 503
        assert r.text == "Service busy, please retry"
        assert r.headers["Retry-After"] == "1"
        assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert get(server, "/").text == "ok"  # the gateway itself never sheds
        # the ZTF services are not the multisurvey pods
        assert requests.get(server.urls["lightcurve_v2"] + "/forced-photometry/ZTF20aaelulu",
                            timeout=60).status_code == 200


def test_busy_limit_counts_requests_in_flight(lsst_recorded_dir):
    with SampleServer(lsst_recorded_dir, busy_limit=2) as server:
        assert get(server, "/classifier_api/classifiers").status_code == 200
        # hold two requests in flight: answers dripped slowly
        server.inject(r"^/hold", body=b"x" * 40, drip=(1, 0.05), times=2)
        holders = [threading.Thread(target=requests.get, args=(server.url + "/hold",),
                                    kwargs={"timeout": 60}) for _ in range(2)]
        for t in holders:
            t.start()
        deadline = time.monotonic() + 30
        while sum(e["path"] == "/hold" for e in server.requests) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        busy = get(server, "/classifier_api/classifiers")
        for t in holders:
            t.join()
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        # once the held answers are done (their handlers end just after the last byte),
        # a retry gets through
        while get(server, "/classifier_api/classifiers").status_code == 503:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_ztf_and_lsst_data_on_one_host(ztf_recorded_dir, lsst_recorded_dir, lsst_cutouts_dir):
    with SampleServer([ztf_recorded_dir, lsst_recorded_dir, lsst_cutouts_dir]) as server:
        url = server.url
        assert server.urls["multisurvey"] == url
        assert requests.get(server.urls["ztf_v1"] + "/objects/ZTF20aaelulu",
                            timeout=60).json()["ndet"] == 58
        body = get(server, "/object_api/object", oid="170028485706776685", survey_id="lsst")
        assert body.json()["n_det"] == 346
        # the ZTF list knows nothing of LSST objects
        page = requests.get(server.urls["ztf_v1"] + "/objects/", params={"count": "true"},
                            timeout=60).json()
        assert all(str(item["oid"]).startswith("ZTF") for item in page["items"])
        assert get(server, "/").text == "ok"
        nginx = get(server, "/foo_api/list_objects")
        assert nginx.status_code == 404 and "nginx" in nginx.text
        assert requests.get(url + "/nothing", timeout=60).status_code == 404
        assert server.client() is not None


def test_split_data_and_nested_lsst_folder(tmp_path, ztf_recorded_dir, lsst_recorded_dir,
                                           lsst_cutouts_dir):
    ztf, multi = split_data([ztf_recorded_dir, lsst_recorded_dir, lsst_cutouts_dir])
    assert ztf == [ztf_recorded_dir] and multi == [lsst_recorded_dir, lsst_cutouts_dir]
    sample = tmp_path / "sample"
    shutil.copytree(ztf_recorded_dir / "objects", sample / "objects")
    shutil.copytree(lsst_recorded_dir / "objects", sample / "lsst" / "objects")
    ztf, multi = split_data(sample)
    assert ztf == [sample] and multi == [sample / "lsst"]
    with SampleServer(sample) as server:
        assert len(server.multisurvey) == 8
        assert get(server, "/object_api/list_objects", survey="lsst").json()["total"] == 10


def test_large_datasets_are_indexed_without_parsing_light_curves(lsst_recorded_dir,
                                                                 lsst_cutouts_dir):
    resident = MultisurveyDataset([lsst_recorded_dir, lsst_cutouts_dir])
    lazy = MultisurveyDataset([lsst_recorded_dir, lsst_cutouts_dir], resident_bytes=0)
    assert lazy._resident is None
    assert list(lazy.objects) == list(resident.objects)
    for oid, obj in resident.objects.items():
        other = lazy.objects[oid]
        assert (other.row, other.survey_row, other.probs, other.sid) == (
            obj.row, obj.survey_row, obj.probs, obj.sid)
        assert lazy.detections(other) == resident.detections(obj)
        assert lazy.forced_photometry(other) == resident.forced_photometry(obj)
    assert [r.physical for r in lazy.probability_rows] == [
        r.physical for r in resident.probability_rows]
    assert lazy.classifiers == resident.classifiers


def test_served_openapi_and_metrics(lsst_server):
    doc = get(lsst_server, "/lightcurve_api/v2/lightcurve/openapi.json").json()
    assert doc == get(lsst_server, "/lightcurve_api/openapi.json").json()
    assert "/conesearch/objects_by_coordinates" in doc["paths"]
    metrics = get(lsst_server, "/object_api/metrics")
    assert metrics.status_code == 200 and metrics.headers["Content-Type"].startswith(
        "text/plain")
