"""
The offline server of the benchmarks, in its own process.

A real service runs on other machines: serving from a separate process keeps the server's
work off the client's interpreter (and its GIL), as it would be in practice.

Run as a script it starts a `~alerce_astro.offline.SampleServer`, prints its base URLs as one
JSON line and serves until its standard input is closed. `ServerProcess` does that from
Python.
"""

import argparse
import json
import os
import subprocess
import sys
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
    """

    def __init__(self, data, *, latency=0.0):
        self.data = [str(p) for p in (data if isinstance(data, (list, tuple)) else [data])]
        self.latency = latency
        self.process = None
        self.urls = None
        self.url = None

    def __enter__(self):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        command = [sys.executable, str(Path(__file__).resolve()), "--latency",
                   repr(self.latency), *self.data]
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="+")
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    from alerce_astro.offline import SampleServer

    server = SampleServer(args.data if len(args.data) > 1 else args.data[0],
                          latency=args.latency)
    server.start()
    print(json.dumps({"url": server.url, "urls": server.urls}), flush=True)
    try:
        sys.stdin.read()  # until the parent closes our standard input
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
