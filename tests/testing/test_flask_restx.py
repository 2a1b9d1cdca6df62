"""The Flask/Flask-RESTX emulation shared by the Flask services of the sample server."""

import requests

from alerce_astro.offline.flask_restx import FlaskApp, Rule


class _Request:
    def __init__(self, path, method="GET", query=""):
        self.path, self.method, self.query = path, method, query
        self.args, self.headers, self.context = [], {}, {}
        self.host, self.prefix = "example.org", "/api"


def _app(calls):
    def endpoint(name):
        def answer(request, *variables):
            calls.append((name, variables))
            return 200, [], b""
        return answer
    return FlaskApp([Rule("/items/", endpoint("list")), Rule("/items/<id>", endpoint("item")),
                     Rule("/items/count", endpoint("count")),
                     Rule("/files/<path:name>", endpoint("file")), Rule("/docs")])


def test_routing_like_werkzeug():
    calls = []
    app = _app(calls)
    for path in ("/items/", "/items/count", "/items/a1", "/files/a/b.txt"):
        assert app.handle(_Request(path))[0] == 200
    assert calls == [("list", ()), ("count", ()), ("item", ("a1",)), ("file", ("a/b.txt",))]
    status, headers, _ = app.handle(_Request("/items", query="x=1"))
    assert (status, dict(headers)["Location"]) == (308, "http://example.org/api/items/?x=1")
    assert app.handle(_Request("/items/a1/"))[0] == 404  # no slash on an item
    assert app.handle(_Request("/docs"))[0] == 404  # a rule without endpoint: help only
    assert app.handle(_Request("/items/a1", "POST"))[:2] == (
        405, [("Content-Type", "application/json"), ("Allow", "GET, HEAD, OPTIONS")])
    assert app.handle(_Request("/items/a1", "OPTIONS"))[0] == 200
    body = app.not_found(_Request("/itemz/"))[2]
    assert b"[/itemz/] but did you mean /items/<id> or /items/count ?" in body


def test_flask_services_answer_methods_alike(alerts_server):
    for service, path in (("stamps", "/get_stamp"), ("catshtm", "/conesearch"),
                          ("ztf_v1", "/objects/")):
        url = alerts_server.urls[service] + path
        r = requests.post(url, timeout=30)
        assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD, OPTIONS"
        assert r.json() == {"message": "The method is not allowed for the requested URL."}
        assert requests.options(url, timeout=30).status_code == 200
