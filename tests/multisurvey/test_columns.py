"""Every recorded 200 JSON answer of ALeRCE's multisurvey server parses through the schemas of
`alerce_astro.apis.multisurvey.columns`: exact 64-bit ids, units, row counts, no stray column."""

import copy
from urllib.parse import parse_qsl

import numpy as np
import pytest
from astropy import units as u
from ms_helpers import DIA_OBJECTS, SS_OBJECTS, body_bytes

from alerce_astro.apis.multisurvey import columns
from alerce_astro.apis.multisurvey.quirks import check_band_map

#: Answers that are not tables: service fronts, OpenAPI documents, binary stamps.
_NOT_TABLES = ("front/", "openapi/", "stamps/")


def _table(schema, rows):
    rows = check_band_map(copy.deepcopy(rows))
    return schema.table(rows), rows


def _lsst_rows(rows):
    return [r for r in rows if r.get("survey_id", "lsst") == "lsst"]


def _assert_exact(table, rows, *names):
    for name in names:
        assert table[name].dtype == np.int64
        assert [int(v) for v in table[name]] == [r[name] for r in rows], name


def _parse(name, exchange):
    """Parse one recorded 200 answer by its route; return what was checked."""
    from alerce_astro._json import loads

    body = loads(body_bytes(exchange))
    path = exchange["request"]["path"]
    query = dict(parse_qsl(exchange["request"]["query"]))
    if path == "/object_api/list_objects":
        assert tuple(body) == columns.LIST_ENVELOPE_KEYS
        table, rows = _table(columns.LIST_OBJECT, body["items"])
        assert table.colnames == columns.LIST_OBJECT.names
        _assert_exact(table, rows, "oid")
        assert table["meanra"].unit == u.deg and table["firstmjd"].unit == u.d
        return "list_objects", len(table)
    if path == "/object_api/object":
        extra = query.get("return_survey_extra") == "true"
        schema = columns.OBJECT_EXTRA if extra else columns.OBJECT
        table, rows = _table(schema, [body])
        _assert_exact(table, rows, "oid")
        if query["survey_id"] == "lsst":
            assert table.colnames == schema.names
            assert set(body) == {n for n in schema.names} - ({"updated_date"} if extra else set())
        return "object", len(table)
    if path in ("/lightcurve_api/detections", "/lightcurve_api/forced-photometry",
                "/lightcurve_api/non_detections", "/lightcurve_api/lightcurve"):
        parts = (body if isinstance(body, dict)
                 else {path.rsplit("/", 1)[1].replace("-", "_"): body})
        count = 0
        for part, rows in parts.items():
            rows = _lsst_rows(rows)
            if part == "non_detections":
                assert rows == []  # Rubin alerts carry no upper limits
                continue
            schema = columns.DETECTION if part == "detections" else columns.FORCED_PHOTOMETRY
            table, rows = _table(schema, rows)
            assert table.colnames == schema.names  # every wire key declared
            _assert_exact(table, rows, "oid", "measurement_id", "visit")
            assert table["psfFlux"].unit == u.nJy and table["mjd"].unit == u.d
            assert table["ra"].unit == u.deg
            count += len(table)
        return "lightcurve", count
    if path == "/magstat_api/magstats":
        (row,) = body
        per_band = columns.magstats_per_band(row)
        table = columns.MAGSTATS.table(per_band)
        assert table.colnames == columns.MAGSTATS.names
        assert table["psfFluxMean"].unit == u.nJy
        assert table["psfFluxMaxSlope"].unit == u.nJy / u.d
        # Every key of the summary is either per band or object-wide: nothing is lost.
        known = {"oid"} | set(columns.magstats_object_fields(row)) | {
            f"{b}_{k}" for b in "ugrizy" for k, *_ in columns.MAGSTATS_BAND_KEYS}
        assert set(row) == known
        return "magstats", len(table)
    if path == "/probability_api/probability":
        table, _ = _table(columns.PROBABILITY, body)
        assert table.colnames == columns.PROBABILITY.names
        assert set(table["classifier_version"]) <= {201, 202}
        return "probabilities", len(table)
    if path == "/classifier_api/classifiers":
        table, _ = _table(columns.CLASSIFIER, body)
        assert table.colnames == columns.CLASSIFIER.names
        return "classifiers", len(table)
    if path.startswith("/lightcurve_api/conesearch/objects_by_"):
        table, _ = _table(columns.CONESEARCH, body)
        assert table.colnames == columns.CONESEARCH.names
        return "conesearch", len(table)
    return None, 0


