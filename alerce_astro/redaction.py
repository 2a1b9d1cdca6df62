"""
Keeping credentials out of everything the package shows or writes.

Every ``AUTH-TOKEN`` the package is given is registered here (`register`, done by the transport
and by the ``token`` configuration item), and `redact` replaces it in any text by ``<AUTH-TOKEN>``,
in every form a server or a proxy might echo it:

- whole, or any run of at least 8 consecutive characters of it (a prefix or a suffix left by a
  cut, a middle part); a token shorter than 8 characters only whole;
- split by white space or line breaks anywhere;
- percent-encoded (``%65``, ``%2E``, upper or lower case, even twice: ``%2565``), as JSON
  escapes (``\\u0065``, ``\\/``, ``\\n`` as a line break) or as HTML character references
  (``&#101;``, ``&#x65;``), any mix of those.

Messages are redacted *before* they are cut to length (`shorten`), so a long token cannot
survive as a part too short to recognise. `holds_secret` is the fast check of a whole answer
body (the cache never stores one that holds a token), `scrub_exception` the cleaning of an
exception before it reaches the caller, `RedactingFilter` that of log records (installed on the
loggers of urllib3, requests, astroquery and this package), and `SecretConfigItem` a
configuration item whose value is never shown.

This module sits at the bottom of the package (it imports nothing of it), so that the
configuration, the transport and the command line can all use it.
"""

import logging
import re
import threading

from astropy.config import ConfigItem

__all__ = ["MARK", "register", "unregister", "redact", "shorten", "holds_secret", "scrub_exception",
           "RedactingFilter", "install_log_filters", "SecretConfigItem"]

#: What a token is replaced by.
MARK = "<AUTH-TOKEN>"
#: Runs of a token at least this long are recognised (shorter tokens only whole).
FRAGMENT = 8
#: Loggers whose records are redacted (a filter acts on records made by its own logger only).
LOGGERS = ("alerce_astro", "urllib3", "urllib3.connectionpool", "urllib3.connection",
           "urllib3.response", "urllib3.poolmanager", "urllib3.util.retry", "requests",
           "astroquery")

_lock = threading.Lock()
_tokens = ()
_grams = {}  # token -> fragments searched for by `redact`
_probes = {}  # token -> fragments searched for by `holds_secret`

# One encoded character (percent, JSON or HTML), or white space, real or JSON-escaped (dropped).
_ENCODED = re.compile(r'%([0-9A-Fa-f]{2})|\\u([0-9A-Fa-f]{4})|\\(["\\/])|&#[xX]([0-9A-Fa-f]{1,6});'
                      r'|&#([0-9]{1,7});|(\s+|\\[bfnrt])')
_MAY_BE_ENCODED = re.compile(r'%[0-9A-Fa-f]{2}|\\[u"\\/bfnrt]|&#')
# The same encodings one by one, for whole bodies (`holds_secret`).
_ESCAPES = (("%", re.compile(r"%([0-9A-Fa-f]{2})")),
            ("\\", re.compile(r'\\(?:u([0-9A-Fa-f]{4})|(["\\/bfnrt]))')),
            ("&#", re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,6})|([0-9]{1,7}));")))


def register(token):
    """
    Make ``token`` one of the secrets `redact` removes (for the rest of the process).

    Parameters
    ----------
    token : str or None
        An ``AUTH-TOKEN``; empty values and non-strings are ignored.
    """
    global _tokens
    if not isinstance(token, str) or not token or token in _grams:
        return
    with _lock:
        if token in _grams:
            return
        n = min(FRAGMENT, len(token))
        grams = {token[i:i + n] for i in range(len(token) - n + 1)}
        # The fast check looks for fewer fragments: every 8th, and the last. Any run of 15
        # characters or more, and any prefix or suffix of 8 or more, holds one of them
        # (tokens under 16 characters are checked with every fragment).
        probes = grams if len(token) < 16 else (
            {token[i:i + n] for i in range(0, len(token) - n + 1, n)} | {token[-n:]})
        _grams[token] = tuple(sorted(grams))
        _probes[token] = tuple(sorted(probes))
        _tokens = (*_tokens, token)


