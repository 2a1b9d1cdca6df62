"""
The bulk engine: run a per-object call over many object ids in a pool of threads.

Each request is already retried by the transport (5xx, 429 with ``Retry-After``, dropped
connections; see `alerce_astro.transport`), so the engine does not retry failed requests. The
one exception: an object whose call ran out of transport retries
(`~alerce_astro.exceptions.ServiceUnavailableError`) gets one more call at the end of the run,
after a pause, when a passing outage may be over (``retry_unavailable``). Whatever a call still
raises is recorded against its id in `BulkResult.failed` and the work goes on, so one bad
object never costs the others.

Two limits: ``max_workers`` calls run at once (threads), and with ``max_requests`` at most that
many HTTP requests are in flight at once across them (the transport's request slots,
`alerce_astro.transport.REQUEST_SLOTS`). A request keeps its slot while it is retried and
during the pauses between tries, so a struggling server never sees more than ``max_requests``
requests at once from one run; it gives the slot back before its answer is parsed, so that
with more threads than slots the next requests go out while earlier answers become tables.

Warnings raised by the calls (an empty light curve, say) are collected per object instead of
being printed once per object, and summarised once per category at the end. They are taken
where Python hands a warning over to be shown (``warnings.showwarning``), after the warning
filters: the filters, one process-wide list, are never changed (two runs at once, or a run and
the caller's other threads, would otherwise undo each other's changes), so a category the caller
ignores is not collected and one the caller turns into errors fails its object.

While a run goes on, the garbage collector leaves the objects that existed before it alone
(`alerce_astro.bulk.frozen_heap`): full collections then walk the run's objects only.
"""

import contextlib
import contextvars
import queue
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

from ..exceptions import ServiceUnavailableError
from ..transport import REQUEST_SLOTS
from .frozen_heap import old_objects_set_aside
from .progress import progress_bar
from .result import BulkFailureWarning, BulkResult

__all__ = ["run_many", "working_on"]


class _WarningCollector:
    """Files each warning of a run's worker threads under the oid the thread is working on."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_oid = {}
        self.other = []

    def add(self, record, oid):
        with self.lock:
            if oid is None:
                self.other.append(record)
            else:
                self.by_oid.setdefault(oid, []).append(record)


#: In a call of a run: ``(collector, oid)``. A context variable, so that threads the call
#: starts with a copy of its context (the three stamp downloads) report to the run too.
_WORKER = contextvars.ContextVar("alerce_astro_bulk_worker", default=None)


@contextlib.contextmanager
def working_on(oid):
    """In a call (or the ``finish``) of a run: file the warnings raised inside under ``oid``
    (work done for several objects at once); outside a run, nothing."""
    worker = _WORKER.get()
    token = None if worker is None else _WORKER.set((worker[0], oid))
    try:
        yield
    finally:
        if token is not None:
            _WORKER.reset(token)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """``warnings.showwarning`` while runs are active: a worker's warnings go to its run."""
    worker = _WORKER.get()
    if worker is None:
        _ROUTER.previous(message, category, filename, lineno, file, line)
        return
    collector, oid = worker
    collector.add(warnings.WarningMessage(message, category, filename, lineno, file, line), oid)


