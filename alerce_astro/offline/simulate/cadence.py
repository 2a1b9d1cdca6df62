"""
ZTF-like observing epochs of one sky position.

The model follows how the ZTF public survey observes (Bellm et al. 2019, PASP 131, 068003;
Masci et al. 2019, PASP 131, 018003):

* a field is visited every two to three nights (probability 0.5 per night), usually with one
  g and one r exposure about half an hour apart, sometimes a second pair the same night, rarely
  an i exposure (partnership time);
* the position is only observable when it is far enough from the Sun: with Palomar's latitude
  (33.36 deg) and an altitude limit of 20 deg, an equatorial field is lost for 3-4 months a
  year, a field at -30 deg for about half the year;
* about a quarter of the nights are lost to weather (more in the July-August monsoon);
* each exposure has its own seeing (median FWHM 2.0 arcsec), sky level (rising with the Moon)
  and transparency. The 5-sigma limiting magnitude ``diffmaglim`` follows from them for a PSF
  fit on the difference image, giving the observed 19.5-20.8 range.
"""

import numpy as np

__all__ = ["Epochs", "observing_epochs", "limiting_magnitude", "night_windows",
           "hour_angle_at_midnight", "moon_phase", "PIXEL_SCALE", "ZEROPOINT"]

#: ZTF pixel scale, arcsec per pixel (Dekany et al. 2020, PASP 132, 038001).
PIXEL_SCALE = 1.012
#: Typical photometric zero points (mag for 1 DN) of 30 s exposures, per fid.
ZEROPOINT = {1: 26.30, 2: 26.20, 3: 25.75}
_SKY_DARK = {1: 80.0, 2: 120.0, 3: 200.0}
_SKY_MOON = {1: 260.0, 2: 200.0, 3: 180.0}
_SKY_DARK_ARR = np.array([0.0, _SKY_DARK[1], _SKY_DARK[2], _SKY_DARK[3]])
_SKY_MOON_ARR = np.array([0.0, _SKY_MOON[1], _SKY_MOON[2], _SKY_MOON[3]])
_ZP_ARR = np.array([0.0, ZEROPOINT[1], ZEROPOINT[2], ZEROPOINT[3]])
_PALOMAR_LAT = np.radians(33.356)
_MIDNIGHT_UT = 0.329  # local midnight at Palomar, fraction of the UT day
_NIGHT_HALF = 4.5 / 24.0  # astronomical night, half length (days)
_SYNODIC = 29.530589
_NEW_MOON_MJD = 51549.76  # 2000-01-06


class Epochs:
    """
    Exposures covering one position, sorted by time (a bundle of equal-length arrays).

    Attributes
    ----------
    mjd : numpy.ndarray
        Exposure times (MJD, UTC).
    fid : numpy.ndarray of int
        Band (1 g, 2 r, 3 i).
    field, rcid : numpy.ndarray of int
        Survey field and readout channel.
    seeing : numpy.ndarray
        PSF FWHM in arcsec.
    sky : numpy.ndarray
        Sky level (DN per pixel).
    sigpix : numpy.ndarray
        Pixel noise of the science image (DN).
    zp : numpy.ndarray
        Photometric zero point (mag).
    lim : numpy.ndarray
        5-sigma limiting magnitude of the difference image (``diffmaglim``).
    """

    _fields = ("mjd", "fid", "field", "rcid", "seeing", "sky", "sigpix", "zp", "lim")

    def __init__(self, **arrays):
        for k in self._fields:
            setattr(self, k, np.asarray(arrays[k]))

    def __len__(self):
        return len(self.mjd)

    def take(self, index):
        """A new `Epochs` with the exposures selected by ``index`` (mask or indices)."""
        return Epochs(**{k: getattr(self, k)[index] for k in self._fields})


def _sun_ra(mjd):
    # Mean longitude of the Sun (Astronomical Almanac low-precision formula), good to ~2 deg
    # as a right ascension: enough to place the seasonal gap.
    return (280.460 + 0.9856474 * (mjd - 51544.5)) % 360.0


