"""
The spectral energy distribution of a light curve at one time: the flux density in each band
near that time, as a `specutils.Spectrum` over the bands' effective wavelengths (from the band
table of the light curve's survey, `alerce_astro.surveys`).

specutils is an optional dependency (``pip install "alerce_astro[specutils]"``); it is
imported only when an SED is asked for.
"""

import numpy as np
from astropy import units as u
from astropy.time import Time

from ._arrays import values_of
from .bands import band_sort_key, find_band, survey_of

__all__ = ["spectral_energy_distribution"]

_INSTALL = ('sed() needs specutils, an optional dependency of alerce_astro: '
            'pip install "alerce_astro[specutils]"')


def spectral_energy_distribution(lc, time, *, window=1 * u.d, kinds=("detection", "forced"),
                                 unit=None):
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
    unit = rows["flux"].unit
    dt = np.asarray((rows.time - when).to_value(u.d), dtype=float)
    fv = values_of(rows["flux"], unit)
    ev = values_of(rows["flux_err"], unit)
    usable = (np.abs(dt) <= half.to_value(u.d)) & np.isfinite(fv) & np.isfinite(ev) & (ev > 0)
    bands = np.asarray(rows["band"])
    survey = survey_of(lc.meta)
    waves, values, sigmas, used, counts, titles = [], [], [], [], [], set()
    present = set(bands[usable].tolist())
    for band in sorted(present, key=lambda name: band_sort_key(name, survey)):
        found = find_band(band, survey)
        if found is None:  # a band without a known wavelength has no place on the axis
            continue
        sel = usable & (bands == band)
        # Inverse-variance weighted mean of the points within the window.
        w = 1 / ev[sel] ** 2
        values.append(np.sum(w * fv[sel]) / np.sum(w))
        sigmas.append(1 / np.sqrt(np.sum(w)))
        waves.append(found[1].wavelength.to_value(u.AA))
        used.append(band)
        counts.append(int(sel.sum()))
        titles.add(found[0].title)
    if not used:
        raise ValueError(
            f"{lc.meta.get('oid', 'the light curve')} has no {'/'.join(kinds)} measurement "
            f"within {half} of MJD {when.mjd:.5f}: pass a larger window=")
    meta = {"oid": lc.meta.get("oid"), "time": when, "window": half, "bands": used,
            "npoints": counts, "magnitudes": lc.meta.get("magnitudes", "difference"),
            "wavelengths": f"{' and '.join(sorted(titles))} effective wavelengths "
                           f"(alerce_astro.surveys band table)"}
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
