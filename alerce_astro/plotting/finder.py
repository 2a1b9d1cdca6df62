"""
Finder charts for observers: `plot_finder_chart`.

Everything is drawn in the image's pixel coordinates and placed through its WCS: the target's
crosshair, the catalog sources, the north and east arrows (from offsets of the target on the
sky, so a rotated or mirrored image gets rotated or mirrored arrows) and the scale bar. With
``north_up=True`` (the default) the axes are flipped when the image is stored north-down or
east-right (as ZTF cutouts are), so that the chart reads as the sky does: north up, east left.

The chart draws what it is given and never fetches: `~alerce_astro.AlerceClass.plot_finder`
fetches an object's position, template stamp and catalog sources, then calls it.
matplotlib is imported when the function runs, never at import.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.time import Time

from ..exceptions import InvalidQueryError
from . import style

__all__ = ["plot_finder_chart", "FinderTarget", "sky_directions", "image_and_wcs",
           "image_radius"]

ANNOTATION_COLOR = style.FINDER_ANNOTATION_COLOR
NO_DATA_COLOR = style.NO_DATA_COLOR
#: Scale-bar lengths to choose from, in arcsec.
_NICE_SCALES = (1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


@dataclass
class FinderTarget:
    """
    What a finder chart says about an object: its id, position and a few facts for the text box.

    Parameters
    ----------
    coord : `~astropy.coordinates.SkyCoord`
        The position marked.
    oid : str or int, optional
        The object id (the crosshair's label and the title).
    mags : dict, optional
        Band name -> mean magnitude, in the order to show.
    firstmjd, lastmjd : float, optional
        MJD (UTC) of the first and last detection.
    """

    coord: SkyCoord
    oid: object = None
    mags: dict = field(default_factory=dict)
    firstmjd: float = None
    lastmjd: float = None


def plot_finder_chart(target, *, image=None, radius=None, sources=None, ax=None,
                      north_up=True, title=None, info=True, cmap=None, image_note=None):
    """
    A finder chart: an image around the target, marked for a telescope.

    It draws what it is given: to chart an object by its id (its position, template stamp and
    catalog sources fetched), use `~alerce_astro.AlerceClass.plot_finder`.

    Parameters
    ----------
    target : `FinderTarget`, `~astropy.coordinates.SkyCoord` or str
        The object (a `FinderTarget`) or a position (a `~astropy.coordinates.SkyCoord` or a
        string such as ``"185.7289 15.8236"``).
    image : optional
        The background, with a celestial WCS: an `~astropy.nddata.NDData` (or
        `~astropy.nddata.CCDData`, a stamp of `~alerce_astro.stamps.StampSet`) with ``wcs``, a
        ``(data, wcs)`` pair (``wcs`` a `~astropy.wcs.WCS` or a FITS header), an
        `~astropy.io.fits.ImageHDU` / `~astropy.io.fits.PrimaryHDU`, an
        `~astropy.io.fits.HDUList` (its first image), or a FITS file name. For example
        astroquery's ``hips2fits`` or ``SkyView`` answers.
    radius : `~astropy.units.Quantity` or str, optional
        Half the side of the field shown; by default the whole image.
    sources : `~alerce_astro.crossmatch.CrossmatchResult`, optional
        Catalog sources to overlay (e.g. from `~alerce_astro.AlerceClass.query_catalogs`).
    ax : `~matplotlib.axes.Axes`, optional
        Where to draw (best a WCSAxes made with ``projection=wcs``); a new figure otherwise.
    north_up : bool, optional
        Flip the axes so that north is up and east left when the image is stored otherwise.
    title : str, optional
        The title (default: the object id or the position).
    info : bool, optional
        Write the text box (id, sexagesimal position, mean magnitudes, discovery and last
        detection dates) to the right of the image.
    cmap : str, optional
        Colour map (default: `alerce_astro.plotting.style.IMAGE_CMAP`).
    image_note : str, optional
        What the image is, for the text box (``"ZTF template stamp"``).

    Returns
    -------
    `~matplotlib.axes.Axes`
        Save it with ``ax.figure.savefig("chart.pdf")`` (PNG, PDF...).

    Raises
    ------
    InvalidQueryError
        If there is no image, the image has no celestial WCS or is not 2-D, the target is
        outside it, or the target is an object id (use `~alerce_astro.AlerceClass.plot_finder`).

    Examples
    --------
    >>> from alerce_astro.plotting import plot_finder_chart
    >>> ax = plot_finder_chart("185.7289 15.8236", image=hdul,
    ...                        radius="30 arcsec")               # doctest: +SKIP
    >>> ax.figure.savefig("finder.pdf")                          # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from astropy.visualization import ImageNormalize, LinearStretch, ZScaleInterval

    from ..validation import parse_coordinates, parse_radius

    if isinstance(target, FinderTarget):
        details = target
    else:
        try:
            coord = parse_coordinates(target, argument="target")
        except InvalidQueryError:
            if isinstance(target, str) and len(target.split()) == 1:
                raise InvalidQueryError(
                    f"target={target!r}: plot_finder_chart draws what it is given and does "
                    f"not look objects up; for an object id use Alerce.plot_finder({target!r})"
                    f", which fetches its position, stamp and catalog sources") from None
            raise
        details = FinderTarget(coord=coord)
    coord = details.coord
    if radius is not None:
        radius = parse_radius(radius, maximum=1 * u.deg)
        if radius.deg <= 0:
            raise InvalidQueryError(f"radius={radius!r} must be larger than 0")
    if image is None:
        raise InvalidQueryError("give image= (an NDData, HDU, HDUList, (data, wcs) or FITS file) "
                                "to draw the chart on; Alerce.plot_finder(oid) uses the "
                                "object's template stamp")
    source_note = image_note
    data, wcs = image_and_wcs(image)
    if "approx" in str(getattr(wcs.wcs, "name", "")).lower():
        source_note = (source_note or "image") + " (approximate WCS)"

    x0, y0 = (float(v) for v in wcs.world_to_pixel(coord))
    ny, nx = data.shape
    if not (np.isfinite(x0) and np.isfinite(y0)):
        raise InvalidQueryError("the target has no position on this image (its WCS cannot "
                                "place it)")
    north, east = sky_directions(wcs, coord)
    scale_x = _pixel_scale_along_x(wcs, x0, y0)  # arcsec per pixel along the x axis
    if radius is not None:
        half = radius.to_value(u.arcsec) / _pixel_scale(wcs)
        xlim, ylim = [x0 - half, x0 + half], [y0 - half, y0 + half]
    else:
        xlim, ylim = [-0.5, nx - 0.5], [-0.5, ny - 0.5]
    if not (-0.5 <= x0 <= nx - 0.5 and -0.5 <= y0 <= ny - 0.5):
        raise InvalidQueryError(f"the target is outside the image (pixel {x0:.1f}, {y0:.1f} "
                                f"of a {nx}x{ny} image)")
    flip_x = north_up and abs(east[0]) >= abs(east[1]) and east[0] > 0
    flip_y = north_up and abs(north[1]) >= abs(north[0]) and north[1] < 0
    if flip_x:
        xlim.reverse()
    if flip_y:
        ylim.reverse()

    if ax is None:
        fig = plt.figure(figsize=(9.0, 6.0))
        ax = fig.add_axes([0.08, 0.1, 0.56, 0.8], projection=wcs)
    ax.set_facecolor(NO_DATA_COLOR)  # parts of the field the image does not cover
    finite = data[np.isfinite(data)]
    if finite.size:
        vmin, vmax = ZScaleInterval().get_limits(finite)
    else:
        vmin, vmax = 0.0, 1.0
    norm = ImageNormalize(vmin=vmin, vmax=vmax, stretch=LinearStretch())
    ax.imshow(data, origin="lower", cmap=cmap or style.IMAGE_CMAP, norm=norm,
              interpolation="nearest")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if hasattr(ax, "coords"):
        ax.coords[0].set_axislabel("Right ascension (ICRS)")
        ax.coords[1].set_axislabel("Declination (ICRS)")
        ax.coords[0].set_major_formatter("hh:mm:ss.s")
        ax.coords[1].set_major_formatter("dd:mm:ss")
    else:
        ax.set_xlabel("x (pixel)")
        ax.set_ylabel("y (pixel)")

    field = abs(xlim[1] - xlim[0])
    name = (str(details.oid) if details.oid is not None
            else coord.to_string("hmsdms", sep=":", precision=1))
    _crosshair(ax, x0, y0, field, label=str(details.oid) if details.oid is not None
               else "target")
    if sources:
        _overlay(ax, wcs, sources)
    _arrows(ax, north, east, field)
    _scale_bar(ax, field, scale_x, flip_x)
    ax.set_title(title if title is not None else f"{name} finder chart", fontsize="medium")
    if info:
        _info_box(ax, coord, details, source_note)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(1.03, 0.0),
                  borderaxespad=0.0, fontsize="small", frameon=False)
    return ax


