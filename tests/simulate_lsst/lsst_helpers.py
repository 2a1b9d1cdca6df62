"""Helpers of the LSST generator tests: where the real data are and how to read bundles."""

import json
from pathlib import Path

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "alerce-fixtures"
REAL_OBJECTS = REAL / "lsst-recorded" / "objects"
REAL_CUTOUTS = REAL / "lsst-alerts" / "cutouts"


def load(path):
    return json.loads(Path(path).read_text())


def bundles(path):
    """The bundles of a dataset folder, by oid."""
    return {int(p.stem): load(p) for p in sorted((Path(path) / "objects").glob("*.json"))}


def body(bundle, key):
    return bundle[key]["body"]


def detections(bundle):
    return body(bundle, "lightcurve")["detections"]
