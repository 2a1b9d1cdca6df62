"""
The LSST generator is seeded and byte-identical per seed; its ids follow Rubin's layout (checked
against the real ids); its arguments are validated.
"""

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsst_helpers import body, bundles, detections, load

from alerce_astro.offline.simulate import generate_lsst_dataset
from alerce_astro.offline.simulate.lsst.ids import (
    MAX_OBJECTS,
    is_simulated_id,
    pack_measurement_id,
    unpack_measurement_id,
)


def _digest(path):
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(path).rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(tmp_path):
    a = _digest(generate_lsst_dataset(tmp_path / "a", 8, seed=5))
    b = _digest(generate_lsst_dataset(tmp_path / "b", 8, seed=5))
    assert a == b
    assert sum(k.startswith("cutouts/") for k in a) == 24
    c = _digest(generate_lsst_dataset(tmp_path / "c", 8, seed=6))
    assert not set(k for k in a if k.startswith("objects/")) & set(c)


def test_cutouts_do_not_change_bundles(tmp_path):
    a = _digest(generate_lsst_dataset(tmp_path / "a", 6, seed=2))
    b = _digest(generate_lsst_dataset(tmp_path / "b", 6, seed=2, cutouts=False))
    objs = [k for k in a if k.startswith("objects/")]
    assert objs and all(a[k] == b[k] for k in objs)
    assert not any(k.startswith("cutouts/") for k in b)


def test_bundle_bytes_like_recorded(dataset):
    # json.dumps with its default separators and a final newline, as the recorded bundles
    path = next((dataset / "objects").glob("*.json"))
    raw = path.read_text()
    assert raw == json.dumps(json.loads(raw)) + "\n"


def test_arguments(tmp_path):
    for bad in (-1, 1.5, True, MAX_OBJECTS + 1):
        with pytest.raises(ValueError):
            generate_lsst_dataset(tmp_path / "x", bad)
    with pytest.raises(ValueError):
        generate_lsst_dataset(tmp_path / "x", 2, seed=-1)
    with pytest.raises(ValueError):
        generate_lsst_dataset(tmp_path / "x", 2, classes=["SNIa", "Unicorn"])
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_lsst_dataset(foreign, 2)
    assert (foreign / "notes.txt").read_text() == "mine"


def test_regenerating_replaces(tmp_path):
    path = generate_lsst_dataset(tmp_path / "ds", 4, cutouts=False)
    generate_lsst_dataset(path, 2)
    assert len(list((path / "objects").glob("*.json"))) == 2
    assert len(list((path / "cutouts").glob("*.fits"))) == 6


def test_classes_argument(tmp_path):
    path = generate_lsst_dataset(tmp_path / "ds", 6, classes=["RRL", "SNII"], cutouts=False)
    assert set(load(path / "manifest.json")["classes"]) == {"RRL", "SNII"}


@given(st.integers(61000, 61999), st.integers(0, 2 ** 14 - 1), st.integers(0, 255),
       st.integers(0, 2 ** 19 - 1))
def test_id_roundtrip(day, seq, detector, counter):
    mid = int(pack_measurement_id(day, seq, detector, counter))
    f = unpack_measurement_id(mid)
    assert (f["day"], f["seq"], f["detector"], f["counter"]) == (day, seq, detector, counter)
    assert is_simulated_id(mid) and 3 * 2 ** 57 <= mid < 2 ** 63


def test_id_layout_decodes_real_ids(real_bundles):
    # the documented layout is Rubin's: every real id decodes to its row's visit and detector
    n = 0
    for b in real_bundles.values():
        for r in detections(b) + body(b, "forced_photometry_all"):
            f = unpack_measurement_id(r["measurement_id"])
            assert (f["visit"], f["detector"]) == (r["visit"], r["detector"])
            assert f["prefix"] in (1, 2) and not is_simulated_id(r["measurement_id"])
            n += 1
    assert n > 4000


def test_simulated_ids_everywhere(objects):
    for oid, b in objects.items():
        assert is_simulated_id(oid)
        assert all(is_simulated_id(r["measurement_id"]) for r in detections(b))


def test_manifest(dataset, objects, manifest):
    assert manifest["generator"] == "alerce_astro.offline.simulate.lsst"
    assert [o["oid"] for o in manifest["objects"]] == [int(b) for b in
                                                       [o["oid"] for o in manifest["objects"]]]
    assert {o["oid"] for o in manifest["objects"]} == set(objects)
    assert manifest["counts"]["detections"] == sum(len(detections(b)) for b in objects.values())
    assert manifest["counts"]["alerts"] == len(objects)
    assert bundles(dataset).keys() == objects.keys()
