"""
The ``alert.json`` of an alert with cutouts: the ZTF alert packet without its images.

Shaped like the ZTF alert schema 3.3 (https://zwickytransientfacility.github.io/ztf-avro-alert/):
``objectId``, ``candid``, ``schemavsn``, the ``candidate`` record (every schema field, in schema
order) and ``prv_candidates``, the exposures of the previous 30 days (detections as full records,
upper limits with ``candid``, ``magpsf`` and the other measurement fields null). Floating-point
fields hold single-precision values, as in the Avro packets (written in their shortest
decimal form). The file also says where it came
from (``source``), the alert time (``mjd``), the cutout shapes (rows, columns) and the number
of NaN pixels, as the project's real alert fixtures do.
"""

import datetime

import numpy as np

from .constants import (
    ALERT_SCHEMA_VERSION,
    CANDIDATE_KEYS,
    DRBVERSION,
    PRV_CANDIDATE_KEYS,
    PRV_UPPER_LIMIT_KEYS,
    RBVERSION,
)
from .ids import make_pid, night_id

__all__ = ["alert_record"]

_PRV_DAYS = 30.0
_BAND = {1: "g", 2: "r", 3: "i"}


def _f32(x):
    if x is None:
        return None
    x = float(x)
    if not np.isfinite(x):
        return None
    # the value a single-precision Avro field holds, written with its shortest decimal form
    return float(str(np.float32(x)))


def _diffim_name(mjd, field, fid, rcid):
    day = datetime.datetime(1858, 11, 17) + datetime.timedelta(days=float(np.floor(mjd)))
    frac = int((mjd - np.floor(mjd)) * 1e6)
    ccd, q = rcid // 4 + 1, rcid % 4 + 1
    return (f"ztf_{day:%Y%m%d}{frac:06d}_{int(field):06d}_z{_BAND[int(fid)]}_c{ccd:02d}_o_q{q}"
            "_scimrefdiffimg.fits")


