"""
Conformance of the offline multisurvey server with ALeRCE's own multisurvey server software.

Every exchange of ``lsst-recorded/exchanges`` (answered by ALeRCE's code over the objects of
``lsst-recorded/objects``) is replayed against `SampleServer` serving that folder and the real
cutouts, with the headers the recording sent (``Host: api-lsst.alerce.online``,
``X-Forwarded-Proto: https``, ``Accept-Encoding: identity`` unless the exchange says otherwise).
Compared: the status; content type, Location (path and query), Retry-After, Content-Encoding
and Allow; the body exactly where the service defines the order, as a multiset of rows where it
does not (detections, forced photometry, several-oid non-detections: no ORDER BY), gzip
decompressed, PNG by type and size. The OpenAPI documents are compared without the ``/htmx``
pages (server-rendered HTML fragments of ALeRCE's web views, which the offline server does not
serve) and the schemas only those pages use.
"""

import base64
import csv
import gzip
import http.client
import json
import re
import struct
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

EXCHANGES = (Path(__file__).resolve().parents[2].parent / "shared" / "alerce-fixtures"
             / "lsst-recorded" / "exchanges")
HOST = "api-lsst.alerce.online"
COMPARED_HEADERS = ("content-type", "retry-after", "content-encoding", "allow")
#: routes whose rows no ORDER BY orders
UNORDERED = ("/lightcurve_api/detections", "/lightcurve_api/forced-photometry",
             "/lightcurve_api/lightcurve", "/lightcurve_api/conesearch/lightcurve_by_oid")


def _exchanges():
    index = EXCHANGES / "index.tsv"
    if not index.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"recorded LSST exchanges not found at {index}"))]
    with index.open() as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [pytest.param(r["file"], id=r["file"].removesuffix(".json")) for r in rows]


def _send(server, request, extra_headers):
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept-Encoding": "identity"}
    headers.update(extra_headers or {})
    target = request["path"] + (f"?{request['query']}" if request["query"] else "")
    try:
        conn.request(request["method"], target, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        got = {}
        for key, value in resp.getheaders():
            got.setdefault(key.lower(), []).append(value)
        return resp.status, got, body
    finally:
        conn.close()


def _header(headers, name):
    values = headers.get(name)
    if values is None:
        return None
    if isinstance(values, list):
        return values if len(values) > 1 else values[0]
    return values


def _rows(value):
    return Counter(json.dumps(v, sort_keys=True) for v in value)


def _unordered(request):
    path = request["path"]
    oids = [v for k, v in parse_qsl(request["query"]) if k == "oid"]
    if path == "/lightcurve_api/non_detections":
        return len(oids) > 1  # the single-oid path orders by mjd
    return path in UNORDERED


def _compare_json(request, recorded, ours):
    if not _unordered(request):
        assert ours == recorded
        return
    if isinstance(recorded, dict):
        assert list(ours) == list(recorded)
        for key in recorded:
            assert _rows(ours[key]) == _rows(recorded[key]), key
    else:
        assert _rows(ours) == _rows(recorded)


def _without_htmx(doc):
    """An OpenAPI document without the /htmx pages and the schemas only they refer to."""
    paths = {p: v for p, v in doc["paths"].items() if not p.startswith("/htmx")}
    schemas = doc.get("components", {}).get("schemas", {})
    wanted, todo = set(), set(re.findall(r"#/components/schemas/(\w+)", json.dumps(paths)))
    while todo:
        name = todo.pop()
        wanted.add(name)
        todo |= set(re.findall(r"#/components/schemas/(\w+)",
                               json.dumps(schemas.get(name)))) - wanted
    out = {**doc, "paths": paths}
    if schemas:
        out["components"] = {"schemas": {k: v for k, v in schemas.items() if k in wanted}}
    return out


def _png_size(body):
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", body[16:24])


@pytest.mark.parametrize("name", _exchanges())
def test_recorded_exchange(lsst_server, name):
    exchange = json.loads((EXCHANGES / name).read_text())
    request = exchange["request"]
    status, headers, body = _send(lsst_server, request, exchange.get("request_headers"))
    rec_headers = exchange["headers"]
    assert status == exchange["status"]
    for key in COMPARED_HEADERS:
        assert _header(headers, key) == rec_headers.get(key), key
    if "location" in rec_headers:
        ours, theirs = urlsplit(_header(headers, "location")), urlsplit(rec_headers["location"])
        assert (ours.path, ours.query) == (theirs.path, theirs.query)
    if "body_base64" in exchange:
        recorded = base64.b64decode(exchange["body_base64"])
        ctype = rec_headers.get("content-type")
        if rec_headers.get("content-encoding") == "gzip":
            _compare_json(request, json.loads(gzip.decompress(recorded)),
                          json.loads(gzip.decompress(body)))
        elif ctype == "application/gzip":
            assert gzip.decompress(body) == gzip.decompress(recorded)
        elif ctype == "image/png":
            assert _png_size(body) == _png_size(recorded)
        else:
            assert body == recorded
    else:
        text = exchange.get("body_text", "")
        ctype = str(rec_headers.get("content-type"))
        if request["path"].endswith("openapi.json"):
            assert json.loads(body) == _without_htmx(json.loads(text))
        elif ctype.startswith("application/json") and text:
            _compare_json(request, json.loads(text), json.loads(body))
            if not _unordered(request):
                assert body.decode() == text  # compact JSON, same number forms
        else:
            assert body.decode() == text
    assert lsst_server.errors == []
