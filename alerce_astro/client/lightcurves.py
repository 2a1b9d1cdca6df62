"""The light-curve part of `~alerce_astro.AlerceClass`: light curves and photometry tables."""

import contextvars
import warnings

from ..exceptions import NoResultsWarning
from .multisurvey import MultisurveyQueries

__all__ = ["LightCurveQueries"]

#: True in the calls of a bulk download: `get_lightcurve` returns a
#: `~alerce_astro.lightcurve.build.PreparedLightCurve` there, built later by the result.
PREPARE_ONLY = contextvars.ContextVar("alerce_astro_prepare_only", default=False)


def warn_if_empty(lc, oid):
    """The `NoResultsWarning` of an empty light curve (``lc`` prepared or built)."""
    if not len(lc):
        warnings.warn(f"no photometry for {oid}: the light curve is empty", NoResultsWarning,
                      stacklevel=2)


class LightCurveQueries(MultisurveyQueries):
    """Light-curve methods of `~alerce_astro.AlerceClass`; see the class for settings."""

    def get_lightcurve(self, oid, *, non_detections=True, forced_photometry=False,
                       get_query_payload=False, cache=None):
        """
        The light curve of an object as an `~alerce_astro.lightcurve.AlerceLightCurve`.

        One request to the ZTF API's ``/lightcurve`` route (detections and non-detections
        together), plus one to the light curve API v2 with ``forced_photometry=True``.

        Parameters
        ----------
        oid : str or int
            A ZTF object id, e.g. ``"ZTF20aaelulu"``, or an LSST diaObjectId (an integer).
        non_detections : bool, optional
            Keep the upper limits (default).
        forced_photometry : bool, optional
            Also fetch the forced photometry (rows of kind ``"forced"``). Many objects have
            none: the light curve then simply has no such rows.
        get_query_payload : bool, optional
            Return the request (a list of two with ``forced_photometry=True``) instead of
            sending it.
        cache : bool, optional
            Use the cache (default: astroquery's ``cache_conf.cache_active``; light curves
            change nightly, so cached answers expire after ``conf.cache_timeout``).

        Returns
        -------
        `~alerce_astro.lightcurve.AlerceLightCurve`
            Sorted by time; ``kind`` tells detections, upper limits and forced points apart.
            ``meta`` has ``oid``, ``coord`` (mean position of the detections) and provenance.

        Raises
        ------
        InvalidQueryError
            For a malformed id.
        ObjectNotFoundError
            If the service does not know the object.

        Warns
        -----
        NoResultsWarning
            When the object has no photometry at all (the light curve is empty but has every
            column).

        Notes
        -----
        LSST (``survey="lsst"``, or an LSST integer id on a client without a chosen survey):
        one request to the multisurvey API's ``lightcurve`` route on its several-oid path
        (the oid sent twice), so forced photometry is complete (the single-oid path stops at
        10 points). Fluxes in nJy, magnitudes derived (masked where the flux is not
        positive), TAI times converted to UTC; no upper limits exist (``non_detections`` has
        no effect). An id the service has no photometry for raises
        `~alerce_astro.exceptions.ObjectNotFoundError`.

        Examples
        --------
        >>> lc = alerce.get_lightcurve("ZTF20aaelulu")      # doctest: +SKIP
        >>> lc.detections().select_band("g").plot()         # doctest: +SKIP
        """
        if self._client_for(oid) is not self:
            return self._client_for(oid).get_lightcurve(
                oid, non_detections=non_detections, forced_photometry=forced_photometry,
                get_query_payload=get_query_payload, cache=cache)
        if self._multisurvey:
            return self._ms_get_lightcurve(oid, non_detections=non_detections,
                                           forced_photometry=forced_photometry,
                                           get_query_payload=get_query_payload, cache=cache)
        oid = self.survey.validate_oid(oid)
        route = self._route("lightcurve", oid=oid)
        forced_route = self._route("forced_photometry", oid=oid)
        if get_query_payload:
            payload = self._payload(route)
            return [payload, self._payload(forced_route)] if forced_photometry else payload
        data, forced, meta = self._lightcurve_answers(route, forced_route if forced_photometry
                                                      else None, cache=cache)
        # In a bulk download (get_lightcurves) the light curve is only prepared here, and
        # built when it is asked for or stacked with the others (see BulkResult).
        make = (self.service.prepared_lightcurve
                if PREPARE_ONLY.get() and hasattr(self.service, "prepared_lightcurve")
                else self.service.lightcurve)
        lc = make(data, oid=oid, forced=forced, non_detections=non_detections, meta=meta)
        warn_if_empty(lc, oid)
        return lc

    def _lightcurve_answers(self, route, forced_route, *, cache):
        """The answers a (ZTF) light curve is made of: the ``/lightcurve`` body, the forced
        photometry rows (`None` without ``forced_route``) and the provenance."""
        data = self._get(route, cache=cache, parse=self.service.parse_lightcurve)
        meta = self._meta(route)
        forced = None
        if forced_route is not None:
            forced = self._get(forced_route, cache=cache,
                               parse=self.service.parse_forced_photometry)
            meta["forced_photometry_url"] = forced_route.url
        return data, forced, meta

    def query_detections(self, oid, *, get_query_payload=False, cache=None):
        """
        The alert detections of an object as a table (the service's columns and names).

        Parameters
        ----------
        oid : str or int
            A ZTF object id, or an LSST diaObjectId.
        get_query_payload : bool, optional
            Return the request instead of sending it.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~astropy.table.Table`
            ``oid``, then the detection columns (``mjd``, ``candid`` as int64, ``fid``,
            ``band``, ``magpsf``, ...) with units and descriptions, sorted by ``mjd``.

        Raises
        ------
        InvalidQueryError
            For a malformed id.
        ObjectNotFoundError
            If the object does not exist.

        Warns
        -----
        NoResultsWarning
            When the object has no detection.

        Examples
        --------
        >>> det = alerce.query_detections("ZTF20aaelulu")    # doctest: +SKIP
        """
        if self._client_for(oid) is not self:
            return self._client_for(oid).query_detections(
                oid, get_query_payload=get_query_payload, cache=cache)
        if self._multisurvey:
            return self._ms_photometry_table("detections", self.service.columns.DETECTION, oid,
                                             what="detections", cache=cache,
                                             get_query_payload=get_query_payload)
        return self._photometry_table("detections", self.service.columns.DETECTION, oid,
                                      cache=cache, get_query_payload=get_query_payload)

    def query_non_detections(self, oid, *, get_query_payload=False, cache=None):
        """
        The non-detections (upper limits) of an object as a table.

        Parameters
        ----------
        oid : str or int
            A ZTF object id, or an LSST diaObjectId.
        get_query_payload : bool, optional
            Return the request instead of sending it.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~astropy.table.Table`
            ``oid``, ``tid``, ``mjd``, ``fid``, ``band``, ``diffmaglim``, sorted by ``mjd``.

        Raises
        ------
        InvalidQueryError
            For a malformed id.
        ObjectNotFoundError
            If the object does not exist.

        Warns
        -----
        NoResultsWarning
            When the object has no non-detection.

        Notes
        -----
        LSST: Rubin alerts carry no upper limits, so the table is always empty (with its
        columns and a `~astroquery.exceptions.NoResultsWarning`) and nothing is sent.

        Examples
        --------
        >>> lim = alerce.query_non_detections("ZTF20aaelulu")   # doctest: +SKIP
        """
        if self._multisurvey:
            return self._ms_non_detections(oid, get_query_payload=get_query_payload)
        return self._photometry_table("non_detections", self.service.columns.NON_DETECTION,
                                      oid, cache=cache, get_query_payload=get_query_payload)

    def query_forced_photometry(self, oid, *, get_query_payload=False, cache=None):
        """
        The forced photometry of an object (light curve API v2) as a table.

        The nested ``extra_fields`` of each row become ordinary columns.

        Parameters
        ----------
        oid : str or int
            A ZTF object id, or an LSST diaObjectId.
        get_query_payload : bool, optional
            Return the request instead of sending it.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~astropy.table.Table`
            ``candid`` (the point's id, a string), ``oid``, ``pid``, ``mjd``, ``fid``,
            ``band``, ``mag``, ``e_mag``, ..., then the flattened extra fields (``field``,
            ``rcid``, ``diffmaglim``, ``magzpsci``...), sorted by ``mjd``.

        Raises
        ------
        InvalidQueryError
            For a malformed id.

        Warns
        -----
        NoResultsWarning
            When there is no forced photometry (common; the service answers the same for an
            unknown object).

        Notes
        -----
        LSST: every point (the several-oid path, never the 10-row cap); ``measurement_id``
        (int64), ``band_id`` and ``band``, ``psfFlux``/``scienceFlux`` in nJy, ``mjd`` TAI.

        Examples
        --------
        >>> fp = alerce.query_forced_photometry("ZTF20aaelulu")   # doctest: +SKIP
        """
        if self._client_for(oid) is not self:
            return self._client_for(oid).query_forced_photometry(
                oid, get_query_payload=get_query_payload, cache=cache)
        if self._multisurvey:
            return self._ms_photometry_table(
                "forced_photometry", self.service.columns.FORCED_PHOTOMETRY, oid,
                what="forced photometry", cache=cache, get_query_payload=get_query_payload)
        oid = self.survey.validate_oid(oid)
        route = self._route("forced_photometry", oid=oid)
        if get_query_payload:
            return self._payload(route)
        rows = self._get(route, cache=cache, parse=self.service.parse_forced_photometry)
        meta = self._meta(route)
        meta["oid"] = oid
        table = self.service.forced_columns.FORCED_PHOTOMETRY.table(
            self.service.forced_photometry_rows(rows), meta=meta)
        self._add_band(table)
        if len(table):
            table.sort("mjd")
        if not len(table):
            warnings.warn(f"no forced photometry for {oid}", NoResultsWarning)
        return table

    def _photometry_table(self, route, schema, oid, *, cache, get_query_payload):
        table = self._object_table(route, schema, oid, what=route.replace("_", "-"),
                                   cache=cache, get_query_payload=get_query_payload)
        if get_query_payload:
            return table
        self._add_band(table)
        if len(table):
            table.sort("mjd")
        return table

    def _add_band(self, table):
        """A ``band`` name column after the wire band code (``fid``)."""
        fids = table["fid"].filled(0) if hasattr(table["fid"], "filled") else table["fid"]
        table.add_column(self._band_column(fids), index=table.colnames.index("fid") + 1)

