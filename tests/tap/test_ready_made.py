"""Ready-made TAP queries (objects by classifier and class, classifiers, classes, tables)
against the recorded Rubin alerts, checked with the recorded REST answers."""

import json

import pytest
from astropy import units as u

from alerce_astro.exceptions import InvalidQueryError

C1 = "stamp_classifier_rubin_beta"
C3 = "stamp_classifier_rubin_beta_20260421"


@pytest.fixture(scope="module")
def rest_lists(lsst_recorded):
    """Per classifier, {oid: (class, probability)} of the recorded REST list_objects answers
    (one per object, ranking 1)."""
    out = {}
    for path in sorted((lsst_recorded / "objects").glob("*.json")):
        data = json.loads(path.read_text())
        answer = data.get("list_objects") or {}
        if str(answer.get("status")) != "200":
            continue
        for item in answer["body"]["items"]:
            out.setdefault(item["classifier_name"], {})[item["oid"]] = (
                item["class_name"], item["probability"])
    return out


def test_objects_by_classifier_and_class_match_rest_lists(session_tap_client, rest_lists):
    for classifier, objects in rest_lists.items():
        for class_name in {c for c, _ in objects.values()}:
            t = session_tap_client.query_objects_tap(classifier, class_name)
            expected = sorted((p, o) for o, (c, p) in objects.items() if c == class_name)
            got = sorted(zip(t["probability"].tolist(), t["oid"].tolist(), strict=True))
            assert [o for _, o in got] == [o for _, o in expected], (classifier, class_name)
            assert [round(p, 3) for p, _ in got] == [p for p, _ in expected]
            assert set(t["class_name"]) == {class_name} and set(t["classifier_name"]) == \
                {classifier}


def test_objects_by_class_filters_and_order(session_tap_client):
    every = session_tap_client.query_objects_tap(C1)
    assert len(every) == 5  # the five diaObjects; ssObjects have no object row, as on REST
    assert list(every["probability"]) == sorted(every["probability"], reverse=True)
    assert every["meanra"].unit == u.deg and every["firstmjd"].unit == u.d
    many = session_tap_client.query_objects_tap(C1, n_det=(330, None))
    assert sorted(many["oid"]) == sorted(every["oid"][every["n_det"] >= 330])
    cone = session_tap_client.query_objects_tap(C1, ranking=None,
                                                coordinates="61.8132 -47.5837",
                                                radius="10 arcsec")
    assert set(cone["oid"]) == {313897383979122767} and len(cone) == 5  # its 5 classes
    sure = session_tap_client.query_objects_tap(C3, probability=0.85)
    assert (sure["probability"] >= 0.85).all() and len(sure) < 5


def test_bad_filters_fail_before_sending(session_tap_client):
    with pytest.raises(InvalidQueryError, match="above the maximum"):
        session_tap_client.query_objects_tap(C1, n_det=(10, 5))
    with pytest.raises(InvalidQueryError, match="a cone needs both"):
        session_tap_client.query_objects_tap(C1, coordinates="10 20")
    with pytest.raises(InvalidQueryError, match="survey"):
        session_tap_client.query_objects_tap(C1, survey="tess")


def test_classifiers_and_classes_match_the_rest_answer(session_tap_client, lsst_recorded):
    exchange = json.loads((lsst_recorded / "exchanges" / "classifiers" / "all.json").read_text())
    rest = json.loads(exchange["body_text"])
    t = session_tap_client.list_tap_classifiers()
    assert [(r["classifier_name"], r["classifier_version"], r["classifier_id"]) for r in rest] \
        == list(zip(t["classifier_name"], t["classifier_version"], t["classifier_id"],
                    strict=True))
    assert set(t["survey"]) == {"lsst"}
    classes = session_tap_client.list_tap_classes()
    for r in rest:
        mine = classes[classes["classifier_name"] == r["classifier_name"]]
        assert list(mine["class_name"]) == r["classes"]
        assert list(mine["order"]) == list(range(len(r["classes"])))


def test_tables_and_columns(session_tap_client):
    tables = session_tap_client.list_tap_tables()
    names = set(tables["table_name"])
    assert {"alerce_tap.object", "alerce_tap.lsst_detection", "alerce_tap.taxonomy",
            "ztf.object", "ztf.detection", "ztf.non_detection"} <= names
    assert all(d for d in tables["description"][tables["schema_name"] != "tap_schema"])
    ztf = session_tap_client.list_tap_tables(schema="ztf")
    assert set(ztf["schema_name"]) == {"ztf"}
    columns = session_tap_client.list_tap_columns("alerce_tap.lsst_dia_object")
    units = dict(zip(columns["column_name"], columns["unit"], strict=True))
    assert units["g_psffluxmean"] == "nJy" and units["g_psffluxmaxslope"] == "nJy / d"
    assert units["ra"] == "deg" and units["validitystartmjdtai"] == "d"
    served = dict(zip(columns["column_name"], columns["service_unit"], strict=True))
    assert served["g_psffluxmean"] == "" and served["ra"] == "deg"
    with pytest.raises(InvalidQueryError, match="schema.table"):
        session_tap_client.list_tap_columns("object")


def test_a_reserved_word_column_is_a_delimited_identifier(session_tap_client):
    t = session_tap_client.query_tap('SELECT class_name, "order" FROM alerce_tap.taxonomy '
                                     'WHERE classifier_id = 1 ORDER BY "order"')
    assert list(t["order"]) == [0, 1, 2, 3, 4]
