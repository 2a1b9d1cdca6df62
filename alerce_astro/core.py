"""
`AlerceClass`: the astroquery-style query class, and `Alerce`, its ready instance.

Every method sends its request through one `~alerce_astro.transport.Transport` (time limits,
retries, caching) and builds its result through the column schema of its resource
(`alerce_astro.apis.ztf_v1.columns`).
"""

import json
import warnings
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Column, vstack
from astroquery import cache_conf
from astroquery.query import BaseQuery

from . import conf
from .apis.ztf_v1 import columns
from .apis.ztf_v1.routes import EXPLORER_MAX_OIDS, ORDER_BY_CHOICES, ORDER_MODES, route_url
from .bulk import BulkQueries
from .cache import ResponseCache
from .crossmatch.queries import CrossmatchQueries
from .exceptions import (
    AlerceWarning,
    InvalidQueryError,
    MaxResultsWarning,
    NoResultsWarning,
    ResponseFormatError,
)
from .lightcurve.queries import LightCurveQueries
from .positions import usable_axes
from .stamps.queries import StampQueries
from .surveys import ztf as ids
from .transport import RequestSettings, Transport, parse_json
from .validation import (
    check_choice,
    check_int,
    check_probability,
    parse_coordinates,
    parse_radius,
    parse_range,
)

__all__ = ["AlerceClass", "Alerce"]

#: (``multisurvey``: ALeRCE's LSST host, whose services live under ``/<svc>_api``)
_SERVICES = ("ztf", "lightcurve", "stamps", "catshtm", "multisurvey")
#: The services whose hosts may receive the AUTH-TOKEN.
_TOKEN_SERVICES = ("ztf", "lightcurve")
#: oids per ``/objects/?oid=...`` request: keeps URLs far below common 8 kB limits.
OIDS_PER_REQUEST = 100
#: More oids than this in one call is almost certainly a mistake; bulk methods take more.
MAX_OIDS = 20000
_LIST_OBJECT = columns.OBJECT
_ITEM_OBJECT = columns.OBJECT.without("class", "classifier", "probability")


