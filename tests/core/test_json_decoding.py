"""The fast JSON decoder gives exactly what the standard library gives."""

import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerce_astro import _json


def _stdlib(body):
    return json.loads(body.decode("utf-8-sig", errors="replace"))


def _same(body):
    """repr tells 1 from 1.0 and shows NaN, so equal reprs mean the same values and types."""
    assert repr(_json.loads(body)) == repr(_stdlib(body))


needs_orjson = pytest.mark.skipif(_json.orjson is None, reason="orjson is not installed")


def test_every_recorded_body_decodes_as_the_standard_library_does(fixtures_dir):
    bodies = 0
    for path in sorted((fixtures_dir / "recorded" / "exchanges").glob("*/*.json")):
        exchange = json.loads(path.read_text(encoding="utf-8"))
        body = exchange.get("body_text")
        if not isinstance(body, str):
            continue
        try:
            _stdlib(body.encode())
        except ValueError:
            continue
        _same(body.encode())
        bodies += 1
    assert bodies >= 100


@pytest.mark.parametrize("body", [
    b'{"mag": NaN, "err": Infinity, "low": -Infinity}',     # the service's bare tokens
    b'\xef\xbb\xbf{"a": 1}',                                # a byte-order mark
    b'{"a": "caf\xe9"}',                                    # invalid UTF-8: replaced
    b'["\\ud800"]',                                         # a lone surrogate
    b'[1e400, -1e400]',                                     # beyond the float range
    b'{"a": 1, "a": 2}',                                    # a repeated key: the last wins
    b'[18446744073709551615, -9223372036854775808]',        # the ends of orjson's range
    b'[18446744073709551616, -9223372036854775809]',        # just beyond: exact, not floats
    b'[123456789012345678901234567890]',
    b'{"candid": 1121521071015015006, "ra": 0.1234567890123456789012}',
])
def test_inputs_orjson_treats_differently(body):
    _same(body)


def test_wide_integers_stay_exact():
    assert _json.loads(b"[18446744073709551616]") == [2**64]
    assert type(_json.loads(b"[-9223372036854775809]")[0]) is int


@needs_orjson
def test_orjson_decodes_the_usual_body(monkeypatch):
    calls = []
    real = _json.orjson.loads
    monkeypatch.setattr(_json.orjson, "loads", lambda body: calls.append(body) or real(body))
    assert _json.loads(b'{"candid": 1121521071015015006, "mag": 18.5}') == {
        "candid": 1121521071015015006, "mag": 18.5}
    assert math.isnan(_json.loads(b"[NaN]")[0])  # refused by orjson, decoded by json
    assert len(calls) == 2


def test_errors_are_the_standard_library_errors():
    with pytest.raises(json.JSONDecodeError):
        _json.loads(b"<html>502 Bad Gateway</html>")
    with pytest.raises(ValueError):
        _json.loads(b'{"detections": [')
    with pytest.raises(RecursionError):
        _json.loads(b"[" * 100_000 + b"]" * 100_000)


_scalars = (st.none() | st.booleans() | st.floats(allow_nan=True, allow_infinity=True)
            | st.integers(min_value=-2**80, max_value=2**80) | st.text(max_size=8))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=4), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(value=_values, bom=st.booleans())
def test_any_json_value(value, bom):
    body = json.dumps(value).encode()
    _same(b"\xef\xbb\xbf" + body if bom else body)


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=40))
def test_any_bytes(body):
    try:
        expected = repr(_stdlib(body))
    except (ValueError, RecursionError) as exc:
        with pytest.raises(type(exc)):
            _json.loads(body)
    else:
        assert repr(_json.loads(body)) == expected


def _wide_run_reference(body):
    """The rule, spelled as a regular expression: 20 characters from 0-9 and "-" in a row."""
    return re.search(rb"[0-9-]{20}", body) is not None


@pytest.mark.parametrize("body, expected", [
    (b"", False),
    (b"1" * 19, False),
    (b"1" * 20, True),
    (b'["' + b"-" * 20 + b'"]', True),                      # in a string: decoded by json, same
    (b"[-922337203685477580]", False),                        # 19 characters
    (b"[-9223372036854775809]", True),
    (b'{"a": 1234567890, "b": 1234567890}', False),           # runs split by the separators
])
def test_the_wide_integer_scan_finds_runs_of_twenty(body, expected):
    assert _json._may_hold_wide_integers(body) is expected
    assert _wide_run_reference(body) is expected


@settings(max_examples=500, deadline=None)
@given(body=st.lists(st.sampled_from([b"0", b"5", b"9", b"-", b".", b",", b"e", b"/", b":",
                                      b"\xff", b" "]), max_size=90).map(b"".join))
def test_the_wide_integer_scan_agrees_with_the_rule(body):
    assert _json._may_hold_wide_integers(body) is _wide_run_reference(body)
