"""
Flask/Flask-RESTX behaviour shared by the fake Flask services of the sample server.

ALeRCE's older services (the ZTF API v1, the stamp service, catsHTM) are Flask applications,
the first two with Flask-RESTX. What a client sees of that stack is modelled here once:

* routing as Werkzeug does it: static rules before rules with variables, ``<name>`` matching
  one path segment and ``<path:name>`` several; a path without its trailing slash is answered
  with a **308** to the slashed rule (the ``Location`` built from the ``Host`` header, with the
  query string, as Werkzeug builds it behind a proxy that does not forward the scheme); an
  unmatched path is Flask's HTML 404 page;
* ``OPTIONS`` answered by Flask, other methods than GET/HEAD/OPTIONS a **405** (JSON for a
  Flask-RESTX resource, HTML for a plain Flask route), with ``Allow``;
* query arguments parsed like ``flask_restx.reqparse``: the first failing argument gives
  **400** ``{"errors": {name: "<help> <message>"}, "message": "Input payload validation
  failed"}``;
* the 404 message with Flask-RESTX's "You have requested this URI [...] but did you mean ...?"
  help, computed from the application's URL rules;
* the ``X-Fields`` mask of marshalled answers (and its 400 on a malformed mask);
* JSON framing: ``json.dumps`` with its default separators, NaN as a bare ``NaN`` token, and the
  trailing newline Flask-RESTX's ``output_json`` adds (a service whose answers are re-serialised
  after the fact, like the ZTF API v1, has none on its 200s);
* ``before_request``/``after_request`` hooks, and an endpoint ending early with `Respond`.

A service is a `FlaskApp` of `Rule` objects. An endpoint gets the request (attributes
``method``, ``path`` relative to the service root, ``query``, ``args`` as a list of pairs,
``headers``, ``host``, ``prefix``, ``context``) and the rule's variables as positional
arguments, in the rule's order, and returns ``(status, headers, body)``.
"""

import difflib
import html
import json
import re

__all__ = ["JSON", "HTML", "NOT_FOUND_TEXT", "Rule", "FlaskApp", "Respond", "BadRequest",
           "Arg", "parse_args", "MaskError", "parse_mask", "apply_mask", "masked",
           "json_response", "html_not_found", "help_on_404", "not_found_json",
           "method_not_allowed", "redirect"]

JSON = "application/json"
HTML = "text/html; charset=utf-8"

NOT_FOUND_TEXT = ("The requested URL was not found on the server. If you entered the URL "
                  "manually please check your spelling and try again.")
NOT_FOUND_HTML = ("<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
                  "<h1>Not Found</h1>\n<p>" + NOT_FOUND_TEXT + "</p>\n").encode()
METHOD_NOT_ALLOWED_TEXT = "The method is not allowed for the requested URL."
METHOD_NOT_ALLOWED_HTML = (
    "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
    "<h1>Method Not Allowed</h1>\n<p>" + METHOD_NOT_ALLOWED_TEXT + "</p>\n").encode()
ALLOW = "GET, HEAD, OPTIONS"

_RE_RULES = re.compile("(<.*>)")
_VARIABLE = re.compile(r"<(?:(\w+):)?(\w+)>")


# ---------------------------------------------------------------------------- answers
def json_response(status, data, *, newline=False, headers=()):
    """
    A JSON answer serialised like the services (`json.dumps` default separators).

    Parameters
    ----------
    status : int
        The status code.
    data : object
        JSON-able content; NaN and infinities are written as bare tokens, as the services do.
    newline : bool
        Add the trailing newline of Flask-RESTX's ``output_json``.
    headers : sequence of (str, str)
        More headers.

    Returns
    -------
    tuple
        ``(status, headers, body bytes)``.
    """
    body = json.dumps(data)
    if newline:
        body += "\n"
    return status, [("Content-Type", JSON), *headers], body.encode()


def html_not_found():
    """Flask's HTML 404 page (an unmatched URL)."""
    return 404, [("Content-Type", HTML)], NOT_FOUND_HTML


def help_on_404(path, message, rules):
    """
    Flask-RESTX's "did you mean" help appended to a 404 message.

    Parameters
    ----------
    path : str
        The requested path (relative to the service root).
    message : str
        The 404 message.
    rules : sequence of str
        The application's URL rules, in registration order.

    Returns
    -------
    str
    """
    table = {}
    for rule in rules:
        table[_RE_RULES.sub("", rule)] = rule
    matches = difflib.get_close_matches(path, table.keys())
    if not matches:
        return message
    return "".join((
        (message.rstrip(".") + ". ") if message else "",
        "You have requested this URI [", path, "] but did you mean ",
        " or ".join(table[m] for m in matches), " ?",
    ))


