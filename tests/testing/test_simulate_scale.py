"""
Scale of the simulated datasets: a 5,000-point light curve and (slow marker) 10,000 objects
come out whole and consistent. How long they take is measured in ``benchmarks/run.py --only
simulate``, as a ratio to a reference loop, never asserted here (machines differ by 4x).
"""

import json
import time

import pytest

from alerce_astro.offline.simulate import generate_dataset


@pytest.mark.parametrize("cls", ["RRL", "SNIa", "QSO"])
def test_light_curve_of_5000_points(tmp_path, cls):
    path = generate_dataset(tmp_path / "long", 1, classes=[cls], n_points=5000)
    body = json.loads((path / "objects" / "ZTF00aaaaaaa.json").read_text())
    dets = body["lightcurve"]["detections"]
    assert len(dets) == 5000 and body["object"]["ndet"] == 5000
    mjd = [d["mjd"] for d in dets]
    assert mjd == sorted(mjd) and len({d["candid"] for d in dets}) == 5000
    assert all(d["magpsf"] < d["diffmaglim"] for d in dets)
    assert sum(m["ndet"] for m in body["magstats"]) == 5000
    assert len(body["features"]) == 178


@pytest.mark.slow
def test_ten_thousand_objects(tmp_path):
    t0 = time.process_time()
    wall = time.perf_counter()
    path = generate_dataset(tmp_path / "big", 10_000, stamps=False, catalogs=False)
    elapsed = time.process_time() - t0
    wall = time.perf_counter() - wall
    counts = json.loads((path / "manifest.json").read_text())["counts"]
    assert counts["objects"] == 10_000
    assert len(list((path / "objects").glob("*.json"))) == 10_000
    assert counts["detections"] > 200_000
    print(f"\n10,000 objects: {elapsed:.1f} s CPU, {wall:.1f} s wall, {counts}")
