"""
Writing a simulated dataset folder: objects, cutouts, catalogs, classifiers.

Layout (what `~alerce_astro.offline.SampleServer` loads)::

    objects/<oid>.json          {"object", "lightcurve", "magstats", "probabilities",
                                 "features", "forced_photometry", "provenance"}
    stamps/<oid>_<candid>/      science.fits.gz, template.fits.gz, difference.fits.gz, alert.json
    catalogs/<catsHTM name>.json
    classifiers.json
    dataset.json                {"survey": "ztf"}: the survey the folder holds
    manifest.json               what generated the folder (seed, arguments, counts)

Every value of an object file is the JSON body the ZTF API v1 (or, for forced photometry, the
light curve API v2) returns for that route, written with `json.dumps` and its default
separators (so NaN appears as a bare ``NaN``). ``provenance`` records the truth: the class,
the model parameters and, for periodic variables, the period.

Randomness: object ``i`` of seed ``s`` draws from generators seeded with ``(s, i, k)``, one per
product ``k`` (light curve, cutouts, catalogs, forced photometry), so switching products on or
off does not change the others, and the same arguments give byte-identical files.
"""

import json
import os
import shutil
from itertools import repeat
from pathlib import Path

import numpy as np

from . import constants as C
from .alerts import alert_record
from .catalogs import catalog_files, catalog_rows
from .cutouts import CUTOUT_SIZE, fits_bytes, gzip_bytes, render_cutouts
from .features import feature_rows
from .forced import forced_photometry_rows
from .ids import simulated_oid
from .models import make_model
from .photometry import fill_detections, observe
from .probabilities import probability_rows
from .scene import build_scene
from .sky import draw_positions, galactic, offset_position, ztf_field
from .summaries import magstats_rows, object_row

__all__ = ["generate_dataset", "SimObject", "simulate_object", "choose_classes"]

_MANIFEST = "manifest.json"
_DATASET_JSON = "dataset.json"
_PIXEL = 1.012
# product streams of the per-object random generators
_LC, _STAMPS, _CATALOG, _FORCED, _POP = 1, 2, 3, 4, 0xC1A55


class SimObject:
    """Everything simulated about one object (see `simulate_object`)."""

    def __init__(self, index, oid, cls):
        self.index = index
        self.oid = oid
        self.cls = cls
        self.quirks = []
        self.model = None
        self.lc = None
        self.body = None


def choose_classes(rng, n, classes=None):
    """
    The classes of ``n`` objects: the first ones cycle through every class, the rest follow
    `~alerce_astro.offline.simulate.constants.CLASS_WEIGHTS`.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
    classes : sequence of str, optional
        Restrict to these classes.

    Returns
    -------
    list of str
    """
    pool = list(C.SIMULATED_CLASSES) if classes is None else list(classes)
    first = pool[:n]
    w = np.array([C.CLASS_WEIGHTS[c] for c in pool], dtype=float)
    rest = rng.choice(len(pool), size=max(0, n - len(pool)), p=w / w.sum())
    return first + [pool[k] for k in rest]


def _population(seed, n, classes):
    rng = np.random.default_rng([seed, _POP])
    cls = choose_classes(rng, n, classes)
    kinds = ["extragalactic" if c in C.EXTRAGALACTIC else ("star" if c in C.PERIODIC else "any")
             for c in cls]
    ra, dec = draw_positions(rng, kinds)
    quirks = [[] for _ in range(n)]
    # server quirks: a cone at ra = 0 or dec = 0 is skipped; a close pair of objects
    if n > 1:
        ra[1] = rng.uniform(0.003, 0.008)
        dec[1] = rng.uniform(-20.0, 60.0)
        quirks[1].append("near_ra_zero")
    if n > 2:
        dec[2] = rng.uniform(0.001, 0.006)
        quirks[2].append("near_dec_zero")
    if n > 4:
        r4, d4 = offset_position(ra[3], dec[3], 11.0, 5.0)
        ra[4], dec[4] = float(r4), float(d4)
        quirks[3].append("close_pair")
        quirks[4].append("close_pair")
    if n > 5:
        quirks[5].append("nan_in_object_row")
    if n > 8:
        quirks[8].append("null_lightcurve")
    if n > 10:
        quirks[10].append("infinity_feature")
    gal_l, gal_b = galactic(ra, dec)
    field, rcid = ztf_field(ra, dec)
    sky = [dict(gal_l=float(a), gal_b=float(b), field=int(f), rcid=int(r))
           for a, b, f, r in zip(gal_l, gal_b, field, rcid, strict=True)]
    return cls, ra, dec, quirks, sky


