"""
The client's questions as ALeRCE's multisurvey API answers them (Rubin's LSST).

The public methods of `~alerce_astro.AlerceClass` are the same for every survey; where the
multisurvey API needs another way of asking, the method hands over to a ``_ms_*`` method of
`MultisurveyQueries` (``if self._multisurvey: ...``). The rules followed here, each from the
recorded exchanges of the real service (``alerce-lsst-api.md``):

- **Complete light curves.** Every photometry request takes the several-oid path
  (``oid=a&oid=a`` for one object): the single-oid path cuts forced photometry at 10 rows.
  One ``lightcurve_api/lightcurve`` request gives detections and forced photometry together.
- **One row per object.** ``list_objects`` answers one row per object *and classifier*; rows
  are grouped by object, keeping the most probable row received
  (`~alerce_astro.apis.multisurvey.quirks.group_by_object`).
- **Validate before sending.** The service answers 500 to an unknown classifier and ignores an
  unknown class: both are checked against ``classifier_api/classifiers`` first. A 500 to a
  checked request for one object (``object``, ``magstats``) means the object is not there:
  it becomes an `~alerce_astro.exceptions.ObjectNotFoundError` saying so.
- **Bulk in batches.** Light curves of many objects travel `BATCH_OIDS` oids per request, the
  rows split by oid, at a modest concurrency (the service sheds load above 5 requests in
  flight per pod with ``503 Retry-After: 1``, which the transport honours).
"""

import warnings

import numpy as np
from astropy import units as u
from astropy.table import Column, Table

from ..exceptions import (
    InvalidQueryError,
    NoResultsWarning,
    ObjectNotFoundError,
    RemoteServiceError,
    ResponseFormatError,
)
from ..transport import parse_json
from ..validation import check_int
from .base import AlerceBase
from .class_names import check_class_names, unknown_name

__all__ = ["MultisurveyQueries", "DEFAULT_MAX_WORKERS"]

#: Concurrent requests of bulk work on the multisurvey API when neither the call nor the
#: client sets ``max_workers``: its pods shed load beyond 5 requests in flight.
DEFAULT_MAX_WORKERS = 4
#: The criteria of ``query_objects`` (keywords of ``_ms_criteria``).
_CRITERIA = ("classifier", "classifier_version", "class_name", "ranking", "probability",
             "ndet", "firstmjd", "lastmjd", "order_by", "order_mode")
#: ids per ``list_objects`` request for a list of exact oids (URLs of about 2.5 kB).
_OIDS_PER_LIST = 100


