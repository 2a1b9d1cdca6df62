"""The rules of the multisurvey API, checked on ALeRCE's recorded answers."""

import copy
from urllib.parse import parse_qsl

import pytest
from ms_helpers import DIA_OBJECTS

from alerce_astro.apis.multisurvey import quirks
from alerce_astro.exceptions import InvalidQueryError, ResponseFormatError


def test_ztf_master_id_matches_the_service(exchanges):
    record = exchanges.body("object/ztf_masterid.json")
    assert quirks.ztf_master_id("ZTF20aaelulu") == record["oid"] == 36028957657202554
    assert quirks.ztf_name(record["oid"]) == "ZTF20aaelulu"
    # The cone search decodes master ids to names itself.
    (row,) = exchanges.body("conesearch/coords_ztf.json")
    assert row["objectId"] == quirks.ztf_name(36028957657202554)


@pytest.mark.parametrize("name", ["ZTF18abbuive", "ZTF00aaaaaaa", "ZTF99zzzzzzz", "ZTF21abcdefg"])
def test_ztf_master_id_round_trip(name):
    number = quirks.ztf_master_id(name)
    assert quirks.is_ztf_master_id(number)
    assert quirks.ztf_name(number) == name


def test_ztf_master_id_rejects():
    with pytest.raises(InvalidQueryError):
        quirks.ztf_master_id("ZTF20AAELULU")
    with pytest.raises(InvalidQueryError):
        quirks.ztf_name(313897383979122767)  # an LSST diaObjectId, far above the ZTF range
    assert not quirks.is_ztf_master_id(2**55 - 1)


@pytest.mark.parametrize("oid, n_det, n_forced, trigger", DIA_OBJECTS)
def test_single_oid_path_is_cut_and_several_oid_path_is_not(exchanges, bundles, oid, n_det,
                                                             n_forced, trigger):
    single = bundles[oid]["lightcurve"]["body"]["forced_photometry"]
    assert len(single) == quirks.SINGLE_OID_ROW_CAP
    complete = bundles[oid]["forced_photometry_all"]["body"]
    assert len(complete) == n_forced
    # The complete answer was asked for with the oid twice: exactly what the client sends.
    if oid in (170028485706776685, 313893023095193658, 313897383979122767):
        request = exchanges.load(f"lightcurve/forced_photometry_all_{oid}.json")["request"]
        assert [v for k, v in parse_qsl(request["query"]) if k == "oid"] == [
            str(o) for o in quirks.several_oid_values([oid])]
    # ... and sending it twice does not repeat rows.
    assert len({r["measurement_id"] for r in complete}) == n_forced


def test_split_by_oid_on_a_two_object_answer(exchanges):
    rows = exchanges.body(
        "lightcurve/forced_photometry_multi_170028485706776685_313897383979122767.json")
    split = quirks.split_by_oid(rows, [170028485706776685, 313897383979122767, 1])
    assert {k: len(v) for k, v in split.items()} == {
        170028485706776685: 395, 313897383979122767: 408, 1: 0}
    with pytest.raises(ResponseFormatError, match="not asked for"):
        quirks.split_by_oid(rows, [170028485706776685])


def test_several_oid_values():
    assert quirks.several_oid_values([7]) == [7, 7]
    assert quirks.several_oid_values([7, 8, 9]) == [7, 8, 9]
    with pytest.raises(ValueError):
        quirks.several_oid_values([])
    assert 1 < quirks.BATCH_OIDS <= 50


def test_list_objects_repeats_objects_per_classifier(exchanges):
    items = exchanges.body("list_objects/default_lsst.json")["items"]
    oids = [r["oid"] for r in items]
    assert len(oids) == 10 and len(set(oids)) < len(oids)  # objects repeated per classifier
    grouped = quirks.group_by_object(items)
    assert len(grouped) == len(set(oids))
    for row in grouped:
        same = [r for r in items if r["oid"] == row["oid"]]
        assert row["probability"] == max(r["probability"] for r in same)
    # The service's order (probability DESC) is kept.
    probabilities = [r["probability"] for r in grouped]
    assert probabilities == sorted(probabilities, reverse=True)
    # With a classifier the service already sends one row per object.
    one = exchanges.body("list_objects/classifier_c1_class_VS.json")["items"]
    assert quirks.group_by_object(one) == one


