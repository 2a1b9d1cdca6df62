"""The ZTF API v1 routes of SampleServer: bodies, quirks and errors."""

import http.client
import json

import pytest
import requests

from alerce_astro.offline import SampleServer


def get(server, path, **kwargs):
    kwargs.setdefault("allow_redirects", False)
    return requests.get(server.urls["ztf_v1"] + path, timeout=30, **kwargs)


def raw_request(server, method, target, headers=None):
    """One request with http.client (no URL normalisation); returns status, headers, body."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, target, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def aaelulu(recorded_dir):
    return json.loads((recorded_dir / "objects" / "ZTF20aaelulu.json").read_text())


# ---------------------------------------------------------------- recorded data, one object
def test_urls_and_url(recorded_server):
    url = recorded_server.url
    assert url.startswith("http://127.0.0.1:")
    assert recorded_server.urls == {"ztf_v1": url + "/ztf/v1",
                                    "lightcurve_v2": url + "/v2/lightcurve",
                                    "stamps": url + "/stamps", "catshtm": url + "/catshtm"}


def test_object_body_is_exact(recorded_server, aaelulu):
    r = get(recorded_server, "/objects/ZTF20aaelulu")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    assert r.text == json.dumps(aaelulu["object"])
    body = r.json()
    assert body["ndethist"] == "259"  # a string holding an int
    assert body["ndet"] == 58
    assert "class" not in body and "probability" not in body


def test_lightcurve_keeps_nulls_detections_drop_them(recorded_server, aaelulu):
    lc = get(recorded_server, "/objects/ZTF20aaelulu/lightcurve").json()
    assert len(lc["detections"]) == 58 and len(lc["non_detections"]) == 17
    assert all("magpsf_corr" in d for d in lc["detections"])
    assert sum(d["magpsf_corr"] is None for d in lc["detections"]) == 27
    dets = get(recorded_server, "/objects/ZTF20aaelulu/detections").json()
    assert len(dets) == 58
    assert all(None not in d.values() for d in dets)
    assert sum("magpsf_corr" in d for d in dets) == 58 - 27
    assert all(isinstance(d["candid"], str) for d in dets)
    assert dets[0]["candid"] == "1101542291015015004"
    # parent_candid beyond 2**53 comes back exact
    assert dets[0]["parent_candid"] == 1121521071015015006
    mjds = [d["mjd"] for d in dets]
    assert mjds == sorted(mjds)
    nondets = get(recorded_server, "/objects/ZTF20aaelulu/non_detections").json()
    assert nondets == aaelulu["lightcurve"]["non_detections"]


def test_null_lightcurve(recorded_server):
    r = get(recorded_server, "/objects/ZTF18acpfwmm/lightcurve")
    assert r.status_code == 200 and r.text == "null"
    assert get(recorded_server, "/objects/ZTF18acpfwmm/detections").text == "[]"
    assert get(recorded_server, "/objects/ZTF18acpfwmm/non_detections").text == "[]"


def test_magstats_probabilities_features(recorded_server, aaelulu):
    assert len(get(recorded_server, "/objects/ZTF20aaelulu/magstats").json()) == 2
    probs = get(recorded_server, "/objects/ZTF20aaelulu/probabilities").json()
    assert len(probs) == 38
    assert list(probs[0]) == ["classifier_name", "classifier_version", "class_name",
                              "probability", "ranking"]
    top = get(recorded_server, "/objects/ZTF20aaelulu/probabilities",
              params={"classifier": "lc_classifier_top"}).json()
    assert {p["class_name"] for p in top} == {"Transient", "Stochastic", "Periodic"}
    assert get(recorded_server, "/objects/ZTF20aaelulu/probabilities",
               params={"classifier": "nope"}).json() == []
    stamp = get(recorded_server, "/objects/ZTF20aaelulu/probabilities",
                params={"classifier_version": "stamp_classifier_1.0.0"}).json()
    assert len(stamp) == 5 and {p["classifier_name"] for p in stamp} == {"stamp_classifier"}
    feats = get(recorded_server, "/objects/ZTF20aaelulu/features").json()
    assert len(feats) == 178
    assert len(get(recorded_server, "/objects/ZTF20aaelulu/features", params={"fid": 1}).json()) \
        == 78
    band0 = get(recorded_server, "/objects/ZTF20aaelulu/features", params={"fid": 0}).json()
    assert len(band0) == 10 and {f["fid"] for f in band0} == {0}
    amp = get(recorded_server, "/objects/ZTF20aaelulu/features/Amplitude").json()
    assert [(f["name"], f["fid"]) for f in amp] == [("Amplitude", 1), ("Amplitude", 2)]
    amp2 = get(recorded_server, "/objects/ZTF20aaelulu/features/Amplitude",
               params={"fid": 2}).json()
    assert len(amp2) == 1 and amp2[0]["fid"] == 2
    assert get(recorded_server, "/objects/ZTF20aaelulu/features/NoSuchFeature").json() == []
    assert get(recorded_server, "/objects/ZTF20aaelulu/features",
               params={"version": "nope"}).json() == []


def test_survey_id(recorded_server):
    assert get(recorded_server, "/objects/ZTF20aaelulu/detections",
               params={"survey_id": "atlas"}).json() == []
    assert get(recorded_server, "/objects/ZTF20aaelulu/lightcurve",
               params={"survey_id": "atlas"}).json() == {"detections": [], "non_detections": []}
    r = get(recorded_server, "/objects/ZTF20aaelulu/lightcurve", params={"survey_id": "lsst"})
    assert r.status_code == 400
    assert r.text == ('{"errors": {"survey_id": "The value \'lsst\' is not a valid choice for '
                      '\'survey_id\'."}, "message": "Input payload validation failed"}\n')


def test_not_found_messages(recorded_server):
    r = get(recorded_server, "/objects/ZTF99aaaaaaa")
    assert r.status_code == 404
    assert r.json() == {"message": "Object not found. You have requested this URI "
                        "[/objects/ZTF99aaaaaaa] but did you mean /objects/<id>/features/<name> ?"}
    r = get(recorded_server, "/objects/ZTF99aaaaaaa/magstats")
    assert r.status_code == 404
    assert r.json()["message"].startswith("The requested URL was not found on the server.")
    assert r.json()["message"].endswith("did you mean /objects/<id>/magstats ?")
    for path in ("/objects/ZTF20aaelulu/", "/objects/ZTF20aaelulu/lightcurve/", "/nothing",
                 "/objects/ZTF20aaelulu/features/Power_rate_1%2F2", "/classifiers/lc_classifier"):
        r = get(recorded_server, path)
        assert r.status_code == 404, path
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert r.text.startswith("<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>")


def test_redirect_without_trailing_slash(recorded_server):
    r = get(recorded_server, "/objects", params={"page_size": 2, "oid": "ZTF20aaelulu"})
    assert r.status_code == 308
    host = recorded_server.url.removeprefix("http://")
    assert r.headers["Location"] == (f"http://{host}/ztf/v1/objects/?page_size=2&"
                                     "oid=ZTF20aaelulu")
    assert "page_size=2&amp;oid=ZTF20aaelulu" in r.text
    followed = requests.get(recorded_server.urls["ztf_v1"] + "/objects?page_size=2", timeout=30)
    assert followed.status_code == 200 and len(followed.json()["items"]) == 2
    assert get(recorded_server, "/classifiers").headers["Location"].endswith("/ztf/v1/classifiers/")


def test_post_is_405_and_double_slash(recorded_server, aaelulu):
    r = requests.post(recorded_server.urls["ztf_v1"] + "/objects/", timeout=30)
    assert r.status_code == 405
    assert r.text == '{"message": "The method is not allowed for the requested URL."}\n'
    status, _, body = raw_request(recorded_server, "GET", "/ztf/v1//objects/ZTF20aaelulu")
    assert status == 200 and body.decode() == json.dumps(aaelulu["object"])


def test_bad_parameters(recorded_server):
    cases = {
        "page=1.5": ("page", "Page or offset to retrieve. invalid literal for int() with base 10: "
                             "'1.5'"),
        "count=maybe": ("count", "Whether to count total objects or not. module "
                                 "'flask_restx.reqparse' has no attribute 'ArgumentTypeError'"),
        "order_by=bogus&page=abc": ("page", "Page or offset to retrieve. invalid literal for "
                                            "int() with base 10: 'abc'"),
        "order_by=ndet&order_mode=desc": ("order_mode", "Ordering could be ascendent or "
                                          "descendent The value 'desc' is not a valid choice for "
                                          "'order_mode'."),
        "ranking=first": ("ranking", "Class ordering by probability from highest to lowest. "
                                     "(Default 1) invalid literal for int() with base 10: "
                                     "'first'"),
        "ra=abc&dec=1": ("ra", "Ra in degrees for conesearch. could not convert string to float: "
                               "'abc'"),
        "ndet=1&ndet=x": ("ndet", "Range of detections. invalid literal for int() with base 10: "
                                  "'x'"),
    }
    for query, (name, message) in cases.items():
        r = get(recorded_server, "/objects/?" + query)
        assert r.status_code == 400, query
        assert r.text == json.dumps({"errors": {name: message},
                                     "message": "Input payload validation failed"}) + "\n"
    r = get(recorded_server, "/objects/ZTF20aaelulu/features", params={"fid": "g"})
    assert r.json()["errors"] == {"fid": "Feature fid number invalid literal for int() with base "
                                         "10: 'g'"}


def test_x_fields(recorded_server):
    r = get(recorded_server, "/objects/ZTF20aaelulu", headers={"X-Fields": "ndet,oid,nope"})
    assert r.json() == {"ndet": 58, "oid": "ZTF20aaelulu"}
    assert list(r.json()) == ["ndet", "oid"]
    r = get(recorded_server, "/objects/?oid=ZTF20aaelulu",
            headers={"X-Fields": "total,items{oid,ndet}"})
    assert r.json() == {"total": None, "items": [{"oid": "ZTF20aaelulu", "ndet": 58}]}
    # the mask applies to the envelope, as in flask-restx: plain item keys select nothing
    assert get(recorded_server, "/objects/", headers={"X-Fields": "oid"}).json() == {}


def test_head_healthcheck_limits_classifiers(recorded_server):
    r = requests.head(recorded_server.urls["ztf_v1"] + "/objects/ZTF20aaelulu", timeout=30)
    assert r.status_code == 200 and r.content == b"" and int(r.headers["Content-Length"]) == 525
    r = get(recorded_server, "/healthcheck")
    assert r.text == "OK" and r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert get(recorded_server, "/objects/limit_values").json() == {
        "min_ndet": 1, "max_ndet": 818, "min_firstmjd": 58244.36099540023,
        "max_firstmjd": 59107.38334489986}
    table = get(recorded_server, "/classifiers/").json()
    assert [(c["classifier_name"], c["classifier_version"]) for c in table] == [
        ("lc_classifier", "hierarchical_random_forest_1.0.0"),
        ("lc_classifier", "hierarchical_rf_1.1.0"),
        ("lc_classifier_periodic", "hierarchical_rf_1.1.0"),
        ("lc_classifier_stochastic", "hierarchical_rf_1.1.0"),
        ("lc_classifier_top", "hierarchical_rf_1.1.0"),
        ("lc_classifier_transient", "hierarchical_rf_1.1.0"),
        ("stamp_classifier", "stamp_classifier_1.0.0")]
    assert get(recorded_server, "/classifiers/lc_classifier_top/hierarchical_rf_1.1.0/classes"
               ).json() == [{"name": "Transient"}, {"name": "Stochastic"}, {"name": "Periodic"}]
    r = get(recorded_server, "/classifiers/nope/1.0/classes")
    assert r.status_code == 404
    assert r.json()["message"].endswith(
        "did you mean /classifiers/<classifier_name>/<classifier_version>/classes or "
        "/classifiers/ ?")


def test_keep_alive_and_request_log(recorded_server):
    recorded_server.reset_requests()
    host, port = recorded_server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        for oid in ("ZTF20aaelulu", "ZTF18abbuive", "ZTF99aaaaaaa"):
            conn.request("GET", f"/ztf/v1/objects/{oid}", headers={"X-Test": oid})
            resp = conn.getresponse()
            resp.read()
            assert resp.getheader("Connection") != "close"
    finally:
        conn.close()
    log = recorded_server.requests
    assert [(e["method"], e["path"], e["service"], e["status"]) for e in log] == [
        ("GET", "/ztf/v1/objects/ZTF20aaelulu", "ztf", 200),
        ("GET", "/ztf/v1/objects/ZTF18abbuive", "ztf", 200),
        ("GET", "/ztf/v1/objects/ZTF99aaaaaaa", "ztf", 404)]
    assert log[0]["headers"]["X-Test"] == "ZTF20aaelulu"
    requests.get(recorded_server.url + "/elsewhere?x=1", timeout=30)
    last = recorded_server.requests[-1]
    assert (last["service"], last["status"], last["query"]) == (None, 404, "x=1")
    recorded_server.reset_requests()
    assert recorded_server.requests == []


# ---------------------------------------------------------------- hand-made datasets
def test_nan_and_infinity_tokens(write_dataset, object_row):
    nan = float("nan")
    root = write_dataset({
        "ZTF20aaaaaaa": {"object": object_row("ZTF20aaaaaaa", g_r_max=nan, deltajd=float("inf")),
                         "magstats": [{"fid": 1, "magsigma": nan}],
                         "probabilities": [], "features": [
                             {"name": "Period", "value": float("-inf"), "fid": 1, "version": "v"}]},
    })
    with SampleServer(root) as server:
        text = get(server, "/objects/ZTF20aaaaaaa").text
        assert '"g_r_max": NaN' in text and '"deltajd": Infinity' in text
        assert get(server, "/objects/ZTF20aaaaaaa/magstats").text == \
            '[{"fid": 1, "magsigma": NaN}]'
        assert '"value": -Infinity' in get(server, "/objects/ZTF20aaaaaaa/features").text
        assert '"g_r_max": NaN' in get(server, "/objects/").text


def test_partial_object_files_and_classifiers_json(write_dataset, object_row):
    table = [{"classifier_name": "mine", "classifier_version": "1", "classes": ["A", "B"]}]
    root = write_dataset({
        "ZTF20aaaaaaa": {"object": object_row("ZTF20aaaaaaa")},
        "ZTF20bbbbbbb": {"lightcurve": {"detections": [{"mjd": 1.0, "candid": "1", "x": None}],
                                        "non_detections": []}},
    }, classifiers=table)
    with SampleServer(root) as server:
        assert get(server, "/classifiers/").json() == table
        assert get(server, "/classifiers/mine/1/classes").json() == [{"name": "A"}, {"name": "B"}]
        # no object row: not listed, /objects/{oid} is 404, its light curve is served
        assert [i["oid"] for i in get(server, "/objects/").json()["items"]] == ["ZTF20aaaaaaa"]
        assert get(server, "/objects/ZTF20bbbbbbb").status_code == 404
        assert get(server, "/objects/ZTF20bbbbbbb/detections").json() == [
            {"mjd": 1.0, "candid": "1"}]
        # missing keys: empty answers, a null light curve
        assert get(server, "/objects/ZTF20aaaaaaa/lightcurve").text == "null"
        for sub in ("magstats", "probabilities", "features", "detections"):
            assert get(server, f"/objects/ZTF20aaaaaaa/{sub}").json() == []


def test_merged_datasets_later_wins(write_dataset, object_row):
    first = write_dataset({"ZTF20aaaaaaa": {"object": object_row("ZTF20aaaaaaa", ndet=1)},
                           "ZTF20bbbbbbb": {"object": object_row("ZTF20bbbbbbb", ndet=2)}})
    second = write_dataset({"ZTF20aaaaaaa": {"object": object_row("ZTF20aaaaaaa", ndet=9)}})
    with SampleServer([first, second]) as server:
        assert get(server, "/objects/ZTF20aaaaaaa").json()["ndet"] == 9
        assert get(server, "/objects/?count=true").json()["total"] == 2
        assert get(server, "/objects/limit_values").json()["max_ndet"] == 9


def test_bad_dataset_paths(tmp_path):
    with pytest.raises(FileNotFoundError):
        SampleServer(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="not a dataset folder"):
        SampleServer(tmp_path / "empty")
