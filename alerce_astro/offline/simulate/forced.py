"""
Forced photometry rows (``/v2/lightcurve/forced-photometry/{oid}``).

ZTF alerts since schema 4 carry forced PSF photometry at the object's position on every image
of the previous 30 days (``fp_hists``; Masci et al. 2023, arXiv:2305.16279); ALeRCE stores it.
Here the rows are the exposures of the 30 days before the object's last alert. The flux is the
same measurement as the alert photometry: ``mag`` is the magnitude of its absolute value,
``e_mag = 1.0857 sigma / |flux|`` (large where nothing was detected), ``isdiffpos`` its sign,
and corrected magnitudes follow ALeRCE's correction for objects on a reference source.
"""

import numpy as np

from .constants import FORCED_EXTRA_KEYS, FORCED_KEYS
from .ids import make_pid, make_rfid
from .photometry import _jd_mjd, _sig_round, alerce_correction
from .sky import offset_position

__all__ = ["forced_photometry_rows"]

_WINDOW = 30.0


def forced_photometry_rows(oid, lc, model, rng, ra, dec, *, distnr):
    """
    The forced photometry body of a simulated object.

    Parameters
    ----------
    oid : str
    lc : `~alerce_astro.offline.simulate.photometry.LightCurve`
    model : `~alerce_astro.offline.simulate.models.Model`
    rng : numpy.random.Generator
    ra, dec : float
        Object position (deg).
    distnr : float
        Distance to the nearest reference source (pixels).

    Returns
    -------
    list of dict
    """
    if lc.ndet == 0:
        return []
    ep = lc.epochs
    last = ep.mjd[lc.det[-1]]
    sel = np.flatnonzero((ep.mjd >= last - _WINDOW) & (ep.mjd <= last))
    if sel.size == 0:
        return []
    e = ep.take(sel)
    n = sel.size
    flux = lc.flux[sel]
    err = lc.flux_err[sel]
    absflux = np.maximum(np.abs(flux), 1e-3 * err)
    mag = _sig_round(-2.5 * np.log10(absflux), 8)
    e_mag = _sig_round(1.0857 * err / absflux, 8)
    isdiffpos = np.where(flux >= 0, 1, -1)
    mjd = _jd_mjd(e.mjd)
    pid = make_pid(mjd, e.rcid)
    ref = lc.ref_flux[sel]
    magnr = np.where(ref > 0, -2.5 * np.log10(np.where(ref > 0, ref, 1.0)), np.nan)
    magnr = np.round(magnr, 3)
    sigmagnr = np.full(n, 0.02)
    corrected = bool(model.corrected) and distnr < 1.4
    if corrected:
        mc, sc, se = alerce_correction(magnr, mag, sigmagnr, e_mag, isdiffpos)
        mc, sc, se = _sig_round(mc, 8), _sig_round(sc, 8), _sig_round(se, 8)
    ras, decs = offset_position(ra, dec, rng.normal(0, 0.05, n), rng.normal(0, 0.05, n))
    rfid = make_rfid(e.field, e.fid, e.rcid)
    has_ref = ~np.isnan(magnr)
    none = [None] * n

    def col(a):
        return np.asarray(a).tolist()

    def opt(a):
        flags = has_ref.tolist()
        return [v if h else None for v, h in zip(np.asarray(a).tolist(), flags, strict=True)]

    extra_cols = [
        col(e.field), col(e.rcid), col(rfid), col(_sig_round(e.seeing, 7)),
        col(_sig_round(e.sky, 7)), col(_sig_round(e.sigpix, 7)), col(_sig_round(e.zp, 7)),
        col(_sig_round(rng.uniform(2e-6, 9e-6, n), 6)),
        col(_sig_round(rng.uniform(0.02, 0.05, n), 6)),
        col(_sig_round(rng.normal(0.0, 0.08, n), 6)),
        col(_sig_round(rng.uniform(5e-6, 2e-5, n), 6)), [30.0] * n,
        col(_sig_round(rng.uniform(0.03, 0.2, n), 6)),
        col(_sig_round(rng.uniform(0.03, 0.2, n), 6)), col(_sig_round(e.lim, 7)), [1] * n,
        ["0"] * n, col(_sig_round(np.abs(distnr + rng.normal(0.0, 0.05, n)), 7)),
        col(np.round(ras, 7)), col(np.round(decs, 7)), opt(magnr), opt(sigmagnr),
        opt(np.round(rng.uniform(0.5, 2.0, n), 3)), opt(np.round(rng.normal(0.0, 0.02, n), 3)),
    ]
    extras = [dict(zip(FORCED_EXTRA_KEYS, row, strict=True))
              for row in zip(*extra_cols, strict=True)]
    if corrected:
        dubious = (mc >= 100).tolist()
        mcl, scl, sel_ = col(mc), col(sc), col(se)
    else:
        dubious = (isdiffpos < 0).tolist()
        mcl = scl = sel_ = none
    ra_r, dec_r = float(np.round(ra, 7)), float(np.round(dec, 7))
    cols = [
        [f"{oid}{p}" for p in pid.tolist()], ["ztf"] * n, ["ztf"] * n, none, col(pid), [oid] * n,
        col(mjd), col(e.fid), [ra_r] * n, [0.0] * n, [dec_r] * n, [0.0] * n, col(mag),
        col(e_mag), mcl, scl, sel_, col(isdiffpos), [corrected] * n, dubious, none,
        [False] * n, extras,
    ]
    return [dict(zip(FORCED_KEYS, row, strict=True)) for row in zip(*cols, strict=True)]
