"""
The offline multisurvey server answers what each recorded bundle says the service answered.

A bundle is the input of the offline service *and* a record of the real service's answers
about its object. The offline service derives its answers from tables (magstats from the
diaObject row, list rows from the join with probabilities, ...), so these answers are checked
against the recorded ones for every object, not replayed.
"""

import json

import pytest
import requests

OBJECTS = ("170028485706776685", "313897383979122767", "170028513894596704",
           "313893023095193658", "314002971860926640", "21163624394469969",
           "21165806389311562")


def get(server, path, **params):
    return requests.get(server.urls["multisurvey"] + path, params=params, timeout=60)


def recorded(bundle, key):
    answer = bundle[key]
    return answer["status"], answer.get("body", answer.get("body_text"))


@pytest.mark.parametrize("oid", OBJECTS)
def test_object_answers(lsst_server, lsst_bundles, oid):
    bundle = lsst_bundles[oid]
    for key, extra in (("object", "false"), ("object_extra", "true")):
        r = get(lsst_server, "/object_api/object", oid=oid, survey_id="lsst",
                return_survey_extra=extra)
        status, body = recorded(bundle, key)
        assert r.status_code == status
        assert r.json() == body
    # the list row(s): one per classifier, joined with the object
    r = get(lsst_server, "/object_api/list_objects", survey="lsst", oid=oid)
    assert (r.status_code, r.json()) == recorded(bundle, "list_objects")


@pytest.mark.parametrize("oid", OBJECTS)
def test_magstats_are_the_rounded_dia_object(lsst_server, lsst_bundles, oid):
    r = get(lsst_server, "/magstat_api/magstats", oid=oid, survey_id="lsst")
    status, body = recorded(lsst_bundles[oid], "magstats")
    assert r.status_code == status
    if status == 200:
        assert r.json() == body
        extra = lsst_bundles[oid]["object_extra"]["body"]
        assert r.json()[0]["ra"] == round(extra["ra"], 3)
    else:
        assert r.text == body == "Internal Server Error"


@pytest.mark.parametrize("oid", OBJECTS)
def test_probabilities_in_service_order(lsst_server, lsst_bundles, oid):
    r = get(lsst_server, "/probability_api/probability", oid=oid)
    assert (r.status_code, r.json()) == recorded(lsst_bundles[oid], "probabilities")
    assert len(r.json()) == 10


@pytest.mark.parametrize("oid", OBJECTS)
def test_light_curves(lsst_server, lsst_bundles, oid):
    bundle = lsst_bundles[oid]
    single = get(lsst_server, "/lightcurve_api/lightcurve", survey_id="lsst", oid=oid)
    assert (single.status_code, single.json()) == recorded(bundle, "lightcurve")
    assert len(single.json()["forced_photometry"]) <= 10  # the single-oid cap
    several = get(lsst_server, "/lightcurve_api/forced-photometry", survey_id="lsst",
                  oid=[oid, oid])
    assert (several.status_code, several.json()) == recorded(bundle, "forced_photometry_all")


def test_forced_photometry_is_complete_on_the_several_oid_path(lsst_server):
    counts = {}
    for oid in OBJECTS[:5]:
        rows = get(lsst_server, "/lightcurve_api/forced-photometry", survey_id="lsst",
                   oid=[oid, oid]).json()
        counts[oid] = len(rows)
        assert {r["oid"] for r in rows} == {int(oid)}
    assert list(counts.values()) == [395, 408, 777, 401, 340]


