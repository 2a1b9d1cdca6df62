"""The methods of `~alerce_astro.AlerceClass` that fetch light curves (a mixin)."""

import warnings

from astropy.table import Column

from ..apis.ztf_v1 import columns
from ..apis.ztf_v1.routes import route_url
from ..exceptions import NoResultsWarning, ResponseFormatError
from ..surveys import ztf as ids
from ..transport import parse_json

__all__ = ["LightCurveQueries"]


class LightCurveQueries:
    """Light-curve methods of `~alerce_astro.AlerceClass`; see the class for settings."""

    def get_lightcurve(self, oid, *, non_detections=True, forced_photometry=False,
                       get_query_payload=False, cache=None):
        """
        The light curve of an object as an `~alerce_astro.lightcurve.AlerceLightCurve`.

        One request to the ZTF API's ``/lightcurve`` route (detections and non-detections
        together), plus one to the light curve API v2 with ``forced_photometry=True``.

        Parameters
        ----------
        oid : str
            A ZTF object id, e.g. ``"ZTF20aaelulu"``.
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

        Examples
        --------
        >>> lc = alerce.get_lightcurve("ZTF20aaelulu")      # doctest: +SKIP
        >>> lc.detections().select_band("g").plot()         # doctest: +SKIP
        """
        oid = ids.validate_oid(oid)
        url = route_url(self.urls, "lightcurve", oid=oid)
        forced_url = route_url(self.urls, "forced_photometry", oid=oid)
        if get_query_payload:
            payload = self._payload(url, [])
            return [payload, self._payload(forced_url, [])] if forced_photometry else payload
        data = self._get(url, [], cache=cache, parse=_parse_lightcurve)
        meta = self._meta(url, [])
        forced = None
        if forced_photometry:
            forced = self._get(forced_url, [], cache=cache, parse=_parse_forced)
            meta["forced_photometry_url"] = forced_url
        # Imported here: the ZTF photometry map imports the light-curve package.
        from ..apis.ztf_v1.photometry import lightcurve_from_json

        lc = lightcurve_from_json(data, oid=oid, forced=forced, non_detections=non_detections,
                                  meta=meta)
        if not len(lc):
            warnings.warn(f"no photometry for {oid}: the light curve is empty",
                          NoResultsWarning)
        return lc

    def query_detections(self, oid, *, get_query_payload=False, cache=None):
        """
        The alert detections of an object as a table (the service's columns and names).

        Parameters
        ----------
        oid : str
            A ZTF object id.
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
        return self._photometry_table("detections", columns.DETECTION, oid, cache=cache,
                                      get_query_payload=get_query_payload)

    def query_non_detections(self, oid, *, get_query_payload=False, cache=None):
        """
        The non-detections (upper limits) of an object as a table.

        Parameters
        ----------
        oid : str
            A ZTF object id.
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

        Examples
        --------
        >>> lim = alerce.query_non_detections("ZTF20aaelulu")   # doctest: +SKIP
        """
        return self._photometry_table("non_detections", columns.NON_DETECTION, oid,
                                      cache=cache, get_query_payload=get_query_payload)

    def query_forced_photometry(self, oid, *, get_query_payload=False, cache=None):
        """
        The forced photometry of an object (light curve API v2) as a table.

        The nested ``extra_fields`` of each row become ordinary columns.

        Parameters
        ----------
        oid : str
            A ZTF object id.
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

        Examples
        --------
        >>> fp = alerce.query_forced_photometry("ZTF20aaelulu")   # doctest: +SKIP
        """
        oid = ids.validate_oid(oid)
        url = route_url(self.urls, "forced_photometry", oid=oid)
        if get_query_payload:
            return self._payload(url, [])
        rows = self._get(url, [], cache=cache, parse=_parse_forced)
        meta = self._meta(url, [])
        meta["oid"] = oid
        from ..apis.lightcurve_v2.photometry import flatten_forced_photometry

        table = columns.FORCED_PHOTOMETRY.table(flatten_forced_photometry(rows), meta=meta)
        _add_band(table)
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
        _add_band(table)
        if len(table):
            table.sort("mjd")
        return table


def _add_band(table):
    fids = table["fid"].filled(0) if hasattr(table["fid"], "filled") else table["fid"]
    table.add_column(Column([ids.band_name(f) for f in fids], dtype="U1", name="band",
                            description="Band name: g, r or i"),
                     index=table.colnames.index("fid") + 1)


def _parse_lightcurve(answer):
    """The ``/lightcurve`` body: a dict of two lists, or None (the service's ``null``)."""
    data = parse_json(answer, expect=(dict, type(None)), what="light curve")
    if data is None:
        return None
    for key in ("detections", "non_detections"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(r, dict) for r in value)):
            raise ResponseFormatError(f"GET {answer.url}: the light curve's {key!r} is not a "
                                      f"list of objects")
    return data


def _parse_forced(answer):
    """The forced-photometry body: a list of row objects (``[]`` for none)."""
    data = parse_json(answer, expect=(list, dict), what="forced photometry")
    if isinstance(data, dict):
        # Tolerate an envelope {"forced_photometry": [...]} as other v2 routes send.
        data = data.get("forced_photometry", data.get("forcedPhotometry"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ResponseFormatError(f"GET {answer.url}: the forced photometry is not a list of "
                                  f"objects")
    return data
