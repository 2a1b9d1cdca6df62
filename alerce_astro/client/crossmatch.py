"""The crossmatch part of `~alerce_astro.AlerceClass`: catsHTM cone searches, nearest sources
and redshifts from about thirty external catalogs, and finder charts."""

import math
import warnings

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Column, Table, vstack

from ..apis.catshtm.parse import build_table, parse_answer
from ..crossmatch.catalogs import (
    DEFAULT_RADIUS_ARCSEC,
    PHOTOMETRIC_REDSHIFT_COLUMNS,
    catalog_table,
    get_catalog,
)
from ..crossmatch.catalogs import find_catalog as _find_catalog
from ..crossmatch.result import CrossmatchResult, Redshift
from ..exceptions import InvalidQueryError, NoResultsWarning, RemoteServiceError
from ..validation import parse_radius
from .base import AlerceBase, silenced, warn

__all__ = ["CrossmatchQueries"]

#: Largest cone accepted: a degree already returns tens of thousands of sources per catalog.
MAX_RADIUS = 1 * u.deg
_SERVICE = "ALeRCE catsHTM"


class CrossmatchQueries(AlerceBase):
    """Methods of `~alerce_astro.AlerceClass` for catsHTM crossmatches; see the class for
    settings."""

    # ----------------------------------------------------------------------------------------
    def list_catalogs(self):
        """
        The catalogs of the catsHTM service (no request is sent).

        Returns
        -------
        `~astropy.table.Table`
            ``catalog`` (display name, the key of results), ``catshtm_name`` (the name sent to
            the service), ``description``, ``default_radius`` (arcsec, used by `query_nearest`
            without a radius), ``ra_column``, ``dec_column``, ``redshift`` and
            ``redshift_columns``.

        Examples
        --------
        >>> from alerce_astro import Alerce
        >>> cats = Alerce.list_catalogs()
        >>> len(cats)
        33
        >>> print(cats.loc["2MASS"]["catshtm_name"], cats.loc["GAIA/DR2"]["default_radius"])
        TMASS 0.1
        """
        return catalog_table()

    # ----------------------------------------------------------------------------------------
    def query_catalogs(self, target, *, radius, catalogs=None, get_query_payload=False,
                       cache=None):
        """
        Every catalog source within ``radius`` of a target (catsHTM cone search).

        Parameters
        ----------
        target : str, int or `~astropy.coordinates.SkyCoord`
            A ZTF object id or an LSST diaObjectId (its mean position is looked up with
            `query_object`), a `~astropy.coordinates.SkyCoord` or a position string
            (``"357.73373 14.20514"``).
        radius : `~astropy.units.Quantity` or str
            Search radius, e.g. ``10 * u.arcsec`` or ``"10 arcsec"``; at most 1 degree.
        catalogs : str or list of str, optional
            Catalogs to search, by display or catsHTM name (see `list_catalogs`); all of them
            by default (one request), otherwise one request per catalog.
        get_query_payload : bool, optional
            Return the (first) request instead of sending it. An object id is still resolved
            to its position, which takes one request to the ZTF API.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~alerce_astro.crossmatch.CrossmatchResult`
            A mapping of catalog display name to `~astropy.table.Table`, each with parsed
            units, masked values where the service sent none, a ``coord``
            `~astropy.coordinates.SkyCoord` column and the ``separation`` from the target,
            sorted by it. Without ``catalogs``, only catalogs with sources appear; catalogs
            asked for by name always appear, empty if nothing was found.

        Raises
        ------
        InvalidQueryError
            For a radius without unit or out of range, an unknown catalog, an unparsable
            position or a malformed object id.
        ResponseFormatError
            If the service answers with an error message (it does so with status 200 for
            invalid arguments) or with something of no known shape.

        Warns
        -----
        NoResultsWarning
            If no catalog has a source within ``radius``.

        Examples
        --------
        >>> from alerce_astro.offline import SampleServer
        >>> import astropy.units as u
        >>> with SampleServer() as server:  # doctest: +SKIP
        ...     result = server.client().query_catalogs("357.73373 14.20514",
        ...                                             radius=10 * u.arcsec)
        """
        radius = _cone_radius(radius)
        chosen = _catalog_list(catalogs)
        coord, oid = self._crossmatch_target(target, cache=cache)
        result = self._catshtm_query("conesearch", chosen, coord, oid, radius,
                                     [("radius", _number(radius.arcsec))], cache=cache,
                                     get_query_payload=get_query_payload)
        if get_query_payload:
            return result
        if not result.nsources:
            where = ", ".join(c.display_name for c in chosen) if chosen else "any catalog"
            warn(f"no source in {where} within {radius.to(u.arcsec):.4g} of "
                 f"{_where(coord, oid)}", NoResultsWarning)
        return result

    # ----------------------------------------------------------------------------------------
    def query_nearest(self, target, *, catalogs=None, radius=None, per_catalog=False,
                      get_query_payload=False, cache=None):
        """
        The closest source to a target in each catalog (catsHTM crossmatch).

        Parameters
        ----------
        target : str, int or `~astropy.coordinates.SkyCoord`
            A ZTF object id or an LSST diaObjectId, a `~astropy.coordinates.SkyCoord` or a
            position string.
        catalogs : str or list of str, optional
            Catalogs to match, by display or catsHTM name; all by default (one request).
        radius : `~astropy.units.Quantity` or str, optional
            Largest distance of a match; by default each catalog's own (``default_radius`` of
            `list_catalogs`: 50 arcsec for most, 0.1 arcsec for Gaia).
        per_catalog : bool, optional
            Return a `~alerce_astro.crossmatch.CrossmatchResult` of one-row tables with every
            column of each catalog, instead of the one summary table.
        get_query_payload : bool, optional
            Return the (first) request instead of sending it.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~astropy.table.Table`
            One row per catalog with a match, nearest first: ``catalog`` (display name),
            ``catshtm_name``, ``ra``, ``dec`` (deg), ``coord`` and ``distance`` (arcsec, as
            computed by the service). The catalogs' own columns are in the
            ``per_catalog=True`` result. Matches farther than the radius are left out
            even where the service answers from a wider cone; ``meta["beyond_radius"]``
            gives ``{catalog: (distance, radius)}`` (arcsec) of those left out, and the
            no-result warning names the nearest of them.

        Raises
        ------
        InvalidQueryError
            For a bad radius, catalog, position or object id.
        ResponseFormatError
            If the service answers with an error message or an unknown shape.

        Warns
        -----
        NoResultsWarning
            If no catalog has a match.

        Examples
        --------
        >>> nearest = alerce.query_nearest("ZTF20aaelulu")   # doctest: +SKIP
        >>> nearest["catalog", "distance"]                   # doctest: +SKIP
        """
        if radius is not None:
            radius = _cone_radius(radius)
        chosen = _catalog_list(catalogs)
        coord, oid = self._crossmatch_target(target, cache=cache)
        result = self._nearest_result(chosen, coord, oid, radius, cache=cache,
                                      get_query_payload=get_query_payload)
        if get_query_payload:
            return result
        if not result.nsources:
            where = ", ".join(c.display_name for c in chosen) if chosen else "any catalog"
            within = (f"within {radius.to(u.arcsec):.4g}" if radius is not None
                      else "within the catalogs' default radii")
            warnings.warn(f"no match in {where} {within} of {_where(coord, oid)}"
                          f"{_beyond_note(result)}", NoResultsWarning)
        if per_catalog:
            return result
        return _nearest_table(result)

    # ----------------------------------------------------------------------------------------
    def get_redshift(self, target, *, radius=None, catalogs=None, cache=None):
        """
        The redshift of the catalog source nearest to a target: spectroscopic if any catalog
        has one (SpecSDSS, NEDz), else photometric.

        Parameters
        ----------
        target : str, int or `~astropy.coordinates.SkyCoord`
            A ZTF object id or an LSST diaObjectId, a `~astropy.coordinates.SkyCoord` or a
            position string.
        radius : `~astropy.units.Quantity` or str, optional
            Largest distance of a match (default: each catalog's own, 50 arcsec for SpecSDSS
            and NEDz). A source that far may be a neighbour (a host galaxy, or another
            object): check ``separation``.
        catalogs : str or list of str, optional
            Catalogs to look in (default: all, in one request).
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~alerce_astro.crossmatch.Redshift` or None
            ``z``, ``error``, ``catalog``, ``column``, ``spectroscopic``, ``separation`` and
            ``coord`` of the nearest source with a redshift (spectroscopic ones first);
            `None` if there is none within the radius (the warning then says how far the
            nearest spectroscopic one is, if the service gave one farther out).

        Warns
        -----
        NoResultsWarning
            When no catalog gives a redshift.

        Examples
        --------
        >>> z = alerce.get_redshift("ZTF20aaelulu")   # doctest: +SKIP
        >>> z.z, z.catalog, z.spectroscopic           # doctest: +SKIP
        """
        # query_nearest without its NoResultsWarning: silencing it would change the
        # process-wide warning filters, which threads calling this at once would corrupt.
        radius = None if radius is None else _cone_radius(radius)
        chosen = _catalog_list(catalogs)
        coord, oid = self._crossmatch_target(target, cache=cache)
        result = self._nearest_result(chosen, coord, oid, radius, cache=cache,
                                      get_query_payload=False)
        found = [z for z in (_redshift_of(name, table) for name, table in result.items())
                 if z is not None]
        spectroscopic = [z for z in found if z.spectroscopic]
        pool = spectroscopic or found
        if not pool:
            where = _where(result.target, result.meta.get("oid"))
            warnings.warn(f"no catalog gives a redshift near {where}"
                          f"{_beyond_note(result, redshift=True)}", NoResultsWarning)
            return None
        return min(pool, key=lambda z: z.separation.to_value(u.arcsec))

    def _nearest_result(self, chosen, coord, oid, radius, *, cache, get_query_payload):
        """The catsHTM crossmatch of `query_nearest` (per catalog), without its warning."""
        extra = [] if radius is None else [("radius", _number(radius.arcsec))]
        result = self._catshtm_query("crossmatch", chosen, coord, oid, radius, extra,
                                     cache=cache, get_query_payload=get_query_payload)
        if get_query_payload:
            return result
        return _within_radii(result, radius, keep_empty=chosen is not None)

    # ----------------------------------------------------------------------------------------
    def plot_finder(self, target, *, image=None, radius=None, catalogs=None, sources=None,
                    ax=None, north_up=True, title=None, info=True, cmap=None, cache=None):
        """
        Fetch what a finder chart needs and draw it with
        `alerce_astro.plotting.plot_finder_chart`.

        For an object id: its mean position, mean magnitudes and dates (`query_object`,
        `query_magstats`), its template stamp as the default image (`get_stamps`) and the
        catsHTM sources around it (`query_catalogs`).

        Parameters
        ----------
        target : str or `~astropy.coordinates.SkyCoord`
            An object id of this client's survey, or a position (then ``image`` is needed).
        image : optional
            The background (see `~alerce_astro.plotting.plot_finder_chart`); by default the
            object's template stamp, whose WCS is approximate.
        radius : `~astropy.units.Quantity` or str, optional
            Half the side of the field shown, and the radius of the catalog search; by
            default the whole image.
        catalogs : str, list of str or False, optional
            catsHTM catalogs to overlay (default: all); ``False`` for none.
        sources : `~alerce_astro.crossmatch.CrossmatchResult`, optional
            Sources to overlay instead of querying catsHTM.
        ax, north_up, title, info, cmap
            As for `~alerce_astro.plotting.plot_finder_chart`.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~matplotlib.axes.Axes`

        Raises
        ------
        InvalidQueryError
            For a malformed id or position, a position without ``image``, or an image without
            a celestial WCS or not around the target.

        Examples
        --------
        >>> ax = alerce.plot_finder("ZTF20aaelulu", radius="30 arcsec")   # doctest: +SKIP
        >>> ax.figure.savefig("ZTF20aaelulu_finder.pdf")                  # doctest: +SKIP
        """
        from ..plotting.finder import FinderTarget, image_radius, plot_finder_chart

        oid, coord = self._oid_or_position(target)
        if radius is not None:
            radius = _cone_radius(radius)
        note = None
        if oid is None:
            details = FinderTarget(coord=coord)
        else:
            details = self._finder_target(oid, cache=cache)
            if image is None:
                image = self.get_stamps(oid, cache=cache).template
                note = f"{self.survey.title} template stamp"
        if sources is None and catalogs is not False and image is not None:
            search = radius if radius is not None else image_radius(image, details.coord)
            with silenced(NoResultsWarning):  # an empty field is fine (never catch_warnings:
                # it swaps the process-wide filters, and this can run in threads)
                sources = self.query_catalogs(details.coord, radius=search, catalogs=catalogs,
                                              cache=cache)
        return plot_finder_chart(details, image=image, radius=radius, sources=sources, ax=ax,
                                 north_up=north_up, title=title, info=info, cmap=cmap,
                                 image_note=note)

    def _finder_target(self, oid, *, cache):
        """Position, mean magnitudes (in band order) and dates of an object, for a chart."""
        from ..plotting.finder import FinderTarget

        obj = self.query_object(oid, cache=cache)
        ra, dec = _float_or_none(obj["meanra"][0]), _float_or_none(obj["meandec"][0])
        if ra is None or dec is None:
            raise InvalidQueryError(f"{oid} has no mean position: give its coordinates")
        with silenced(NoResultsWarning):  # a chart without magnitudes is fine
            stats = self.query_magstats(oid, cache=cache)
        # LSST's diaObject summary has fluxes, no mean magnitudes: the chart shows none.
        means = ({str(row["band"]): _float_or_none(row["magmean"]) for row in stats}
                 if "magmean" in stats.colnames else {})
        mags = {band: means[band] for band in self.survey.band_names
                if means.get(band) is not None}
        return FinderTarget(coord=SkyCoord(ra * u.deg, dec * u.deg, frame="icrs"), oid=oid,
                            mags=mags, firstmjd=self._utc_mjd(obj["firstmjd"][0]),
                            lastmjd=self._utc_mjd(obj["lastmjd"][0]))

    def _utc_mjd(self, value):
        """An MJD of the survey's time scale as a UTC MJD (None where unknown)."""
        mjd = _float_or_none(value)
        if mjd is None or self.survey.time_scale == "utc":
            return mjd
        from astropy.time import Time

        return float(Time(mjd, format="mjd", scale=self.survey.time_scale).utc.mjd)

    # ----------------------------------------------------------------------------------------
    def _crossmatch_target(self, target, *, cache=None):
        """The position of ``target`` (an oid is looked up) and the oid if one was given."""
        oid, coord = self._oid_or_position(target)
        if oid is None:
            return coord, None
        obj = self.query_object(oid, cache=cache)
        ra, dec = obj["meanra"][0], obj["meandec"][0]
        if np.ma.is_masked(ra) or np.ma.is_masked(dec) or not (
                math.isfinite(float(ra)) and math.isfinite(float(dec))):
            raise RemoteServiceError(f"object {oid} has no mean position: give its "
                                     f"coordinates instead")
        return SkyCoord(float(ra) * u.deg, float(dec) * u.deg, frame="icrs"), oid

    def _catshtm_query(self, kind, chosen, coord, oid, radius, extra, *, cache,
                       get_query_payload):
        """
        One catsHTM query of ``kind`` (``conesearch`` or ``crossmatch``): the ``<kind>_all``
        route when no catalog was chosen, else the ``<kind>`` route once per catalog. Returns
        a `CrossmatchResult`, or the first request with ``get_query_payload``.
        """
        position = _position_params(coord)
        if chosen is None:
            requests = [(self._route(f"{kind}_all").with_params(position + extra), None)]
        else:
            requests = [(self._route(kind).with_params([("catalog", c.name)] + position + extra),
                         c) for c in chosen]
        if get_query_payload:
            return self._payload(requests[0][0])
        tables, meta = self._catshtm_tables(requests, coord=coord, oid=oid, radius=radius,
                                            cache=cache)
        return CrossmatchResult(tables, target=coord, radius=radius, kind=kind, meta=meta)

    def _catshtm_tables(self, requests, *, coord, oid, radius, cache):
        tables, meta = {}, {}
        for route, catalog in requests:
            raws = self._get(route, cache=cache,
                             parse=lambda answer, c=catalog: parse_answer(
                                 answer, catalog=c.name if c is not None else None))
            meta = self._meta(route, service=_SERVICE)
            meta.update(_target_meta(coord, oid, radius))
            for raw in raws:
                table = build_table(raw, target=coord, meta=meta)
                name = table.meta["catalog"]
                if name in tables:  # a catalog split in pieces: keep every row
                    table = vstack([tables[name], table], metadata_conflicts="silent")
                tables[name] = table
            if catalog is not None and catalog.display_name not in tables:
                tables[catalog.display_name] = _empty_table(catalog, meta)
        if len(requests) > 1:
            meta = dict(meta, url=[route.shown for route, _ in requests])
        return tables, meta


