"""
Data of the benchmarks: a generated dataset (`alerce_astro.offline.simulate`), kept between
runs in a folder, and light-curve bodies of chosen sizes made from its objects.
"""

import json
from pathlib import Path


def dataset(folder, n_objects, *, seed=2024, stamps=False):
    """
    A generated dataset of ``n_objects`` objects in ``folder`` (made once, then reused).

    Returns
    -------
    pathlib.Path
        The dataset folder.
    """
    from alerce_astro.offline import generate_dataset

    path = Path(folder) / f"sim-{n_objects}-{seed}{'-stamps' if stamps else ''}"
    done = path / ".complete"
    if not done.exists():
        generate_dataset(path, n_objects=n_objects, seed=seed, stamps=stamps, catalogs=False)
        done.write_text("ok\n")
    return path


def object_ids(path):
    """The object ids of a dataset folder, sorted."""
    return sorted(p.stem for p in (Path(path) / "objects").glob("*.json"))


def lightcurve_body(path, n_detections, n_non_detections=0):
    """
    The JSON body of ``/objects/{oid}/lightcurve`` with exactly this many points.

    Made from the dataset's object with the most detections: its detections (and upper
    limits) are repeated, each copy a year later and with new candids, until there are
    enough. Every key and value type stays that of the generated service answers.

    Returns
    -------
    bytes
    """
    best, most = None, -1
    for file in sorted((Path(path) / "objects").glob("*.json")):
        body = json.loads(file.read_text())
        lc = body.get("lightcurve") or {}
        n = len(lc.get("detections") or [])
        if n > most and lc.get("non_detections"):
            best, most = lc, n
    if not most > 0:
        raise RuntimeError(f"no object with detections in {path}")
    return json.dumps(_grow(best, n_detections, n_non_detections)).encode()


def _grow(lc, n_det, n_nondet):
    detections, limits = [], []
    for copy in range(10**6):
        if len(detections) >= n_det and len(limits) >= n_nondet:
            break
        for row in lc["detections"]:
            if len(detections) < n_det:
                row = dict(row, mjd=row["mjd"] + 365.25 * copy)
                if row.get("candid") is not None:
                    row["candid"] = str(int(row["candid"]) + copy * 10**9)
                detections.append(row)
        for row in lc.get("non_detections") or []:
            if len(limits) < n_nondet:
                limits.append(dict(row, mjd=row["mjd"] + 365.25 * copy))
    detections.sort(key=lambda r: r["mjd"])
    limits.sort(key=lambda r: r["mjd"])
    return {"detections": detections, "non_detections": limits}