class AlerceClass(LightCurveQueries, StampQueries, CrossmatchQueries, BulkQueries,
                  BaseQuery):
    """
    Query the ALeRCE broker's ZTF services; answers are astropy objects.

    Every setting can be given here, for this instance, or left to `~alerce_astro.conf`, which
    is read at each call. A method's keyword beats the instance, which beats ``conf``.

    Parameters
    ----------
    urls : dict, optional
        Base URLs of the services to use instead of the configured ones, with keys among
        ``ztf``, ``lightcurve``, ``stamps``, ``catshtm`` (an offline server's ``urls``).
    timeout : float, optional
        Seconds allowed for each request.
    row_limit : int, optional
        Most rows a list query returns; -1 for all.
    page_size : int, optional
        Rows per request when paging.
    max_retries : int, optional
        Retries of a request that failed with 5xx, 429 or a dropped connection.
    max_workers : int, optional
        Concurrent requests of bulk methods.
    token : str, optional
        An ALeRCE ``AUTH-TOKEN``, sent only to the ALeRCE API hosts; never cached or shown.
    cache_location : str or `~pathlib.Path`, optional
        Folder of the cache (default: astropy's cache folder, ``astroquery/Alerce``).

    Examples
    --------
    >>> from alerce_astro.offline import SampleServer
    >>> with SampleServer() as server:
    ...     alerce = server.client()
    ...     obj = alerce.query_object("ZTF00aaaaaab")
    >>> obj["meanra"].unit
    Unit("deg")
    """

    def __init__(self, *, urls=None, timeout=None, row_limit=None, page_size=None,
                 max_retries=None, max_workers=None, token=None, cache_location=None):
        super().__init__()
        # astroquery's response hook logs request headers at DEBUG level, which would write the
        # AUTH-TOKEN to logs: this class logs nothing of the headers.
        self._session.hooks["response"] = []
        unknown = set(urls or {}) - set(_SERVICES)
        if unknown:
            raise InvalidQueryError(f"urls has unknown services {sorted(unknown)}; "
                                    f"use keys among {list(_SERVICES)}")
        self._urls = dict(urls or {})
        self.timeout = timeout
        self.row_limit = row_limit
        self.page_size = page_size
        self.max_retries = max_retries
        self.max_workers = max_workers
        self._token = token
        if cache_location is not None:
            self.cache_location = cache_location
        self._transport = Transport(self._session)

    def __repr__(self):
        # Never show the token.
        return f"<{type(self).__name__} ztf={self.urls['ztf']!r}>"

    # ----------------------------------------------------------------------------------------
    # Settings, read at call time.
    @property
    def urls(self):
        """Base URL of each service now in force (instance setting, else `conf`)."""
        defaults = {"ztf": conf.ztf_server, "lightcurve": conf.lightcurve_server,
                    "stamps": conf.stamps_server, "catshtm": conf.catshtm_server}
        defaults.update(self._urls)
        return defaults

    def _setting(self, name, value=None):
        if value is not None:
            return value
        mine = getattr(self, name, None)
        return mine if mine is not None else getattr(conf, name)

    def _request_settings(self, timeout=None):
        token = self._token if self._token is not None else (conf.token or None)
        hosts = frozenset(urlsplit(self.urls[s]).hostname for s in _TOKEN_SERVICES)
        return RequestSettings(
            timeout=float(self._setting("timeout", timeout)),
            max_retries=int(self._setting("max_retries")),
            backoff_factor=float(conf.backoff_factor),
            max_retry_delay=float(conf.max_retry_delay),
            token=token, token_hosts=hosts)

    def _cache_for(self, cache, *, static=False):
        """The cache to use and the age limit of its entries, or (None, None)."""
        active = cache_conf.cache_active if cache is None else bool(cache)
        if not active:
            return None, None
        if static:
            return ResponseCache(self.cache_location), None
        max_age = float(conf.cache_timeout)
        if max_age <= 0:
            return None, None
        return ResponseCache(self.cache_location), max_age

    def clear_cache(self):
        """
        Delete every answer this client cached (stamps included), from
        `~astroquery.query.BaseQuery.cache_location`.
        """
        ResponseCache(self.cache_location).clear()
        super().clear_cache()

    # ----------------------------------------------------------------------------------------
    # Requests.
    def _payload(self, url, params):
        return {"method": "GET", "url": url, "params": list(params)}

    def _get(self, url, params=(), *, cache=None, static=False, parse=None, headers=None,
             timeout=None):
        store, max_age = self._cache_for(cache, static=static)
        return self._transport.get(url, list(params), settings=self._request_settings(timeout),
                                   parse=parse, cache=store, max_age=max_age, headers=headers)

    def _get_json(self, url, params=(), *, what, expect=list, cache=None):
        def parse(answer):
            data = parse_json(answer, expect=expect, what=what)
            _check_rows(data, answer.url, what)
            return data

        data = self._get(url, params, cache=cache, parse=parse)
        return data, self._meta(url, params)

    def _meta(self, url, params, **extra):
        meta = {"service": "ALeRCE", "url": url + ("?" + urlencode(list(params))
                                                   if params else ""),
                "retrieved": _utc_now_isot()}
        meta.update(extra)
        return meta

    # ----------------------------------------------------------------------------------------
    # Objects.
    def query_object(self, oid, *, get_query_payload=False, cache=None):
        """
        The properties of one object (or several) as a table.

        Parameters
        ----------
        oid : str or list of str
            A ZTF object id, or a list of them (fetched in one request per 100 ids).
        get_query_payload : bool, optional
            Return the request instead of sending it.
        cache : bool, optional
            Use the cache (default: astroquery's ``cache_conf.cache_active``).

        Returns
        -------
        `~astropy.table.Table`
            One row per object with units (deg, d, mag), an integer ``ndethist`` and a
            ``coord`` `~astropy.coordinates.SkyCoord` column from ``meanra``/``meandec``.
            With a list, rows follow the order asked, and ids the service does not know are
            missing (a `~astroquery.exceptions.NoResultsWarning` names them).

        Raises
        ------
        InvalidQueryError
            If an id is malformed.
        ObjectNotFoundError
            If the single object asked for does not exist.

        Examples
        --------
        >>> obj = alerce.query_object("ZTF00aaaaaab")   # doctest: +SKIP
        >>> obj["oid", "ndet", "meanra", "meandec"]      # doctest: +SKIP
        """
        if oid is None:
            raise InvalidQueryError("oid is None: give a ZTF object id such as 'ZTF20aaelulu', "
                                    "or a list of them")
        if not isinstance(oid, str):
            return self.query_objects(oid=oid, get_query_payload=get_query_payload,
                                      cache=cache)
        oid = ids.validate_oid(oid)
        url = route_url(self.urls, "object", oid=oid)
        if get_query_payload:
            return self._payload(url, [])
        data, meta = self._get_json(url, what="object", expect=dict, cache=cache)
        table = _ITEM_OBJECT.table([data], meta=meta)
        return _with_coord(table)

    def query_objects(self, *, oid=None, classifier=None, classifier_version=None,
                      class_name=None, ranking=None, probability=None, ndet=None,
                      firstmjd=None, lastmjd=None, order_by=None, order_mode=None,
                      row_limit=None, page_size=None, get_query_payload=False, cache=None):
        """
        Objects matching criteria, paged transparently.

        Parameters
        ----------
        oid : str or list of str, optional
            Exact ids (any number: long lists are split into requests of 100 and reassembled
            in the order given), or one pattern with ``*`` as wildcard (``"ZTF20aa*"``).
        classifier, classifier_version, class_name : str, optional
            Filter on a classifier's answer (see `list_classifiers`); with any of them and no
            ``ranking``, the service keeps ranking 1, the most probable class.
        ranking : int, optional
            Rank of ``class_name`` within the classifier (1 = most probable).
        probability : float, optional
            Minimum probability of the class.
        ndet : tuple, optional
            ``(min, max)`` number of detections; either end may be `None`.
        firstmjd, lastmjd : tuple, optional
            ``(min, max)`` MJD (numbers or `~astropy.time.Time`) of the first/last detection.
        order_by : str, optional
            Column to sort by; one of ``alerce_astro.apis.ztf_v1.routes.ORDER_BY_CHOICES``.
            Without it, rows come sorted by ``oid`` so that pages are stable.
        order_mode : {'ASC', 'DESC'}, optional
            Sort direction (default ASC).
        row_limit : int, optional
            Most rows to return (default ``conf.row_limit``; -1 for all).
        page_size : int, optional
            Rows per request (default ``conf.page_size``).
        get_query_payload : bool, optional
            Return the first request instead of sending it.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~astropy.table.Table`
            The object columns of `query_object` plus ``class``, ``classifier`` and
            ``probability``.

        Raises
        ------
        InvalidQueryError
            For a malformed id or pattern, an unknown ``order_by``, a wrong ``order_mode``,
            an inverted range, a probability outside [0, 1] or a bad page size.

        Warns
        -----
        MaxResultsWarning
            When the result was cut at ``row_limit``.
        NoResultsWarning
            When nothing matched (the table is empty but has every column).

        Examples
        --------
        >>> sne = alerce.query_objects(classifier="lc_classifier", class_name="SNIa",
        ...                            order_by="probability", order_mode="DESC",
        ...                            row_limit=20)   # doctest: +SKIP
        """
        criteria = self._criteria(classifier=classifier, classifier_version=classifier_version,
                                  class_name=class_name, ranking=ranking,
                                  probability=probability, ndet=ndet, firstmjd=firstmjd,
                                  lastmjd=lastmjd, order_by=order_by, order_mode=order_mode)
        limit, size = self._limits(row_limit, page_size)
        oids = _oid_argument(oid)
        if oids is None or len(oids) == 1:
            params = criteria + [("oid", o) for o in (oids or [])]
            return self._paged_objects(params, limit=limit, size=size, cache=cache,
                                       get_query_payload=get_query_payload,
                                       ordered=order_by is not None)
        # A list of exact ids: requests of OIDS_PER_REQUEST, reassembled in the order asked.
        chunks = [oids[i:i + OIDS_PER_REQUEST] for i in range(0, len(oids), OIDS_PER_REQUEST)]
        if get_query_payload:
            return self._payload(route_url(self.urls, "objects"),
                                 criteria + [("oid", o) for o in chunks[0]]
                                 + [("page_size", len(chunks[0]) * 20)])
        limit = limit if row_limit is not None else -1
        tables = []
        for chunk in chunks:
            params = criteria + [("oid", o) for o in chunk]
            tables.append(self._paged_objects(params, limit=-1, size=size, cache=cache,
                                              get_query_payload=False, ordered=True,
                                              warn_empty=False))
        table = vstack(tables, metadata_conflicts="silent") if len(tables) > 1 else tables[0]
        if order_by is None:
            rank = {o: i for i, o in enumerate(oids)}
            got = [str(o) for o in np.ma.filled(table["oid"], "")]
            table = table[np.argsort([rank.get(o, len(rank)) for o in got], kind="stable")]
        missing = sorted(set(oids) - {str(o) for o in np.ma.filled(table["oid"], "")})
        if missing:
            warnings.warn(f"{len(missing)} of {len(oids)} objects not found: "
                          f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}",
                          NoResultsWarning)
        if limit != -1 and len(table) > limit:
            table = table[:limit]
            _warn_cut(limit)
        table.meta.update(tables[0].meta)
        table.meta["requests"] = len(chunks)
        return table

    def query_region(self, coordinates, *, radius, get_query_payload=False, cache=None,
                     **criteria):
        """
        Objects whose mean position lies within ``radius`` of ``coordinates``.

        Parameters
        ----------
        coordinates : `~astropy.coordinates.SkyCoord` or str
            The centre, e.g. ``"185.7289 15.8236"`` (degrees) or a SkyCoord.
        radius : `~astropy.units.Quantity` or str
            e.g. ``30 * u.arcsec`` or ``"30 arcsec"``. A bare number is refused.
        get_query_payload : bool, optional
            Return the first request instead of sending it.
        cache : bool, optional
            Use the cache.
        **criteria
            Any keyword of `query_objects`.

        Returns
        -------
        `~astropy.table.Table`
            As `query_objects`, plus a ``separation`` column (arcsec), sorted by it unless
            ``order_by`` was given.

        Raises
        ------
        InvalidQueryError
            For a position or radius that cannot be used.

        Notes
        -----
        The service silently ignores the cone when ra or dec is exactly 0; this method sends
        0 as 1e-9 degrees (4 microarcseconds) and also checks every row's separation itself,
        so the answer is right everywhere on the sky.

        Examples
        --------
        >>> near = alerce.query_region("185.7289 15.8236", radius="30 arcsec")  # doctest: +SKIP
        """
        center = parse_coordinates(coordinates)
        angle = parse_radius(radius, maximum=5 * u.deg)
        ra = center.ra.deg or 1e-9
        dec = center.dec.deg or 1e-9
        cone = [("ra", repr(float(ra))), ("dec", repr(float(dec))),
                ("radius", repr(float(angle.arcsec)))]
        if "oid" in criteria:
            raise InvalidQueryError("query_region does not take oid: use query_objects")
        table_or_payload = self._query_with_extra(cone, criteria, cache=cache,
                                                  get_query_payload=get_query_payload)
        if get_query_payload:
            return table_or_payload
        table = table_or_payload
        sep = center.separation(table["coord"]).to(u.arcsec) if len(table) else [] * u.arcsec
        table.add_column(Column(np.asarray(getattr(sep, "value", sep), dtype=float),
                                name="separation", unit=u.arcsec,
                                description="Angular distance from the search centre"))
        table = table[table["separation"] <= angle.arcsec * (1 + 1e-9)]
        if criteria.get("order_by") is None:
            table.sort("separation")
        table.meta.update({"center": center.to_string("decimal", precision=7),
                           "radius": f"{angle.arcsec} arcsec"})
        if not len(table):
            warnings.warn(f"no object within {angle.arcsec} arcsec of "
                          f"{center.to_string('decimal')}", NoResultsWarning)
        return table

    def _query_with_extra(self, extra, criteria, *, cache, get_query_payload):
        row_limit = criteria.pop("row_limit", None)
        page_size = criteria.pop("page_size", None)
        try:
            params = self._criteria(**criteria)
        except TypeError as exc:
            raise InvalidQueryError(f"unknown criterion: {exc}") from None
        limit, size = self._limits(row_limit, page_size)
        return self._paged_objects(extra + params, limit=limit, size=size, cache=cache,
                                   get_query_payload=get_query_payload,
                                   ordered=criteria.get("order_by") is not None,
                                   warn_empty=False)

    def _criteria(self, *, classifier=None, classifier_version=None, class_name=None,
                  ranking=None, probability=None, ndet=None, firstmjd=None, lastmjd=None,
                  order_by=None, order_mode=None):
        params = []
        for name, value in (("classifier", classifier), ("classifier_version",
                                                         classifier_version),
                            ("class", class_name)):
            if value is not None:
                if not isinstance(value, str) or not value.strip():
                    argument = "class_name" if name == "class" else name
                    raise InvalidQueryError(f"{argument} must be a non-empty string, "
                                            f"got {value!r}")
                params.append((name, value))
        if ranking is not None:
            params.append(("ranking", check_int(ranking, argument="ranking", minimum=1)))
        if probability is not None:
            params.append(("probability", check_probability(probability)))
        for name, value, kind in (("ndet", ndet, "int"), ("firstmjd", firstmjd, "mjd"),
                                  ("lastmjd", lastmjd, "mjd")):
            values = parse_range(value, argument=name, kind=kind)
            params.extend((name, v) for v in values or [])
        if order_mode is not None:
            check_choice(order_mode, ORDER_MODES, argument="order_mode")
            if order_by is None:
                raise InvalidQueryError("order_mode needs order_by")
        if order_by is not None:
            check_choice(order_by, ORDER_BY_CHOICES, argument="order_by")
            params.append(("order_by", order_by))
            params.append(("order_mode", order_mode or "ASC"))
        else:
            # Database order is not stable between pages: ask for a unique order.
            params += [("order_by", "oid"), ("order_mode", "ASC")]
        return params

    def _limits(self, row_limit, page_size):
        limit = check_int(self._setting("row_limit", row_limit), argument="row_limit",
                          minimum=1, allow=(-1,))
        size = check_int(self._setting("page_size", page_size), argument="page_size",
                         minimum=1, maximum=10000)
        if limit != -1:
            size = min(size, limit)
        return limit, size

    def _paged_objects(self, params, *, limit, size, cache, get_query_payload, ordered,
                       warn_empty=True):
        url = route_url(self.urls, "objects")
        first = params + [("page", 1), ("page_size", size), ("count", "true")]
        if get_query_payload:
            return self._payload(url, first)
        rows, seen, total, page = [], set(), None, 1
        meta = self._meta(url, first)
        while True:
            page_params = first if page == 1 else params + [("page", page),
                                                             ("page_size", size)]
            envelope, _ = self._get_json(url, page_params, what="object list", expect=dict,
                                         cache=cache)
            items = envelope.get("items")
            if not isinstance(items, list):
                from .exceptions import ResponseFormatError
                raise ResponseFormatError(f"GET {url}: the page has no 'items' list")
            if page == 1:
                total = envelope.get("total")
            before = len(rows)
            for item in items:
                key = json.dumps(item, sort_keys=True, default=str)
                if key not in seen:  # a row repeated across pages is kept once
                    seen.add(key)
                    rows.append(item)
            full = limit != -1 and len(rows) >= limit
            if full or len(items) < size or (isinstance(total, int) and len(rows) >= total):
                break
            if len(rows) == before:  # a whole page of rows already received
                warnings.warn(f"page {page} of {url} repeated rows already received: the "
                              f"service does not page this query; stopping at {len(rows)} "
                              f"rows, which may not be all", AlerceWarning)
                break
            page += 1
        cut = limit != -1 and (len(rows) > limit or (
            len(rows) == limit and (not isinstance(total, int) or total > limit)))
        rows = rows[:limit] if limit != -1 else rows
        meta.update({"total": total, "pages": page})
        table = _with_coord(_LIST_OBJECT.table(rows, meta=meta))
        if cut:
            _warn_cut(limit, total)
        if not rows and warn_empty:
            warnings.warn("no object matched the query", NoResultsWarning)
        return table

    def limit_values(self, *, get_query_payload=False, cache=None):
        """
        The ranges of ``ndet`` and ``firstmjd`` over all objects the service holds.

        Returns
        -------
        `~astropy.table.Table`
            One row: ``min_ndet``, ``max_ndet``, ``min_firstmjd``, ``max_firstmjd``.
        """
        url = route_url(self.urls, "limit_values")
        if get_query_payload:
            return self._payload(url, [])
        data, meta = self._get_json(url, what="limit values", expect=dict, cache=cache)
        return columns.LIMIT_VALUES.table([data], meta=meta)

    # ----------------------------------------------------------------------------------------
    # Per-object resources.
    def _object_table(self, route, schema, oid, params=(), *, what, cache, get_query_payload,
                      expect=list, warn_empty=True):
        oid = ids.validate_oid(oid)
        url = route_url(self.urls, route, oid=oid)
        params = list(params)
        if get_query_payload:
            return self._payload(url, params)
        data, meta = self._get_json(url, params, what=what, expect=expect, cache=cache)
        meta["oid"] = oid
        table = _with_object_id(schema.table(data or [], meta=meta), oid)
        if not len(table) and warn_empty:
            warnings.warn(f"no {what} for {oid}", NoResultsWarning)
        return table

    def query_magstats(self, oid, *, get_query_payload=False, cache=None):
        """
        Per-band statistics of an object's detections.

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
            One row per band, sorted by ``fid``, with a ``band`` name column (g, r, i).

        Raises
        ------
        InvalidQueryError
            For a malformed id.
        ObjectNotFoundError
            If the object does not exist.

        Examples
        --------
        >>> stats = alerce.query_magstats("ZTF00aaaaaab")   # doctest: +SKIP
        """
        table = self._object_table("magstats", columns.MAGSTATS, oid, what="magstats",
                                   cache=cache, get_query_payload=get_query_payload)
        if get_query_payload:
            return table
        table.sort("fid")
        table.add_column(_band_column(table["fid"]), index=table.colnames.index("fid") + 1)
        return table

    def query_probabilities(self, oid, *, classifier=None, classifier_version=None,
                            get_query_payload=False, cache=None):
        """
        Classification probabilities of an object.

        Parameters
        ----------
        oid : str
            A ZTF object id.
        classifier : str, optional
            Only this classifier (see `list_classifiers`).
        classifier_version : str, optional
            Only this version.
        get_query_payload : bool, optional
            Return the request instead of sending it.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~astropy.table.Table`
            ``classifier_name``, ``classifier_version``, ``class_name``, ``probability``,
            ``ranking``; sorted by classifier, version and ranking. See
            `~alerce_astro.classification.probabilities_hierarchy` and
            `~alerce_astro.classification.probabilities_summary`.

        Raises
        ------
        InvalidQueryError
            For a malformed id.
        ObjectNotFoundError
            If the object does not exist.

        Examples
        --------
        >>> probs = alerce.query_probabilities("ZTF00aaaaaab",
        ...                                    classifier="lc_classifier")  # doctest: +SKIP
        """
        params = []
        for name, value in (("classifier", classifier),
                            ("classifier_version", classifier_version)):
            if value is not None:
                if not isinstance(value, str) or not value:
                    raise InvalidQueryError(f"{name} must be a non-empty string")
                params.append((name, value))
        table = self._object_table("probabilities", columns.PROBABILITY, oid, params,
                                   what="probabilities", cache=cache,
                                   get_query_payload=get_query_payload)
        if not get_query_payload and len(table):
            table.sort(["classifier_name", "classifier_version", "ranking"])
        return table

    def query_features(self, oid, *, names=None, fid=None, version=None,
                       get_query_payload=False, cache=None):
        """
        Light-curve features of an object, one row per feature and band.

        Parameters
        ----------
        oid : str
            A ZTF object id.
        names : str or list of str, optional
            Only these features (e.g. ``"Multiband_period"``).
        fid : int, optional
            Only this band: 1 g, 2 r, 3 i, 0 band-independent, 12 g-r.
        version : str, optional
            Only this feature-extractor version.
        get_query_payload : bool, optional
            Return the request instead of sending it.
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~astropy.table.Table`
            ``oid``, ``name``, ``value``, ``fid``, ``version``. See `features_to_wide` for
            one row per object.

        Raises
        ------
        InvalidQueryError
            For a malformed id, band or name.
        ObjectNotFoundError
            If the object does not exist.

        Examples
        --------
        >>> feats = alerce.query_features("ZTF00aaaaaab",
        ...                               names="Multiband_period")  # doctest: +SKIP
        """
        params = []
        if fid is not None:
            check_choice(fid, ids.FEATURE_FIDS, argument="fid")
            params.append(("fid", int(fid)))
        if version is not None:
            if not isinstance(version, str) or not version:
                raise InvalidQueryError("version must be a non-empty string")
            params.append(("version", version))
        wanted = None
        if names is not None:
            wanted = [names] if isinstance(names, str) else list(names)
            if not wanted or not all(isinstance(n, str) and n for n in wanted):
                raise InvalidQueryError("names must be a feature name or a list of them")
        if wanted and len(wanted) == 1 and "/" not in wanted[0]:
            # One feature has its own route; names with '/' do not (the service gives 404).
            oid_ok = ids.validate_oid(oid)
            url = route_url(self.urls, "feature", oid=oid_ok, name=wanted[0])
            if get_query_payload:
                return self._payload(url, params)
            data, meta = self._get_json(url, params, what="features", cache=cache)
            meta["oid"] = oid_ok
            table = _with_object_id(columns.FEATURE.table(data, meta=meta), oid_ok)
            if not len(table):
                warnings.warn(f"no feature {wanted[0]!r} for {oid_ok}", NoResultsWarning)
            return table
        table = self._object_table("features", columns.FEATURE, oid, params,
                                   what="features", cache=cache,
                                   get_query_payload=get_query_payload, warn_empty=not wanted)
        if get_query_payload or not wanted:
            return table
        table = table[np.isin(table["name"], wanted)]
        if not len(table):
            warnings.warn(f"none of the features {wanted} for {oid}", NoResultsWarning)
        return table

    # ----------------------------------------------------------------------------------------
    # Classifiers.
    def list_classifiers(self, *, get_query_payload=False, cache=None):
        """
        The classifiers ALeRCE runs, with their versions and classes.

        Returns
        -------
        `~astropy.table.Table`
            ``classifier_name``, ``classifier_version`` and ``classes`` (comma-separated).

        Examples
        --------
        >>> alerce.list_classifiers()["classifier_name"]   # doctest: +SKIP
        """
        url = route_url(self.urls, "classifiers")
        if get_query_payload:
            return self._payload(url, [])
        data, meta = self._get_json(url, what="classifier list", cache=cache)
        rows = [dict(row, classes=",".join(map(str, row["classes"]))
                     if isinstance(row.get("classes"), list) else row.get("classes"))
                for row in data]
        return columns.CLASSIFIER.table(rows, meta=meta)

    def list_classes(self, classifier, version, *, get_query_payload=False, cache=None):
        """
        The classes of one classifier version.

        Parameters
        ----------
        classifier : str
            e.g. ``"lc_classifier"``.
        version : str
            e.g. ``"hierarchical_rf_1.1.0"``.

        Returns
        -------
        `~astropy.table.Table`
            A ``name`` column.

        Raises
        ------
        ObjectNotFoundError
            If the service does not know that classifier and version.
        """
        for name, value in (("classifier", classifier), ("version", version)):
            if not isinstance(value, str) or not value:
                raise InvalidQueryError(f"{name} must be a non-empty string, got {value!r}")
        url = route_url(self.urls, "classes", classifier=classifier, version=version)
        if get_query_payload:
            return self._payload(url, [])
        data, meta = self._get_json(url, what="class list", cache=cache)
        return columns.CLASS.table(data, meta=meta)

    # ----------------------------------------------------------------------------------------
    # Links.
    def explorer_url(self, oids):
        """
        The ALeRCE explorer link of one object, or of up to 200 objects.

        Parameters
        ----------
        oids : str or list of str
            One id or several.

        Returns
        -------
        str

        Raises
        ------
        InvalidQueryError
            For malformed ids, or more than 200 (use `explorer_urls`).

        Examples
        --------
        >>> from alerce_astro import Alerce
        >>> Alerce.explorer_url("ZTF20aaelulu")
        'https://alerce.online/object/ZTF20aaelulu'
        >>> Alerce.explorer_url(["ZTF20aaelulu", "ZTF18abbuive"])
        'https://alerce.online/?oid=ZTF20aaelulu&oid=ZTF18abbuive'
        """
        oid_list = ids.validate_oids(oids, argument="oids")
        base = conf.explorer_url.rstrip("/")
        if isinstance(oids, str) or len(oid_list) == 1:
            return f"{base}/object/{oid_list[0]}"
        if len(oid_list) > EXPLORER_MAX_OIDS:
            raise InvalidQueryError(
                f"oids has {len(oid_list)} ids; the explorer accepts at most "
                f"{EXPLORER_MAX_OIDS} per link: use explorer_urls() for a list of links")
        return f"{base}/?" + urlencode([("oid", o) for o in oid_list])

    def explorer_urls(self, oids):
        """
        Explorer links covering any number of objects, 200 per link.

        Returns
        -------
        list of str

        Examples
        --------
        >>> from alerce_astro import Alerce
        >>> len(Alerce.explorer_urls([f"ZTF00aaaa{a}{b}{c}" for a in "ab" for b in "abcdefghij"
        ...                           for c in "abcdefghijklmnopqrst"]))
        2
        """
        oid_list = ids.validate_oids(oids, argument="oids")
        return [self.explorer_url(oid_list[i:i + EXPLORER_MAX_OIDS]) if len(
            oid_list[i:i + EXPLORER_MAX_OIDS]) > 1 else self.explorer_url(oid_list[i])
            for i in range(0, len(oid_list), EXPLORER_MAX_OIDS)]