def _candidate(obj, i, rng, *, xpos, ypos, full=True):
    """The schema record of detection ``i`` of the object."""
    d = obj.lc.d
    mjd = float(d["mjd"][i])
    jd = round(mjd + 2400000.5, 7)
    fid = int(d["fid"][i])
    rcid = int(d["rcid"][i])
    field = int(d["field"][i])
    seeing_px = float(d["seeing"][i]) / 1.012
    magpsf = float(d["magpsf"][i])
    lim = float(d["diffmaglim"][i])
    ps = obj.ps1
    rec = {
        "jd": jd, "fid": fid, "pid": int(d["pid"][i]), "diffmaglim": _f32(lim),
        "pdiffimfilename": _diffim_name(mjd, field, fid, rcid), "programpi": "Kulkarni",
        "programid": 1, "candid": int(d["candid"][i]),
        "isdiffpos": "t" if d["isdiffpos"][i] > 0 else "f", "tblid": int(rng.integers(0, 60)),
        "nid": int(d["nid"][i]), "rcid": rcid, "field": field, "xpos": _f32(xpos),
        "ypos": _f32(ypos), "ra": float(d["ra"][i]), "dec": float(d["dec"][i]),
        "magpsf": _f32(magpsf), "sigmapsf": _f32(d["sigmapsf"][i]),
        "chipsf": _f32(rng.uniform(0.5, 6.0)), "magap": _f32(d["magap"][i]),
        "sigmagap": _f32(d["sigmagap"][i]), "distnr": _f32(d["distnr"][i]),
        "magnr": _f32(d["magnr"][i]) if np.isfinite(d["magnr"][i]) else -999.0,
        "sigmagnr": _f32(d["sigmagnr"][i]) if np.isfinite(d["magnr"][i]) else -999.0,
        "chinr": _f32(rng.uniform(0.3, 2.5)), "sharpnr": _f32(rng.normal(0.0, 0.03)),
        "sky": _f32(rng.normal(0.0, 3.0)), "magdiff": _f32(d["magap"][i] - magpsf),
        "fwhm": _f32(seeing_px * rng.uniform(0.95, 1.1)),
        "classtar": _f32(rng.uniform(0.7, 1.0) if obj.model.stellar else rng.uniform(0.0, 0.9)),
        "mindtoedge": _f32(min(xpos, ypos, 3072 - xpos, 3080 - ypos)),
        "magfromlim": _f32(lim - float(d["magap"][i])), "seeratio": _f32(rng.uniform(0.8, 2.0)),
        "aimage": _f32(seeing_px * 0.45), "bimage": _f32(seeing_px * 0.4),
        "aimagerat": _f32(0.45 / 1.0), "bimagerat": _f32(0.4 / 1.0),
        "elong": _f32(rng.uniform(1.0, 1.3)), "nneg": int(rng.integers(0, 6)),
        "nbad": int(rng.integers(0, 2)), "rb": _f32(d["rb"][i]), "ssdistnr": -999.0,
        "ssmagnr": -999.0, "ssnamenr": "null", "sumrat": _f32(rng.uniform(0.85, 1.0)),
        "magapbig": _f32(d["magapbig"][i]), "sigmagapbig": _f32(d["sigmagapbig"][i]),
        "ranr": obj.ranr, "decnr": obj.decnr,
        "scorr": _f32(5.0 * 10 ** (0.4 * (lim - magpsf)) * rng.uniform(0.9, 1.1)),
        "magzpsci": _f32(d["zp"][i]), "magzpsciunc": _f32(rng.uniform(2e-6, 9e-6)),
        "magzpscirms": _f32(rng.uniform(0.02, 0.05)), "clrcoeff": _f32(rng.normal(0.0, 0.08)),
        "clrcounc": _f32(rng.uniform(5e-6, 2e-5)), "rbversion": RBVERSION,
    }
    if not full:
        return {k: rec[k] for k in PRV_CANDIDATE_KEYS}
    o = obj.row
    rec.update({
        "sgmag1": ps[0]["g"], "srmag1": ps[0]["r"], "simag1": ps[0]["i"], "szmag1": ps[0]["z"],
        "sgscore1": ps[0]["sgscore"], "distpsnr1": ps[0]["dist"],
        "ndethist": int(o["ndethist"]), "ncovhist": int(o["ncovhist"]),
        "jdstarthist": round(o["mjdstarthist"] + 2400000.5, 7), "jdendhist": jd,
        "tooflag": 0,
        "objectidps1": ps[0]["id"], "objectidps2": ps[1]["id"],
        "sgmag2": ps[1]["g"], "srmag2": ps[1]["r"], "simag2": ps[1]["i"], "szmag2": ps[1]["z"],
        "sgscore2": ps[1]["sgscore"], "distpsnr2": ps[1]["dist"], "objectidps3": ps[2]["id"],
        "sgmag3": ps[2]["g"], "srmag3": ps[2]["r"], "simag3": ps[2]["i"], "szmag3": ps[2]["z"],
        "sgscore3": ps[2]["sgscore"], "distpsnr3": ps[2]["dist"],
        "nmtchps": int(rng.integers(3, 40)), "rfid": int(d["rfid"][i]),
        "jdstartref": 2458200.5 + round(float(rng.uniform(0, 200)), 6),
        "jdendref": 2458450.5 + round(float(rng.uniform(0, 200)), 6),
        "nframesref": int(rng.integers(15, 41)), "dsnrms": _f32(rng.uniform(3.0, 60.0)),
        "ssnrms": _f32(rng.uniform(5.0, 90.0)), "dsdiff": _f32(rng.normal(-20.0, 10.0)),
        "nmatches": int(rng.integers(300, 3000)), "zpclrcov": _f32(rng.normal(-5e-6, 2e-6)),
        "zpmed": _f32(float(d["zp"][i]) + rng.normal(0.05, 0.02)),
        "clrmed": _f32(rng.uniform(0.4, 0.8)), "clrrms": _f32(rng.uniform(0.2, 0.3)),
        "neargaia": obj.gaia["dist"], "neargaiabright": obj.gaia["dist_bright"],
        "maggaia": obj.gaia["mag"], "maggaiabright": obj.gaia["mag_bright"],
        "exptime": 30.0, "drb": _f32(d["drb"][i]), "drbversion": DRBVERSION,
    })
    return {k: rec[k] for k in CANDIDATE_KEYS}


