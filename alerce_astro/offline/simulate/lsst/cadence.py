"""
Rubin-like visits of one sky position: six bands from Cerro Pachón.

The model follows the LSST baseline survey strategy (Ivezić et al. 2019, ApJ 873, 111; the
Survey Cadence Optimization Committee's recommendations, PSTN-051 and PSTN-055):

* Wide-Fast-Deep: on a clear night when the position is up (airmass < 2) it is visited with
  probability 0.3, as a pair of 30 s visits 15-45 minutes apart in two neighbouring bands,
  sometimes a third visit; bands follow the Moon (u and g in dark time, z and y when it is
  bright), in proportions close to the baseline's (u 7 %, g 9 %, r 22 %, i 22 %, z 20 %,
  y 20 %);
* deep-drilling-like fields (a few per cent of the objects) are visited on about half the clear
  nights by sequences of 6-12 visits in three or four bands;
* about a quarter of the nights are lost to weather, more in the southern winter; the
  astronomical night lasts about 7.5 hours in December and 10.5 hours in June;
* each visit has its seeing (median 0.85 arcsec at zenith, worse with airmass and towards
  blue), its sky brightness (dark-sky values of Ivezić et al. 2019, Table 2, brighter with the
  Moon) and its 5-sigma point-source depth ``m5`` from them.

Visits are placed on a grid of 39 s exposure slots counted from the start of the night, the same
grid for every object, so a visit id (``day_obs`` and ``seq_num``) always means the same time:
its ``midpointMjdTai``. MJDs are TAI; the 37 s between TAI and UTC are below the model's
precision for the schedule itself.
"""

import numpy as np

from ..cadence import hour_angle_at_midnight, moon_phase, night_windows
from .constants import BAND_ORDER, ZERO_POINT
from .ids import day_obs, visit_id

__all__ = ["Visits", "rubin_visits", "M5_DARK", "PIXEL_SCALE", "SLOT"]

#: Arcsec per pixel of LSSTCam.
PIXEL_SCALE = 0.2
#: One exposure slot: a 30 s visit plus readout and slew (days).
SLOT = 39.0 / 86400.0
_LAT = np.radians(-30.2446)  # Cerro Pachón
_MIDNIGHT_UT = 70.7494 / 360.0  # local mean midnight at longitude 70.7494 W
_MIN_ALT = 30.0  # airmass 2
_JUNE_SOLSTICE = 61212.0  # 2026-06-21
_SEQ_OFFSET = 20  # calibration exposures taken before the night's first visit
#: 5-sigma depths of a 30 s visit at zenith in dark sky with 0.7 arcsec seeing (Ivezić et al.
#: 2019, Table 2), per band code.
M5_DARK = {6: 23.9, 1: 25.0, 2: 24.7, 3: 24.0, 4: 23.3, 5: 22.1}
#: Dark-sky brightness (mag/arcsec^2) and extinction coefficient (mag/airmass), same source.
_SKY_DARK = {6: 22.96, 1: 22.26, 2: 21.20, 3: 20.48, 4: 19.60, 5: 18.61}
_EXTINCTION = {6: 0.47, 1: 0.21, 2: 0.13, 3: 0.10, 4: 0.07, 5: 0.18}
#: How much a full Moon brightens the sky (mag/arcsec^2).
_MOON_SKY = {6: 3.0, 1: 2.2, 2: 1.4, 3: 0.9, 4: 0.6, 5: 0.4}
#: Magnitude of a source giving 1 electron per second (LSST throughputs, approximately).
_ZP_1E = {6: 26.5, 1: 28.3, 2: 28.1, 3: 27.8, 4: 27.4, 5: 26.6}
_WAVELENGTH = {6: 3671.0, 1: 4827.0, 2: 6223.0, 3: 7546.0, 4: 8691.0, 5: 9712.0}
#: Band of a visit: dark and bright time weights (u g r i z y).
_W_DARK = np.array([0.16, 0.16, 0.22, 0.18, 0.15, 0.13])
_W_BRIGHT = np.array([0.0, 0.05, 0.2, 0.27, 0.25, 0.23])
_CODES = np.array(BAND_ORDER)
_INDEX = np.zeros(7, dtype=np.int64)  # band code -> position in wavelength order
_INDEX[_CODES] = np.arange(6)