class _WarningRouter:
    """
    Puts `_show_warning` in place while at least one run is active, and what was there back
    after the last one (unless someone replaced it in the meantime). Unlike
    `warnings.catch_warnings`, runs that overlap in several threads share it safely.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.users = 0
        self.previous = warnings.showwarning

    def __enter__(self):
        with self.lock:
            if warnings.showwarning is not _show_warning:
                self.previous = warnings.showwarning
                warnings.showwarning = _show_warning
            self.users += 1

    def __exit__(self, *exc):
        with self.lock:
            self.users -= 1
            if not self.users and warnings.showwarning is _show_warning:
                warnings.showwarning = self.previous


_ROUTER = _WarningRouter()


def run_many(call, oids, *, max_workers, max_requests=None, progress=None, what="objects",
             transport=None, retry_unavailable=1, pause=0.0, stacklevel=1, finish=None):
    """
    Call ``call(oid)`` for every oid, ``max_workers`` at a time, and collect what comes back.

    Parameters
    ----------
    call : callable
        ``call(oid)`` returns the value for one object or raises.
    oids : list of str
        Validated object ids, without duplicates; the result keeps this order.
    max_workers : int
        Most calls running at once.
    max_requests : int, optional
        Most requests in flight at once, over all the calls (those made through a
        `~alerce_astro.transport.Transport`); `None` for no limit but ``max_workers``.
    progress : bool or None, optional
        Progress bar: `True`, `False`, or `None` for "when someone can see it".
    what : str, optional
        What one value is ("light curves"), for the bar and messages.
    transport : `~alerce_astro.transport.Transport`, optional
        Its request counter gives the number of HTTP requests sent (``meta["requests"]``).
    retry_unavailable : int, optional
        Extra rounds for the objects whose call raised `ServiceUnavailableError` (the
        transport's retries ran out), run after every other object.
    pause : float, optional
        Seconds to wait before such a round.
    stacklevel : int, optional
        Which caller the summary warnings point at: 1 for the caller of this function, 2
        for its caller, and so on.
    finish : callable, optional
        ``finish(values, failed)``, called once the calls are done, before the result is
        made: it may replace values, or move an oid to ``failed`` with its error (work the
        calls left for the end, such as a last batch); its warnings about an object are
        filed under it inside `working_on`.

    Returns
    -------
    `BulkResult`
        The values by oid, with ``failed`` holding the final error of every other oid.

    Warns
    -----
    BulkFailureWarning
        When some objects failed (their errors are in ``failed``).
    Warning
        Each kind of warning raised by the calls, once, saying how many objects it concerned
        (every warning is kept in ``BulkResult.warnings``).

    Examples
    --------
    >>> from alerce_astro.bulk import run_many
    >>> result = run_many(lambda oid: oid.lower(), ["ZTF20aaelulu", "ZTF18abbuive"],
    ...                   max_workers=2, progress=False)
    >>> dict(result)
    {'ZTF20aaelulu': 'ztf20aaelulu', 'ZTF18abbuive': 'ztf18abbuive'}
    """
    oids = list(oids)
    collector = _WarningCollector()
    values, failed = {}, {}
    sent_before = transport.requests_sent if transport is not None else 0
    start = time.perf_counter()

    slots = _RequestSlots(max_requests) if max_requests else None

    def one(oid):
        worker = _WORKER.set((collector, oid))
        token = REQUEST_SLOTS.set(slots)
        try:
            return call(oid)
        finally:
            REQUEST_SLOTS.reset(token)
            _WORKER.reset(worker)

    bar = progress_bar(len(oids), progress=progress, description=what)
    workers = max(1, min(max_workers, len(oids)))
    rounds = 0
    with _ROUTER, old_objects_set_aside:
        try:
            todo = oids
            while todo:
                rounds += 1
                _one_round(one, todo, workers, values, failed, bar)
                todo = [oid for oid in todo if isinstance(failed.get(oid),
                                                          ServiceUnavailableError)]
                if rounds > retry_unavailable:
                    break
                if todo:
                    time.sleep(pause)
                    for oid in todo:
                        del failed[oid]
                    # these are counted again by the bar: show them as still to do
                    bar.update(-len(todo))
            if finish is not None:
                worker = _WORKER.set((collector, None))
                try:
                    finish(values, failed)
                finally:
                    _WORKER.reset(worker)
        except BaseException:
            # Ctrl-C or an error of our own: calls still waiting for a slot send nothing.
            if slots is not None:
                slots.close()
            raise
        finally:
            bar.close()
    elapsed = time.perf_counter() - start
    sent = (transport.requests_sent - sent_before) if transport is not None else None
    result = BulkResult(
        {oid: values[oid] for oid in oids if oid in values},
        {oid: failed[oid] for oid in oids if oid in failed},
        oids, what=what,
        warnings={oid: collector.by_oid[oid] for oid in oids if oid in collector.by_oid},
        meta={"elapsed": elapsed, "requests": sent, "max_workers": max_requests or workers,
              "threads": workers, "rounds": rounds})
    _report(result, collector.other, stacklevel=stacklevel + 2)
    return result


class _RunStopped(Exception):
    """Raised in the calls of a bulk run that was interrupted, instead of a new request."""


class _RequestSlots:
    """At most ``n`` requests in flight (the transport enters it around each request and its
    retries); once closed, a request that gets a slot raises instead of being sent."""

    def __init__(self, n):
        self._semaphore = threading.BoundedSemaphore(n)
        self._closed = False

    def close(self):
        self._closed = True

    def __enter__(self):
        self._semaphore.acquire()
        if self._closed:
            self._semaphore.release()
            raise _RunStopped("the bulk run was interrupted")
        return self

    def __exit__(self, *exc):
        self._semaphore.release()


def _one_round(one, oids, workers, values, failed, bar):
    pool = ThreadPoolExecutor(max_workers=min(workers, len(oids)),
                              thread_name_prefix="alerce-bulk")
    # Each finished call reports itself on a queue: waiting with `concurrent.futures.wait`
    # instead would hook into every pending future at every wake-up, a cost that grows with
    # the number of objects (quadratic over a run: ~2 ms of CPU per object at 5,000).
    finished = queue.SimpleQueue()
    try:
        futures = {}
        for oid in oids:
            future = pool.submit(one, oid)
            futures[future] = oid
            future.add_done_callback(finished.put)
        for _ in range(len(futures)):
            future = _next_finished(finished)
            oid = futures.pop(future)
            error = future.exception()
            if error is None:
                values[oid] = future.result()
            elif isinstance(error, Exception):
                failed[oid] = error
                bar.set_postfix_str(f"{len(failed)} failed", refresh=False)
            else:  # KeyboardInterrupt, SystemExit in a worker: stop everything
                raise error
            bar.update(1)
    except BaseException:
        # Ctrl-C or an error of our own: drop what has not started; running calls end within
        # their time limit.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _next_finished(finished):
    """The next finished future; waits in short steps, so that Ctrl-C is seen everywhere."""
    while True:
        try:
            return finished.get(timeout=0.25)
        except queue.Empty:
            continue


def _report(result, other, stacklevel):
    """Warn once per category of the calls' warnings, then once about the failures."""
    grouped = {}
    for oid in result.requested:  # in the order asked, whatever the order of completion
        for record in result.warnings.get(oid, ()):
            grouped.setdefault(record.category, {}).setdefault(oid, record)
    total = len(result.requested)
    for category, firsts in grouped.items():
        oids = list(firsts)
        example = str(next(iter(firsts.values())).message)
        if len(oids) == 1:
            text = example
        else:
            text = (f"{len(oids)} of {total} objects ({_some(oids)}), e.g.: {example} "
                    f"(every warning is in the result's .warnings)")
        warnings.warn(text, category, stacklevel=stacklevel)
    for record in other:
        warnings.warn(record.message, record.category, stacklevel=stacklevel)
    if result.failed:
        warnings.warn(result.failure_summary(), BulkFailureWarning, stacklevel=stacklevel)


def _some(oids, n=3):
    return ", ".join(oids[:n]) + (f" and {len(oids) - n} more" if len(oids) > n else "")
