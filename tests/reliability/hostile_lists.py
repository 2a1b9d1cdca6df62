"""
A hostile list server on loopback for the paging tests (a plain module, imported by name like
`reliability_helpers`): ``GET <base>/ztf/v1/objects/`` and ``GET <base>/object_api/
list_objects`` answer pages made by a *behaviour* chosen per test, so pages can be endless,
repeat themselves, change while they are read, or lie about their count.

Every page is full (``page_size`` items) unless the behaviour says otherwise. The server
counts the pages it served, so a test can check that the client stopped.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

__all__ = ["HostileListServer", "ztf_row"]


def ztf_row(n, **changes):
    """An object row of ZTF API v1's list, numbered ``n`` (oid ``ZTF20`` + 7 letters)."""
    letters, k = [], n
    for _ in range(7):
        k, d = divmod(k, 26)
        letters.append("abcdefghijklmnopqrstuvwxyz"[d])
    row = {"oid": "ZTF20" + "".join(reversed(letters)), "ndethist": "3", "ncovhist": 9,
           "mjdstarthist": 58000.5, "mjdendhist": 58100.5, "corrected": False,
           "stellar": False, "ndet": 3, "g_r_max": None, "g_r_max_corr": None,
           "g_r_mean": None, "g_r_mean_corr": None, "firstmjd": 58000.0 + n,
           "lastmjd": 58010.0 + n, "deltajd": 10.0, "meanra": (10.0 + n / 1000) % 360,
           "meandec": 20.0, "sigmara": 1e-5, "sigmadec": 1e-5, "class": "SNIa",
           "classifier": "lc_classifier", "probability": 0.5, "step_id_corr": "test"}
    row.update(changes)
    return row


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        page, size = int(query.get("page", 1)), int(query.get("page_size", 10))
        server = self.server.owner
        with server.lock:
            server.pages_served += 1
        if parts.path.endswith("/list_objects"):
            items, has_next = server.behaviour(page, size)
            body = {"total": size + 1, "next": page + 1, "has_next": has_next, "prev": None,
                    "has_prev": page > 1, "current_page": page, "items": items,
                    "info_message": None}
        else:
            items, total = server.behaviour(page, size)
            body = {"total": total, "page": None, "next": page + 1, "has_next": True,
                    "prev": None, "has_prev": page > 1, "items": items}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class HostileListServer:
    """
    Parameters
    ----------
    behaviour : callable
        ``behaviour(page, page_size)`` -> ``(items, total)`` for the ZTF route (total: an int
        or None) or ``(items, has_next)`` for the multisurvey route.
    """

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.lock = threading.Lock()
        self.pages_served = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self):
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def urls(self):
        return {"ztf_v1": self.base + "/ztf/v1"}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(10)
