"""
`plot_stamps`: the science, template and difference cutouts of an alert side by side, with sky
axes. Works wherever matplotlib does (scripts, notebooks, the Agg backend); matplotlib is
imported only when a plot is drawn.
"""

import numpy as np

from ..exceptions import InvalidQueryError
from . import style

__all__ = ["plot_stamps"]

#: Radius of the circle drawn around the candidate, in pixels (about 5 arcsec).
MARKER_RADIUS = 5.0
_TITLES = {"science": "Science", "template": "Template", "difference": "Difference"}
#: Where on the colour map the top of the z-scale range falls when brighter pixels exist.
BRIGHT_FROM = 0.8


def plot_stamps(stamps=None, *, fig=None, figsize=None, marker=True, contrast=0.25, cmap=None,
                difference_cmap=None, **imshow_kwargs):
    """
    Plot an alert's three cutouts: north up, east left, with RA/Dec axes.

    Each panel is a `~astropy.visualization.wcsaxes.WCSAxes` on the stamp's approximate WCS.
    Science and template are scaled by `~astropy.visualization.ZScaleInterval` each (over
    every finite pixel), and pixels brighter than the z-scale range are compressed with an
    asinh stretch into the top fifth of the colour map instead of being clipped flat white
    (a bright star keeps its core). The difference uses a scale symmetric around zero (the
    larger of the two z-scale limits) and a diverging colour map, so that a brightening shows
    in one colour and a fading in the other. A circle marks the candidate. Titles give the
    type and band, and the alert's date for science and difference (the template is a
    reference image of other dates); a negative subtraction (``isdiffpos`` -1: the source is
    fainter than in the template) is noted on the difference. The figure's title gives the
    object and candid.

    It draws what it is given: to fetch and plot an object's stamps in one call, use
    `~alerce_astro.AlerceClass.plot_stamps`.

    Parameters
    ----------
    stamps : `~alerce_astro.stamps.StampSet`
        The stamps to plot (from `~alerce_astro.AlerceClass.get_stamps`).
    fig : `~matplotlib.figure.Figure`, optional
        Draw into this figure (its existing axes are left alone); a new one by default.
    figsize : tuple, optional
        Size of a new figure in inches (default 11 x 4).
    marker : bool, optional
        Draw the circle around the candidate.
    contrast : float, optional
        ``contrast`` of `~astropy.visualization.ZScaleInterval` (lower: wider range).
    cmap, difference_cmap : str or `~matplotlib.colors.Colormap`, optional
        Colour maps of science/template and of the difference (default:
        `alerce_astro.plotting.style.IMAGE_CMAP` and ``DIFFERENCE_CMAP``).
    **imshow_kwargs
        Passed to `~matplotlib.axes.Axes.imshow` (e.g. ``interpolation``).

    Returns
    -------
    `~matplotlib.figure.Figure`
        With three WCSAxes, in the order science, template, difference.

    Raises
    ------
    InvalidQueryError
        If ``stamps`` is not given (or is an object id: use
        `~alerce_astro.AlerceClass.plot_stamps`).

    Examples
    --------
    >>> from alerce_astro.plotting import plot_stamps
    >>> fig = plot_stamps(alerce.get_stamps("ZTF18aaqfhlj"))             # doctest: +SKIP
    >>> fig.savefig("stamps.png")                                        # doctest: +SKIP
    """
    if stamps is None or not hasattr(stamps, "north_up"):
        shown = f"{stamps!r}" if isinstance(stamps, (str, int)) else "oid"
        raise InvalidQueryError(
            "plot_stamps needs stamps (a StampSet from get_stamps); it does not fetch: to "
            f"fetch and plot an object's stamps use Alerce.plot_stamps({shown})")

    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    if fig is None:
        fig = plt.figure(figsize=figsize or (11, 4))
    shown = stamps.north_up()
    target = shown.position
    for index, (kind, stamp) in enumerate(shown.items()):
        ax = fig.add_subplot(1, 3, index + 1, projection=stamp.wcs)
        difference = kind == "difference"
        norm = _norm(stamp.data, contrast=contrast, symmetric=difference)
        colormap = _colormap(difference_cmap or style.DIFFERENCE_CMAP if difference
                             else cmap or style.IMAGE_CMAP)
        options = {"interpolation": "nearest"}
        options.update(imshow_kwargs)
        ax.imshow(stamp.data, origin="lower", cmap=colormap, norm=norm, **options)
        ny, nx = stamp.data.shape
        ax.set_xlim(-0.5, nx - 0.5)
        ax.set_ylim(-0.5, ny - 0.5)
        if marker:
            x, y = stamp.wcs.world_to_pixel(target)
            ax.add_patch(Circle((float(x), float(y)), MARKER_RADIUS, fill=False,
                                edgecolor=style.TARGET_COLOR, linewidth=1.2,
                                label="candidate"))
        _sky_axes(ax, first=index == 0)
        ax.set_title(_title(kind, shown), fontsize="medium")
        if difference and _negative(shown.meta.get("isdiffpos")):
            ax.set_title(_title(kind, shown) + "\nnegative subtraction: fainter than the "
                         "template", fontsize="medium")
    label = getattr(shown, "id_label", "candid")  # LSST: measurement_id
    fig.suptitle(f"{shown.oid}  {label} {shown.candid}", fontsize="medium")
    return fig


