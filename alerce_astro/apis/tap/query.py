"""
Running one ADQL query through pyvo: sync or async, uploads, errors, overflow, units.

`run_query` is what ``Alerce.query_tap`` calls. It sends the query with
`pyvo.dal.TAPService` over a `~alerce_astro.apis.tap.session.TapSession`, then:

- **sync or async**: ``async_=False`` runs a sync query, ``True`` an async job (UWS) whose
  phase is shown in a progress bar and which is aborted and deleted on Ctrl-C (or any error),
  and deleted once its result is read. ``None`` (the default) runs sync first, with a time
  limit below the ~30 s after which ALeRCE's service drops sync queries, and reruns the query
  as an async job when that limit passes;
- **overflow**: a result cut by ``MAXREC`` has ``QUERY_STATUS`` ``OVERFLOW``; pyvo does not
  warn when the cut is at the caller's ``maxrec``, so `run_query` looks at the status and warns
  `~alerce_astro.exceptions.MaxResultsWarning` saying how to get everything (and keeps at most
  ``maxrec`` rows: DaCHS sends one more with ``TOP n > MAXREC``);
- **errors**: `~alerce_astro.apis.tap.errors.TapQueryError` (an
  `~astroquery.exceptions.InvalidQueryError`) for an ADQL error, with the service's message
  and position; `~alerce_astro.exceptions.RemoteServiceError` for a failing service;
- **units**: `~alerce_astro.apis.tap.quirks.fill_in` puts back what ALeRCE's ``TAP_SCHEMA``
  omits (nJy, MJD days, masked text NULLs, exact ids).
"""

import functools
import html
import re
import time
import warnings  # warnings.warn only: never the filters (not thread-safe)
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from astropy.table import Table

from ...exceptions import InvalidQueryError, MaxResultsWarning, RemoteServiceError
from .errors import query_error, service_error
from .quirks import check_upload_names, fill_in

__all__ = ["run_query", "execute", "stream_votable", "prepare_uploads", "id_table",
           "SYNC_SECONDS", "AsyncJobError"]

#: Time limit of the sync try of an automatic query: below the ~30 s after which ALeRCE's
#: service has been seen to drop sync queries.
SYNC_SECONDS = 25.0
#: Seconds of each wait for an async job's end between two updates of its progress bar.
WAIT_STEP = 5.0
_FINAL_PHASES = ("COMPLETED", "ERROR", "ABORTED")
_TIMEOUT_WORDS = ("timed out", "took too long", "timeout", "time limit")


class AsyncJobError(RemoteServiceError):
    """An async job ended without a result (aborted by the service, or its phase unknown)."""


def prepare_uploads(uploads):
    """
    The ``uploads`` of a query as pyvo takes them, checked.

    Parameters
    ----------
    uploads : dict or None
        Table name -> an `~astropy.table.Table`, or a sequence of ids (a one-column table
        named ``id`` is made of it: ``int64`` for integer ids, exactly, text otherwise), or a
        path or URL of a VOTable.

    Returns
    -------
    dict or None

    Raises
    ------
    InvalidQueryError
        For a bad table name, a column named like a PostgreSQL system column (``oid``), or
        ids that are neither integers nor text.

    Examples
    --------
    >>> ups = prepare_uploads({"mine": [313897383979122767, 170028485706776685]})
    >>> ups["mine"]["id"].dtype, int(ups["mine"]["id"][0])
    (dtype('int64'), 313897383979122767)
    """
    if not uploads:
        return None
    if not isinstance(uploads, dict):
        raise InvalidQueryError("uploads must be a dict: table name -> table (query it as "
                                "TAP_UPLOAD.<name>)")
    out = {}
    for name, value in uploads.items():
        if not (isinstance(name, str) and name.isidentifier() and name.isascii()):
            raise InvalidQueryError(f"upload table name {name!r} must be an ASCII identifier")
        if isinstance(value, (str, Path)):
            out[name] = str(value)
            continue
        if not isinstance(value, Table):
            value = id_table(value, argument=f"uploads[{name!r}]")
        check_upload_names(name, value.colnames)
        out[name] = value
    return out


def id_table(ids, *, argument="ids"):
    """A one-column table ``id`` of object ids: ``int64`` (exact) or text."""
    values = list(ids.tolist() if hasattr(ids, "tolist") else ids)
    if not values:
        raise InvalidQueryError(f"{argument} is empty")
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
           for v in values):
        column = np.array(values, dtype=np.int64)
    elif all(isinstance(v, str) for v in values):
        column = np.array(values, dtype=str)
    else:
        raise InvalidQueryError(f"{argument} must be integers (LSST ids) or strings (ZTF ids), "
                                "not a mix and not floats (a float cannot hold a 19-digit id)")
    return Table({"id": column})