def _upper_limit(obj, j, rng):
    ep = obj.lc.epochs
    mjd = float(np.round(ep.mjd[j] + 2400000.5, 7) - 2400000.5)
    fid, rcid, field = int(ep.fid[j]), int(ep.rcid[j]), int(ep.field[j])
    rec = dict.fromkeys(PRV_CANDIDATE_KEYS)
    rec.update({
        "jd": round(mjd + 2400000.5, 7), "fid": fid, "pid": int(make_pid(mjd, rcid)),
        "diffmaglim": _f32(ep.lim[j]),
        "pdiffimfilename": "/ztf/archive/sci/" + _diffim_name(mjd, field, fid, rcid) + ".fz",
        "programpi": "Kulkarni", "programid": 1, "nid": int(night_id(mjd)), "rcid": rcid,
        "field": field, "magzpsci": _f32(ep.zp[j]), "magzpsciunc": _f32(rng.uniform(2e-6, 9e-6)),
        "magzpscirms": _f32(rng.uniform(0.02, 0.05)), "clrcoeff": _f32(rng.normal(0.0, 0.08)),
        "clrcounc": _f32(rng.uniform(5e-6, 2e-5)), "rbversion": RBVERSION,
    })
    assert set(k for k, v in rec.items() if v is not None) <= PRV_UPPER_LIMIT_KEYS
    return rec


def alert_record(obj, i, rng, *, xpos, ypos, shapes, nan_pixels, seed):
    """
    The ``alert.json`` body of detection ``i`` of a simulated object.

    Parameters
    ----------
    obj : `~alerce_astro.offline.simulate.writer.SimObject`
    i : int
        Index of the detection.
    rng : numpy.random.Generator
    xpos, ypos : float
        Position on the readout quadrant (pixels).
    shapes : list
        ``[rows, cols]`` of the science, template and difference cutouts.
    nan_pixels : int
        Number of NaN pixels in the science cutout.
    seed : int
        The dataset's seed (recorded in ``source``).

    Returns
    -------
    dict
    """
    d = obj.lc.d
    mjd = float(d["mjd"][i])
    cand = _candidate(obj, i, rng, xpos=xpos, ypos=ypos)
    # previous candidates: every exposure of the 30 days before (detections and limits)
    ep = obj.lc.epochs
    det_pos = {int(k): n for n, k in enumerate(obj.lc.det)}
    prv = []
    t_ep = np.round(ep.mjd + 2400000.5, 7) - 2400000.5
    for j in np.flatnonzero((t_ep < mjd) & (t_ep >= mjd - _PRV_DAYS)):
        j = int(j)
        if j in det_pos:
            prv.append(_candidate(obj, det_pos[j], rng, xpos=xpos + rng.normal(0, 2),
                                  ypos=ypos + rng.normal(0, 2), full=False))
        elif j in obj.nondet_set:
            prv.append(_upper_limit(obj, j, rng))
    return {
        "source": f"simulated by alerce_astro.offline.simulate (seed {seed})",
        "objectId": obj.oid,
        "candid": int(d["candid"][i]),
        "schemavsn": ALERT_SCHEMA_VERSION,
        "candidate": cand,
        "mjd": mjd,
        "shapes": shapes,
        "nan_pixels": int(nan_pixels),
        "prv_candidates": prv,
    }

