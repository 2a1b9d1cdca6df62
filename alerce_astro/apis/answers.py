"""
Is an answer about what was asked? Checks any API's parse step can run before a body is
cached (issue 17, root cause 8).

A well-formed answer can still be wrong: ``{}`` for an object's record, the record of another
object, ``{}`` for a light curve (which would read as "no photometry" and be cached as such),
rows of another object. These checks raise `~alerce_astro.exceptions.ResponseFormatError`
for such answers; run inside the transport's parse hook, they also keep them out of the cache.
They know no survey: each API's ``parse`` module says which key names the object and which
keys its routes always send.

Examples
--------
>>> check_record({"oid": "ZTF20aaelulu", "ndet": 3}, url="u", what="object",
...              id_key="oid", expected="ZTF20aaelulu")
{'oid': 'ZTF20aaelulu', 'ndet': 3}
>>> check_record({}, url="u", what="object", id_key="oid", expected="ZTF20aaelulu")
Traceback (most recent call last):
...
alerce_astro.exceptions.ResponseFormatError: GET u: the object is empty ({}), not the record ...
"""

from ..exceptions import ResponseFormatError

__all__ = ["same_id", "check_record", "check_keys", "check_rows_about", "fits_body"]

_GZIP_MAGIC = b"\x1f\x8b"


def same_id(got, expected):
    """
    Whether an id in an answer is the id asked for: equal as text (an LSST oid may come as a
    JSON integer and be asked as a string), never through a float.

    Examples
    --------
    >>> same_id(313897383979122767, "313897383979122767"), same_id("ZTF20a", "ZTF20b")
    (True, False)
    """
    if isinstance(got, bool) or isinstance(got, float) or got is None:
        return False
    return str(got).strip() == str(expected).strip()


def check_record(data, *, url, what, id_key, expected, required=()):
    """
    The record of one object: a non-empty JSON object whose ``id_key`` is ``expected`` and
    that has every key of ``required`` (the keys the route always sends; a null value is
    fine, a missing key is not).

    Parameters
    ----------
    data : object
        The decoded body.
    url : str
        Where it came from, for messages.
    what : str
        Name of the resource.
    id_key : str
        The key holding the object's id.
    expected : str or int
        The id asked for.
    required : iterable of str, optional
        Keys the route always has.

    Returns
    -------
    dict
        ``data``.

    Raises
    ------
    ResponseFormatError
        For anything else.
    """
    if not isinstance(data, dict):
        raise ResponseFormatError(f"GET {url}: expected a JSON object for the {what}, got "
                                  f"{type(data).__name__}")
    if not data:
        raise ResponseFormatError(f"GET {url}: the {what} is empty ({{}}), not the record of "
                                  f"{id_key}={expected}")
    if id_key not in data:
        raise ResponseFormatError(f"GET {url}: the {what} has no {id_key!r}: it cannot be "
                                  f"told to be about {id_key}={expected}")
    if not same_id(data[id_key], expected):
        raise ResponseFormatError(f"GET {url}: the {what} is about {id_key}={data[id_key]!r}, "
                                  f"not {expected!r} as asked")
    check_keys(data, url=url, what=what, required=required)
    return data


def check_keys(data, *, url, what, required):
    """
    A JSON object with every key of ``required`` (``{}`` or a partial answer is refused).

    Raises
    ------
    ResponseFormatError
        For anything else.

    Examples
    --------
    >>> check_keys({}, url="u", what="light curve", required=("detections", "non_detections"))
    Traceback (most recent call last):
    ...
    alerce_astro.exceptions.ResponseFormatError: GET u: the light curve lacks 'detections', ...
    """
    if not isinstance(data, dict):
        raise ResponseFormatError(f"GET {url}: expected a JSON object for the {what}, got "
                                  f"{type(data).__name__}")
    missing = [k for k in required if k not in data]
    if missing:
        raise ResponseFormatError(f"GET {url}: the {what} lacks "
                                  f"{', '.join(map(repr, missing))}, which this route always "
                                  f"sends")
    return data


def check_rows_about(rows, *, url, what, id_key, expected):
    """
    Rows of one object: every row that carries ``id_key`` carries ``expected`` (rows of
    another object are refused; rows without the key are left alone).

    Raises
    ------
    ResponseFormatError
        Naming the first other id found.

    Examples
    --------
    >>> check_rows_about([{"oid": 5, "mjd": 1.0}], url="u", what="detections", id_key="oid",
    ...                  expected="5")
    [{'oid': 5, 'mjd': 1.0}]
    """
    for row in rows:
        if isinstance(row, dict) and id_key in row and not same_id(row[id_key], expected):
            raise ResponseFormatError(f"GET {url}: the {what} hold rows of "
                                      f"{id_key}={row[id_key]!r}, not only of {expected!r} as "
                                      f"asked")
    return rows


def fits_body(answer, dialect):
    """
    A cutout answer's bytes, once they are known to be FITS (plain or gzip-wrapped).

    An error page sent with status 200 is told apart here, so that the message quotes what
    the service said (in its ``dialect``) instead of a byte dump.

    Parameters
    ----------
    answer : `~alerce_astro.transport.Answer`
        The answer (``url``, ``body``).
    dialect : `~alerce_astro.apis.dialects.Dialect`
        The error words of the API that answered.

    Returns
    -------
    bytes

    Raises
    ------
    ResponseFormatError
        If the body is neither gzip nor FITS.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from alerce_astro.apis.dialects import GENERIC
    >>> fits_body(SimpleNamespace(url="u", body=b"SIMPLE  =   T"), GENERIC)[:6]
    b'SIMPLE'
    >>> fits_body(SimpleNamespace(url="u", body=b"Internal Server Error"), GENERIC)
    Traceback (most recent call last):
    ...
    alerce_astro.exceptions.ResponseFormatError: GET u is not a gzip-compressed FITS file, nor \
a plain one (21 bytes); the service said: Internal Server Error
    """
    body = bytes(answer.body)
    if body[:2] != _GZIP_MAGIC and body[:6] != b"SIMPLE":
        raise ResponseFormatError(
            f"GET {answer.url} is not a gzip-compressed FITS file, nor a plain one "
            f"({len(body)} bytes); the service said: {dialect.message(body)}")
    return body
