"""
pyvo's exceptions -> the package's: an ADQL error is an `InvalidQueryError` with its position.

A TAP service reports a query it cannot run in the answer's VOTable (``QUERY_STATUS`` ERROR);
pyvo raises `pyvo.dal.DALQueryError` with the service's text. DaCHS's parser says where it
stopped, ``(at char 0), (line:1, col:1)``: `TapQueryError` keeps the service's message, the
line and column, and shows the query line with a caret under that column. Failures of the
service itself become `~alerce_astro.exceptions.RemoteServiceError` (or
`~alerce_astro.exceptions.ServiceUnavailableError` when the retries ran out on 429/5xx).
"""

import re

from ...exceptions import InvalidQueryError, RemoteServiceError, ServiceUnavailableError

__all__ = ["TapQueryError", "query_error", "service_error"]

_LINE_COL = re.compile(r"\(line:\s*(\d+),\s*col:\s*(\d+)\)")
_AT_CHAR = re.compile(r"\(at char (\d+)\)")
_PREFIXES = ("Query Error: ", "Field query: ")


class TapQueryError(InvalidQueryError):
    """
    The TAP service refused a query (an ADQL syntax error, an unknown table or column...).

    Attributes
    ----------
    service_message : str
        What the service said, as it said it.
    line, column : int or None
        Where in the query the service's parser stopped (1-based), when it said.
    query : str
        The query.
    """

    def __init__(self, message, *, service_message, query, line=None, column=None):
        super().__init__(message)
        self.service_message = service_message
        self.query = query
        self.line = line
        self.column = column


def _position(text, query):
    match = _LINE_COL.search(text)
    if match:
        return int(match.group(1)), int(match.group(2))
    match = _AT_CHAR.search(text)
    if match:
        offset = int(match.group(1))
        before = query[:offset]
        return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
    return None, None


def query_error(exc, query):
    """
    The `TapQueryError` for a `pyvo.dal.DALQueryError` the service raised for ``query``.

    Examples
    --------
    >>> from pyvo.dal import DALQueryError
    >>> err = query_error(DALQueryError("Field query: Could not parse your query: Expected "
    ...                                 "\\"SELECT\\", found 'S'  (at char 0), (line:1, col:1)"),
    ...                   "SELEC oid FROM ztf.object")
    >>> err.line, err.column
    (1, 1)
    >>> print(err)
    ADQL error at line 1, column 1: Could not parse your query: Expected "SELECT", found 'S'...
        SELEC oid FROM ztf.object
        ^
    """
    text = str(getattr(exc, "reason", None) or exc).strip()
    message = text
    for prefix in _PREFIXES:
        if message.startswith(prefix):
            message = message[len(prefix):]
    line, column = _position(text, query)
    if line is not None:
        shown = f"ADQL error at line {line}, column {column}: {message}"
        lines = query.splitlines()
        if 0 < line <= len(lines):
            shown += f"\n    {lines[line - 1]}\n    {' ' * (column - 1)}^"
    else:
        shown = f"The TAP service refused the query: {message}"
    return TapQueryError(shown, service_message=text, query=query, line=line, column=column)


def service_error(exc, url):
    """
    The package's exception for a `pyvo.dal.DALServiceError` (or another failure) at ``url``.
    """
    code = getattr(exc, "code", None)
    cause = getattr(exc, "cause", None)
    reason = str(getattr(exc, "reason", None) or exc).strip()
    if code in (429, 502, 503, 504):
        return ServiceUnavailableError(
            f"The TAP service at {url} kept failing (HTTP {code}) after every retry: {reason}")
    what = f"HTTP {code}: " if code else ""
    if cause is not None and not code:
        what = f"{type(cause).__name__}: "
    return RemoteServiceError(f"The TAP service at {url} failed: {what}{reason}")
