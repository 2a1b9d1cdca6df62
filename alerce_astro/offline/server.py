"""
`SampleServer`: a real HTTP server on loopback that behaves like the ALeRCE services.

One host serves the services under path prefixes, from one mount table (`MOUNTS`) that gives
both the routing and `SampleServer.urls`; a service key names an API:

=================  ===================  ===========================================
The multisurvey (LSST) API is mounted at the root of the same host: ``/<svc>_api/...`` as
ALeRCE's ``api-lsst`` host serves it (`alerce_astro.offline.multisurvey`).
"""

import json
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote

from .catshtm_api import CatshtmApi
from .dataset import Dataset, load_dataset
from .faults import FaultPlan, failure_body
from .flask_restx import html_not_found, json_response
from .lightcurve_api import LightcurveApi
from .multisurvey import MultisurveyGateway, load_multisurvey, split_data
from .stamps_api import StampsApi
from .tokens import TokenTable
from .ztf_api import ZtfApi

__all__ = ["SampleServer", "serve", "Mount", "MOUNTS", "SERVICE_PREFIXES"]


class Mount(NamedTuple):
    """One service of the sample server's host (a row of `MOUNTS`)."""

    #: key of the service in `SampleServer.urls`: it names an API
    key: str
    #: path prefix on the host ("" is the host root)
    prefix: str
    #: ``app(server)`` builds the service (an object with ``handle(request) -> (status,
    #: headers, body)``) for a `SampleServer`; None while nothing is mounted there
    app: Callable | None


#: The mount table: where each API is served, and so the keys and URLs of `SampleServer.urls`.
MOUNTS = (
    Mount("ztf_v1", "/ztf/v1", lambda server: ZtfApi(server.dataset, tokens=server.tokens)),
    Mount("lightcurve_v2", "/v2/lightcurve", lambda server: LightcurveApi(server.dataset)),
    Mount("stamps", "/stamps", lambda server: StampsApi(server.dataset)),
    Mount("catshtm", "/catshtm", lambda server: CatshtmApi(server.dataset)),
    # the multisurvey API answers at the host root (/<svc>_api/...), as api-lsst.alerce.online
    Mount("multisurvey", "", lambda server: MultisurveyGateway(
        server.multisurvey, busy_limit=server.busy_limit, in_flight=lambda: server._in_flight)),
)

#: service key -> path prefix
SERVICE_PREFIXES = {mount.key: mount.prefix for mount in MOUNTS}
# longest prefix first: the host root last
_ROUTING = sorted(MOUNTS, key=lambda mount: -len(mount.prefix))

_MULTI_SLASH = re.compile("/{2,}")


def _builtin_sample_path():
    try:
        from .simulate import lsst_sample_dataset_path, sample_dataset_path
    except ImportError as error:  # the generator is not available
        raise RuntimeError(
            "the built-in sample dataset is not available (alerce_astro.offline.simulate "
            f"could not be imported: {error}); pass data=<dataset folder>") from error
    # Both surveys: the ZTF sample and its LSST twin (the multisurvey API at the host root).
    return [sample_dataset_path(), lsst_sample_dataset_path()]


class _Request:
    """What a service handler sees of a request (``context``: per-request state of the
    application, like Flask's ``g``)."""

    __slots__ = ("method", "raw_path", "path", "prefix", "query", "args", "headers", "host",
                 "service", "context")

    def __init__(self, method, raw_path, path, prefix, query, headers, host, service):
        self.method = method
        self.raw_path = raw_path
        self.path = path
        self.prefix = prefix
        self.query = query
        self.args = parse_qsl(query, keep_blank_values=True)
        self.headers = headers
        self.host = host
        self.service = service
        self.context = {}


