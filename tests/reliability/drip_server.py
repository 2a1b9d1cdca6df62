"""
A raw-socket HTTP server on loopback that misbehaves at one chosen stage of an exchange, for
the deadline tests (a plain module, imported by name like `reliability_helpers`).

Each accepted connection runs in its own thread: the request head is read, then the stage's
script writes (or withholds) bytes. Everything is bounded: a script stops when the client
hangs up, when the server is stopped, or after ``MAX_SECONDS``, so a client without a deadline
makes a test fail slowly instead of hanging it.
"""

import socket
import threading
import time

__all__ = ["DripServer", "STAGES", "full_backlog"]

#: The longest any connection is served, whatever the client does.
MAX_SECONDS = 8.0
#: One byte every this many seconds: each socket read gets a byte long before its own limit.
DRIP = 0.05
_JSON_OK = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            b"Connection: keep-alive\r\n\r\n[]")


class _Stopped(Exception):
    """The script's connection is over (client gone, server stopped or time is up)."""


class _Connection:
    def __init__(self, sock, server):
        self.sock = sock
        self.server = server
        self.start = time.monotonic()

    def alive(self):
        return not self.server.stopping.is_set() and time.monotonic() - self.start < MAX_SECONDS

    def send(self, data):
        if not self.alive():
            raise _Stopped
        try:
            self.sock.sendall(data)
        except OSError:
            raise _Stopped from None

    def drip(self, data, *, forever=b""):
        """Send ``data`` one byte at a time, then ``forever`` repeated until stopped."""
        for i in range(len(data)):
            self.send(data[i:i + 1])
            time.sleep(DRIP)
        while forever:
            for i in range(len(forever)):
                self.send(forever[i:i + 1])
                time.sleep(DRIP)

    def wait(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not self.alive():
                raise _Stopped
            time.sleep(0.01)

    def read_request(self):
        """The request head (bytes up to the blank line), or b"" if the client hung up."""
        self.sock.settimeout(MAX_SECONDS)
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                piece = self.sock.recv(4096)
                if not piece:
                    return b""
                head += piece
        except OSError:
            return b""
        return head


# Stage scripts: ``script(connection, request_head)``; returning means "serve the next request
# of this keep-alive connection".
def _status_line(c, head):
    c.drip(b"HTTP/1.1 200 ", forever=b"O")


def _headers(c, head):
    c.send(b"HTTP/1.1 200 OK\r\n")
    c.drip(b"Content-Type: application/json\r\nX-Drip: ", forever=b"a")


def _many_headers(c, head):
    c.send(b"HTTP/1.1 200 OK\r\n")
    n = 0
    while True:
        c.drip(b"X-%d: 1\r\n" % n)
        n += 1


def _informational(c, head):
    while True:
        c.drip(b"HTTP/1.1 100 Continue\r\n\r\n")


def _body(c, head):
    c.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
           b"Content-Length: 1000000\r\n\r\n")
    c.drip(b"[", forever=b" ")


def _chunked_body(c, head):
    c.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n")
    c.drip(b"1\r\n[\r\n", forever=b"1\r\n \r\n")


def _trailers(c, head):
    c.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n")
    c.drip(b"X-Trailer: ", forever=b"t")


def _silence_after_head(c, head):
    c.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n")
    c.wait(MAX_SECONDS)


def _slow_redirects(c, head):
    # Each hop answers after 60 % of a 1 s limit: every hop alone is in time, their sum is not.
    c.wait(0.6)
    hop = int(head.split(b" ", 2)[1].rsplit(b"/", 1)[-1] or 0) if b"/hop/" in head else 0
    c.send(b"HTTP/1.1 302 Found\r\nLocation: /hop/%d\r\nContent-Length: 0\r\n"
           b"Connection: close\r\n\r\n" % (hop + 1))
    raise _Stopped


def _redirect_then_drip(c, head):
    if b"/target" not in head.split(b"\r\n", 1)[0]:
        c.send(b"HTTP/1.1 302 Found\r\nLocation: /target\r\nContent-Length: 0\r\n\r\n")
        return
    _headers(c, head)


def _keepalive_then_drip(c, head):
    # The first request of a connection is answered at once and the connection kept: the
    # next request on it, taken from the pool, is the one that drips.
    if not getattr(c, "answered", False):
        c.answered = True
        c.send(_JSON_OK)
        return
    _headers(c, head)


def _healthy(c, head):
    c.send(_JSON_OK)


STAGES = {
    "healthy": _healthy,
    "status-line": _status_line,
    "headers": _headers,
    "many-headers": _many_headers,
    "informational": _informational,
    "body": _body,
    "chunked-body": _chunked_body,
    "chunked-trailers": _trailers,
    "silence-after-headers": _silence_after_head,
    "redirects": _slow_redirects,
    "redirect-then-drip": _redirect_then_drip,
    "keep-alive": _keepalive_then_drip,
}


class DripServer:
    """
    Serve ``stage`` (a key of `STAGES`) on a loopback port until `stop`.

    Use as a context manager; ``url`` is the base URL, ``connections`` counts accepted
    connections.
    """

    def __init__(self, stage):
        self.script = STAGES[stage]
        self.stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        self._socks, self._threads = [], []
        self._lock = threading.Lock()
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self):
        self._acceptor.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            with self._lock:
                self.connections += 1
                self._socks.append(sock)
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock):
        connection = _Connection(sock, self)
        try:
            while connection.alive():
                head = connection.read_request()
                if not head:
                    return
                self.script(connection, head)
        except _Stopped:
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    def stop(self):
        self.stopping.set()
        self.listener.close()
        self._acceptor.join(5)
        with self._lock:
            socks, threads = list(self._socks), list(self._threads)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(5)


def full_backlog():
    """
    A listening socket whose accept queue is full (never accepted): a new connection to it
    gets no answer to its SYN, so connecting stalls. Returns ``(listener, fillers, url)``;
    close them all afterwards.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    return listener, fillers, f"http://127.0.0.1:{port}"