def _is_timeout(exc):
    """Whether a failure is a time limit passing: a read that timed out (however pyvo wrapped
    it), or the service saying the query took too long."""
    import requests

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, requests.exceptions.Timeout):
            return True
        text = str(getattr(exc, "reason", None) or exc).lower()
        if any(w in text for w in _TIMEOUT_WORDS):
            return True
        exc = getattr(exc, "cause", None) or exc.__cause__ or exc.__context__
    return False


def _results(votable, url, session):
    """pyvo's `~pyvo.dal.tap.TAPResults` of a parsed answer, without pyvo's overflow warning.

    pyvo warns `~pyvo.dal.DALOverflowWarning` on an ``OVERFLOW`` status (older versions
    while parsing, newer ones from ``execute``, not used here); `run_query` warns itself, with
    advice. Silencing pyvo with ``warnings.catch_warnings`` would change the process-wide
    filters under other threads (issue 17), so the status pyvo acts on is ``OK`` and the
    service's own status is kept in ``query_status``.
    """
    return _quiet_results_class()(votable, url=url, session=session)


@functools.cache
def _quiet_results_class():
    from pyvo.dal.tap import TAPResults

    class QuietResults(TAPResults):
        def _findstatus(self, votable):
            status = super()._findstatus(votable)
            self._service_status = status[0]
            if str(status[0]).lower() == "overflow":
                return ("OK", status[1])
            return status

        @property
        def query_status(self):
            return self._service_status

    return QuietResults


def _sync(service, adql, *, maxrec, uploads, session, time_limit):
    from pyvo.dal import DALFormatError, DALQueryError, DALServiceError

    query = service.create_query(adql, maxrec=maxrec, uploads=uploads)
    try:
        with session.limited(time_limit):
            votable = query.execute_votable()
        return _results(votable, query.queryurl, session)
    except DALQueryError as exc:
        if time_limit and _is_timeout(exc):
            raise _SyncTooSlow() from exc
        raise query_error(exc, adql) from None
    except (DALServiceError, DALFormatError) as exc:
        if time_limit and _is_timeout(exc):
            raise _SyncTooSlow() from exc
        raise service_error(exc, service.baseurl) from None


class _SyncTooSlow(Exception):
    pass


def _async(service, adql, *, maxrec, uploads, session, wait_timeout, progress):
    import requests
    from astropy.io.votable import parse as votable_parse
    from pyvo.dal import DALQueryError, DALServiceError

    try:
        job = service.submit_job(adql, maxrec=maxrec, uploads=uploads)
    except DALServiceError as exc:
        raise service_error(exc, service.baseurl) from None
    bar = _job_bar(job, progress)
    started = time.monotonic()
    try:
        job.run()
        phase = _wait(job, bar, started, wait_timeout)
        if phase != "COMPLETED":
            try:
                job.raise_if_error()
            except DALQueryError as exc:
                raise query_error(exc, adql) from None
            raise AsyncJobError(f"TAP job {job.url} ended in phase {phase} without a result")
        response = session.get(job.result_uri, stream=True)
        response.raise_for_status()
        votable = votable_parse(response.raw.read)
        return _results(votable, job.result_uri, session)
    except KeyboardInterrupt:
        bar.set_postfix_str("interrupted: aborting and deleting the job")
        _abort(job)
        raise
    except (DALServiceError, requests.RequestException) as exc:
        raise service_error(exc, service.baseurl) from None
    finally:
        bar.close()
        _delete(job)


def _wait(job, bar, started, wait_timeout):
    """Wait for the job's end, a few seconds at a time (pyvo blocks on the service with UWS
    WAIT where it can), showing the phase; abort it past ``wait_timeout``."""
    from pyvo.dal import DALServiceError

    while True:
        phase = job.phase
        elapsed = time.monotonic() - started
        bar.set_postfix_str(f"{phase}, {elapsed:.0f} s")
        if phase in _FINAL_PHASES:
            return phase
        if wait_timeout is not None and elapsed > wait_timeout:
            _abort(job)
            raise RemoteServiceError(
                f"TAP job {job.url} did not finish within wait_timeout={wait_timeout} s "
                f"(last phase {phase}); it was aborted")
        step = WAIT_STEP if wait_timeout is None else max(0.5, min(WAIT_STEP,
                                                                   wait_timeout - elapsed))
        try:
            job.wait(phases=set(_FINAL_PHASES), timeout=step)
        except DALServiceError as exc:
            # pyvo's "not yet" (DALJobTimeoutError, a DALServiceError); anything else is real.
            if not _is_timeout(exc) and "did not reach" not in str(exc):
                raise


