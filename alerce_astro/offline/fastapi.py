"""
FastAPI/Starlette behaviour shared by the fake FastAPI services of the sample server.

ALeRCE's newer services (the light curve API v2 and every app of the multisurvey API) are
FastAPI applications behind nginx. What a client sees of that stack is modelled here once:

* query parameters parsed with FastAPI's rules (pydantic v2 lax coercion of ``int``, ``float``,
  ``bool``, ``str`` and ``list[...]`` parameters; the last value wins for a scalar given twice)
  and their **422** answer ``{"detail": [{"type", "loc", "msg", "input"}, ...]}``;
* ``HTTPException`` answers ``{"detail": <str or dict>}``; an exception nobody catches is
  Starlette's **500** ``text/plain`` ``Internal Server Error``;
* compact JSON as Starlette's ``JSONResponse`` renders it (``separators=(",", ":")``, UTF-8
  unescaped, NaN refused: a NaN in an answer is a 500);
* routing: 404 ``{"detail": "Not Found"}``, 405 ``{"detail": "Method Not Allowed"}`` with
  ``Allow`` (a FastAPI GET route does not answer HEAD), and the **307** trailing-slash redirect
  built from the path the application sees (behind a gateway that strips a prefix, the
  ``Location`` loses that prefix);
* Starlette's CORS middleware (``allow_origins=["*"]``, credentials allowed);
* the gateway's gzip: JSON answers of 200/403/404 of at least ``min_length`` bytes get
  ``Vary: Accept-Encoding`` and are gzipped when the request accepts it (nginx's rules);
* ``/openapi.json``: the OpenAPI 3.1 document FastAPI generates from the routes (names,
  operation ids, parameter schemas, response models, the 422 answer).

A service is a `FastAPIApp` of `Route` objects. A route's endpoint gets the request and its
parsed parameters as keyword arguments and returns JSON-able content or a `Response`; it raises
`HTTPException` for an answer of the service's own, and `Uncaught` where the real service fails
with an exception nobody catches. Any other exception is a bug of the fake service: it
propagates to `~alerce_astro.offline.SampleServer`, which records it in ``errors``.
"""

import gzip
import json
import re
from urllib.parse import quote

__all__ = ["Param", "Route", "Model", "FastAPIApp", "Response", "HTTPException", "Uncaught",
           "RequestValidationError", "parse_query", "parse_int", "parse_float", "parse_bool",
           "render_json", "json_response", "plain_text", "accepts_gzip", "gzip_json"]

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"

#: Starlette's answer to an exception nobody caught.
INTERNAL_ERROR = b"Internal Server Error"
#: Methods the CORS middleware allows with ``allow_methods=["*"]``.
CORS_METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
#: Characters Starlette's RedirectResponse leaves unquoted in a Location.
_LOCATION_SAFE = ":/%#?=@[]!$&'()*+,;"


# ---------------------------------------------------------------------------- answers
class Response:
    """
    A ready answer of an endpoint (Starlette's ``Response``).

    Parameters
    ----------
    body : bytes or str
        The body.
    status : int
        The status code.
    media_type : str, optional
        The content type; ``text/*`` types get ``; charset=utf-8`` as Starlette adds it.
    headers : sequence of (str, str)
        More headers.
    """

    __slots__ = ("body", "status", "headers")

    def __init__(self, body=b"", status=200, media_type=None, headers=()):
        self.body = body.encode() if isinstance(body, str) else bytes(body)
        self.status = int(status)
        self.headers = list(headers)
        if media_type is not None:
            if media_type.startswith("text/") and "charset=" not in media_type.lower():
                media_type += "; charset=utf-8"
            self.headers.insert(0, ("Content-Type", media_type))

    def as_tuple(self):
        """The ``(status, headers, body)`` triple of the sample server."""
        return self.status, self.headers, self.body


