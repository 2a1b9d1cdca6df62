"""
Fixtures of the reliability suites: offline servers over the real recorded data, clients with
their own caches, loopback echo servers for the transport tests, and the figures (inputs
tried, faults injected, fuzz examples) the suites report at the end of a run.

Tests marked ``slow`` run only when asked for (``pytest -m slow`` or ``tox -e stress``): the
project-wide ``-m "not slow"`` in pyproject.toml keeps them out of the normal test command.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from alerce_astro import AlerceClass

# The test modules import this folder's helpers by name; a conftest may be imported before
# pytest put the folder on sys.path (e.g. by a doctest collector).
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
from reliability_helpers import FIGURES  # noqa: E402


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_sep("-", "reliability figures")
        for kind, n in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{kind}: {n}")


@pytest.fixture(scope="module")
def rel_server(fixtures_dir):
    """A fault-free server over the recorded data, for this module alone."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=fixtures_dir / "recorded") as server:
        yield server


@pytest.fixture
def server(rel_server):
    """`rel_server` with no injection and an empty request log."""
    rel_server.clear_injections()
    rel_server.reset_requests()
    yield rel_server
    rel_server.clear_injections()


@pytest.fixture
def client(server, tmp_path):
    """A client of `server` with its own empty cache folder."""
    return AlerceClass(urls=server.urls, cache_location=tmp_path / "cache")


@pytest.fixture
def make_server(fixtures_dir):
    """Start servers over the recorded data with fault settings; all stopped at the end."""
    from alerce_astro.offline import SampleServer

    started = []

    def make(**faults):
        server = SampleServer(data=fixtures_dir / "recorded", **faults).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


class EchoHandler(BaseHTTPRequestHandler):
    """``{"path": ...}`` plus ``"cookie"`` when one was sent; a path ending in ``/cookie``
    also sets one."""

    def do_GET(self):  # noqa: N802 - http.server's name
        said = {"path": self.path}
        if self.headers.get("Cookie"):
            said["cookie"] = self.headers["Cookie"]
        body = json.dumps(said).encode()
        self.send_response(200)
        if self.path.endswith("/cookie"):
            self.send_header("Set-Cookie", "flavour=oat; Path=/")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_urls():
    """``echo_urls(n)``: the base URLs of ``n`` running `EchoHandler` servers on loopback,
    shut down after the test."""
    servers = []

    def start(n):
        for _ in range(n):
            server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
            # A short poll: shutting ten servers down waits for each one's poll.
            threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
            servers.append(server)
        return [f"http://127.0.0.1:{server.server_address[1]}" for server in servers[-n:]]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