def _check_rows(data, url, what):
    """Rows must be JSON objects (a page's under 'items'): checked before a body is cached."""
    rows = data
    if isinstance(data, dict) and what == "object list":
        rows = data.get("items")
        if not isinstance(rows, list):
            raise ResponseFormatError(f"GET {url}: the page has no 'items' list")
    if isinstance(rows, list):
        bad = sorted({type(r).__name__ for r in rows if not isinstance(r, dict)})
        if bad:
            raise ResponseFormatError(f"GET {url}: expected a list of objects for the {what}, "
                                      f"got items of type {', '.join(bad)}")


def _oid_argument(oid):
    """Validate the ``oid`` criterion: None, one exact id, one ``*`` pattern, or a list."""
    if oid is None:
        return None
    if isinstance(oid, str):
        if "*" in oid:
            import re

            if not re.fullmatch(r"[A-Za-z0-9*]+", oid) or oid.strip("*") == "":
                raise InvalidQueryError(
                    f"oid={oid!r} is not a usable pattern: use letters, digits and * as the "
                    f"only wildcard (e.g. 'ZTF20aa*'); '_' and '%' are not accepted")
            return [oid]
        return [ids.validate_oid(oid)]
    oids = ids.validate_oids(oid, argument="oid")
    if len(oids) > MAX_OIDS:
        raise InvalidQueryError(
            f"oid has {len(oids)} ids, more than the {MAX_OIDS} one call accepts: split the "
            f"list, or use the bulk methods (get_lightcurves...)")
    return oids


