"""
Where simulated objects are: sky positions, Galactic coordinates, ZTF fields, distances.

Pure numpy (no `astropy.coordinates` or `astropy.cosmology` import) so that generating a small
dataset stays fast; the tests check both against astropy.
"""

from functools import lru_cache

import numpy as np

__all__ = ["galactic", "draw_positions", "ztf_field", "distance_modulus", "offset_position",
           "angular_separation"]

# Galactic frame (ESA 1997, The Hipparcos Catalogue, vol. 1, sect. 1.5.3): the north Galactic
# pole and the Galactic longitude of the north celestial pole, in the ICRS/J2000 frame (the
# values astropy's `~astropy.coordinates.Galactic` frame uses).
_NGP_RA = np.radians(192.8594812065348)
_NGP_DEC = np.radians(27.12825118085622)
_L_NCP = np.radians(122.9319185680026)


def _rot(angle, axis):
    c, s = np.cos(angle), np.sin(angle)
    if axis == "z":
        return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    return np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])  # y


_ICRS_TO_GAL = _rot(np.pi - _L_NCP, "z") @ _rot(np.pi / 2 - _NGP_DEC, "y") @ _rot(_NGP_RA, "z")


def galactic(ra, dec):
    """
    Galactic longitude and latitude (deg) of ICRS positions (deg).

    Parameters
    ----------
    ra, dec : array-like
        Degrees.

    Returns
    -------
    l, b : numpy.ndarray
        Degrees, ``0 <= l < 360``.
    """
    ra = np.radians(np.asarray(ra, dtype=float))
    dec = np.radians(np.asarray(dec, dtype=float))
    xyz = np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)])
    g = np.tensordot(_ICRS_TO_GAL, xyz, axes=1)
    lon = np.degrees(np.arctan2(g[1], g[0])) % 360.0
    lat = np.degrees(np.arcsin(np.clip(g[2], -1.0, 1.0)))
    return lon, lat


def angular_separation(ra1, dec1, ra2, dec2):
    """Angular separation (deg) between positions given in degrees (Vincenty formula)."""
    ra1, dec1, ra2, dec2 = (np.radians(np.asarray(x, dtype=float)) for x in (ra1, dec1, ra2, dec2))
    dra = ra2 - ra1
    num = np.hypot(np.cos(dec2) * np.sin(dra),
                   np.cos(dec1) * np.sin(dec2) - np.sin(dec1) * np.cos(dec2) * np.cos(dra))
    den = np.sin(dec1) * np.sin(dec2) + np.cos(dec1) * np.cos(dec2) * np.cos(dra)
    return np.degrees(np.arctan2(num, den))


def offset_position(ra, dec, east_arcsec, north_arcsec):
    """
    Position offset by small distances east and north (tangent-plane approximation).

    Parameters
    ----------
    ra, dec : float or array
        Degrees.
    east_arcsec, north_arcsec : float or array
        Offsets in arcseconds (east = increasing right ascension).

    Returns
    -------
    ra, dec : float or array
        Degrees, right ascension wrapped to [0, 360).
    """
    dec2 = dec + np.asarray(north_arcsec) / 3600.0
    cosd = np.cos(np.radians(0.5 * (dec + dec2)))
    ra2 = (ra + np.asarray(east_arcsec) / 3600.0 / np.maximum(cosd, 1e-6)) % 360.0
    return ra2, dec2


