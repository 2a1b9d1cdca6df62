"""The FastAPI/Starlette/nginx behaviour shared by the fake FastAPI services."""

import gzip
import json
from email.message import Message
from urllib.parse import parse_qsl

import pytest

from alerce_astro.offline.fastapi import (
    FastAPIApp,
    HTTPException,
    Param,
    RequestValidationError,
    Route,
    Uncaught,
    gzip_json,
    parse_bool,
    parse_float,
    parse_int,
    parse_query,
)


class Request:
    """What the sample server hands a service: method, path, query, args, headers, host."""

    def __init__(self, method, target, headers=()):
        self.method = method
        self.path, _, self.query = target.partition("?")
        self.args = parse_qsl(self.query, keep_blank_values=True)
        self.headers = Message()
        for key, value in dict(headers).items():
            self.headers[key] = value
        self.host = "127.0.0.1:8000"


@pytest.mark.parametrize(("text", "value"), [
    ("12", 12), (" 12 ", 12), ("+7", 7), ("-3", -3), ("3.0", 3), ("3.", 3), ("4.000", 4),
    ("9223372036854775808", 2**63), ("1_000_000_000_000_000_000", 10**18)])
def test_int_coercion(text, value):
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["1.5", "1e3", "x", "", "0x10", "1_0", ".0", "3.01"])
def test_int_refusals(text):
    with pytest.raises(ValueError) as error:
        parse_int(text)
    assert error.value.kind == "int_parsing"


def test_float_and_bool_coercion():
    assert parse_float(" 1e-3 ") == 0.001 and parse_float("+.5") == 0.5
    assert parse_float("NaN") != parse_float("NaN") and parse_float("-Infinity") < 0
    for bad in ("1_0", "0x1", "1e", ".", "one"):
        with pytest.raises(ValueError):
            parse_float(bad)
    assert [parse_bool(v) for v in ("TRUE", "yes", "On", "1", "f", "No", "0")] == [
        True, True, True, True, False, False, False]
    for bad in (" true", "2", "", "maybe"):
        with pytest.raises(ValueError) as error:
            parse_bool(bad)
        assert error.value.msg == "Input should be a valid boolean, unable to interpret input"


def test_validation_errors_in_declaration_order():
    spec = [Param("oid", required=True), Param("n_det", "int", many=True),
            Param("page", "int", default=1), Param("flag", "bool", default=True)]
    with pytest.raises(RequestValidationError) as error:
        parse_query(spec, [("page", "2"), ("n_det", "3"), ("n_det", "x"), ("page", "y")])
    assert error.value.errors == [
        {"type": "missing", "loc": ["query", "oid"], "msg": "Field required", "input": None},
        {"type": "int_parsing", "loc": ["query", "n_det", 1],
         "msg": "Input should be a valid integer, unable to parse string as an integer",
         "input": "x"},
        {"type": "int_parsing", "loc": ["query", "page"],  # the last value of a repeated key
         "msg": "Input should be a valid integer, unable to parse string as an integer",
         "input": "y"}]
    assert parse_query(spec, [("oid", ""), ("page", "1"), ("page", "4")]) == {
        "oid": "", "n_det": None, "page": 4, "flag": True}


def app():
    def echo(request, *, name, times):
        if name == "boom":
            raise Uncaught("the service does not catch this")
        if name == "nan":
            return {"value": float("nan")}
        if name == "bad":
            raise HTTPException(422, {"container": "text"})
        return {"name": name * times, "big": "x" * 2000 if times > 5 else ""}

    return FastAPIApp([Route("/echo", echo, [Param("name", required=True),
                                             Param("times", "int", default=1)]),
                       Route("/items/{item}", lambda request, item: item)])


def call(target, method="GET", **headers):
    return app().handle(Request(method, target, headers))


def test_routing_answers():
    status, headers, body = call("/echo?name=ab&times=2")
    assert (status, json.loads(body)) == (200, {"name": "abab", "big": ""})
    assert body == b'{"name":"abab","big":""}'
    assert call("/nowhere")[::2] == (404, b'{"detail":"Not Found"}')
    status, headers, body = call("/echo?name=a", method="HEAD")
    assert (status, body) == (405, b'{"detail":"Method Not Allowed"}')
    assert ("Allow", "GET") in headers
    assert call("/items/42")[2] == b'"42"'
    assert call("/echo?name=bad")[::2] == (422, b'{"detail":{"container":"text"}}')
    for name in ("boom", "nan"):
        status, headers, body = call(f"/echo?name={name}")
        assert (status, body) == (500, b"Internal Server Error")
        assert headers == [("Content-Type", "text/plain; charset=utf-8")]


def test_trailing_slash_redirect_keeps_the_query_and_drops_nothing_else():
    status, headers, body = call("/echo/?name=a&x=%2C", Host="api.example.org",
                                 **{"X-Forwarded-Proto": "https"})
    assert (status, body) == (307, b"")
    assert dict(headers)["Location"] == "https://api.example.org/echo?name=a&x=%2C"
    status, headers, _ = call("/items/7/")
    assert dict(headers)["Location"] == "http://127.0.0.1:8000/items/7"
    assert call("/nothing/")[0] == 404


def test_cors():
    status, headers, body = call("/echo", method="OPTIONS", Origin="https://a.org",
                                 **{"Access-Control-Request-Method": "GET"})
    assert (status, body) == (200, b"OK")
    assert dict(headers)["Access-Control-Allow-Origin"] == "https://a.org"
    _, headers, _ = call("/echo?name=a", Origin="https://a.org")
    assert ("Access-Control-Allow-Origin", "*") in headers
    assert ("Access-Control-Allow-Credentials", "true") in headers


def test_gateway_gzip_rules():
    request = Request("GET", "/echo", {"Accept-Encoding": "gzip"})
    big = b"[" + b"1," * 600 + b"1]"
    status, headers, body = gzip_json(request, 200, [("Content-Type", "application/json")], big)
    assert ("Content-Encoding", "gzip") in headers and gzip.decompress(body) == big
    small = gzip_json(request, 200, [("Content-Type", "application/json")], b"[1]")
    assert small[1] == [("Content-Type", "application/json")]
    refused = gzip_json(request, 500, [("Content-Type", "application/json")], big)
    assert refused[2] == big
    plain = Request("GET", "/echo", {"Accept-Encoding": "gzip;q=0"})
    _, headers, body = gzip_json(plain, 200, [("Content-Type", "application/json")], big)
    assert body == big and ("Vary", "Accept-Encoding") in headers


def test_openapi_document():
    doc = app().openapi()
    op = doc["paths"]["/echo"]["get"]
    assert op["operationId"] == "echo_echo_get" and op["summary"] == "Echo"
    assert op["parameters"][1] == {"name": "times", "in": "query", "required": False,
                                   "schema": {"type": "integer", "default": 1,
                                              "title": "Times"}}
    assert set(doc["components"]["schemas"]) == {"HTTPValidationError", "ValidationError"}
    assert json.loads(call("/openapi.json")[2]) == doc
