"""
Writing a simulated LSST dataset folder (the layout of the offline multisurvey service).

Layout::

    objects/<oid>.json     one bundle per object: "oid", "survey_id", and the service's answers
                           about it, each {"status", "body"}: "object", "object_extra",
                           "lightcurve" (single-oid answer: forced photometry cut to 10 rows),
                           "forced_photometry_all", "magstats", "probabilities", "list_objects";
                           then "triggering_measurement_id"
    cutouts/<oid>_<measurement_id>_<cutoutScience|cutoutTemplate|cutoutDifference>.fits
    dataset.json           {"survey": "lsst", "classifiers": [... /classifier_api/classifiers]}
    manifest.json          what generated the folder and the truth of every object (written last)

Bundles are `json.dumps` with its default separators and a final newline, like the recorded
ones. Randomness: object ``i`` of seed ``s`` draws from generators seeded with ``(s, i, k)``, one
per product ``k`` (light curve, probabilities, scene, cutouts), so the same arguments give
byte-identical files and switching cutouts off leaves the bundles unchanged.
"""

import json
import os
import shutil
from pathlib import Path

import numpy as np

from ..constants import EXTRAGALACTIC, GROUP, PERIODIC, SIMULATED_CLASSES, TRANSIENTS
from ..scene import build_scene
from ..sky import draw_positions, galactic
from ..writer import choose_classes
from . import constants as C
from .counterparts import counterpart_model, ztf_sources
from .cutouts import STAMP_TYPES, cutout_fits_bytes, render_alert
from .ids import MAX_OBJECTS
from .models import lsst_model, lsst_truth
from .photometry import observe
from .probabilities import list_objects_body, probability_rows
from .rows import detection_rows, forced_rows, measure_detections
from .summaries import dia_object, magstats_rows, object_extra_row, object_row

__all__ = ["generate_lsst_dataset", "simulate_lsst_object", "LsstObject"]

_MANIFEST = "manifest.json"
_LC, _PROB, _SCENE, _STAMPS, _POP = 1, 2, 3, 4, 0x1557


