"""
Class and classifier names checked against the service's own classifier list before a list
query: a misspelt name (``class_name="snia"``) would otherwise match nothing and look like an
empty answer. The list comes from the client's own `list_classifiers`, so any survey whose
adapter serves it is checked the same way, and is kept for an hour per survey and service URLs (it
changes when ALeRCE deploys a classifier, not from one query to the next).
"""

import difflib
import threading
import time

from ..exceptions import InvalidQueryError, RemoteServiceError

__all__ = ["check_class_names", "forget_class_names", "unknown_name"]

#: How long a service's classifier list is trusted, in seconds.
TTL = 3600.0
_KNOWN = {}  # (survey, service URLs) -> (time.monotonic() when read, {name: {version: [classes]}})
_LOCK = threading.Lock()


def forget_class_names():
    """Forget every classifier list read so far (the next check asks the service again)."""
    with _LOCK:
        _KNOWN.clear()


def check_class_names(client, *, classifier=None, classifier_version=None, class_name=None,
                      cache=None):
    """
    Raise `InvalidQueryError` with a "did you mean" if a name is not the service's.

    Parameters
    ----------
    client : `~alerce_astro.AlerceClass`
        The client whose service is asked (its ``list_classifiers``, then ``list_classes``
        for a version whose classes the list leaves out).
    classifier, classifier_version, class_name : str or None
        The names of the query; `None` is not checked.
    cache : bool, optional
        Passed to ``list_classifiers``.

    Raises
    ------
    InvalidQueryError
        For a classifier, version or class the service does not know.
    """
    if classifier is None and classifier_version is None and class_name is None:
        return
    known = _known(client, cache)
    if not known:  # the service lists no classifier: nothing to check against
        return
    title = client.survey.title
    if classifier is not None and classifier not in known:
        raise InvalidQueryError(unknown_name("classifier", classifier, known,
                                         f"a classifier of ALeRCE {title}"))
    names = [classifier] if classifier is not None else list(known)
    versions = {v for n in names for v in known[n]}
    if classifier_version is not None and classifier_version not in versions:
        whose = f"{classifier}" if classifier is not None else "any classifier"
        raise InvalidQueryError(unknown_name("classifier_version", classifier_version, versions,
                                         f"a version of {whose}"))
    if class_name is None:
        return
    classes = {c for n in names for v, cs in known[n].items()
               if classifier_version is None or v == classifier_version for c in cs}
    if classes and class_name not in classes:
        whose = f"{classifier}" if classifier is not None else f"any ALeRCE {title} classifier"
        raise InvalidQueryError(unknown_name("class_name", class_name, classes,
                                         f"a class of {whose}"))


def unknown_name(argument, value, choices, what):
    """
    The one-line message of an unknown name: the nearest names, then all of them.

    Examples
    --------
    >>> unknown_name("class_name", "snia", ["SNIa", "SNII"], "a class of lc_classifier")
    "class_name='snia' is not a class of lc_classifier; did you mean 'SNIa'? (known: SNIa, SNII)"
    """
    choices = sorted(choices, key=str.lower)
    by_case = [c for c in choices if c.lower() == str(value).lower()]
    near = by_case or difflib.get_close_matches(str(value), choices, n=2, cutoff=0.6) or \
        difflib.get_close_matches(str(value).lower(), [c.lower() for c in choices], n=1)
    near = [next(c for c in choices if c.lower() == n.lower()) for n in near]
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    shown = ", ".join(choices[:20]) + (" ..." if len(choices) > 20 else "")
    return f"{argument}={value!r} is not {what}{hint} (known: {shown})"


def _known(client, cache):
    """``{classifier: {version: [classes]}}`` of the client's service, read once an hour."""
    url = (client.survey.name, tuple(sorted(client.urls.items())))
    now = time.monotonic()
    with _LOCK:
        hit = _KNOWN.get(url)
    if hit is not None and now - hit[0] < TTL:
        return hit[1]
    table = client.list_classifiers(cache=cache)
    known = {}
    for row in table:
        name, version = str(row["classifier_name"]), str(row["classifier_version"])
        text = row["classes"] if "classes" in table.colnames else ""
        classes = [c.strip() for c in str(text or "").split(",") if c.strip()]
        if not classes:
            try:
                classes = [str(c) for c in client.list_classes(name, version,
                                                               cache=cache)["name"]]
            except (LookupError, RemoteServiceError, NotImplementedError):
                classes = []  # unknown classes: only the classifier's name is checked
        known.setdefault(name, {})[version] = classes
    with _LOCK:
        _KNOWN[url] = (now, known)
    return known
