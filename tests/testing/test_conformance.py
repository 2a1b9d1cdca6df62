"""
Conformance of the sample server with the real ZTF API v1.

Every exchange recorded from ALeRCE's own API server (``recorded/exchanges``, answered over
exactly the objects of ``recorded/objects``) is replayed against `SampleServer` serving that
dataset: same status, same content type, same body. Where the service defines no order
(``/magstats``, list pages without ``order_by``, ties within an ``order_by``) the rows are
compared without order when the page holds the whole result; otherwise the envelope, the
number of rows, their keys and the sequence of sort-key values must match.
"""

import csv
import http.client
import json
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "alerce-fixtures"
EXCHANGES = FIXTURES / "recorded" / "exchanges"
API_ROOT = "/ztf/v1"

# order_by column -> key of a list item holding it (classifier_version and ranking are not
# in the items: their order cannot be checked from the body)
ITEM_KEY = {"class_name": "class", "classifier_name": "classifier"}


def _exchanges():
    index = EXCHANGES / "index.tsv"
    if not index.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"recorded exchanges not found at {index}"))]
    with index.open() as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [pytest.param(r["file"], id=r["file"].removesuffix(".json")) for r in rows]


def _fetch(server, method, path, query):
    target = API_ROOT + path + (f"?{query}" if query else "")
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, target)
        resp = conn.getresponse()
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return resp.status, headers, body.decode()
    finally:
        conn.close()


def _dump(item):
    return json.dumps(item)


def _page_size(query):
    size = 10
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == "page_size":
            size = int(value)
            break
    return 10 if size < 0 else size


def _compare_list(recorded, ours, query):
    params = dict(parse_qsl(query, keep_blank_values=True))
    oids = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "oid"]
    assert list(ours) == list(recorded), "envelope keys"
    for key in recorded:
        if key != "items":
            assert ours[key] == recorded[key], f"envelope {key}"
    rec_items, our_items = recorded["items"], ours["items"]
    assert len(our_items) == len(rec_items), "number of rows"
    for item in our_items:
        assert list(item) == list(rec_items[0]), "keys of the rows"
    order_by = params.get("order_by")
    sort_key = None
    if order_by:
        sort_key = ITEM_KEY.get(order_by, order_by)
        if sort_key not in rec_items[0] if rec_items else True:
            sort_key = None
    elif len(oids) > 1:
        sort_key = "oid"  # the requested order
    if sort_key is not None:
        assert [_dump(i[sort_key]) for i in our_items] == [
            _dump(i[sort_key]) for i in rec_items], f"sequence of {sort_key}"
    total = recorded["total"]
    whole = not recorded["has_prev"] and (
        len(rec_items) == total if total is not None else len(rec_items) < _page_size(query))
    if whole:
        assert Counter(map(_dump, our_items)) == Counter(map(_dump, rec_items)), "rows"
    elif sort_key is not None and rec_items:
        # rows whose sort key is not shared with the page boundary are fully determined
        edge = {_dump(rec_items[0][sort_key]), _dump(rec_items[-1][sort_key])}
        inner = [_dump(i) for i in rec_items if _dump(i[sort_key]) not in edge]
        ours_inner = [_dump(i) for i in our_items if _dump(i[sort_key]) not in edge]
        assert Counter(ours_inner) == Counter(inner), "rows inside the page"


@pytest.mark.parametrize("name", _exchanges())
def test_recorded_exchange(recorded_server, name):
    exchange = json.loads((EXCHANGES / name).read_text())
    req = exchange["request"]
    status, headers, body = _fetch(recorded_server, req["method"], req["path"], req["query"])
    assert status == exchange["status"]
    rec_headers = exchange["headers"]
    assert headers.get("content-type") == rec_headers.get("content-type")
    rec_body = exchange["body_text"]

    if status == 308:
        rec_loc = urlsplit(rec_headers["location"])
        our_loc = urlsplit(headers["location"])
        assert our_loc.path.startswith(API_ROOT)
        assert (our_loc.path[len(API_ROOT):], our_loc.query) == (rec_loc.path, rec_loc.query)
        rec_origin = f"{rec_loc.scheme}://{rec_loc.netloc}"
        our_origin = f"{our_loc.scheme}://{our_loc.netloc}{API_ROOT}"
        assert body == rec_body.replace(rec_origin, our_origin)
        return
    if not rec_headers.get("content-type", "").startswith("application/json"):
        assert body == rec_body
        return

    path = req["path"]
    if status == 200 and path.endswith("/objects/"):
        assert body.endswith("}") and not body.endswith("\n")
        _compare_list(json.loads(rec_body), json.loads(body), req["query"])
    elif status == 200 and path.endswith("/magstats"):
        recorded, ours = json.loads(rec_body), json.loads(body)
        assert Counter(map(_dump, ours)) == Counter(map(_dump, recorded))
    else:
        # exact bytes: key order, values, number formatting and the trailing newline
        assert body == rec_body