def _with_coord(table):
    ra, dec = _floats(table["meanra"]), _floats(table["meandec"])
    # A position no sky has is unknown (NaN), not an error.
    ra_ok, dec_ok = usable_axes(ra, dec)
    bad = ~(ra_ok & dec_ok)
    ra[bad] = dec[bad] = np.nan
    coord = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs")
    table.add_column(coord, name="coord", index=table.colnames.index("meandec") + 1)
    table["coord"].info.description = "Mean position (ICRS) from meanra, meandec"
    return table


def _floats(column):
    """The column's values as plain floats, NaN where masked."""
    data = np.array(column, dtype=float)
    data[np.ma.getmaskarray(column)] = np.nan
    return data


def _band_column(fids):
    return Column([ids.band_name(f) if f is not np.ma.masked else "" for f in fids],
                  dtype="U1", name="band",
                  description="Band name: g, r or i")


def _warn_cut(limit, total=None):
    more = f" of {total}{'+' if total == 50001 else ''}" if isinstance(total, int) else ""
    warnings.warn(f"the result was cut at row_limit={limit} rows{more}; pass row_limit=-1 "
                  f"(or a larger row_limit) to get everything", MaxResultsWarning)


#: A ready instance: ``from alerce_astro import Alerce``.
Alerce = AlerceClass()


def _with_object_id(table, oid):
    """The rows of one object's resource with an ``oid`` column first: the id asked for. An
    ``oid`` the service sent in the rows (a column the schema does not know) is replaced."""
    if "oid" in table.colnames:
        table.remove_column("oid")
    table.add_column(Column([oid] * len(table), dtype=str, name="oid",
                            description=columns.OBJECT["oid"].description), index=0)
    return table


def _utc_now_isot():
    """The time now, UTC, as ``Time.now().isot`` writes it (a twentieth of its cost, which
    counts once per object in bulk work)."""
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="milliseconds")