def image_and_wcs(image):
    """
    The 2-D pixels and celestial WCS of an image given in any of the usual forms.

    Parameters
    ----------
    image : NDData, (data, wcs), ImageHDU, PrimaryHDU, HDUList, str or path
        See `plot_finder_chart`.

    Returns
    -------
    data : `numpy.ndarray`
        2-D, float.
    wcs : `~astropy.wcs.WCS`
        Celestial.

    Raises
    ------
    InvalidQueryError
        If no 2-D image with a celestial WCS is found.

    Examples
    --------
    >>> import numpy as np
    >>> from astropy.wcs import WCS
    >>> w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    >>> data, wcs = image_and_wcs((np.zeros((5, 6)), w))
    >>> data.shape, wcs.has_celestial
    ((5, 6), True)
    """
    from astropy.io import fits
    if isinstance(image, (str, Path)):
        with fits.open(image) as hdul:
            data, wcs = image_and_wcs(hdul)
            return np.array(data), wcs
    if isinstance(image, fits.HDUList):
        for hdu in image:
            if getattr(hdu, "is_image", False) and hdu.data is not None and hdu.data.ndim >= 2:
                return image_and_wcs(hdu)
        raise InvalidQueryError("image: the HDUList has no image HDU with data")
    data = wcs = None
    if isinstance(image, (fits.ImageHDU, fits.PrimaryHDU, fits.CompImageHDU)):
        data, wcs = image.data, image.header
    elif isinstance(image, tuple) and len(image) == 2:
        data, wcs = image
    elif hasattr(image, "data") and hasattr(image, "wcs"):
        data, wcs = image.data, image.wcs
    else:
        raise InvalidQueryError(
            f"image must be an NDData with a wcs, a (data, wcs) pair, an image HDU, an "
            f"HDUList or a FITS file name, got {type(image).__name__}")
    if isinstance(wcs, fits.Header):
        wcs = _quiet_wcs(wcs)
    if wcs is None or not hasattr(wcs, "world_to_pixel") or not getattr(wcs, "has_celestial",
                                                                          False):
        raise InvalidQueryError("image has no celestial WCS: a finder chart needs one")
    if wcs.naxis != 2:
        # astropy's WCS copy (inside .celestial) swaps the warning filters itself: only
        # taken when there is more than the celestial plane to drop.
        wcs = wcs.celestial
    if data is None:
        raise InvalidQueryError("image has no data")
    data = np.ma.filled(np.ma.asarray(data, dtype=float), np.nan)
    while data.ndim > 2 and data.shape[0] == 1:
        data = data[0]
    if data.ndim != 2:
        raise InvalidQueryError(f"image must be 2-D, got shape {data.shape}")
    return data, wcs


