"""
The routes of ALeRCE's multisurvey API: the one place that knows its paths and query parameters.

Every route is ``<base>/<svc>_api/<route>`` where ``<base>`` is the client's ``multisurvey``
service URL (`~alerce_astro.conf` ``multisurvey_server``, ``https://api-lsst.alerce.online``).
Unlike the ZTF API, ids travel as **query parameters**, repeated for several ids
(``?oid=a&oid=b``), so `route` returns a URL *and* a list of ``(name, value)`` pairs.

Rules this module enforces, each from the recorded exchanges:

- never a trailing slash: the service answers it with a 307 whose ``Location`` drops the
  ``/<svc>_api`` prefix (``list_objects/trailing_slash.json``), a redirect a client must not follow;
- the survey goes in ``survey`` on ``list_objects`` and in ``survey_id`` on the other routes that
  take one, always lower case (``LSST`` answers 400 on the light-curve routes and 500 elsewhere);
  ``probability`` ignores it and ``classifiers`` does not take it, so it is not sent there;
- integers are sent as exact decimal text (64-bit ids never pass through a float); booleans as
  ``true``/``false``; `None` leaves a parameter out; a list repeats it.
"""

__all__ = ["API", "ROUTES", "SURVEYS", "route", "service_path", "ORDER_BY_CHOICES", "ORDER_MODES",
           "STAMP_TYPES", "STAMP_FORMATS"]

#: The key of this API in the client's ``urls``.
API = "multisurvey"

#: route name -> (FastAPI app, path in the app, name of the survey parameter or None).
ROUTES = {
    "list_objects": ("object_api", "list_objects", "survey"),
    "object": ("object_api", "object", "survey_id"),
    "detections": ("lightcurve_api", "detections", "survey_id"),
    "non_detections": ("lightcurve_api", "non_detections", "survey_id"),
    "forced_photometry": ("lightcurve_api", "forced-photometry", "survey_id"),
    "lightcurve": ("lightcurve_api", "lightcurve", "survey_id"),
    # Cone search of the light-curve app: radius in DEGREES (list_objects takes arcsec).
    "objects_by_coordinates": ("lightcurve_api", "conesearch/objects_by_coordinates", None),
    "magstats": ("magstat_api", "magstats", "survey_id"),
    # survey_id is ignored by the service (probability/170028485706776685_with_survey_id.json).
    "probabilities": ("probability_api", "probability", None),
    "classifiers": ("classifier_api", "classifiers", None),
    "stamp": ("stamps_api", "stamp", "survey_id"),
    "avro": ("stamps_api", "avro", "survey_id"),
    # Answers 500 for every object (a server bug); named apart from catsHTM's "crossmatch".
    "crossmatch_api": ("crossmatch_api", "crossmatch", "survey_id"),
}

#: Values of ``survey``/``survey_id`` the service knows (lower case only).
SURVEYS = ("lsst", "ztf")

#: ``order_by`` values of ``list_objects`` that order by a column of the answer. The service
#: orders by oid, silently, for any other name, so the client refuses them before sending.
ORDER_BY_CHOICES = ("probability", "ranking", "oid", "n_det", "n_forced", "n_non_det",
                    "firstmjd", "lastmjd", "deltamjd", "meanra", "meandec", "sigmara",
                    "sigmadec")
#: ``order_mode`` values (case-sensitive: ``asc`` is a 422).
ORDER_MODES = ("ASC", "DESC")
#: ``stamp_type`` values of ``stamps_api/stamp`` (anything else is a 500).
STAMP_TYPES = ("cutoutScience", "cutoutTemplate", "cutoutDifference")
#: ``file_format`` values of ``stamps_api/stamp`` (anything else is a 500).
STAMP_FORMATS = ("fits", "png")


def service_path(name):
    """
    The path of a route below the API's base URL (``object_api/list_objects``).

    Examples
    --------
    >>> service_path("forced_photometry")
    'lightcurve_api/forced-photometry'
    """
    app, path, _ = ROUTES[name]
    return f"{app}/{path}"


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu":
        return str(int(value))  # numpy integers: exact
    return str(value)


def route(base, name, *, survey=None, **params):
    """
    The URL and query parameters of a route.

    Parameters
    ----------
    base : str or mapping
        The API's base URL, or the client's ``urls`` (its ``multisurvey`` entry is used).
    name : str
        A key of `ROUTES`.
    survey : str, optional
        ``"lsst"`` or ``"ztf"``; required by the routes that take a survey, sent under the name
        the route uses (``survey`` or ``survey_id``), and not sent to the routes that ignore it.
    **params
        Query parameters. A list or tuple repeats the parameter (``oid=[a, b]`` gives
        ``oid=a&oid=b``); `None` leaves it out.

    Returns
    -------
    url : str
        Without a trailing slash.
    params : list of (str, str)
        In the order given, the survey first.

    Raises
    ------
    ValueError
        For an unknown route, or a survey missing where the route needs one or not one of
        `SURVEYS` (the callers validate user input before; this guards the wire).

    Examples
    --------
    >>> route("https://api-lsst.alerce.online", "detections", survey="lsst",
    ...       oid=[313897383979122767, 313897383979122767])
    ('https://api-lsst.alerce.online/lightcurve_api/detections', [('survey_id', 'lsst'), \
('oid', '313897383979122767'), ('oid', '313897383979122767')])
    >>> route({"multisurvey": "http://h/"}, "probabilities", survey="lsst", oid=1)
    ('http://h/probability_api/probability', [('oid', '1')])
    """
    if name not in ROUTES:
        raise ValueError(f"unknown multisurvey route {name!r}; known: {sorted(ROUTES)}")
    if not isinstance(base, str):
        base = base[API]
    app, path, survey_param = ROUTES[name]
    pairs = []
    if survey_param is not None:
        if survey not in SURVEYS:
            raise ValueError(f"route {name!r} needs survey= one of {SURVEYS} (lower case), "
                             f"got {survey!r}")
        pairs.append((survey_param, survey))
    for key, value in params.items():
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((key, _text(v)) for v in values)
    url = base.rstrip("/") + "/" + app + "/" + path
    return url, pairs
