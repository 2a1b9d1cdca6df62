"""
Light-curve models of the simulated classes.

Every model gives, for a set of exposures, the **difference-image flux** of the source (what a
ZTF alert measures: science minus reference) and the flux of the source in the reference image.
Fluxes are in units where magnitude ``m`` has flux ``10**(-0.4 m)``.

Transients (SNIa, SNII, SNIbc, SLSN)
    The supernova parametric model (SPM) of the ALeRCE light-curve classifier (Sánchez-Sáez et
    al. 2021, AJ 161, 141, a variant of Villar et al. 2019, ApJ 884, 83)::

        F(t) = A (1 - beta (t - t0) / gamma) / (1 + exp(-(t - t0) / tau_rise))     t < t0 + gamma
        F(t) = A (1 - beta) exp(-(t - t0 - gamma) / tau_fall) / (1 + exp(-(t - t0) / tau_rise))

    Peak absolute magnitudes from Richardson et al. 2014 (AJ 147, 118) and, for SLSNe, De Cia et
    al. 2018 (ApJ 860, 100); timescales chosen to match the rise and decline rates of Villar et
    al. 2019; time dilation ``(1 + z)``; K-corrections and extinction neglected. The reference
    image holds only the host galaxy (or, for some objects, a little of the supernova light, as
    happens when the reference was built while the supernova was on: this gives late negative
    detections). Hosts are exponential discs with the supernova offset like the light.

Periodic variables (RRL, CEP, DSCT, E, LPV)
    Strictly periodic magnitudes: saw-tooth shapes with a fast rise for RR Lyrae ab stars
    (Smith 1995, *RR Lyrae Stars*; Sesar et al. 2010, ApJ 708, 717) and classical Cepheids
    (Soszyński et al. 2008, AcA 58, 163), sinusoids for RRc and high-amplitude delta Scuti stars
    (Breger 2000, ASPC 210, 3), Gaussian primary and secondary eclipses for eclipsing binaries
    and asymmetric large-amplitude cycles for Miras (LPV). Amplitudes shrink from g to i as
    observed. The reference holds the star at its mean flux: the difference flux is
    positive when the star is brighter than its mean, negative when fainter.

Stochastic (AGN, QSO)
    A damped random walk (Ornstein-Uhlenbeck process; Kelly et al. 2009, ApJ 698, 895; MacLeod et
    al. 2010, ApJ 721, 1014): rest-frame timescales of 50-600 days, asymptotic structure function
    SF_inf of 0.1-0.3 mag in r, larger in g. AGN sit in a visible host galaxy; QSOs are point
    sources at higher redshift.
"""

import numpy as np

from .constants import PERIODIC, STOCHASTIC, TRANSIENTS
from .sky import distance_modulus

__all__ = ["make_model", "Model", "spm_flux"]

_ARCSEC_PER_RAD = 206264.806
BANDS_NAME = {1: "g", 2: "r", 3: "i"}


def spm_flux(t, amplitude, t0, gamma, beta, tau_rise, tau_fall):
    """
    The ALeRCE supernova parametric model (see the module docstring).

    Parameters
    ----------
    t : array-like
        Times (days).
    amplitude, t0, gamma, beta, tau_rise, tau_fall : float
        Model parameters (days for times).

    Returns
    -------
    numpy.ndarray
        Flux (same units as ``amplitude``).
    """
    t = np.asarray(t, dtype=float)
    dt = t - t0
    sig = 1.0 / (1.0 + np.exp(-np.clip(dt / tau_rise, -50.0, 50.0)))
    early = amplitude * (1.0 - beta * dt / gamma)
    late = amplitude * (1.0 - beta) * np.exp(-np.clip((dt - gamma) / tau_fall, -50.0, 700.0))
    return np.where(dt < gamma, early, late) * sig


def _mag_to_flux(m):
    return 10.0 ** (-0.4 * np.asarray(m, dtype=float))


def _by_band(values, band):
    """``values[b]`` for every band code ``b`` of the array ``band`` (any band codes)."""
    table = np.zeros(max(values) + 1)
    for b, v in values.items():
        table[b] = v
    return table[band]