def _quiet_wcs(header):
    """The WCS of a header with astropy's standard fixes applied, without the
    FITSFixedWarning noise and without touching the process-wide warning filters (which
    ``warnings.catch_warnings`` changes under other threads): the deprecated ``RADECSYS`` is
    renamed before parsing and the fixes are run through wcslib, which reports instead of
    warning. A warning of another kind still reaches the caller."""
    from astropy.wcs import WCS

    header = header.copy()
    if "RADECSYS" in header:
        value = header.pop("RADECSYS")
        header.setdefault("RADESYS", value)
    wcs = WCS(header, fix=False)
    wcs.wcs.fix()
    return wcs


def sky_directions(wcs, coord, step=None):
    """
    Unit vectors, in pixel coordinates, pointing north and east from ``coord``.

    Computed by moving ``coord`` a few pixels north (position angle 0) and east (90 degrees)
    on the sky and placing the offsets through ``wcs``, so they hold for any rotation or
    mirroring of the image.

    Parameters
    ----------
    wcs : `~astropy.wcs.WCS`
        Celestial WCS of the image.
    coord : `~astropy.coordinates.SkyCoord`
        Where the directions are taken.
    step : `~astropy.units.Quantity`, optional
        Offset used (default: five pixels).

    Returns
    -------
    north, east : `numpy.ndarray`
        ``(dx, dy)`` unit vectors.

    Examples
    --------
    >>> from astropy.wcs import WCS
    >>> from astropy.coordinates import SkyCoord
    >>> w = WCS(naxis=2); w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    >>> w.wcs.crval = [150, 2]; w.wcs.cdelt = [-1 / 3600, 1 / 3600]
    >>> north, east = sky_directions(w, SkyCoord(150, 2, unit="deg"))
    >>> np.round(north, 6).tolist(), np.round(east, 6).tolist()
    ([0.0, 1.0], [-1.0, 0.0])
    """
    if step is None:
        step = 5 * _pixel_scale(wcs) * u.arcsec
    x0, y0 = (float(v) for v in wcs.world_to_pixel(coord))
    out = []
    for angle in (0.0, 90.0):
        moved = coord.directional_offset_by(angle * u.deg, step)
        x1, y1 = (float(v) for v in wcs.world_to_pixel(moved))
        vector = np.array([x1 - x0, y1 - y0])
        out.append(vector / np.hypot(*vector))
    return out[0], out[1]


