"""
The spectral energy distribution of a light curve at one time: the flux density in each ZTF
band near that time, as a `specutils.Spectrum` over the bands' effective wavelengths.

specutils is an optional dependency (``pip install "alerce_astro[specutils]"``); it is
imported only when an SED is asked for.
"""

import numpy as np
from astropy import units as u
from astropy.time import Time

from ._arrays import values_of

__all__ = ["ZTF_EFFECTIVE_WAVELENGTHS", "spectral_energy_distribution"]

#: Effective wavelengths (lambda_eff, for a Vega-like spectrum) of the ZTF filters, from the SVO
#: Filter Profile Service entries Palomar/ZTF.g, Palomar/ZTF.r and Palomar/ZTF.i
#: (http://svo2.cab.inta-csic.es/theory/fps/; Rodrigo, Solano & Bayo 2012, IVOA Working Draft;
#: Rodrigo & Solano 2020, XIV.0 Scientific Meeting of the SEA, 182).
ZTF_EFFECTIVE_WAVELENGTHS = {"g": 4746.48 * u.AA, "r": 6366.38 * u.AA, "i": 7829.03 * u.AA}

_INSTALL = ('sed() needs specutils, an optional dependency of alerce_astro: '
            'pip install "alerce_astro[specutils]"')


def spectral_energy_distribution(lc, time, *, window=1 * u.d, kinds=("detection", "forced"),
                                 unit=u.uJy):
    """
    The flux density in each band near ``time``; see `AlerceLightCurve.sed
    <alerce_astro.lightcurve.AlerceLightCurve.sed>`.
    """
    try:
        from specutils import Spectrum
    except ImportError:  # pragma: no cover - exercised only without specutils
        raise ImportError(_INSTALL) from None
    from astropy.nddata import StdDevUncertainty

    if not isinstance(lc["time"], Time):
        raise ValueError("this light curve is folded: take the SED of the unfolded one")
    when = _time(time)
    half = _window(window)
    bad = set(kinds) - {"detection", "forced"}
    if bad:
        raise ValueError(f"kinds has {sorted(bad)}: an SED uses 'detection' and/or 'forced' "
                         f"points (upper limits have no flux)")
    rows = lc[np.isin(np.asarray(lc["kind"]), list(kinds))].to_flux(unit=unit)
    dt = np.asarray((rows.time - when).to_value(u.d), dtype=float)
    fv = values_of(rows["flux"], unit)
    ev = values_of(rows["flux_err"], unit)
    usable = (np.abs(dt) <= half.to_value(u.d)) & np.isfinite(fv) & np.isfinite(ev) & (ev > 0)
    bands = np.asarray(rows["band"])
    waves, values, sigmas, used, counts = [], [], [], [], []
    for band in sorted(ZTF_EFFECTIVE_WAVELENGTHS, key=lambda b: ZTF_EFFECTIVE_WAVELENGTHS[b]):
        sel = usable & (bands == band)
        if not sel.any():
            continue
        # Inverse-variance weighted mean of the points within the window.
        w = 1 / ev[sel] ** 2
        values.append(np.sum(w * fv[sel]) / np.sum(w))
        sigmas.append(1 / np.sqrt(np.sum(w)))
        waves.append(ZTF_EFFECTIVE_WAVELENGTHS[band].to_value(u.AA))
        used.append(band)
        counts.append(int(sel.sum()))
    if not used:
        raise ValueError(
            f"{lc.meta.get('oid', 'the light curve')} has no {'/'.join(kinds)} measurement "
            f"within {half} of MJD {when.mjd:.5f}: pass a larger window=")
    meta = {"oid": lc.meta.get("oid"), "time": when, "window": half, "bands": used,
            "npoints": counts, "magnitudes": lc.meta.get("magnitudes", "difference"),
            "wavelengths": "ZTF effective wavelengths (SVO Filter Profile Service)"}
    return Spectrum(flux=np.array(values) * unit, spectral_axis=np.array(waves) * u.AA,
                    uncertainty=StdDevUncertainty(np.array(sigmas) * unit), meta=meta)


def _time(value):
    if isinstance(value, Time):
        if not value.isscalar:
            raise ValueError("time must be a single time")
        return value.utc
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"time={value!r} must be an astropy Time or an MJD number")
    if not np.isfinite(value):
        raise ValueError(f"time={value!r} is not a finite MJD")
    return Time(float(value), format="mjd", scale="utc")


def _window(value):
    from astropy.time import TimeDelta

    if isinstance(value, TimeDelta):
        value = value.to(u.d)
    if not isinstance(value, u.Quantity):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise ValueError(f"window={value!r} must be a time Quantity or a number of days")
        value = float(value) * u.d
    try:
        value = value.to(u.d)
    except u.UnitsError:
        raise ValueError(f"window={value!r} is not a time") from None
    if not value.isscalar or not value.value >= 0:
        raise ValueError(f"window={value!r} must be one time >= 0")
    return value
