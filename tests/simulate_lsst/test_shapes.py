"""
The simulated LSST answers have the shapes of the real ones: bundle and row key orders, JSON
types, float32 shortest forms, ALeRCE's sentinels. The real bundles are read at test time.
"""

from collections import defaultdict

import numpy as np
import pytest
from lsst_helpers import REAL, body, detections, load

from alerce_astro.offline.simulate.lsst import constants as C


def _field(key):
    """A diaObject per-band field without its band (``i_psfFluxMean`` -> ``psfFluxMean``): the
    real alerts all came in i, so their other bands are always null."""
    return key[2:] if key[:2] in ("u_", "g_", "r_", "i_", "z_", "y_") else key


def _types(rows):
    out = defaultdict(set)
    for row in rows:
        for k, v in row.items():
            out[_field(k)].add(type(v).__name__)
    return out


def _is_f32_form(v):
    """A float as the service writes a float32: the shortest float32 decimal."""
    return float(str(np.float32(v))) == v


def _rows(bundles, section):
    out = []
    for b in bundles.values():
        if section == "detections":
            out += detections(b)
        elif section == "forced":
            out += body(b, "forced_photometry_all")
        elif section in ("magstats", "probabilities"):
            out += body(b, section)
        elif section == "list_items":
            out += body(b, "list_objects")["items"]
        else:
            out.append(body(b, section))
    return out


SECTIONS = ("object", "object_extra", "magstats", "probabilities", "list_items", "detections",
            "forced")


def test_bundle_keys_as_real(objects, real_bundles):
    real = next(iter(real_bundles.values()))
    for oid, b in objects.items():
        assert list(b) == list(real)
        assert b["oid"] == oid and b["survey_id"] == "lsst"
        for key in list(real)[2:-1]:
            assert list(b[key]) == ["status", "body"] and b[key]["status"] == 200
        assert list(body(b, "lightcurve")) == list(body(real, "lightcurve"))
        assert list(body(b, "list_objects")) == list(body(real, "list_objects"))


@pytest.mark.parametrize("section", SECTIONS)
def test_row_keys_as_real(objects, real_bundles, section):
    real_keys = {tuple(r) for r in _rows(real_bundles, section)}
    ours = {tuple(r) for r in _rows(objects, section)}
    assert len(real_keys) == 1 and ours == real_keys


def test_key_counts():
    assert len(C.DETECTION_KEYS) == 102
    assert len(C.FORCED_KEYS) == 14
    assert len(C.OBJECT_KEYS) == 15
    assert len(C.OBJECT_EXTRA_KEYS) == 95
    assert len(C.MAGSTATS_KEYS) == 82


@pytest.mark.parametrize("section", SECTIONS)
def test_types_and_float32_forms(objects, real_bundles, section):
    real_rows = _rows(real_bundles, section)
    ours_rows = _rows(objects, section)
    real, ours = _types(real_rows), _types(ours_rows)
    for key, types in ours.items():
        if real[key] == {"NoneType"}:
            assert types == {"NoneType"}, key
        else:
            assert types <= real[key], (key, types, real[key])
        assert types != {"NoneType"} or real[key] == {"NoneType"}, key
    # fields whose real floats are all float32 forms (fluxes, errors, shapes): ours too
    def floats(rows):
        out = defaultdict(list)
        for r in rows:
            for k, v in r.items():
                if isinstance(v, float):
                    out[_field(k)].append(v)
        return out

    real_floats, ours_floats = floats(real_rows), floats(ours_rows)
    for field, values in real_floats.items():
        if section == "magstats" or not all(map(_is_f32_form, values)):
            continue
        if field in ("probability",):  # three decimals, float32 by accident of their size
            continue
        assert ours_floats[field] and all(map(_is_f32_form, ours_floats[field])), field


def test_float64_where_real_is_float64(objects):
    # positions and times are double precision: most values are no float32
    dets = _rows(objects, "detections")
    for key in ("ra", "dec", "mjd", "timeProcessedMjdTai"):
        assert sum(not _is_f32_form(r[key]) for r in dets) > 0.9 * len(dets), key