class HTTPException(Exception):
    """An answer ``{"detail": detail}`` with ``status`` (FastAPI's ``HTTPException``)."""

    def __init__(self, status, detail, headers=()):
        super().__init__(status, detail)
        self.status = int(status)
        self.detail = detail
        self.headers = list(headers)


class Uncaught(Exception):
    """The real service fails here with an exception it does not catch: a plain-text 500."""


class RequestValidationError(Exception):
    """Query parameters failed validation: ``errors`` is FastAPI's list of error dicts."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def render_json(content):
    """
    ``content`` as Starlette's ``JSONResponse`` renders it.

    Parameters
    ----------
    content : object
        JSON-able content.

    Returns
    -------
    bytes
        Compact UTF-8 JSON.

    Raises
    ------
    ValueError
        For NaN or infinite floats (Starlette renders with ``allow_nan=False``).

    Examples
    --------
    >>> render_json({"a": [1, 2.5, None], "b": "é"})
    b'{"a":[1,2.5,null],"b":"\\xc3\\xa9"}'
    """
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")


def json_response(content, status=200, headers=()):
    """A `Response` holding ``content`` as JSON (raises `Uncaught` for NaN, as Starlette)."""
    try:
        body = render_json(content)
    except ValueError as error:
        raise Uncaught(f"JSON rendering failed: {error}") from error
    return Response(body, status, JSON, headers)


def plain_text(text, status=200, headers=()):
    """A ``text/plain; charset=utf-8`` `Response`."""
    return Response(text, status, "text/plain", headers)


def _detail(status, detail, headers=()):
    return json_response({"detail": detail}, status, headers)


def _internal_error():
    return plain_text(INTERNAL_ERROR, 500)


# ---------------------------------------------------------------------------- coercion
class _Invalid(ValueError):
    """One value failed: pydantic's error ``type`` and ``msg``."""

    def __init__(self, kind, msg):
        super().__init__(msg)
        self.kind = kind
        self.msg = msg


_INT_RE = re.compile(r"[+-]?[0-9]+")
_BIGINT_RE = re.compile(r"[+-]?[0-9][0-9_]*")
_FLOAT_RE = re.compile(
    r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)",
    re.IGNORECASE)
_TRUE = frozenset(("1", "on", "t", "true", "y", "yes"))
_FALSE = frozenset(("0", "off", "f", "false", "n", "no"))


def _int_of(text):
    # pydantic-core parses short strings as i64 and long ones as big integers (which, as
    # num-bigint does, accept underscores between digits).
    if len(text) < 19:
        return int(text) if _INT_RE.fullmatch(text) else None
    if _BIGINT_RE.fullmatch(text) and not text.endswith("_"):
        return int(text.replace("_", ""))
    return None


def parse_int(value):
    """
    Parse a query value as pydantic v2 does for an ``int`` field (lax mode).

    Surrounding whitespace is ignored, a ``.0+`` decimal tail is accepted, nothing else is.

    Parameters
    ----------
    value : str
        The raw value.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        With pydantic's error type and message (attributes ``kind`` and ``msg``).

    Examples
    --------
    >>> parse_int(" 12 "), parse_int("3.00"), parse_int("-7")
    (12, 3, -7)
    >>> try:
    ...     parse_int("1.5")
    ... except ValueError as error:
    ...     print(error.kind)
    int_parsing
    """
    text = value.strip()
    if len(text) > 4300:
        raise _Invalid("int_parsing_size",
                       "Unable to parse input string as an integer, exceeded maximum size")
    number = _int_of(text)
    if number is None:
        point = text.find(".")
        if point >= 0 and set(text[point + 1:]) <= {"0"}:
            number = _int_of(text[:point])
    if number is None:
        raise _Invalid("int_parsing",
                       "Input should be a valid integer, unable to parse string as an integer")
    return number


