"""
`alerce_astro.redaction` on its own: random tokens, echoed in random forms at random places of
random messages, never survive `redact`, `shorten` (at any length) or `holds_secret`; text
without a token is left as it was. The forms are undone by the standard library's decoders
(`_visible`), independently of the module's own decoding.
"""

import contextlib
import html
import json
import re
from urllib.parse import quote, unquote

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reliability_helpers import count

from alerce_astro import redaction

TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/="
# Message text: no character an encoding or the mark is made of, so that the independent
# decoder below and the module read it the same way.
TEXT_CHARS = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,:;!?()[]{}'\"\n\t"


def _visible(text):
    for _ in range(3):
        text = text.replace("\\/", "/")
        text = re.sub(r"\\[bfnrt]", " ", text)
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        text = html.unescape(unquote(text))
    return "".join(text.split())


def _leaks(text, token):
    seen = _visible(text)
    n = min(8, len(token))
    return any(token[i:i + n] in seen for i in range(len(token) - n + 1))


FORMS = {
    "whole": lambda t, cuts: t,
    "split": lambda t, cuts: "".join(
        t[a:b] + (" \r\n"[i % 3] * (1 + i % 2)) for i, (a, b) in
        enumerate(zip([0, *cuts], [*cuts, len(t)], strict=True))),
    "url-encoded": lambda t, cuts: quote(t, safe=""),
    "percent-every": lambda t, cuts: "".join(f"%{b:02x}" for b in t.encode()),
    "percent-some": lambda t, cuts: "".join(f"%{ord(c):02X}" if i in cuts else c
                                            for i, c in enumerate(t)),
    "encoded-twice": lambda t, cuts: quote(quote(t, safe=""), safe=""),
    "json-escapes": lambda t, cuts: "".join(f"\\u{b:04x}" for b in t.encode()),
    "json-line-break": lambda t, cuts: t[:cuts[0]] + "\\n" + t[cuts[0]:] if cuts else t,
    "html": lambda t, cuts: "".join(f"&#x{b:x};" if i % 2 else f"&#{b};"
                                    for i, b in enumerate(t.encode())),
    "prefix": lambda t, cuts: t[:max(8, cuts[0] if cuts else 8)],
    "suffix": lambda t, cuts: t[-max(8, cuts[0] if cuts else 8):],
    "middle": lambda t, cuts: t[len(t) // 2 - 8:len(t) // 2 + 8] if len(t) > 24 else t,
}

tokens = st.text(alphabet=TOKEN_CHARS, min_size=8, max_size=450)
texts = st.text(alphabet=TEXT_CHARS, max_size=400)


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(token=tokens, form=st.sampled_from(sorted(FORMS)), before=texts, after=texts,
       cuts=st.lists(st.integers(1, 449), max_size=4, unique=True), limit=st.integers(10, 900))
def test_no_form_of_a_token_survives(token, form, before, after, cuts, limit):
    assume(not any(token[i:i + 8] in redaction.MARK for i in range(len(token) - 7)))
    cuts = sorted(c for c in cuts if c < len(token))
    echo = FORMS[form](token, cuts)
    text = f"{before} {echo} {after}"
    count("fuzz examples")
    with _registered(token):
        assert not _leaks(redaction.redact(text), token)
        assert not _leaks(redaction.shorten(text, limit), token)
        assert len(redaction.shorten(text, limit)) <= limit + len(redaction.MARK) + 3
        assert redaction.holds_secret(json.dumps({"note": text}).encode())


@settings(max_examples=200, deadline=None, database=None)
@given(text=texts)
def test_text_without_a_token_is_left_alone(text):
    count("fuzz examples")
    with _registered("Zz9+/Zz9+/Zz9+/Q"):  # no run of 8 of its characters in TEXT_CHARS
        assert redaction.redact(text) == text
        assert redaction.shorten(text, 1000) == (" ".join(text.split()) or "(empty message)")


def test_short_tokens_are_redacted_whole_only():
    with _registered("k3y"):
        assert redaction.redact("a k3y and k3") == f"a {redaction.MARK} and k3"


def test_a_mark_is_never_cut_in_two():
    token = "Cut-Me-Here-0123456789"
    text = "x" * 95 + token + " tail"
    with _registered(token):
        for limit in range(90, 120):
            short = redaction.shorten(text, limit)
            assert token[:8] not in short
            assert short.count("<") == short.count(">")


def test_exceptions_are_scrubbed_and_unchained():
    token = "Chain-Secret-0123456789"
    try:
        try:
            raise ValueError(f"inner {token}")
        except ValueError:
            raise KeyError(f"outer {token}") from None
    except KeyError as exc:
        error = exc
    assert error.__context__ is not None
    with _registered(token):
        redaction.scrub_exception(error)
    assert error.__context__ is None and error.__cause__ is None
    assert token[:8] not in str(error) and redaction.MARK in str(error)


@contextlib.contextmanager
def _registered(token):
    redaction.register(token)
    try:
        yield
    finally:
        redaction.unregister(token)