def _loguniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _z_volume(rng, lo, hi):
    # redshifts with p(z) ~ z**2 (uniform in a Euclidean volume)
    return float((rng.uniform(lo ** 3, hi ** 3)) ** (1.0 / 3.0))


def _angular_kpc(z):
    # arcsec per kpc at redshift z (angular diameter distance D_L / (1+z)**2)
    dl_pc = 10.0 ** (distance_modulus(z) / 5.0 + 1.0)
    da_kpc = dl_pc / (1.0 + z) ** 2 / 1e3
    return _ARCSEC_PER_RAD / da_kpc


class Model:
    """
    Base class: a light-curve model of one object.

    Attributes
    ----------
    cls : str
        Simulated class name.
    corrected : bool
        Whether the source itself is in the reference image (ALeRCE then "corrects" the
        difference magnitudes to apparent ones).
    stellar : bool
        Whether the object is a point source (star or quasar).
    window : (float, float)
        MJD range in which the object is followed by the survey.
    mean_mag : dict
        fid -> typical apparent magnitude (mean for variables, peak for transients).
    period : float or None
        True period (days) of periodic variables.
    redshift : float or None
    counterpart : dict or None
        The reference-image source nearest to the object (the star itself, the host galaxy):
        ``kind`` ('star', 'galaxy' or 'qso'), ``east``/``north`` offset from the object (arcsec),
        ``mag`` (fid -> mag), ``size`` (exponential scale length, arcsec; 0 for point sources),
        ``axis_ratio``, ``pa`` (deg), ``z``.
    truth : dict
        The model parameters, written to the object's provenance.
    """

    cls = ""
    corrected = False
    stellar = False
    period = None
    redshift = None
    counterpart = None

    def __init__(self):
        self.truth = {}
        self.mean_mag = {}
        self.window = (0.0, 0.0)

    def fluxes(self, mjd, fid, rng):
        """
        True difference flux and reference flux at each exposure.

        Parameters
        ----------
        mjd : numpy.ndarray
            Exposure times, sorted.
        fid : numpy.ndarray of int
            Band codes: keys of the model's per-band tables (ZTF fid 1 g, 2 r, 3 i; a
            survey with more bands adds its codes to the tables).
        rng : numpy.random.Generator
            Used by stochastic models.

        Returns
        -------
        diff, ref : numpy.ndarray
            Difference-image flux and flux of the source in the reference image.
        """
        raise NotImplementedError


# ---------------------------------------------------------------------------- transients
_TRANSIENT_PRIORS = {
    # M_r peak (mean, sd), z range, tau_rise, gamma, beta, tau_fall (rest-frame days),
    # g-r at peak (mean, sd), g/r tau_fall ratio, r-i at peak, host M_r (mean, sd),
    # host scale length (kpc)
    "SNIa": dict(M=(-19.25, 0.25), z=(0.02, 0.14), tau_rise=(2.5, 4.5), gamma=(12.0, 22.0),
                 beta=(0.35, 0.6), tau_fall=(25.0, 40.0), gr=(-0.05, 0.08), g_fall=0.65,
                 ri=-0.4, host=(-20.6, 0.8), h=(1.5, 4.0)),
    "SNII": dict(M=(-17.0, 0.8), z=(0.01, 0.06), tau_rise=(1.5, 3.5), gamma=(60.0, 100.0),
                 beta=(0.15, 0.4), tau_fall=(12.0, 30.0), gr=(-0.1, 0.1), g_fall=0.8,
                 ri=0.0, host=(-20.2, 1.0), h=(1.5, 4.0)),
    "SNIbc": dict(M=(-17.6, 0.6), z=(0.015, 0.08), tau_rise=(3.0, 6.0), gamma=(10.0, 20.0),
                  beta=(0.4, 0.65), tau_fall=(20.0, 40.0), gr=(0.25, 0.1), g_fall=0.7,
                  ri=0.0, host=(-20.4, 0.8), h=(1.5, 4.0)),
    "SLSN": dict(M=(-21.3, 0.5), z=(0.06, 0.45), tau_rise=(10.0, 25.0), gamma=(20.0, 50.0),
                 beta=(0.3, 0.5), tau_fall=(40.0, 90.0), gr=(-0.15, 0.1), g_fall=0.8,
                 ri=0.1, host=(-17.5, 1.0), h=(0.5, 1.5)),
}