def parse_float(value):
    """
    Parse a query value as pydantic v2 does for a ``float`` field (Rust's float syntax).

    Parameters
    ----------
    value : str
        The raw value.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        With pydantic's error type and message.

    Examples
    --------
    >>> parse_float("1e3"), parse_float(" .5"), parse_float("-inf")
    (1000.0, 0.5, -inf)
    """
    text = value.strip()
    if not _FLOAT_RE.fullmatch(text):
        raise _Invalid("float_parsing",
                       "Input should be a valid number, unable to parse string as a number")
    return float(text)


def parse_bool(value):
    """
    Parse a query value as pydantic v2 does for a ``bool`` field.

    Parameters
    ----------
    value : str
        The raw value (no whitespace is stripped).

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        With pydantic's error type and message.

    Examples
    --------
    >>> parse_bool("True"), parse_bool("off"), parse_bool("1")
    (True, False, True)
    """
    lowered = value.lower() if value.isascii() else value
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _Invalid("bool_parsing", "Input should be a valid boolean, unable to interpret input")


_PARSERS = {"str": str, "int": parse_int, "float": parse_float, "bool": parse_bool}
_SCHEMA_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


class Param:
    """
    One query parameter of a route, declared as in the FastAPI signature.

    Parameters
    ----------
    name : str
        The parameter name.
    type : {"str", "int", "float", "bool"}
        The type of the value (of each value for a list).
    many : bool
        A ``list[type]`` parameter (repeatable: ``?oid=a&oid=b``).
    required : bool
        No default: a missing parameter is a 422 ``missing`` error.
    default : object
        The value when the parameter is absent.
    nullable : bool
        Declared ``X | None`` (only the OpenAPI schema differs: ``anyOf`` with null).
    """

    __slots__ = ("name", "type", "many", "required", "default", "nullable")

    def __init__(self, name, type="str", *, many=False, required=False, default=None,
                 nullable=False):
        if type not in _PARSERS:
            raise ValueError(f"unknown parameter type {type!r}")
        self.name = name
        self.type = type
        self.many = many
        self.required = required
        self.default = default
        self.nullable = nullable

    def schema(self):
        """The parameter's JSON schema in FastAPI's OpenAPI document."""
        inner = {"type": _SCHEMA_TYPES[self.type]}
        if self.many:
            inner = {"type": "array", "items": inner}
        out = {"anyOf": [inner, {"type": "null"}]} if self.nullable else dict(inner)
        if not self.required and self.default is not None:
            out["default"] = self.default
        out["title"] = self.name.replace("_", " ").title()
        return out

    def __repr__(self):
        return f"Param({self.name!r}, {self.type!r})"


def parse_query(params, pairs):
    """
    Parse query ``pairs`` for the declared ``params`` as FastAPI does.

    Parameters
    ----------
    params : sequence of `Param`
        The route's query parameters, in the order of the route function's signature (the
        order of the errors).
    pairs : sequence of (str, str)
        The decoded query string (blank values kept).

    Returns
    -------
    dict
        Parameter name -> parsed value.

    Raises
    ------
    RequestValidationError
        With every error, in declaration order.

    Examples
    --------
    >>> spec = [Param("page", "int", default=1), Param("n_det", "int", many=True)]
    >>> parse_query(spec, [("n_det", "5"), ("page", "2"), ("n_det", "9")])
    {'page': 2, 'n_det': [5, 9]}
    >>> try:
    ...     parse_query(spec, [("page", "x")])
    ... except RequestValidationError as error:
    ...     print(error.errors[0]["type"], error.errors[0]["loc"])
    int_parsing ['query', 'page']
    """
    values = {}
    errors = []
    for param in params:
        received = [v for k, v in pairs if k == param.name]
        if not received:
            if param.required:
                errors.append({"type": "missing", "loc": ["query", param.name],
                               "msg": "Field required", "input": None})
            else:
                values[param.name] = (list(param.default) if isinstance(param.default, list)
                                      else param.default)
            continue
        parse = _PARSERS[param.type]
        if param.many:
            parsed = []
            for index, raw in enumerate(received):
                try:
                    parsed.append(parse(raw))
                except _Invalid as bad:
                    errors.append({"type": bad.kind, "loc": ["query", param.name, index],
                                   "msg": bad.msg, "input": raw})
            values[param.name] = parsed
        else:
            raw = received[-1]  # Starlette's QueryParams: the last value of a repeated key
            try:
                values[param.name] = parse(raw)
            except _Invalid as bad:
                errors.append({"type": bad.kind, "loc": ["query", param.name],
                               "msg": bad.msg, "input": raw})
    if errors:
        raise RequestValidationError(errors)
    return values


