"""
From a light-curve model and the survey's exposures to ALeRCE detections and upper limits.

The measurement model is that of a PSF fit on a ZTF difference image:

* the flux noise of an exposure is a fifth of the flux at its 5-sigma limit ``diffmaglim``;
  the measured flux is the true difference flux plus that noise;
* an alert (detection) is raised when ``|flux| >= 5 sigma``: detections are therefore always
  brighter than their limit, and ``sigmapsf = sqrt(0.01**2 + (1.0857 sigma / |flux|)**2)``
  grows as ``0.217 * 10**(0.4 (m - diffmaglim))`` towards it;
* ``isdiffpos`` is the sign of the flux, ``magpsf`` the magnitude of its absolute value;
* where the source sits on a reference-image source (``distnr`` < 1.4 pixels) ALeRCE's
  correction gives the apparent magnitude (``magpsf_corr``) from the reference magnitude
  ``magnr`` (Förster et al. 2021, AJ 161, 242, eqs. 1-3; 100 marks an undefined value);
* ALeRCE keeps an upper limit only if a later alert carried it among its previous candidates,
  i.e. if a detection follows within 30 days.
"""

import numpy as np

from .cadence import observing_epochs
from .constants import MJD_END, MJD_START, TRANSIENTS
from .ids import make_candid, make_pid, make_rfid, night_id

__all__ = ["LightCurve", "observe", "alerce_correction", "ZERO_MAG"]

#: ALeRCE's marker of an undefined corrected magnitude or error.
ZERO_MAG = 100.0
_PRV_DAYS = 30.0
_MAX_DENSITY = 256.0


def alerce_correction(magnr, magpsf, sigmagnr, sigmapsf, isdiffpos):
    """
    ALeRCE's apparent ("corrected") magnitudes of difference-image detections.

    Parameters
    ----------
    magnr, magpsf, sigmagnr, sigmapsf, isdiffpos : array-like
        Reference magnitude and error, difference magnitude and error, sign of the difference.

    Returns
    -------
    magpsf_corr, sigmapsf_corr, sigmapsf_corr_ext : numpy.ndarray
        100 where undefined (the source would have negative flux; or, for ``sigmapsf_corr``,
        when the reference error dominates).
    """
    aux1 = 10.0 ** (-0.4 * np.asarray(magnr, dtype=float))
    aux2 = 10.0 ** (-0.4 * np.asarray(magpsf, dtype=float))
    aux3 = aux1 + np.asarray(isdiffpos) * aux2
    pos = aux3 > 0
    safe = np.where(pos, aux3, 1.0)
    mag = np.where(pos, -2.5 * np.log10(safe), ZERO_MAG)
    aux4 = aux2 ** 2 * np.asarray(sigmapsf) ** 2 - aux1 ** 2 * np.asarray(sigmagnr) ** 2
    sig = np.where(pos & (aux4 >= 0), np.sqrt(np.maximum(aux4, 0.0)) / safe, ZERO_MAG)
    ext = np.where(pos, aux2 * np.asarray(sigmapsf) / safe, ZERO_MAG)
    return mag, sig, ext


class LightCurve:
    """
    The observed light curve of one object.

    Attributes
    ----------
    epochs : `~alerce_astro.offline.simulate.cadence.Epochs`
        Every exposure of the object kept in the simulation (detections and upper limits,
        also those ALeRCE did not store).
    flux, flux_err, ref_flux : numpy.ndarray
        Measured difference flux, its noise and the reference flux, per exposure.
    det : numpy.ndarray of int
        Indices (into `epochs`) of the detections, time ordered.
    nondet : numpy.ndarray of int
        Indices of the upper limits ALeRCE stores.
    d : dict of numpy.ndarray
        Per-detection columns (``mjd``, ``candid``, ``magpsf``, ... and helpers).
    """

    def __init__(self, epochs, flux, flux_err, ref_flux, det, nondet):
        self.epochs = epochs
        self.flux = flux
        self.flux_err = flux_err
        self.ref_flux = ref_flux
        self.det = det
        self.nondet = nondet
        self.d = {}

    @property
    def ndet(self):
        return len(self.det)