def _table(values):
    t = np.zeros(7)
    for k, v in values.items():
        t[k] = v
    return t


_T_M5 = _table(M5_DARK)
_T_SKY = _table(_SKY_DARK)
_T_EXT = _table(_EXTINCTION)
_T_MOON = _table(_MOON_SKY)
_T_E_PER_NJY = _table({b: 30.0 * 10.0 ** (-0.4 * (ZERO_POINT - zp)) for b, zp in _ZP_1E.items()})
_T_WAVE = _table(_WAVELENGTH)


class Visits:
    """
    Visits covering one position, sorted by time (a bundle of equal-length arrays).

    Attributes
    ----------
    mjd : numpy.ndarray
        ``midpointMjdTai`` of each visit.
    band : numpy.ndarray of int
        Band code (u 6, g 1, r 2, i 3, z 4, y 5).
    day, seq, visit : numpy.ndarray of int
        Observing day (integer MJD), exposure number, Rubin visit id.
    airmass, seeing : numpy.ndarray
        Airmass and PSF FWHM (arcsec).
    m5 : numpy.ndarray
        5-sigma point-source depth (AB mag).
    sigma : numpy.ndarray
        Noise of a PSF flux on the difference image from the sky alone (nJy).
    e_per_njy : numpy.ndarray
        Electrons collected per nJy of source flux (photon noise of the source).
    """

    _fields = ("mjd", "band", "day", "seq", "visit", "airmass", "seeing", "m5", "sigma",
               "e_per_njy")

    def __init__(self, **arrays):
        for k in self._fields:
            setattr(self, k, np.asarray(arrays[k]))

    def __len__(self):
        return len(self.mjd)

    def take(self, index):
        """A new `Visits` with the visits selected by ``index`` (mask or indices)."""
        return Visits(**{k: getattr(self, k)[index] for k in self._fields})


def _night_half(nights):
    # astronomical night at 30 deg S: 10.5 h at the June solstice, 7.5 h in December
    return (9.0 + 1.5 * np.cos(2.0 * np.pi * (nights - _JUNE_SOLSTICE) / 365.25)) / 48.0


def _neighbour(rng, first):
    # the second band of a pair: the same or a neighbouring one (no u-y pairs)
    step = rng.choice([-1, 1, 1, 0], size=first.size)
    return _CODES[np.clip(_INDEX[first] + step, 0, 5)]


