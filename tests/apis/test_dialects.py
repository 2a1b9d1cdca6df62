"""Error dialects: every recorded error answer of ALeRCE's APIs becomes one readable line."""

import json

import pytest

from alerce_astro.apis.dialects import FASTAPI, FLASK_RESTX, GENERIC, one_line
from alerce_astro.transport import server_message


def _exchanges(folder, status):
    found = []
    for path in sorted(folder.rglob("*.json")):
        exchange = json.loads(path.read_text())
        if isinstance(exchange, dict) and exchange.get("status") == status:
            found.append((path, exchange))
    return found


def _said(dialect, exchange):
    return dialect.message(exchange["body_text"].encode(), exchange.get("headers"))


def test_fastapi_422_lists_name_the_parameter(fixtures_dir):
    exchanges = _exchanges(fixtures_dir / "lsst-recorded" / "exchanges", 422)
    assert len(exchanges) == 23
    lines = {path.parent.name + "/" + path.stem: _said(FASTAPI, ex) for path, ex in exchanges}
    for text in lines.values():
        assert "\n" not in text and "{" not in text and "loc" not in text
    assert lines["object/missing_oid"] == "oid: Field required"
    assert lines["magstats/missing_survey_id"] == "survey_id: Field required"
    assert lines["list_objects/page_bad"] == (
        "page: Input should be a valid integer, unable to parse string as an integer")
    # An item of a repeatable parameter is named with its index.
    assert lines["list_objects/n_det_bad"].startswith("n_det[0]: Input should be a valid integer")
    assert lines["list_objects/probability_bad"].startswith(
        "probability: Input should be a valid number")
    # {"detail": {"<container>": text}}: the container names what was rejected.
    assert lines["list_objects/order_mode_bad"] == (
        "search_filters: Order can be only DESC or ASC.")
    assert lines["list_objects/n_det_min_gt_max"] == (
        "detections_container: Min value can't be greater than max.")


def test_fastapi_enum_error_and_several_problems_make_one_line():
    body = json.dumps({"detail": [
        {"type": "enum", "loc": ["query", "order_mode"], "msg": "Input should be 'ASC' or 'DESC'",
         "input": "up", "ctx": {"expected": "'ASC' or 'DESC'"}},
        {"type": "missing", "loc": ["query", "survey_id"], "msg": "Field required",
         "input": None},
    ]}).encode()
    assert FASTAPI.message(body) == ("order_mode: Input should be 'ASC' or 'DESC'; "
                                     "survey_id: Field required")


def test_fastapi_detail_string_and_plain_text(fixtures_dir):
    assert FASTAPI.message(b'{"detail":"An error occurred"}') == "An error occurred"
    plain = [ex for _, ex in _exchanges(fixtures_dir / "lsst-recorded" / "exchanges", 500)
             if ex["headers"].get("content-type", "").startswith("text/plain")]
    assert plain
    assert {_said(FASTAPI, ex) for ex in plain} == {"Internal Server Error"}


def test_flask_restx_recorded_errors(fixtures_dir):
    folder = fixtures_dir / "recorded" / "exchanges" / "errors"
    bad = json.loads((folder / "bad_order_mode.json").read_text())
    assert _said(FLASK_RESTX, bad) == (
        "Input payload validation failed (order_mode: Ordering could be ascendent or descendent "
        "The value 'up' is not a valid choice for 'order_mode'.)")
    html = json.loads((folder / "object_trailing_slash.json").read_text())
    assert _said(FLASK_RESTX, html) == "404 Not Found"
    unknown = json.loads((folder / "unknown_oid_object.json").read_text())
    assert _said(FLASK_RESTX, unknown).startswith("Object not found. You have requested this URI")
    # Every recorded error answer gives one short line.
    for path in folder.glob("*.json"):
        exchange = json.loads(path.read_text())
        text = _said(FLASK_RESTX, exchange)
        assert text and "\n" not in text and len(text) <= 303, path.name


def test_generic_reads_both_and_the_transport_default_is_generic():
    flask = b'{"errors": {"page": "Page number invalid"}, "message": "Input payload invalid"}'
    fastapi = b'{"detail":[{"loc":["query","page"],"msg":"Input should be greater than 0"}]}'
    assert GENERIC.message(flask) == "Input payload invalid (page: Page number invalid)"
    assert GENERIC.message(fastapi) == "page: Input should be greater than 0"
    assert server_message(fastapi) == GENERIC.message(fastapi)
    assert server_message(fastapi, dialect=FLASK_RESTX) == fastapi.decode()


@pytest.mark.parametrize("body, expected", [
    (b"", "(empty body)"),
    (b"   ", "(empty body)"),
    (b'""', '""'),
    (b'"two\\nlines"', "two lines"),
    (b"[" * 3000 + b"]" * 3000, "[" * 300 + "..."),
    (b'{"detail": []}', '{"detail": []}'),
    (b"\xff\xfe<h1>Oops</h1>", "Oops"),
])
def test_any_body_gives_one_nonempty_line(body, expected):
    for dialect in (FASTAPI, FLASK_RESTX, GENERIC):
        assert dialect.message(body) == expected


def test_odd_fastapi_details():
    assert FASTAPI.message(b'{"detail": [{"loc": ["query"], "msg": "odd"}, 5]}') == "query: odd; 5"
    assert FASTAPI.message(b'{"detail": [{"loc": ["body", "a", 2, "b"]}]}') == (
        "a[2].b: invalid value")
    assert FASTAPI.message(b'{"message": "Flask words"}') == '{"message": "Flask words"}'


def test_rejected_statuses():
    assert 422 in FASTAPI.rejected_statuses and 422 not in FLASK_RESTX.rejected_statuses
    assert 400 in FLASK_RESTX.rejected_statuses
    assert one_line("x" * 400).endswith("...") and len(one_line("x" * 400)) == 303
