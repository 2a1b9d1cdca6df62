"""
The light-curve plot: magnitudes (or fluxes) against time (or phase), one colour per band.

What it shows, and how (markers come from `alerce_astro.plotting.style`, band colours from the
survey's band table):

- each band in its survey's colour (ZTF: Paul Tol's colour-blind-safe "bright" scheme, g
  green, r red-pink, i yellow-brown; LSST: Rubin's palette), bands in wavelength order;
- alert detections as filled circles with error bars (in a light curve joining several
  surveys, ``ztf_g`` and ``lsst_g``, each survey has its own detection marker and its survey
  in the legend's band labels);
- detections from negative subtractions (negative difference flux, ZTF's ``isdiffpos = -1``:
  the source is *fainter* than in the reference image) as open squares;
- forced photometry as small, lighter diamonds (in magnitude plots, forced points below
  3 sigma as light upper limits: their magnitude means nothing);
- upper limits (non-detections) as downward triangles, in the band colour, at the limiting
  magnitude;
- the magnitude axis inverted (bright up); MJD along x, with an optional secondary axis of
  calendar dates or of days since the first detection; a legend; the object id as title.

matplotlib is imported when a plot is drawn, never at import.
"""

import numpy as np
from astropy import units as u

from ..lightcurve._arrays import values_of as _values
from ..lightcurve.bands import band_sort_key, find_band
from . import style

__all__ = ["plot_lightcurve"]

_YLABELS = {
    ("difference", False): "Difference magnitude (AB)",
    ("apparent", False): "Apparent magnitude (AB)",
    ("difference", True): "Difference flux ({unit})",
    ("apparent", True): "Flux ({unit})",
}
_LABELS = {
    "detection": "detection",
    "negative": "detection, negative subtraction",
    "forced": "forced photometry",
    "upper_limit": "upper limit (5σ)",
}