class LsstObject:
    """Everything simulated about one LSST object (see `simulate_lsst_object`)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _kind(cls):
    if cls == "bogus":
        return "bogus"
    if cls in TRANSIENTS:
        return "transient"
    return "galaxy" if cls == "AGN" else "star"


def _answer(body):
    return {"status": 200, "body": body}


def simulate_lsst_object(index, cls, ra, dec, seed, *, deep=False, ztf=None):
    """
    Simulate one LSST object: model, visits, detections, forced photometry, answers.

    Parameters
    ----------
    index : int
        Object index (names its sources in the ids).
    cls : str
        Simulated class.
    ra, dec : float
        True position (deg).
    seed : int
    deep : bool, optional
        In a deep-drilling-like field.
    ztf : `~alerce_astro.offline.simulate.lsst.counterparts.ZtfSource`, optional
        The ZTF sample object this one is the counterpart of.

    Returns
    -------
    LsstObject
        With ``bundle`` (the object file content), ``oid`` and what the cutouts need.
    """
    rng = np.random.default_rng([seed, index, _LC])
    t_range = (C.MJD_START, C.MJD_END)
    lc = None
    for _attempt in range(30):
        model = counterpart_model(ztf, rng, t_range) if ztf else lsst_model(cls, rng, t_range)
        if cls in TRANSIENTS or cls == "bogus":
            t_stop = min(model.window[1], C.MJD_END)
        else:  # a variable is followed from the start until its latest alert
            t_stop = float(rng.uniform(C.MJD_START + 45.0, C.MJD_END))
        lc = observe(model, rng, ra, dec, deep=deep, t_stop=t_stop)
        if lc is not None and lc.ndet >= (1 if cls == "bogus" else 3):
            break
    else:  # pragma: no cover - every class is detectable within a few draws
        raise RuntimeError(f"could not simulate a detected LSST {cls} object")
    kind = _kind(cls)
    d = measure_detections(lc, rng, index=index, ra=ra, dec=dec, kind=kind)
    det_rows = detection_rows(d)
    fp_rows = forced_rows(lc, d, index=index)
    obj_row = object_row(d, len(fp_rows))
    dia = dia_object(d, rng)
    probs = probability_rows(GROUP[cls], np.random.default_rng([seed, index, _PROB]))
    oid = d.oid
    bundle = {
        "oid": oid,
        "survey_id": C.SURVEY_ID,
        "object": _answer(obj_row),
        "object_extra": _answer(object_extra_row(obj_row, dia)),
        "lightcurve": _answer({"detections": det_rows, "non_detections": [],
                               "forced_photometry": fp_rows[:C.SINGLE_OID_FORCED_LIMIT]}),
        "forced_photometry_all": _answer(fp_rows),
        "magstats": _answer(magstats_rows(oid, dia)),
        "probabilities": _answer(probs),
        "list_objects": _answer(list_objects_body(obj_row, probs)),
        "triggering_measurement_id": int(d.mid[d.trigger]),
    }
    truth = {
        "oid": oid, "index": index, "class": cls, "group": GROUP[cls], "deep_field": bool(deep),
        "ztf_counterpart": ztf.oid if ztf else None,
        "position": {"ra": round(float(ra), 8), "dec": round(float(dec), 8)},
        "period": model.period,
        "redshift": None if model.redshift is None else round(float(model.redshift), 6),
        "n_det": int(d.n), "n_forced": len(fp_rows), "model": lsst_truth(model),
    }
    return LsstObject(index=index, cls=cls, oid=oid, ra=ra, dec=dec, model=model, lc=lc, d=d,
                      kind=kind, bundle=bundle, truth=truth, deep=deep)


def _write_cutouts(obj, folder, seed, gal_b):
    lc, d = obj.lc, obj.d
    t = lc.trigger
    v = lc.visits
    scene = build_scene(np.random.default_rng([seed, obj.index, _SCENE]), obj.model, gal_b)
    rng = np.random.default_rng([seed, obj.index, _STAMPS])
    k = d.trigger
    diff = lc.det_flux[t] if obj.kind == "bogus" else lc.diff[t]
    header, images, truth = render_alert(
        rng, scene=scene, model=obj.model, band=int(v.band[t]), diff=float(diff),
        template_flux=float(lc.template[t]), seeing=float(v.seeing[t]), sigma=float(v.sigma[t]),
        e_per_njy=float(v.e_per_njy[t]), ra_det=float(d.ra[k]), dec_det=float(d.dec[k]),
        ra_true=obj.ra, dec_true=obj.dec, x=float(d.x[k]), y=float(d.y[k]),
        bbox=int(d.bbox[k]), kind=obj.kind)
    mid = int(d.mid[k])
    for name in STAMP_TYPES:
        image, variance, psf = images[name]
        _write(folder / f"{obj.oid}_{mid}_{name}.fits",
               cutout_fits_bytes(header, image, variance, psf))
    obj.truth["cutouts"] = dict(truth, measurement_id=mid, size=int(images[name][0].shape[0]))
    return 1


def _write(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def _prepare(path):
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            raise FileExistsError(f"{path} exists and is not a folder")
        entries = [e.name for e in os.scandir(path)]
        if entries:
            if _MANIFEST not in entries:
                raise FileExistsError(
                    f"{path} is not empty and was not written by generate_lsst_dataset; "
                    "give a new or empty folder")
            for name in ("objects", "cutouts"):
                if (path / name).is_dir():
                    shutil.rmtree(path / name)
            for name in ("dataset.json", _MANIFEST):
                if (path / name).exists():
                    (path / name).unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_args(n_objects, seed, classes):
    if isinstance(n_objects, bool) or not isinstance(n_objects, (int, np.integer)) \
            or n_objects < 0:
        raise ValueError(f"n_objects must be a non-negative integer, got {n_objects!r}")
    if n_objects > MAX_OBJECTS:
        raise ValueError(f"n_objects must be at most {MAX_OBJECTS} (the ids' source counter)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if classes is not None:
        if isinstance(classes, str):
            classes = [classes]
        classes = list(classes)
        bad = [c for c in classes if c not in SIMULATED_CLASSES]
        if bad or not classes:
            raise ValueError(f"unknown classes {bad}; choose among {list(SIMULATED_CLASSES)}")
    return classes


def _population(seed, n, classes, ztf):
    """Classes, positions and deep-field flags of the objects (counterparts first)."""
    rng = np.random.default_rng([seed, _POP])
    k = min(len(ztf), n)
    cls = [z.cls for z in ztf[:k]] + choose_classes(rng, n - k, classes)
    kinds = ["extragalactic" if c in EXTRAGALACTIC else ("star" if c in PERIODIC else "any")
             for c in cls[k:]]
    ra, dec = draw_positions(rng, kinds, dec_range=C.DEC_RANGE)
    ra = np.concatenate([[z.ra for z in ztf[:k]], ra])
    dec = np.concatenate([[z.dec for z in ztf[:k]], dec])
    deep = rng.uniform(size=n) < C.DDF_FRACTION
    deep[:k] = False
    if n > k + 4:
        deep[k + 4] = True  # every dataset of some size has a deep-field object
    return cls, ra, dec, deep


def generate_lsst_dataset(path, n_objects=20, *, seed=0, cutouts=True, classes=None,
                          ztf_counterparts=False):
    """
    Write a simulated LSST dataset folder (what the offline multisurvey service serves).

    Parameters
    ----------
    path : path-like
        Folder to write; created if needed. It must be empty, or a folder this function
        wrote before (its products are then replaced).
    n_objects : int, optional
        Number of objects. The first ones cycle through every simulated class (supernovae of
        four types, five kinds of periodic variables, AGN, quasars, artefacts); one of them
        lies in a deep-drilling-like field (hundreds of visits).
    seed : int, optional
        Random seed: the same arguments give byte-identical files.
    cutouts : bool, optional
        Write the three cutouts of each object's alert.
    classes : sequence of str, optional
        Simulate only these classes (`~alerce_astro.offline.simulate.SIMULATED_CLASSES`).
    ztf_counterparts : bool, optional
        Make the first objects the counterparts of three objects of the ZTF built-in sample
        (see `~alerce_astro.offline.simulate.lsst.counterparts`).

    Returns
    -------
    pathlib.Path
        The dataset folder.

    Raises
    ------
    ValueError
        For invalid arguments.
    FileExistsError
        If ``path`` holds something else.

    Examples
    --------
    >>> import json, tempfile
    >>> from alerce_astro.offline.simulate import generate_lsst_dataset
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = generate_lsst_dataset(tmp, n_objects=2, cutouts=False)
    ...     bundle = json.loads(next((path / "objects").glob("*.json")).read_text())
    >>> bundle["survey_id"], bundle["oid"] > 2**53
    ('lsst', True)
    """
    classes = _check_args(n_objects, seed, classes)
    n_objects, seed = int(n_objects), int(seed)
    path = _prepare(path)
    objdir = path / "objects"
    objdir.mkdir()
    cutdir = path / "cutouts"
    if cutouts:
        cutdir.mkdir()
    ztf = ztf_sources() if ztf_counterparts and n_objects else []
    cls, ra, dec, deep = _population(seed, n_objects, classes, ztf)
    counts = {"objects": 0, "detections": 0, "forced_photometry": 0, "alerts": 0}
    truths = []
    for i in range(n_objects):
        obj = simulate_lsst_object(i, cls[i], float(ra[i]), float(dec[i]), seed,
                                   deep=bool(deep[i]), ztf=ztf[i] if i < len(ztf) else None)
        _write(objdir / f"{obj.oid}.json", (json.dumps(obj.bundle) + "\n").encode())
        counts["objects"] += 1
        counts["detections"] += obj.d.n
        counts["forced_photometry"] += obj.truth["n_forced"]
        if cutouts:
            gal_b = float(galactic(obj.ra, obj.dec)[1])
            counts["alerts"] += _write_cutouts(obj, cutdir, seed, gal_b)
        truths.append(obj.truth)
    _write(path / "dataset.json",
           json.dumps({"survey": C.SURVEY_ID, "classifiers": list(C.CLASSIFIERS)}).encode())
    manifest = {
        "generator": "alerce_astro.offline.simulate.lsst",
        "generator_version": C.GENERATOR_VERSION,
        "arguments": {"n_objects": n_objects, "seed": seed, "cutouts": bool(cutouts),
                      "classes": classes, "ztf_counterparts": bool(ztf_counterparts)},
        "counts": counts,
        "classes": {c: cls.count(c) for c in sorted(set(cls))},
        "objects": truths,
    }
    _write(path / _MANIFEST, json.dumps(manifest, indent=1).encode())
    return path