def _pixel_scale(wcs):
    from astropy.wcs.utils import proj_plane_pixel_scales

    return float(np.mean(proj_plane_pixel_scales(wcs)) * 3600.0)  # arcsec per pixel


def _pixel_scale_along_x(wcs, x, y):
    a, b = wcs.pixel_to_world([x, x + 1.0], [y, y])
    return float(a.separation(b).to_value(u.arcsec))


def image_radius(image, coord):
    """
    The radius from ``coord`` that covers the image's corners (at most a degree): what a
    catalog search must cover to fill a chart drawn without ``radius``.

    Parameters
    ----------
    image
        Any image `plot_finder_chart` accepts.
    coord : `~astropy.coordinates.SkyCoord`
        The centre.

    Returns
    -------
    `~astropy.coordinates.Angle`
    """
    data, wcs = image_and_wcs(image)
    ny, nx = data.shape
    corners = wcs.pixel_to_world([-0.5, nx - 0.5, -0.5, nx - 0.5],
                                 [-0.5, -0.5, ny - 0.5, ny - 0.5])
    return min(coord.separation(corners).max(), 1 * u.deg)


def _outlined(linewidth=3):
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=linewidth, foreground="black")]


def _crosshair(ax, x0, y0, field, label):
    """Four ticks around the target with a gap in the middle, so the target stays visible."""
    gap, length = 0.05 * field, 0.12 * field
    for i, (dx, dy) in enumerate(((1, 0), (-1, 0), (0, 1), (0, -1))):
        ax.plot([x0 + dx * gap, x0 + dx * (gap + length)],
                [y0 + dy * gap, y0 + dy * (gap + length)], color=style.TARGET_COLOR, lw=2.2,
                solid_capstyle="butt", label=label if i == 0 else None,
                gid="crosshair", zorder=5)


