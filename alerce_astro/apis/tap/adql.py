"""
The ready-made ADQL queries: object lists by classifier and class, classifiers and classes,
light-curve chunks, the service's tables and columns.

Each function returns the text of one query (nothing here talks to the service), so that
``get_query_payload=True`` can show it and tests can read it. Values given by the caller are
validated or quoted as ADQL string literals; names of tables and columns come from
`alerce_astro.apis.tap.columns`.

Facts of the multisurvey schema these queries rely on: class and classifier names come from
joining ``classifier`` and ``taxonomy``, and class ids are reused by different classifiers, so
``taxonomy`` is joined on ``classifier_id`` *and* ``class_id``. The survey-independent part of
a detection (``mjd``, ``band``, ``ra``, ``dec``) is in ``detection``, Rubin's measurements in
``lsst_detection`` (likewise ``forced_photometry`` and ``lsst_forced_photometry``).
"""

import math

import numpy as np

from ...exceptions import InvalidQueryError

__all__ = ["literal", "objects_by_class", "classifiers", "classes", "lightcurve_chunk",
           "tables", "columns", "UPLOAD_NAME", "LIGHTCURVE_KINDS"]

#: Name of the uploaded id table of light-curve chunks (``TAP_UPLOAD.ids``, column ``id``).
UPLOAD_NAME = "ids"
#: Light-curve parts per survey: kind -> (value of the ``kind`` column, query builder key).
LIGHTCURVE_KINDS = {
    "lsst": ("detections", "forced_photometry"),
    "ztf": ("detections", "non_detections", "forced_photometry"),
}
#: Value of the ``kind`` column for each part, as in the canonical light curve.
KIND_LABELS = {"detections": "detection", "forced_photometry": "forced",
               "non_detections": "upper_limit"}
_TID = {"lsst": 1, "ztf": 0}


def literal(value):
    """
    An ADQL literal for a Python value: strings quoted (quotes doubled), numbers as they are.

    Examples
    --------
    >>> literal("O'Neil"), literal(313897383979122767), literal(0.5)
    ("'O''Neil'", '313897383979122767', '0.5')
    """
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (bool, np.bool_)):
        raise InvalidQueryError(f"cannot use {value!r} in a query")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and math.isfinite(value):
        return repr(float(value))
    raise InvalidQueryError(f"cannot use {value!r} (a {type(value).__name__}) in a query")


def _range(column, value, argument):
    """ADQL conditions for ``value``: a number (minimum) or a (min, max) pair (None: open)."""
    if value is None:
        return []
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return [f"{column} >= {literal(value)}"]
    try:
        low, high = value
    except (TypeError, ValueError):
        raise InvalidQueryError(f"{argument} must be a number (the minimum) or a (min, max) "
                                f"pair, got {value!r}") from None
    out = []
    if low is not None:
        out.append(f"{column} >= {literal(low)}")
    if high is not None:
        out.append(f"{column} <= {literal(high)}")
    if low is not None and high is not None and high < low:
        raise InvalidQueryError(f"{argument}: the minimum {low} is above the maximum {high}")
    return out


def objects_by_class(classifier, class_name=None, *, survey="lsst", ranking=1, probability=None,
                     n_det=None, firstmjd=None, lastmjd=None, cone=None, top=None):
    """
    Objects classified by ``classifier`` (as ``class_name``), best probability first.

    Parameters
    ----------
    classifier : str
        Classifier name (``stamp_classifier_rubin_beta``...); see `classifiers`.
    class_name : str, optional
        Class (``SN``...); all classes when not given.
    survey : str, optional
        ``lsst`` (default) or ``ztf`` (ZTF objects of the multisurvey database).
    ranking : int or None, optional
        Rank of the class within the classifier (1: the most probable class); `None` for any.
    probability : float or (float, float), optional
        Minimum probability, or a (min, max) range.
    n_det, firstmjd, lastmjd : number or (number, number), optional
        Minimum or (min, max) range of the number of detections, first and last MJD.
    cone : tuple, optional
        ``(ra_deg, dec_deg, radius_deg)``: objects whose mean position is inside.
    top : int, optional
        ``TOP n``.

    Returns
    -------
    str

    Examples
    --------
    >>> print(objects_by_class("stamp_classifier_rubin_beta", "SN", top=10))
    SELECT TOP 10 o.oid, o.meanra, o.meandec, o.firstmjd, o.lastmjd, o.deltamjd, o.n_det, ...
    FROM alerce_tap.object AS o
    JOIN alerce_tap.probability AS p ON p.oid = o.oid AND p.sid = o.sid
    JOIN alerce_tap.classifier AS c ON c.classifier_id = p.classifier_id
    JOIN alerce_tap.taxonomy AS t ON t.classifier_id = p.classifier_id AND t.class_id = p.class_id
    WHERE o.tid = 1 AND c.classifier_name = 'stamp_classifier_rubin_beta' AND t.class_name = 'SN' AND p.ranking = 1
    ORDER BY p.probability DESC, o.oid
    """  # noqa: E501 (the query as the service receives it)
    if not isinstance(classifier, str) or not classifier:
        raise InvalidQueryError("classifier must be a classifier name (see list_tap_classifiers)")
    survey = str(survey).lower()
    if survey not in _TID:
        raise InvalidQueryError(f"survey must be 'lsst' or 'ztf', got {survey!r}")
    where = [f"o.tid = {_TID[survey]}", f"c.classifier_name = {literal(classifier)}"]
    if class_name is not None:
        where.append(f"t.class_name = {literal(str(class_name))}")
    if ranking is not None:
        where.append(f"p.ranking = {literal(int(ranking))}")
    where += _range("p.probability", probability, "probability")
    where += _range("o.n_det", n_det, "n_det")
    where += _range("o.firstmjd", firstmjd, "firstmjd")
    where += _range("o.lastmjd", lastmjd, "lastmjd")
    if cone is not None:
        ra, dec, radius = (float(v) for v in cone)
        where.append(f"CONTAINS(POINT('ICRS', o.meanra, o.meandec), "
                     f"CIRCLE('ICRS', {ra!r}, {dec!r}, {radius!r})) = 1")
    head = "SELECT " + (f"TOP {int(top)} " if top is not None else "")
    return (head + "o.oid, o.meanra, o.meandec, o.firstmjd, o.lastmjd, o.deltamjd, o.n_det, "
            "o.n_forced, c.classifier_name, c.classifier_version, t.class_name, "
            "p.probability, p.ranking\n"
            "FROM alerce_tap.object AS o\n"
            "JOIN alerce_tap.probability AS p ON p.oid = o.oid AND p.sid = o.sid\n"
            "JOIN alerce_tap.classifier AS c ON c.classifier_id = p.classifier_id\n"
            "JOIN alerce_tap.taxonomy AS t ON t.classifier_id = p.classifier_id "
            "AND t.class_id = p.class_id\n"
            "WHERE " + " AND ".join(where) + "\n"
            "ORDER BY p.probability DESC, o.oid")


