"""
HTTP for every service: timeouts, retries with backoff, error messages, caching, credentials.

One `Transport` wraps one `requests.Session` (a pool of keep-alive connections, safe to share
between the threads of bulk work). For each GET it:

- gives each try one deadline, from its first byte to its last (connecting, the status line,
  headers, body, chunked trailers and every redirect hop): each socket operation may wait only
  for what is left of it, and a watchdog thread shuts the try's sockets down when it passes, so
  whatever a server sends or withholds, slowly or not at all, a try ends on time;
- retries 5xx, 429 and dropped or truncated connections with exponential backoff, honouring a
  ``Retry-After`` header up to ``max_retry_delay``;
- follows redirects itself, only to the same host, sending the ``AUTH-TOKEN`` header only to
  the hosts it belongs to;
- caps the size of a body (after HTTP decompression, which is itself bounded per read);
- turns every failure into an astroquery exception whose message gives the URL, the status and
  what the server said (and never a credential: the token is checked before it is sent, removed
  from messages before they are cut, and the exceptions the error was raised from are dropped;
  see `alerce_astro.redaction`);
- hands the body to the caller's parser and caches it only if the parser accepted it.
"""

import contextlib
import contextvars
import email.utils
import heapq
import itertools
import os
import re
import socket
import threading
import time
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import urllib3.exceptions
import urllib3.poolmanager
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ClosedPoolError,
    ConnectTimeoutError,
    LocationValueError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util import Timeout as TimeoutSauce

from . import redaction
from ._json import loads as json_loads
from .apis.dialects import GENERIC
from .cache import CacheProblems, request_key
from .exceptions import (
    InvalidQueryError,
    ObjectNotFoundError,
    RemoteServiceError,
    ResponseFormatError,
    ServiceUnavailableError,
    TokenRefusedError,
)