# ---------------------------------------------------------------------------- gzip
def accepts_gzip(header):
    """
    Whether an ``Accept-Encoding`` header value accepts gzip.

    Parameters
    ----------
    header : str or None
        The header value.

    Returns
    -------
    bool

    Examples
    --------
    >>> accepts_gzip("gzip, deflate"), accepts_gzip("identity"), accepts_gzip("gzip;q=0")
    (True, False, False)
    """
    for token in (header or "").split(","):
        name, _, params = token.strip().partition(";")
        if name.strip().lower() not in ("gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _header(headers, name):
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def gzip_json(request, status, headers, body, *, min_length=1024, method=None):
    """
    Apply nginx's gzip filter (``gzip_types application/json``, ``gzip_vary on``).

    Parameters
    ----------
    request : object
        The request (its ``headers`` and ``method``).
    status, headers, body
        The answer; ``headers`` is a list of pairs.
    min_length : int
        ``gzip_min_length``: smaller bodies are sent as they are.
    method : str, optional
        The request method when it differs from ``request.method``.

    Returns
    -------
    tuple
        ``(status, headers, body)``, possibly gzipped (with ``Content-Encoding: gzip``).
    """
    ctype = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
    if (status not in (200, 403, 404) or ctype != JSON or len(body) < min_length
            or _header(headers, "Content-Encoding") is not None
            or (method or request.method) == "HEAD"):
        return status, headers, body
    headers = [*headers, ("Vary", "Accept-Encoding")]
    if accepts_gzip(request.headers.get("Accept-Encoding")):
        body = gzip.compress(body, compresslevel=6, mtime=0)
        headers.append(("Content-Encoding", "gzip"))
    return status, headers, body


# ---------------------------------------------------------------------------- models
class Model:
    """
    A pydantic response model, for the OpenAPI document only.

    Parameters
    ----------
    name : str
        The model's class name.
    fields : sequence of (str, object)
        Required fields: ``"str"``, ``"int"``, ``"float"``, ``"dict[str]"`` (a dict of
        strings), a `Model` or ``("list", Model)``.
    """

    def __init__(self, name, fields):
        self.name = name
        self.fields = tuple(fields)

    def ref(self):
        return {"$ref": f"#/components/schemas/{self.name}"}

    def schema(self):
        """The model's JSON schema (as pydantic v2 writes it)."""
        props = {}
        for field, kind in self.fields:
            title = field.replace("_", " ").title()
            if isinstance(kind, tuple):
                props[field] = {"items": kind[1].ref(), "type": "array", "title": title}
            elif isinstance(kind, Model):
                props[field] = {**kind.ref(), "title": title}
            elif kind == "dict[str]":
                props[field] = {"additionalProperties": {"type": "string"}, "type": "object",
                                "title": title}
            else:
                props[field] = {"type": _SCHEMA_TYPES[kind], "title": title}
        return {"properties": props, "type": "object",
                "required": [f for f, _ in self.fields], "title": self.name}

    def models(self):
        """This model and the models it refers to."""
        out = {self.name: self}
        for _, kind in self.fields:
            inner = kind[1] if isinstance(kind, tuple) else kind
            if isinstance(inner, Model):
                out.update(inner.models())
        return out


# ---------------------------------------------------------------------------- routing
_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)}")


