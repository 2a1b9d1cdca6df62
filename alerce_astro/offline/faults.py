"""
Deterministic fault injection for `~alerce_astro.offline.SampleServer`.

Every fault is decided from a hash of ``(seed, method, path + query, n)`` where ``n`` counts
how many times this exact request has been seen before. Consequences:

* two servers with the same seed inject the same faults for the same sequence of requests,
  whatever the thread interleaving;
* a retried request is a new draw (``n`` grew), so a client that retries gets through with
  the probability the rates say.
"""

import hashlib
import json
import threading
from http import HTTPStatus

__all__ = ["FaultPlan", "Fault", "failure_body"]

# A gateway in front of the application answers 502/503/504 with a page like this one.
_GATEWAY_PAGE = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class Fault:
    """What to do with one request: ``kind`` is None, "drop", "fail" or "truncate"."""

    __slots__ = ("kind", "status", "latency")

    def __init__(self, kind=None, status=None, latency=0.0):
        self.kind = kind
        self.status = status
        self.latency = latency

    def __repr__(self):
        return f"Fault(kind={self.kind!r}, status={self.status!r}, latency={self.latency!r})"


def failure_body(status, retry_after=1):
    """Return ``(body bytes, content type, extra headers)`` of an injected failure status."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    headers = []
    if status in (502, 503, 504):
        body = _GATEWAY_PAGE.format(code=status, phrase=phrase).encode()
        ctype = "text/html"
    else:
        if status == 500:
            message = "Internal Server Error"
        elif status == 429:
            message = "Too Many Requests"
        else:
            message = phrase
        body = (json.dumps({"message": message}) + "\n").encode()
        ctype = "application/json"
    if status in (429, 503):
        headers.append(("Retry-After", str(retry_after)))
    return body, ctype, headers


class FaultPlan:
    """
    The fault settings of one server.

    Parameters
    ----------
    latency : float
        Seconds added to every request.
    failure_rate : float
        Probability that a request is answered with a status drawn from ``failure_status``.
    failure_status : int or sequence of int
        Statuses for failures (500 gives ``{"message": "Internal Server Error"}``, 502/503/504 a
        gateway HTML page, 429 a ``Retry-After`` header).
    drop_rate : float
        Probability that the connection is closed without any answer.
    truncate_rate : float
        Probability that the headers announce the full body but only part of it is sent.
    retry_after : int
        Value of the ``Retry-After`` header of 429 (and 503) answers.
    seed : int
        Seed of the decisions.
    """

    def __init__(self, latency=0.0, failure_rate=0.0, failure_status=(500,), drop_rate=0.0,
                 truncate_rate=0.0, retry_after=1, seed=0):
        for name, rate in (("failure_rate", failure_rate), ("drop_rate", drop_rate),
                           ("truncate_rate", truncate_rate)):
            if not 0.0 <= float(rate) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {rate!r}")
        if float(latency) < 0:
            raise ValueError(f"latency must be >= 0, got {latency!r}")
        if isinstance(failure_status, int):
            failure_status = (failure_status,)
        failure_status = tuple(int(s) for s in failure_status)
        if not failure_status:
            raise ValueError("failure_status must hold at least one status")
        self.latency = float(latency)
        self.failure_rate = float(failure_rate)
        self.failure_status = failure_status
        self.drop_rate = float(drop_rate)
        self.truncate_rate = float(truncate_rate)
        self.retry_after = retry_after
        self.seed = seed
        self._seen = {}
        self._lock = threading.Lock()

    @property
    def active(self):
        """Whether any fault or latency is configured."""
        return bool(self.latency or self.failure_rate or self.drop_rate or self.truncate_rate)

    def reset(self):
        """Forget how many times each request was seen."""
        with self._lock:
            self._seen.clear()

    def _draws(self, method, target):
        with self._lock:
            key = (method, target)
            n = self._seen.get(key, 0)
            self._seen[key] = n + 1
        digest = hashlib.sha256(f"{self.seed}\x00{method}\x00{target}\x00{n}".encode()).digest()
        # four independent uniform numbers in [0, 1)
        return [int.from_bytes(digest[i:i + 8], "big") / 2.0**64 for i in range(0, 32, 8)]

    def decide(self, method, target):
        """Return the `Fault` for this request (``target`` is the full path with query)."""
        if not (self.failure_rate or self.drop_rate or self.truncate_rate):
            return Fault(latency=self.latency)
        u_drop, u_fail, u_status, u_trunc = self._draws(method, target)
        if u_drop < self.drop_rate:
            return Fault("drop", latency=self.latency)
        if u_fail < self.failure_rate:
            status = self.failure_status[int(u_status * len(self.failure_status))]
            return Fault("fail", status, latency=self.latency)
        if u_trunc < self.truncate_rate:
            return Fault("truncate", latency=self.latency)
        return Fault(latency=self.latency)