def _jd_mjd(mjd):
    # Alert times are Julian dates with 7 decimals; ALeRCE stores jd - 2400000.5.
    return np.round(np.asarray(mjd) + 2400000.5, 7) - 2400000.5


def _measure(model, rng, ep):
    diff, ref = model.fluxes(ep.mjd, ep.fid, rng)
    err = 10.0 ** (-0.4 * ep.lim) / 5.0
    flux = diff + rng.normal(size=len(ep)) * err
    return flux, err, ref


def _bogus_fluxes(rng, ep, n):
    """A few spurious detections near the limit in the first nights of the window."""
    flux = rng.normal(size=len(ep)) * 10.0 ** (-0.4 * ep.lim) / 5.0
    err = 10.0 ** (-0.4 * ep.lim) / 5.0
    flux = np.clip(flux, -4.0 * err, 4.0 * err)
    pool = np.arange(min(len(ep), max(3 * n, 12)))
    pick = np.sort(rng.choice(pool, size=min(n, pool.size), replace=False))
    sign = np.where(rng.uniform(size=pick.size) < 0.7, 1.0, -1.0)
    flux[pick] = sign * err[pick] * 5.0 * 10.0 ** (0.4 * rng.uniform(0.02, 0.9, pick.size))
    return flux, err, np.zeros(len(ep))


def observe(model, rng, ra, dec, fields, *, n_points=None):
    """
    Observe a model with the survey: exposures, measurements, detections, upper limits.

    Parameters
    ----------
    model : `~alerce_astro.offline.simulate.models.Model`
    rng : numpy.random.Generator
    ra, dec : float
        Position (deg).
    fields : sequence of (field, rcid)
    n_points : int, optional
        Force this many detections: a variable is followed longer and the cadence is made
        denser until there are enough, then detections are thinned evenly over the light
        curve. An object too faint to give them all gets fewer (the caller draws another).

    Returns
    -------
    LightCurve
        Without the per-detection columns (see `fill_detections`).
    """
    bogus = model.cls == "bogus"
    transient = model.cls in TRANSIENTS
    density = 1.0
    t0, t1 = model.window
    isdet = np.zeros(0, bool)
    flux = err = ref = np.zeros(0)
    for _ in range(30):
        ep = observing_epochs(rng, ra, dec, t0, t1, fields=fields, density=density)
        if bogus:
            n_bogus = n_points if n_points else int(rng.integers(1, 5))
            if len(ep) == 0:
                # unobservable window (seasonal gap): look a bit later
                t0, t1 = (t0 + 45.0, t1 + 45.0) if t1 + 45.0 < MJD_END else (t0 - 400.0,
                                                                                  t1 - 400.0)
                continue
            if len(ep) < n_bogus:
                density *= 2.0
                continue
            if n_bogus > 24:  # a long forced series of artefacts: every exposure
                err = 10.0 ** (-0.4 * ep.lim) / 5.0
                sign = np.where(rng.uniform(size=len(ep)) < 0.7, 1.0, -1.0)
                flux = sign * err * 5.0 * 10.0 ** (0.4 * rng.uniform(0.02, 0.9, len(ep)))
                ref = np.zeros(len(ep))
            else:
                flux, err, ref = _bogus_fluxes(rng, ep, n_bogus)
        else:
            flux, err, ref = _measure(model, rng, ep)
        isdet = np.abs(flux) >= 5.0 * err
        if not n_points or isdet.sum() >= n_points:
            break
        # not enough detections: follow a variable for longer (up to the whole survey),
        # then observe more often
        if not transient and not bogus and (t0 > MJD_START or t1 < MJD_END):
            span = min(2.0 * (t1 - t0), MJD_END - MJD_START)
            t1 = min(t0 + span, MJD_END)
            t0 = t1 - span
        elif density < _MAX_DENSITY:
            density *= 2.0
        else:
            break  # the caller draws a brighter object
    det = np.flatnonzero(isdet)
    if n_points and det.size > n_points:
        pick = det[np.round(np.linspace(0, det.size - 1, n_points)).astype(int)]
        drop = np.setdiff1d(det, pick)
        keep = np.setdiff1d(np.arange(len(ep)), drop)
        ep = ep.take(keep)
        flux, err, ref = flux[keep], err[keep], ref[keep]
        isdet = np.abs(flux) >= 5.0 * err
        det = np.flatnonzero(isdet)
    # upper limits stored by ALeRCE: followed by a detection within 30 days
    mjd = ep.mjd
    nd = np.flatnonzero(~isdet)
    if det.size and nd.size:
        nxt = np.searchsorted(mjd[det], mjd[nd], side="right")
        has_next = nxt < det.size
        gap = np.where(has_next, mjd[det][np.minimum(nxt, det.size - 1)] - mjd[nd], np.inf)
        nd = nd[gap <= _PRV_DAYS]
    else:
        nd = nd[:0]
    return LightCurve(ep, flux, err, ref, det, nd)


