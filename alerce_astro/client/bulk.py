"""
The bulk part of `~alerce_astro.AlerceClass`: one per-object query, many objects.

Naming: `get_lightcurves` is the many-object form of ``get_lightcurve``; every other per-object
method ``m`` has its many-object form ``m_many`` (`query_magstats_many`, `get_stamps_many`...)
taking the same keywords, and `query_many` runs any of them by name.
"""

import threading

from ..bulk.engine import run_many, working_on
from ..exceptions import InvalidQueryError
from ..validation import check_int
from .lightcurves import PREPARE_ONLY, warn_if_empty
from .multisurvey import MultisurveyQueries

__all__ = ["BulkQueries", "MAX_WORKERS"]

#: Most concurrent requests a bulk call accepts: the connection pool's size per host. More
#: would open connections the pool cannot keep, and would not be polite to a shared service.
MAX_WORKERS = 32

#: Per-object methods that `query_many` runs, with what one answer is called.
BULK_METHODS = {
    "get_lightcurve": "light curves",
    "query_forced_photometry": "forced photometry tables",
    "get_stamps": "stamps",
    "query_object": "objects",
    "query_magstats": "magstats tables",
    "query_probabilities": "probability tables",
    "query_features": "feature tables",
    "query_detections": "detection tables",
    "query_non_detections": "non-detection tables",
}

_COMMON_DOC = """
        Parameters
        ----------
        oids : str or iterable of str
            Object ids of the client's survey (a list, a table column...); duplicates are
            fetched once.
        max_workers : int, optional
            Most requests in flight at once, 1 to 32 (default: the client's ``max_workers``,
            else ``conf.max_workers``, 10).
        progress : bool, optional
            Show a progress bar (`tqdm`); by default only when someone can see it (a terminal
            or a notebook) and the work lasts more than half a second.
        get_query_payload : bool, optional
            Return the list of requests instead of sending them.
        cache : bool, optional
            Use the cache; with it on, running the same call again fetches only what is
            missing (failed objects are never cached).
"""