class Route:
    """
    One route of a `FastAPIApp` (``@router.get(path)``).

    Parameters
    ----------
    path : str
        The path, with ``{name}`` path parameters matching one segment.
    endpoint : callable
        ``endpoint(request, **values)``: returns JSON-able content or a `Response`.
    params : sequence of `Param`
        The query parameters, in signature order.
    methods : sequence of str
        The methods (FastAPI routes do not add HEAD to GET).
    name : str, optional
        The name of the service's route function (the OpenAPI summary and operation id);
        by default the endpoint's name.
    description : str, optional
        The OpenAPI description (the function's docstring in the service).
    include_in_schema : bool
        List the route in the OpenAPI document.
    response_model : `Model` or ("list", `Model`), optional
        The route's response model (its OpenAPI 200 schema).
    """

    __slots__ = ("path", "endpoint", "params", "methods", "regex", "name", "description",
                 "include_in_schema", "response_model")

    def __init__(self, path, endpoint, params=(), methods=("GET",), *, name=None,
                 description=None, include_in_schema=True, response_model=None):
        self.response_model = response_model
        self.path = path
        self.endpoint = endpoint
        self.params = tuple(params)
        self.methods = tuple(methods)
        self.name = name or getattr(endpoint, "__name__", "endpoint")
        self.description = description
        self.include_in_schema = include_in_schema
        pattern = "".join(
            f"(?P<{part}>[^/]+)" if i % 2 else re.escape(part)
            for i, part in enumerate(_PATH_PARAM.split(path)))
        self.regex = re.compile(pattern)

    def match(self, path):
        """The path parameters when ``path`` matches, else None."""
        found = self.regex.fullmatch(path)
        return None if found is None else found.groupdict()

    def operation(self, method):
        """The route's OpenAPI operation object for ``method`` (as FastAPI generates it)."""
        op = {"summary": self.name.replace("_", " ").title()}
        if self.description:
            op["description"] = self.description
        unique = re.sub(r"\W", "_", f"{self.name}{self.path}") + f"_{method.lower()}"
        op["operationId"] = unique
        if self.params:
            op["parameters"] = [{"name": p.name, "in": "query", "required": p.required,
                                 "schema": p.schema()} for p in self.params]
        model = self.response_model
        if isinstance(model, tuple):
            schema = {"type": "array", "items": model[1].ref(),
                      "title": f"Response_{unique}".replace("_", " ").title()}
        else:
            schema = model.ref() if model is not None else {}
        op["responses"] = {"200": {"description": "Successful Response",
                                   "content": {"application/json": {"schema": schema}}}}
        if self.params:
            op["responses"]["422"] = {
                "description": "Validation Error",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}
        return op


