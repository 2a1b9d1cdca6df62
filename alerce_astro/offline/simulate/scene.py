"""
The sky around an object: its counterpart (the star itself, the host galaxy) and unrelated
field stars and galaxies within 60 arcsec. Catalog neighbours and cutout images both come from
this one list, so what the images show agrees with the catalogs.

Number counts follow the usual scalings: stars thicken towards the Galactic plane
(``N ~ exp(-|b| / 15 deg)``) with ``dN/dm ~ 10**(0.25 m)``; galaxies are isotropic with
``dN/dm ~ 10**(0.45 m)`` (e.g. Yasuda et al. 2001, AJ 122, 1104), a few per square arcminute
at r < 22.5.
"""

import math

import numpy as np

__all__ = ["Source", "build_scene"]

#: Radius of the simulated neighbourhood (arcsec).
RADIUS = 60.0


class Source:
    """
    One source near an object.

    Attributes
    ----------
    kind : str
        ``star``, ``galaxy`` or ``qso``.
    east, north : float
        Offset from the object (arcsec).
    mag : dict
        fid (1 g, 2 r, 3 i) -> AB magnitude.
    size : float
        Exponential scale length (arcsec), 0 for point sources.
    axis_ratio, pa : float
        Shape of galaxies (pa in deg east of north).
    z : float or None
        Redshift.
    role : str
        ``counterpart`` or ``field``.
    variable_period : float or None
        Period of a known variable (for AAVSO VSX).
    """

    __slots__ = ("kind", "east", "north", "mag", "size", "axis_ratio", "pa", "z", "role",
                 "variable_period", "variable_range", "host_mag")

    def __init__(self, kind, east, north, mag, size=0.0, axis_ratio=1.0, pa=0.0, z=None,
                 role="field", variable_period=None, variable_range=None, host_mag=None):
        self.kind = kind
        self.east = float(east)
        self.north = float(north)
        self.mag = {int(k): float(v) for k, v in mag.items()}
        self.size = float(size)
        self.axis_ratio = float(axis_ratio)
        self.pa = float(pa)
        self.z = None if z is None else float(z)
        self.role = role
        self.variable_period = variable_period
        self.variable_range = variable_range
        self.host_mag = host_mag

    @property
    def separation(self):
        """Distance from the object (arcsec)."""
        return math.hypot(self.east, self.north)


def _power_law_mags(rng, n, lo, hi, slope):
    # inverse CDF of dN/dm ~ 10**(slope m) on [lo, hi]
    a, b = 10 ** (slope * lo), 10 ** (slope * hi)
    return np.log10(a + rng.uniform(size=n) * (b - a)) / slope


def build_scene(rng, model, gal_b):
    """
    The sources within `RADIUS` of an object.

    Parameters
    ----------
    rng : numpy.random.Generator
    model : `~alerce_astro.offline.simulate.models.Model`
    gal_b : float
        Galactic latitude (deg).

    Returns
    -------
    list of Source
        The counterpart first (if any), then field sources by distance.
    """
    out = []
    cp = model.counterpart
    if cp is not None:
        period = model.period if model.period is not None else None
        vrange = None
        if period is not None:
            amp = getattr(model, "amp", {2: 0.5})[2]
            vrange = (cp["mag"][2] - 0.5 * amp, cp["mag"][2] + 0.5 * amp)
        out.append(Source(cp["kind"], cp["east"], cp["north"], cp["mag"], cp["size"],
                          cp["axis_ratio"], cp["pa"], cp["z"], role="counterpart",
                          variable_period=period, variable_range=vrange,
                          host_mag=cp.get("host_mag")))
    n_star = rng.poisson(1.2 + 5.0 * math.exp(-abs(gal_b) / 15.0))
    n_gal = rng.poisson(1.6)
    n_star, n_gal = min(n_star, 6), min(n_gal, 3)  # at most 10 sources with the counterpart
    r = RADIUS * np.sqrt(rng.uniform(0.02, 1.0, n_star + n_gal))
    theta = rng.uniform(0.0, 2.0 * np.pi, n_star + n_gal)
    east, north = r * np.sin(theta), r * np.cos(theta)
    smag = _power_law_mags(rng, n_star, 14.0, 22.0, 0.25)
    gmag = _power_law_mags(rng, n_gal, 17.0, 22.5, 0.45)
    for k in range(n_star):
        gr = float(np.clip(rng.normal(0.9, 0.4), -0.2, 1.8))
        m = smag[k]
        out.append(Source("star", east[k], north[k], {1: m + gr, 2: m, 3: m - 0.35 * gr}))
    for k in range(n_gal):
        j = n_star + k
        m = gmag[k]
        z = float(np.clip(0.12 * 10 ** (0.2 * (m - 18.0)) * math.exp(rng.normal(0, 0.25)),
                          0.01, 1.2))
        out.append(Source("galaxy", east[j], north[j], {1: m + 0.8, 2: m, 3: m - 0.4},
                          size=rng.uniform(0.6, 2.5) * 10 ** (-0.2 * (m - 18.0)),
                          axis_ratio=rng.uniform(0.3, 1.0), pa=rng.uniform(0.0, 180.0), z=z))
    head, tail = out[:1] if cp is not None else [], out[1:] if cp is not None else out
    tail.sort(key=lambda s: s.separation)
    return head + tail
