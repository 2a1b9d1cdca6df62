"""
Error dialects: how each web framework behind an ALeRCE API words a failure.

An error answer is turned into ONE short line saying what the server said, so that an exception
message carries the server's own words (astroquery's rule) without a page of HTML or a raw JSON
list. Each API declares its dialect (``alerce_astro.apis.<api>.DIALECT``); the transport applies
it to every error answer of that API, and the `GENERIC` dialect to anything else.

- `FLASK_RESTX` (ZTF API v1, the stamp service): ``{"message": ..., "errors": {param: text}}``
  bodies, and Werkzeug's HTML pages for unmatched URLs (``<title>404 Not Found</title>``).
- `FASTAPI` (light curve API v2, the multisurvey API): ``{"detail": "text"}``,
  ``{"detail": {"<container>": "text"}}``, validation failures as 422
  ``{"detail": [{"type", "loc", "msg", "input"}, ...]}`` (made one line naming each parameter:
  ``order_mode: Input should be 'ASC' or 'DESC'``) and ``text/plain`` ``Internal Server Error``.
- `GENERIC`: either of them, for answers whose framework is not known (a gateway's page).

Nothing here does I/O; every method accepts any bytes and never raises.
"""

import json
import re

__all__ = ["ErrorDialect", "FlaskRestxDialect", "FastApiDialect", "GenericDialect",
           "FLASK_RESTX", "FASTAPI", "GENERIC", "one_line"]

#: Longest message kept (the rest is cut and marked with "...").
MESSAGE_LIMIT = 300
#: Where FastAPI says a validated value came from: the first item of ``loc``, not a name.
_LOCATIONS = frozenset({"query", "path", "body", "header", "cookie"})


def one_line(text, limit=MESSAGE_LIMIT):
    """
    ``text`` as one line (runs of white space made one space), at most ``limit`` characters.

    Parameters
    ----------
    text : str
        Any text.
    limit : int, optional
        Most characters kept; a longer text is cut and ends with ``...``.

    Returns
    -------
    str
        Never empty: ``(empty message)`` stands for an empty text.

    Examples
    --------
    >>> one_line("Internal\\n   Server Error")
    'Internal Server Error'
    """
    text = " ".join(text.split()) or "(empty message)"
    return text if len(text) <= limit else text[:limit] + "..."


class ErrorDialect:
    """
    The words of an API's error answers.

    Subclasses override `from_json` (a decoded JSON body) and may override `from_text` (a body
    that is not JSON: HTML or plain text). `message` is what callers use.

    Attributes
    ----------
    name : str
        The framework's name, for messages and ``repr``.
    rejected_statuses : frozenset of int
        Statuses with which the framework refuses a query it could not validate (Flask-RESTX
        400; FastAPI 400 and 422): the transport adds "the service rejected the query".
    """

    name = "generic"
    rejected_statuses = frozenset({400})

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"

    def message(self, body, headers=None):
        """
        What the server said, as one short line.

        Parameters
        ----------
        body : bytes
            The answer's body.
        headers : mapping, optional
            Its headers (unused by the dialects here: the body tells JSON, HTML and text
            apart by itself, and a server's content type is not always right).

        Returns
        -------
        str
            One line, at most about 300 characters, never empty.
        """
        text = bytes(body).decode("utf-8", errors="replace").strip()
        if not text:
            return "(empty body)"
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return one_line(self.from_text(text))
        try:
            said = self.from_json(data)
        except RecursionError:
            said = None
        return one_line(said if said else text)

    def from_json(self, data):
        """The message of a decoded JSON body, or "" to show the body itself."""
        return data if isinstance(data, str) else ""

    def from_text(self, text):
        """The message of a body that is not JSON: an HTML page's title or heading, or the
        text itself."""
        if "<" not in text:
            return text
        title = re.search(r"<title>(.*?)</title>", text, flags=re.I | re.S)
        heading = re.search(r"<h1>(.*?)</h1>", text, flags=re.I | re.S)
        plain = title or heading
        return plain.group(1) if plain else re.sub(r"<[^>]+>", " ", text)