def not_found_json(path, message=NOT_FOUND_TEXT, rules=()):
    """A Flask-RESTX JSON 404 with the "did you mean" help."""
    return json_response(404, {"message": help_on_404(path, message, rules)}, newline=True)


def method_not_allowed(*, restx=True):
    """The 405 of a Flask-RESTX resource (JSON) or of a plain Flask route (HTML)."""
    if restx:
        return json_response(405, {"message": METHOD_NOT_ALLOWED_TEXT}, newline=True,
                             headers=[("Allow", ALLOW)])
    return 405, [("Content-Type", HTML), ("Allow", ALLOW)], METHOD_NOT_ALLOWED_HTML


def redirect(request, path):
    """
    Werkzeug's 308 to ``path`` (relative to the service root), query string kept.

    The ``Location`` is absolute and ``http://``: the services sit behind a proxy that does
    not forward the scheme.
    """
    location = f"http://{request.host}{request.prefix}{path}"
    if request.query:
        location += "?" + request.query
    text = html.escape(location)
    body = ("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
            "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target "
            f'URL: <a href="{text}">{text}</a>. If not, click the link.\n')
    return 308, [("Content-Type", HTML), ("Location", location)], body.encode()


class Respond(Exception):
    """Raised by an endpoint or a hook to answer ``response`` at once (``flask.abort``)."""

    def __init__(self, response):
        super().__init__(response[0])
        self.response = response


# ---------------------------------------------------------------------------- arguments
class BadRequest(Exception):
    """A parameter failed to parse: ``errors`` is ``{name: message}``."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors

    def response(self):
        """The service's 400 answer."""
        return json_response(400, {"errors": self.errors,
                                   "message": "Input payload validation failed"}, newline=True)


class Arg:
    """
    One query argument, parsed the way ``flask_restx.reqparse.Argument`` does.

    Parameters
    ----------
    name : str
        The query parameter.
    type : callable
        Converts the text; any exception it raises is a 400 with its message.
    help : str, optional
        Prefixed to the error message.
    default : object, optional
        Value when the parameter is absent.
    action : {"store", "append"}
        One value (the first) or the list of all values.
    choices : sequence, optional
        Allowed converted values.
    required : bool
        Whether a missing parameter is a 400.
    """

    def __init__(self, name, type=str, help=None, default=None, action="store", choices=None,
                 required=False):
        self.name = name
        self.type = type
        self.help = help
        self.default = default
        self.action = action
        self.choices = choices
        self.required = required

    def _fail(self, error):
        message = str(error)
        if self.help:
            message = f"{self.help} {message}"
        raise BadRequest({self.name: message})

    def parse(self, pairs):
        """The parsed value of this argument among the query ``pairs``."""
        values = [v for k, v in pairs if k == self.name]
        if not values:
            if self.required:
                self._fail("Missing required parameter in the query string")
            return self.default
        results = []
        for value in values:
            try:
                value = self.type(value)
            except Exception as error:  # noqa: BLE001 - any conversion error is a 400
                self._fail(error)
            if self.choices is not None and value not in self.choices:
                self._fail(f"The value '{value}' is not a valid choice for '{self.name}'.")
            results.append(value)
        if self.action == "append":
            return results
        return results[0]


def parse_args(spec, pairs):
    """Parse the query ``pairs`` with the `Arg` list ``spec``; the first failure raises
    `BadRequest`."""
    return {arg.name: arg.parse(pairs) for arg in spec}


# ------------------------------------------------------------------ X-Fields masks
_MASK_LEXER = re.compile(r"\{|\}|\,|[\w_:\-\*]+")


class MaskError(ValueError):
    """A malformed ``X-Fields`` mask (answered with a 400)."""


def parse_mask(text):
    """Parse an ``X-Fields`` mask into nested dicts (``True`` for plain fields)."""
    text = text.replace("\n", "").strip()
    if not text:
        return None
    if text[0] == "{":
        if text[-1] != "}":
            raise MaskError("Missing closing bracket")
        text = text[1:-1]
    root = {}
    fields = root
    previous = None
    stack = []
    for token in _MASK_LEXER.findall(text):
        if token == "{":
            if previous not in fields:
                raise MaskError("Unexpected opening bracket")
            fields[previous] = {}
            stack.append(fields)
            fields = fields[previous]
        elif token == "}":
            if not stack:
                raise MaskError("Unexpected closing bracket")
            fields = stack.pop()
        elif token == ",":
            if previous in (",", "{", None):
                raise MaskError("Unexpected comma")
        else:
            fields[token] = True
        previous = token
    if stack:
        raise MaskError("Missing closing bracket")
    return root