def test_ids_exact_int64(objects):
    for oid, b in objects.items():
        assert isinstance(oid, int) and 2 ** 53 < oid < 2 ** 63
        dets = detections(b)
        first = min(dets, key=lambda r: r["mjd"])
        assert first["measurement_id"] == oid  # the diaObject is named by its first diaSource
        mids = [r["measurement_id"] for r in dets + body(b, "forced_photometry_all")]
        assert all(isinstance(m, int) and 2 ** 53 < m < 2 ** 63 for m in mids)
        assert len(set(mids)) == len(mids)
    everything = [r["measurement_id"] for b in objects.values()
                  for r in detections(b) + body(b, "forced_photometry_all")]
    assert len(set(everything)) == len(everything)


def test_sentinels(objects):
    for b in objects.values():
        dets = detections(b)
        trig = b["triggering_measurement_id"]
        assert dets[0]["measurement_id"] == trig  # the alert's own diaSource first
        assert [r["measurement_id"] for r in dets if r["has_stamp"]] == [trig]
        assert [r["ssObjectId"] for r in dets] == [0] + [None] * (len(dets) - 1)
        assert {r["parentDiaSourceId"] for r in dets} == {0}
        assert {r["diaObjectId"] for r in dets} == {b["oid"]}
        for r in dets:
            assert r["psfFlux_flag"] in (0, 1) and r["psfFlux_flag_edge"] == 0
            assert r["centroid_flag"] is bool(r["psfFlux_flag"])
            assert r["isNegative"] is (r["psfFlux"] < 0)
            assert r["snr"] >= 5.0
            assert (r["trailFlux"] is None) is r["shape_flag"]
            assert (r["dipoleMeanFlux"] is None) is (not r["isDipole"])
            assert r["psfLnL"] is None and r["timeWithdrawnMjdTai"] is None
            assert abs(r["xErr"] - r["raErr"] * 3600 / 0.2) < 1e-5 * r["xErr"]
        rest = dets[1:]
        assert [r["mjd"] for r in rest] == sorted(r["mjd"] for r in rest)
        assert body(b, "lightcurve")["non_detections"] == []


def test_bands_and_time(objects, manifest):
    band_map = {"6": "u", "1": "g", "2": "r", "3": "i", "4": "z", "5": "y"}
    bands = set()
    from alerce_astro.offline.simulate.lsst.ids import day_obs, unpack_measurement_id, visit_id

    for b in objects.values():
        rows = detections(b) + body(b, "forced_photometry_all")
        for r in rows:
            assert r["band_map"] == band_map and list(r["band_map"]) == list(band_map)
            assert r["survey_id"] == "lsst" and r["oid"] == b["oid"]
            assert C.MJD_START <= r["mjd"] <= C.MJD_END
            bands.add(r["band"])
        visits = [r["visit"] for r in rows]
        expected = visit_id(day_obs([r["mjd"] for r in rows]),
                            [unpack_measurement_id(r["measurement_id"])["seq"] for r in rows])
        assert visits == expected.tolist()
        for r in rows:
            f = unpack_measurement_id(r["measurement_id"])
            assert (f["prefix"], f["visit"], f["detector"]) == (3, r["visit"], r["detector"])
    assert bands == {1, 2, 3, 4, 5, 6}
    # one visit id, one time: visits shared by several objects have one midpointMjdTai
    when = defaultdict(set)
    for b in objects.values():
        for r in detections(b) + body(b, "forced_photometry_all"):
            when[r["visit"]].add(r["mjd"])
    assert all(len(t) == 1 for t in when.values())


def test_forced_photometry_complete_vs_single_oid(objects):
    more = 0
    for b in objects.values():
        full = body(b, "forced_photometry_all")
        capped = body(b, "lightcurve")["forced_photometry"]
        assert capped == full[:10]
        assert [r["mjd"] for r in full] == sorted(r["mjd"] for r in full)
        more += len(full) > 10
        assert body(b, "object")["n_forced"] == len(full)
        # forced photometry from 30 days before the first detection to the alert
        dets = detections(b)
        assert full[-1]["mjd"] == dets[0]["mjd"]
        assert full[0]["mjd"] >= min(r["mjd"] for r in dets) - 30.0
    assert more >= 0.8 * len(objects)


