"""
The LSST benchmark's pieces: a generated LSST dataset (`alerce_astro.offline.simulate`'s LSST
writer, kept between runs in a folder) and the official client pointed at the benchmark
server's multisurvey API.
"""

import json
import os
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
    import alerce

    default = Path(alerce.__file__).with_name("default_config.json")
    config = json.loads(default.read_text())
    config["multisurvey"]["URL_MS"] = multisurvey_url.rstrip("/") + "/"
    path = Path(folder) / "alerce_config_lsst.json"
    path.write_text(json.dumps(config, indent=2))
    previous = os.environ.get("ALERCE_CONFIG_PATH")
    os.environ["ALERCE_CONFIG_PATH"] = str(path)
    try:
        from alerce.core import Alerce

        return Alerce()
    finally:
        if previous is None:
            del os.environ["ALERCE_CONFIG_PATH"]
        else:
            os.environ["ALERCE_CONFIG_PATH"] = previous