class TransientModel(Model):
    """A supernova in a host galaxy (see the module docstring)."""

    corrected = False
    stellar = False

    def __init__(self, cls, rng, t_range, *, z_range=None):
        super().__init__()
        p = _TRANSIENT_PRIORS[cls]
        self.cls = cls
        z = _z_volume(rng, *(p["z"] if z_range is None else z_range))
        self.redshift = z
        mu = float(distance_modulus(z))
        dil = 1.0 + z
        m_peak_r = rng.normal(*p["M"]) + mu
        t0 = rng.uniform(t_range[0] + 20.0, t_range[1] - 40.0)
        par = dict(t0=t0, tau_rise=rng.uniform(*p["tau_rise"]) * dil,
                   gamma=rng.uniform(*p["gamma"]) * dil, beta=rng.uniform(*p["beta"]),
                   tau_fall=rng.uniform(*p["tau_fall"]) * dil)
        colour = {1: rng.normal(*p["gr"]), 2: 0.0, 3: -p["ri"] + rng.normal(0.0, 0.08)}
        fall = {1: p["g_fall"], 2: 1.0, 3: 1.15}
        self.spm = {}
        for fid in (1, 2, 3):
            bp = dict(par, tau_fall=par["tau_fall"] * fall[fid])
            grid = np.linspace(t0 - 5 * bp["tau_rise"], t0 + bp["gamma"] + 2 * bp["tau_fall"], 600)
            peak = spm_flux(grid, 1.0, **bp).max()
            amp = _mag_to_flux(m_peak_r + colour[fid]) / peak
            self.spm[fid] = dict(bp, amplitude=float(amp))
        self.mean_mag = {fid: float(m_peak_r + colour[fid]) for fid in (1, 2, 3)}
        end = t0 + par["gamma"] + 7.0 * par["tau_fall"]
        self.window = (max(t_range[0], t0 - 45.0 * dil), min(t_range[1], end))
        # Reference contaminated by the supernova's own light for some objects.
        self.contamination = rng.uniform(0.15, 0.5) if rng.uniform() < 0.15 else 0.0
        # Host galaxy: exponential disc, supernova offset following the light (r e^-r/h),
        # never closer than 1.5 arcsec so that ALeRCE would not "correct" the magnitudes.
        host_m = rng.normal(*p["host"]) + mu
        scale = rng.uniform(*p["h"]) * _angular_kpc(z)
        r_off = max(rng.gamma(2.0, scale), 1.5 + rng.uniform(0.0, 1.0))
        pa = rng.uniform(0.0, 2.0 * np.pi)
        host_gr = rng.uniform(0.3, 0.5) if cls == "SLSN" else rng.uniform(0.5, 0.9)
        self.counterpart = dict(
            kind="galaxy", east=float(r_off * np.sin(pa)), north=float(r_off * np.cos(pa)),
            mag={1: float(host_m + host_gr), 2: float(host_m), 3: float(host_m - 0.35)},
            size=float(max(scale, 0.4)), axis_ratio=float(rng.uniform(0.35, 1.0)),
            pa=float(rng.uniform(0.0, 180.0)), z=z)
        self.truth = dict(model="spm", redshift=round(z, 5), distance_modulus=round(mu, 3),
                          peak_abs_mag_r=round(m_peak_r - mu, 3),
                          peak_mag={BANDS_NAME[f]: round(self.mean_mag[f], 3) for f in (1, 2, 3)},
                          t0=round(t0, 4), tau_rise=round(par["tau_rise"], 3),
                          gamma=round(par["gamma"], 3), beta=round(par["beta"], 4),
                          tau_fall=round(par["tau_fall"], 3),
                          reference_contamination=round(self.contamination, 3),
                          host_offset_arcsec=round(r_off, 3))

    def fluxes(self, mjd, fid, rng):
        diff = np.zeros(len(mjd))
        for f, bp in self.spm.items():
            sel = fid == f
            if sel.any():
                flux = spm_flux(mjd[sel], **bp)
                diff[sel] = flux - self.contamination * bp["amplitude"]
        ref = _mag_to_flux(_by_band(self.counterpart["mag"], fid))
        return diff, ref


