"""
``AUTH-TOKEN`` checking of the sample server's ZTF API v1, as ALeRCE's token library does it.

The ZTF API v1 authenticates with ``ralidator`` (``ralidator-flask`` over ``ralidator-core``):
a Flask ``before_request`` hook decodes the ``AUTH-TOKEN`` header (a JWT); the light curve
routes (``/lightcurve``, ``/detections``, ``/non_detections``) require the permission
``basic_user`` or ``admin``; an ``after_request`` hook filters JSON answers with the user's
filters. What a client sees, per token:

* **none**: answered (the anonymous user has ``basic_user``);
* **valid**: answered;
* **expired**: **401** ``"Expired Token"`` (a JSON string) on the light curve routes, before
  anything else (an unknown oid too); on every other route a **500**
  ``{"message": "Internal Server Error"}`` instead of any JSON answer below 400 (4xx answers,
  redirects and HTML pages pass unchanged);
* **forbidden** (valid, without the permission): **403** ``"Forbidden"`` on the light curve
  routes, answered elsewhere;
* **anything else**: answered, as anonymous: a token that does not decode (not a JWT, a bad
  signature, a missing claim) is ignored.

The 500s are the library's bug: an expired token leaves the user's filters unset, and the
``after_request`` filter then fails on every JSON answer the permission check did not stop
first. A 500 that the same request without the token does not give is a refused token, not an
outage.

The sample server knows no secret key: `TokenTable` says which opaque strings are valid,
expired or forbidden.
"""

from .flask_restx import JSON, Respond, json_response

__all__ = ["TokenTable", "Ralidator", "HEADER", "KINDS"]

#: The request header holding the token.
HEADER = "AUTH-TOKEN"
#: The kinds of known tokens.
KINDS = ("valid", "expired", "forbidden")
ANONYMOUS = "anonymous"


class TokenTable:
    """
    The tokens a `~alerce_astro.offline.SampleServer` knows.

    Parameters
    ----------
    tokens : mapping
        ``{"valid": [...], "expired": [...], "forbidden": [...]}``, each an iterable of token
        strings (every key optional). ``forbidden`` tokens are valid tokens without the
        permission the light curve routes require.

    Raises
    ------
    ValueError
        For an unknown kind, a token that is not a non-empty string, or a token of two kinds.

    Examples
    --------
    >>> table = TokenTable({"valid": ["good"], "expired": ["old"]})
    >>> table.kind("good"), table.kind("old"), table.kind("not-a-jwt"), table.kind(None)
    ('valid', 'expired', 'anonymous', 'anonymous')
    """

    def __init__(self, tokens):
        unknown = set(tokens) - set(KINDS)
        if unknown:
            raise ValueError(f"tokens has unknown kinds {sorted(unknown)}; use keys among "
                             f"{list(KINDS)}")
        self._kinds = {}
        for kind in KINDS:
            values = tokens.get(kind) or ()
            if isinstance(values, str):
                values = [values]
            for token in values:
                if not isinstance(token, str) or not token:
                    raise ValueError(f"tokens[{kind!r}] holds {token!r}: tokens are non-empty "
                                     "strings")
                if self._kinds.setdefault(token, kind) != kind:
                    raise ValueError(f"a token is both {self._kinds[token]} and {kind}")

    def kind(self, token):
        """``"valid"``, ``"expired"``, ``"forbidden"``, or ``"anonymous"`` for no token or
        one the service would ignore (it does not decode)."""
        if not token:
            return ANONYMOUS
        return self._kinds.get(token, ANONYMOUS)

    def __repr__(self):
        counts = {kind: sum(k == kind for k in self._kinds.values()) for kind in KINDS}
        return "<TokenTable " + ", ".join(f"{n} {kind}" for kind, n in counts.items()) + ">"


def _is_json(headers):
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";")[0].strip() == JSON
    return False


class Ralidator:
    """
    The token library's hooks for a `~alerce_astro.offline.flask_restx.FlaskApp`.

    Parameters
    ----------
    tokens : `TokenTable`
        The known tokens.
    """

    def __init__(self, tokens):
        self.tokens = tokens

    def before_request(self, request):
        """Decode the token (``authenticate_token``): its kind goes to the request context."""
        request.context["auth"] = self.tokens.kind(request.headers.get(HEADER))

    def check_permissions(self, request):
        """The light curve routes' permission check: raise `Respond` with the 401 or 403."""
        kind = request.context.get("auth")
        if kind == "expired":
            raise Respond(json_response(401, "Expired Token", newline=True))
        if kind == "forbidden":
            raise Respond(json_response(403, "Forbidden", newline=True))

    def after_request(self, request, response):
        """Filter JSON answers below 400: with an expired token this fails, and the
        framework answers a 500."""
        status, headers, _ = response
        if request.context.get("auth") == "expired" and status < 400 and _is_json(headers):
            return json_response(500, {"message": "Internal Server Error"}, newline=True)
        return response
