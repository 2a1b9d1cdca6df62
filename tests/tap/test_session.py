"""The HTTP session under pyvo: time limit on every request, retries of what is worth it."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from alerce_astro.apis.tap.session import TapSession


class _Service(BaseHTTPRequestHandler):
    """Answers from a script: a list of (status, headers, delay) consumed per request."""

    script = []
    seen = []

    def _answer(self):
        self.seen.append(self.command)
        status, headers, delay = self.script.pop(0) if self.script else (200, {}, 0)
        time.sleep(delay)
        body = b"ok"
        try:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the time-limit tests): nothing to answer

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def service():
    _Service.script, _Service.seen = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Service
    server.shutdown()
    server.server_close()


def test_retries_503_and_caps_retry_after(service):
    url, handler = service
    handler.script = [(503, {"Retry-After": "3600"}, 0), (429, {}, 0), (200, {}, 0)]
    with TapSession(5, max_retries=3, backoff_factor=0.01, max_retry_delay=0.05) as session:
        started = time.monotonic()
        response = session.post(f"{url}/sync", data={"QUERY": "SELECT 1"})
        elapsed = time.monotonic() - started
    assert response.status_code == 200 and handler.seen == ["POST"] * 3
    assert elapsed < 2  # the hour Retry-After asked for was capped at max_retry_delay


def test_no_retry_of_a_500_nor_of_a_slow_read(service):
    url, handler = service
    handler.script = [(500, {}, 0)]
    with TapSession(5, max_retries=3, backoff_factor=0.01) as session:
        assert session.get(f"{url}/tables").status_code == 500
        assert handler.seen == ["GET"]
        handler.script = [(200, {}, 1.0)]
        with pytest.raises(requests.exceptions.ReadTimeout), session.limited(0.2):
            session.get(f"{url}/slow")
        assert handler.seen == ["GET", "GET"]  # the timed-out read was not sent again


def test_every_request_gets_the_time_limit(service):
    url, handler = service
    handler.script = [(200, {}, 0.5)]
    with TapSession(0.1, max_retries=0) as session, \
            pytest.raises(requests.exceptions.ReadTimeout):
        session.get(url)  # pyvo passes no timeout: the session's applies


def test_pyvo_gets_a_readable_body(service):
    url, _ = service
    with TapSession(5) as session:
        response = session.get(url, stream=True)
        assert response.raw.read(decode_content=True) == b"ok"
        with session.streaming():
            streamed = session.get(url, stream=True)
        assert streamed.raw.read() == b"ok"
        streamed.close()