def plot_lightcurve(lc, ax=None, *, magnitudes=None, flux=False, period=None, epoch_time=None,
                    secondary_axis=None, upper_limits=None, forced=True, forced_snr=3.0,
                    legend=True, title=None, **kwargs):
    """
    Plot a light curve the way astronomers expect it.

    Parameters
    ----------
    lc : `~alerce_astro.lightcurve.AlerceLightCurve`
        The light curve (folded or not).
    ax : `~matplotlib.axes.Axes`, optional
        Where to draw; a new figure by default.
    magnitudes : {'difference', 'apparent'}, optional
        Which magnitudes: the difference-image ones, or ALeRCE's apparent (corrected) ones
        (see `~alerce_astro.lightcurve.AlerceLightCurve.apparent`). Default: the light
        curve's own (``lc.magnitudes``).
    flux : bool, optional
        Plot flux densities (the survey's unit: µJy for ZTF, nJy for LSST; signed difference
        flux, or the apparent flux) instead of magnitudes. The y axis is then not inverted,
        and a line marks zero.
    period : `~astropy.units.Quantity` or float, optional
        Fold on this period (numbers are days) and plot against phase (-0.5 to 0.5).
    epoch_time : `~astropy.time.Time` or float, optional
        Phase zero when folding (default: the brightest detection).
    secondary_axis : {None, 'date', 'days'}, optional
        Add a top axis of calendar dates (UTC) or of days since the first detection.
    upper_limits : bool, optional
        Draw upper limits (default: yes, except for apparent magnitudes, where the
        difference-image limits do not apply).
    forced : bool, optional
        Draw forced photometry (default: yes, if the light curve has any).
    forced_snr : float, optional
        In magnitude plots, forced points measured below this signal-to-noise ratio
        (``mag_err > 1.0857 / forced_snr``) are drawn as light upper limits at their
        ``limiting_mag`` instead of as magnitudes (default 3; 0 draws them all as points).
        Flux plots always show every point.
    legend : bool, optional
        Add a legend of bands and kinds of points.
    title : str or False, optional
        The title (default: the object id; False for none).
    **kwargs
        Passed to `~matplotlib.axes.Axes.errorbar` for the measured points (e.g.
        ``markersize``, ``elinewidth``, ``capsize``); colours and markers come from
        `alerce_astro.plotting.style` and the survey.

    Returns
    -------
    `~matplotlib.axes.Axes`

    Raises
    ------
    TypeError
        If ``lc`` is not an `~alerce_astro.lightcurve.AlerceLightCurve`.
    ValueError
        For an unknown option value.

    Examples
    --------
    >>> from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
    >>> from alerce_astro.plotting import plot_lightcurve
    >>> lc = lightcurve_from_json({"detections": [
    ...     {"mjd": 59000.0, "fid": 1, "magpsf": 18.0, "sigmapsf": 0.1, "isdiffpos": 1},
    ...     {"mjd": 59002.0, "fid": 2, "magpsf": 18.5, "sigmapsf": 0.1, "isdiffpos": -1}],
    ...     "non_detections": [{"mjd": 58998.0, "fid": 1, "diffmaglim": 20.0}]},
    ...     oid="ZTF20aaaaaaa")
    >>> ax = plot_lightcurve(lc)
    >>> ax.get_title(), bool(ax.yaxis_inverted())
    ('ZTF20aaaaaaa', True)
    """
    import matplotlib.pyplot as plt

    from ..lightcurve import AlerceLightCurve

    if not isinstance(lc, AlerceLightCurve):
        raise TypeError(f"plot_lightcurve draws an AlerceLightCurve (from get_lightcurve or "
                        f"AlerceLightCurve.read), got {type(lc).__name__}")
    if magnitudes not in (None, "difference", "apparent"):
        raise ValueError(f"magnitudes={magnitudes!r} is not accepted: use 'difference' or "
                         f"'apparent'")
    if secondary_axis not in (None, "date", "days"):
        raise ValueError(f"secondary_axis={secondary_axis!r} is not accepted: use None, "
                         f"'date' or 'days'")
    lc = _with_magnitudes(lc, magnitudes or lc.magnitudes)
    state = lc.magnitudes
    if upper_limits is None:
        upper_limits = state == "difference"
    first = _first_detection(lc)
    if period is not None:
        lc = lc.fold(period, epoch_time, normalize_phase=True)
    if flux:
        lc = lc.to_flux()
    if ax is None:
        # constrained layout leaves room for the title above a secondary axis.
        _, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")

    x = _x_values(lc)
    kind = np.asarray(lc["kind"])
    bands = np.asarray(lc["band"])
    y, dy, limit, unit = _y_values(lc, flux)
    # Negative subtractions: a negative difference flux (kept in flux_diff by apparent()).
    negative_flux = _values(lc["flux_diff" if "flux_diff" in lc.colnames else "flux"]) < 0
    finite = np.isfinite(y)
    shown = set()
    drawn = set()  # bands with at least one point: only they are in the legend
    opts = {"markersize": 5, "elinewidth": 0.8, "capsize": 0, "linestyle": "none"}
    opts.update(kwargs)
    survey = lc.survey
    order = _band_order(bands, survey)
    for band in order:
        color = style.band_color(band, survey=survey)
        in_band = bands == band
        if upper_limits:
            sel = in_band & (kind == "upper_limit") & np.isfinite(limit)
            if sel.any():
                (line,) = ax.plot(x[sel], limit[sel], linestyle="none",
                                  marker=style.MARKERS["upper_limit"], color=color,
                                  alpha=style.LIMIT_ALPHA, markersize=opts["markersize"],
                                  zorder=1)
                line.set_gid(f"{band}:upper_limit")
                shown.add("upper_limit")
                drawn.add(band)
        if forced:
            sel = in_band & (kind == "forced") & finite
            if not flux and forced_snr:
                # A forced magnitude below forced_snr sigma says nothing: draw its limit.
                faint = sel & ~(dy <= 2.5 / np.log(10) / forced_snr)
                sel &= ~faint
                lim = faint & np.isfinite(limit)
                if lim.any() and upper_limits:
                    (line,) = ax.plot(x[lim], limit[lim], linestyle="none",
                                      marker=style.MARKERS["upper_limit"], color=color,
                                      alpha=style.FORCED_ALPHA, markersize=0.7 * opts[
                                          "markersize"], zorder=1)
                    line.set_gid(f"{band}:forced_limit")
                    shown.add("upper_limit")
                    drawn.add(band)
            if sel.any():
                fopts = dict(opts, markersize=0.7 * opts["markersize"])
                bars = ax.errorbar(x[sel], y[sel], yerr=_err(dy, sel),
                                   marker=style.MARKERS["forced"], color=color,
                                   alpha=style.FORCED_ALPHA, zorder=2, **fopts)
                bars.lines[0].set_gid(f"{band}:forced")
                shown.add("forced")
                drawn.add(band)
        for negative in (False, True):
            sel = in_band & (kind == "detection") & finite & (negative_flux == negative)
            if not sel.any():
                continue
            marker = style.MARKERS["negative"] if negative else _detection_marker(band)
            extra = {"markerfacecolor": "white", "markeredgewidth": 1.2} if negative else {}
            bars = ax.errorbar(x[sel], y[sel], yerr=_err(dy, sel), marker=marker,
                               color=color, zorder=3, **extra, **opts)
            name = "negative" if negative else "detection"
            bars.lines[0].set_gid(f"{band}:{name}")
            shown.add(name)
            drawn.add(band)

    ax.set_xlabel(_x_label(lc))
    ax.set_ylabel(_YLABELS[(state, bool(flux))].format(unit=unit))
    if flux:
        ax.axhline(0.0, color="0.6", lw=0.6, zorder=0)
    elif not ax.yaxis_inverted():
        ax.invert_yaxis()
    if secondary_axis and not lc.is_folded:
        _add_secondary_axis(ax, secondary_axis, first)
    if title is None:
        title = lc.oid or ""
    if title:
        ax.set_title(title)  # matplotlib lifts it above a secondary axis
    if legend and shown:
        ax.legend(handles=_legend_handles([b for b in order if b in drawn], shown, survey),
                  loc="best",
                  fontsize="small", ncol=2)
    return ax