def _max_hour_angle(dec_deg, min_alt_deg=20.0, latitude=_PALOMAR_LAT):
    dec = np.radians(dec_deg)
    c = ((np.sin(np.radians(min_alt_deg)) - np.sin(latitude) * np.sin(dec))
         / (np.cos(latitude) * np.cos(dec)))
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0))) / 360.0  # days


def hour_angle_at_midnight(ra, midnight):
    """
    Hour angle (days, -0.5 to 0.5) of right ascension ``ra`` (deg) at local midnight.

    At local midnight the meridian is opposite the Sun, whose right ascension comes from a
    low-precision formula (good to ~2 deg).
    """
    delta = ((ra - (_sun_ra(midnight) + 180.0) + 180.0) % 360.0 - 180.0) / 360.0
    return -delta


def moon_phase(mjd):
    """
    Illuminated fraction of the Moon (0 new, 1 full) at ``mjd``, from the mean synodic month.

    Parameters
    ----------
    mjd : float or numpy.ndarray

    Returns
    -------
    float or numpy.ndarray
    """
    return 0.5 * (1.0 - np.cos(2.0 * np.pi * (mjd - _NEW_MOON_MJD) / _SYNODIC))


def night_windows(ra, dec, nights, *, latitude, midnight_ut, night_half, min_alt):
    """
    When a position is observable on each night, from a given site.

    The position is up when its hour angle keeps it above ``min_alt``; the night is the
    astronomical night around local midnight. The Sun's right ascension is a low-precision
    formula (good to ~2 deg), enough to place the seasonal gap.

    Parameters
    ----------
    ra, dec : float
        Position (deg).
    nights : numpy.ndarray
        Integer MJDs of the nights (the UT day in which local midnight falls).
    latitude : float
        Site latitude (radians).
    midnight_ut : float
        Local midnight as a fraction of the UT day.
    night_half : float or numpy.ndarray
        Half length of the astronomical night (days), per night or one value.
    min_alt : float
        Lowest usable altitude (deg).

    Returns
    -------
    midnight, lo, hi : numpy.ndarray
        Local midnight (MJD) of each night and the observable interval relative to it (days):
        the position can be observed from ``midnight + lo`` to ``midnight + hi`` (empty when
        ``hi <= lo``).
    """
    midnight = nights + midnight_ut
    # Hour angle of the object at local midnight (days), then the part of the night it is up.
    ha_mid = hour_angle_at_midnight(ra, midnight)
    hmax = _max_hour_angle(dec, min_alt, latitude)
    lo = np.maximum(-night_half, -hmax - ha_mid)
    hi = np.minimum(night_half, hmax - ha_mid)
    return midnight, lo, hi


def limiting_magnitude(zp, sigpix, seeing):
    """
    5-sigma limiting magnitude of a PSF fit on a difference image.

    The noise of a PSF-weighted flux on a background-limited image is
    ``sigma_pix * sqrt(4 pi) * sigma_psf`` (Gaussian PSF of ``sigma_psf`` pixels); the template
    adds 8 % to the pixel noise and an imperfect PSF model 30 % to the flux noise.

    Parameters
    ----------
    zp : array-like
        Zero point (magnitude of 1 DN).
    sigpix : array-like
        Pixel noise (DN).
    seeing : array-like
        PSF FWHM (arcsec).

    Returns
    -------
    numpy.ndarray
        Limiting magnitude.
    """
    sig_psf = seeing / 2.3548 / PIXEL_SCALE
    flux_lim = 5.0 * 1.3 * 1.08 * sigpix * np.sqrt(4.0 * np.pi) * sig_psf
    return zp - 2.5 * np.log10(flux_lim)