#: FastAPI's schemas of its 422 answer.
VALIDATION_SCHEMAS = {
    "HTTPValidationError": {
        "properties": {"detail": {"items": {"$ref": "#/components/schemas/ValidationError"},
                                  "type": "array", "title": "Detail"}},
        "type": "object", "title": "HTTPValidationError"},
    "ValidationError": {
        "properties": {"loc": {"items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                               "type": "array", "title": "Location"},
                       "msg": {"type": "string", "title": "Message"},
                       "type": {"type": "string", "title": "Error Type"}},
        "type": "object", "required": ["loc", "msg", "type"], "title": "ValidationError"},
}


class FastAPIApp:
    """
    A FastAPI application: routes, validation, errors, CORS and slash redirects.

    Parameters
    ----------
    routes : sequence of `Route`
        The routes, in registration order.
    cors : bool
        Wrap the app in Starlette's CORS middleware (``allow_origins=["*"]``,
        ``allow_credentials=True``, all methods and headers).
    openapi_url : str or None
        Where FastAPI serves the OpenAPI document (not itself listed in it).
    """

    def __init__(self, routes, *, cors=True, openapi_url="/openapi.json"):
        self.routes = list(routes)
        self.cors = cors
        if openapi_url:
            self.routes.insert(0, Route(openapi_url, self.openapi_endpoint,
                                        include_in_schema=False))

    def openapi(self):
        """The OpenAPI document of the app (FastAPI's ``app.openapi()``)."""
        paths = {}
        schemas = {}
        for route in self.routes:
            if not route.include_in_schema:
                continue
            for method in route.methods:
                paths.setdefault(route.path, {})[method.lower()] = route.operation(method)
            if route.params:
                schemas.update(VALIDATION_SCHEMAS)
            model = route.response_model
            model = model[1] if isinstance(model, tuple) else model
            if model is not None:
                schemas.update({k: m.schema() for k, m in model.models().items()})
        doc = {"openapi": "3.1.0", "info": {"title": "FastAPI", "version": "0.1.0"},
               "paths": paths}
        if schemas:
            doc["components"] = {"schemas": dict(sorted(schemas.items()))}
        return doc

    def openapi_endpoint(self, request):
        """The route answering the OpenAPI document."""
        return self.openapi()

    # -------------------------------------------------------------- entry point
    def handle(self, request, path=None):
        """
        Answer ``request`` (its ``path`` relative to the app unless ``path`` is given).

        Returns
        -------
        tuple
            ``(status, headers, body)``.
        """
        path = request.path if path is None else path
        headers = request.headers
        origin = headers.get("Origin")
        if (self.cors and request.method == "OPTIONS" and origin is not None
                and headers.get("Access-Control-Request-Method") is not None):
            return self._preflight(request, origin).as_tuple()
        try:
            response = self._route(request, path)
        except Uncaught:
            # ServerErrorMiddleware sits outside the CORS middleware: no CORS headers here
            return _internal_error().as_tuple()
        if self.cors and origin is not None:
            response.headers.append(("Access-Control-Allow-Origin",
                                     origin if headers.get("Cookie") else "*"))
            response.headers.append(("Access-Control-Allow-Credentials", "true"))
            if headers.get("Cookie"):
                response.headers.append(("Vary", "Origin"))
        return response.as_tuple()

    @staticmethod
    def _preflight(request, origin):
        out = [("Vary", "Origin"), ("Access-Control-Allow-Methods", CORS_METHODS),
               ("Access-Control-Max-Age", "600"), ("Access-Control-Allow-Credentials", "true"),
               ("Access-Control-Allow-Origin", origin)]
        requested = request.headers.get("Access-Control-Request-Headers")
        if requested is not None:
            out.append(("Access-Control-Allow-Headers", requested))
        return plain_text("OK", 200, out)

    # -------------------------------------------------------------- routing
    def _route(self, request, path):
        partial = None
        for route in self.routes:
            found = route.match(path)
            if found is None:
                continue
            if request.method in route.methods:
                return self._call(route, request, found)
            partial = partial or route
        if partial is not None:
            return _detail(405, "Method Not Allowed", [("Allow", ", ".join(partial.methods))])
        if path != "/":
            other = path.rstrip("/") if path.endswith("/") else path + "/"
            if any(route.match(other) is not None for route in self.routes):
                return self._redirect(request, other)
        return _detail(404, "Not Found")

    @staticmethod
    def _redirect(request, path):
        # Starlette builds the URL from the scope: the scheme (uvicorn trusts the gateway's
        # X-Forwarded-Proto), the Host header and the path the application sees.
        scheme = (request.headers.get("X-Forwarded-Proto") or "http").split(",")[0].strip()
        host = request.headers.get("Host") or request.host
        url = f"{scheme}://{host}{path}"
        if request.query:
            url += "?" + request.query
        return Response(b"", 307, None, [("Location", quote(url, safe=_LOCATION_SAFE))])

    @staticmethod
    def _call(route, request, path_values):
        try:
            values = parse_query(route.params, request.args)
        except RequestValidationError as error:
            return json_response({"detail": error.errors}, 422)
        try:
            result = route.endpoint(request, **path_values, **values)
        except HTTPException as error:
            return _detail(error.status, error.detail, error.headers)
        if isinstance(result, Response):
            return result
        return json_response(result)