def _abort(job):
    # Best effort: the job may already be gone, the service down; the user's Ctrl-C wins.
    try:
        job.abort()
    except Exception:  # noqa: BLE001
        pass


def _delete(job):
    try:
        if job.url:
            job.delete()
    except Exception:  # noqa: BLE001 (a job left behind expires on the service anyway)
        pass


class _JobBar:
    def __init__(self, job, progress):
        from ...bulk.progress import wants_progress

        self._bar = None
        if wants_progress(progress):
            from tqdm.auto import tqdm

            self._bar = tqdm(total=None, desc=f"TAP job {job.job_id}",
                             bar_format="{desc}: {postfix}", delay=0 if progress else 0.5)

    def set_postfix_str(self, text):
        if self._bar is not None:
            self._bar.set_postfix_str(text)

    def close(self):
        if self._bar is not None:
            self._bar.close()


def _job_bar(job, progress):
    return _JobBar(job, progress)


def run_query(url, adql, *, session, maxrec=None, async_=None, uploads=None,
              sync_seconds=SYNC_SECONDS, wait_timeout=None, progress=None):
    """
    Run an ADQL query on the TAP service at ``url``; return an astropy Table.

    Parameters
    ----------
    url : str
        The TAP service's base URL.
    adql : str
        The query.
    session : `~alerce_astro.apis.tap.session.TapSession`
        The HTTP session (time limits, retries).
    maxrec : int, optional
        Most rows to return; the service's default limit when not given.
    async_ : bool or None, optional
        `True` for an async job, `False` for a sync query, `None` to try sync and move to an
        async job if the sync query takes more than ``sync_seconds``.
    uploads : dict, optional
        Tables to upload (see `prepare_uploads`); query them as ``TAP_UPLOAD.<name>``.
    sync_seconds : float, optional
        The time limit of the sync try of an automatic query.
    wait_timeout : float, optional
        Most seconds to wait for an async job (it is aborted after); no limit by default.
    progress : bool or None, optional
        Show the async job's phase in a progress bar (by default when someone can see it).

    Returns
    -------
    `~astropy.table.Table`
        With units and descriptions; ``meta`` has ``url``, ``query``, ``mode`` (``sync`` or
        ``async``), ``query_status``, ``maxrec`` and ``retrieved``.

    Warns
    -----
    MaxResultsWarning
        When the service cut the result (``QUERY_STATUS`` OVERFLOW), saying how to get more.

    Raises
    ------
    InvalidQueryError
        `~alerce_astro.apis.tap.errors.TapQueryError` for a query the service refused.
    RemoteServiceError
        When the service fails.
    """
    table, service = execute(url, adql, session=session, maxrec=maxrec, async_=async_,
                             uploads=uploads, sync_seconds=sync_seconds,
                             wait_timeout=wait_timeout, progress=progress)
    if table.meta["query_status"] == "OVERFLOW":
        _warn_overflow(service, len(table), maxrec)
    return table


def execute(url, adql, *, session, maxrec=None, async_=None, uploads=None,
            sync_seconds=SYNC_SECONDS, wait_timeout=None, progress=None):
    """
    `run_query` without the overflow warning: ``(table, service)``; the caller looks at
    ``table.meta["query_status"]`` (``OK`` or ``OVERFLOW``).
    """
    import pyvo

    if not isinstance(adql, str) or not adql.strip():
        raise InvalidQueryError("the ADQL query must be a non-empty string")
    if maxrec is not None:
        if isinstance(maxrec, bool) or not isinstance(maxrec, (int, np.integer)) or maxrec < 0:
            raise InvalidQueryError(f"maxrec must be a non-negative integer, got {maxrec!r}")
        maxrec = int(maxrec)
    uploads = prepare_uploads(uploads)
    service = pyvo.dal.TAPService(url, session=session)
    options = dict(maxrec=maxrec, uploads=uploads, session=session)
    mode = "sync"
    if async_:
        mode = "async"
        result = _async(service, adql, wait_timeout=wait_timeout, progress=progress, **options)
    elif async_ is None:
        try:
            result = _sync(service, adql, time_limit=sync_seconds, **options)
        except _SyncTooSlow:
            mode = "async"
            result = _async(service, adql, wait_timeout=wait_timeout, progress=progress,
                            **options)
    else:
        result = _sync(service, adql, time_limit=None, **options)
    return _finish(result, service, adql, maxrec=maxrec, mode=mode), service


