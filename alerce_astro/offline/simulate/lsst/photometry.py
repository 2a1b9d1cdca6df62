"""
From a six-band model and Rubin's visits to diaSources (detections) and forced photometry.

The measurement model is Rubin's difference-image analysis as the Data Products Definition
Document describes it (Jurić et al., LSE-163):

* every visit measures the PSF flux at the object's position on the difference image
  (``psfFlux``, signed, nJy: a diaForcedSource) with the noise of the sky (the visit's
  5-sigma depth) and of the source's own photons; ``scienceFlux`` is the same fit on the
  science image (static source plus difference), ``templateFlux`` on the deep template;
* a diaSource (detection) is a visit whose difference image shows the source at 5 sigma or
  more (``snr >= 5``, positive or negative); its position scatters around the true one by the
  centroid error ``0.6 FWHM / snr``;
* the diaObject is created by its first diaSource (and takes its id); from then on it gets
  forced photometry on every visit, plus forced photometry of the 30 days before it was
  created (precovery); the alert ALeRCE received (``has_stamp``) is the object's last
  detection, whose packet carried the whole history;
* artefacts (class ``bogus``) give a few 5-15 sigma diaSources with low ``reliability``,
  dipoles, cosmic rays or streaks, and no source in the forced photometry.
"""

import numpy as np

from ..constants import TRANSIENTS
from .cadence import rubin_visits
from .constants import MJD_START
from .models import NJY, mag_to_njy

__all__ = ["LsstLightCurve", "observe"]

_PRECOVERY = 30.0
_DETECTION_SNR = 5.0


class LsstLightCurve:
    """
    What Rubin measured of one object.

    Attributes
    ----------
    visits : `~alerce_astro.offline.simulate.lsst.cadence.Visits`
        Every visit of the position up to the object's last alert.
    diff, template : numpy.ndarray
        True difference flux and PSF flux of the static source in the template (nJy).
    flux, flux_err : numpy.ndarray
        Forced PSF flux on the difference image and its error (nJy), per visit.
    sci, sci_err, tmpl, tmpl_err : numpy.ndarray
        Forced fluxes on the science and template images and their errors (nJy).
    det_flux, snr : numpy.ndarray
        PSF flux fitted at the diaSource's centroid, and its detection significance.
    det : numpy.ndarray of int
        Indices (into `visits`) of the detections, time ordered.
    forced : numpy.ndarray of int
        Indices of the visits with forced photometry, time ordered.
    trigger : int
        Index of the alert ALeRCE received (the last detection).
    artefact : numpy.ndarray of str or None
        Kind of each detection of an artefact (``dipole``, ``cosmic``, ``streak``, ``ghost``).
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)

    @property
    def ndet(self):
        return len(self.det)


def _template_flux(model, visits):
    """PSF flux of the static source under the object in the template (nJy)."""
    cp = model.counterpart
    n = len(visits)
    if cp is None:
        return np.zeros(n)
    band = visits.band
    sigma = visits.seeing / 2.3548  # arcsec; a deep template is about as sharp
    if cp["kind"] in ("star", "qso"):
        return mag_to_njy(np.array([cp["mag"][b] for b in band.tolist()]))
    # a galaxy: its surface brightness at the object times the PSF's effective area
    # (4 pi sigma**2), and for an AGN the nucleus
    host = cp.get("host_mag") or cp["mag"]
    h = max(cp["size"], 0.2)
    r = float(np.hypot(cp["east"], cp["north"]))
    total = mag_to_njy(np.array([host[b] for b in band.tolist()]))
    frac = np.minimum(2.0 * sigma ** 2 / (h ** 2 * cp["axis_ratio"]) * np.exp(-r / h), 1.0)
    flux = total * frac
    if cp.get("host_mag"):  # an AGN: the nucleus at its mean flux too
        flux = flux + np.array([model.ref[b] for b in band.tolist()]) * NJY
    return flux


def _artefacts(rng, visits, window):
    """Visits and fluxes (in sigmas) of a bogus object's spurious diaSources."""
    inside = np.flatnonzero((visits.mjd >= window[0]) & (visits.mjd <= window[1]))
    if inside.size == 0:
        return inside, np.zeros(0)
    n = min(int(rng.integers(1, 6)), inside.size)
    pick = np.sort(rng.choice(inside, size=n, replace=False))
    sign = np.where(rng.uniform(size=n) < 0.7, 1.0, -1.0)
    return pick, sign * 5.0 * 10.0 ** (0.4 * rng.uniform(0.05, 1.2, n))


