"""
The multisurvey list rules over a larger synthetic dataset written as LSST bundles.

57 objects with two classifiers each: the look-ahead pager (``total`` at most page_size + 1,
``has_next`` reliable), one row per classifier, filters, ordering and the oid_list quirk.
"""

import json
import math

import pytest
import requests

from alerce_astro.offline import SampleServer
from alerce_astro.offline.multisurvey.dataset import LSST_DIA_COLUMNS

CLASSIFIERS = [
    {"classifier_name": "alpha", "classifier_version": "1.0.0", "classes": ["SN", "AGN", "VS"],
     "classifier_id": 4},
    {"classifier_name": "beta", "classifier_version": "2.1.0", "classes": ["SN", "AGN", "VS"],
     "classifier_id": 7},
]
N_OBJECTS = 57
BASE_OID = 400000000000000000


def bundle(i):
    """A bundle of object ``i``: position on a line of declination, n_det = 10 + i."""
    oid = BASE_OID + 7919 * i
    row = {"oid": oid, "tid": 1, "sid": 1, "meanra": 10.0 + i / 3600.0, "meandec": -30.0,
           "sigmara": 1e-7, "sigmadec": 1e-7, "firstmjd": 61000.0 + i, "lastmjd": 61100.0,
           "deltamjd": 100.0 - i, "n_det": 10 + i, "n_forced": 3, "n_non_det": 0,
           "created_date": "2026-03-06T00:00:00", "updated_date": None}
    dia = {k: None for k in LSST_DIA_COLUMNS[1:-1]}
    dia.update({"validityStartMjdTai": 61100.0, "ra": row["meanra"], "dec": -30.0,
                "nDiaSources": 10 + i})
    probs = []
    for c, clf in enumerate(CLASSIFIERS):
        values = [0.2, 0.3, 0.5] if (i + c) % 2 else [0.6, 0.3, 0.1]
        ranking = {v: n + 1 for n, v in enumerate(sorted(values, reverse=True))}
        version = int(clf["classifier_version"].replace(".", ""))
        probs += [{"classifier_name": clf["classifier_name"], "classifier_version": version,
                   "class_name": name, "probability": v, "ranking": ranking[v]}
                  for name, v in zip(clf["classes"], values, strict=True)]
    dets = [{"band_map": {"6": "u", "1": "g", "2": "r", "3": "i", "4": "z", "5": "y"},
             "band": 1, "mjd": 61000.0 + k, "survey_id": "lsst", "ra": row["meanra"],
             "dec": -30.0, "oid": oid, "measurement_id": oid + k, "psfFlux": 100.0 + k,
             "has_stamp": k == 0} for k in range(3)]
    forced = [{"band_map": dets[0]["band_map"], "band": 2, "mjd": 60990.0 + k,
               "survey_id": "lsst", "oid": oid, "measurement_id": oid + 100 + k,
               "psfFlux": float(k)} for k in range(14)]
    return {"oid": oid, "survey_id": "lsst",
            "object": {"status": 200, "body": row},
            "object_extra": {"status": 200, "body": {**{k: row[k] for k in list(row)[:13]},
                                                     **dia, "created_date": row["created_date"]}},
            "lightcurve": {"status": 200, "body": {"detections": dets, "non_detections": [],
                                                   "forced_photometry": forced[:10]}},
            "forced_photometry_all": {"status": 200, "body": forced},
            "probabilities": {"status": 200, "body": probs}}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("lsst-synthetic")
    (root / "objects").mkdir()
    for i in range(N_OBJECTS):
        data = bundle(i)
        (root / "objects" / f"{data['oid']}.json").write_text(json.dumps(data))
    (root / "dataset.json").write_text(json.dumps({"survey": "lsst",
                                                   "classifiers": CLASSIFIERS}))
    return root


@pytest.fixture(scope="module")
def server(synthetic):
    with SampleServer(synthetic) as srv:
        yield srv


def lst(server, **params):
    params.setdefault("survey", "lsst")
    r = requests.get(server.urls["multisurvey"] + "/object_api/list_objects", params=params,
                     timeout=60)
    return r


def test_look_ahead_pages_cover_every_row_once(server):
    rows, page, pages = [], 1, []
    while True:
        body = lst(server, page=page, page_size=10).json()
        pages.append(body)
        rows += body["items"]
        if not body["has_next"]:
            break
        page += 1
    expected = N_OBJECTS * 2  # one row per classifier
    assert len(pages) == math.ceil(expected / 10) == 12
    assert len(rows) == expected
    assert len({(r["oid"], r["classifier_name"]) for r in rows}) == expected
    # `total` counts the rows fetched with the look-ahead row, never the whole result
    assert [p["total"] for p in pages] == [11] * 11 + [4]
    assert [p["next"] for p in pages] == list(range(2, 13)) + [None]
    assert pages[0]["prev"] is None and pages[3]["prev"] == 3
    # default order: probability DESC then oid DESC
    keys = [(r["probability"], r["oid"]) for r in rows]
    assert keys == sorted(keys, reverse=True)
    beyond = lst(server, page=13, page_size=10).json()
    assert beyond["items"] == [] and beyond["info_message"] == "Empty query"
    assert (beyond["total"], beyond["has_prev"], beyond["prev"]) == (0, True, 12)


def test_page_clamping_and_zero_page_size(server):
    assert lst(server, page=-5, page_size=3).json()["current_page"] == 1
    body = lst(server, page_size=-1).json()
    assert len(body["items"]) == 10 and body["total"] == 11
    zero = lst(server, page_size=0).json()
    assert (zero["items"], zero["total"], zero["has_next"]) == ([], 1, True)
    assert zero["info_message"] == "Empty query"
    big = lst(server, page_size=1000).json()
    assert (len(big["items"]), big["total"], big["has_next"]) == (114, 114, False)