def unregister(token):
    """Forget ``token`` (tests use it to keep the registry small)."""
    global _tokens
    with _lock:
        if token in _grams:
            del _grams[token], _probes[token]
            _tokens = tuple(t for t in _tokens if t != token)


def _decode(text):
    """
    ``text`` with encoded characters decoded and white space dropped, and for each character
    of the result the span of ``text`` it came from: ``(decoded, starts, ends)``.
    """
    pieces, starts, ends, position = [], [], [], 0
    for match in _ENCODED.finditer(text):
        if match.start() > position:
            pieces.append(text[position:match.start()])
            starts.extend(range(position, match.start()))
            ends.extend(range(position + 1, match.start() + 1))
        position = match.end()
        if match.group(6) is not None:  # white space
            continue
        char = _decoded_char(match)
        if not char:  # an encoded line break splits a token like a real one
            continue
        pieces.append(char)
        starts.append(match.start())
        ends.append(match.end())
    if position < len(text):
        pieces.append(text[position:])
        starts.extend(range(position, len(text)))
        ends.extend(range(position + 1, len(text) + 1))
    return "".join(pieces), starts, ends


def _spans(text, tokens):
    """The spans of ``text`` that hold a form of one of ``tokens``, merged, in order."""
    decoded, starts, ends = _decode(text)
    # Encodings of encodings (%2565 is %65 is 'e'): decode again, composing the spans.
    for _ in range(2):
        if not _MAY_BE_ENCODED.search(decoded):
            break
        again, starts2, ends2 = _decode(decoded)
        if again == decoded:
            break
        starts = [starts[i] for i in starts2]
        ends = [ends[i - 1] for i in ends2]
        decoded = again
    found = []
    for token in tokens:
        for gram in _grams[token]:
            i = decoded.find(gram)
            while i >= 0:
                found.append((i, i + len(gram)))
                i = decoded.find(gram, i + 1)
    if not found:
        return []
    found.sort()
    merged = [list(found[0])]
    for a, b in found[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(starts[a], ends[b - 1]) for a, b in merged]


def redact(text, extra=()):
    """
    ``text`` with every form of every registered token replaced by ``<AUTH-TOKEN>``.

    Parameters
    ----------
    text : str
        Any text (other objects are turned into text first).
    extra : iterable of str, optional
        Tokens to remove too (they are registered).

    Returns
    -------
    str

    Examples
    --------
    >>> register("doc-example.s3cr3t.t0ken")
    >>> redact("bad token doc-example.s3cr (cut by the server)")
    'bad token <AUTH-TOKEN> (cut by the server)'
    >>> redact("?t=doc-ex%61mple%2Es3cr3t.%0A t0ken&x=1")
    '?t=<AUTH-TOKEN>&x=1'
    """
    for token in extra:
        register(token)
    text = text if isinstance(text, str) else str(text)
    tokens = _tokens
    if not tokens or not text:
        return text
    spans = _spans(text, tokens)
    for start, end in reversed(spans):
        text = text[:start] + MARK + text[end:]
    return text


def shorten(text, limit=300):
    """
    One line (white space runs made one space), redacted, then cut at ``limit`` characters
    (an ``<AUTH-TOKEN>`` mark is never cut in two); never empty.

    Examples
    --------
    >>> shorten("a   very\\nlong message", limit=8)
    'a very l...'
    """
    text = " ".join(str(text).split()) or "(empty message)"
    if _tokens:
        # Only what can reach the cut matters, but a token that starts before it may run on
        # after it, each character encoded in up to ten: redact that much.
        reach = limit + 12 * max(len(t) for t in _tokens) + 16
        text = redact(text[:reach]) + text[reach:]
    if len(text) <= limit:
        return text
    cut = limit
    mark = text.rfind(MARK, max(0, limit - len(MARK) + 1), limit + len(MARK))
    if mark != -1 and mark < limit:
        cut = mark + len(MARK)
    return text[:cut] + "..."