def _with_magnitudes(lc, wanted):
    if wanted == lc.magnitudes:
        return lc
    if wanted == "apparent":
        return lc.apparent()
    # Back to difference magnitudes and fluxes from an apparent light curve.
    out = lc.copy()
    out["mag"], out["mag_err"] = lc["mag_diff"], lc["mag_diff_err"]
    out["flux"], out["flux_err"] = lc["flux_diff"], lc["flux_diff_err"]
    out.meta["magnitudes"] = "difference"
    return out


def _band_order(bands, survey):
    """Bands in wavelength order (from the survey), unknown ones after, no band last."""
    present = set(bands.tolist())
    order = sorted(present - {""}, key=lambda name: band_sort_key(name, survey))
    return order + ([""] if "" in present else [])


def _qualified(band):
    """The survey of a ``<survey>_<band>`` name (a light curve of several surveys), or None."""
    found = find_band(band) if isinstance(band, str) and "_" in band else None
    return found[0] if found is not None else None


def _detection_marker(band):
    survey = _qualified(band)
    return style.SURVEY_MARKERS.get(survey.name, style.MARKERS["detection"]) if survey \
        else style.MARKERS["detection"]


def _band_label(band):
    survey = _qualified(band)
    if survey is not None:
        return f"{survey.title} {find_band(band)[1].name}"
    return band or "unknown band"


def _first_detection(lc):
    if lc.is_folded or not len(lc):
        return None
    det = np.asarray(lc["kind"]) == "detection"
    mjd = np.asarray(lc.time.mjd, dtype=float)
    return float(mjd[det].min()) if det.any() else float(mjd.min())


def _x_values(lc):
    time = lc["time"]
    if not lc.is_folded:
        return np.asarray(time.mjd, dtype=float)
    if hasattr(time, "to_value") and getattr(time, "unit", None) is not None \
            and time.unit.physical_type == "dimensionless":
        return np.asarray(time.to_value(u.one), dtype=float)
    return np.asarray(time.to_value(u.d), dtype=float)


def _x_label(lc):
    if not lc.is_folded:
        return "MJD (UTC)"
    period = lc.meta.get("period")
    where = f" (P = {period.to_value(u.d):.6g} d)" if period is not None else ""
    if lc.meta.get("normalize_phase"):
        return f"Phase{where}"
    return f"Phase (d){where}"


def _y_values(lc, flux):
    if flux:
        unit = lc["flux"].unit
        return (_values(lc["flux"], unit), _values(lc["flux_err"], unit),
                _values(lc["limiting_flux"], unit), unit.to_string("unicode"))
    return (_values(lc["mag"], u.mag), _values(lc["mag_err"], u.mag),
            _values(lc["limiting_mag"], u.mag), "mag")


def _err(dy, sel):
    err = dy[sel]
    return np.where(np.isfinite(err), err, 0.0)


def _add_secondary_axis(ax, which, first):
    import matplotlib.dates as mdates
    from astropy.time import Time

    if which == "date":
        # matplotlib's date numbers are days since its epoch (1970-01-01 by default), UTC.
        offset = float(Time(mdates.get_epoch(), scale="utc").mjd)
        secondary = ax.secondary_xaxis("top", functions=(lambda x: x - offset,
                                                         lambda x: x + offset))
        locator = mdates.AutoDateLocator()
        secondary.xaxis.set_major_locator(locator)
        secondary.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        secondary.set_xlabel("Date (UTC)")
    else:
        t0 = first if first is not None else 0.0
        secondary = ax.secondary_xaxis("top", functions=(lambda x: x - t0, lambda x: x + t0))
        secondary.set_xlabel(f"Days since first detection (MJD {t0:.3f})")
    secondary.set_gid(f"secondary:{which}")
    return secondary


def _legend_handles(bands, shown, survey):
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], linestyle="none", marker=_detection_marker(b),
                      color=style.band_color(b, survey=survey), label=_band_label(b))
               for b in bands]
    grey = "0.35"
    for name in ("detection", "negative", "forced", "upper_limit"):
        if name not in shown:
            continue
        extra = {"markerfacecolor": "white"} if name == "negative" else {}
        alpha = {"forced": style.FORCED_ALPHA + 0.25, "upper_limit": style.LIMIT_ALPHA}.get(
            name, 1.0)
        handles.append(Line2D([], [], linestyle="none",
                              marker=style.MARKERS[name], color=grey, alpha=alpha,
                              label=_LABELS[name], **extra))
    return handles