class MultisurveyQueries(AlerceBase):
    """The multisurvey (LSST) side of `~alerce_astro.AlerceClass`'s methods."""

    # ----------------------------------------------------------------------------------------
    # Requests that the service answers with 500 when the object is not there.
    def _ms_get_one(self, route, *, name, oid, cache, parse):
        """
        ``route`` (an `AMBIGUOUS_500` route of ``oid``) answered, where a 500 is settled by a
        probe instead of the back-off: an unknown id or a solar-system object raises
        `ObjectNotFoundError` after two requests; a known diaObject's 500 is a failure of the
        service, retried like any (`ServiceUnavailableError` if it persists).
        """
        quirks = self.service.quirks
        try:
            return self._get(route, cache=cache, parse=parse, no_retry={500})
        except RemoteServiceError as exc:
            if getattr(exc, "status", None) != 500:
                raise
        verdict = quirks.probe_verdict(self._ms_probe(oid), oid)
        if verdict == "exists":  # a real failure: the retries it skipped, then their verdict
            return self._get(route, cache=cache, parse=parse)
        why = ("and has no detection of it either" if verdict == "unknown"
               else "and it is a solar-system object")
        raise ObjectNotFoundError(
            f"{quirks.explain_server_error(name, oid=oid)} (GET {route.shown}: HTTP 500, "
            f"{why})") from None

    def _ms_probe(self, oid):
        """The rows of ``oid`` on `quirks.PROBE_ROUTE` (never cached: it settles a 500)."""
        route = self._route(self.service.quirks.PROBE_ROUTE, oid=oid)
        return self._get(route, cache=False,
                         parse=lambda a: self.service.parse_rows(a, what="detections"))

    # ----------------------------------------------------------------------------------------
    # Objects.
    def _ms_query_object(self, oid, *, get_query_payload, cache):
        oid = self.survey.validate_oid(oid)
        route = self._route("object", oid=oid)
        if get_query_payload:
            return self._payload(route)
        data = self._ms_get_one(route, name="object", oid=oid, cache=cache,
                                parse=self.service.parse_object)
        from .objects import _with_coord

        return _with_coord(self.service.columns.OBJECT.table([data], meta=self._meta(route)))

    def _ms_classifiers(self, cache=None):
        """``classifier_api/classifiers`` rows (cached like any answer)."""
        data, _ = self._get_json(self._route("classifiers"), what="classifier list",
                                 cache=cache)
        return data

    def _ms_criteria(self, *, classifier=None, classifier_version=None, class_name=None,
                     ranking=None, probability=None, ndet=None, firstmjd=None, lastmjd=None,
                     order_by=None, order_mode=None, cache=None):
        """The ``list_objects`` parameters of the client's criteria, checked."""
        quirks, wire = self.service.quirks, self.service.criteria
        params = []
        if classifier_version is not None:
            raise InvalidQueryError(
                "classifier_version is not a criterion of ALeRCE's LSST object lists (the "
                "service filters by classifier name only; see list_classifiers for versions)")
        for argument, value in (("classifier", classifier), ("class_name", class_name)):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InvalidQueryError(f"{argument} must be a non-empty string, got {value!r}")
        if class_name is not None and classifier is None:
            quirks.class_needs_classifier(class_name, self._ms_classifiers(cache))
        check_class_names(self, classifier=classifier, class_name=class_name, cache=cache)
        if classifier is not None:
            params.append((wire["classifier"], classifier))
        if class_name is not None:
            params.append((wire["class_name"], class_name))
        return params + self._measure_criteria(
            ranking=ranking, probability=probability, ndet=ndet, firstmjd=firstmjd,
            lastmjd=lastmjd, order_by=order_by, order_mode=order_mode)

    def _ms_query_objects(self, *, oid, criteria, row_limit, page_size, get_query_payload,
                          cache, extra=(), warn_empty=True):
        from .objects import _warn_cut

        params = list(extra) + self._ms_criteria(**criteria, cache=cache)
        limit, size = self._limits(row_limit, page_size)
        oids = None if oid is None else self.survey.validate_oids(oid, argument="oid")
        if oids is None:
            return self._ms_paged(params, limit=limit, size=size, cache=cache,
                                  get_query_payload=get_query_payload, warn_empty=warn_empty)
        chunks = [oids[i:i + _OIDS_PER_LIST] for i in range(0, len(oids), _OIDS_PER_LIST)]
        if get_query_payload:
            return self._payload(self._route("objects").with_params(
                params + [("oid", o) for o in chunks[0]]))
        tables = [self._ms_paged(params + [("oid", o) for o in chunk], limit=-1, size=size,
                                 cache=cache, get_query_payload=False, warn_empty=False)
                  for chunk in chunks]
        from astropy.table import vstack

        table = vstack(tables, metadata_conflicts="silent") if len(tables) > 1 else tables[0]
        if criteria.get("order_by") is None:
            rank = {o: i for i, o in enumerate(oids)}
            table = table[np.argsort([rank[o] for o in table["oid"].tolist()], kind="stable")]
        found = set(table["oid"].tolist())
        missing = [o for o in oids if o not in found]
        if missing:
            warnings.warn(f"{len(missing)} of {len(oids)} objects not found (only classified "
                          f"objects are listed; ssObjects never are): "
                          f"{', '.join(map(str, missing[:10]))}"
                          f"{' ...' if len(missing) > 10 else ''}", NoResultsWarning)
        if row_limit is not None and limit != -1 and len(table) > limit:
            table = table[:limit]
            _warn_cut(limit)
        table.meta.update(tables[0].meta)
        table.meta["requests"] = len(chunks)
        return table

    def _ms_query_region(self, center, angle, criteria, *, cache, get_query_payload):
        """``list_objects`` in a cone (``radius`` in arcsec on this route; ra/dec of 0 are
        taken as given: the service tests them against None, not for truth)."""
        criteria = dict(criteria)
        row_limit, page_size = criteria.pop("row_limit", None), criteria.pop("page_size", None)
        cone = [("ra", repr(float(center.ra.deg))), ("dec", repr(float(center.dec.deg))),
                ("radius", repr(float(angle.arcsec)))]
        unknown = sorted(set(criteria) - set(_CRITERIA))
        if unknown:
            raise InvalidQueryError(f"unknown criteria {unknown}; use {list(_CRITERIA)}")
        return self._ms_query_objects(oid=None, criteria=criteria, row_limit=row_limit,
                                      page_size=page_size, get_query_payload=get_query_payload,
                                      cache=cache, extra=cone, warn_empty=False)

    def _ms_paged(self, params, *, limit, size, cache, get_query_payload, warn_empty):
        """Pages of ``list_objects`` until ``limit`` objects (one row each) or the end."""
        from .objects import _warn_cut, _with_coord

        pager, quirks = self.service.pager, self.service.quirks
        route = self._route("objects")
        cursor = pager.start(size)
        first = route.with_params(params + cursor.params())
        if get_query_payload:
            return self._payload(first)
        meta = self._meta(first)

        def parse(answer):
            return pager.check(parse_json(answer, expect=dict, what="object list"),
                               url=answer.url)

        rows, more = [], False
        while True:
            page_route = route.with_params(params + cursor.params())
            envelope, _ = self._get_json(page_route, what="object list", expect=dict,
                                         cache=cache, parse=parse)
            rows.extend(cursor.read(envelope, url=page_route.url))
            objects = quirks.group_by_object(rows)
            more = cursor.advance(received=len(rows))
            if not more or (limit != -1 and len(objects) > limit):
                break
        cut = limit != -1 and (len(objects) > limit or (len(objects) == limit and more))
        objects = objects[:limit] if limit != -1 else objects
        meta.update({"pages": cursor.page, "rows_received": len(rows),
                     "grouping": "one row per object: its most probable classifier row"})
        table = _with_coord(self.service.columns.LIST_OBJECT.table(objects, meta=meta))
        if cut:
            _warn_cut(limit)
        if not objects and warn_empty:
            warnings.warn("no object matched the query", NoResultsWarning)
        return table

    # ----------------------------------------------------------------------------------------
    # Per-object resources.
    def _ms_magstats(self, oid, *, get_query_payload, cache):
        columns = self.service.columns
        oid = self.survey.validate_oid(oid)
        route = self._route("magstats", oid=oid)
        if get_query_payload:
            return self._payload(route)
        data = self._ms_get_one(route, name="magstats", oid=oid, cache=cache,
                                parse=lambda a: parse_json(a, expect=list, what="magstats"))
        meta = self._meta(route, oid=oid)
        row = data[0] if data and isinstance(data[0], dict) else {}
        meta.update(columns.magstats_object_fields(row))
        table = self._with_object_id(
            columns.MAGSTATS.table(columns.magstats_per_band(row), meta=meta), oid)
        if not len(table):
            warnings.warn(f"no magstats for {oid}", NoResultsWarning)
        return table

    def _ms_check_probability_filters(self, classifier, classifier_version, cache):
        if classifier is None:
            if classifier_version is not None:
                raise InvalidQueryError("classifier_version needs classifier")
            return []
        if not isinstance(classifier, str) or not classifier:
            raise InvalidQueryError("classifier must be a non-empty string")
        check_class_names(self, classifier=classifier, classifier_version=classifier_version,
                          cache=cache)
        return [("classifier", classifier)]

    def _ms_list_classes(self, classifier, version, *, get_query_payload, cache):
        route = self._route("classifiers")
        if get_query_payload:
            return self._payload(route)
        rows = self._ms_classifiers(cache)
        # Checked here against the rows themselves: check_class_names may ask list_classes.
        names = [r["classifier_name"] for r in rows]
        if classifier not in names:
            raise InvalidQueryError(unknown_name("classifier", classifier, names,
                                                 f"a classifier of ALeRCE {self.survey.title}"))
        row = next(r for r in rows if r["classifier_name"] == classifier)
        if version is not None and str(row.get("classifier_version")) != version:
            raise InvalidQueryError(
                f"version={version!r} is not a version of {classifier}; its version: "
                f"{row.get('classifier_version')}")
        return Table({"name": Column([str(c) for c in row.get("classes") or []], dtype=str,
                                     description="Class name")},
                     meta=self._meta(route, classifier=classifier,
                                     classifier_version=row.get("classifier_version")))

    # ----------------------------------------------------------------------------------------
    # Photometry: always the several-oid path.
    def _ms_photometry_route(self, name, oids):
        return self._route(name, oid=self.service.quirks.several_oid_values(oids))

    def _ms_get_lightcurve(self, oid, *, non_detections, forced_photometry, get_query_payload,
                           cache):
        oid = self.survey.validate_oid(oid)
        route = self._ms_photometry_route("lightcurve", [oid])
        if get_query_payload:
            return self._payload(route)
        data = self._get(route, cache=cache, parse=_parse_lightcurve)
        lcs = self._ms_split_lightcurves(data, [oid], forced_photometry=forced_photometry,
                                         meta=self._meta(route))
        lc = lcs[oid]
        if not len(lc):
            raise ObjectNotFoundError(
                f"there is no LSST object {oid}: the service has no photometry for it")
        return lc

    def _ms_split_lightcurves(self, data, oids, *, forced_photometry, meta, prepared=False):
        """``lightcurve_api/lightcurve`` of several oids -> oid -> light curve (``prepared``:
        a `~alerce_astro.lightcurve.build.PreparedLightCurve`, built on access by bulk
        results)."""
        quirks = self.service.quirks
        detections = quirks.split_by_oid(data["detections"], oids)
        forced = quirks.split_by_oid(data["forced_photometry"], oids) if forced_photometry \
            else None
        if prepared:  # the batch's columns converted once for all its objects
            return self.service.prepared_lightcurves(detections, forced, meta=meta)
        return {oid: self.service.lightcurve(detections[oid], oid=oid,
                                             forced=None if forced is None else forced[oid],
                                             meta=dict(meta))
                for oid in oids}

    def _ms_photometry_table(self, name, schema, oid, *, what, get_query_payload, cache):
        oid = self.survey.validate_oid(oid)
        route = self._ms_photometry_route(name, [oid])
        if get_query_payload:
            return self._payload(route)
        rows = self._get(route, cache=cache,
                         parse=lambda a: self.service.parse_rows(a, what=what))
        rows = self.service.quirks.split_by_oid(self.service.quirks.check_band_map(rows),
                                                [oid])[oid]
        table = self._with_object_id(schema.table(rows, meta=self._meta(route, oid=oid)), oid)
        self._ms_band_names(table)
        if len(table):
            table.sort("mjd")
        else:
            warnings.warn(f"no {what} for {oid}", NoResultsWarning)
        return table

    def _ms_band_names(self, table):
        """The wire's ``band`` (a code) becomes ``band_id``, followed by the ``band`` name, as
        in light curves and magstats."""
        table.rename_column("band", "band_id")
        codes = table["band_id"].filled(0) if hasattr(table["band_id"], "filled") \
            else table["band_id"]
        table.add_column(self._band_column(codes), index=table.colnames.index("band_id") + 1)

    def _ms_non_detections(self, oid, *, get_query_payload):
        from ..apis.multisurvey.photometry import NON_DETECTIONS_NOTE

        oid = self.survey.validate_oid(oid)
        if get_query_payload:
            return []  # nothing is asked: Rubin sends no upper limits
        table = Table(meta={"service": "ALeRCE", "survey": self.survey.name, "oid": oid,
                            "note": NON_DETECTIONS_NOTE})
        table["oid"] = Column([], dtype=np.int64, description=self.survey.id_description)
        table["mjd"] = Column([], dtype=float, unit=u.d, description="MJD")
        table["band_id"] = Column([], dtype=np.int16, description="Band code on the wire")
        table["band"] = Column([], dtype="U1", description="Band name")
        table["diffmaglim"] = Column([], dtype=float, unit=u.mag,
                                     description="5-sigma limiting magnitude")
        warnings.warn(f"no non-detections for {oid}: {NON_DETECTIONS_NOTE}", NoResultsWarning)
        return table

    # ----------------------------------------------------------------------------------------
    # Bulk: light curves in batches of several oids.
    def _ms_bulk_workers(self, max_workers):
        """The call's, else the client's ``max_workers``, else a modest default."""
        from .. import conf

        if max_workers is None and self.max_workers is None:
            return min(DEFAULT_MAX_WORKERS, int(conf.max_workers))
        return max_workers if max_workers is not None else self.max_workers

    def _ms_get_lightcurves(self, oids, *, max_workers, progress, get_query_payload, kwargs):
        from ..bulk import BulkResult, run_many
        from ..bulk.result import BulkFailureWarning

        kwargs = dict(kwargs)
        size = check_int(kwargs.pop("batch_size", self.service.batch_oids),
                         argument="batch_size", minimum=1, maximum=200)
        forced_photometry = kwargs.pop("forced_photometry", False)
        kwargs.pop("non_detections", None)  # LSST has none
        cache = kwargs.pop("cache", None)
        if kwargs:
            raise InvalidQueryError(f"unexpected keywords for get_lightcurve: {sorted(kwargs)}")
        oids = self.survey.validate_oids(oids, argument="oids")
        limit = check_int(self._ms_bulk_workers(max_workers), argument="max_workers",
                          minimum=1, maximum=32)
        if progress is not None and not isinstance(progress, bool):
            raise InvalidQueryError(f"progress must be True, False or None, got {progress!r}")
        batches = {f"batch {i // size + 1}": oids[i:i + size]
                   for i in range(0, len(oids), size)}
        routes = {key: self._ms_photometry_route("lightcurve", batch)
                  for key, batch in batches.items()}
        if get_query_payload:
            return [self._payload(route) for route in routes.values()]

        def call(key):
            route = routes[key]
            data = self._get(route, cache=cache, parse=_parse_lightcurve)
            # prepared (arrays) here, built when asked for or stacked (see BulkResult)
            return self._ms_split_lightcurves(data, batches[key],
                                              forced_photometry=forced_photometry,
                                              meta=self._meta(route), prepared=True)

        settings = self._request_settings()
        pause = min(settings.backoff_factor * 2**settings.max_retries, settings.max_retry_delay)
        # run_many reports failed batches itself (BulkFailureWarning); ids the service has no
        # photometry for are reported below.
        done = run_many(call, list(batches), max_workers=limit, max_requests=limit,
                        progress=progress, what="batches of light curves", pause=pause,
                        transport=self._transport, stacklevel=3)
        values, failed, unknown = {}, {}, []
        for key, batch in batches.items():
            for oid in batch:
                if key in done.failed:
                    failed[oid] = done.failed[key]
                elif len(done[key][oid]):
                    values[oid] = done[key][oid]
                else:
                    unknown.append(oid)
                    failed[oid] = ObjectNotFoundError(
                        f"there is no LSST object {oid}: the service has no photometry for it")
        meta = dict(done.meta, batch_size=size, batches=len(batches))
        result = BulkResult({o: values[o] for o in oids if o in values},
                            {o: failed[o] for o in oids if o in failed}, oids,
                            what="light curves", meta=meta)
        if unknown:
            shown = ", ".join(str(o) for o in unknown[:5])
            warnings.warn(f"{len(unknown)} of {len(oids)} light curves failed: no photometry "
                          f"for {shown}{' ...' if len(unknown) > 5 else ''} (unknown ids); "
                          f"see .failed", BulkFailureWarning, stacklevel=3)
        return result


def _parse_lightcurve(answer):
    """``lightcurve_api/lightcurve``: ``{"detections", "non_detections", "forced_photometry"}``
    lists of row objects, checked before caching."""
    data = parse_json(answer, expect=dict, what="light curve")
    for key in ("detections", "forced_photometry"):
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
            raise ResponseFormatError(f"GET {answer.url}: the light curve's {key!r} is not a "
                                      f"list of objects")
    return data
