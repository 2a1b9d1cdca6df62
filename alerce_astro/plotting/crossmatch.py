"""
The sources of external catalogs around a target: `plot_crossmatches`.

matplotlib is imported when the function runs, never at import.
"""

import math

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord

from ..exceptions import InvalidQueryError
from . import style

__all__ = ["plot_crossmatches", "catalog_style"]


def plot_crossmatches(result, target=None, ax=None, *, catalogs=None, redshifts=True,
                      show_radius=True, legend=True, **kwargs):
    """
    Plot the catalog sources around a target on the sky.

    Each catalog gets its own colour and marker (open, so that sources on top of each other
    stay visible), the target is a star, right ascension increases to the left (east left,
    as on the sky), the axes keep the true angular proportions at the target's declination,
    spectroscopic redshifts are written beside their sources and the search radius is drawn.

    Parameters
    ----------
    result : `~alerce_astro.crossmatch.CrossmatchResult`, mapping or `~astropy.table.Table`
        What `~alerce_astro.AlerceClass.query_catalogs` or
        `~alerce_astro.AlerceClass.query_nearest` returned: a mapping of catalog name to
        table (with a ``coord`` column, or ``RA``/``Dec``), or one table with ``catalog`` and
        ``coord`` columns.
    target : `~astropy.coordinates.SkyCoord` or str, optional
        The position to mark; by default the result's target, or the query position a
        `~alerce_astro.AlerceClass.query_nearest` table keeps in its ``meta``
        (``target_ra``, ``target_dec``); the median of the sources only for a table without
        either.
    ax : `~matplotlib.axes.Axes`, optional
        Where to draw; a new figure by default.
    catalogs : list of str, optional
        Only these catalogs.
    redshifts : bool, optional
        Write the spectroscopic redshifts (SpecSDSS, NEDz) beside their sources.
    show_radius : bool, optional
        Draw the search radius (when the result has one).
    legend : bool, optional
        Add a legend (placed to the right of the axes).
    **kwargs
        Passed to `~matplotlib.axes.Axes.scatter` for the catalog sources.

    Returns
    -------
    `~matplotlib.axes.Axes`

    Raises
    ------
    InvalidQueryError
        If there is no target to centre on, or a table has no position.

    Examples
    --------
    >>> import astropy.units as u
    >>> from alerce_astro.plotting import plot_crossmatches
    >>> result = alerce.query_catalogs("ZTF20aaelulu", radius=30 * u.arcsec)  # doctest: +SKIP
    >>> ax = plot_crossmatches(result)                                        # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from ..crossmatch.catalogs import find_catalog
    from ..validation import parse_coordinates

    groups = _groups(result, catalogs)
    if target is None:
        target = getattr(result, "target", None)
    meta = getattr(result, "meta", {}) or {}
    if target is None and meta.get("target_ra") is not None \
            and meta.get("target_dec") is not None:
        # A query_nearest table keeps the query position in its meta.
        target = SkyCoord(float(meta["target_ra"]) * u.deg, float(meta["target_dec"]) * u.deg)
    if target is None:
        everything = [g[1] for g in groups if len(g[1])]
        if not everything:
            raise InvalidQueryError("give target=: the result has no target and no source")
        ra = np.concatenate([c.ra.deg for c in everything])
        dec = np.concatenate([c.dec.deg for c in everything])
        target = SkyCoord(np.median(ra) * u.deg, np.median(dec) * u.deg)
    elif not isinstance(target, SkyCoord):
        target = parse_coordinates(target, argument="target")
    oid = meta.get("oid")
    ra0, dec0 = float(target.ra.deg), float(target.dec.deg)

    def unwrap(ra):
        # RA continuous across 0/360 around the target.
        return ra0 + ((np.asarray(ra, dtype=float) - ra0 + 180.0) % 360.0 - 180.0)

    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 6.0), layout="constrained")
    written = {}  # redshift labels per spot, stacked so that they do not overlap
    for i, (name, coord, table) in enumerate(groups):
        color, marker = catalog_style(i)
        options = {"s": 55, "linewidths": 1.4, "zorder": 3}
        options.update(kwargs)
        x, y = unwrap(coord.ra.deg), coord.dec.deg
        ax.scatter(x, y, marker=marker, facecolors="none", edgecolors=color,
                   label=f"{name} ({len(coord)})", gid=f"catalog:{name}", **options)
        info = find_catalog(name)
        if not (redshifts and info is not None and info.spectroscopic and table is not None):
            continue
        column = next((c for c in info.redshift_columns if c in table.colnames), None)
        if column is None:
            continue
        for xi, yi, z in zip(x, y, table[column], strict=True):
            if np.ma.is_masked(z) or not math.isfinite(float(z)):
                continue
            spot = (round(float(xi) * 3600 / 2), round(float(yi) * 3600 / 2))  # 2" cells
            n = written[spot] = written.get(spot, -1) + 1
            ax.annotate(f"z = {float(z):.4f} ({name})", (xi, yi), xytext=(7, 4 - 11 * n),
                        textcoords="offset points", color=color, fontsize="small",
                        gid=f"redshift:{name}")
    label = oid or "target"
    ax.scatter([ra0], [dec0], marker=style.TARGET_MARKER, s=200, color=style.TARGET_COLOR,
               edgecolors="black", linewidths=0.6, zorder=2, label=label, gid="target")
    radius = getattr(result, "radius", None)
    if show_radius and radius is not None:
        angles = np.linspace(0.0, 360.0, 181) * u.deg
        ring = target.directional_offset_by(angles, radius)
        ax.plot(unwrap(ring.ra.deg), ring.dec.deg, ls="--", lw=1,
                color=style.SEARCH_RADIUS_COLOR, zorder=1,
                label=f"radius {radius.to(u.arcsec).value:.4g}″", gid="radius")
    # True proportions at the target's declination, east to the left.
    ax.set_aspect(1.0 / max(math.cos(math.radians(dec0)), 1e-6), adjustable="datalim")
    if not ax.xaxis_inverted():
        ax.invert_xaxis()
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.set_xlabel("Right ascension (deg, ICRS)")
    ax.set_ylabel("Declination (deg, ICRS)")
    where = target.to_string("hmsdms", sep=":", precision=2)
    ax.set_title(f"catsHTM sources around {oid + ' ' if oid else ''}({where})",
                 fontsize="medium")
    ax.grid(True, lw=0.4, alpha=0.4)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                  fontsize="small", frameon=False)
    return ax


def catalog_style(index):
    """
    Colour and marker of the ``index``-th catalog: every pair differs for the first 64.

    Examples
    --------
    >>> catalog_style(0), catalog_style(8)
    (('#4477AA', 'o'), ('#4477AA', 's'))
    """
    colors, markers = style.CATALOG_COLORS, style.CATALOG_MARKERS
    return (colors[index % len(colors)],
            markers[(index + index // len(colors)) % len(markers)])


def _groups(result, catalogs):
    """``[(name, SkyCoord, table), ...]`` of the catalogs to draw."""
    from astropy.table import Table

    if isinstance(result, Table):
        if "catalog" not in result.colnames:
            raise InvalidQueryError("a single table must have a 'catalog' column (as "
                                    "query_nearest returns)")
        coord = _coord_of(result, "the table")
        names = list(dict.fromkeys(str(n) for n in result["catalog"]))
        pairs = [(n, result[np.asarray(result["catalog"]) == n]) for n in names]
        groups = [(n, coord[np.asarray(result["catalog"]) == n], t) for n, t in pairs]
    else:
        try:
            items = list(result.items())
        except AttributeError:
            raise InvalidQueryError(
                f"result must be what query_catalogs or query_nearest returned, got "
                f"{type(result).__name__}") from None
        groups = [(str(n), _coord_of(t, n), t) for n, t in items]
    if catalogs is not None:
        from ..crossmatch.catalogs import display_name

        wanted = {display_name(c).lower() for c in ([catalogs] if isinstance(catalogs, str)
                                                    else catalogs)}
        groups = [g for g in groups if g[0].lower() in wanted]
    return [g for g in groups if len(g[1])]


def _coord_of(table, name):
    if "coord" in table.colnames:
        return SkyCoord(table["coord"])
    lower = {c.lower(): c for c in table.colnames}
    if "ra" in lower and "dec" in lower:
        ra = np.ma.filled(np.ma.asarray(table[lower["ra"]], dtype=float), np.nan)
        dec = np.ma.filled(np.ma.asarray(table[lower["dec"]], dtype=float), np.nan)
        return SkyCoord(ra * u.deg, dec * u.deg, frame="icrs")
    raise InvalidQueryError(f"{name}: no 'coord' column and no RA/Dec columns to plot")