# --------------------------------------------------------------------------------------------
def _float_or_none(value):
    if value is None or np.ma.is_masked(value):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _cone_radius(radius):
    angle = parse_radius(radius, maximum=MAX_RADIUS)
    if angle.deg <= 0:
        raise InvalidQueryError(f"radius={radius!r} must be larger than 0")
    return angle


def _catalog_list(catalogs):
    """None for all catalogs, else the `Catalog` rows asked for, without repeats."""
    if catalogs is None:
        return None
    names = [catalogs] if isinstance(catalogs, str) else catalogs
    try:
        names = list(names)
    except TypeError:
        raise InvalidQueryError(f"catalogs must be a catalog name or a list of them, got "
                                f"{type(catalogs).__name__}") from None
    if not names:
        raise InvalidQueryError("catalogs is empty: give catalog names, or None for all")
    chosen = []
    for name in names:
        if not isinstance(name, str):
            raise InvalidQueryError(f"catalogs must hold catalog names, got {name!r}")
        catalog = get_catalog(name)
        if catalog not in chosen:
            chosen.append(catalog)
    return chosen


def _number(value):
    """A number as the service reads it: plain decimal, no float noise (10 not 10.000000001)."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _position_params(coord):
    return [("ra", _number(coord.ra.deg)), ("dec", _number(coord.dec.deg))]


def _target_meta(coord, oid, radius):
    meta = {"target_ra": float(coord.ra.deg), "target_dec": float(coord.dec.deg)}
    if oid:
        meta["oid"] = oid
    meta["radius"] = float(radius.to_value(u.arcsec)) if radius is not None else None
    return meta


def _where(coord, oid):
    text = coord.to_string("decimal", precision=5)
    return f"{oid} ({text})" if oid else text


def _empty_table(catalog, meta):
    table = Table(meta=dict(meta, catalog=catalog.display_name, catshtm_name=catalog.name))
    table["coord"] = SkyCoord([], [], unit="deg", frame="icrs")
    table["coord"].info.description = "Position (ICRS)"
    table["separation"] = Column([], dtype=float, unit=u.arcsec,
                                 description="Angular distance from the target")
    return table


def _within_radii(result, radius, *, keep_empty):
    """
    ``result`` without the matches farther than ``radius`` (or, without one, than each
    catalog's own default radius). The service may answer from a wider cone (the recorded
    crossmatch_all gives SpecSDSS at 80" and APASS at 51"), so the documented radius is
    applied here. What was left out is kept in ``meta["beyond_radius"]`` as
    ``{catalog: (distance, radius)}`` in arcsec, so a warning can say how far it was.
    """
    tables, beyond = {}, {}
    for name, table in result.items():
        info = _find_catalog(name)
        limit = (radius.to_value(u.arcsec) if radius is not None
                 else info.default_radius if info is not None else DEFAULT_RADIUS_ARCSEC)
        column = "distance" if "distance" in table.colnames else "separation"
        if len(table) and column in table.colnames:
            distance = np.ma.filled(np.ma.asarray(table[column], dtype=float), np.nan)
            inside = ~(distance > limit * (1 + 1e-9))  # unknown distance: kept
            if not inside.all():
                beyond[name] = (float(np.nanmin(distance[~inside])), float(limit))
                table = table[inside]
        if len(table) or keep_empty:
            tables[name] = table
    meta = dict(result.meta, beyond_radius=beyond)
    return CrossmatchResult(tables, target=result.target, radius=result.radius,
                            kind=result.kind, meta=meta)


def _beyond_note(result, *, redshift=False):
    """The part of a no-result warning naming the nearest match left out by the radius."""
    beyond = result.meta.get("beyond_radius") or {}
    if redshift:
        beyond = {name: v for name, v in beyond.items()
                  if (info := _find_catalog(name)) is not None and info.spectroscopic}
    if not beyond:
        return ""
    name, (distance, limit) = min(beyond.items(), key=lambda item: item[1][0])
    return (f"; the nearest {name} source is {distance:.4g} arcsec away, beyond its "
            f"{limit:.4g} arcsec radius (give a larger radius= to accept it)")


def _nearest_table(result):
    rows = [(name, t) for name, t in result.items() if len(t) and "coord" in t.colnames]
    distance = [float(t["distance"][0]) if "distance" in t.colnames
                and not np.ma.is_masked(t["distance"][0]) else float(t["separation"][0])
                for _, t in rows]
    order = np.argsort(distance, kind="stable")
    rows = [rows[i] for i in order]
    distance = [distance[i] for i in order]
    table = Table(meta=dict(result.meta))
    table.add_column(Column([n for n, _ in rows], name="catalog", dtype=str,
                            description="Catalog (display name)"))
    table.add_column(Column([t.meta.get("catshtm_name", n) for n, t in rows],
                            name="catshtm_name", dtype=str,
                            description="catsHTM name of the catalog"))
    coords = [t["coord"][0] for _, t in rows]
    ra = [c.ra.deg for c in coords]
    dec = [c.dec.deg for c in coords]
    table.add_column(Column(ra, name="ra", unit=u.deg, dtype=float,
                            description="Right ascension of the match (ICRS)"))
    table.add_column(Column(dec, name="dec", unit=u.deg, dtype=float,
                            description="Declination of the match (ICRS)"))
    table.add_column(SkyCoord(np.array(ra, dtype=float) * u.deg,
                              np.array(dec, dtype=float) * u.deg, frame="icrs"), name="coord")
    table["coord"].info.description = "Position of the match (ICRS)"
    table.add_column(Column(distance, name="distance", unit=u.arcsec, dtype=float,
                            description="Distance of the match from the target"))
    return table


def _find_column(colnames, name):
    if name in colnames:
        return name
    lower = {c.lower(): c for c in colnames}
    return lower.get(name.lower())


def _redshift_of(name, table):
    """The `Redshift` of a one-row (or nearest-first) table, or None."""
    if not len(table) or "separation" not in table.colnames:
        return None
    info = _find_catalog(name)
    columns = info.redshift_columns if info is not None else PHOTOMETRIC_REDSHIFT_COLUMNS
    spectroscopic = bool(info.spectroscopic) if info is not None else False
    for wanted in columns:
        column = _find_column(table.colnames, wanted)
        if column is None or table[column].dtype.kind not in "fiu":
            continue
        value = table[column][0]
        if np.ma.is_masked(value) or not math.isfinite(float(value)):
            continue
        error = None
        for err_name in (f"{column}Err", f"{column}_err", f"e_{column}", f"{column}_error",
                         f"{column}err"):
            err_column = _find_column(table.colnames, err_name)
            if err_column is not None and table[err_column].dtype.kind in "fiu":
                err = table[err_column][0]
                if not np.ma.is_masked(err) and math.isfinite(float(err)):
                    error = float(err)
                break
        return Redshift(z=float(value), error=error, catalog=name, column=column,
                        spectroscopic=spectroscopic,
                        separation=float(table["separation"][0]) * u.arcsec,
                        coord=table["coord"][0] if "coord" in table.colnames else None)
    return None
