"""
The HTTP session pyvo talks through: the package's time limit and retry conventions.

pyvo sends its requests with a `requests.Session` it is given, and passes no time limit of its
own to most of them. `TapSession` gives every request the caller's time limit (the package's
``timeout``) and retries, with exponential backoff honouring ``Retry-After`` up to
``max_retry_delay``, what is worth retrying: failed connections, 429 and the 502/503/504 of
a proxy or an overloaded server. A read that timed out is not retried: a slow query would only
be slow again (`alerce_astro.apis.tap.query` moves it to an async job instead), and a 500 from
a TAP service is a query failing, not a glitch. The AUTH-TOKEN of the REST APIs is never sent.
"""

import contextlib
import io
import threading

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ... import __version__

__all__ = ["TapSession", "RETRY_STATUSES"]

#: Statuses worth another try for a TAP service.
RETRY_STATUSES = (429, 502, 503, 504)


class TapSession(requests.Session):
    """
    A `requests.Session` with a default time limit and retries, for `pyvo.dal.TAPService`.

    Parameters
    ----------
    timeout : float
        Seconds allowed to connect and between two reads of an answer.
    max_retries : int, optional
        Retries of a failed connection or a 429/502/503/504 answer.
    backoff_factor : float, optional
        Seconds of the first retry delay; each later one doubles.
    max_retry_delay : float, optional
        Longest wait between two tries, even if the server asks for more.
    pool_size : int, optional
        Keep-alive connections kept to the service (chunked queries run concurrently).

    Examples
    --------
    >>> from alerce_astro.apis.tap.session import TapSession
    >>> with TapSession(timeout=30) as session:
    ...     session.timeout
    30.0
    """

    def __init__(self, timeout, *, max_retries=4, backoff_factor=0.5, max_retry_delay=30.0,
                 pool_size=8):
        super().__init__()
        self.timeout = float(timeout)
        self._limits = threading.local()
        options = dict(
            # read=False: a read that timed out is raised as such (ReadTimeout), not retried.
            total=max_retries, connect=max_retries, read=False, status=max_retries, other=0,
            status_forcelist=RETRY_STATUSES,
            # TAP sends queries by POST (they read, they change nothing) and deletes
            # finished jobs: every method may be tried again.
            allowed_methods=None, backoff_factor=backoff_factor,
            respect_retry_after_header=True, raise_on_status=False)
        retry_class = _capped_retry_class(max_retry_delay)
        try:
            retry = retry_class(backoff_max=float(max_retry_delay), **options)
        except TypeError:  # urllib3 1.26: the class attribute caps the backoff
            retry = retry_class(**options)
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=pool_size)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        import pyvo

        self.headers["User-Agent"] = f"alerce_astro/{__version__} pyvo/{pyvo.__version__}"

    @classmethod
    def from_settings(cls, settings, **kwargs):
        """A session from `~alerce_astro.transport.RequestSettings` (the client's knobs)."""
        return cls(settings.timeout, max_retries=settings.max_retries,
                   backoff_factor=settings.backoff_factor,
                   max_retry_delay=settings.max_retry_delay, **kwargs)

    def request(self, method, url, **kwargs):
        if kwargs.get("timeout") is None:
            limit = getattr(self._limits, "seconds", None)
            kwargs["timeout"] = self.timeout if limit is None else min(self.timeout, limit)
        if kwargs.get("stream") and not getattr(self._limits, "streaming", False):
            # pyvo asks every answer streamed and does not always read it to the end nor close
            # it, which leaves sockets to the garbage collector (ResourceWarning) and outside
            # the pool. Read the answer whole (the table is built in memory anyway), give the
            # connection back, and hand pyvo a file-like body.
            kwargs["stream"] = False
            response = super().request(method, url, **kwargs)
            response.raw = _Body(response.content)
            return response
        return super().request(method, url, **kwargs)

    @contextlib.contextmanager
    def streaming(self):
        """Inside the block, this thread's ``stream=True`` requests really stream (for writing
        a large answer to disk); close their responses."""
        saved = getattr(self._limits, "streaming", False)
        self._limits.streaming = True
        try:
            yield self
        finally:
            self._limits.streaming = saved

    @contextlib.contextmanager
    def limited(self, seconds):
        """
        A shorter time limit for the requests this thread sends inside the block.

        Parameters
        ----------
        seconds : float or None
            The limit (`None`: no change).
        """
        saved = getattr(self._limits, "seconds", None)
        if seconds is not None:
            self._limits.seconds = seconds if saved is None else min(saved, seconds)
        try:
            yield self
        finally:
            self._limits.seconds = saved


def _capped_retry_class(cap):
    """A `Retry` class whose waits never exceed ``cap`` seconds, neither its own backoff nor
    what a ``Retry-After`` header asks (urllib3 caps only the former). A class, not an
    instance attribute, because urllib3 makes a new Retry object at every try."""
    cap = float(cap)

    class CappedRetry(Retry):
        BACKOFF_MAX = cap  # urllib3 1.26 (urllib3 2 takes backoff_max)

        def get_retry_after(self, response):
            value = super().get_retry_after(response)
            return None if value is None else min(value, cap)

    return CappedRetry


class _Body(io.BytesIO):
    """An answer's body read whole, readable as pyvo reads ``response.raw``."""

    def read(self, size=-1, decode_content=None, **kwargs):  # noqa: ARG002 (urllib3's signature)
        return super().read(-1 if size is None else size)