# ---------------------------------------------------------------------------- periodic
def _sawtooth(phase, rise):
    """Normalised saw-tooth: -0.5 at maximum light (phase 0 -> rise brightening)."""
    return np.where(phase < rise, 0.5 - phase / rise, -0.5 + (phase - rise) / (1.0 - rise))


def _eclipses(phase, d1, d2, width):
    dp = np.abs((phase + 0.5) % 1.0 - 0.5)
    ds = np.abs(phase - 0.5)
    return d1 * np.exp(-0.5 * (dp / width) ** 2) + d2 * np.exp(-0.5 * (ds / width) ** 2)


class PeriodicModel(Model):
    """A periodic variable star (see the module docstring)."""

    corrected = True
    stellar = True

    def __init__(self, cls, rng, t_range, *, fainter=0.0):
        super().__init__()
        self.cls = cls
        shape = "sawtooth"
        rise = 0.5
        amp_ratio = {1: 1.0, 2: 0.75, 3: 0.6}
        if cls == "RRL":
            if rng.uniform() < 0.7:
                period, rise, amp = rng.uniform(0.45, 0.75), rng.uniform(0.12, 0.2), \
                    rng.uniform(0.7, 1.2)
                sub = "RRab"
            else:
                period, rise, amp = rng.uniform(0.26, 0.4), rng.uniform(0.4, 0.5), \
                    rng.uniform(0.35, 0.6)
                sub = "RRc"
            gr, m0 = rng.normal(0.25, 0.08), rng.uniform(14.5, 19.0)
        elif cls == "CEP":
            period, rise, amp = _loguniform(rng, 2.5, 30.0), rng.uniform(0.25, 0.35), \
                rng.uniform(0.5, 1.1)
            gr, m0, sub = rng.normal(0.7, 0.15), rng.uniform(13.5, 18.0), "DCEP"
        elif cls == "DSCT":
            period, rise, amp = rng.uniform(0.05, 0.2), 0.5, rng.uniform(0.25, 0.6)
            gr, m0, sub = rng.normal(0.2, 0.08), rng.uniform(14.0, 18.0), "HADS"
            shape = "sine"
        elif cls == "LPV":
            period, rise, amp = rng.uniform(100.0, 220.0), rng.uniform(0.38, 0.45), \
                rng.uniform(2.5, 5.0)
            gr, m0, sub = rng.uniform(1.4, 2.2), rng.uniform(13.5, 17.5), "Mira"
            amp_ratio = {1: 1.0, 2: 0.7, 3: 0.5}
        else:  # E
            period = _loguniform(rng, 0.3, 8.0)
            shape = "eclipse"
            d1 = rng.uniform(0.4, 1.0)
            d2 = d1 * rng.uniform(0.3, 0.8)
            width = rng.uniform(0.1, 0.16) if period < 0.6 else rng.uniform(0.025, 0.06)
            gr, m0 = rng.uniform(0.2, 0.9), rng.uniform(14.5, 18.5)
            sub = "EW" if period < 0.6 else "EA"
            amp = d1
            amp_ratio = {1: 1.05, 2: 1.0, 3: 0.95}
        self.period = float(period)
        self.shape = shape
        self.rise = float(rise)
        self.epoch = float(rng.uniform(t_range[0], t_range[0] + period))
        self.amp = {f: float(amp * r) for f, r in amp_ratio.items()}
        m0 = m0 + fainter
        self.mid = {1: float(m0 + gr), 2: float(m0), 3: float(m0 - 0.4 * gr - 0.05)}
        if shape == "eclipse":
            self.depths = (float(d1), float(d2), float(width))
        # Reference image: the star at its time-averaged flux, within 3 %.
        grid = np.linspace(0.0, 1.0, 400, endpoint=False)
        self.ref = {}
        for f in (1, 2, 3):
            mean_flux = _mag_to_flux(self._mag(grid, f)).mean()
            self.ref[f] = float(mean_flux * (1.0 + rng.normal(0.0, 0.03)))
        self.mean_mag = {f: float(-2.5 * np.log10(self.ref[f])) for f in (1, 2, 3)}
        length = rng.uniform(250.0, 450.0) if cls == "LPV" else _loguniform(rng, 20.0, 150.0)
        length = min(length, t_range[1] - t_range[0])
        start = rng.uniform(t_range[0], t_range[1] - length)
        self.window = (start, start + length)
        self.counterpart = dict(kind="star", east=0.0, north=0.0,
                                mag={f: self.mean_mag[f] for f in (1, 2, 3)}, size=0.0,
                                axis_ratio=1.0, pa=0.0, z=None)
        self.truth = dict(model=shape, subclass=sub, period=self.period, epoch=round(self.epoch, 6),
                          amplitude={BANDS_NAME[f]: round(a, 4) for f, a in self.amp.items()},
                          mean_mag={BANDS_NAME[f]: round(m, 4) for f, m in self.mean_mag.items()})

    def _mag(self, phase, f):
        if self.shape == "eclipse":
            d1, d2, w = self.depths
            scale = self.amp[f] / self.amp[2] if self.amp[2] else 1.0
            return self.mid[f] + scale * _eclipses(phase, d1, d2, w)
        if self.shape == "sine":
            return self.mid[f] - 0.5 * self.amp[f] * np.cos(2.0 * np.pi * phase)
        return self.mid[f] + self.amp[f] * _sawtooth(phase, self.rise)

    def magnitudes(self, mjd, fid):
        """True apparent magnitudes at times ``mjd`` in bands ``fid``."""
        phase = ((np.asarray(mjd) - self.epoch) / self.period) % 1.0
        out = np.empty(len(phase))
        for f in self.mid:
            sel = fid == f
            if sel.any():
                out[sel] = self._mag(phase[sel], f)
        return out

    def fluxes(self, mjd, fid, rng):
        total = _mag_to_flux(self.magnitudes(mjd, fid))
        ref = _by_band(self.ref, fid)
        return total - ref, ref