def observing_epochs(rng, ra, dec, t_start, t_end, *, fields=((600, 10), (1600, 42)),
                     density=1.0):
    """
    Simulate the exposures covering a position between two dates.

    Parameters
    ----------
    rng : numpy.random.Generator
    ra, dec : float
        Position (deg).
    t_start, t_end : float
        MJD range.
    fields : sequence of (field, rcid)
        The primary grid field (70 % of the exposures) and a secondary one.
    density : float, optional
        Multiplies the number of visits per night (1 is the public survey; larger values mimic
        high-cadence fields).

    Returns
    -------
    Epochs
    """
    nights = np.arange(np.floor(t_start), np.ceil(t_end), dtype=float)
    n = nights.size
    midnight, lo, hi = night_windows(ra, dec, nights, latitude=_PALOMAR_LAT,
                                     midnight_ut=_MIDNIGHT_UT, night_half=_NIGHT_HALF,
                                     min_alt=20.0)
    visible = (hi - lo) > 1.0 / 24.0
    month = ((nights - 51544.5) / 30.44) % 12.0  # 0 = January
    p_clear = np.where((month >= 6.0) & (month < 8.0), 0.55, 0.77)
    clear = rng.uniform(size=n) < p_clear
    visited = rng.uniform(size=n) < min(0.95, 0.5 * np.sqrt(density))
    use = visible & clear & visited
    k = np.flatnonzero(use)
    if k.size == 0:
        return _empty()
    pairs = 1 + rng.poisson(0.3 * density, k.size)
    pairs = np.minimum(pairs, 2 if density <= 1.0 else max(24, int(6 * density)))
    night_of_pair = np.repeat(k, pairs)
    m = night_of_pair.size
    # Time of each g/r pair inside the visible part of the night, then 20-40 min between bands.
    u = rng.uniform(size=m)
    t_pair = midnight[night_of_pair] + lo[night_of_pair] + u * np.maximum(
        hi[night_of_pair] - lo[night_of_pair] - 1.0 / 48.0, 0.0)
    gap = rng.uniform(20.0, 40.0, m) / 1440.0
    first_band = np.where(rng.uniform(size=m) < 0.5, 1, 2)
    only_one = rng.uniform(size=m) < 0.15
    times = [t_pair, t_pair + gap]
    fids = [first_band, 3 - first_band]
    keep = [np.ones(m, bool), ~only_one]
    with_i = rng.uniform(size=m) < 0.04
    times.append(t_pair + 2.0 * gap)
    fids.append(np.full(m, 3))
    keep.append(with_i)
    owner = [night_of_pair] * 3
    mjd = np.concatenate(times)
    fid = np.concatenate(fids)
    night = np.concatenate(owner)
    sel = np.concatenate(keep)
    mjd, fid, night = mjd[sel], fid[sel], night[sel]
    order = np.argsort(mjd, kind="stable")
    mjd, fid, night = mjd[order], fid[order], night[order]
    # Exposures closer than 45 s (dense cadences) are pushed apart: distinct exposure ids.
    step = 45.0 / 86400.0
    shift = step * np.arange(mjd.size)
    mjd = np.maximum.accumulate(mjd - shift) + shift
    e = mjd.size
    # Image quality: a per-night seeing and transparency, per-exposure jitter.
    night_seeing = np.exp(rng.normal(np.log(2.0), 0.18, n))
    seeing = np.clip(night_seeing[night] * np.exp(rng.normal(0.0, 0.06, e)), 1.3, 4.5)
    moon = moon_phase(mjd)
    sky = (_SKY_DARK_ARR[fid] + _SKY_MOON_ARR[fid] * moon ** 2) * rng.uniform(0.9, 1.25, e)
    sigpix = np.sqrt(0.6 * sky + 4.0)
    night_cloud = rng.exponential(0.08, n)
    zp = _ZP_ARR[fid] - np.minimum(night_cloud[night], 1.2) + rng.normal(0.0, 0.02, e)
    lim = np.clip(limiting_magnitude(zp, sigpix, seeing), 18.5, 21.3)
    primary = rng.uniform(size=e) < 0.7
    (f1, r1), (f2, r2) = fields
    return Epochs(mjd=mjd, fid=fid.astype(np.int64),
                  field=np.where(primary, f1, f2).astype(np.int64),
                  rcid=np.where(primary, r1, r2).astype(np.int64),
                  seeing=seeing, sky=sky, sigpix=sigpix, zp=zp, lim=lim)


def _empty():
    z = np.zeros(0)
    zi = np.zeros(0, dtype=np.int64)
    return Epochs(mjd=z, fid=zi, field=zi, rcid=zi, seeing=z, sky=z, sigpix=z, zp=z, lim=z)
