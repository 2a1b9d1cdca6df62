"""The offline TAP loader's rows and resource descriptors (no DaCHS needed)."""

import json
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from alerce_astro.apis.tap.columns import ALERCE_TAP_TABLES, TABLES, ZTF_TABLES, table
from alerce_astro.offline.tap.load import content_hash, write_resource
from alerce_astro.offline.tap.rd import resource_descriptor
from alerce_astro.offline.tap.rows import multisurvey_rows, typed_row, ztf_rows


def test_multisurvey_rows_split_as_alerce_splits_them(lsst_recorded):
    counts = Counter(name for name, _ in multisurvey_rows([lsst_recorded]))
    bundles = [json.loads(p.read_text()) for p in (lsst_recorded / "objects").glob("*.json")]
    lsst = [b for b in bundles if b["survey_id"] == "lsst"]
    detections = sum(len(b["lightcurve"]["body"]["detections"]) for b in lsst)
    forced = sum(len(b["forced_photometry_all"]["body"]) for b in lsst)
    assert counts["lsst_detection"] == detections == 1741
    assert counts["lsst_forced_photometry"] == counts["forced_photometry"] == forced == 2321
    assert counts["detection"] == detections + 58  # and ZTF20aaelulu's, under its master id
    assert counts["ztf_detection"] == 58 and counts["ztf_non_detection"] == 17
    assert counts["object"] == 6  # five diaObjects and ZTF20aaelulu; ssObjects have none
    assert counts["lsst_dia_object"] == 5
    assert counts["classifier"] == 2 and counts["taxonomy"] == 10
    assert counts["probability"] == sum(len(b["probabilities"]["body"]) for b in lsst)


def test_rows_keep_ids_exact_and_nulls(lsst_recorded):
    lsst_detection = table("alerce_tap.lsst_detection")
    rows = [typed_row(lsst_detection, r) for n, r in multisurvey_rows([lsst_recorded])
            if n == "lsst_detection"]
    ids = {r["measurement_id"] for r in rows}
    assert 170094456251351059 in ids and all(isinstance(i, int) for i in ids)
    assert sum(r["psflnl"] is None for r in rows) > 1000
    flags = {r["psfflux_flag"] for r in rows}
    assert flags <= {True, False}  # the API's 0/1 flags are the database's booleans
    # The JSON line DaCHS reads keeps the id exact.
    assert json.loads(json.dumps(rows[0]))["measurement_id"] == rows[0]["measurement_id"]


def test_sids_of_solar_system_objects(lsst_recorded):
    det = {r["oid"]: r["sid"] for n, r in multisurvey_rows([lsst_recorded]) if n == "detection"}
    assert det[21163624394469969] == 2 and det[313897383979122767] == 1
    assert det[36028957657202554] == 0


def test_ztf_rows(ztf_recorded):
    counts = Counter(name for name, _ in ztf_rows([ztf_recorded]))
    assert counts["object"] == 249 - sum(
        1 for p in (ztf_recorded / "objects").glob("*.json")
        if json.loads(p.read_text()).get("object") is None)
    assert counts["detection"] == 1470 and counts["non_detection"] == 5143
    assert counts["magstat"] == 175 and counts["probability"] == 40
    assert counts["feature"] == 17093
    feature = next(r for n, r in ztf_rows([ztf_recorded]) if n == "feature")
    assert typed_row(table("ztf.feature"), feature)["feature_value"] == feature["value"]


def test_descriptor_declares_served_units_indexes_and_q3c():
    text = resource_descriptor("alerce_tap", ALERCE_TAP_TABLES,
                               sources={t.name: f"data/{t.name}.jsonl"
                                        for t in ALERCE_TAP_TABLES})
    root = ET.fromstring(text)
    assert root.get("schema") == "alerce_tap" and root.get("resdir") == "."
    tables = {t.get("id"): t for t in root.iter("table")}
    assert set(tables) == {t.name for t in ALERCE_TAP_TABLES}
    assert tables["object"].get("mixin") == "//scs#q3cindex"
    columns = {c.get("name"): c for c in tables["lsst_detection"].iter("column")}
    assert columns["psfflux"].get("unit") is None  # as ALeRCE serves it
    assert columns["ra_dec_cov"].get("unit") == "deg2"
    assert columns["measurement_id"].get("type") == "bigint"
    taxonomy = {c.get("name") for c in tables["taxonomy"].iter("column")}
    assert "quoted/order" in taxonomy
    for t in ALERCE_TAP_TABLES + ZTF_TABLES:
        assert t.qualified_name in TABLES


def test_content_hash_follows_the_data(tmp_path, ztf_recorded):
    from alerce_astro.offline.simulate import sample_dataset_path
    from alerce_astro.offline.tap.load import serves

    a = content_hash("ztf", [sample_dataset_path()])
    assert a == content_hash("ztf", [sample_dataset_path()])
    both = content_hash("ztf", [sample_dataset_path(), ztf_recorded])
    assert a != both and both.startswith(a)
    assert serves(both, a) and not serves(a, both) and not serves(None, a)
    assert not serves("000000000000" + both[12:], a)  # another loader or descriptor
    counts = write_resource("ztf", [sample_dataset_path()], tmp_path / "res", digest=a)
    assert counts["object"] == 40
    assert f"alerce_astro content {a}" in (tmp_path / "res" / "q.rd").read_text()
    lines = (tmp_path / "res" / "data" / "detection.jsonl").read_text().splitlines()
    assert len(lines) == counts["detection"]
    assert set(json.loads(lines[0])) == set(table("ztf.detection").names)


def test_unknown_table_name():
    with pytest.raises(KeyError, match="unknown TAP table"):
        table("alerce_tap.nope")