# ---------------------------------------------------------------------------- stochastic
class DRWModel(Model):
    """An AGN or a quasar varying as a damped random walk (see the module docstring)."""

    corrected = True

    def __init__(self, cls, rng, t_range, *, fainter=0.0):
        super().__init__()
        self.cls = cls
        if cls == "QSO":
            z = rng.uniform(0.4, 2.5)
            m_r = rng.uniform(18.0, 19.8)
            tau_rest = _loguniform(rng, 100.0, 600.0)
            sf = rng.uniform(0.15, 0.3)
            gr = rng.uniform(0.0, 0.3)
            self.stellar = True
        else:
            z = _z_volume(rng, 0.02, 0.3)
            m_r = rng.uniform(17.5, 19.5)
            tau_rest = _loguniform(rng, 50.0, 400.0)
            sf = rng.uniform(0.12, 0.25)
            gr = rng.uniform(0.1, 0.4)
            self.stellar = False
        m_r = m_r + fainter
        self.redshift = float(z)
        self.tau = float(tau_rest * (1.0 + z))
        self.sf = {1: float(sf * 1.3), 2: float(sf), 3: float(sf * 0.85)}
        self.mid = {1: float(m_r + gr), 2: float(m_r), 3: float(m_r - 0.2)}
        self.ref = {f: float(_mag_to_flux(m) * (1.0 + rng.normal(0.0, 0.03)))
                    for f, m in self.mid.items()}
        self.mean_mag = dict(self.mid)
        length = _loguniform(rng, 30.0, 200.0)
        length = min(length, t_range[1] - t_range[0])
        start = rng.uniform(t_range[0], t_range[1] - length)
        self.window = (start, start + length)
        if cls == "QSO":
            self.counterpart = dict(kind="qso", east=0.0, north=0.0,
                                    mag=dict(self.mid), size=0.0, axis_ratio=1.0, pa=0.0, z=z)
        else:
            mu = float(distance_modulus(z))
            host_m = rng.normal(-21.0, 0.7) + mu
            scale = rng.uniform(1.5, 4.0) * _angular_kpc(z)
            # the reference source is the galaxy with its nucleus
            gal = {1: host_m + 0.8, 2: host_m, 3: host_m - 0.4}
            tot = {f: float(-2.5 * np.log10(_mag_to_flux(gal[f]) + _mag_to_flux(self.mid[f])))
                   for f in (1, 2, 3)}
            self.counterpart = dict(kind="galaxy", east=0.0, north=0.0, mag=tot,
                                    host_mag={f: float(m) for f, m in gal.items()},
                                    size=float(max(scale, 0.4)),
                                    axis_ratio=float(rng.uniform(0.4, 1.0)),
                                    pa=float(rng.uniform(0.0, 180.0)), z=z)
        self.truth = dict(model="damped_random_walk", redshift=round(z, 5),
                          tau_obs_days=round(self.tau, 3),
                          sf_inf={BANDS_NAME[f]: round(s, 4) for f, s in self.sf.items()},
                          mean_mag={BANDS_NAME[f]: round(m, 4) for f, m in self.mid.items()})

    def fluxes(self, mjd, fid, rng):
        n = len(mjd)
        x = np.empty(n)
        if n:
            # exact Ornstein-Uhlenbeck update between sorted times, unit asymptotic variance
            x[0] = rng.normal()
            decay = np.exp(-np.diff(mjd) / self.tau)
            kicks = rng.normal(size=n - 1) * np.sqrt(1.0 - decay ** 2)
            for i in range(1, n):
                x[i] = x[i - 1] * decay[i - 1] + kicks[i - 1]
        sf = _by_band(self.sf, fid)
        mid = _by_band(self.mid, fid)
        total = _mag_to_flux(mid + x * sf / np.sqrt(2.0))
        ref = _by_band(self.ref, fid)
        return total - ref, ref