def observe(model, rng, ra, dec, *, deep=False, t_stop=None):
    """
    Observe a six-band model with Rubin up to ``t_stop``: visits, measurements, detections.

    Parameters
    ----------
    model : `~alerce_astro.offline.simulate.models.Model`
        With the LSST bands (`~alerce_astro.offline.simulate.lsst.models.add_lsst_bands`).
    rng : numpy.random.Generator
    ra, dec : float
        True position (deg).
    deep : bool, optional
        A deep-drilling-like field.
    t_stop : float, optional
        Last TAI MJD observed (default: the end of the model's window).

    Returns
    -------
    LsstLightCurve or None
        None if Rubin detected nothing (the caller draws another object).
    """
    t0, t1 = model.window
    if t_stop is None:
        t_stop = t1
    t_start = MJD_START
    if model.cls in TRANSIENTS:
        t_start = max(MJD_START, t0 - _PRECOVERY - 20.0)
    visits = rubin_visits(rng, ra, dec, t_start, t_stop, deep=deep)
    n = len(visits)
    if n == 0:
        return None
    bogus = model.cls == "bogus"
    diff = np.zeros(n) if bogus else model.fluxes(visits.mjd, visits.band, rng)[0] * NJY
    template = _template_flux(model, visits) if not bogus else \
        mag_to_njy(rng.uniform(19.0, 24.0)) * np.ones(n)
    source = np.maximum(template + diff, 0.0)
    err = np.sqrt(visits.sigma ** 2 + source / visits.e_per_njy)
    noise = rng.normal(size=n)
    flux = diff + noise * err
    sci_err = err * rng.uniform(0.96, 1.02, n)
    sci = template + flux + rng.normal(size=n) * 0.5 * err
    tmpl_err = err * rng.uniform(0.05, 0.35, n)
    tmpl = template + rng.normal(size=n) * tmpl_err
    # the diaSource fit: at the centroid, slightly different from the forced fit
    det_flux = flux + rng.normal(size=n) * 0.15 * err
    snr = np.abs(det_flux) / err * np.exp(rng.normal(0.0, 0.05, n))
    artefact = np.full(n, None, dtype=object)
    if bogus:
        pick, sigmas = _artefacts(rng, visits, (t0, t_stop))
        det_flux = det_flux.copy()
        det_flux[pick] = sigmas * err[pick]
        snr = snr.copy()
        snr[:] = np.minimum(snr, 4.9)
        snr[pick] = np.maximum(np.abs(sigmas) * np.exp(rng.normal(0.0, 0.05, pick.size)),
                               _DETECTION_SNR)
        artefact[pick] = rng.choice(["dipole", "cosmic", "streak", "ghost"], size=pick.size)
        isdet = np.zeros(n, bool)
        isdet[pick] = True
    else:
        isdet = snr >= _DETECTION_SNR
        if model.cls in TRANSIENTS:
            isdet &= visits.mjd >= t0 - _PRECOVERY  # noise long before the explosion: ignored
    det = np.flatnonzero(isdet & (visits.mjd <= t_stop))
    if det.size == 0:
        return None
    trigger = int(det[-1])
    first = visits.mjd[det[0]]
    forced = np.flatnonzero((visits.mjd >= first - _PRECOVERY)
                            & (visits.mjd <= visits.mjd[trigger]))
    return LsstLightCurve(visits=visits, diff=diff, template=template, flux=flux, flux_err=err,
                          sci=sci, sci_err=sci_err, tmpl=tmpl, tmpl_err=tmpl_err,
                          det_flux=det_flux, snr=snr, det=det, forced=forced, trigger=trigger,
                          artefact=artefact)