def test_ztf_object_through_the_multisurvey_api(lsst_server, lsst_bundles):
    bundle = lsst_bundles["ZTF20aaelulu"]
    master = str(bundle["masterid"])
    assert master == "36028957657202554"
    for key, extra in (("object", "false"), ("object_extra", "true")):
        r = get(lsst_server, "/object_api/object", oid=master, survey_id="ztf",
                return_survey_extra=extra)
        assert (r.status_code, r.json()) == recorded(bundle, key)
    # the name only works on the several-oid path
    r = get(lsst_server, "/lightcurve_api/lightcurve", survey_id="ztf",
            oid=["ZTF20aaelulu", "ZTF20aaelulu"])
    status, body = recorded(bundle, "lightcurve")
    assert r.status_code == status
    assert sorted(map(json.dumps, r.json()["detections"])) == sorted(
        map(json.dumps, body["detections"]))
    assert len(r.json()["non_detections"]) == 17
    r = get(lsst_server, "/lightcurve_api/lightcurve", survey_id="ztf", oid=master)
    assert (r.status_code, r.json()) == recorded(bundle, "lightcurve_single_masterid")
    # single oid: the last ten non-detections by mjd
    rows = get(lsst_server, "/lightcurve_api/non_detections", survey_id="ztf", oid=master).json()
    assert [r["mjd"] for r in rows] == sorted((r["mjd"] for r in body["non_detections"]),
                                             reverse=True)[:10]
    for key, path in (("probabilities", "/probability_api/probability"),
                      ("magstats", "/magstat_api/magstats")):
        r = get(lsst_server, path, oid=master, survey_id="ztf")
        assert (r.status_code, r.text) == recorded(bundle, key)
    r = get(lsst_server, "/object_api/list_objects", survey="ztf", oid=master)
    assert (r.status_code, r.json()) == recorded(bundle, "list_objects")
    hits = get(lsst_server, "/lightcurve_api/conesearch/objects_by_coordinates",
               ra=185.7289, dec=15.8236, radius=0.01, neighbors=5).json()
    assert hits == [{"objectId": "ZTF20aaelulu", "survey_id": "ztf",
                     "ra": bundle["object"]["body"]["meanra"],
                     "dec": bundle["object"]["body"]["meandec"]}]


def test_solar_system_objects_are_found_by_position_only(lsst_server, lsst_bundles):
    for oid in OBJECTS[5:]:
        det = lsst_bundles[oid]["lightcurve"]["body"]["detections"][0]
        hits = get(lsst_server, "/lightcurve_api/conesearch/objects_by_coordinates",
                   ra=det["ra"], dec=det["dec"], radius=0.0001, neighbors=1).json()
        # the object row is derived from the one detection: its position is the detection's
        assert hits == [{"objectId": oid, "survey_id": "lsst_ss", "ra": det["ra"],
                         "dec": det["dec"]}]
        assert get(lsst_server, "/object_api/list_objects", survey="lsst",
                   ra=det["ra"], dec=det["dec"]).json()["items"] == []


def test_stamps_only_for_the_triggering_detection(lsst_server, lsst_bundles,
                                                  lsst_cutouts_dir):
    import gzip

    for oid in OBJECTS:
        bundle = lsst_bundles[oid]
        trigger = bundle["triggering_measurement_id"]
        dets = bundle["lightcurve"]["body"]["detections"]
        assert [d["measurement_id"] for d in dets if d["has_stamp"]] == [trigger]
        for kind in ("cutoutScience", "cutoutTemplate", "cutoutDifference"):
            raw = (lsst_cutouts_dir / f"{oid}_{trigger}_{kind}.fits").read_bytes()
            r = get(lsst_server, "/stamps_api/stamp", oid=oid, measurement_id=trigger,
                    stamp_type=kind, file_format="fits", survey_id="lsst")
            assert r.headers["Content-Type"] == "application/gzip"
            assert gzip.decompress(r.content) == raw
        other = next(d["measurement_id"] for d in dets if not d["has_stamp"]) if len(dets) > 1 \
            else oid
        r = get(lsst_server, "/stamps_api/stamp", oid=oid, measurement_id=other,
                stamp_type="cutoutScience", file_format="fits", survey_id="lsst")
        assert (r.status_code, r.text) == (500, "Internal Server Error")