class BogusModel(Model):
    """
    An artefact: a few spurious detections close to the limit (see `photometry`).

    Bad subtractions, cosmic rays, ghosts and hot pixels make most of ZTF's raw alert stream
    (Duev et al. 2019, MNRAS 489, 3582); they get low real-bogus scores.
    """

    corrected = False
    stellar = False

    def __init__(self, cls, rng, t_range):
        super().__init__()
        self.cls = cls
        start = rng.uniform(t_range[0], t_range[1] - 30.0)
        self.window = (start, start + 30.0)
        self.mean_mag = {1: 20.0, 2: 20.0, 3: 19.6}
        self.counterpart = None
        self.truth = dict(model="artefact")

    def fluxes(self, mjd, fid, rng):
        return np.zeros(len(mjd)), np.zeros(len(mjd))


def make_model(cls, rng, t_range, *, z_range=None, fainter=0.0):
    """
    The light-curve model of a new object of class ``cls``.

    Parameters
    ----------
    cls : str
        One of `~alerce_astro.offline.simulate.constants.SIMULATED_CLASSES`.
    rng : numpy.random.Generator
    t_range : (float, float)
        MJD range of the survey.
    z_range : (float, float), optional
        Redshift range of a transient (default: the class's range for a ZTF-deep survey); a
        deeper survey finds them further away.
    fainter : float, optional
        Magnitudes added to the apparent brightness drawn for a variable star, AGN or quasar
        (the same population further away, as a deeper survey sees it). Default 0.

    Returns
    -------
    Model
    """
    if cls in TRANSIENTS:
        return TransientModel(cls, rng, t_range, z_range=z_range)
    if cls in PERIODIC:
        return PeriodicModel(cls, rng, t_range, fainter=fainter)
    if cls in STOCHASTIC:
        return DRWModel(cls, rng, t_range, fainter=fainter)
    if cls == "bogus":
        return BogusModel(cls, rng, t_range)
    raise ValueError(f"unknown class {cls!r}")