def _sig_round(x, digits):
    """Round to ``digits`` significant digits (float32-like output of the service)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = digits - 1 - np.floor(np.log10(np.abs(x)))
        k = np.where(np.isfinite(k), np.maximum(k, 0.0), 0.0)
        scale = 10.0 ** k
        return np.where(np.isfinite(x), np.round(x * scale) / scale, x)


def fill_detections(lc, model, rng, index, *, distnr, stamps_extra=2, first_stamp=True):
    """
    Compute the per-detection columns of ``lc.d`` (what ``/lightcurve`` serves and more).

    Parameters
    ----------
    lc : LightCurve
    model : `~alerce_astro.offline.simulate.models.Model`
    rng : numpy.random.Generator
    index : int
        Object index (names the source in the alert ids, so candids are unique in a dataset).
    distnr : float
        Distance (pixels) from the object to the nearest reference source.
    stamps_extra : int
        How many detections besides the first carry image cutouts (``has_stamp``), at most.
    first_stamp : bool
        Whether the first detection carries cutouts.
    """
    ep = lc.epochs.take(lc.det)
    n = len(ep)
    flux = lc.flux[lc.det]
    err = lc.flux_err[lc.det]
    bogus = model.cls == "bogus"
    d = lc.d
    d["mjd"] = _jd_mjd(ep.mjd)
    d["fid"] = ep.fid
    d["field"] = ep.field
    d["rcid"] = ep.rcid
    d["seeing"] = ep.seeing
    d["sky"] = ep.sky
    d["sigpix"] = ep.sigpix
    d["zp"] = ep.zp
    d["nid"] = night_id(d["mjd"])
    d["pid"] = make_pid(d["mjd"], ep.rcid)
    src = 10000 + (index % 90000)
    d["candid"] = make_candid(d["pid"], np.full(n, src))
    d["diffmaglim"] = _sig_round(ep.lim, 7)
    d["isdiffpos"] = np.where(flux >= 0, 1, -1)
    absflux = np.abs(flux)
    magpsf = -2.5 * np.log10(absflux)
    sigmapsf = np.sqrt(0.01 ** 2 + (1.0857 * err / absflux) ** 2)
    d["flux"] = flux
    d["flux_err"] = err
    d["magpsf"], d["sigmapsf"] = _sig_round(np.stack([magpsf, sigmapsf]), 8)
    # aperture magnitudes: a slightly different estimator of the same flux
    magap = magpsf + rng.normal(0.0, 0.6, n) * sigmapsf + 0.02
    d["magap"] = np.round(magap, 4)
    d["sigmagap"] = np.round(sigmapsf * rng.uniform(0.75, 1.1, n), 4)
    d["magapbig"] = np.round(magap + rng.normal(0.0, 0.5, n) * sigmapsf - 0.01, 4)
    d["sigmagapbig"] = np.round(d["sigmagap"] * rng.uniform(1.1, 1.5, n), 4)
    d["distnr"] = _sig_round(np.abs(distnr + rng.normal(0.0, 0.08 + 0.5 * sigmapsf, n)), 8)
    # reference source photometry (same for every detection of a band)
    ref = lc.ref_flux[lc.det]
    with np.errstate(divide="ignore"):
        magnr = np.where(ref > 0, -2.5 * np.log10(np.where(ref > 0, ref, 1.0)), np.nan)
    d["magnr"] = np.round(magnr, 3)
    d["sigmagnr"] = np.round(np.clip(0.008 + 0.02 * 10 ** (0.4 * (np.nan_to_num(magnr, nan=20)
                                                                   - 20.0)), 0.005, 0.2), 3)
    corrected = np.zeros(n, bool) if not model.corrected else (d["distnr"] < 1.4)
    d["corrected"] = corrected
    mc, sc, se = alerce_correction(d["magnr"], d["magpsf"], d["sigmagnr"], d["sigmapsf"],
                                   d["isdiffpos"])
    if corrected.any():
        mc_r, sc_r, se_r = _sig_round(np.stack([mc, sc, se]), 8)
        d["magpsf_corr"] = np.where(corrected, mc_r, np.nan)
        d["sigmapsf_corr"] = np.where(corrected, sc_r, np.nan)
        d["sigmapsf_corr_ext"] = np.where(corrected, se_r, np.nan)
    else:
        d["magpsf_corr"] = d["sigmapsf_corr"] = d["sigmapsf_corr_ext"] = np.full(n, np.nan)
    first_corr = bool(corrected[0]) if n else False
    d["dubious"] = ((~corrected & (d["isdiffpos"] < 0)) | (corrected != first_corr)
                    | (corrected & (mc >= ZERO_MAG)))
    # astrometry: true position plus centroid noise growing with the magnitude error
    pos_err = 0.06 + 0.5 * sigmapsf + (0.4 if bogus else 0.0)  # arcsec
    d["pos_err"] = pos_err
    d["east"] = rng.normal(size=n) * pos_err
    d["north"] = rng.normal(size=n) * pos_err
    # real-bogus scores (Mahabal et al. 2019, PASP 131, 038002; Duev et al. 2019)
    if bogus:
        d["rb"] = _sig_round(rng.uniform(0.05, 0.45, n), 8)
        d["drb"] = _sig_round(rng.uniform(0.0, 0.2, n), 8)
    else:
        snr = absflux / err
        base = 1.0 - rng.beta(1.4, 9.0, n) - 0.12 * np.exp(-(snr - 5.0) / 4.0)
        d["rb"] = _sig_round(np.clip(base, 0.3, 1.0), 8)
        d["drb"] = _sig_round(np.clip(1.0 - 10.0 ** rng.uniform(-7.0, -1.3, n), 0.0, 1.0), 8)
    d["rfid"] = make_rfid(ep.field, ep.fid, ep.rcid)
    # cutouts: the first alert and a few others
    has = np.zeros(n, bool)
    if n:
        has[0] = first_stamp
        if stamps_extra and n > 1:
            k = min(stamps_extra, n - 1)
            has[1 + rng.choice(n - 1, size=k, replace=False)] = True
    d["has_stamp"] = has
    # parent: the alert whose previous candidates carried this detection (the next
    # detection within 30 days), 0 when none did
    parent = np.zeros(n, dtype=np.int64)
    if n > 1:
        later = d["mjd"][1:] - d["mjd"][:-1] <= _PRV_DAYS
        parent[:-1] = np.where(later, d["candid"][1:], 0)
    d["parent_candid"] = parent
    return lc