def _overlay(ax, wcs, sources):
    from .crossmatch import catalog_style

    for i, (name, table) in enumerate(sources.items()):
        if "coord" not in table.colnames or not len(table):
            continue
        x, y = wcs.world_to_pixel(table["coord"])
        color, marker = catalog_style(i)
        ax.scatter(x, y, s=90, marker=marker, facecolors="none", edgecolors=color,
                   linewidths=1.5, label=f"{name} ({len(table)})", gid=f"catalog:{name}",
                   zorder=4)


def _arrows(ax, north, east, field):
    """North and east arrows from a corner of the displayed field."""
    length = 0.16 * field
    # Axes fraction -> data through the view limits only: valid before the figure is drawn.
    base = ax.transLimits.inverted().transform((0.82, 0.16))
    for name, vector in (("N", north), ("E", east)):
        tip = base + length * vector
        ax.annotate("", xy=tip, xytext=base, xycoords="data", textcoords="data",
                    arrowprops={"arrowstyle": "-|>", "color": ANNOTATION_COLOR, "lw": 1.8,
                                "shrinkA": 0, "shrinkB": 0,
                                "path_effects": _outlined(3.5)},
                    gid=f"arrow:{name}", zorder=6)
        label = tip + 0.22 * length * vector
        ax.text(label[0], label[1], name, color=ANNOTATION_COLOR, ha="center", va="center",
                fontsize="medium", fontweight="bold", path_effects=_outlined(3),
                gid=f"arrow-label:{name}", zorder=6)


def _scale_bar(ax, field, scale_x, flip_x):
    """A bar of a round angular length along the x axis, bottom left of the field."""
    field_arcsec = field * scale_x
    length = max([s for s in _NICE_SCALES if s <= 0.3 * field_arcsec] or [_NICE_SCALES[0]])
    pixels = length / scale_x
    start = ax.transLimits.inverted().transform((0.07, 0.08))
    end = start + np.array([-pixels if flip_x else pixels, 0.0])
    ax.plot([start[0], end[0]], [start[1], end[1]], color=ANNOTATION_COLOR, lw=3,
            solid_capstyle="butt", path_effects=_outlined(5), gid="scale-bar", zorder=6)
    text = f"{length // 60:g}′" if length >= 60 and length % 60 == 0 else f"{length:g}″"
    middle = (start + end) / 2
    above = ax.transLimits.inverted().transform((0.0, 0.125))[1]
    ax.text(middle[0], above, text, color=ANNOTATION_COLOR, ha="center", va="center",
            fontsize="medium", path_effects=_outlined(3), gid="scale-bar-label", zorder=6)


def _date(mjd):
    return f"{Time(mjd, format='mjd', scale='utc').strftime('%Y-%m-%d')} (MJD {mjd:.2f})"


def _info_box(ax, coord, details, source_note):
    ra = coord.ra.to_string(unit=u.hourangle, sep=":", precision=2, pad=True)
    dec = coord.dec.to_string(unit=u.deg, sep=":", precision=1, alwayssign=True, pad=True)
    lines = []
    if details.oid is not None:
        lines.append(str(details.oid))
    lines += [f"RA   {ra}", f"Dec  {dec}", f"     ({coord.ra.deg:.5f}, {coord.dec.deg:+.5f})"]
    for band, mag in details.mags.items():
        lines.append(f"mean {band} = {mag:.2f} mag")
    if details.firstmjd is not None:
        lines.append(f"discovered {_date(details.firstmjd)}")
    if details.lastmjd is not None:
        lines.append(f"last detection {_date(details.lastmjd)}")
    if source_note:
        lines.append(f"image: {source_note}")
    ax.text(1.03, 1.0, "\n".join(lines), transform=ax.transAxes, ha="left", va="top",
            family="monospace", fontsize="small", gid="info",
            bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "0.6"})