__all__ = ["Transport", "RequestSettings", "Answer", "parse_json", "server_message"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: The request slots (a semaphore) of the bulk run the current call belongs to, or None. A
#: request waits for a free slot and keeps it through its retries and their pauses, but not
#: while its answer is parsed: a bulk run can then use more threads than requests in flight,
#: building one object's result while the next object's request is on the wire.
REQUEST_SLOTS = contextvars.ContextVar("alerce_astro_request_slots", default=None)
TOKEN_HEADER = "AUTH-TOKEN"
_MAX_REDIRECTS = 5
#: What a token may hold: visible ASCII, no white space (a JWT is base64url and dots). Anything
#: else would make `requests` raise an error whose message quotes the header value.
_TOKEN_PATTERN = re.compile(r"[\x21-\x7e]+")
#: Failures of the network or of the server's framing: worth another try.
_RETRYABLE = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
              requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
_READ_SIZE = 65536


@dataclass(frozen=True)
class RequestSettings:
    """The knobs of one request, resolved from the call, the client and `~alerce_astro.conf`."""

    timeout: float = 60.0
    max_retries: int = 4
    backoff_factor: float = 0.5
    max_retry_delay: float = 30.0
    max_bytes: int = 256 * 2**20
    token: str | None = field(default=None, repr=False)
    token_hosts: frozenset = frozenset()


@dataclass
class Answer:
    """A successful answer: the final URL, status, headers, raw body and whether it was cached."""

    url: str
    status: int
    headers: dict
    body: bytes
    from_cache: bool = False


class Transport:
    """
    GET requests with retries, time limits, error mapping and an optional cache.

    Parameters
    ----------
    session : `requests.Session`, optional
        The session whose connection pool is used; a new one by default.
    pool_size : int, optional
        Keep-alive connections kept per host (at least the bulk concurrency).

    Examples
    --------
    >>> from alerce_astro.transport import Transport, RequestSettings
    >>> transport = Transport()
    >>> transport.requests_sent
    0
    """

    def __init__(self, session=None, *, pool_size=32):
        self.session = session if session is not None else requests.Session()
        adapter = self._adapter = _DeadlineAdapter(pool_connections=8, pool_maxsize=pool_size,
                                                   max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._lock = threading.Lock()
        self.requests_sent = 0
        #: What `requests` would read from the environment for each ``scheme://host:port``
        #: (proxies, CA bundle, netrc credentials), read once: `requests` reads it again on
        #: every request (``trust_env``), a fifth of a request's CPU time.
        self._environment = {}
        #: Where this client's cache problems are reported, once each (see `ResponseCache`).
        self.cache_problems = CacheProblems()
        # urllib3 logs the URLs it requests at DEBUG level: a same-host redirect could put a
        # token in one.
        redaction.install_log_filters()

    def get(self, url, params=None, *, settings, parse=None, cache=None, max_age=None,
            headers=None, dialect=None, no_retry=()):
        """
        GET a URL and return the parsed body.

        Parameters
        ----------
        url : str
            Full URL without query string.
        params : sequence of (str, object) pairs, optional
            Query parameters in order; repeated keys are allowed.
        settings : `RequestSettings`
            Time limits, retry policy and credentials.
        parse : callable, optional
            ``parse(answer)`` returns the value; it raises `ResponseFormatError` (or
            `RemoteServiceError`) on a body it cannot use. The raw `Answer` by default.
        cache : `~alerce_astro.cache.ResponseCache` or None
            Where to look first and store a parsed answer; `None` for no caching.
        max_age : float or None
            Seconds a cached answer stays valid; `None` for ever.
        headers : dict, optional
            Extra request headers.
        dialect : `~alerce_astro.apis.dialects.ErrorDialect`, optional
            How the API words its errors (the generic dialect by default): error messages
            quote the server through it.
        no_retry : collection of int, optional
            Statuses this call raises at once instead of retrying (for an API whose answer
            with that status is ambiguous and that the caller disambiguates more cheaply than
            by waiting through the back-off, e.g. a 500 meaning "unknown id"). The raised
            error carries the status as its ``status`` attribute.

        Returns
        -------
        object
            What ``parse`` returned.

        Raises
        ------
        ObjectNotFoundError
            On 404.
        ServiceUnavailableError
            When 5xx, 429 or broken connections persist after every retry.
        ResponseFormatError
            When the body cannot be parsed.
        RemoteServiceError
            On any other error status.
        """
        params = [(str(k), _param_text(v)) for k, v in (params or [])]
        parse = parse or (lambda answer: answer)
        _check_token(settings.token)
        redaction.register(settings.token)
        try:
            return self._get(url, params, settings, parse, cache, max_age, headers,
                             dialect or GENERIC, frozenset(no_retry))
        except (RemoteServiceError, InvalidQueryError) as exc:
            error, documented = exc, True
        except Exception as exc:  # noqa: BLE001 - a parser's bug: cleaned, then re-raised
            if not settings.token:
                raise
            error, documented = exc, False
        # A server may echo what it was sent: no message holds the token, and neither do the
        # exceptions this one was raised from (their messages, a JSON error's document, a
        # requests error's request headers), nor, for the documented errors of a call with a
        # token, the frames below this one (their local variables hold the headers sent).
        redaction.scrub_exception(error, drop_chain=documented or bool(settings.token))
        if documented and settings.token:
            error.__traceback__ = None
        raise error  # outside the except block: nothing new is chained

    def _get(self, url, params, settings, parse, cache, max_age, headers, dialect, no_retry):
        key = request_key("GET", url, params) if cache is not None else None
        if cache is not None:
            body = cache.get(key, max_age=max_age)
            if body is not None:
                try:
                    return parse(Answer(url, 200, {}, body, from_cache=True))
                except RemoteServiceError:
                    pass  # a stale or damaged entry: fetch it again
        with REQUEST_SLOTS.get() or contextlib.nullcontext():
            answer = self._fetch(url, params, settings, headers or {}, dialect, no_retry)
        value = parse(answer)
        # An answer that echoes a token is not written to disk. A cache that cannot be written
        # costs the cache, not the answer (the cache reports it, once per client).
        if cache is not None and not redaction.holds_secret(answer.body):
            cache.put(key, answer.body, url=redaction.redact(url))
        return value

    def _fetch(self, url, params, settings, headers, dialect, no_retry=frozenset()):
        # The URL as messages show it, made only for a message (a request's CPU time).
        shown = _ShownUrl(url, params)
        last_problem, last_delay = None, 0.0
        token_sent = bool(settings.token) and urlsplit(url).hostname in settings.token_hosts
        probed = False
        for attempt in range(settings.max_retries + 1):
            if attempt:
                time.sleep(last_delay)
            try:
                response, body = self._send(url, params, settings, headers)
            except _RETRYABLE as exc:
                last_problem = f"{_describe(exc)}"
                last_delay = _backoff(settings, attempt)
                continue
            except requests.exceptions.RequestException as exc:
                # A URL requests cannot send (no scheme, bad port...): trying again cannot help.
                raise InvalidQueryError(
                    f"GET {shown}: the request cannot be sent ({type(exc).__name__}); check the "
                    f"service URLs given to the client") from None
            if token_sent and response.status_code in (401, 403):
                raise _token_refused(shown, response.status_code, body, response.headers,
                                     dialect)
            if token_sent and response.status_code == 500 and not probed:
                # ALeRCE's token library answers 500 to an expired token on most routes: the
                # same request without the token tells a refused token from an outage, once.
                probed = True
                without = self._status_without_token(url, params, settings, headers)
                if without is not None and without < 500:
                    raise _token_refused(shown, 500, body, response.headers, dialect,
                                         without=without)
            if response.status_code in RETRY_STATUSES and response.status_code not in no_retry:
                last_problem = (f"HTTP {response.status_code}: "
                                f"{dialect.message(body, response.headers)}")
                last_delay = _retry_after(response.headers, settings) or _backoff(settings,
                                                                                  attempt)
                continue
            if response.status_code >= 400:
                raise _error_for(response.status_code, shown, body, response.headers, dialect)
            if 300 <= response.status_code < 400:
                raise RemoteServiceError(
                    f"GET {shown}: HTTP {response.status_code} redirect not followed "
                    f"(too many, or to {response.headers.get('Location', 'nowhere')!r})")
            return Answer(response.url, response.status_code, dict(response.headers), body)
        raise ServiceUnavailableError(
            f"GET {shown} failed after {settings.max_retries + 1} tries: {last_problem}")

    def _status_without_token(self, url, params, settings, headers):
        """The status of one try of the request without the token (None if it failed)."""
        try:
            response, _ = self._send(url, params, replace(settings, token=None), headers)
        except requests.exceptions.RequestException:
            return None
        return response.status_code

    def _send(self, url, params, settings, headers):
        """
        One try: the request, our own redirect handling and a bounded body read, all within
        one deadline of ``settings.timeout`` seconds that starts now.
        """
        deadline = _Deadline(settings.timeout)
        current = _CURRENT_DEADLINE.set(deadline)
        _WATCHDOG.arm(deadline)
        try:
            return self._send_within(deadline, url, params, settings, headers)
        except requests.exceptions.RequestException:
            # A socket the watchdog shut down reads as a dropped connection: say what it was.
            if deadline.fired or deadline.left() <= 0:
                raise deadline.timeout_error() from None
            raise
        finally:
            deadline.close()
            _CURRENT_DEADLINE.reset(current)

    def _send_within(self, deadline, url, params, settings, headers):
        target, query = url, params
        for _ in range(_MAX_REDIRECTS + 1):
            sent_headers = dict(headers)
            if settings.token and (urlsplit(target).hostname or "") in settings.token_hosts:
                sent_headers[TOKEN_HEADER] = settings.token
            left = deadline.left()
            if left <= 0:
                raise deadline.timeout_error()
            with self._lock:
                self.requests_sent += 1
            response = None
            try:
                # Connecting and every socket read may each wait only for what is left.
                response = self._request(target, query, sent_headers, (left, left))
                if response.is_redirect and "Location" in response.headers:
                    location = urljoin(response.url, response.headers["Location"])
                    if _same_service(target, location):
                        target, query = location, None
                        continue
                body = _read(response, settings, deadline)
                if deadline.fired:  # e.g. endless trailers cut by the watchdog
                    raise deadline.timeout_error()
                return response, body
            finally:
                # Unwatched before the connection goes back to the pool: a deadline that
                # passes later must not touch a connection another request then uses.
                deadline.unwatch()
                if response is not None:
                    response.close()
        return response, b""

    def _request(self, url, query, headers, timeout):
        """
        ``session.get(url, params=query, headers=headers, timeout=timeout, stream=True,
        allow_redirects=False)``, with what the environment says about ``url``'s host read
        once per host instead of on every request.
        """
        session = self.session
        auth, settings = self._environment_for(url)
        adapter = self._adapter
        if (type(session) is requests.Session and auth is _unchanged and not session.cookies
                and session.auth is None and not session.params
                and not any(session.hooks.values())
                and session.get_adapter(url) is adapter):
            # A plain session without auth, cookies, hooks, parameters or adapters of its own
            # (the client's): what prepare_request and Session.send would add is its headers
            # only, and building the rest was half of a request's CPU time. The adapter
            # sends, maps urllib3's errors and builds the response as for session.send.
            prepared = requests.PreparedRequest()
            prepared.method = "GET"
            prepared.url = prepared_url(url, query)
            sent = requests.structures.CaseInsensitiveDict(session.headers)
            sent.update(headers)
            if None in sent.values():  # a None value removes the header, as in requests
                sent = requests.structures.CaseInsensitiveDict(
                    (k, v) for k, v in sent.items() if v is not None)
            prepared.headers = sent
            prepared.body = None
            prepared.hooks = {"response": []}
            response = adapter.send_known(prepared, timeout, settings, urlsplit(url)[:2])
            if "set-cookie" in response.raw.headers:  # kept as Session.send keeps them
                requests.cookies.extract_cookies_to_jar(session.cookies, prepared, response.raw)
            return response
        prepared = session.prepare_request(requests.Request(
            "GET", url, headers=headers, params=query or {}, auth=auth))
        return session.send(prepared, timeout=timeout, allow_redirects=False, **settings)

    def _environment_for(self, url):
        """``(auth, send settings)`` for ``url``'s host, as `requests.Session.request` finds
        them (environment proxies and ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``, ``~/.netrc``)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        found = self._environment.get(key)
        if found is None:
            session = self.session
            settings = session.merge_environment_settings(url, {}, True, None, None)
            auth = None
            if session.trust_env and not session.auth:
                auth = requests.utils.get_netrc_auth(url)
            # A callable that changes nothing stands for "no netrc entry", so that
            # prepare_request does not look the file up again; but a session's own auth is
            # left for requests to merge (None), or it would be overridden by that callable.
            found = (auth or (None if session.auth else _unchanged), settings)
            self._environment[key] = found
        return found


def _unchanged(request):
    """The authentication of a host without a netrc entry: nothing added."""
    return request


def _read(response, settings, deadline):
    """The decoded body, read within ``deadline`` and the size cap."""
    declared = response.headers.get("Content-Length", "")
    if (declared.isdigit() and int(declared) > settings.max_bytes
            and not response.headers.get("Content-Encoding")):
        raise ResponseFormatError(
            f"GET {response.url}: the answer announces {declared} bytes, more than the "
            f"{settings.max_bytes} allowed; not reading it")
    raw = response.raw
    if callable(getattr(raw, "read1", None)):
        pieces = _timed_pieces(raw, deadline)
    else:  # urllib3 < 2.3: whole chunks, the deadline is checked between them
        pieces = response.iter_content(chunk_size=_READ_SIZE)
    chunks, size = [], 0
    for chunk in pieces:
        size += len(chunk)
        if size > settings.max_bytes:
            raise ResponseFormatError(
                f"GET {response.url}: the answer is larger than {settings.max_bytes} bytes; "
                f"refusing to read more")
        if deadline.left() <= 0:
            raise deadline.timeout_error()
        chunks.append(chunk)
    return b"".join(chunks)


def _timed_pieces(raw, deadline):
    """
    The body in pieces of at most ``_READ_SIZE`` decoded bytes, one socket read each.

    ``read(n)`` (what ``iter_content`` uses) blocks until ``n`` bytes arrived, however slowly
    they drip in: each socket read has its own time limit but their sum has none. ``read1``
    returns after one socket read, and that read may wait only for what is left of the
    deadline. Decompression is bounded per call (urllib3 keeps the rest for the next one), so
    a small compressed body cannot expand in memory beyond ``_READ_SIZE`` at a time.
    """
    from urllib3.exceptions import (
        DecodeError,
        HTTPError,
        ProtocolError,
        ReadTimeoutError,
        SSLError,
    )

    while True:
        left = deadline.left()
        if left <= 0:
            raise deadline.timeout_error()
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        if sock is not None:
            try:
                sock.settimeout(left)
            except OSError:
                pass
        try:
            chunk = raw.read1(_READ_SIZE, decode_content=True)
        except ReadTimeoutError:
            raise deadline.timeout_error() from None
        except ProtocolError as exc:
            raise requests.exceptions.ChunkedEncodingError(exc) from None
        except DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(exc) from None
        except SSLError as exc:
            raise requests.exceptions.SSLError(exc) from None
        except HTTPError as exc:  # any other failure of the body's framing: worth a retry
            raise requests.exceptions.ChunkedEncodingError(exc) from None
        if not chunk:
            return
        yield chunk


# --------------------------------------------------------------------------------------------
# Deadlines. Socket time limits alone cannot bound a try: each recv() has its own limit, and a
# server sending one byte just before it (a status line, headers, 1xx answers, trailers) keeps
# http.client reading for ever. So every try has a `_Deadline`; the connections our adapter
# makes tell the deadline of the try in progress (a context variable, so threads and bulk runs
# each have their own) which sockets they use, and one watchdog thread shuts those sockets down
# when the deadline passes: whatever read was blocked returns at once, and the try ends.

#: The deadline of the try in progress in this thread (or context), if any.
_CURRENT_DEADLINE = contextvars.ContextVar("alerce_astro_deadline", default=None)


class _Deadline:
    """
    The end of one try, and the sockets to shut down when it passes.

    The sockets are watched through duplicates of their descriptors, owned here: shutting a
    duplicate down ends the connection for every descriptor of it, and closing one never
    closes (or, once closed, reuses) a descriptor that belongs to someone else.
    """

    __slots__ = ("timeout", "end", "fired", "_socks", "_lock", "_closed")

    def __init__(self, timeout):
        self.timeout = timeout
        self.end = time.monotonic() + timeout
        self.fired = False
        self._socks = []
        self._lock = threading.Lock()
        self._closed = False

    def left(self):
        """Seconds left (negative once passed)."""
        return self.end - time.monotonic()

    def timeout_error(self):
        return requests.exceptions.ReadTimeout(
            f"the answer took longer than {self.timeout} s to arrive")

    def watch(self, sock):
        """Shut ``sock`` down too when the deadline passes (at once if it has passed)."""
        try:
            duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except (OSError, ValueError):  # already closed
            return
        with self._lock:
            if self._closed:
                duplicate.close()
                return
            self._socks.append(duplicate)
            if self.fired:
                _shut_down(duplicate)

    def unwatch(self):
        """Stop watching the sockets so far (their connection is going back to the pool)."""
        with self._lock:
            socks, self._socks = self._socks, []
            for sock in socks:
                sock.close()

    def fire(self):
        """Called by the watchdog: shut every watched socket down."""
        with self._lock:
            if self._closed:
                return
            self.fired = True
            for sock in self._socks:
                _shut_down(sock)

    def close(self):
        """The try is over: nothing to watch any more."""
        with self._lock:
            self._closed = True
        self.unwatch()

    @property
    def closed(self):
        return self._closed


def _shut_down(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed by the server or by the connection
        pass


class _Watchdog:
    """One daemon thread that fires each armed `_Deadline` when it passes."""

    def __init__(self):
        self._condition = threading.Condition()
        self._heap = []
        self._order = itertools.count()
        self._thread = None

    def arm(self, deadline):
        with self._condition:
            if len(self._heap) > 4096:  # drop deadlines of tries that are over
                self._heap = [entry for entry in self._heap if not entry[2].closed]
                heapq.heapify(self._heap)
            heapq.heappush(self._heap, (deadline.end, next(self._order), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="alerce-deadlines",
                                                daemon=True)
                self._thread.start()
            if self._heap[0][2] is deadline:
                self._condition.notify()

    def _run(self):
        with self._condition:
            while True:
                while self._heap and self._heap[0][2].closed:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._condition.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._condition.wait(wait)
                    continue
                heapq.heappop(self._heap)[2].fire()


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):  # a forked child has no watchdog thread: start afresh
    os.register_at_fork(after_in_child=lambda: globals().update(_WATCHDOG=_Watchdog()))


class _WatchedConnection:
    """Mixin for urllib3 connections: tell the current try's deadline the sockets used."""

    def _new_conn(self):
        sock = super()._new_conn()
        deadline = _CURRENT_DEADLINE.get()
        if deadline is not None:  # before the TLS handshake, which may stall too
            deadline.watch(sock)
        return sock

    def request(self, *args, **kwargs):
        deadline = _CURRENT_DEADLINE.get()
        if deadline is not None and self.sock is not None:  # a pooled keep-alive connection
            deadline.watch(self.sock)
        return super().request(*args, **kwargs)


class _WatchedHTTPConnection(_WatchedConnection, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class _DeadlineAdapter(HTTPAdapter):
    """`requests`' adapter, with connections that report their sockets to the deadline."""

    def __init__(self, *args, **kwargs):
        #: ``(connection pool, whether the request line holds the whole URL, the pool's key,
        #: its manager)`` found for a ``(scheme, host:port)`` whose send settings never change
        #: (see `send_known`).
        self._known = {}
        super().__init__(*args, **kwargs)

    def send_known(self, request, timeout, settings, key):
        """
        ``send(request, stream=True, timeout=(timeout), **settings)``, with the connection
        pool of ``key`` (``(scheme, host:port)`` of ``request.url``) looked up once.

        ``settings`` (``verify``, ``cert``, ``proxies``) must be the same for every request to
        ``key``, as the transport's settings per host are. Finding the pool (proxy choice with
        ``NO_PROXY``, the CA bundle's kind on disk, the pool key) and checking the certificate
        files took a tenth of a request's CPU time, for the same answer every time.
        """
        verify, cert, proxies = settings["verify"], settings["cert"], settings["proxies"]
        known = self._known.get(key)
        # A pool its manager no longer holds (evicted: more hosts than it keeps; or cleared
        # by close) is found again, as requests would. Looking it up in the manager also
        # marks it recently used, as requests' lookup does.
        if known is None or known[3].pools.get(known[2]) is not known[0]:
            try:
                conn = self.get_connection_with_tls_context(request, verify, proxies=proxies,
                                                            cert=cert)
            except LocationValueError as exc:
                raise requests.exceptions.InvalidURL(exc, request=request)  # noqa: B904 - as requests
            self.cert_verify(conn, request.url, verify, cert)
            proxy = requests.utils.select_proxy(request.url, proxies)
            manager = self.proxy_manager_for(proxy) if proxy else self.poolmanager
            pool_key = _key_of(manager.pools, conn)
            known = (conn, bool(proxy) and key[0] != "https", pool_key, manager)
            if pool_key is not None:
                self._known[key] = known
        conn, whole_url = known[:2]
        url = requests.utils.urldefragauth(request.url) if whole_url else request.path_url
        try:
            resp = conn.urlopen(
                method=request.method, url=url, body=request.body, headers=request.headers,
                redirect=False, assert_same_host=False, preload_content=False,
                decode_content=False, retries=self.max_retries,
                timeout=TimeoutSauce(connect=timeout[0], read=timeout[1]), chunked=False)
        except Exception as exc:
            mapped = _as_requests_error(exc, request)
            if mapped is None:
                raise
            raise mapped  # noqa: B904 - chained as requests chains it
        if "set-cookie" in resp.headers or "set-cookie2" in resp.headers:
            return self.build_response(request, resp)
        # build_response without its cookie jar lookup (a tenth of the adapter's time), which
        # finds nothing in an answer without cookies.
        response = requests.Response()
        response.status_code = resp.status
        response.headers = requests.structures.CaseInsensitiveDict(resp.headers)
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.raw = resp
        response.reason = resp.reason
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # An HTTP(S) proxy uses urllib3's own pools; a SOCKS proxy has pools of its own,
        # left alone (its tries are bounded by the socket time limits only).
        if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


def _key_of(pools, pool):
    """The key of ``pool`` in a pool manager's ``pools``, or None (then it is not memoised).

    Read without marking any pool recently used (``pools.get`` would): the manager's order
    of eviction stays the one requests' own lookups make.
    """
    container, lock = getattr(pools, "_container", None), getattr(pools, "lock", None)
    if container is None or lock is None:
        return None
    with lock:
        return next((key for key, value in container.items() if value is pool), None)


def _as_requests_error(err, request):
    """
    The `requests` exception `HTTPAdapter.send <requests.adapters.HTTPAdapter.send>` raises
    for urllib3's ``err`` (requests 2.3x), or None where it lets ``err`` through: the retry
    policy and the error messages depend on these types.
    """
    exceptions = requests.exceptions
    if isinstance(err, (ProtocolError, OSError)):
        return exceptions.ConnectionError(err, request=request)
    if isinstance(err, MaxRetryError):
        reason = err.reason
        if isinstance(reason, ConnectTimeoutError) and not isinstance(reason,
                                                                      NewConnectionError):
            return exceptions.ConnectTimeout(err, request=request)
        if isinstance(reason, ResponseError):
            return exceptions.RetryError(err, request=request)
        if isinstance(reason, urllib3.exceptions.ProxyError):
            return exceptions.ProxyError(err, request=request)
        if isinstance(reason, urllib3.exceptions.SSLError):
            return exceptions.SSLError(err, request=request)
        return exceptions.ConnectionError(err, request=request)
    if isinstance(err, ClosedPoolError):
        return exceptions.ConnectionError(err, request=request)
    if isinstance(err, urllib3.exceptions.ProxyError):
        return exceptions.ProxyError(err)
    if isinstance(err, urllib3.exceptions.SSLError):
        return exceptions.SSLError(err, request=request)
    if isinstance(err, ReadTimeoutError):
        return exceptions.ReadTimeout(err, request=request)
    if isinstance(err, urllib3.exceptions.InvalidHeader):
        return exceptions.InvalidHeader(err, request=request)
    return None


def _same_service(source, target):
    """Follow a redirect only to the same host (an http→https upgrade is allowed)."""
    a, b = urlsplit(source), urlsplit(target)
    return a.hostname == b.hostname and (a.scheme == b.scheme or b.scheme == "https") and (
        a.port == b.port or b.scheme != a.scheme)


def _param_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: A URL that `requests` sends as it is: lowercase http(s) scheme and host, a path of
#: characters it neither quotes nor normalises (no dot segments, no query, no fragment).
_PLAIN_URL = re.compile(r"https?://[a-z0-9-][a-z0-9.-]*(:[1-9][0-9]{0,4})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?")
_DOT_SEGMENT = re.compile(r"/\.\.?(/|$)")
_ESCAPE = re.compile(r"%(..)")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def prepared_url(url, params):
    """
    The URL `requests` sends for ``url`` and the query ``params`` (``requests.Request("GET",
    url, params=params).prepare().url``), byte for byte, without preparing a request.

    Parameters
    ----------
    url : str
        Base URL.
    params : sequence of (str, str) pairs or None
        Query parameters in order.

    Returns
    -------
    str

    Examples
    --------
    >>> prepared_url("http://127.0.0.1:8000/ztf/v1/objects", [("oid", "a b"), ("oid", "é")])
    'http://127.0.0.1:8000/ztf/v1/objects?oid=a+b&oid=%C3%A9'
    """
    escapes = _ESCAPE.findall(url)
    plain = _PLAIN_URL.fullmatch(url)
    if (plain and int((plain.group(1) or ":0")[1:]) <= 65535 and not _DOT_SEGMENT.search(url)
            and len(escapes) == url.count("%") and _UPPER_ESCAPES.issuperset(escapes)):
        if "/" not in url[url.index("//") + 2:]:
            url += "/"
        if not params:
            return url
        return url + "?" + urlencode([(k.encode(), v.encode()) for k, v in params])
    return requests.Request("GET", url, params=params or {}).prepare().url


#: The escapes `requests` keeps as they are in a path: upper-case hex of reserved characters.
_UPPER_ESCAPES = frozenset(f"{b:02X}" for b in range(256) if chr(b) not in _UNRESERVED)


def _shown_url(url, params):
    return url + ("?" + urlencode(params) if params else "")


class _ShownUrl:
    """`_shown_url`, made when a message formats it."""

    __slots__ = ("url", "params")

    def __init__(self, url, params):
        self.url, self.params = url, params

    def __str__(self):
        return _shown_url(self.url, self.params)


def _backoff(settings, attempt):
    return min(settings.backoff_factor * 2**attempt, settings.max_retry_delay)


def _retry_after(headers, settings):
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        delay = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        delay = when.timestamp() - time.time()
    return max(0.0, min(delay, settings.max_retry_delay))


def _describe(exc):
    if isinstance(exc, requests.exceptions.Timeout):
        return f"timed out ({exc})"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the connection broke before the whole answer arrived"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"could not connect or the connection was dropped ({type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


def server_message(body, headers=None, dialect=None):
    """
    What the server said, as one short line (see `alerce_astro.apis.dialects`).

    Parameters
    ----------
    body : bytes
        The answer's body.
    headers : mapping, optional
        Its headers.
    dialect : `~alerce_astro.apis.dialects.ErrorDialect`, optional
        The words of the API that answered; the generic dialect by default.

    Returns
    -------
    str

    Examples
    --------
    >>> server_message(b'{"errors": {"page": "Page number invalid"}, "message": "Input payload '
    ...                b'validation failed"}')
    'Input payload validation failed (page: Page number invalid)'
    >>> server_message(b'<html><title>502 Bad Gateway</title></html>')
    '502 Bad Gateway'
    """
    return (dialect or GENERIC).message(body, headers)


def _short(text, limit=300):
    """
    One line (white space runs made one space), at most ``limit`` characters, never empty;
    every token redacted *before* the cut (`alerce_astro.redaction.shorten`).
    """
    return redaction.shorten(text, limit)


def _error_for(status, shown, body, headers, dialect):
    message = f"GET {shown}: HTTP {status}: {dialect.message(body, headers)}"
    if status == 404:
        error = ObjectNotFoundError(message)
    elif status in dialect.rejected_statuses:
        error = RemoteServiceError(message + " (the service rejected the query)")
    elif status in (401, 403):
        error = RemoteServiceError(message + " (check the AUTH-TOKEN given to the client)")
    else:
        error = RemoteServiceError(message)
    error.status = status  # for callers that treat one status specially (see ``no_retry``)
    return error


def _token_refused(shown, status, body, headers, dialect, *, without=None):
    said = dialect.message(body, headers)
    if without is None:
        what = "refused" if status == 401 else "does not give access with"
        return TokenRefusedError(
            f"GET {shown}: HTTP {status}: {said}: the service {what} the AUTH-TOKEN given to "
            f"the client (expired, invalid or without permission; the token is not shown): "
            f"give a valid token, or none for anonymous access")
    return TokenRefusedError(
        f"GET {shown}: HTTP 500 with the AUTH-TOKEN given to the client and HTTP {without} "
        f"without it: the service refused the token (ALeRCE's ZTF API answers 500 to an "
        f"expired or invalid token on this route; the token is not shown): give a valid "
        f"token, or none for anonymous access")


def parse_json(answer, *, expect=(dict, list), what="answer"):
    """
    Decode a JSON body, accepting the service's bare ``NaN``/``Infinity`` tokens.

    Parameters
    ----------
    answer : `Answer`
        The answer.
    expect : type or tuple of types, optional
        The JSON types a valid body has.
    what : str, optional
        Name of the resource, for messages.

    Returns
    -------
    object

    Raises
    ------
    ResponseFormatError
        If the body is not JSON (an HTML page, truncated text) or not of an expected type
        (for example an error message sent as a JSON string with status 200).
    """
    try:
        data = json_loads(answer.body)
    except RecursionError:
        raise ResponseFormatError(f"GET {answer.url}: the {what} is JSON nested too deeply to "
                                  f"read ({len(answer.body)} bytes)") from None
    except ValueError as exc:
        text = answer.body.decode("utf-8-sig", errors="replace")
        kind = "an HTML page" if text.lstrip().startswith("<") else "not valid JSON"
        raise ResponseFormatError(
            f"GET {answer.url}: the {what} is {kind} ({exc.msg if hasattr(exc, 'msg') else exc};"
            f" {len(answer.body)} bytes): {server_message(answer.body)}") from None
    if not isinstance(data, expect):
        if isinstance(data, str):
            raise ResponseFormatError(f"GET {answer.url}: the service answered with a message "
                                      f"instead of data: {data!r}")
        raise ResponseFormatError(
            f"GET {answer.url}: expected a JSON {_type_names(expect)} for the {what}, got "
            f"{type(data).__name__}")
    return data


def _type_names(expect):
    names = {dict: "object", list: "list", str: "string", type(None): "null"}
    types = expect if isinstance(expect, tuple) else (expect,)
    return " or ".join(names.get(t, t.__name__) for t in types)


def _check_token(token):
    """Refuse a token that cannot be a header value, without ever showing it."""
    if token is None or token == "":  # no token: anonymous requests
        return
    if not isinstance(token, str) or not _TOKEN_PATTERN.fullmatch(token):
        kind = (f"a {type(token).__name__}" if not isinstance(token, str)
                else "a string holding white space or control characters")
        raise InvalidQueryError(
            f"the AUTH-TOKEN given to the client is {kind}, not a valid header value; it was "
            f"not sent (give the token string exactly as ALeRCE issued it)")