class BulkQueries(MultisurveyQueries):
    """Bulk methods of `~alerce_astro.AlerceClass`; see the class for settings."""

    def _bulk_workers(self, max_workers):
        value = self._setting("max_workers", max_workers)
        if self._multisurvey:  # a modest default: the service sheds load beyond 5 in flight
            value = self._ms_bulk_workers(max_workers)
        return check_int(value, argument="max_workers", minimum=1, maximum=MAX_WORKERS)

    def query_many(self, method, oids, *, max_workers=None, progress=None,
                   get_query_payload=False, **kwargs):
        """
        Run a per-object query over many objects at once.

        Requests run concurrently over the client's one pool of keep-alive connections,
        ``max_workers`` at a time. Every request has a time limit and is retried by the
        transport on 5xx, 429 (honouring ``Retry-After``) and dropped connections; the bulk
        layer adds no retries of its own. An object whose call still fails, or that the
        service does not know, goes to the result's ``failed`` with its error and the others
        carry on: nothing is lost silently. Objects whose requests kept failing
        (`~alerce_astro.exceptions.ServiceUnavailableError`) get one more try at the end of the
        run, after a pause.

        Parameters
        ----------
        method : str
            The name of a per-object method: ``"get_lightcurve"``, ``"query_magstats"``,
            ``"query_probabilities"``, ``"query_features"``, ``"get_stamps"``...
        oids : str or iterable of str
            Object ids of the client's survey; duplicates are fetched once.
        max_workers : int, optional
            Most requests in flight at once, 1 to 32 (default ``conf.max_workers``, 10).
        progress : bool, optional
            Show a progress bar (default: when someone can see it).
        get_query_payload : bool, optional
            Return the list of requests instead of sending them.
        **kwargs
            Keywords of ``method`` (``cache=``, ``classifier=``...), the same for every object.

        Returns
        -------
        `~alerce_astro.bulk.BulkResult`
            A mapping oid -> what ``method`` returns, in the order asked; ``.failed`` maps
            every other oid to its error; ``.stack()`` makes one table with an ``oid`` column.

        Raises
        ------
        InvalidQueryError
            Before any request, for a malformed id, a bad keyword or ``max_workers``.

        Warns
        -----
        BulkFailureWarning
            When some objects failed.
        NoResultsWarning
            Once, when some objects had nothing (e.g. no detections), naming how many.

        Examples
        --------
        >>> from alerce_astro.offline import SampleServer
        >>> with SampleServer() as server:
        ...     stats = server.client().query_many("query_magstats",
        ...                                        ["ZTF00aaaaaab", "ZTF00aaaaaac"])
        >>> list(stats)
        ['ZTF00aaaaaab', 'ZTF00aaaaaac']
        """
        if not isinstance(method, str) or method not in BULK_METHODS:
            raise InvalidQueryError(
                f"method={method!r} is not a per-object query; use one of "
                f"{sorted(BULK_METHODS)}")
        if method == "get_lightcurve" and self._multisurvey:  # batched, as get_lightcurves
            return self.get_lightcurves(oids, max_workers=max_workers, progress=progress,
                                        get_query_payload=get_query_payload, **kwargs)
        return self._bulk(getattr(self, method), oids, what=BULK_METHODS[method],
                          max_workers=max_workers, progress=progress,
                          get_query_payload=get_query_payload, kwargs=kwargs)

    def _bulk(self, call, oids, *, what, max_workers, progress, get_query_payload, kwargs,
              requests_per_call=1, finish=None, spare_calls=True):
        oids = self.survey.validate_oids(oids, argument="oids")
        # max_workers bounds the requests in flight (the transport's request slots), not the
        # objects: with spare_calls twice as many calls run, so that while some wait for a
        # slot or an answer others turn theirs into tables. A call that sends several
        # requests at once (get_stamps: three images) counts for that many.
        limit = self._bulk_workers(max_workers)
        workers = max(1, (2 if spare_calls else 1) * limit // requests_per_call)
        if progress is not None and not isinstance(progress, bool):
            raise InvalidQueryError(f"progress must be True, False or None, got {progress!r}")
        # The first object's request, built but not sent, checks every other keyword before
        # any request is made.
        first = call(oids[0], get_query_payload=True, **kwargs)
        if get_query_payload:
            return [first] + [call(oid, get_query_payload=True, **kwargs) for oid in oids[1:]]
        settings = self._request_settings()
        # Before the last try of objects whose requests kept failing, wait as long as the
        # transport's longest backoff: long enough for a passing outage or a restart.
        pause = min(settings.backoff_factor * 2**settings.max_retries, settings.max_retry_delay)
        return run_many(lambda oid: call(oid, **kwargs), oids, max_workers=workers,
                        max_requests=limit, progress=progress, what=what, pause=pause,
                        transport=self._transport, finish=finish,
                        stacklevel=3)  # _bulk, the public method, its caller

    def get_lightcurves(self, oids, *, max_workers=None, progress=None, get_query_payload=False,
                        via="rest", **kwargs):
        """
        The light curves of many objects, fetched concurrently.
        {common}
        via : str, optional
            ``"rest"`` (default): one request per object; ``"tap"``: a few chunked queries on
            ALeRCE's TAP service (`get_lightcurves_tap`, whose keywords ``**kwargs`` then
            are), the same light curves, for thousands of objects.
        **kwargs
            Keywords of ``get_lightcurve`` (e.g. ``cache=``), the same for every object.

        Returns
        -------
        `~alerce_astro.bulk.BulkResult`
            oid -> `~alerce_astro.lightcurve.AlerceLightCurve`, in the order asked;
            ``.failed`` holds the others with their errors; ``.stack()`` gives one light
            curve table with an ``oid`` column.

        Raises
        ------
        InvalidQueryError
            Before any request, for a malformed id or keyword.

        Warns
        -----
        BulkFailureWarning
            When some objects failed (unknown ids included).

        Notes
        -----
        LSST: the light curves travel ``batch_size`` (default 20) oids per request on the
        several-oid path, the rows split by oid; ids the service has no photometry for go to
        ``.failed``. Without ``max_workers`` (call or client) 4 requests run at a time: the
        service sheds load beyond 5 in flight (its ``503 Retry-After`` is retried).

        Examples
        --------
        >>> from alerce_astro.offline import SampleServer
        >>> with SampleServer() as server:
        ...     lcs = server.client().get_lightcurves(["ZTF00aaaaaab", "ZTF00aaaaaac"])
        >>> sorted(set(lcs.stack()["oid"].tolist()))
        ['ZTF00aaaaaab', 'ZTF00aaaaaac']
        """
        if via == "tap":
            return self.get_lightcurves_tap(oids, max_workers=max_workers, progress=progress,
                                            get_query_payload=get_query_payload, **kwargs)
        if via != "rest":
            raise InvalidQueryError(f"via must be 'rest' or 'tap', got {via!r}")
        if not isinstance(oids, (str, bytes, int)) and hasattr(oids, "__iter__"):
            oids = list(oids)
            targets = {id(c): c for c in map(self._client_for, oids)}
            if len(targets) == 1 and next(iter(targets.values())) is not self:
                # every id is another survey's (LSST integers on a default client)
                return next(iter(targets.values())).get_lightcurves(
                    oids, max_workers=max_workers, progress=progress,
                    get_query_payload=get_query_payload, **kwargs)
        if self._multisurvey:  # batches of several oids per request
            return self._ms_get_lightcurves(oids, max_workers=max_workers, progress=progress,
                                            get_query_payload=get_query_payload, kwargs=kwargs)
        if hasattr(self.service, "prepared_lightcurves"):
            # The workers fetch and check the answers; their rows are prepared together,
            # a chunk at a time (_LightCurveBatches).
            # A call only fetches and decodes (the tables are made a chunk at a time), so
            # calls beyond the request slots would only wait for one: one call per slot
            # (measured on 200 light curves: the same time, ~40 % fewer context switches,
            # ~10 % less CPU).
            batches = _LightCurveBatches(self)
            return self._bulk(batches.call, oids, what="light curves",
                              max_workers=max_workers, progress=progress,
                              get_query_payload=get_query_payload, kwargs=kwargs,
                              finish=batches.finish, spare_calls=False)
        return self._bulk(self._prepared_lightcurve, oids, what="light curves",
                          max_workers=max_workers, progress=progress,
                          get_query_payload=get_query_payload, kwargs=kwargs)

    def _prepared_lightcurve(self, oid, **kwargs):
        """``get_lightcurve`` that leaves the light curve prepared, not built: the result
        builds each one when asked for, and stacks them all without building any."""
        token = PREPARE_ONLY.set(True)
        try:
            return self.get_lightcurve(oid, **kwargs)
        finally:
            PREPARE_ONLY.reset(token)

    def query_magstats_many(self, oids, *, max_workers=None, progress=None,
                            get_query_payload=False, cache=None):
        """
        The magnitude statistics of many objects (`query_magstats` for each).
        {common}
        Returns
        -------
        `~alerce_astro.bulk.BulkResult`
            oid -> magstats table; ``.stack()`` gives one table, one row per object and band.

        Examples
        --------
        >>> stats = alerce.query_magstats_many(oids).stack()   # doctest: +SKIP
        """
        return self._bulk(self.query_magstats, oids, what="magstats tables",
                          max_workers=max_workers, progress=progress,
                          get_query_payload=get_query_payload, kwargs={"cache": cache})

    def query_probabilities_many(self, oids, *, classifier=None, classifier_version=None,
                                 max_workers=None, progress=None, get_query_payload=False,
                                 cache=None):
        """
        The classification probabilities of many objects (`query_probabilities` for each).
        {common}
        classifier, classifier_version : str, optional
            Only this classifier / version, as in `query_probabilities`.

        Returns
        -------
        `~alerce_astro.bulk.BulkResult`
            oid -> probability table; ``.stack()`` gives one table.

        Examples
        --------
        >>> probs = alerce.query_probabilities_many(oids, classifier="lc_classifier")
        ... # doctest: +SKIP
        """
        return self._bulk(self.query_probabilities, oids, what="probability tables",
                          max_workers=max_workers, progress=progress,
                          get_query_payload=get_query_payload,
                          kwargs={"classifier": classifier,
                                  "classifier_version": classifier_version, "cache": cache})

    def query_features_many(self, oids, *, names=None, fid=None, version=None,
                            max_workers=None, progress=None, get_query_payload=False,
                            cache=None):
        """
        The light-curve features of many objects (`query_features` for each).
        {common}
        names, fid, version : optional
            Only these features / this band / this version, as in `query_features`.

        Returns
        -------
        `~alerce_astro.bulk.BulkResult`
            oid -> feature table (long form); ``.stack()`` gives one long table, which
            ``features_to_wide`` turns into one row per object.

        Examples
        --------
        >>> feats = alerce.query_features_many(oids, names="Multiband_period")  # doctest: +SKIP
        """
        return self._bulk(self.query_features, oids, what="feature tables",
                          max_workers=max_workers, progress=progress,
                          get_query_payload=get_query_payload,
                          kwargs={"names": names, "fid": fid, "version": version,
                                  "cache": cache})

    def get_stamps_many(self, oids, *, max_workers=None, progress=None,
                        get_query_payload=False, **kwargs):
        """
        The stamps of many objects (``get_stamps`` for each).
        {common}
        **kwargs
            Keywords of ``get_stamps`` (``candid`` excepted: it belongs to one object), the
            same for every object. Stamps never change and are cached for good.

        Notes
        -----
        ``get_stamps`` fetches an alert's three images at once, so this method works on
        ``max_workers // 3`` objects at a time (at least one): ``max_workers`` still bounds
        the requests in flight.

        Returns
        -------
        `~alerce_astro.bulk.BulkResult`
            oid -> what ``get_stamps`` returns. These are not tables: ``.stack()`` refuses.

        Examples
        --------
        >>> stamps = alerce.get_stamps_many(oids)   # doctest: +SKIP
        """
        if "candid" in kwargs:
            raise InvalidQueryError("get_stamps_many takes no candid: a candid belongs to one "
                                    "object; use get_stamps(oid, candid=...)")
        return self._bulk(self.get_stamps, oids, what="stamps", max_workers=max_workers,
                          progress=progress, get_query_payload=get_query_payload,
                          kwargs=kwargs, requests_per_call=3)


#: Answers prepared together in a bulk download of light curves: enough that the fixed cost of
#: converting each of the ~40 columns is shared (a ~70-point ZTF light curve: 0.55 ms alone),
#: few enough that the rows waiting stay small and the work overlaps the requests.
LIGHTCURVE_CHUNK = 50
#: ...or as many as hold this many rows: large light curves gain little from being prepared
#: together (1,000 points: 2.5 vs 2.6 ms alone), and their rows are what waits in memory.
LIGHTCURVE_CHUNK_ROWS = 5000

#: What a call of `_LightCurveBatches` returns: its light curve is in the batches' results.
_IN_BATCH = object()


class _LightCurveBatches:
    """
    `get_lightcurves` (ZTF) in chunks: each worker fetches and checks an object's answers
    (``call``) and leaves them waiting; the worker that makes a chunk of `LIGHTCURVE_CHUNK`
    prepares it (``service.prepared_lightcurves``: the columns of all its rows converted and
    ordered together), and ``finish`` prepares what is left at the end of the run and puts
    each light curve (or its error, in ``failed``) in the run's values. Each light curve is
    what ``get_lightcurve`` prepares for that object alone, with the same warnings, filed
    under it.
    """

    def __init__(self, client):
        self.client = client
        self.lock = threading.Lock()
        self.waiting = []
        self.ready = {}
        self.rows = 0
        self.non_detections = True

    def call(self, oid, **kwargs):
        client = self.client
        if kwargs.get("get_query_payload") or client._client_for(oid) is not client:
            # the requests (get_lightcurve checks the keywords), or another survey's object
            return client._prepared_lightcurve(oid, **kwargs)
        oid = client.survey.validate_oid(oid)
        route = client._route("lightcurve", oid=oid)
        forced_route = (client._route("forced_photometry", oid=oid)
                        if kwargs.get("forced_photometry") else None)
        data, forced, meta = client._lightcurve_answers(route, forced_route,
                                                        cache=kwargs.get("cache"))
        rows = _count_rows(data) + len(forced or ())
        chunk = None
        with self.lock:
            # the same for every call of a run
            self.non_detections = kwargs.get("non_detections", True)
            self.waiting.append((oid, data, forced, meta))
            self.rows += rows
            if (len(self.waiting) >= LIGHTCURVE_CHUNK
                    or self.rows >= LIGHTCURVE_CHUNK_ROWS):
                chunk, self.waiting, self.rows = self.waiting, [], 0
        if chunk:
            self.prepare(chunk)
        return _IN_BATCH

    def prepare(self, chunk):
        try:
            prepared = self.client.service.prepared_lightcurves(
                chunk, non_detections=self.non_detections, warn_as=working_on)
        except Exception as error:  # not an object's rows (those are its own error): ours
            prepared = {oid: error for oid, *_ in chunk}
        for oid, lc in prepared.items():
            if not isinstance(lc, Exception):
                try:
                    with working_on(oid):
                        warn_if_empty(lc, oid)
                except Exception as error:  # a warning the caller made an error
                    prepared[oid] = error
        with self.lock:
            self.ready.update(prepared)

    def finish(self, values, failed):
        with self.lock:
            chunk, self.waiting, self.rows = self.waiting, [], 0
        if chunk:
            self.prepare(chunk)
        for oid, value in list(values.items()):
            if value is _IN_BATCH:
                outcome = self.ready.pop(oid)
                if isinstance(outcome, Exception):
                    del values[oid]
                    failed[oid] = outcome
                else:
                    values[oid] = outcome


def _count_rows(data):
    """The rows of a checked ``/lightcurve`` body (a dict of two lists, or None)."""
    if not data:
        return 0
    return len(data.get("detections") or ()) + len(data.get("non_detections") or ())


for _name in ("get_lightcurves", "query_magstats_many", "query_probabilities_many",
              "query_features_many", "get_stamps_many"):
    _method = getattr(BulkQueries, _name)
    # Blank lines around the shared block keep the numpydoc sections apart.
    _method.__doc__ = _method.__doc__.replace(
        "        {common}", "\n" + _COMMON_DOC.strip("\n") + "\n")
del _name, _method