def _tolist_nan_none(a):
    return [None if v != v else v for v in np.asarray(a, dtype=float).tolist()]


def _detection_dicts(d):
    n = len(d["mjd"])
    cols = [
        repeat("ztf", n), d["mjd"].tolist(), [str(c) for c in d["candid"].tolist()],
        d["fid"].tolist(), d["pid"].tolist(), d["diffmaglim"].tolist(),
        d["isdiffpos"].tolist(), d["nid"].tolist(), d["distnr"].tolist(), d["magpsf"].tolist(),
        _tolist_nan_none(d["magpsf_corr"]), repeat(None, n), d["magap"].tolist(),
        repeat(None, n), d["sigmapsf"].tolist(), _tolist_nan_none(d["sigmapsf_corr"]),
        _tolist_nan_none(d["sigmapsf_corr_ext"]), d["sigmagap"].tolist(), repeat(None, n),
        d["ra"].tolist(), d["dec"].tolist(), d["rb"].tolist(), repeat(C.RBVERSION, n),
        d["drb"].tolist(), d["magapbig"].tolist(), d["sigmagapbig"].tolist(),
        d["rfid"].tolist(), d["has_stamp"].tolist(), d["corrected"].tolist(),
        d["dubious"].tolist(), repeat(None, n), repeat(C.STEP_ID_DETECTION, n),
        repeat(0.0, n), d["parent_candid"].tolist(),
    ]
    keys = C.DETECTION_KEYS
    return [dict(zip(keys, row, strict=True)) for row in zip(*cols, strict=True)]


def _non_detection_dicts(lc):
    ep = lc.epochs
    nd = lc.nondet
    mjd = (np.round(ep.mjd[nd] + 2400000.5, 7) - 2400000.5).tolist()
    lims = np.round(ep.lim[nd], 4).tolist()
    return [{"tid": "ztf", "mjd": m, "fid": f, "diffmaglim": lim}
            for m, f, lim in zip(mjd, ep.fid[nd].tolist(), lims, strict=True)]


