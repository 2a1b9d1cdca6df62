"""
AB magnitudes to flux densities and back.

An AB magnitude ``m`` is a flux density ``f = 10**(-0.4 * (m - 23.9))`` µJy (3631 Jy at
``m = 0``, Oke & Gunn 1983), whatever the survey (ZTF's and LSST's magnitudes are AB; a
survey's ``zero_point`` is this one in its own flux unit: 23.9 for µJy, 31.4 for nJy). A
difference magnitude measures the flux of the *difference* image; its sign is given apart (ZTF's
``isdiffpos``: ``-1`` when the source got fainter than in the reference image), so the signed
difference flux is ``sign * f``. Light curves carry that flux already (``flux``); these
functions are for other magnitudes (limits, apparent magnitudes) and for users.

Everything here works on plain or masked NumPy arrays and keeps masks: a masked magnitude
gives a masked flux.
"""

import numpy as np
from astropy import units as u

__all__ = ["AB_ZEROPOINT_UJY", "mag_to_flux", "flux_to_mag"]

#: The AB magnitude of a flux density of 1 µJy: ``2.5 * log10(3631e6)``.
AB_ZEROPOINT_UJY = 23.9
_LN10_OVER_2_5 = np.log(10.0) / 2.5


def _values(x, unit):
    """The numbers of ``x`` in ``unit`` as a masked array (masked where masked or not finite)."""
    from ._arrays import mask_of, values_of

    values = values_of(x, unit if isinstance(x, u.Quantity) else None)
    return np.ma.MaskedArray(values, mask=mask_of(x) | ~np.isfinite(values))


def mag_to_flux(mag, mag_err=None, *, sign=None, unit=u.uJy):
    """
    AB magnitudes (and errors) as flux densities (and errors).

    Parameters
    ----------
    mag : array-like or `~astropy.units.Quantity`
        AB magnitudes (numbers are taken as magnitudes).
    mag_err : array-like or `~astropy.units.Quantity`, optional
        Their 1-sigma errors; the flux error is ``f * ln(10) / 2.5 * mag_err`` (first order).
    sign : array-like, optional
        +1 or -1 per point (e.g. ZTF's ``isdiffpos``) for signed difference fluxes; masked or
        missing signs count as +1.
    unit : `~astropy.units.Unit`, optional
        A flux-density unit (default µJy).

    Returns
    -------
    flux : `~astropy.units.Quantity`
        Masked where the magnitude is masked or not finite.
    flux_err : `~astropy.units.Quantity` or None
        Only when ``mag_err`` is given.

    Examples
    --------
    >>> flux, err = mag_to_flux([23.9, 21.4], [0.1, 0.1], sign=[1, -1])
    >>> flux
    <MaskedQuantity [  1., -10.] uJy>
    >>> err.round(3)
    <MaskedQuantity [0.092, 0.921] uJy>
    """
    from astropy.utils.masked import Masked

    m = _values(mag, u.mag)
    scale = (1 * u.uJy).to_value(unit, equivalencies=u.spectral_density(1 * u.AA))
    flux = np.ma.power(10.0, -0.4 * (m - AB_ZEROPOINT_UJY)) * scale
    if sign is not None:
        s = np.ma.filled(np.ma.asarray(sign, dtype=float), 1.0)
        s = np.where(s < 0, -1.0, 1.0)
        flux = flux * s
    out = Masked(np.ma.getdata(flux) * unit, mask=np.ma.getmaskarray(flux))
    if mag_err is None:
        return out, None
    e = _values(mag_err, u.mag)
    err = np.ma.abs(flux) * _LN10_OVER_2_5 * e
    return out, Masked(np.ma.getdata(err) * unit, mask=np.ma.getmaskarray(err))


def flux_to_mag(flux, flux_err=None):
    """
    Flux densities (and errors) as AB magnitudes (and errors); the sign is dropped.

    Parameters
    ----------
    flux : `~astropy.units.Quantity` or array-like
        Flux densities (numbers are taken as µJy). Zero gives a masked magnitude.
    flux_err : `~astropy.units.Quantity` or array-like, optional
        Their 1-sigma errors.

    Returns
    -------
    mag : `~astropy.units.Quantity`
        In ``u.mag``, masked where the flux is masked or zero.
    mag_err : `~astropy.units.Quantity` or None

    Examples
    --------
    >>> mag, err = flux_to_mag([1.0, -10.0] * u.uJy, [0.1, 1.0] * u.uJy)
    >>> mag
    <MaskedQuantity [23.9, 21.4] mag>
    """
    from astropy.utils.masked import Masked

    f = np.ma.abs(_values(flux, u.uJy))
    f = np.ma.masked_where(np.ma.filled(f, 0.0) <= 0, f)
    mag = AB_ZEROPOINT_UJY - 2.5 * np.ma.log10(f)
    out = Masked(np.ma.getdata(mag) * u.mag, mask=np.ma.getmaskarray(mag))
    if flux_err is None:
        return out, None
    e = _values(flux_err, u.uJy)
    err = e / f / _LN10_OVER_2_5
    return out, Masked(np.ma.getdata(err) * u.mag, mask=np.ma.getmaskarray(err))
