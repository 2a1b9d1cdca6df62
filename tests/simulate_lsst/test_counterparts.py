"""
The built-in LSST sample: cached like the ZTF one, every class, and three objects at the
positions of ZTF sample objects with the same physics (the two-survey light curve needs them).
"""

import threading

import numpy as np
import pytest
from lsst_helpers import body, bundles, detections, load

from alerce_astro.offline.simulate import lsst_sample_dataset_path, sample_dataset_path
from alerce_astro.offline.simulate.lsst import LSST_SAMPLE_OBJECTS
from alerce_astro.offline.simulate.lsst.counterparts import ZTF_COUNTERPARTS
from alerce_astro.offline.simulate.sky import angular_separation


@pytest.fixture(scope="module")
def caches(tmp_path_factory):
    return tmp_path_factory.mktemp("caches")


@pytest.fixture(scope="module")
def lsst_sample(caches):
    return lsst_sample_dataset_path(caches)


@pytest.fixture(scope="module")
def ztf_sample(caches):
    return sample_dataset_path(caches)


@pytest.fixture(scope="module")
def pairs(lsst_sample, ztf_sample):
    """(LSST bundle, its manifest entry, the ZTF object file) of each counterpart."""
    manifest = load(lsst_sample / "manifest.json")
    out = []
    for entry in manifest["objects"]:
        if entry["ztf_counterpart"]:
            out.append((load(lsst_sample / "objects" / f"{entry['oid']}.json"), entry,
                        load(ztf_sample / "objects" / f"{entry['ztf_counterpart']}.json")))
    return out


def test_sample_content(lsst_sample):
    objs = bundles(lsst_sample)
    manifest = load(lsst_sample / "manifest.json")
    assert len(objs) == LSST_SAMPLE_OBJECTS == 15
    assert manifest["arguments"] == {"n_objects": 15, "seed": 0, "cutouts": True,
                                     "classes": None, "ztf_counterparts": True}
    from alerce_astro.offline.simulate import SIMULATED_CLASSES

    assert set(manifest["classes"]) == set(SIMULATED_CLASSES)
    assert sum(o["deep_field"] for o in manifest["objects"]) >= 1
    assert len(list((lsst_sample / "cutouts").glob("*.fits"))) == 3 * 15
    assert load(lsst_sample / "dataset.json")["survey"] == "lsst"


def test_sample_is_cached(caches, lsst_sample):
    stamp = (lsst_sample / "manifest.json").stat().st_mtime_ns
    assert lsst_sample_dataset_path(caches) == lsst_sample
    assert (lsst_sample / "manifest.json").stat().st_mtime_ns == stamp
    assert lsst_sample.name.startswith("lsst-sample-")


def test_sample_concurrent(tmp_path):
    results, errors = [], []

    def run():
        try:
            results.append(lsst_sample_dataset_path(tmp_path))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1
    assert len(list(results[0].glob("objects/*.json"))) == 15
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_three_counterparts(pairs):
    assert [(z["provenance"]["index"], z["provenance"]["class"]) for _, _, z in pairs] \
        == list(ZTF_COUNTERPARTS)
    for _, entry, ztf in pairs:
        assert entry["class"] == ztf["provenance"]["class"]
        assert entry["index"] < 3  # the sample's first objects


def test_counterparts_within_half_arcsec(pairs):
    for lsst, _, ztf in pairs:
        a, z = body(lsst, "object"), ztf["object"]
        sep = angular_separation(a["meanra"], a["meandec"], z["meanra"], z["meandec"]) * 3600
        assert sep < 0.5


def test_counterparts_same_physics(pairs):
    for _, entry, ztf in pairs:
        prov = ztf["provenance"]
        assert entry["period"] == prov["period"]
        assert entry["redshift"] == pytest.approx(prov["redshift"], abs=1e-6) \
            if prov["redshift"] is not None else entry["redshift"] is None
        if prov["group"] == "Transient":
            # a sibling: same host galaxy offset and redshift, a later explosion
            assert entry["model"]["host_offset_arcsec"] == prov["model"]["host_offset_arcsec"]
            assert entry["model"]["t0"] > 61000 > prov["model"]["t0"]
        else:
            assert entry["model"]["mean_mag"] == prov["model"]["mean_mag"]


def test_periodic_fluxes_agree_between_surveys(pairs):
    # ZTF's corrected magnitudes and LSST's science fluxes of the same eclipsing binary, folded
    # on its period, trace one light curve in g and in r (ZTF and LSST differ by passband only)
    (lsst, entry, ztf), = [p for p in pairs if p[1]["class"] == "E"]
    period = entry["period"]
    epoch = ztf["provenance"]["model"]["epoch"]
    checked = 0
    for band in (1, 2):
        z = [(d["mjd"], d["magpsf_corr"]) for d in ztf["lightcurve"]["detections"]
             if d["fid"] == band and d["magpsf_corr"] is not None and d["magpsf_corr"] < 100]
        rows = [r for r in detections(lsst) + body(lsst, "forced_photometry_all")
                if r["band"] == band]
        zp = np.array([((t - epoch) / period) % 1.0 for t, _ in z])
        zm = np.array([m for _, m in z])
        diffs = []
        for r in rows:
            ph = ((r["mjd"] - epoch) / period) % 1.0
            near = np.abs((zp - ph + 0.5) % 1.0 - 0.5) < 0.03
            if near.any():
                diffs.append(31.4 - 2.5 * np.log10(r["scienceFlux"]) - np.median(zm[near]))
        if len(diffs) >= 3:
            assert abs(np.median(diffs)) < 0.1, band
            checked += 1
    assert checked >= 1