def test_classifier_class_and_ranking(server):
    one = lst(server, classifier="beta", page_size=100).json()["items"]
    assert len(one) == N_OBJECTS
    assert {r["classifier_version"] for r in one} == {"2.1.0"}
    sn = lst(server, classifier="alpha", class_name="SN", page_size=100).json()["items"]
    assert {r["class_name"] for r in sn} == {"SN"} and len(sn) == 29
    # an unknown class is dropped from the query: the classifier's rows all come back
    unknown = lst(server, classifier="alpha", class_name="nope", page_size=100).json()
    assert len(unknown["items"]) == N_OBJECTS
    assert lst(server, classifier="gamma").status_code == 500
    second = lst(server, ranking=2, page_size=200).json()["items"]
    assert {r["ranking"] for r in second} == {2} and len(second) == 114
    strong = lst(server, probability=0.55, page_size=200).json()["items"]
    assert all(r["probability"] >= 0.55 for r in strong) and len(strong) == 57


def test_object_filters_and_cone(server):
    items = lst(server, n_det=[20, 29], classifier="alpha", page_size=100).json()["items"]
    assert sorted(r["n_det"] for r in items) == list(range(20, 30))
    bad = lst(server, n_det=[30, 20])
    assert bad.status_code == 422
    assert bad.json() == {"detail": {"detections_container":
                                     "Min value can't be greater than max."}}
    # the cone is in arcsec (default 30) and only applies with both ra and dec
    near = lst(server, ra=10.0, dec=-30.0, classifier="alpha", page_size=100).json()["items"]
    # 1 s of RA is 0.866 arcsec at dec -30: objects 0..34 lie within 30 arcsec
    assert len(near) == 35
    small = lst(server, ra=10.0, dec=-30.0, radius=2.5, classifier="alpha").json()["items"]
    assert len(small) == 3
    assert len(lst(server, ra=10.0, page_size=200).json()["items"]) == 114


def test_ordering_with_a_bounded_sort(server):
    pages = [lst(server, order_by="n_det", order_mode="ASC", page=p, page_size=4).json()
             for p in range(1, 30)]
    rows = [r for p in pages for r in p["items"]]
    assert len(rows) == 114
    assert [(r["n_det"], r["oid"]) for r in rows] == sorted((r["n_det"], r["oid"]) for r in rows)
    assert lst(server, order_mode="asc").json() == {
        "detail": {"search_filters": "Order can be only DESC or ASC."}}


def test_oid_list_orders_and_limits_nothing(server):
    body = lst(server, order_by="oid_list", page_size=5).json()
    assert body["total"] == 114 and body["has_next"] is True
    assert len(body["items"]) == 113  # every row but the last


def test_repeated_oid_parameters(server):
    oids = [BASE_OID, BASE_OID + 7919]
    body = lst(server, oid=oids).json()
    assert sorted({r["oid"] for r in body["items"]}) == oids
    assert len(body["items"]) == 4
    assert lst(server, oid=f"{oids[0]},{oids[1]}").status_code == 500


def test_forced_photometry_paths(server):
    url = server.urls["multisurvey"] + "/lightcurve_api/forced-photometry"
    single = requests.get(url, params={"survey_id": "lsst", "oid": BASE_OID}, timeout=60)
    assert len(single.json()) == 10
    several = requests.get(url, params={"survey_id": "lsst", "oid": [BASE_OID, BASE_OID + 7919]},
                           timeout=60).json()
    assert len(several) == 28
    cone = requests.get(server.urls["multisurvey"] + "/lightcurve_api/conesearch/lightcurve_by_oid",
                        params={"oid": BASE_OID, "survey": "lsst", "radius": 1, "neighbors": 1},
                        timeout=60).json()
    # the cone-search light curve drops forced points of zero flux and keeps base fields
    assert len(cone["forced_photometry"]) == 13
    assert list(cone["detections"][0]) == ["band_map", "band", "mjd", "survey_id", "ra", "dec"]


def test_classifiers_from_dataset_json(server):
    r = requests.get(server.urls["multisurvey"] + "/classifier_api/classifiers", timeout=60)
    assert r.json() == CLASSIFIERS
    r = requests.get(server.urls["multisurvey"] + "/probability_api/probability",
                     params={"oid": BASE_OID}, timeout=60)
    assert [p["class_name"] for p in r.json()] == ["SN", "SN", "AGN", "AGN", "VS", "VS"]
    assert {p["classifier_version"] for p in r.json()} == {100, 210}


def test_classifiers_without_dataset_json(tmp_path):
    (tmp_path / "objects").mkdir()
    for i in range(3):
        data = bundle(i)
        (tmp_path / "objects" / f"{data['oid']}.json").write_text(json.dumps(data))
    with SampleServer(tmp_path) as srv:
        table = requests.get(srv.urls["multisurvey"] + "/classifier_api/classifiers",
                             timeout=60).json()
    # ALeRCE's production LSST classifiers, then those the probabilities name (version
    # strings from the digits of the integer versions)
    assert [(c["classifier_name"], c["classifier_version"], c["classifier_id"])
            for c in table] == [("alpha", "1.0.0", 4), ("beta", "2.1.0", 5),
                                ("stamp_classifier_rubin_beta", "2.0.1", 1),
                                ("stamp_classifier_rubin_beta_20260421", "2.0.2", 3)]
    assert table[0]["classes"] == ["SN", "AGN", "VS"]
