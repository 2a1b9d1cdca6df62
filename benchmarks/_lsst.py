"""
The LSST benchmark's pieces: a generated LSST dataset (`alerce_astro.offline.simulate`'s LSST
writer, kept between runs in a folder) and the official client pointed at the benchmark
server's multisurvey API.
"""

import json
from pathlib import Path


def lsst_dataset(folder, n_objects, *, seed=2024):
    """
    A generated LSST dataset of ``n_objects`` objects (no cutouts) in ``folder``, made once.

    Returns
    -------
    pathlib.Path
    """
    from alerce_astro.offline.simulate import generate_lsst_dataset

    path = Path(folder) / f"lsst-{n_objects}-{seed}"
    done = path / ".complete"
    if not done.exists():
        generate_lsst_dataset(path, n_objects=n_objects, seed=seed, cutouts=False)
        done.write_text("ok\n")
    return path


def lsst_object_ids(path):
    """The diaObject ids of an LSST dataset folder (exact ints), sorted."""
    return sorted(int(p.stem) for p in (Path(path) / "objects").glob("*.json"))


def lsst_forced_counts(path):
    """oid -> rows of its complete forced photometry, as the dataset holds it."""
    counts = {}
    for file in (Path(path) / "objects").glob("*.json"):
        bundle = json.loads(file.read_text())
        answer = bundle.get("forced_photometry_all") or {}
        counts[int(file.stem)] = len(answer.get("body") or [])
    return counts


def official_lsst_client(multisurvey_url, folder):
    """
    An official `alerce.core.Alerce` whose multisurvey API is ``multisurvey_url``.

    Its ``URL_MS`` is joined with the route names by plain concatenation, so it ends in ``/``.
    """
    from _official import configured_official_client

    return configured_official_client(folder, "alerce_config_lsst.json",
                                      multisurvey={"URL_MS": multisurvey_url.rstrip("/") + "/"})