def classifiers():
    """
    The classifiers of the multisurvey database.

    Examples
    --------
    >>> print(classifiers())
    SELECT classifier_id, classifier_name, classifier_version, tid FROM alerce_tap.classifier ORDER BY classifier_name, classifier_version
    """  # noqa: E501
    return ("SELECT classifier_id, classifier_name, classifier_version, tid "
            "FROM alerce_tap.classifier ORDER BY classifier_name, classifier_version")


def classes(classifier=None):
    """
    The classes of each classifier (or of one), in taxonomy order.

    Examples
    --------
    >>> print(classes("stamp_classifier_rubin_beta"))
    SELECT c.classifier_name, c.classifier_version, t.class_id, t.class_name, t."order" ...
    """
    where = ""
    if classifier is not None:
        where = f"WHERE c.classifier_name = {literal(str(classifier))} "
    return ('SELECT c.classifier_name, c.classifier_version, t.class_id, t.class_name, '
            't."order" FROM alerce_tap.taxonomy AS t JOIN alerce_tap.classifier AS c '
            "ON c.classifier_id = t.classifier_id " + where +
            'ORDER BY c.classifier_name, c.classifier_version, t."order"')


def _id_condition(column, oids, method):
    if method == "upload":
        return f"JOIN TAP_UPLOAD.{UPLOAD_NAME} AS u ON {column} = u.id", ""
    return "", f"WHERE {column} IN ({', '.join(literal(o) for o in oids)})"


def lightcurve_chunk(survey, kind, oids, *, method="upload"):
    """
    The query of one part of the light curves of some objects.

    Parameters
    ----------
    survey : str
        ``lsst`` (schema ``alerce_tap``) or ``ztf`` (schema ``ztf``).
    kind : str
        ``detections``, ``forced_photometry`` or (ZTF) ``non_detections``.
    oids : sequence
        The objects (only used by ``method="in"``).
    method : str, optional
        ``upload``: join the uploaded table ``TAP_UPLOAD.ids`` (column ``id``); ``in``: an
        ``IN (...)`` list in the query.

    Returns
    -------
    str

    Examples
    --------
    >>> print(lightcurve_chunk("lsst", "detections", [313897383979122767], method="in"))
    SELECT d.mjd, d.band, d.ra, d.dec, m.* FROM alerce_tap.lsst_detection AS m JOIN alerce_tap.detection AS d ON d.oid = m.oid AND d.measurement_id = m.measurement_id WHERE m.oid IN (313897383979122767)
    """  # noqa: E501
    if kind not in LIGHTCURVE_KINDS.get(survey, ()):
        raise InvalidQueryError(f"a {survey} light curve has no {kind!r} part; parts: "
                                f"{LIGHTCURVE_KINDS.get(survey)}")
    if method not in ("upload", "in"):
        raise InvalidQueryError(f"method must be 'upload' or 'in', got {method!r}")
    if survey == "lsst":
        measures, common = {"detections": ("lsst_detection", "detection"),
                            "forced_photometry": ("lsst_forced_photometry",
                                                  "forced_photometry")}[kind]
        join, where = _id_condition("m.oid", oids, method)
        # m.* keeps the query valid whatever Rubin columns the service adds or drops.
        parts = [f"SELECT d.mjd, d.band, d.ra, d.dec, m.* FROM alerce_tap.{measures} AS m "
                 f"JOIN alerce_tap.{common} AS d ON d.oid = m.oid AND "
                 "d.measurement_id = m.measurement_id", join, where]
    else:
        table = {"detections": "detection", "non_detections": "non_detection",
                 "forced_photometry": "forced_photometry"}[kind]
        join, where = _id_condition("x.oid", oids, method)
        parts = [f"SELECT x.* FROM ztf.{table} AS x", join, where]
    return " ".join(p for p in parts if p)


def tables(schema=None):
    """The tables of the service (``TAP_SCHEMA.tables``), or of one schema."""
    where = f" WHERE schema_name = {literal(str(schema))}" if schema else ""
    return ("SELECT schema_name, table_name, table_type, description FROM tap_schema.tables"
            + where + " ORDER BY schema_name, table_name")


def columns(table):
    """The columns of one table (``TAP_SCHEMA.columns``), in the service's order."""
    return ("SELECT column_name, datatype, unit, ucd, description, indexed, principal, "
            "column_index FROM tap_schema.columns WHERE table_name = "
            f"{literal(str(table))} ORDER BY column_index, column_name")