def rubin_visits(rng, ra, dec, t_start, t_end, *, deep=False):
    """
    Simulate the visits covering a position between two dates.

    Parameters
    ----------
    rng : numpy.random.Generator
    ra, dec : float
        Position (deg).
    t_start, t_end : float
        TAI MJD range.
    deep : bool, optional
        A deep-drilling-like field (sequences of many visits on most nights).

    Returns
    -------
    Visits
    """
    nights = np.arange(np.floor(t_start), np.ceil(t_end), dtype=float)
    n = nights.size
    half = _night_half(nights)
    midnight, lo, hi = night_windows(ra, dec, nights, latitude=_LAT, midnight_ut=_MIDNIGHT_UT,
                                     night_half=half, min_alt=_MIN_ALT)
    visible = (hi - lo) > 1.0 / 24.0
    winter = np.cos(2.0 * np.pi * (nights - _JUNE_SOLSTICE) / 365.25) > 0.5
    clear = rng.uniform(size=n) < np.where(winter, 0.62, 0.8)
    visited = rng.uniform(size=n) < (0.45 if deep else 0.3)
    k = np.flatnonzero(visible & clear & visited)
    if k.size == 0:
        return _empty()
    moon = moon_phase(midnight[k])
    if deep:
        per_night = rng.integers(6, 13, size=k.size)
    else:
        per_night = 2 + (rng.uniform(size=k.size) < 0.12)
    night_of = np.repeat(k, per_night)
    m = night_of.size
    # bands: a first band by Moon phase, then a neighbouring one (deep fields: a few bands,
    # several visits each, in wavelength order)
    first = np.where(moon < 0.45, rng.choice(_CODES, size=k.size, p=_W_DARK),
                     rng.choice(_CODES, size=k.size, p=_W_BRIGHT))
    second = _neighbour(rng, first)
    start = np.concatenate([[0], np.cumsum(per_night)[:-1]]).astype(np.int64)
    rank = np.arange(m) - np.repeat(start, per_night)  # visit number within the night
    if deep:
        block = np.repeat(per_night // rng.integers(3, 5, size=k.size), per_night)
        band = _CODES[(np.repeat(_INDEX[first], per_night) + rank // np.maximum(block, 1)) % 6]
    else:
        band = np.where(rank % 2 == 0, np.repeat(first, per_night),
                        np.repeat(second, per_night))
    # times: the first visit somewhere in the visible window, the others 15-45 min later
    # (consecutive slots within a deep sequence)
    u = rng.uniform(size=k.size)
    span = np.maximum(hi[k] - lo[k] - 2.0 / 24.0, 0.0)
    t_first = midnight[k] + lo[k] + u * span
    gaps = np.where(deep, SLOT, rng.uniform(15.0, 45.0, m) / 1440.0)
    gaps = np.where(rank == 0, 0.0, gaps)
    t = np.repeat(t_first, per_night) + _segment_cumsum(gaps, per_night)
    # on the night's grid of exposure slots
    t_ev = midnight - half  # evening twilight of each night
    slot = np.floor((t - t_ev[night_of]) / SLOT).astype(np.int64)
    slot = _distinct_slots(slot, night_of)
    mjd = t_ev[night_of] + (slot + 0.5) * SLOT
    order = np.argsort(mjd, kind="stable")
    mjd, band, night_of, slot = mjd[order], band[order], night_of[order], slot[order]
    day = day_obs(mjd)
    seq = slot + _SEQ_OFFSET + (nights[night_of].astype(np.int64) % 17)
    e = mjd.size
    # conditions: airmass from the hour angle, seeing, sky, depth
    ha = (hour_angle_at_midnight(ra, midnight[night_of]) + (mjd - midnight[night_of])) * 360.0
    d = np.radians(dec)
    sin_alt = (np.sin(_LAT) * np.sin(d)
               + np.cos(_LAT) * np.cos(d) * np.cos(np.radians(ha)))
    airmass = 1.0 / np.clip(sin_alt, 0.45, 1.0)
    night_seeing = np.exp(rng.normal(np.log(0.85), 0.22, n))
    wave = _T_WAVE[band]
    seeing = np.clip(night_seeing[night_of] * np.exp(rng.normal(0.0, 0.05, e))
                     * airmass ** 0.6 * (wave / 6223.0) ** -0.2, 0.5, 2.6)
    lunar = moon_phase(mjd) * rng.uniform(0.3, 1.0, e)  # the Moon is not always up
    sky = _T_SKY[band] - _T_MOON[band] * lunar
    cloud = np.minimum(rng.exponential(0.06, n)[night_of], 1.0)
    m5 = (_T_M5[band] + 0.5 * (sky - _T_SKY[band]) + 2.5 * np.log10(0.7 / seeing)
          - _T_EXT[band] * (airmass - 1.0) - cloud)
    # the template (a deep coadd) adds about 5 % to the difference-image noise
    sigma = 1.05 * 10.0 ** (-0.4 * (m5 - ZERO_POINT)) / 5.0
    return Visits(mjd=mjd, band=band.astype(np.int64), day=day, seq=seq,
                  visit=visit_id(day, seq), airmass=airmass,
                  seeing=seeing, m5=m5, sigma=sigma, e_per_njy=_T_E_PER_NJY[band])


def _empty():
    z = np.zeros(0)
    zi = np.zeros(0, dtype=np.int64)
    return Visits(mjd=z, band=zi, day=zi, seq=zi, visit=zi, airmass=z, seeing=z, m5=z, sigma=z,
                  e_per_njy=z)


def _segment_cumsum(values, lengths):
    """Cumulative sums restarting at every segment of ``lengths``."""
    c = np.cumsum(values)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int)
    return c - np.repeat(c[starts] - values[starts], lengths)


def _distinct_slots(slot, night_of):
    """Push visits of one night that fall in the same slot to the next free slots."""
    out = slot.copy()
    order = np.lexsort((out, night_of))
    prev_night, prev_slot = None, None
    for i in order:
        if night_of[i] == prev_night and out[i] <= prev_slot:
            out[i] = prev_slot + 1
        prev_night, prev_slot = night_of[i], out[i]
    return out
