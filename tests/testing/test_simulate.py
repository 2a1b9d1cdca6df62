"""
Tests of the seeded sample-data generator `alerce_astro.offline.simulate`: wire shapes against
real recorded ZTF API v1 bodies, internal consistency, physics, determinism and the cached
built-in sample.
"""

import hashlib
import json
import math
import re
import threading
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerce_astro.offline.simulate import (
    SIMULATED_CLASSES,
    generate_dataset,
    sample_dataset_path,
    simulated_oid,
)
from alerce_astro.offline.simulate import constants as C
from alerce_astro.offline.simulate.cache import SAMPLE_OBJECTS
from alerce_astro.offline.simulate.ids import oid_index
from alerce_astro.offline.simulate.sky import distance_modulus, galactic

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "alerce-fixtures"
REAL_OBJECT = SHARED / "recorded" / "objects" / "ZTF20aaelulu.json"
OID_RE = re.compile(r"^ZTF00[a-z]{7}$")


def _load(path):
    return json.loads(Path(path).read_text())


def _objects(path):
    return {p.stem: _load(p) for p in sorted((Path(path) / "objects").glob("*.json"))}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    path = tmp_path_factory.mktemp("sim") / "ds"
    return generate_dataset(path, 40, seed=0)


@pytest.fixture(scope="module")
def objects(dataset):
    return _objects(dataset)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A larger dataset without images, for statistics."""
    path = tmp_path_factory.mktemp("sim") / "big"
    return _objects(generate_dataset(path, 300, seed=7, stamps=False, catalogs=False))


def _dets(body):
    return (body["lightcurve"] or {}).get("detections", [])


def _nondets(body):
    return (body["lightcurve"] or {}).get("non_detections", [])


# ------------------------------------------------------------------------------ ids
def test_simulated_oid_examples():
    assert simulated_oid(0) == "ZTF00aaaaaaa"
    assert simulated_oid(1) == "ZTF00aaaaaab"
    assert simulated_oid(26) == "ZTF00aaaaaba"
    assert simulated_oid(26 ** 7 - 1) == "ZTF00zzzzzzz"
    for bad in (-1, 26 ** 7, 1.5, "3", True):
        with pytest.raises(ValueError):
            simulated_oid(bad)


@given(st.integers(min_value=0, max_value=26 ** 7 - 1))
def test_simulated_oid_roundtrip(i):
    oid = simulated_oid(i)
    assert OID_RE.match(oid)
    assert oid_index(oid) == i


# ------------------------------------------------------------------------------ layout
def test_layout(dataset, objects):
    assert len(objects) == 40
    assert all(OID_RE.match(oid) for oid in objects)
    for oid, body in objects.items():
        assert list(body) == ["object", "lightcurve", "magstats", "probabilities", "features",
                              "forced_photometry", "provenance"]
        assert body["object"]["oid"] == oid
    assert _load(dataset / "classifiers.json") == [dict(c) for c in C.CLASSIFIERS]
    names = {p.stem for p in (dataset / "catalogs").glob("*.json")}
    assert {"GAIADR2", "TMASS", "AAVSO_VSX", "SDSSDR10", "SpecSDSS", "NEDz", "WISE"} <= names
    manifest = _load(dataset / "manifest.json")
    assert manifest["arguments"]["n_objects"] == 40
    assert manifest["counts"]["detections"] == sum(b["object"]["ndet"] for b in objects.values())
    # every simulated class is present
    assert {b["provenance"]["class"] for b in objects.values()} == set(SIMULATED_CLASSES)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate_dataset(tmp_path / "a", -1)
    with pytest.raises(ValueError):
        generate_dataset(tmp_path / "b", 2, classes=["SNIa", "Unicorn"])
    with pytest.raises(ValueError):
        generate_dataset(tmp_path / "c", 2, n_points=0)
    with pytest.raises(ValueError):
        generate_dataset(tmp_path / "d", 2, seed=-3)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_dataset(foreign, 2)
    assert (foreign / "notes.txt").read_text() == "mine"


def test_regenerating_replaces(tmp_path):
    path = generate_dataset(tmp_path / "ds", 5, stamps=False, catalogs=False)
    generate_dataset(path, 3, stamps=False, catalogs=False)
    assert len(list((path / "objects").glob("*.json"))) == 3


def test_classes_argument(tmp_path):
    objs = _objects(generate_dataset(tmp_path / "ds", 12, classes=["RRL", "QSO"],
                                     stamps=False, catalogs=False))
    assert Counter(b["provenance"]["class"] for b in objs.values()).keys() == {"RRL", "QSO"}


# ------------------------------------------------------------------------------ determinism
def _digest(path):
    h = {}
    for p in sorted(Path(path).rglob("*")):
        if p.is_file():
            h[str(p.relative_to(path))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return h


def test_determinism(tmp_path):
    a = _digest(generate_dataset(tmp_path / "a", 14, seed=5))
    b = _digest(generate_dataset(tmp_path / "b", 14, seed=5))
    assert a == b
    assert any(k.startswith("stamps/") for k in a) and any(k.startswith("catalogs/") for k in a)
    c = _digest(generate_dataset(tmp_path / "c", 14, seed=6))
    common = [k for k in a if k.startswith("objects/") and k in c]
    assert common and all(a[k] != c[k] for k in common)


def test_products_do_not_change_objects(tmp_path):
    # switching images and catalogs off leaves the object files byte-identical
    a = _digest(generate_dataset(tmp_path / "a", 8, seed=2))
    b = _digest(generate_dataset(tmp_path / "b", 8, seed=2, stamps=False, catalogs=False))
    objs = [k for k in a if k.startswith("objects/")]
    assert objs and all(a[k] == b[k] for k in objs)


# ------------------------------------------------------------------------------ wire shapes
def _types(rows):
    out = defaultdict(set)
    for row in rows:
        for k, v in row.items():
            out[k].add(type(v).__name__)
    return out


def _real_types(section):
    """JSON types per key over every recorded real object (ZTF API v1 answers)."""
    rows = []
    for p in (SHARED / "recorded" / "objects").glob("*.json"):
        body = _load(p)
        if section == "object":
            rows.append(body["object"])
        elif section in ("detections", "non_detections"):
            rows += (body["lightcurve"] or {}).get(section, [])
        else:
            rows += body[section]
    return _types(rows)


def _check_types(ours, real):
    for key, types in ours.items():
        if real[key] == {"NoneType"}:
            assert types == {"NoneType"}, key
        else:
            assert types <= real[key], (key, types, real[key])


@pytest.mark.skipif(not REAL_OBJECT.is_file(), reason="real fixtures not available")
def test_shapes_identical_to_real(objects):
    real = _load(REAL_OBJECT)
    assert list(real)[:5] == list(next(iter(objects.values())))[:5]
    ours_obj = [b["object"] for b in objects.values()]
    ours_det = [d for b in objects.values() for d in _dets(b)]
    ours_nd = [d for b in objects.values() for d in _nondets(b)]
    ours_ms = [m for b in objects.values() for m in b["magstats"]]
    ours_pr = [p for b in objects.values() for p in b["probabilities"]]
    ours_ft = [f for b in objects.values() for f in b["features"]]
    pairs = [
        (ours_obj, [real["object"]], "object"),
        (ours_det, real["lightcurve"]["detections"], "detections"),
        (ours_nd, real["lightcurve"]["non_detections"], "non_detections"),
        (ours_ms, real["magstats"], "magstats"),
        (ours_pr, real["probabilities"], "probabilities"),
        (ours_ft, real["features"], "features"),
    ]
    for ours, reals, section in pairs:
        assert ours, section
        order = list(reals[0])
        assert all(list(row) == order for row in ours), section
        _check_types(_types(ours), _real_types(section))
    # the real object's feature names are all there, with the same band codes
    real_names = {(f["name"], f["fid"]) for f in real["features"]}
    full = [b["features"] for b in objects.values() if len(b["features"]) == 178]
    assert full and {(f["name"], f["fid"]) for f in full[0]} == real_names


def test_object_and_detection_types(objects):
    for body in objects.values():
        o = body["object"]
        assert isinstance(o["ndethist"], str) and int(o["ndethist"]) >= o["ndet"]
        assert isinstance(o["ndet"], int) and isinstance(o["ncovhist"], int)
        for d in _dets(body):
            assert isinstance(d["candid"], str) and len(d["candid"]) == 19
            assert isinstance(d["pid"], int) and len(str(d["pid"])) == 13
            assert d["candid"].startswith(str(d["pid"]))
            assert type(d["parent_candid"]) is int
            assert d["tid"] == "ztf" and d["phase"] == 0.0 and d["isdiffpos"] in (1, -1)
            assert d["nid"] == math.floor(d["mjd"] - 57754)
            for k in ("magpsf_corr_ext", "magap_corr", "sigmagap_corr", "candid_alert"):
                assert d[k] is None


def test_candids_unique_and_parents(objects):
    seen = set()
    big_parents = 0
    for body in objects.values():
        dets = _dets(body)
        cands = [int(d["candid"]) for d in dets]
        assert not seen & set(cands)
        seen |= set(cands)
        mjd = {int(d["candid"]): d["mjd"] for d in dets}
        for d in dets:
            p = d["parent_candid"]
            if p:
                big_parents += p > 2 ** 53
                assert p in mjd and 0 < mjd[p] - d["mjd"] <= 30
    assert big_parents > 100


def test_json_is_the_service_bytes(dataset):
    # default json.dumps separators; NaN and Infinity as bare tokens
    texts = {p.name: p.read_text() for p in (dataset / "objects").glob("*.json")}
    for name, text in texts.items():
        assert json.dumps(json.loads(text)) == text, name
    assert sum("NaN" in t for t in texts.values()) >= 5
    assert sum("Infinity" in t for t in texts.values()) == 1


# ------------------------------------------------------------------------------ consistency
def test_object_rows_from_detections(objects):
    for body in objects.values():
        o = body["object"]
        dets = _dets(body)
        if body["lightcurve"] is None:
            assert "null_lightcurve" in body["provenance"]["quirks"] and o["ndet"] > 0
            continue
        assert o["ndet"] == len(dets)
        assert o["firstmjd"] == dets[0]["mjd"] and o["lastmjd"] == dets[-1]["mjd"]
        assert o["deltajd"] == pytest.approx(o["lastmjd"] - o["firstmjd"])
        assert o["mjdstarthist"] <= o["firstmjd"] and o["mjdendhist"] == o["lastmjd"]
        assert o["meanra"] == pytest.approx(np.mean([d["ra"] for d in dets]), abs=1e-9)
        assert o["meandec"] == pytest.approx(np.mean([d["dec"] for d in dets]), abs=1e-9)
        assert o["sigmadec"] < 1e-3
        assert [d["mjd"] for d in dets] == sorted(d["mjd"] for d in dets)
        assert o["corrected"] == dets[0]["corrected"]
        g = [d["magpsf"] for d in dets if d["fid"] == 1]
        r = [d["magpsf"] for d in dets if d["fid"] == 2]
        if g and r:
            assert o["g_r_max"] == pytest.approx(min(g) - min(r))
            assert o["g_r_mean"] == pytest.approx(np.mean(g) - np.mean(r))
        else:
            assert o["g_r_max"] is None


def test_magstats_from_detections(objects):
    checked = 0
    for body in objects.values():
        dets = _dets(body)
        if not dets:
            continue
        rows = {m["fid"]: m for m in body["magstats"]}
        assert set(rows) == {d["fid"] for d in dets}
        for fid, m in rows.items():
            mags = [d["magpsf"] for d in dets if d["fid"] == fid]
            times = [d["mjd"] for d in dets if d["fid"] == fid]
            assert m["ndet"] == len(mags)
            assert m["magmin"] == min(mags) and m["magmax"] == max(mags)
            assert m["magfirst"] == mags[0] and m["maglast"] == mags[-1]
            assert m["magmean"] == pytest.approx(np.mean(mags), abs=1e-6)
            assert m["magmedian"] == pytest.approx(np.median(mags), abs=1e-6)
            assert m["firstmjd"] == pytest.approx(times[0], abs=6e-4)
            assert m["lastmjd"] == pytest.approx(times[-1], abs=6e-4)
            assert m["ndubious"] == sum(d["dubious"] for d in dets if d["fid"] == fid)
            assert m["magsigma"] is None
            checked += 1
    assert checked > 40


def test_probabilities(objects, big):
    names = {c["classifier_name"]: c for c in C.CLASSIFIERS}
    top1 = Counter()
    for body in list(objects.values()) + list(big.values()):
        cls = body["provenance"]["class"]
        by = defaultdict(dict)
        for p in body["probabilities"]:
            c = names[p["classifier_name"]]
            assert p["classifier_version"] == c["classifier_version"]
            assert p["class_name"] in c["classes"]
            by[p["classifier_name"]][p["class_name"]] = (p["probability"], p["ranking"])
        assert "stamp_classifier" in by
        for name, rows in by.items():
            assert set(rows) == set(names[name]["classes"])
            assert sum(v for v, _ in rows.values()) == pytest.approx(1.0, abs=1e-9)
            ranked = sorted(rows.values(), key=lambda x: x[1])
            assert [r for _, r in ranked] == list(range(1, len(rows) + 1))
            assert all(a[0] >= b[0] for a, b in zip(ranked[:-1], ranked[1:], strict=True))
        if cls == "bogus":
            assert set(by) == {"stamp_classifier"}
            continue
        if "lc_classifier" not in by:
            continue
        assert len(by) == 6
        top = by["lc_classifier_top"]
        for group, branch in C.BRANCH_CLASSIFIER.items():
            for cname, (p, _) in by[branch].items():
                assert by["lc_classifier"][cname][0] == pytest.approx(top[group][0] * p, abs=1e-12)
        top1[by["lc_classifier"][cls][1] == 1] += 1
    # the true class wins for most objects, not for all
    assert top1[True] > 4 * top1[False] and top1[False] > 0


def test_features(objects, big):
    nan_values = 0
    for body in list(objects.values()) + list(big.values()):
        feats = body["features"]
        dets = _dets(body)
        if not feats:
            continue
        assert all(f["version"] == C.FEATURE_VERSION for f in feats)
        assert {f["fid"] for f in feats} <= {0, 1, 2, 12}
        assert 40 <= len(feats) <= 180
        by = {(f["name"], f["fid"]): f["value"] for f in feats}
        nan_values += sum(1 for v in by.values() if isinstance(v, float) and math.isnan(v))
        for fid in (1, 2):
            if ("n_det", fid) in by and dets:
                band = [d for d in dets if d["fid"] == fid]
                assert by[("n_det", fid)] == len(band)
                assert by[("first_mag", fid)] == band[0]["magpsf"]
                assert by[("min_mag", fid)] == min(d["magpsf"] for d in band)
                assert by[("n_neg", fid)] == sum(d["isdiffpos"] < 0 for d in band)
        period = body["provenance"]["period"]
        if period is not None:
            assert by[("Multiband_period", 12)] == period
        lon, lat = by[("gal_l", 0)], by[("gal_b", 0)]
        ra, dec = body["provenance"]["position"]["ra"], body["provenance"]["position"]["dec"]
        exp_l, exp_b = galactic(ra, dec)
        assert (lon, lat) == pytest.approx((float(exp_l), float(exp_b)), abs=1e-6)
    assert nan_values >= 10


def test_galactic_matches_astropy():
    from astropy import units as u
    from astropy.coordinates import SkyCoord

    rng = np.random.default_rng(1)
    ra, dec = rng.uniform(0, 360, 200), rng.uniform(-89, 89, 200)
    lon, lat = galactic(ra, dec)
    g = SkyCoord(ra * u.deg, dec * u.deg).galactic
    dl = (lon - g.l.deg + 180) % 360 - 180
    assert np.abs(dl * np.cos(np.radians(lat))).max() < 1e-4
    assert np.abs(lat - g.b.deg).max() < 1e-4


def test_distance_modulus_matches_astropy():
    from astropy.cosmology import Planck18

    z = np.array([0.01, 0.05, 0.2, 1.0, 2.5])
    assert np.allclose(distance_modulus(z), Planck18.distmod(z).value, atol=0.01)


# ------------------------------------------------------------------------------ physics
def test_detections_brighter_than_limit_and_errors(big):
    dm, sig = [], []
    for body in big.values():
        for d in _dets(body):
            assert d["magpsf"] < d["diffmaglim"]
            assert 18.5 <= d["diffmaglim"] <= 21.3
            dm.append(d["magpsf"] - d["diffmaglim"])
            sig.append(d["sigmapsf"])
    dm, sig = np.array(dm), np.array(sig)
    # errors grow towards the limit: ~0.217 * 10**(0.4 (m - lim)) above a floor
    assert np.corrcoef(dm, np.log(sig))[0, 1] > 0.9
    near = sig[dm > -0.2]
    bright = sig[dm < -3.0]
    assert 0.15 < np.median(near) < 0.25 and np.median(bright) < 0.03
    lims = [nd["diffmaglim"] for b in big.values() for nd in _nondets(b)]
    assert 19.5 < np.percentile(lims, 10) and np.percentile(lims, 90) < 20.9


def test_upper_limits(big):
    before = 0
    for body in big.values():
        dets, nds = _dets(body), _nondets(body)
        if not dets:
            continue
        t = np.array([d["mjd"] for d in dets])
        for nd in nds:
            assert list(nd) == ["tid", "mjd", "fid", "diffmaglim"]
            later = t[t > nd["mjd"]]
            assert later.size and later[0] - nd["mjd"] <= 30.0
        before += any(nd["mjd"] < t[0] for nd in nds)
        if body["provenance"]["class"] in C.TRANSIENTS and nds:
            # a supernova is not seen before it explodes
            first = t[0]
            assert all(nd["diffmaglim"] > 18 for nd in nds if nd["mjd"] < first)
    assert before > 0.5 * len(big)


def test_cadence(big):
    visits, bands, gaps = Counter(), Counter(), []
    for body in big.values():
        dets = _dets(body)
        # one or two visits per night and band
        per_night = Counter((int(d["mjd"]), d["fid"]) for d in dets)
        assert max(per_night.values(), default=0) <= 2
        visits.update(per_night.values())
        bands.update(d["fid"] for d in dets)
        assert all(0.1 < d["mjd"] % 1 < 0.56 for d in dets)  # Palomar nights in UT
        t = np.array([d["mjd"] for d in dets])
        if body["provenance"]["class"] == "LPV" and np.ptp(t) > 365:
            gaps.append(np.diff(t).max())
    assert visits[2] > 0.1 * visits[1]
    assert 0 < bands[3] < 0.1 * (bands[1] + bands[2])
    # followed for more than a year: the seasonal gap shows (months without data)
    assert gaps and min(gaps) > 40


def test_transients_and_variables(big):
    neg_transient = 0
    for body in big.values():
        cls = body["provenance"]["class"]
        dets = _dets(body)
        if cls in C.TRANSIENTS:
            assert not body["object"]["corrected"] and not body["object"]["stellar"]
            for d in dets:
                assert not d["corrected"] and d["magpsf_corr"] is None
                assert d["distnr"] > 1.0
                if d["isdiffpos"] < 0:
                    neg_transient += 1
                    assert d["dubious"]
            assert 0.01 <= body["provenance"]["redshift"] <= 0.45
        elif cls in C.PERIODIC:
            assert body["object"]["corrected"] and body["object"]["stellar"]
            assert {d["isdiffpos"] for d in dets} <= {1, -1}
            for d in dets:
                assert d["corrected"] and isinstance(d["magpsf_corr"], float)
                if d["magpsf_corr"] < 100:
                    # the apparent magnitude is brighter than the difference one when the
                    # star is brighter than its reference flux, fainter otherwise
                    if d["isdiffpos"] > 0:
                        assert d["magpsf_corr"] < d["magpsf"]
    assert neg_transient > 0
    neg_var = sum(d["isdiffpos"] < 0 for b in big.values() if b["provenance"]["class"]
                  in C.PERIODIC for d in _dets(b))
    assert neg_var > 100


def test_transient_light_curve_shape(big):
    # rise then decline: a well-sampled type Ia or Ibc supernova fades after its brightest
    # detection, and declines for longer than it rises
    checked = 0
    for body in big.values():
        if body["provenance"]["class"] not in ("SNIa", "SNIbc"):
            continue
        dets = [d for d in _dets(body) if d["fid"] == 2 and d["isdiffpos"] > 0]
        if len(dets) < 15:
            continue
        m = np.array([d["magpsf"] for d in dets])
        t = np.array([d["mjd"] for d in dets])
        k = int(np.argmin(m))
        assert m[-1] - m[k] > 0.4
        assert t[-1] - t[k] > t[k] - t[0]
        checked += 1
    assert checked >= 4


def test_periods_recoverable(tmp_path):
    from astropy.timeseries import LombScargle

    objs = _objects(generate_dataset(tmp_path / "per", 12, seed=11, n_points=300,
                                     classes=["RRL", "CEP", "DSCT", "E", "LPV"],
                                     stamps=False, catalogs=False))
    recovered = 0
    for body in objs.values():
        period = body["provenance"]["period"]
        assert period and body["provenance"]["class"] in C.PERIODIC
        feats = {(f["name"], f["fid"]): f["value"] for f in body["features"]}
        assert feats[("Multiband_period", 12)] == period
        if body["lightcurve"] is None:
            continue
        rows = [d for d in _dets(body) if d["fid"] == 2 and d["magpsf_corr"] < 100]
        t = np.array([d["mjd"] for d in rows])
        m = np.array([d["magpsf_corr"] for d in rows])
        e = np.array([d["sigmapsf_corr_ext"] for d in rows])
        # search a decade around the period (with room for aliases and half periods)
        freq, power = LombScargle(t, m, e).autopower(
            minimum_frequency=max(1.0 / np.ptp(t), 0.3 / period),
            maximum_frequency=3.0 / period, samples_per_peak=20)
        best = 1.0 / freq[np.argmax(power)]
        # eclipsing binaries show two minima per period: half the period is fine for them
        candidates = [best, 2 * best] if body["provenance"]["class"] == "E" else [best]
        assert min(abs(c - period) / period for c in candidates) < 0.01, body["provenance"]
        recovered += 1
    assert recovered >= 10


def test_n_points(tmp_path):
    objs = _objects(generate_dataset(tmp_path / "np", 3, n_points=250, stamps=False,
                                     classes=["SNIa", "QSO", "bogus"]))
    for body in objs.values():
        assert body["object"]["ndet"] == 250


# ------------------------------------------------------------------------------ forced photometry
def test_forced_photometry(objects, big):
    have = total = 0
    for body in list(objects.values()) + list(big.values()):
        fp = body["forced_photometry"]
        if body["provenance"]["class"] == "bogus":
            assert fp == []
            continue
        total += 1
        if not fp:
            continue
        have += 1
        oid = body["object"]["oid"]
        last = body["object"]["lastmjd"]
        for row in fp:
            assert tuple(row) == C.FORCED_KEYS
            assert tuple(row["extra_fields"]) == C.FORCED_EXTRA_KEYS
            assert row["candid"] == f"{oid}{row['pid']}" and row["oid"] == oid
            assert last - 30.0 - 1e-6 <= row["mjd"] <= last + 1e-6
            assert row["isdiffpos"] in (1, -1) and row["has_stamp"] is False
            assert row["e_mag"] > 0 and 10 < row["mag"] < 30
            assert (row["mag_corr"] is None) == (not row["corrected"])
            assert isinstance(row["extra_fields"]["procstatus"], str)
            assert row["extra_fields"]["programid"] == 1
    assert 0.3 * total < have < 0.7 * total


# ------------------------------------------------------------------------------ quirks
def test_quirks(objects):
    rows = [b["object"] for b in objects.values()]
    assert any(0 < r["meanra"] < 0.01 for r in rows)
    assert any(abs(r["meandec"]) < 0.01 for r in rows)
    pos = np.array([(r["meanra"], r["meandec"]) for r in rows])
    close = 0
    for i in range(len(pos)):
        for j in range(i + 1, len(pos)):
            dra = (pos[i, 0] - pos[j, 0]) * math.cos(math.radians(pos[i, 1]))
            sep = math.hypot(dra, pos[i, 1] - pos[j, 1]) * 3600
            close += sep < 30
    assert close >= 1
    assert any(isinstance(r["g_r_mean_corr"], float) and math.isnan(r["g_r_mean_corr"])
               for r in rows)
    assert any(b["lightcurve"] is None for b in objects.values())
    assert any([m["fid"] for m in b["magstats"]] == sorted(
        (m["fid"] for m in b["magstats"]), reverse=True) and len(b["magstats"]) > 1
        for b in objects.values())
    assert any(d["fid"] == 3 for b in objects.values() for d in _dets(b))
    # an object the light-curve classifier could not classify (too few detections)
    assert any(b["provenance"]["class"] != "bogus" and len(b["probabilities"]) == 5
               for b in objects.values())


# ------------------------------------------------------------------------------ catalogs
def test_catalogs(dataset, objects):
    cats = {p.stem: _load(p) for p in (dataset / "catalogs").glob("*.json")}
    assert cats["TMASS"]["display_name"] == "2MASS"
    assert cats["GAIADR2"]["display_name"] == "GAIA/DR2"
    assert cats["SDSSDR10"]["display_name"] == "SDSS/DR10"
    units = set()
    for name, cat in cats.items():
        assert list(cat) == ["name", "display_name", "columns", "rows"] and cat["name"] == name
        cols = [c["name"] for c in cat["columns"]]
        assert cols[:2] == ["RA", "Dec"]
        units |= {c["units"] for c in cat["columns"]}
        for row in cat["rows"]:
            assert len(row) == len(cols)
            assert all(v is None or type(v) in (int, float) for v in row)
    assert {"magAB", "JD", "nanomaggies", " ", "MJD", "JYear", "arcse"} <= units
    assert any(c["name"] == "z" for c in cats["SpecSDSS"]["columns"])
    assert any(c["name"] == "z" for c in cats["NEDz"]["columns"])
    # 0-10 sources per object and catalog within 60 arcsec
    for body in objects.values():
        ra, dec = body["provenance"]["position"]["ra"], body["provenance"]["position"]["dec"]
        for cat in cats.values():
            n = sum(1 for row in cat["rows"]
                    if abs(row[1] - dec) * 3600 < 61
                    and abs((row[0] - ra + 180) % 360 - 180) * math.cos(math.radians(dec)) * 3600
                    < 61)
            assert n <= 10


@pytest.mark.skipif(not (SHARED / "catshtm").is_dir(), reason="real fixtures not available")
def test_catalog_columns_like_catshtm(dataset):
    real = {}
    for fname, key in (("conesearch_all.json", "units"), ("crossmatch_all.json", "unit")):
        body = _load(SHARED / "catshtm" / fname)
        items = body["catalogs"] if isinstance(body, dict) else body
        for item in items:
            for display, cols in item.items():
                real.setdefault(display, {}).update(
                    {c: v[key] for c, v in cols.items() if c != "distance"})
    compared = 0
    for p in (dataset / "catalogs").glob("*.json"):
        cat = _load(p)
        if cat["display_name"] not in real:
            continue
        for col in cat["columns"]:
            assert real[cat["display_name"]].get(col["name"]) == col["units"], (p.stem, col)
        compared += 1
    assert compared >= 8


def test_host_redshifts(tmp_path):
    path = generate_dataset(tmp_path / "hosts", 80, seed=4, stamps=False,
                            classes=["SNIa", "SNII", "SNIbc", "SLSN"])
    objs = _objects(path)
    cats = {p.stem: _load(p) for p in (path / "catalogs").glob("*.json")}
    kinds = Counter()
    for body in objs.values():
        z = body["provenance"]["redshift"]
        ra, dec = body["provenance"]["position"]["ra"], body["provenance"]["position"]["dec"]
        for name, col in (("SpecSDSS", "z"), ("NEDz", "z"), ("SWIREz", "zphot")):
            k = [c["name"] for c in cats[name]["columns"]].index(col)
            for row in cats[name]["rows"]:
                sep = math.hypot((row[0] - ra) * math.cos(math.radians(dec)), row[1] - dec)
                if sep * 3600 < 30 and abs(row[k] - z) < (0.2 if name == "SWIREz" else 1e-3):
                    kinds[name] += 1
                    break
    assert kinds["SpecSDSS"] >= 10 and kinds["NEDz"] >= 5 and kinds["SWIREz"] >= 10


# ------------------------------------------------------------------------------ built-in sample
def test_sample_dataset_path(tmp_path):
    path = sample_dataset_path(tmp_path / "cache")
    assert path.parent == tmp_path / "cache" and path.name.startswith("sample-")
    stamp = (path / "manifest.json").stat().st_mtime_ns
    assert sample_dataset_path(tmp_path / "cache") == path
    assert (path / "manifest.json").stat().st_mtime_ns == stamp
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    assert size < 5.5e6
    objs = _objects(path)
    assert len(objs) == SAMPLE_OBJECTS
    assert {b["provenance"]["class"] for b in objs.values()} == set(SIMULATED_CLASSES)
    quirks = {q for b in objs.values() for q in b["provenance"]["quirks"]}
    assert quirks == {"near_ra_zero", "near_dec_zero", "close_pair", "nan_in_object_row",
                      "null_lightcurve", "infinity_feature"}
    # no temporary folders are left behind
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_sample_dataset_path_concurrent(tmp_path):
    results, errors = [], []

    def run():
        try:
            results.append(sample_dataset_path(tmp_path))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1
    assert len(list((results[0] / "objects").glob("*.json"))) == SAMPLE_OBJECTS
    assert [p.name for p in tmp_path.iterdir()] == [results[0].name]


def test_sample_default_location(tmp_path):
    from astropy.config import set_temp_cache

    with set_temp_cache(tmp_path):
        path = sample_dataset_path()
    assert tmp_path in path.parents and "alerce_astro" in path.parts
