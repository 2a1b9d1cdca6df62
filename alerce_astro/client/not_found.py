"""
The message of a 404 about an object: "no object ZTF99zzzzzzz at ALeRCE" rather than the
service's Flask text ("... but did you mean /objects/<id>/features/<name> ?"), which speaks of
URL patterns a user never typed. Against a server on this machine (the offline sample of
``alerce-astro serve`` or `~alerce_astro.offline.SampleServer`), it adds that the built-in
sample knows only simulated ``ZTF00...`` ids.
"""

import re
from urllib.parse import unquote, urlsplit

from ..exceptions import InvalidQueryError, ObjectNotFoundError

__all__ = ["object_not_found"]

#: Two ids of the built-in offline sample (alerce_astro.offline.simulate.simulated_oid).
SAMPLE_OIDS = ("ZTF00aaaaaaa", "ZTF00aaaaaab")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Flask's routing advice in its 404 texts, from its first sentence on.
_FLASK_HINTS = re.compile(r"\s*(If you entered the URL manually|You have requested this URI)"
                          r".*$", re.DOTALL)


def object_not_found(survey, url, error):
    """
    The `ObjectNotFoundError` to raise for ``error`` (a 404 answer to ``url``): about the
    object named in the URL's path when there is one, else ``error`` without Flask's advice
    about URL patterns.

    Parameters
    ----------
    survey : `~alerce_astro.surveys.Survey`
        The client's survey (what an object id looks like).
    url : str
        The URL asked.
    error : `~alerce_astro.exceptions.ObjectNotFoundError`
        The transport's error.

    Returns
    -------
    `~alerce_astro.exceptions.ObjectNotFoundError`

    Examples
    --------
    >>> from alerce_astro.surveys import get_survey
    >>> print(object_not_found(get_survey("ztf"),
    ...                        "https://api.alerce.online/ztf/v1/objects/ZTF99zzzzzzz/magstats",
    ...                        ObjectNotFoundError("GET .../magstats: HTTP 404: The requested "
    ...                                            "URL was not found on the server. If you "
    ...                                            "entered the URL manually ... did you mean "
    ...                                            "/objects/<id>/magstats ?")))
    no object ZTF99zzzzzzz at ALeRCE (GET .../magstats: HTTP 404: The requested URL was not
    found on the server.)
    """
    oid = _oid_in_path(survey, url)
    if oid is None:
        parts = [unquote(p) for p in urlsplit(url).path.split("/") if p]
        if len(parts) >= 4 and parts[-4:-2][0] == "classifiers" and parts[-1] == "classes":
            return ObjectNotFoundError(
                f"no classifier {parts[-3]!r} version {parts[-2]!r} at ALeRCE "
                f"({_without_flask_hints(error)}); list_classifiers() gives the names and "
                f"versions")
        if _FLASK_HINTS.search(str(error)):  # e.g. a stamp 404: the words kept, not the advice
            return ObjectNotFoundError(_without_flask_hints(error))
        return error
    message = f"no object {oid} at ALeRCE ({_without_flask_hints(error)})"
    host = urlsplit(url).hostname or ""
    if host in _LOOPBACK and not oid.startswith("ZTF00"):
        message += (f"; this is a server on this machine: if it serves the built-in offline "
                    f"sample, its ids are simulated ZTF00... ids such as "
                    f"{' and '.join(SAMPLE_OIDS)} (Alerce.query_objects() lists them)")
    return ObjectNotFoundError(message)


def _without_flask_hints(error):
    """The transport's message without Flask's advice about URL patterns."""
    return _FLASK_HINTS.sub("", str(error)).strip() or str(error)


def _oid_in_path(survey, url):
    """The object id that is a segment of the URL's path, if any (ids travel in paths only
    in APIs whose ids are strings, ZTF's)."""
    if survey.id_dtype != "str":
        return None
    for segment in urlsplit(url).path.split("/"):
        segment = unquote(segment)
        if not segment:
            continue
        try:
            return survey.validate_oid(segment)
        except (InvalidQueryError, ValueError, TypeError):
            continue
    return None
