"""
Multiband Lomb-Scargle periodograms of light curves (astropy's `LombScargleMultiband`).

ZTF observes each object in g and r (sometimes i) on different nights. The multiband
periodogram fits one periodic signal to all bands at once, each band with its own offset
(VanderPlas & Ivezić 2015, ApJ 812, 18), so the bands' samples add up instead of being
searched one by one.
"""

import numpy as np
from astropy import units as u
from astropy.timeseries import LombScargleMultiband

from ._arrays import values_of

__all__ = ["MultibandPeriodogram", "multiband_periodogram", "MIN_POINTS_PER_BAND"]

#: Bands with fewer usable points than this are left out of the periodogram.
MIN_POINTS_PER_BAND = 5


class MultibandPeriodogram:
    """
    The result of `AlerceLightCurve.periodogram
    <alerce_astro.lightcurve.AlerceLightCurve.periodogram>`.

    Attributes
    ----------
    frequency : `~astropy.units.Quantity`
        Trial frequencies (1 / d), increasing.
    power : `~numpy.ndarray`
        Lomb-Scargle power at each frequency (``standard`` normalisation: 0 to 1).
    lombscargle : `~astropy.timeseries.LombScargleMultiband`
        The astropy object, for models and further analysis.
    bands : list of str
        The bands used (``meta["dropped_bands"]`` lists those with too few points).
    npoints : int
        The number of measurements used.
    meta : dict
        The object id, what was analysed (``"flux"`` or ``"mag"``) and the frequency grid.
    """

    def __init__(self, frequency, power, lombscargle, *, bands, npoints, meta=None,
                 best_frequency=None):
        self.frequency = frequency
        self.power = power
        self.lombscargle = lombscargle
        self.bands = list(bands)
        self.npoints = int(npoints)
        self.meta = dict(meta or {})
        self._best_frequency = best_frequency

    def __repr__(self):
        return (f"<MultibandPeriodogram of {self.meta.get('oid', '?')}: {len(self.frequency)} "
                f"frequencies, best period {self.best_period:.6g}, bands "
                f"{''.join(self.bands)}, {self.npoints} points>")

    @property
    def period(self):
        """Trial periods (d), decreasing (``1 / frequency``)."""
        return (1 / self.frequency).to(u.d)

    @property
    def best_frequency(self):
        """The frequency of highest power (refined around the grid's highest peak)."""
        if self._best_frequency is not None:
            return self._best_frequency
        return self.frequency[int(np.argmax(self.power))]

    @property
    def best_period(self):
        """The period of highest power (d)."""
        return (1 / self.best_frequency).to(u.d)

    @property
    def max_power(self):
        """The highest power."""
        return float(np.max(self.power))

    def to_table(self):
        """
        The periodogram as a `~astropy.table.QTable` of ``frequency``, ``period``, ``power``.

        Returns
        -------
        `~astropy.table.QTable`
        """
        from astropy.table import QTable

        table = QTable([self.frequency, self.period, self.power],
                       names=["frequency", "period", "power"], meta=dict(self.meta))
        table["power"].info.description = "Multiband Lomb-Scargle power"
        return table

    def plot(self, ax=None, *, period=False, **kwargs):
        """
        Plot power against frequency (or period) and mark the best period.

        Parameters
        ----------
        ax : `~matplotlib.axes.Axes`, optional
            Where to draw (a new figure by default).
        period : bool, optional
            Use the period (log scale) as x axis instead of the frequency.
        **kwargs
            Passed to `~matplotlib.axes.Axes.plot`.

        Returns
        -------
        `~matplotlib.axes.Axes`
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        kwargs.setdefault("color", "0.2")
        kwargs.setdefault("lw", 0.8)
        x = self.period.value if period else self.frequency.to_value(1 / u.d)
        ax.plot(x, self.power, **kwargs)
        best = self.best_period.value if period else self.best_frequency.to_value(1 / u.d)
        ax.axvline(best, color="#EE6677", ls="--", lw=1,
                   label=f"P = {self.best_period.value:.6g} d")
        if period:
            ax.set_xscale("log")
        ax.set_xlabel("Period (d)" if period else "Frequency (1 / d)")
        ax.set_ylabel("Lomb-Scargle power")
        ax.set_title(self.meta.get("oid", ""))
        ax.legend(loc="upper right")
        return ax


def multiband_periodogram(lc, *, use="flux", kinds=("detection",), minimum_period=0.05 * u.d,
                          maximum_period=None, samples_per_peak=5, method="fast",
                          nterms_base=1, nterms_band=1):
    """
    The multiband Lomb-Scargle periodogram of a light curve; see
    `AlerceLightCurve.periodogram <alerce_astro.lightcurve.AlerceLightCurve.periodogram>`.
    """
    if use not in ("flux", "mag"):
        raise ValueError(f"use={use!r} is not accepted: use 'flux' or 'mag'")
    bad = set(kinds) - {"detection", "forced"}
    if bad:
        raise ValueError(f"kinds has {sorted(bad)}: periodograms use 'detection' and/or "
                         f"'forced' points (upper limits have no measurement)")
    lo = _period(minimum_period, "minimum_period")
    rows = lc[np.isin(np.asarray(lc["kind"]), list(kinds))]
    if use == "flux":
        rows = rows.to_flux()
        y, dy = rows["flux"], rows["flux_err"]
    else:
        y, dy = rows["mag"], rows["mag_err"]
    yv, dyv = values_of(y), values_of(dy)
    ok = np.isfinite(yv) & np.isfinite(dyv) & (dyv > 0)
    if _is_folded(rows):
        raise ValueError("this light curve is folded: compute the periodogram before folding")
    bands = np.asarray(rows["band"])
    # A band with a handful of points cannot constrain its own offset and amplitude; in
    # astropy's fast method it even turns every power into NaN. Such bands are left out.
    names, counts = np.unique(bands[ok], return_counts=True)
    dropped = sorted(str(b) for b, n in zip(names, counts, strict=True)
                     if n < MIN_POINTS_PER_BAND)
    ok &= ~np.isin(bands, dropped)
    t = np.asarray(rows.time.mjd, dtype=float)[ok]
    bands = bands[ok]
    if len(t) < MIN_POINTS_PER_BAND:
        raise ValueError(f"{lc.meta.get('oid', 'the light curve')} has {len(t)} usable "
                         f"{'/'.join(kinds)} points in bands with at least "
                         f"{MIN_POINTS_PER_BAND}: too few for a periodogram")
    baseline = float(t.max() - t.min())
    hi = _period(maximum_period, "maximum_period") if maximum_period is not None \
        else baseline * u.d
    if not 0 < lo < hi:
        raise ValueError(f"minimum_period={lo} must be positive and below maximum_period="
                         f"{hi}")
    ls = LombScargleMultiband(t, yv[ok], bands, dyv[ok], nterms_base=nterms_base,
                              nterms_band=nterms_band)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Degenerate trial frequencies divide by zero inside astropy; their power is set to
        # 0 below instead of warning. (np.errstate, unlike warnings filters, is safe in the
        # threads of bulk work.)
        frequency, power = ls.autopower(method=method, samples_per_peak=samples_per_peak,
                                        minimum_frequency=1 / hi.to_value(u.d),
                                        maximum_frequency=1 / lo.to_value(u.d))
        power = np.nan_to_num(np.asarray(power, dtype=float), nan=0.0, posinf=0.0,
                              neginf=0.0)
        best = _refine(ls, np.asarray(frequency), power, method)
    meta = {"oid": lc.meta.get("oid"), "use": use, "kinds": list(kinds),
            "magnitudes": lc.meta.get("magnitudes", "difference"), "method": method,
            "samples_per_peak": samples_per_peak, "dropped_bands": dropped}
    return MultibandPeriodogram(np.asarray(frequency) / u.d, power, ls,
                                bands=sorted(set(bands.tolist())), npoints=len(t), meta=meta,
                                best_frequency=best / u.d)


def _refine(ls, frequency, power, method, peaks=10, points=41):
    """
    The best frequency: the highest grid peaks, each refined on a grid 20 times finer.

    A coarse grid can miss the top of a narrow peak and let an alias win; refining the few
    highest peaks costs a few hundred evaluations.
    """
    if len(frequency) < 3:
        return float(frequency[int(np.argmax(power))])
    step = float(frequency[1] - frequency[0])
    interior = (power[1:-1] >= power[:-2]) & (power[1:-1] >= power[2:])
    candidates = np.flatnonzero(interior) + 1
    candidates = np.union1d(candidates, [int(np.argmax(power))])
    top = candidates[np.argsort(power[candidates])[::-1][:peaks]]
    grids = [np.linspace(max(frequency[k] - step, frequency[0]),
                         min(frequency[k] + step, frequency[-1]), points) for k in top]
    fine = np.concatenate(grids)
    fine_power = np.nan_to_num(np.asarray(ls.power(fine, method=method), dtype=float))
    best = int(np.argmax(fine_power))
    return float(fine[best]) if fine_power[best] >= power.max() else \
        float(frequency[int(np.argmax(power))])


def _period(value, argument):
    """A period as a Quantity in days (numbers are days)."""
    from astropy.time import TimeDelta

    if isinstance(value, TimeDelta):
        value = value.to(u.d)
    if not isinstance(value, u.Quantity):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise ValueError(f"{argument}={value!r} must be a time Quantity or a number of "
                             f"days")
        value = float(value) * u.d
    try:
        value = value.to(u.d)
    except u.UnitsError:
        raise ValueError(f"{argument}={value!r} is not a time") from None
    if not value.isscalar or not np.isfinite(value.value) or value.value <= 0:
        raise ValueError(f"{argument}={value!r} must be one positive finite time")
    return value


def _is_folded(lc):
    from astropy.time import Time

    return not isinstance(lc["time"], Time)
