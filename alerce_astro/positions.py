"""
What counts as a position on the sky in the services' answers.

A damaged row can carry an infinite RA or a Dec beyond +-90 deg; `~astropy.coordinates.SkyCoord`
refuses a whole array for one such Dec and warns for an infinite RA. Each reader of positions
(object tables, catsHTM answers, the mean position of a light curve) asks this module which
values are usable and decides itself what to do with the others.
"""

import numpy as np

__all__ = ["usable_axes"]


def usable_axes(ra, dec):
    """
    Which right ascensions and declinations (degrees) can be a position on the sky.

    Parameters
    ----------
    ra, dec : array-like of float
        Degrees; NaN for unknown.

    Returns
    -------
    ra_ok, dec_ok : `numpy.ndarray` of bool
        A finite RA; a finite Dec within +-90 deg. A position is usable where both are.

    Examples
    --------
    >>> ra_ok, dec_ok = usable_axes([10.0, np.inf, 20.0], [-5.0, 0.0, 95.0])
    >>> ra_ok.tolist(), dec_ok.tolist(), (ra_ok & dec_ok).tolist()
    ([True, False, True], [True, True, False], [True, False, False])
    """
    ra, dec = np.asarray(ra, dtype=float), np.asarray(dec, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(ra), np.isfinite(dec) & (np.abs(dec) <= 90)
