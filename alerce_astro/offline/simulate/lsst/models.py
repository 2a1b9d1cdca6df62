"""
The light-curve models of the ZTF generator, extended to Rubin's six bands and put in nJy.

The models of `~alerce_astro.offline.simulate.models` (supernova parametric model, periodic
shapes, damped random walk) describe g, r and i, whose Rubin band codes (1, 2, 3) are ZTF's
fids. `add_lsst_bands` adds u (6), z (4) and y (5) with the colours of each kind of source:

* supernovae: the u light curve follows g with the class's ultraviolet colour at peak (SNe II
  and superluminous SNe blue, SNe Ibc red) and fades faster; z and y follow i and fade more
  slowly, as observed (e.g. Villar et al. 2019, ApJ 884, 83); hosts get galaxy colours;
* periodic variables: u - g grows with g - r (about 1.1 for RR Lyrae, 1.5 for Cepheids, 2.5
  for Miras); amplitudes are larger in u and smaller in z and y;
* AGN and quasars: blue u - g (0.1-0.5), the variability amplitude of a damped random walk
  growing towards the blue (MacLeod et al. 2010, ApJ 721, 1014).

Model fluxes are in units where magnitude ``m`` has flux ``10**(-0.4 m)``; `NJY` turns them
into nJy (AB: 31.4 mag is 1 nJy).
"""

import copy

import numpy as np

from ..constants import PERIODIC, STOCHASTIC, TRANSIENTS
from ..models import DRWModel, PeriodicModel, TransientModel, make_model, spm_flux
from .constants import BAND_ORDER, BANDS, FAINTER, Z_RANGE, ZERO_POINT

__all__ = ["NJY", "add_lsst_bands", "lsst_model", "sibling_transient", "mag_to_njy",
           "lsst_truth"]

#: nJy per model flux unit.
NJY = 10.0 ** (0.4 * ZERO_POINT)
_U, _G, _R, _I, _Z, _Y = 6, 1, 2, 3, 4, 5
#: Colour of a supernova at peak, u - g (mean, sd).
_SN_UG = {"SNIa": (0.45, 0.15), "SNII": (0.0, 0.2), "SNIbc": (0.9, 0.2), "SLSN": (0.05, 0.2)}


def mag_to_njy(m):
    """AB magnitudes to nJy."""
    return 10.0 ** (-0.4 * (np.asarray(m, dtype=float) - ZERO_POINT))


def _mag_to_flux(m):
    return 10.0 ** (-0.4 * np.asarray(m, dtype=float))


def _spm_amplitude(bp, mag):
    # the amplitude giving a peak of magnitude ``mag`` (as TransientModel normalises)
    grid = np.linspace(bp["t0"] - 5 * bp["tau_rise"], bp["t0"] + bp["gamma"] + 2 * bp["tau_fall"],
                       600)
    return float(_mag_to_flux(mag) / spm_flux(grid, 1.0, **bp).max())


def _galaxy_colours(mag, rng, blue=False):
    g, i = mag[_G], mag[_I]
    mag[_U] = float(g + (rng.uniform(0.5, 1.0) if blue else rng.uniform(0.9, 1.6)))
    mag[_Z] = float(i - rng.uniform(0.15, 0.35))
    mag[_Y] = float(mag[_Z] - rng.uniform(0.05, 0.25))


def _extend_transient(model, rng):
    ug = rng.normal(*_SN_UG[model.cls])
    iz, zy = rng.normal(0.0, 0.1), rng.normal(0.05, 0.1)
    peak = dict(model.mean_mag)
    peak[_U] = peak[_G] + ug
    peak[_Z] = peak[_I] - iz
    peak[_Y] = peak[_Z] - zy
    for band, base, fall in ((_U, _G, rng.uniform(0.6, 0.8)), (_Z, _I, rng.uniform(1.1, 1.3)),
                             (_Y, _I, rng.uniform(1.2, 1.45))):
        bp = {k: v for k, v in model.spm[base].items() if k != "amplitude"}
        bp["tau_fall"] = bp["tau_fall"] * fall
        model.spm[band] = dict(bp, amplitude=_spm_amplitude(bp, peak[band]))
    model.mean_mag = {b: float(m) for b, m in peak.items()}
    host = dict(model.counterpart["mag"])
    if _U not in host:
        _galaxy_colours(host, rng, blue=model.cls == "SLSN")
    model.counterpart = dict(model.counterpart, mag=host)


def _extend_periodic(model, rng):
    gr = model.mid[_G] - model.mid[_R]
    model.mid[_U] = float(model.mid[_G] + 0.8 + 1.0 * gr)
    model.mid[_Z] = float(model.mid[_I] - 0.25 * gr - 0.02)
    model.mid[_Y] = float(model.mid[_Z] - 0.1 * gr - 0.02)
    if model.shape == "eclipse":
        ratios = {_U: 1.1, _Z: 0.93, _Y: 0.9}
        model.amp[_U] = float(model.amp[_G] * ratios[_U])
        model.amp[_Z] = float(model.amp[_R] * ratios[_Z])
        model.amp[_Y] = float(model.amp[_R] * ratios[_Y])
    else:
        model.amp[_U] = float(model.amp[_G] * rng.uniform(1.15, 1.3))
        model.amp[_Z] = float(model.amp[_I] * 0.85)
        model.amp[_Y] = float(model.amp[_I] * 0.75)
    grid = np.linspace(0.0, 1.0, 400, endpoint=False)
    for b in (_U, _Z, _Y):
        mean_flux = _mag_to_flux(model._mag(grid, b)).mean()
        model.ref[b] = float(mean_flux * (1.0 + rng.normal(0.0, 0.03)))
    model.mean_mag = {b: float(-2.5 * np.log10(model.ref[b])) for b in model.ref}
    model.counterpart = dict(model.counterpart, mag=dict(model.mean_mag))