def test_classifier_and_class_validation(exchanges):
    """The names of the recorded classifier list: the client's one check (client/class_names)
    suggests the near names, and a class alone names the classifiers that have it."""
    from alerce_astro.client.class_names import unknown_name

    classifiers = exchanges.body("classifiers/all.json")
    names = [row["classifier_name"] for row in classifiers]
    assert "did you mean 'stamp_classifier_rubin_beta_20260421'" in unknown_name(
        "classifier", "stamp_classifier_rubin_beta_2026042", names, "a classifier")
    classes = classifiers[0]["classes"]
    assert "did you mean 'SN'?" in unknown_name("class_name", "sn", classes, "a class")
    assert "did you mean 'asteroid'" in unknown_name("class_name", "asteroids", classes,
                                                     "a class")
    with pytest.raises(InvalidQueryError, match="needs classifier=.*stamp_classifier_rubin_beta"):
        quirks.class_needs_classifier("SN", classifiers)


def test_what_the_service_does_with_unknown_names(exchanges):
    # The reasons for the validation above, as recorded: 500 for an unknown classifier...
    assert exchanges.load("list_objects/classifier_unknown.json")["status"] == 500
    # ... while a known classifier's answer is not filtered by an unknown class: the SN query
    # of classifier 1 returns only SN, so a typo would silently return other classes.
    items = exchanges.body("list_objects/classifier_c1_class_SN.json")["items"]
    assert {r["class_name"] for r in items} == {"SN"}


@pytest.mark.parametrize("name, route, params, expected", [
    ("object/ssobject_21163624394469969.json", "object", {"oid": 21163624394469969},
     "no lsst object 21163624394469969"),
    ("magstats/lsst_unknown.json", "magstats", {"oid": 999999999999999999},
     "no diaObject summary for 999999999999999999"),
    ("stamps/measurement_not_triggering.json", "stamp",
     {"oid": 170028485706776685, "measurement_id": 170028485706776685,
      "stamp_type": "cutoutScience"}, "has_stamp"),
    ("stamps/avro_lsst.json", "avro", {}, "no alert packets"),
    ("crossmatch/lsst.json", "crossmatch_api", {}, "query_catalogs"),
    ("classifiers/name_c1.json", "classifiers", {}, "server bug"),
    ("list_objects/classifier_unknown.json", "list_objects", {}, "list_classifiers"),
])
def test_recorded_500s_get_a_clear_message(exchanges, name, route, params, expected):
    assert exchanges.load(name)["status"] == 500
    assert expected in quirks.explain_server_error(route, **params)


def test_unknown_route_500_message():
    assert "answered 500" in quirks.explain_server_error("detections")
    assert set(quirks.UNSUPPORTED) == {"features", "avro", "crossmatch", "limit_values"}


def test_band_map_is_checked_and_dropped(exchanges):
    rows = exchanges.body("lightcurve/detections_single_21163624394469969.json")
    assert rows[0]["band_map"] == {"6": "u", "1": "g", "2": "r", "3": "i", "4": "z", "5": "y"}
    checked = quirks.check_band_map(copy.deepcopy(rows))
    assert "band_map" not in checked[0] and checked[0]["band"] == 3
    bad = copy.deepcopy(rows)
    bad[0]["band_map"] = {"1": "u", "6": "g"}
    with pytest.raises(ResponseFormatError, match="refusing to mislabel"):
        quirks.check_band_map(bad)
    # ZTF rows (through this API) carry their own map and are not checked against LSST's.
    ztf = exchanges.body("lightcurve/detections_ztf_single_masterid.json")
    assert quirks.check_band_map(copy.deepcopy(ztf))[0].get("band_map") is None