def draw_positions(rng, kinds, dec_range=(-30.0, 90.0)):
    """
    Random sky positions for objects of the given kinds.

    Positions are uniform on the sky within ``dec_range`` (by default north of declination
    -30 deg, what ZTF reaches from Palomar). Extragalactic objects avoid the Galactic plane
    (``|b| > 15`` deg, where extinction hides them); stars crowd towards it (acceptance
    ``exp(-|b|/20 deg) + 0.15``).

    Parameters
    ----------
    rng : numpy.random.Generator
    kinds : sequence of str
        ``"extragalactic"``, ``"star"`` or anything else (uniform).
    dec_range : (float, float), optional
        Declination limits (deg) of the survey's sky.

    Returns
    -------
    ra, dec : numpy.ndarray
        Degrees.
    """
    kinds = np.asarray(kinds)
    n = len(kinds)
    ra = np.empty(n)
    dec = np.empty(n)
    todo = np.arange(n)
    sin_min = np.sin(np.radians(dec_range[0]))
    sin_max = 1.0 if dec_range[1] >= 90.0 else float(np.sin(np.radians(dec_range[1])))
    while todo.size:
        m = todo.size
        r = rng.uniform(0.0, 360.0, m)
        d = np.degrees(np.arcsin(rng.uniform(sin_min, sin_max, m)))
        _, b = galactic(r, d)
        u = rng.uniform(0.0, 1.0, m)
        k = kinds[todo]
        ok = np.where(k == "extragalactic", np.abs(b) > 15.0,
                      np.where(k == "star", u < np.exp(-np.abs(b) / 20.0) + 0.15, True))
        ra[todo[ok]] = r[ok]
        dec[todo[ok]] = d[ok]
        todo = todo[~ok]
    return ra, dec


def ztf_field(ra, dec):
    """
    A ZTF-like primary-grid field number and readout channel for positions (deg).

    The grid has rows 7 deg tall from declination -31 deg, each cut in as many fields as fit
    7.5 deg wide at the row's declination; fields are numbered from 245 like ZTF's. The
    readout channel (0-63) is the position inside the field on an 8x8 grid.

    Returns
    -------
    field, rcid : numpy.ndarray of int
    """
    ra = np.asarray(ra, dtype=float) % 360.0
    dec = np.asarray(dec, dtype=float)
    rows = np.arange(18)
    centres = -31.0 + 7.0 * (rows + 0.5)
    per_row = np.maximum(1, np.floor(360.0 * np.cos(np.radians(centres)) / 7.5)).astype(int)
    first = 245 + np.concatenate([[0], np.cumsum(per_row)[:-1]])
    row = np.clip(np.floor((dec + 31.0) / 7.0).astype(int), 0, 17)
    pos = ra / 360.0 * per_row[row]
    col = np.floor(pos).astype(int)
    field = first[row] + col
    fx = pos - col
    fy = (dec + 31.0) / 7.0 - row
    rcid = (np.clip(np.floor(fy * 8), 0, 7) * 8 + np.clip(np.floor(fx * 8), 0, 7)).astype(int)
    return field, rcid


# Planck 2018 flat LambdaCDM (Planck Collaboration 2020, A&A 641, A6, TT,TE,EE+lowE+lensing+BAO):
# H0 = 67.66 km/s/Mpc, Omega_m = 0.30966. Radiation is neglected (< 0.01 mag at z < 3).
_H0 = 67.66
_OM = 0.30966
_C_KMS = 299792.458


@lru_cache(maxsize=1)
def _distmod_table():
    z = np.linspace(0.0, 3.0, 6001)
    inv_e = 1.0 / np.sqrt(_OM * (1.0 + z) ** 3 + (1.0 - _OM))
    dc = np.concatenate([[0.0], np.cumsum(0.5 * (inv_e[1:] + inv_e[:-1]) * np.diff(z))])
    dl_pc = (1.0 + z) * dc * _C_KMS / _H0 * 1e6
    mu = np.full_like(z, -np.inf)
    mu[1:] = 5.0 * np.log10(dl_pc[1:] / 10.0)
    return z, mu


def distance_modulus(z):
    """
    Distance modulus (mag) at redshift ``z`` (0 < z <= 3) in a Planck 2018 flat LambdaCDM.

    Parameters
    ----------
    z : float or array-like

    Returns
    -------
    float or numpy.ndarray
    """
    zt, mu = _distmod_table()
    return np.interp(z, zt[1:], mu[1:])