def _finish(result, service, adql, *, maxrec, mode):
    status = (result.query_status or "OK").upper()
    table = result.to_table()
    if status == "OVERFLOW" and maxrec is not None and len(table) > maxrec:
        table = table[:maxrec]
    fill_in(table)
    table.meta.clear()
    table.meta.update({
        "service": "ALeRCE TAP", "url": service.baseurl, "query": adql, "mode": mode,
        "query_status": status, "maxrec": maxrec,
        "retrieved": datetime.now(timezone.utc).isoformat(timespec="seconds")})
    return table


def _warn_overflow(service, rows, maxrec):
    try:
        hardlimit = service.hardlimit
    except Exception:  # noqa: BLE001 (the advice is worth less than the result)
        hardlimit = None
    limit = f"maxrec={maxrec}" if maxrec is not None else "the service's default row limit"
    most = f" (this service allows up to {hardlimit})" if hardlimit else ""
    at = f" at {rows} rows" if rows is not None else ""
    warnings.warn(
        f"The TAP service cut the result{at} ({limit}). To get everything, pass a "
        f"larger maxrec{most}, use TOP or WHERE to ask for less, or split the query (e.g. "
        "by object or by time); async_=True suits long queries.", MaxResultsWarning)


def stream_votable(url, adql, path, *, session, maxrec=None, uploads=None, progress=None,
                   async_=False, wait_timeout=None):
    """
    Write a query's VOTable answer straight to a file, without building a table in memory.

    Parameters
    ----------
    url, adql, session, maxrec, uploads, progress, async_, wait_timeout
        As for `run_query` (``async_`` is `True` or `False`).
    path : path-like
        Where to write the VOTable.

    Returns
    -------
    `~pathlib.Path`
        ``path``; the query's status is checked in the written file: an error answer raises
        and removes it, an overflow warns.
    """
    import pyvo
    from pyvo.dal import DALQueryError, DALServiceError

    uploads = prepare_uploads(uploads)
    service = pyvo.dal.TAPService(url, session=session)
    path = Path(path)
    part = path.with_name(path.name + ".part")
    try:
        if async_:
            job = service.submit_job(adql, maxrec=maxrec, uploads=uploads)
            bar = _job_bar(job, progress)
            try:
                job.run()
                phase = _wait(job, bar, time.monotonic(), wait_timeout)
                if phase != "COMPLETED":
                    job.raise_if_error()
                    raise AsyncJobError(f"TAP job {job.url} ended in phase {phase}")
                with session.streaming():
                    response = session.get(job.result_uri, stream=True)
                _copy(response, part, progress)
            except KeyboardInterrupt:
                _abort(job)
                raise
            finally:
                bar.close()
                _delete(job)
        else:
            query = service.create_query(adql, maxrec=maxrec, uploads=uploads)
            with session.streaming():
                response = query.submit()
            _copy(response, part, progress)
    except DALQueryError as exc:
        part.unlink(missing_ok=True)
        raise query_error(exc, adql) from None
    except DALServiceError as exc:
        part.unlink(missing_ok=True)
        raise service_error(exc, url) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    status, message = _status_in_file(part)
    if status == "ERROR":
        part.unlink(missing_ok=True)
        raise query_error(DALQueryError(message), adql)
    part.replace(path)
    if status == "OVERFLOW":
        _warn_overflow(service, None, maxrec)
    return path


def _copy(response, path, progress):
    from ...bulk.progress import progress_bar

    try:
        if response.status_code >= 400:
            from pyvo.dal import DALQueryError, DALServiceError

            body = response.raw.read(1 << 20)
            status, message = _status_in_text(body)
            if status == "ERROR":
                raise DALQueryError(message)
            raise DALServiceError(f"HTTP {response.status_code}: "
                                  f"{body[:300].decode('utf-8', 'replace')}",
                                  code=response.status_code)
        response.raw.decode_content = True
        bar = progress_bar(None, progress=progress, description="TAP result", unit="B")
        with open(path, "wb") as fh:
            while True:
                chunk = response.raw.read(1 << 20)
                if not chunk:
                    break
                fh.write(chunk)
                bar.update(len(chunk))
        bar.close()
    finally:
        response.close()


def _status_in_file(path):
    """``(QUERY_STATUS, message)`` of a VOTable file, reading only its head and tail (where
    TAP services put the INFO)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(65536)
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    return _status_in_text(head, tail)


def _status_in_text(*texts):
    found = None
    for text in texts:
        for match in re.finditer(rb'<INFO[^>]*name="QUERY_STATUS"[^>]*>', text):
            found = match
            chunk = text
    if found is None:
        return "OK", ""
    value = re.search(rb'value="([A-Za-z]+)"', found.group(0))
    end = chunk.find(b"</INFO>", found.end())
    message = chunk[found.end():end].decode("utf-8", "replace") if end > 0 else ""
    return (value.group(1).decode().upper() if value else "OK"), html.unescape(message.strip())

