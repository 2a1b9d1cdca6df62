"""
The object part of `~alerce_astro.AlerceClass`: objects by id, by criteria and by position,
their statistics, probabilities and features, the classifiers, and explorer links.
"""

import warnings
from functools import partial

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Column, vstack

from .. import conf
from ..apis.paging import sort_rows
from ..exceptions import (
    InvalidQueryError,
    MaxResultsWarning,
    NoResultsWarning,
)
from ..positions import usable_axes
from ..tables import AlerceTable
from ..transport import parse_json
from ..validation import (
    check_choice,
    check_int,
    parse_coordinates,
    parse_radius,
)
from .base import warn
from .class_names import check_class_names
from .multisurvey import MultisurveyQueries

__all__ = ["ObjectQueries", "MAX_OIDS"]

#: More oids than this in one call is almost certainly a mistake; bulk methods take more.
MAX_OIDS = 20000


class ObjectQueries(MultisurveyQueries):
    """Object methods of `~alerce_astro.AlerceClass`; see the class for settings."""

    # ----------------------------------------------------------------------------------------
    # Objects.
    def query_object(self, oid, *, get_query_payload=False, cache=None):
        """
        The properties of one object (or several) as a table.

        Parameters
        ----------
        oid : str, int or list
            A ZTF object id or an LSST diaObjectId, or a list of them (fetched in one
            request per 100 ids).
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
            raise InvalidQueryError(f"oid is None: give a {self.survey.title} object id such "
                                    f"as {self.survey.id_example!r}, or a list of them")
        if self._client_for(oid) is not self:
            return self._client_for(oid).query_object(oid, get_query_payload=get_query_payload,
                                                      cache=cache)
        if not isinstance(oid, str) and not self.survey.is_oid(oid):
            return self.query_objects(oid=oid, get_query_payload=get_query_payload,
                                      cache=cache)
        if self._multisurvey:
            return self._ms_query_object(oid, get_query_payload=get_query_payload, cache=cache)
        oid = self.survey.validate_oid(oid)
        route = self._route("object", oid=oid)
        if get_query_payload:
            return self._payload(route)
        # Checked before caching: the record of this object, not {} or another's.
        data, meta = self._get_json(route, what="object", expect=dict, cache=cache,
                                    parse=partial(self.service.parse_object, oid=oid))
        schema = self.service.columns.OBJECT.without("class", "classifier", "probability")
        return _with_coord(schema.table([data], meta=meta))

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
            Rows per request (default ``conf.page_size``). Given without ``row_limit``, it
            is also the most rows returned, as in the official client, where
            ``page_size=200`` gives one page of 200 rows.
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
            an inverted range, a probability outside [0, 1] or a bad page size; for a
            classifier, version or class the service does not list (checked against
            `list_classifiers`, read once an hour, with a "did you mean" for case and near
            misses: ``class_name="snia"`` is refused before any list request).

        Warns
        -----
        MaxResultsWarning
            When the result was cut at ``row_limit``.
        NoResultsWarning
            When nothing matched (the table is empty but has every column).

        Notes
        -----
        LSST (``survey="lsst"``): the multisurvey API answers one row per object *and
        classifier*; the table has one row per object, the most probable row received (its
        ``classifier_name`` says which classifier; give ``classifier=`` for that classifier's
        row of every object). Columns are the service's (``class_name``, ``classifier_name``,
        ``n_det``...), ids int64, MJDs on the TAI scale as sent. ``classifier`` and
        ``class_name`` are checked against `list_classifiers` before sending (the service
        answers 500 to an unknown classifier and ignores an unknown class);
        ``classifier_version`` is not a criterion there. Without ``order_by`` the service
        orders by probability, descending. ``firstmjd``/``lastmjd`` numbers are TAI MJDs
        (`~astropy.time.Time` ends are converted).

        Examples
        --------
        >>> sne = alerce.query_objects(classifier="lc_classifier", class_name="SNIa",
        ...                            order_by="probability", order_mode="DESC",
        ...                            row_limit=20)   # doctest: +SKIP
        """
        if self._multisurvey:
            return self._ms_query_objects(
                oid=oid, criteria=dict(
                    classifier=classifier, classifier_version=classifier_version,
                    class_name=class_name, ranking=ranking, probability=probability, ndet=ndet,
                    firstmjd=firstmjd, lastmjd=lastmjd, order_by=order_by,
                    order_mode=order_mode),
                row_limit=row_limit, page_size=page_size, get_query_payload=get_query_payload,
                cache=cache)
        criteria = self._criteria(classifier=classifier, classifier_version=classifier_version,
                                  class_name=class_name, ranking=ranking,
                                  probability=probability, ndet=ndet, firstmjd=firstmjd,
                                  lastmjd=lastmjd, order_by=order_by, order_mode=order_mode)
        limit, size = self._limits(row_limit, page_size)
        oids = self._oid_argument(oid)
        if not get_query_payload:  # names checked against the service's list (issue 16.5)
            check_class_names(self, classifier=classifier, class_name=class_name,
                              classifier_version=classifier_version, cache=cache)
        if oids is None or len(oids) == 1:
            params = criteria + [("oid", o) for o in (oids or [])]
            return self._paged_objects(params, limit=limit, size=size, cache=cache,
                                       get_query_payload=get_query_payload)
        # A list of exact ids: requests of a few ids each (URL length), reassembled in the
        # order asked.
        per_request = self.service.quirks.OIDS_PER_REQUEST
        chunks = [oids[i:i + per_request] for i in range(0, len(oids), per_request)]
        if get_query_payload:
            return self._payload(self._route("objects").with_params(
                criteria + [("oid", o) for o in chunks[0]]
                + [("page_size", len(chunks[0]) * 20)]))
        limit = limit if row_limit is not None else -1
        tables = []
        for chunk in chunks:
            params = criteria + [("oid", o) for o in chunk]
            tables.append(self._paged_objects(params, limit=-1, size=size, cache=cache,
                                              get_query_payload=False, warn_empty=False))
        table = vstack(tables, metadata_conflicts="silent") if len(tables) > 1 else tables[0]
        if order_by is None:
            rank = {o: i for i, o in enumerate(oids)}
            got = _ids(table["oid"])
            table = table[np.argsort([rank.get(o, len(rank)) for o in got], kind="stable")]
        found = set(_ids(table["oid"]))
        missing = sorted((o for o in oids if o not in found), key=str)
        if missing:
            warnings.warn(f"{len(missing)} of {len(oids)} objects not found: "
                          f"{', '.join(map(str, missing[:10]))}"
                          f"{' ...' if len(missing) > 10 else ''}",
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
        if "oid" in criteria:
            raise InvalidQueryError("query_region does not take oid: use query_objects")
        if self._multisurvey:
            table_or_payload = self._ms_query_region(center, angle, criteria, cache=cache,
                                                     get_query_payload=get_query_payload)
        else:
            cone = self.service.quirks.cone_params(center.ra.deg, center.dec.deg,
                                                   angle.arcsec)
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
        if not len(table):  # through `warn`: a caller may have `silenced` it in its thread
            warn(f"no object within {angle.arcsec} arcsec of "
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
        if not get_query_payload:
            check_class_names(self, **{k: criteria.get(k) for k in (
                "classifier", "classifier_version", "class_name")}, cache=cache)
        return self._paged_objects(extra + params, limit=limit, size=size, cache=cache,
                                   get_query_payload=get_query_payload, warn_empty=False)

    def _criteria(self, *, classifier=None, classifier_version=None, class_name=None,
                  ranking=None, probability=None, ndet=None, firstmjd=None, lastmjd=None,
                  order_by=None, order_mode=None):
        """The query parameters of the list criteria, checked, under the service's names."""
        wire = self.service.criteria
        params = []
        for argument, value in (("classifier", classifier),
                                ("classifier_version", classifier_version),
                                ("class_name", class_name)):
            if value is not None:
                if not isinstance(value, str) or not value.strip():
                    raise InvalidQueryError(f"{argument} must be a non-empty string, "
                                            f"got {value!r}")
                params.append((wire[argument], value))
        return params + self._measure_criteria(
            ranking=ranking, probability=probability, ndet=ndet, firstmjd=firstmjd,
            lastmjd=lastmjd, order_by=order_by, order_mode=order_mode)

    def _limits(self, row_limit, page_size):
        size = check_int(self._setting("page_size", page_size), argument="page_size",
                         minimum=1, maximum=self.service.pager.max_page_size)
        if row_limit is None and page_size is not None:
            # The official client returns one page, so its readers take page_size=200 to
            # mean "200 rows": alone, it caps the rows as well (issue 16.9).
            row_limit = size
        limit = check_int(self._setting("row_limit", row_limit), argument="row_limit",
                          minimum=1, allow=(-1,))
        if limit != -1:
            size = min(size, limit)
        return limit, size

    def _paged_objects(self, params, *, limit, size, cache, get_query_payload,
                       warn_empty=True):
        """The object list matching ``params``, page after page as the service's pager says
        (a row repeated across pages is kept once)."""
        pager = self.service.pager
        route = self._route("objects")
        # Ties in the order are ordered differently on every page by the service: the plan
        # pages on a unique order and sorts locally, or reads a cut result in one page.
        plan = getattr(self.service.quirks, "paging_plan", None)
        local_order = None
        if plan is not None:
            params, size, local_order = plan(params, limit=limit, size=size,
                                             max_page_size=pager.max_page_size)
        cursor = pager.start(size)
        first = route.with_params(params + cursor.params())
        if get_query_payload:
            return self._payload(first)
        meta = self._meta(first)
        rows = []

        def parse(answer):
            return pager.check(parse_json(answer, expect=dict, what="object list"),
                               url=answer.url)

        while True:
            page_route = route.with_params(params + cursor.params())
            envelope, _ = self._get_json(page_route, what="object list", expect=dict,
                                         cache=cache, parse=parse)
            cursor.read(envelope, url=page_route.url)
            page = cursor.page
            rows.extend(cursor.new_items)  # a row repeated across pages is kept once
            # The cursor ends endless or looping pages itself, with a warning.
            more = cursor.advance()
            if not more or (limit != -1 and len(rows) >= limit):
                break
        if local_order is not None:
            column, descending = local_order
            rows = sort_rows(rows, column, descending=descending)
            meta["order"] = (f"{column} {'DESC' if descending else 'ASC'}, ties by oid "
                             f"(paged by oid and sorted here: the service orders tied "
                             f"{column} values differently on each page)")
        total = cursor.total
        cut = limit != -1 and (len(rows) > limit or (
            len(rows) == limit and (total is None or total > limit)))
        rows = rows[:limit] if limit != -1 else rows
        meta.update({"total": total, "pages": page})
        table = _with_coord(self.service.columns.OBJECT.table(rows, meta=meta))
        if cut:
            _warn_cut(limit, total, cursor.total_is_lower_bound)
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

        Raises
        ------
        InvalidQueryError
            For LSST: the multisurvey API has no such route.
        """
        self._refuse("limit_values")
        route = self._route("limit_values")
        if get_query_payload:
            return self._payload(route)
        data, meta = self._get_json(route, what="limit values", expect=dict, cache=cache)
        return self.service.columns.LIMIT_VALUES.table([data], meta=meta)

    # ----------------------------------------------------------------------------------------
    # Per-object resources.
    def query_magstats(self, oid, *, get_query_payload=False, cache=None):
        """
        Per-band statistics of an object's detections.

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
            One row per band, sorted by ``fid``, with a ``band`` name column (g, r, i).

        Raises
        ------
        InvalidQueryError
            For a malformed id.
        ObjectNotFoundError
            If the object does not exist.

        Notes
        -----
        LSST: Rubin's diaObject summary, one row per band with data (wavelength order):
        ``band``, ``band_id``, ``psfFluxMean``... in nJy; the object-wide fields
        (``nDiaSources``, ``ra``, ``dec``...) are in ``meta``.

        Examples
        --------
        >>> stats = alerce.query_magstats("ZTF00aaaaaab")   # doctest: +SKIP
        """
        if self._client_for(oid) is not self:
            return self._client_for(oid).query_magstats(oid, get_query_payload=get_query_payload,
                                                        cache=cache)
        if self._multisurvey:
            return self._ms_magstats(oid, get_query_payload=get_query_payload, cache=cache)
        table = self._object_table("magstats", self.service.columns.MAGSTATS, oid,
                                   what="magstats", cache=cache,
                                   get_query_payload=get_query_payload)
        if get_query_payload:
            return table
        table.sort("fid")
        table.add_column(self._band_column(table["fid"]),
                         index=table.colnames.index("fid") + 1)
        return table

    def query_probabilities(self, oid, *, classifier=None, classifier_version=None,
                            get_query_payload=False, cache=None):
        """
        Classification probabilities of an object.

        Parameters
        ----------
        oid : str or int
            A ZTF object id, or an LSST diaObjectId.
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
        if self._multisurvey:  # checked first: the service 404s an unknown classifier
            params = self._ms_check_probability_filters(classifier, classifier_version, cache)
        table = self._object_table("probabilities", self.service.columns.PROBABILITY, oid,
                                   params,
                                   what="probabilities", cache=cache,
                                   get_query_payload=get_query_payload)
        if self._multisurvey and classifier_version is not None and not get_query_payload:
            # this route sends the version as digits without dots (201 for '2.0.1')
            table = table[table["classifier_version"] == int(classifier_version.replace(".", ""))]
        if not get_query_payload and len(table):
            table.sort(["classifier_name", "classifier_version", "ranking"])
        return table

    def query_features(self, oid, *, names=None, fid=None, version=None,
                       get_query_payload=False, cache=None):
        """
        Light-curve features of an object, one row per feature and band.

        Parameters
        ----------
        oid : str or int
            A ZTF object id, or an LSST diaObjectId.
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

        Notes
        -----
        LSST: ALeRCE serves no light-curve features for LSST objects; the method raises
        `~astroquery.exceptions.InvalidQueryError` without sending anything.

        Examples
        --------
        >>> feats = alerce.query_features("ZTF00aaaaaab",
        ...                               names="Multiband_period")  # doctest: +SKIP
        """
        self._refuse("features")
        params = []
        if fid is not None:
            check_choice(fid, self.service.quirks.FEATURE_FIDS, argument="fid")
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
            oid_ok = self.survey.validate_oid(oid)
            route = self._route("feature", oid=oid_ok, name=wanted[0]).with_params(params)
            if get_query_payload:
                return self._payload(route)
            data, meta = self._get_json(route, what="features", cache=cache)
            meta["oid"] = oid_ok
            table = self._with_object_id(self.service.columns.FEATURE.table(data, meta=meta),
                                         oid_ok)
            if not len(table):
                warnings.warn(f"no feature {wanted[0]!r} for {oid_ok}", NoResultsWarning)
            return table
        table = self._object_table("features", self.service.columns.FEATURE, oid, params,
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
        route = self._route("classifiers")
        if get_query_payload:
            return self._payload(route)
        data, meta = self._get_json(route, what="classifier list", cache=cache)
        rows = [dict(row, classes=",".join(map(str, row["classes"]))
                     if isinstance(row.get("classes"), list) else row.get("classes"))
                for row in data]
        return self.service.columns.CLASSIFIER.table(rows, meta=meta)

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
        if self._multisurvey:
            return self._ms_list_classes(classifier, version, cache=cache,
                                         get_query_payload=get_query_payload)
        route = self._route("classes", classifier=classifier, version=version)
        if get_query_payload:
            return self._payload(route)
        data, meta = self._get_json(route, what="class list", cache=cache)
        return self.service.columns.CLASS.table(data, meta=meta)

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
        oid_list = self.survey.validate_oids(oids, argument="oids")
        base = self._explorer_base()
        if len(oid_list) == 1:
            return self.survey.explorer_url(oid_list[0], base=base)
        most = self.survey.explorer_max_oids
        if len(oid_list) > most:
            raise InvalidQueryError(
                f"oids has {len(oid_list)} ids; the explorer accepts at most {most} per link: "
                f"use explorer_urls() for a list of links")
        return self.survey.explorer_url(oid_list, base=base)

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
        oid_list = self.survey.validate_oids(oids, argument="oids")
        most = self.survey.explorer_max_oids
        return [self.explorer_url(oid_list[i:i + most]) for i in range(0, len(oid_list), most)]

    def _explorer_base(self):
        """The explorer's base URL: the configured one where the service names a conf item."""
        item = self.service.explorer_conf
        return getattr(conf, item) if item else None

    def _oid_argument(self, oid):
        """Validate the ``oid`` criterion: None, one exact id, one ``*`` pattern, or a list."""
        if oid is None:
            return None
        if isinstance(oid, str) and "*" in oid:
            import re

            if not re.fullmatch(r"[A-Za-z0-9*]+", oid) or oid.strip("*") == "":
                raise InvalidQueryError(
                    f"oid={oid!r} is not a usable pattern: use letters, digits and * as the "
                    f"only wildcard (e.g. 'ZTF20aa*'); '_' and '%' are not accepted")
            return [oid]
        if isinstance(oid, str) or self.survey.is_oid(oid):
            return [self.survey.validate_oid(oid)]
        oids = self.survey.validate_oids(oid, argument="oid")
        if len(oids) > MAX_OIDS:
            raise InvalidQueryError(
                f"oid has {len(oids)} ids, more than the {MAX_OIDS} one call accepts: split "
                f"the list, or use the bulk methods (get_lightcurves...)")
        return oids


def _ids(column):
    """The values of an id column as Python objects, None where masked."""
    mask = np.ma.getmaskarray(column)
    return [None if m else v for v, m in zip(np.asarray(column).tolist(), mask.tolist(),
                                             strict=True)]


def _with_coord(table):
    # An AlerceTable: its coord column does not stop a VOTable write (issue 16.10).
    table = AlerceTable(table, copy=False)
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


def _warn_cut(limit, total=None, lower_bound=False):
    more = f" of {total}{'+' if lower_bound else ''}" if total is not None else ""
    warnings.warn(f"the result was cut at row_limit={limit} rows{more}; pass row_limit=-1 "
                  f"(or a larger row_limit) to get everything", MaxResultsWarning)