class _Injection:
    __slots__ = ("regex", "status", "body", "headers", "times", "drip", "drop")

    def __init__(self, regex, status, body, headers, times, drip, drop):
        self.regex = regex
        self.status = status
        self.body = body
        self.headers = headers
        self.times = times
        self.drip = drip
        self.drop = drop


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "alerce-astro-sample/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 60  # idle keep-alive connections are closed after this many seconds

    # quiet: no stderr output
    def log_message(self, format, *args):
        pass

    def version_string(self):
        return self.server_version

    def setup(self):
        super().setup()
        self.server.sample._track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.sample._track(self.connection, False)

    def do_GET(self):
        self.server.sample._in_flight_change(1)
        try:
            self._dispatch()
        finally:
            self.server.sample._in_flight_change(-1)

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    # ------------------------------------------------------------------ plumbing
    def _read_body(self):
        length = self.headers.get("Content-Length")
        if length:
            try:
                n = int(length)
            except ValueError:
                self.close_connection = True
                return
            remaining = n
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 65536))
                if not chunk:
                    break
                remaining -= len(chunk)
        elif "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True

    def _send(self, status, headers, body, *, truncate=False, drip=None):
        self.send_response(status)
        names = set()
        for name, value in headers:
            names.add(name.lower())
            self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        if "access-control-allow-origin" not in names:
            self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command == "HEAD":
            return
        if truncate:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if drip:
            size, delay = drip
            size = max(1, int(size))
            for start in range(0, len(body), size):
                self.wfile.write(body[start:start + size])
                self.wfile.flush()
                time.sleep(delay)
            return
        self.wfile.write(body)

    def _dispatch(self):
        sample = self.server.sample
        method = self.command
        target = self.path
        raw_path, _, query = target.partition("?")
        query = query.partition("#")[0]
        raw_path = raw_path.partition("#")[0]
        self._read_body()
        path = unquote(raw_path, errors="replace")
        service = prefix = None
        rest = path
        for mount in _ROUTING:
            pre = mount.prefix
            if not pre:  # the host root: only the paths the multisurvey gateway claims
                if MultisurveyGateway.claims(path) and sample._apps.get(mount.key) is not None:
                    service, prefix, rest = mount.key, pre, path
                break
            if path == pre or path.startswith(pre + "/"):
                if sample._apps.get(mount.key) is not None:
                    service, prefix = mount.key, pre
                    rest = _MULTI_SLASH.sub("/", path[len(pre):]) or "/"
                break
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        entry = {"method": method, "path": raw_path, "query": query,
                 "headers": dict(self.headers.items()), "service": service, "status": None}
        sample._log(entry)

        injection = sample._match_injection(raw_path, query)
        if injection is not None:
            if injection.drop:
                self.close_connection = True
                return
            entry["status"] = injection.status
            self._send(injection.status, injection.headers, injection.body, drip=injection.drip)
            return

        fault = sample.faults.decide(method, target) if sample.faults.active else None
        if fault is not None and fault.latency:
            time.sleep(fault.latency)
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        if fault is not None and fault.kind == "fail":
            body, ctype, extra = failure_body(fault.status, sample.faults.retry_after)
            entry["status"] = fault.status
            self._send(fault.status, [("Content-Type", ctype), *extra], body)
            return

        request = _Request(method, raw_path, rest, prefix or "", query, self.headers, host, service)
        try:
            if service is None:
                status, headers, body = html_not_found()
            else:
                status, headers, body = sample._apps[service].handle(request)
        except Exception:  # noqa: BLE001 - a bug in a route must not kill the connection
            sample.errors.append(traceback.format_exc())
            status, headers, body = json_response(500, {"message": "Internal Server Error"},
                                                  newline=True)
        entry["status"] = status
        truncate = fault is not None and fault.kind == "truncate"
        self._send(status, headers, body, truncate=truncate)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # connection resets and the like: quiet (route errors are answered with a 500)
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            self.sample.errors.append(traceback.format_exc())