def test_object_row_from_detections(objects):
    for b in objects.values():
        obj = body(b, "object")
        dets = detections(b)
        assert obj["n_det"] == len(dets) and obj["n_non_det"] == 0
        t = [r["mjd"] for r in dets]
        assert (obj["firstmjd"], obj["lastmjd"]) == (min(t), max(t))
        assert obj["deltamjd"] == pytest.approx(max(t) - min(t), abs=1e-9)
        w = np.array([r["raErr"] for r in dets]) ** -2.0
        ra = np.array([r["ra"] for r in dets])
        ra = ra[0] + (ra - ra[0] + 180.0) % 360.0 - 180.0
        assert obj["meanra"] == pytest.approx(np.sum(w * ra) / np.sum(w) % 360.0, abs=1e-9)
        assert obj["sigmara"] == pytest.approx(np.sqrt(1.0 / np.sum(w)), rel=1e-9)
        assert obj["created_date"].endswith("T00:00:00") and obj["updated_date"] is None
        extra = body(b, "object_extra")
        assert {k: extra[k] for k in obj if k in extra} == {k: v for k, v in obj.items()
                                                          if k != "updated_date"}


def test_dia_object_summary(objects):
    for b in objects.values():
        extra = body(b, "object_extra")
        dets = detections(b)
        band = C.BANDS[dets[0]["band"]]  # the alert's band carries the statistics
        flux = np.array([r["psfFlux"] for r in dets if C.BANDS[r["band"]] == band])
        assert extra[f"{band}_psfFluxNdata"] == len(flux)
        assert extra[f"{band}_psfFluxMin"] == flux.min()
        assert extra[f"{band}_psfFluxMax"] == flux.max()
        if len(flux) > 1:
            assert extra[f"{band}_psfFluxSigma"] == pytest.approx(np.std(flux, ddof=1),
                                                                  rel=1e-6)
        for other in "ugrizy".replace(band, ""):
            assert extra[f"{other}_psfFluxNdata"] == 0
            assert extra[f"{other}_psfFluxMean"] is None
        assert extra["nDiaSources"] == len(dets)
        assert extra["firstDiaSourceMjdTai"] is None and extra["lastDiaSourceMjdTai"] is None


def test_magstats_is_rounded_summary(objects):
    for b in objects.values():
        (ms,) = body(b, "magstats")
        extra = body(b, "object_extra")
        assert ms["oid"] == b["oid"]
        for k, v in ms.items():
            if k == "oid":
                continue
            e = extra[k]
            assert v == (round(e, 3) if isinstance(e, float) else e), k


def test_probabilities_and_list_objects(objects, manifest):
    truth = {o["oid"]: o for o in manifest["objects"]}
    right = 0
    for oid, b in objects.items():
        probs = body(b, "probabilities")
        assert len(probs) == 10
        assert [r["class_name"] for r in probs[::2]] == list(C.STAMP_CLASSES)
        by_clf = defaultdict(dict)
        for r in probs:
            by_clf[(r["classifier_name"], r["classifier_version"])][r["class_name"]] = r
        assert set(by_clf) == {("stamp_classifier_rubin_beta", 201),
                               ("stamp_classifier_rubin_beta_20260421", 202)}
        for rows in by_clf.values():
            p = {c: r["probability"] for c, r in rows.items()}
            assert sum(p.values()) == pytest.approx(1.0, abs=1e-9)
            assert all(round(v, 3) == v for v in p.values())
            order = sorted(p, key=lambda c: (-p[c], c))
            assert [rows[c]["ranking"] for c in order] == [1, 2, 3, 4, 5]
        listing = body(b, "list_objects")
        items = listing["items"]
        assert listing["total"] == len(items) == 2 and listing["has_next"] is False
        assert [i["probability"] for i in items] == sorted((i["probability"] for i in items),
                                                           reverse=True)
        for item in items:
            top = by_clf[(item["classifier_name"],
                          int(item["classifier_version"].replace(".", "")))]
            best = min(top.values(), key=lambda r: r["ranking"])
            assert (item["class_name"], item["probability"]) == (best["class_name"],
                                                                 best["probability"])
            assert item["stellar"] is None and item["oid"] == oid
        group = truth[oid]["group"]
        expect = C.STAMP_TRUTH[group]
        right += items[0]["class_name"] == expect
    assert right >= 0.7 * len(objects)


def test_dataset_json_is_the_classifiers_answer(dataset):
    meta = load(dataset / "dataset.json")
    assert meta["survey"] == "lsst"
    real = REAL / "lsst-recorded" / "exchanges" / "classifiers" / "all.json"
    if not real.is_file():
        pytest.skip("../shared/alerce-fixtures/lsst-recorded is not beside the checkout")
    import json

    assert meta["classifiers"] == json.loads(load(real)["body_text"])
