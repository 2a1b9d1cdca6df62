"""
What every API's routes share: a route names its API and builds ``(url, params)``.

An API's ``routes.py`` holds its path templates and knows where ids go (in the path for the
ZTF API v1, in repeatable query parameters for the multisurvey API); `Route` is what the client
gets back, carrying the API's name so that the client can pick that API's error dialect.
"""

from typing import NamedTuple
from urllib.parse import quote, urlencode

__all__ = ["Route", "segment", "join"]


class Route(NamedTuple):
    """
    One request of an API, ready to send.

    Attributes
    ----------
    url : str
        Full URL without query string.
    params : tuple of (str, object)
        Query parameters in order (repeated names allowed).
    api : str
        The API's name, a key of the client's ``urls`` (``ztf_v1``, ``lightcurve_v2``...).
    """

    url: str
    params: tuple
    api: str

    def with_params(self, params):
        """The same route with ``params`` added after its own."""
        return self._replace(params=tuple(self.params) + tuple(params))

    @property
    def shown(self):
        """URL and query string, as messages and ``meta["url"]`` show them."""
        return self.url + ("?" + urlencode(list(self.params)) if self.params else "")


def segment(value):
    """
    One path segment, escaped; '.' and '..' too, which URL libraries would otherwise resolve as
    'this folder' and 'the parent folder' (RFC 3986 dot segments).

    Examples
    --------
    >>> segment("a/b"), segment("..")
    ('a%2Fb', '%2E%2E')
    """
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text


def join(base, template, **path):
    """
    ``base`` + ``/`` + ``template`` with every path parameter escaped completely.

    Examples
    --------
    >>> join("http://h/ztf/v1/", "objects/{oid}", oid="ZTF20aaelulu")
    'http://h/ztf/v1/objects/ZTF20aaelulu'
    """
    escaped = {key: segment(value) for key, value in path.items()}
    return base.rstrip("/") + "/" + template.format(**escaped)