def _norm(data, *, contrast, symmetric):
    from astropy.visualization import ImageNormalize, ZScaleInterval

    finite = np.asarray(data, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        vmin, vmax = -1.0, 1.0
    else:
        # Every pixel as sample (a cutout is small): the scale then does not depend on the
        # pixel order, so the alert's order and the north-up copy get the same one.
        vmin, vmax = ZScaleInterval(n_samples=finite.size, contrast=contrast).get_limits(finite)
    if symmetric:
        limit = max(abs(vmin), abs(vmax)) or 1.0
        return ImageNormalize(vmin=-limit, vmax=limit, clip=False)
    if vmax <= vmin:
        vmax = vmin + 1.0
    top = float(finite.max()) if finite.size else vmax
    if top <= vmax:
        return ImageNormalize(vmin=vmin, vmax=vmax, clip=False)
    # Brighter pixels than the z-scale range: the whole range up to the brightest pixel, the
    # z-scale range on the first BRIGHT_FROM of the colour map (nearly linear), the rest
    # compressed by asinh above it, so that bright sources keep their shape.
    from astropy.visualization import AsinhStretch

    fraction = (vmax - vmin) / (top - vmin)
    return ImageNormalize(vmin=vmin, vmax=top, clip=False,
                          stretch=AsinhStretch(a=_asinh_softening(fraction, BRIGHT_FROM)))


def _asinh_softening(x, y):
    """The ``a`` of `~astropy.visualization.AsinhStretch` that maps ``x`` to ``y`` (bisection
    in log a: the stretch at ``x`` falls from 1 to ``x`` as ``a`` grows)."""
    def at(a):
        return np.arcsinh(x / a) / np.arcsinh(1.0 / a)

    low, high = 1e-30, 1e3
    if at(high) >= y:  # nearly linear already
        return high
    if at(low) <= y:  # a dynamic range beyond any softening: the strongest one
        return low
    for _ in range(80):
        mid = np.sqrt(low * high)
        low, high = (mid, high) if at(mid) > y else (low, mid)
    return float(np.sqrt(low * high))


def _negative(isdiffpos):
    """Whether an alert's ``isdiffpos`` says negative subtraction (-1, 'f', False)."""
    if isdiffpos is None or np.ma.is_masked(isdiffpos):
        return False
    return str(isdiffpos).strip().lower() in ("-1", "-1.0", "f", "false", "0")


def _colormap(name):
    import matplotlib

    colormap = matplotlib.colormaps[name] if isinstance(name, str) else name
    bad = getattr(style, "NAN_COLOR", None)
    if bad is not None:
        colormap = colormap.with_extremes(bad=bad)
    return colormap


def _sky_axes(ax, *, first):
    ra, dec = ax.coords[0], ax.coords[1]
    ra.set_major_formatter("hh:mm:ss.s")
    dec.set_major_formatter("dd:mm:ss")
    ra.set_ticks(number=3)
    dec.set_ticks(number=3)
    ra.set_axislabel("RA")
    ra.set_ticklabel(exclude_overlapping=True)
    if first:
        dec.set_axislabel("Dec", minpad=0.5)
    else:
        dec.set_axislabel("")
        dec.set_ticklabel_visible(False)


def _title(kind, stamps):
    band = f"{stamps.band} band" if stamps.band else "unknown band"
    if kind == "template":  # a reference image made of other nights: not the alert's date
        return f"{_TITLES[kind]} ({band})\nreference image"
    date = stamps.time.iso[:16] + " UTC" if np.isfinite(stamps.mjd) else ""
    return f"{_TITLES.get(kind, kind)} ({band})\n{date}"