def holds_secret(data):
    """
    Whether ``data`` (bytes or text) holds a form of a registered token; fast enough for whole
    answer bodies.

    Examples
    --------
    >>> register("doc-example.s3cr3t.t0ken")
    >>> holds_secret(b'{"echo": "doc-example.s3"}'), holds_secret(b'{"ok": 1}')
    (True, False)
    """
    tokens = _tokens
    if not tokens:
        return False
    text = data.decode("latin-1") if isinstance(data, (bytes, bytearray)) else str(data)
    # Whole bodies: C-speed steps first, a Python call only per real escape.
    for _ in range(3):
        text = "".join(text.split())
        if "%" not in text and "\\" not in text and "&#" not in text:
            break
        for marker, pattern in _ESCAPES:  # each starts with a literal: a fast scan
            if marker in text:
                text = pattern.sub(_escaped_char, text)
    return any(probe in text for token in tokens for probe in _probes[token])


def _escaped_char(match):
    """The character an `_ESCAPES` match stands for ("" for white space)."""
    hex_code, other = match.group(1), match.groups()[1] if match.re.groups > 1 else None
    if hex_code is not None:
        value = int(hex_code, 16)
    elif match.re.pattern.startswith("&#"):
        value = int(other, 10)
    else:  # a JSON escape: \" \\ \/ stand for themselves, \n and the like for white space
        return other if other in '"\\/' else ""
    char = chr(value) if value < 0x110000 else "\ufffd"
    return "" if char.isspace() else char


def _decoded_char(match):
    """The character an `_ENCODED` match stands for ("" for white space)."""
    if match.group(6) is not None:
        return ""
    if match.group(3) is not None:
        return match.group(3)
    code = next(g for g in match.groups()[:5] if g is not None)
    value = int(code, 10 if match.group(5) is not None else 16)
    char = chr(value) if value < 0x110000 else "\ufffd"
    return "" if char.isspace() else char


def scrub_exception(exc, *, drop_chain=True):
    """
    Redact the text arguments of ``exc`` in place and, with ``drop_chain``, forget the
    exceptions it was raised from or during (``__cause__``, ``__context__``), which may hold
    a token in their messages, their arguments or the request they carry.

    Returns
    -------
    BaseException
        ``exc`` itself.
    """
    if _tokens:
        exc.args = tuple(redact(a) if isinstance(a, str) else a for a in exc.args)
    if drop_chain:
        exc.__cause__ = None
        exc.__context__ = None
        exc.__suppress_context__ = True
    return exc


class RedactingFilter(logging.Filter):
    """A logging filter that redacts a record's message (and drops its exception text)."""

    def filter(self, record):
        if _tokens:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a broken record: let logging report it
                return True
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
            if record.exc_info or record.exc_text:
                exc = record.exc_info[1] if record.exc_info else None
                if exc is not None:
                    scrub_exception(exc)
                record.exc_text = None
        return True


_FILTER = RedactingFilter()


def install_log_filters():
    """Put the redacting filter on every logger of `LOGGERS` (once)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


class SecretConfigItem(ConfigItem):
    """
    A `~astropy.config.ConfigItem` whose value is never shown: ``print(conf)``,
    ``conf.help()`` and its ``repr`` show ``<AUTH-TOKEN>`` instead (or ``''`` when unset).
    Setting it registers the value with `redact`.
    """

    def set(self, value):
        super().set(value)
        register(value)

    def _shown(self):
        value = self()
        register(value)
        return MARK if value else ""

    def __repr__(self):
        return (f"<ConfigItem: name={self.name!r} value={self._shown()!r} at"
                f" 0x{id(self):x}>")

    def __str__(self):
        return "\n".join((
            f"ConfigItem: {self.name}",
            f"  cfgtype={self.cfgtype!r}",
            f"  defaultvalue={MARK if self.defaultvalue else ''!r}",
            f"  description={self.description!r}",
            f"  module={self.module}",
            f"  value={self._shown()!r}",
        ))