def simulate_object(index, cls, ra, dec, seed, *, n_points=None, quirks=(), forced=True,
                    catalogs=True, sky=None):
    """
    Simulate one object: model, light curve, object row, statistics, classifications.

    Parameters
    ----------
    index : int
        Object index (gives the oid).
    cls : str
        Simulated class.
    ra, dec : float
        Position (deg).
    seed : int
    n_points : int, optional
        Exact number of detections.
    quirks : sequence of str
        Service quirks this object must show (see `generate_dataset`).
    forced : bool
        Whether forced photometry may be produced (about half the objects get it).
    catalogs : bool
        Whether to build the object's catalog rows.
    sky : dict, optional
        Precomputed ``gal_l``, ``gal_b``, ``field``, ``rcid`` of the position.

    Returns
    -------
    SimObject
        With ``body`` (the object file content) and what the cutouts and catalogs need.
    """
    oid = simulated_oid(index)
    obj = SimObject(index, oid, cls)
    obj.quirks = list(quirks)
    rng = np.random.default_rng([seed, index, _LC])
    if sky is None:
        gal_l, gal_b = (float(v) for v in galactic(ra, dec))
        field, rcid = (int(v[()]) for v in ztf_field(ra, dec))
    else:
        gal_l, gal_b, field, rcid = sky["gal_l"], sky["gal_b"], sky["field"], sky["rcid"]
    fields = ((field, rcid), (field + 1000, int((rcid + 27) % 64)))
    # a transient or variable too faint to be seen is replaced by a brighter draw
    for _attempt in range(25):
        model = make_model(cls, rng, (C.MJD_START, C.MJD_END))
        lc = observe(model, rng, ra, dec, fields, n_points=n_points)
        if lc.ndet >= (n_points or (1 if cls == "bogus" else 3)):
            break
    if lc.ndet == 0:
        raise RuntimeError(f"could not simulate a detected {cls} object")  # pragma: no cover
    obj.model, obj.lc = model, lc
    obj.ra, obj.dec, obj.gal_l, obj.gal_b = float(ra), float(dec), gal_l, gal_b
    # neighbourhood and catalogs (their own random stream)
    crng = np.random.default_rng([seed, index, _CATALOG])
    obj.scene = build_scene(crng, model, gal_b)
    obj.catalog_rows, nb = catalog_rows(crng, obj.scene, ra, dec, model, gal_b=gal_b,
                                        want_rows=catalogs)
    obj.ps1, obj.gaia = nb.ps1, nb.gaia
    ref = nb.ref_position
    obj.ranr, obj.decnr = (float(np.round(ref[0], 7)), float(np.round(ref[1], 7))) if ref \
        else (-999.0, -999.0)
    # detections
    cp = model.counterpart
    if cls == "bogus":
        distnr = float(rng.uniform(0.5, 8.0))
    elif cp is not None:
        distnr = float(np.hypot(cp["east"], cp["north"]) / _PIXEL)
    else:  # pragma: no cover
        distnr = 5.0
    obj.distnr = distnr
    extra = int(rng.choice([0, 1, 2], p=[0.7, 0.2, 0.1]))
    fill_detections(lc, model, rng, index, distnr=distnr, stamps_extra=extra,
                    first_stamp="null_lightcurve" not in obj.quirks)
    d = lc.d
    ras, decs = offset_position(ra, dec, d["east"], d["north"])
    d["ra"] = np.round(ras, 7)
    d["dec"] = np.round(decs, 7)
    if "null_lightcurve" in obj.quirks:
        d["has_stamp"][:] = False
    obj.nondet_set = set(lc.nondet.tolist())
    row = object_row(oid, lc, model, rng)
    if "nan_in_object_row" in obj.quirks:
        row["g_r_mean_corr"] = float("nan")
    obj.row = row
    magstats = magstats_rows(lc, model, rng)
    bands_ok = any(np.count_nonzero(d["fid"] == f) >= 6 for f in (1, 2))
    probs = probability_rows(cls, rng, light_curve=bands_ok)
    feats = feature_rows(lc, model, rng, gal_l=gal_l, gal_b=gal_b, sgscore1=nb.sgscore1,
                         wise=nb.wise)
    frng = np.random.default_rng([seed, index, _FORCED])
    fp = []
    if forced and cls != "bogus" and frng.uniform() < 0.5:
        fp = forced_photometry_rows(oid, lc, model, frng, ra, dec, distnr=distnr)
    if "null_lightcurve" in obj.quirks:
        lightcurve = None
    else:
        lightcurve = {"detections": _detection_dicts(d), "non_detections": _non_detection_dicts(lc)}
    provenance = {
        "simulated": True,
        "generator": "alerce_astro.offline.simulate",
        "generator_version": C.GENERATOR_VERSION,
        "seed": seed,
        "index": index,
        "class": cls,
        "group": C.GROUP[cls],
        "period": model.period,
        "redshift": None if model.redshift is None else round(model.redshift, 6),
        "position": {"ra": round(float(ra), 8), "dec": round(float(dec), 8)},
        "model": model.truth,
        "quirks": obj.quirks,
    }
    if "infinity_feature" in obj.quirks:
        # an infinite value (MHPS ratio with no high-frequency power), as the service can send
        inf_rows = [f for f in feats if f["name"] == "MHPS_ratio"]
        if inf_rows:
            inf_rows[0]["value"] = float("inf")
        else:
            obj.quirks.remove("infinity_feature")
    obj.features = feats
    obj.body = {
        "object": row,
        "lightcurve": lightcurve,
        "magstats": magstats,
        "probabilities": probs,
        "features": feats,
        "forced_photometry": fp,
        "provenance": provenance,
    }
    return obj