class FlaskRestxDialect(ErrorDialect):
    """
    Flask-RESTX, as ZTF API v1 and the stamp service speak it.

    Examples
    --------
    >>> FLASK_RESTX.message(b'{"errors": {"page": "Page number invalid"}, '
    ...                     b'"message": "Input payload validation failed"}')
    'Input payload validation failed (page: Page number invalid)'
    >>> FLASK_RESTX.message(b'<!doctype html><title>404 Not Found</title><h1>Not Found</h1>')
    '404 Not Found'
    """

    name = "Flask-RESTX"

    def from_json(self, data):
        if not isinstance(data, dict):
            return super().from_json(data)
        message = _text(data.get("message"))
        errors = data.get("errors")
        if isinstance(errors, dict) and errors:
            detail = "; ".join(f"{key}: {_text(value)}" for key, value in errors.items())
            message = f"{message} ({detail})" if message else detail
        return message


class FastApiDialect(ErrorDialect):
    """
    FastAPI (with pydantic 2), as the light curve API v2 and the multisurvey API speak it.

    Examples
    --------
    >>> FASTAPI.message(b'{"detail":[{"type":"enum","loc":["query","order_mode"],'
    ...                 b'"msg":"Input should be \\'ASC\\' or \\'DESC\\'","input":"up"}]}')
    "order_mode: Input should be 'ASC' or 'DESC'"
    >>> FASTAPI.message(b'{"detail":{"search_filters":"Order can be only DESC or ASC."}}')
    'search_filters: Order can be only DESC or ASC.'
    >>> FASTAPI.message(b'Internal Server Error', {"Content-Type": "text/plain"})
    'Internal Server Error'
    """

    name = "FastAPI"
    rejected_statuses = frozenset({400, 422})

    def from_json(self, data):
        if not isinstance(data, dict) or "detail" not in data:
            return super().from_json(data)
        detail = data["detail"]
        if isinstance(detail, list):
            problems = [_validation_problem(item) for item in detail]
            return "; ".join(p for p in problems if p)
        if isinstance(detail, dict):
            return "; ".join(f"{key}: {_text(value)}" for key, value in detail.items())
        return _text(detail)


class GenericDialect(ErrorDialect):
    """
    Either framework's words, for an answer whose framework is not known (a gateway's page, a
    proxy's error): FastAPI's ``detail`` when present, else Flask-RESTX's ``message``/``errors``.

    Examples
    --------
    >>> GENERIC.message(b'<html><title>502 Bad Gateway</title></html>')
    '502 Bad Gateway'
    >>> GENERIC.message(b'{"detail": "Not Found"}')
    'Not Found'
    """

    name = "generic"

    def from_json(self, data):
        if isinstance(data, dict) and "detail" in data:
            return FASTAPI.from_json(data)
        return FLASK_RESTX.from_json(data)


def _validation_problem(item):
    """One FastAPI validation error as ``parameter: message`` (``n_det[0]`` for an item of a
    repeated parameter); the ``loc`` prefix saying where the value came from is dropped."""
    if not isinstance(item, dict):
        return _text(item)
    loc = item.get("loc")
    parts = list(loc) if isinstance(loc, (list, tuple)) else []
    if parts and parts[0] in _LOCATIONS and len(parts) > 1:
        parts = parts[1:]
    name = ""
    for part in parts:
        if isinstance(part, int) and not isinstance(part, bool):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + _text(part)
    message = _text(item.get("msg")) or _text(item.get("type")) or "invalid value"
    return f"{name}: {message}" if name else message


def _text(value):
    """A JSON value as text: strings as they are, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, separators=(",", ":"), default=str)
    except (ValueError, RecursionError):
        return str(type(value).__name__)


FLASK_RESTX = FlaskRestxDialect()
FASTAPI = FastApiDialect()
GENERIC = GenericDialect()