def _extend_drw(model, rng):
    model.mid[_U] = float(model.mid[_G] + (rng.uniform(0.1, 0.35) if model.cls == "QSO"
                                            else rng.uniform(0.2, 0.5)))
    model.mid[_Z] = float(model.mid[_I] - rng.uniform(0.05, 0.2))
    model.mid[_Y] = float(model.mid[_Z] - rng.uniform(0.0, 0.15))
    model.sf[_U] = float(model.sf[_G] * 1.15)
    model.sf[_Z] = float(model.sf[_I] * 0.9)
    model.sf[_Y] = float(model.sf[_I] * 0.8)
    for b in (_U, _Z, _Y):
        model.ref[b] = float(_mag_to_flux(model.mid[b]) * (1.0 + rng.normal(0.0, 0.03)))
    model.mean_mag = dict(model.mid)
    cp = dict(model.counterpart)
    if cp["kind"] == "qso":
        cp["mag"] = dict(model.mid)
    else:
        host = dict(cp["host_mag"])
        _galaxy_colours(host, rng)
        cp["host_mag"] = host
        cp["mag"] = {b: float(-2.5 * np.log10(_mag_to_flux(host[b]) + _mag_to_flux(model.mid[b])))
                     for b in host}
    model.counterpart = cp


def add_lsst_bands(model, rng):
    """
    Give a model (of `~alerce_astro.offline.simulate.models`) the bands u, z and y.

    Parameters
    ----------
    model : `~alerce_astro.offline.simulate.models.Model`
        Changed in place.
    rng : numpy.random.Generator

    Returns
    -------
    Model
        ``model``.
    """
    if isinstance(model, TransientModel):
        _extend_transient(model, rng)
    elif isinstance(model, PeriodicModel):
        _extend_periodic(model, rng)
    elif isinstance(model, DRWModel):
        _extend_drw(model, rng)
    else:  # an artefact: no source
        model.mean_mag = {b: 21.0 for b in BANDS}
    return model


def lsst_model(cls, rng, t_range):
    """
    A new six-band model of class ``cls`` from the population Rubin finds.

    Transients are drawn from the redshift ranges of
    `~alerce_astro.offline.simulate.lsst.constants.Z_RANGE`; variable stars, AGN and quasars
    1.5-4.5 mag fainter than ZTF's (the same populations further away).

    Parameters
    ----------
    cls : str
        A simulated class (`~alerce_astro.offline.simulate.SIMULATED_CLASSES`).
    rng : numpy.random.Generator
    t_range : (float, float)
        TAI MJD range of the survey.

    Returns
    -------
    `~alerce_astro.offline.simulate.models.Model`
    """
    if cls in TRANSIENTS:
        model = make_model(cls, rng, t_range, z_range=Z_RANGE[cls])
    elif cls in PERIODIC or cls in STOCHASTIC:
        model = make_model(cls, rng, t_range, fainter=float(rng.uniform(*FAINTER)))
    else:
        model = make_model(cls, rng, t_range)
    return add_lsst_bands(model, rng)


def sibling_transient(host_model, rng, t_range):
    """
    A new supernova of the same class in the host galaxy of ``host_model``, at its position.

    A supernova seen by ZTF years earlier has faded when Rubin looks: what Rubin can find at the
    same place is another explosion in the same galaxy (a "sibling"; galaxies with two or more
    supernovae are well known). The sibling shares the redshift and the host (its magnitudes,
    shape and offset), so the two-survey light curve of the position shows one galaxy and two
    events.

    Parameters
    ----------
    host_model : `~alerce_astro.offline.simulate.models.TransientModel`
        The ZTF supernova (unchanged).
    rng : numpy.random.Generator
    t_range : (float, float)
        TAI MJD range of the survey.

    Returns
    -------
    `~alerce_astro.offline.simulate.models.TransientModel`
    """
    z = host_model.redshift
    model = TransientModel(host_model.cls, rng, t_range, z_range=(z, z))
    model.redshift = z
    model.counterpart = copy.deepcopy(host_model.counterpart)
    model.truth = dict(model.truth, redshift=host_model.truth["redshift"],
                       host_offset_arcsec=host_model.truth["host_offset_arcsec"])
    return add_lsst_bands(model, rng)


def lsst_truth(model):
    """The model's parameters for the dataset's manifest (JSON-ready)."""
    truth = dict(model.truth)
    truth["mean_mag_lsst"] = {BANDS[b]: round(float(model.mean_mag[b]), 4) for b in BAND_ORDER
                              if b in model.mean_mag}
    return truth
