"""
The offline server of the benchmarks, in its own process.

A real service runs on other machines: serving from a separate process keeps the server's
work off the client's interpreter (and its GIL), as it would be in practice.

Run as a script it starts a `~alerce_astro.offline.SampleServer`, prints its base URLs as one
JSON line and serves until its standard input is closed. `ServerProcess` does that from
Python.

``memoize=True`` (``--memoize``): every GET answer is computed once per request line and the
headers it depends on (``Accept-Encoding``, ``Host``) and then served from memory, the
configured latency still added to every request. The offline server is one Python process
that builds each answer from its dataset (an LSST light curve: ~20 ms of CPU for ~186 KB of
JSON); the real service is a fleet of PostgreSQL-backed pods. Without this a benchmark of
many large answers measures the offline server, not the client: with it, after an untimed
warm-up pass over the same requests, a request costs its latency and the sending of its
bytes. Benchmarks that use it say so in their row.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class ServerProcess:
    """
    A `SampleServer` in a child process; use it as a context manager.

    Parameters
    ----------
    data : path-like or list of path-like
        Dataset folder(s).
    latency : float
        Seconds added to every request.
    memoize : bool
        Serve each answer from memory after its first computation (see above).
    """

    def __init__(self, data, *, latency=0.0, memoize=False):
        self.data = [str(p) for p in (data if isinstance(data, (list, tuple)) else [data])]
        self.latency = latency
        self.memoize = memoize
        self.process = None
        self.urls = None
        self.url = None

    def __enter__(self):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        command = [sys.executable, str(Path(__file__).resolve()), "--latency",
                   repr(self.latency), *(["--memoize"] if self.memoize else []), *self.data]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        env=env, text=True)
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=10)
            raise RuntimeError(f"the benchmark server did not start (exit code "
                               f"{self.process.returncode})")
        info = json.loads(line)
        self.urls, self.url = info["urls"], info["url"]
        return self

    def __exit__(self, *exc):
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()


class _Memoized:
    """An app of the offline server whose GET answers are computed once each."""

    def __init__(self, app):
        self.app = app
        self.answers = {}
        self.lock = threading.Lock()

    def handle(self, request):
        if request.method != "GET":
            return self.app.handle(request)
        key = (request.raw_path, request.query, request.headers.get("Accept-Encoding"),
               request.headers.get("Host"))
        answer = self.answers.get(key)
        if answer is None:
            answer = self.app.handle(request)
            with self.lock:
                self.answers[key] = answer
        return answer

    def __getattr__(self, name):
        return getattr(self.app, name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--memoize", action="store_true")
    args = parser.parse_args(argv)
    from alerce_astro.offline import SampleServer

    server = SampleServer(args.data if len(args.data) > 1 else args.data[0],
                          latency=args.latency)
    if args.memoize:
        # The server's mounted apps (a private table of SampleServer): each wrapped in place.
        for key, app in list(server._apps.items()):
            if app is not None:
                server._apps[key] = _Memoized(app)
    server.start()
    print(json.dumps({"url": server.url, "urls": server.urls}), flush=True)
    try:
        sys.stdin.read()  # until the parent closes our standard input
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