class SampleServer:
    """
    A loopback HTTP server answering like the ALeRCE services, from dataset folders.

    Parameters
    ----------
    data : path-like, sequence of path-like, `~alerce_astro.offline.Dataset` or None
        Dataset folder(s) to serve (merged); None serves the built-in sample
        (`alerce_astro.offline.sample_dataset_path`). Multisurvey (LSST) dataset folders
        and cutouts folders among them are served by the multisurvey API
        (`alerce_astro.offline.multisurvey.dataset`), the others by the ZTF services.
    latency : float
        Seconds added to every request.
    failure_rate : float
        Probability that a request is answered with a status from ``failure_status``.
    failure_status : int or sequence of int
        Statuses of injected failures (500, 502, 503, 504, 429, ...).
    drop_rate : float
        Probability that a connection is closed without an answer.
    truncate_rate : float
        Probability that an answer is cut short (full ``Content-Length``, partial body).
    retry_after : int
        ``Retry-After`` header value of injected 429 answers.
    busy_limit : int, optional
        Load shedding of the multisurvey API: a request to it while more than ``busy_limit``
        requests are in flight on the server (itself included) is answered 503
        ``Service busy, please retry`` (``text/plain``, ``Retry-After: 1``), as ALeRCE's pods
        do above 5. None (the default) never sheds load.
    seed : int
        Seed of the fault decisions: the same seed gives the same faults.
    tokens : mapping, optional
        Check the ``AUTH-TOKEN`` header of the ZTF API v1 as the real service does:
        ``{"valid": [...], "expired": [...], "forbidden": [...]}`` (lists of token strings,
        each key optional; ``forbidden``: valid but without the light curve permission). An
        expired token gets a 401 ``"Expired Token"`` on ``/lightcurve``, ``/detections`` and
        ``/non_detections`` and a 500 on the other routes (the token library's bug), a
        forbidden one a 403 on the light curve routes; any other token is ignored, like a
        token that does not decode (`alerce_astro.offline.tokens`). None (the default)
        ignores the header.
    port : int
        Port to listen on (0: a free port).
    host : str
        Address to listen on.

    Attributes
    ----------
    dataset : `~alerce_astro.offline.Dataset`
        The ZTF data (empty when only LSST folders were given).
    data_by_survey : dict
        ``{"ztf": [folder, ...], "lsst": [folder, ...]}``: the folders given, by survey.
    tokens : `~alerce_astro.offline.tokens.TokenTable` or None
        The known tokens.
    errors : list of str
        Tracebacks of unexpected errors inside route handlers (a bug of a fake service).

    Examples
    --------
    >>> from alerce_astro.offline import SampleServer
    >>> with SampleServer(data) as server:          # doctest: +SKIP
    ...     client = server.client()
    ...     table = client.query_objects(classifier="lc_classifier")
    """

    def __init__(self, data=None, *, latency=0.0, failure_rate=0.0, failure_status=(500,),
                 drop_rate=0.0, truncate_rate=0.0, retry_after=1, seed=0, tokens=None, port=0,
                 host="127.0.0.1", busy_limit=None):
        self.tokens = TokenTable(tokens) if tokens is not None else None
        if data is None:
            data = _builtin_sample_path()
        ztf_data, multisurvey_data = split_data(data)
        if not ztf_data and not multisurvey_data:
            raise ValueError("no dataset folder given")
        #: the dataset folders served, by survey
        self.data_by_survey = {
            "ztf": [p for d in ztf_data
                    for p in (d.paths if isinstance(d, Dataset) else [Path(d)])],
            "lsst": list(multisurvey_data)}
        if len(ztf_data) == 1 and isinstance(ztf_data[0], Dataset):
            self.dataset = ztf_data[0]
        else:
            self.dataset = load_dataset(ztf_data) if ztf_data else Dataset.empty()
        #: the multisurvey (LSST) dataset (empty when no such folder was given)
        self.multisurvey = load_multisurvey(multisurvey_data)
        self.busy_limit = busy_limit
        self.faults = FaultPlan(latency=latency, failure_rate=failure_rate,
                                failure_status=failure_status, drop_rate=drop_rate,
                                truncate_rate=truncate_rate, retry_after=retry_after, seed=seed)
        self.host = host
        self.port = port
        self.errors = []
        self._apps = {mount.key: mount.app(self) if mount.app is not None else None
                      for mount in MOUNTS}
        self._requests = []
        self._injections = []
        self._connections = set()
        self._in_flight = 0
        self._peak_in_flight = 0
        self._lock = threading.Lock()
        self._httpd = None
        self._thread = None
        self._cache_dir = None

    # ------------------------------------------------------------------ life cycle
    def start(self):
        """Start serving in a background thread; returns self."""
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.sample = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"SampleServer:{httpd.server_address[1]}",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and close every connection."""
        httpd = self._httpd
        if httpd is None:
            return
        httpd.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        httpd.server_close()
        self._thread.join()
        self._httpd = None
        self._thread = None
        if self._cache_dir is not None:
            shutil.rmtree(self._cache_dir, ignore_errors=True)
            self._cache_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        where = self.url if self._httpd is not None else "not started"
        return f"<SampleServer {where} {self.dataset!r}>"

    @property
    def running(self):
        return self._httpd is not None

    @property
    def url(self):
        """``http://<host>:<port>`` of the running server."""
        if self._httpd is None:
            raise RuntimeError("the server is not running: call start() or use it in a with block")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def urls(self):
        """
        Base URL of each service, by service key (`MOUNTS`): ``ztf_v1``, ``lightcurve_v2``,
        ``stamps``, ``catshtm``, ``multisurvey``; what a client's ``urls`` takes.
        """
        url = self.url
        return {mount.key: url + mount.prefix for mount in MOUNTS}

    def client(self, **kwargs):
        """
        An `~alerce_astro.AlerceClass` pointed at this server.

        Its cache is a folder private to this server object (deleted by `stop`), so answers
        of an offline server never mix with the user's cache of the real services, nor with
        another server that later gets the same port.

        Parameters
        ----------
        **kwargs
            Passed to `~alerce_astro.AlerceClass` (``timeout``, ``cache_location``...).

        Returns
        -------
        `~alerce_astro.AlerceClass`
        """
        from alerce_astro import AlerceClass

        if "cache_location" not in kwargs:
            if self._cache_dir is None:
                self._cache_dir = tempfile.mkdtemp(prefix="alerce-sample-cache-")
            kwargs["cache_location"] = self._cache_dir
        return AlerceClass(urls=self.urls, **kwargs)

    # ------------------------------------------------------------------ request log
    @property
    def requests(self):
        """The handled requests (a copy): dicts with method, path, query, headers, service,
        status (None for a dropped connection)."""
        with self._lock:
            return [dict(e) for e in self._requests]

    @property
    def peak_in_flight(self):
        """The most requests handled at the same time (latency included) since the start or
        the last `reset_requests`: what a client's concurrency limit looks like from here."""
        with self._lock:
            return self._peak_in_flight

    def reset_requests(self):
        """Forget the logged requests (and the peak of requests in flight)."""
        with self._lock:
            self._requests.clear()
            self._peak_in_flight = self._in_flight

    def _log(self, entry):
        with self._lock:
            self._requests.append(entry)

    def _in_flight_change(self, step):
        with self._lock:
            self._in_flight += step
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)

    def _track(self, conn, add):
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ------------------------------------------------------------------ injections
    def inject(self, path_regex, *, status=200, body=b"", headers=None, times=None, drip=None,
               drop=False):
        """
        Answer the next ``times`` requests (None: all) whose full path matches ``path_regex``
        (`re.search` on the path with its prefix, or on path?query) with a hand-made response.

        ``body`` may be bytes, str, or a dict/list (sent as JSON). ``drip=(chunk_size,
        delay_seconds)`` sends the body slowly; ``drop=True`` closes the connection without
        answering. Injected answers bypass the fault settings.
        """
        headers = list((headers or {}).items()) if isinstance(headers, dict) else list(
            headers or [])
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            default_type = "application/json"
        elif isinstance(body, str):
            body = body.encode()
            default_type = "text/plain; charset=utf-8"
        else:
            body = bytes(body)
            default_type = "application/octet-stream"
        if not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", default_type))
        if times is not None and times < 1:
            return
        injection = _Injection(re.compile(path_regex), int(status), body, headers, times, drip,
                               drop)
        with self._lock:
            self._injections.append(injection)

    def clear_injections(self):
        """Remove every injected response."""
        with self._lock:
            self._injections.clear()

    def _match_injection(self, path, query):
        with self._lock:
            if not self._injections:
                return None
            full = f"{path}?{query}" if query else path
            for injection in self._injections:
                if injection.regex.search(path) or injection.regex.search(full):
                    if injection.times is not None:
                        injection.times -= 1
                        if injection.times <= 0:
                            self._injections.remove(injection)
                    return injection
        return None


def _block():
    while True:
        time.sleep(3600)


def serve(data=None, port=0, host="127.0.0.1", **faults):
    """
    Run a `SampleServer` in the foreground: print its URLs and block until Ctrl-C.

    ``faults`` are the other keywords of `SampleServer` (latency, failure_rate, ...,
    tokens).
    """
    server = SampleServer(data, port=port, host=host, **faults)
    server.start()
    try:
        print(f"ALeRCE sample server running at {server.url}")
        for name, url in server.urls.items():
            print(f"  {name:<14}{url}")
        print("Press Ctrl-C to stop.", flush=True)
        _block()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