def _write(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


def _write_stamps(obj, stamps_dir, seed):
    """
    Write the cutouts and alert.json of every detection with ``has_stamp``.

    About one alert in six has a cutout cut by a CCD edge (smaller than 63x63) and one in six
    NaN pixels; which ones depends only on the object index and the alert's rank.
    """
    d = obj.lc.d
    rng = np.random.default_rng([seed, obj.index, _STAMPS])
    kind = {"bogus": "bogus"}.get(obj.cls, "transient" if obj.cls in C.TRANSIENTS else "variable")
    model = obj.model
    x0, y0 = rng.uniform(40.0, 3030.0), rng.uniform(40.0, 3040.0)
    written = 0
    for i in np.flatnonzero(d["has_stamp"]):
        k = 3 * obj.index + written
        written += 1
        shape, nan_mask = None, None
        if k % 13 == 3:
            shape = (CUTOUT_SIZE, int(rng.integers(51, 61)))
        elif k % 13 == 9:
            shape = (int(rng.integers(52, 61)), CUTOUT_SIZE)
        if k % 17 == 5:
            nan_mask = "edge"
        elif k % 17 == 11:
            nan_mask = "block"
        elif k % 17 == 15:
            nan_mask = "column"
        zp = float(d["zp"][i])
        fid = int(d["fid"][i])
        flux_dn = float(d["flux"][i]) * 10.0 ** (0.4 * zp)
        if kind == "variable":
            obj_ref = float(obj.lc.ref_flux[obj.lc.det[i]]) * 10.0 ** (0.4 * zp)
        elif kind == "transient" and getattr(model, "contamination", 0.0):
            obj_ref = model.contamination * model.spm[fid]["amplitude"] * 10.0 ** (0.4 * zp)
        else:
            obj_ref = 0.0
        sci, tmpl, diff = render_cutouts(
            rng, obj.scene, fid=fid, zp=zp,
            offset=(-float(d["east"][i]), -float(d["north"][i])), flux_dn=flux_dn,
            obj_ref_dn=obj_ref, seeing=float(d["seeing"][i]), sky=float(d["sky"][i]),
            sigpix=float(d["sigpix"][i]), kind=kind, shape=shape, nan_mask=nan_mask)
        xpos = x0 + rng.normal(0.0, 1.5)
        ypos = y0 + rng.normal(0.0, 1.5)
        if shape is not None:
            # a cutout cut by the CCD edge: the source lies within 31 pixels of that edge
            cut_c, cut_r = CUTOUT_SIZE - sci.shape[1], CUTOUT_SIZE - sci.shape[0]
            if cut_c:
                xpos = 32.0 - cut_c + rng.uniform(-0.5, 0.5)
            if cut_r:
                ypos = 32.0 - cut_r + rng.uniform(-0.5, 0.5)
        candid = str(int(d["candid"][i]))
        folder = stamps_dir / f"{obj.oid}_{candid}"
        folder.mkdir()
        mtime = int(round((float(d["mjd"][i]) - 40587.0) * 86400.0)) + 600
        for name, image in (("science", sci), ("template", tmpl), ("difference", diff)):
            _write(folder / f"{name}.fits.gz", gzip_bytes(fits_bytes(image), mtime))
        alert = alert_record(obj, int(i), rng, xpos=float(xpos), ypos=float(ypos),
                             shapes=[list(sci.shape), list(tmpl.shape), list(diff.shape)],
                             nan_pixels=int(np.count_nonzero(np.isnan(sci))), seed=seed)
        _write(folder / "alert.json", json.dumps(alert).encode())
    return written


def _prepare(path):
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            raise FileExistsError(f"{path} exists and is not a folder")
        entries = [e.name for e in os.scandir(path)]
        if entries:
            if _MANIFEST not in entries:
                raise FileExistsError(
                    f"{path} is not empty and was not written by generate_dataset; "
                    "give a new or empty folder")
            for name in ("objects", "stamps", "catalogs"):
                if (path / name).is_dir():
                    shutil.rmtree(path / name)
            for name in ("classifiers.json", _DATASET_JSON, _MANIFEST):
                if (path / name).exists():
                    (path / name).unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_args(n_objects, seed, n_points, classes):
    if isinstance(n_objects, bool) or not isinstance(n_objects, (int, np.integer)) \
            or n_objects < 0:
        raise ValueError(f"n_objects must be a non-negative integer, got {n_objects!r}")
    if n_objects > 26 ** 7:
        raise ValueError("n_objects is larger than the number of simulated ids")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if n_points is not None and (isinstance(n_points, bool)
                                 or not isinstance(n_points, (int, np.integer)) or n_points < 1):
        raise ValueError(f"n_points must be a positive integer or None, got {n_points!r}")
    if classes is not None:
        if isinstance(classes, str):
            classes = [classes]
        classes = list(classes)
        bad = [c for c in classes if c not in C.SIMULATED_CLASSES]
        if bad or not classes:
            raise ValueError(f"unknown classes {bad}; choose among {list(C.SIMULATED_CLASSES)}")
    return classes


def generate_dataset(path, n_objects=50, *, seed=0, stamps=True, catalogs=True,
                     forced_photometry=True, n_points=None, classes=None):
    """
    Write a simulated ALeRCE/ZTF dataset folder.

    Parameters
    ----------
    path : path-like
        Folder to write; created if needed. It must be empty, or a folder this function
        wrote before (its products are then replaced).
    n_objects : int, optional
        Number of objects. The first ones cycle through every simulated class and carry the
        service's quirks (an object near ra = 0, one near dec = 0, a pair 12 arcsec apart, a
        NaN in an object row, a null light curve).
    seed : int, optional
        Random seed: the same arguments give byte-identical files.
    stamps : bool, optional
        Write the cutouts and ``alert.json`` of the detections with ``has_stamp``.
    catalogs : bool, optional
        Write catsHTM catalogs of the objects' neighbourhoods.
    forced_photometry : bool, optional
        Give about half the objects forced photometry (otherwise every object has ``[]``).
    n_points : int, optional
        Force the number of detections of every object (e.g. 5000 for a long light curve).
    classes : sequence of str, optional
        Simulate only these classes (names of
        `~alerce_astro.offline.simulate.constants.SIMULATED_CLASSES`).

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
    >>> from alerce_astro.offline.simulate import generate_dataset
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = generate_dataset(tmp, n_objects=3, stamps=False, catalogs=False)
    ...     body = json.loads((path / "objects" / "ZTF00aaaaaaa.json").read_text())
    >>> body["object"]["oid"], body["provenance"]["class"]
    ('ZTF00aaaaaaa', 'SNIa')
    """
    classes = _check_args(n_objects, seed, n_points, classes)
    n_objects, seed = int(n_objects), int(seed)
    n_points = None if n_points is None else int(n_points)
    path = _prepare(path)
    objdir = path / "objects"
    objdir.mkdir()
    stampdir = path / "stamps"
    if stamps:
        stampdir.mkdir()
    cls, ra, dec, quirks, sky = _population(seed, n_objects, classes)
    cat_rows = {}
    counts = {"objects": 0, "detections": 0, "non_detections": 0, "alerts": 0}
    alerts = 0
    for i in range(n_objects):
        obj = simulate_object(i, cls[i], float(ra[i]), float(dec[i]), seed,
                              n_points=n_points, quirks=quirks[i], forced=forced_photometry,
                              catalogs=catalogs, sky=sky[i])
        _write(objdir / f"{obj.oid}.json", json.dumps(obj.body).encode())
        counts["objects"] += 1
        counts["detections"] += obj.lc.ndet
        counts["non_detections"] += len(obj.lc.nondet)
        if stamps:
            alerts += _write_stamps(obj, stampdir, seed)
        if catalogs:
            for name, rows in obj.catalog_rows.items():
                cat_rows.setdefault(name, []).extend(rows)
    counts["alerts"] = alerts
    if catalogs:
        catdir = path / "catalogs"
        catdir.mkdir()
        for name, body in catalog_files(cat_rows).items():
            _write(catdir / f"{name}.json", json.dumps(body).encode())
    _write(path / "classifiers.json", json.dumps(list(C.CLASSIFIERS)).encode())
    _write(path / _DATASET_JSON, json.dumps({"survey": "ztf"}).encode())
    manifest = {
        "generator": "alerce_astro.offline.simulate",
        "generator_version": C.GENERATOR_VERSION,
        "arguments": {"n_objects": n_objects, "seed": seed, "stamps": bool(stamps),
                      "catalogs": bool(catalogs), "forced_photometry": bool(forced_photometry),
                      "n_points": n_points, "classes": classes},
        "counts": counts,
        "classes": {c: cls.count(c) for c in sorted(set(cls))},
    }
    _write(path / _MANIFEST, json.dumps(manifest, indent=1).encode())
    return path