def apply_mask(data, mask):
    """Restrict marshalled ``data`` to ``mask`` (unknown fields are skipped)."""
    if isinstance(data, list):
        return [apply_mask(d, mask) for d in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for field, content in mask.items():
        if field == "*" or field not in data:
            continue
        value = data[field]
        if isinstance(content, dict) and value is not None:
            out[field] = apply_mask(value, content)
        else:
            out[field] = value
    if "*" in mask:
        for key, value in data.items():
            if key not in out:
                out[key] = value
    return out


def masked(request, data):
    """``data`` restricted by the request's ``X-Fields`` header (a marshalled answer)."""
    header = request.headers.get("X-Fields")
    if not header:
        return data
    mask = parse_mask(header)
    return apply_mask(data, mask) if mask else data


# ---------------------------------------------------------------------------- routing
class Rule:
    """
    One URL rule of a `FlaskApp`.

    Parameters
    ----------
    pattern : str
        Werkzeug rule, e.g. ``/objects/<id>/features/<name>``; a trailing slash makes the
        unslashed path a 308 to it.
    endpoint : callable or None
        ``endpoint(request, *variables) -> (status, headers, body)``; None for rules that
        only exist for the 404 help (Swagger, static files...).
    restx : bool
        A Flask-RESTX resource (JSON 405) rather than a plain Flask route (HTML 405).
    """

    def __init__(self, pattern, endpoint=None, *, restx=True):
        self.pattern = pattern
        self.endpoint = endpoint
        self.restx = restx
        regex = []
        last = 0
        self.variables = 0
        for match in _VARIABLE.finditer(pattern):
            regex.append(re.escape(pattern[last:match.start()]))
            converter, name = match.groups()
            regex.append(f"(?P<{name}>.+)" if converter == "path" else f"(?P<{name}>[^/]+)")
            last = match.end()
            self.variables += 1
        regex.append(re.escape(pattern[last:]))
        self.regex = re.compile("".join(regex))

    def match(self, path):
        """The rule's variables if ``path`` matches it, else None."""
        found = self.regex.fullmatch(path)
        return None if found is None else found.groupdict()


class FlaskApp:
    """
    A Flask(-RESTX) application: rules, hooks and the framework's answers.

    Parameters
    ----------
    rules : sequence of `Rule`
        The URL rules in registration order (the order of the 404 help).
    before_request : sequence of callable
        ``hook(request)`` run before routing, as Flask runs them (may raise `Respond`).
    after_request : sequence of callable
        ``hook(request, response) -> response`` run on every answer, as Flask runs them
        (404 pages and redirects included).
    """

    def __init__(self, rules, *, before_request=(), after_request=()):
        self.rules = tuple(rules)
        self.url_rules = tuple(r.pattern for r in self.rules)
        # Werkzeug tries static rules before rules with variables
        self._order = sorted((r for r in self.rules if r.endpoint is not None),
                             key=lambda r: r.variables)
        self.before_request = list(before_request)
        self.after_request = list(after_request)

    def match(self, path):
        """``(rule, variables)`` of the first rule matching ``path``, or None."""
        for rule in self._order:
            variables = rule.match(path)
            if variables is not None:
                return rule, variables
        return None

    def not_found(self, request, message=NOT_FOUND_TEXT):
        """The Flask-RESTX JSON 404 of this application (with the "did you mean" help)."""
        return not_found_json(request.path, message, self.url_rules)

    def handle(self, request):
        """Answer ``request``: ``(status, headers, body)``."""
        try:
            for hook in self.before_request:
                hook(request)
            response = self._dispatch(request)
        except Respond as answer:
            response = answer.response
        for hook in self.after_request:
            response = hook(request, response)
        return response

    def _dispatch(self, request):
        path = request.path
        found = self.match(path)
        if found is None:
            slashed = self.match(path + "/") if not path.endswith("/") else None
            if slashed is not None:
                return redirect(request, path + "/")
            return html_not_found()
        rule, variables = found
        if request.method == "OPTIONS":
            return 200, [("Allow", ALLOW), ("Content-Type", HTML)], b""
        if request.method not in ("GET", "HEAD"):
            return method_not_allowed(restx=rule.restx)
        try:
            return rule.endpoint(request, *variables.values())
        except BadRequest as error:
            return error.response()
        except MaskError as error:
            return json_response(400, {"message": f"Mask parse error: {error}"}, newline=True)
