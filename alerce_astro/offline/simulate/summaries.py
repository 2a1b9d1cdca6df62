"""
The object row and the per-band magnitude statistics, computed from the detections the way
ALeRCE's correction and magstats steps do (Förster et al. 2021, AJ 161, 242, sect. 4):

* ``meanra``/``meandec``: mean detection position; ``sigmara``/``sigmadec`` its scatter (deg);
* ``firstmjd``/``lastmjd``/``deltajd`` from the detection times; ``ndet`` their number;
* ``g_r_max``: g minus r of the brightest detection of each band; ``g_r_mean``: difference of
  the mean magnitudes; ``*_corr`` the same with corrected magnitudes (null if not corrected);
* ``ndethist``/``ncovhist``/``mjdstarthist``/``mjdendhist``: the survey history at the
  position (all detections, including those before the first alert, and all exposures).

The v1 service writes ``ndethist`` as a string and leaves ``magsigma`` null; both are kept.
"""

import numpy as np

from .constants import STEP_ID_MAGSTATS, STEP_ID_OBJECT

__all__ = ["object_row", "magstats_rows"]


def _f(x):
    x = float(x)
    return x


def _band_mags(d, fid, corr=False):
    sel = d["fid"] == fid
    if corr:
        sel = sel & d["corrected"] & (d["magpsf_corr"] < 100)
        return d["magpsf_corr"][sel]
    return d["magpsf"][sel]


def object_row(oid, lc, model, rng):
    """
    The ``/objects/{oid}`` body of a simulated object.

    Parameters
    ----------
    oid : str
    lc : `~alerce_astro.offline.simulate.photometry.LightCurve`
        With its detection columns filled.
    model : `~alerce_astro.offline.simulate.models.Model`
    rng : numpy.random.Generator

    Returns
    -------
    dict
        Keys in the service's order (`~alerce_astro.offline.simulate.constants.OBJECT_KEYS`).
    """
    d = lc.d
    n = lc.ndet
    ra, dec = d["ra"], d["dec"]
    first, last = float(d["mjd"][0]), float(d["mjd"][-1])
    corrected = bool(d["corrected"][0])
    colours = {}
    for suffix, corr in (("", False), ("_corr", True)):
        g, r = _band_mags(d, 1, corr), _band_mags(d, 2, corr)
        if g.size and r.size and (corr is False or corrected):
            colours["g_r_max" + suffix] = _f(np.min(g) - np.min(r))
            colours["g_r_mean" + suffix] = _f(np.mean(g) - np.mean(r))
        else:
            colours["g_r_max" + suffix] = None
            colours["g_r_mean" + suffix] = None
    # survey history: earlier detections below the alert threshold era and every exposure
    extra = int(rng.integers(0, max(1, n // 3) + 1))
    ncov = len(lc.epochs) + int(rng.integers(0, 3 * n + 10))
    start_hist = first - (float(rng.uniform(0.0, 200.0)) if extra else 0.0)
    return {
        "oid": oid,
        "ndethist": str(n + extra),
        "ncovhist": ncov,
        "mjdstarthist": start_hist,
        "mjdendhist": last,
        "corrected": corrected,
        "stellar": bool(model.stellar),
        "ndet": n,
        "g_r_max": colours["g_r_max"],
        "g_r_max_corr": colours["g_r_max_corr"],
        "g_r_mean": colours["g_r_mean"],
        "g_r_mean_corr": colours["g_r_mean_corr"],
        "firstmjd": first,
        "lastmjd": last,
        "deltajd": last - first,
        "meanra": _f(np.mean(ra)),
        "meandec": _f(np.mean(dec)),
        "sigmara": _f(np.std(ra)) if n > 1 else 0.0,
        "sigmadec": _f(np.std(dec)) if n > 1 else 0.0,
        "step_id_corr": STEP_ID_OBJECT,
    }


def magstats_rows(lc, model, rng):
    """
    The ``/objects/{oid}/magstats`` body: one row per band with detections.

    Statistics are of ``magpsf``; ``firstmjd``/``lastmjd`` are stored with the database's
    single precision (about 3 decimals), as the service returns them. Rows come in a random
    order for some objects: the service does not sort them.

    Returns
    -------
    list of dict
    """
    d = lc.d
    rows = []
    for fid in (1, 2, 3):
        sel = np.flatnonzero(d["fid"] == fid)
        if sel.size == 0:
            continue
        m = d["magpsf"][sel]
        t = d["mjd"][sel]
        srt = np.sort(m)
        k = srt.size // 2
        median = float(srt[k]) if srt.size % 2 else 0.5 * float(srt[k - 1] + srt[k])
        rows.append({
            "fid": fid,
            "stellar": bool(model.stellar),
            "corrected": bool(d["corrected"][sel[0]]),
            "ndet": int(sel.size),
            "ndubious": int(np.count_nonzero(d["dubious"][sel])),
            "magmean": round(float(m.sum()) / m.size, 6),
            "magmedian": round(median, 6),
            "magmax": float(srt[-1]),
            "magmin": float(srt[0]),
            "magsigma": None,
            "maglast": float(m[-1]),
            "magfirst": float(m[0]),
            "firstmjd": round(float(t[0]), 3),
            "lastmjd": round(float(t[-1]), 3),
            "step_id_corr": STEP_ID_MAGSTATS,
        })
    if len(rows) > 1 and rng.uniform() < 0.25:
        rows.reverse()
    return rows