def test_every_recorded_200_answer_parses(exchanges):
    parsed = {}
    for name, exchange in exchanges.all():
        if exchange["status"] != 200 or name.startswith(_NOT_TABLES):
            continue
        kind, rows = _parse(name, exchange)
        if kind is None:
            # Only conesearch/lightcurve_by_oid (base fields only) is not a table of ours.
            assert exchange["request"]["path"] == "/lightcurve_api/conesearch/lightcurve_by_oid"
            continue
        parsed.setdefault(kind, [0, 0])
        parsed[kind][0] += 1
        parsed[kind][1] += rows
    assert {k: v[0] for k, v in parsed.items()} == {
        "list_objects": 38, "object": 8, "lightcurve": 36, "magstats": 4, "probabilities": 8,
        "classifiers": 1, "conesearch": 9}
    assert parsed["object"][1] == 8
    assert parsed["classifiers"][1] == 2
    # 6 answers of 2 classifiers x 5 classes (4 diaObjects, 1 ssObject, 1 with survey_id) and
    # 2 answers of one classifier.
    assert parsed["probabilities"][1] == 6 * 10 + 2 * 5
    assert parsed["magstats"][1] == 4  # each of these diaObject summaries has one band
    assert parsed["lightcurve"][1] == 5229  # LSST detection and forced-photometry rows
    assert parsed["list_objects"][1] == 207


@pytest.mark.parametrize("oid, n_det, n_forced, trigger", DIA_OBJECTS)
def test_light_curve_rows_of_each_diaobject(bundles, oid, n_det, n_forced, trigger):
    bundle = bundles[oid]
    detections, rows = _table(columns.DETECTION, bundle["lightcurve"]["body"]["detections"])
    assert len(detections) == n_det == bundle["object"]["body"]["n_det"]
    _assert_exact(detections, rows, "oid", "measurement_id", "visit")
    assert set(detections["oid"]) == {oid}
    # has_stamp is true on the triggering diaSource only.
    assert list(detections["measurement_id"][detections["has_stamp"]]) == [trigger]
    assert set(detections["band"]) <= {1, 2, 3, 4, 5, 6}
    # Forced photometry: the several-oid answer is complete, the single-oid one cut at 10.
    forced, rows = _table(columns.FORCED_PHOTOMETRY, bundle["forced_photometry_all"]["body"])
    assert len(forced) == n_forced
    assert len(set(forced["measurement_id"])) == n_forced
    _assert_exact(forced, rows, "measurement_id")
    assert len(bundle["lightcurve"]["body"]["forced_photometry"]) == 10
    # float32 on the wire: each value is the shortest decimal of a float32, kept exactly.
    assert all(float(str(np.float32(v))) == v for v in forced["psfFlux"])


def test_ids_beyond_2_53_survive(bundles):
    # 170094456272322680 + 1 is not representable as a float64; it must stay distinct.
    ids = [r["measurement_id"] for r in bundles[170028485706776685]["lightcurve"]["body"][
        "detections"]]
    assert max(ids) > 2**53
    table, _ = _table(columns.DETECTION, bundles[170028485706776685]["lightcurve"]["body"][
        "detections"])
    assert sorted(int(v) for v in table["measurement_id"]) == sorted(ids)


def test_magstats_one_row_per_band(exchanges):
    (row,) = exchanges.body("magstats/lsst_170028485706776685.json")
    table = columns.MAGSTATS.table(columns.magstats_per_band(row))
    # This object was only observed in i in its diaObject summary.
    assert list(table["band"]) == ["i"] and list(table["band_id"]) == [3]
    assert table["psfFluxMean"][0] == -16545.377
    assert table["psfFluxNdata"][0] == 100
    assert table["oid"][0] == 170028485706776685
    meta = columns.magstats_object_fields(row)
    assert meta["nDiaSources"] == 346 and meta["ra"] == 63.35


def test_magstats_bands_in_wavelength_order():
    row = {"oid": 5, "u_psfFluxNdata": 2, "y_psfFluxNdata": 1, "g_psfFluxMean": 1.0}
    assert [r["band"] for r in columns.magstats_per_band(row)] == ["u", "g", "y"]


def test_ssobject_rows_parse(exchanges):
    body = exchanges.body(
        "lightcurve/detections_multi_21163624394469969_21165806389311562.json")
    table, _ = _table(columns.DETECTION, body)
    assert sorted(table["oid"]) == sorted(SS_OBJECTS)
    # Sentinels, not nulls: the diaObjectId of a solar-system source is 0.
    assert list(table["diaObjectId"]) == [0, 0]
    assert sorted(table["ssObjectId"]) == sorted(SS_OBJECTS)


def test_probability_and_classifier_versions_differ_in_type(exchanges):
    probs, _ = _table(columns.PROBABILITY,
                      exchanges.body("probability/313897383979122767.json"))
    classifiers, _ = _table(columns.CLASSIFIER, exchanges.body("classifiers/all.json"))
    assert sorted(set(probs["classifier_version"])) == [201, 202]
    assert list(classifiers["classifier_version"]) == ["2.0.1", "2.0.2"]
    assert list(classifiers["classes"]) == ['["SN", "AGN", "VS", "asteroid", "bogus"]'] * 2
