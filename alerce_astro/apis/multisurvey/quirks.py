"""
The rules of ALeRCE's multisurvey API that a client must know, each from a recorded exchange of
``alerce-fixtures/lsst-recorded`` or the service's public code.

- **ZTF master ids.** ZTF objects inside this API are integers:
  ``(1 << 55) + yy * 26**7 + sum((letter_i - 'a') * 26**(6 - i))`` (`ztf_master_id`,
  `ztf_name`); several routes only accept that form for ZTF.
- **One oid and several oids take different paths** on the light-curve routes. With one oid,
  forced photometry is cut at `SINGLE_OID_ROW_CAP` rows (an SQL ``LIMIT 10``, unordered); with
  several (even the same oid twice) every row comes back, rows of all oids concatenated. This
  client therefore always uses the several-oid path (`several_oid_values` sends a lone oid twice)
  and groups rows by ``oid`` (`split_by_oid`). Bulk work sends `BATCH_OIDS` oids per request.
- **500 after a valid request.** The service answers 500 for several client mistakes (unknown
  oid on ``/object`` and ``/magstats``, solar-system objects there, an unknown classifier on
  ``list_objects``, a stamp of a detection without one) and for a few server bugs (crossmatch,
  avro, ``classifiers?classifier_name=``). The client validates what it can first, and turns a
  500 that still comes back into a message saying what it most likely means
  (`explain_server_error`). What the service cannot answer at all is said before sending
  (`UNSUPPORTED`). On ``/object`` and ``/magstats`` a 500 is **ambiguous** (unknown id, a
  solar-system object, or a real failure): it is not retried but settled by one cheap
  request that answers without ambiguity (`AMBIGUOUS_500`, `PROBE_ROUTE`, `probe_verdict`).
- **Object lists: one row per object and classifier.** ``list_objects`` joins objects with the
  probability table: an object appears once per classifier (two LSST classifiers today), only if
  classified. `group_by_object` keeps one row per object (documented there). ``classifier`` must
  be a known name (else 500) and ``class_name`` a class of that classifier (else silently
  ignored): the client checks both against the service's own classifier list before sending
  (`alerce_astro.client.class_names`, the same check for every survey), and a class needs its
  classifier (`class_needs_classifier`).
- **Photometry rows repeat the band table** (``band_map``); `check_band_map` checks it against
  the survey's facts and drops it.
"""

from operator import itemgetter, methodcaller

import numpy as np
from astropy.time import Time

from ...exceptions import InvalidQueryError, ResponseFormatError
from ...surveys import LSST
from ...surveys.ztf import validate_oid as validate_ztf_name

__all__ = ["ZTF_MASTER_ID_BASE", "ztf_master_id", "ztf_name", "is_ztf_master_id",
           "SINGLE_OID_ROW_CAP", "BATCH_OIDS", "several_oid_values", "split_by_oid",
           "UNSUPPORTED", "explain_server_error", "AMBIGUOUS_500", "PROBE_ROUTE",
           "probe_verdict", "class_needs_classifier",
           "group_by_object", "check_band_map", "mjd_range_on_wire",
           "order_params"]

# ----------------------------------------------------------------------------------------------
# ZTF master ids.
#: The offset of every ZTF master id: ZTF ids live in [2**55, 2**55 + 100 * 26**7).
ZTF_MASTER_ID_BASE = 1 << 55
_LETTERS = 7
_SPAN = 26 ** _LETTERS


def ztf_master_id(name):
    """
    The integer id of a ZTF object inside the multisurvey API.

    Parameters
    ----------
    name : str
        A ZTF object id (``ZTF`` + 2-digit year + 7 lower-case letters).

    Returns
    -------
    int

    Raises
    ------
    InvalidQueryError
        If ``name`` is not a ZTF object id.

    Examples
    --------
    >>> ztf_master_id("ZTF20aaelulu")
    36028957657202554
    """
    name = validate_ztf_name(name)
    number = 0
    for letter in name[5:]:
        number = number * 26 + (ord(letter) - ord("a"))
    return ZTF_MASTER_ID_BASE + int(name[3:5]) * _SPAN + number


def is_ztf_master_id(value):
    """Whether an integer lies in the range of ZTF master ids (a range LSST ids could reach,
    so use it only on rows the service marks as ZTF: ``tid`` 0 or ``survey_id`` ``ztf``)."""
    return isinstance(value, int) and 0 <= value - ZTF_MASTER_ID_BASE < 100 * _SPAN


def ztf_name(master_id):
    """
    The ZTF object id of a master id (inverse of `ztf_master_id`).

    Raises
    ------
    InvalidQueryError
        If the integer is not in the range of ZTF master ids.

    Examples
    --------
    >>> ztf_name(36028957657202554)
    'ZTF20aaelulu'
    """
    value = int(master_id)
    if not is_ztf_master_id(value):
        raise InvalidQueryError(f"{master_id!r} is not a ZTF master id")
    year, number = divmod(value - ZTF_MASTER_ID_BASE, _SPAN)
    letters = []
    for _ in range(_LETTERS):
        number, digit = divmod(number, 26)
        letters.append(chr(ord("a") + digit))
    return f"ZTF{year:02d}{''.join(reversed(letters))}"


# ----------------------------------------------------------------------------------------------
# The several-oid path.
#: Rows of forced photometry the single-oid path returns at most (``LIMIT 10``, unordered).
SINGLE_OID_ROW_CAP = 10
#: oids per several-oid request in bulk work. A real LSST object sends about 2.5 kB of JSON per
#: detection and 0.35 kB per forced point: 20 objects of a few hundred points each are a few MB
#: to tens of MB per answer (gzipped on the wire), a URL of about 500 bytes, and 50 requests for
#: 1,000 light curves. Larger batches make single answers slow to build on the server (its
#: pods run 4 workers and shed load beyond 5 requests in flight); smaller ones multiply requests.
BATCH_OIDS = 20


def several_oid_values(oids):
    """
    The ``oid`` values to send so that the service takes the several-oid path.

    A lone oid is sent twice (``oid=a&oid=a``): the service then returns every row instead of
    at most `SINGLE_OID_ROW_CAP` forced-photometry points, and the rows are not repeated.

    Examples
    --------
    >>> several_oid_values([313897383979122767])
    [313897383979122767, 313897383979122767]
    >>> several_oid_values([1, 2])
    [1, 2]
    """
    oids = list(oids)
    if not oids:
        raise ValueError("several_oid_values needs at least one oid")
    return oids * 2 if len(oids) == 1 else oids


def split_by_oid(rows, oids):
    """
    Rows of a several-oid answer grouped by their ``oid``.

    Parameters
    ----------
    rows : list of dict
        The concatenated rows (no order is defined by the service).
    oids : list of int
        The oids asked for; each gets an entry, empty if the service sent nothing for it.

    Returns
    -------
    dict
        oid -> list of rows, in the order of ``oids``.

    Raises
    ------
    ResponseFormatError
        If a row has no oid or one that was not asked for.

    Examples
    --------
    >>> split_by_oid([{"oid": 2, "x": 1}, {"oid": 1, "x": 2}, {"oid": 2, "x": 3}], [1, 2, 3])
    {1: [{'oid': 1, 'x': 2}], 2: [{'oid': 2, 'x': 1}, {'oid': 2, 'x': 3}], 3: []}
    """
    out = {oid: [] for oid in oids}
    try:  # the usual answer: objects, each with an oid asked for; the oids read in C
        if type(rows) is list and set(map(type, rows)) <= _DICT:
            owners = list(map(itemgetter("oid"), rows))
            if out.keys() >= set(owners):
                for oid, row in zip(owners, rows, strict=True):
                    out[oid].append(row)
                return out
    except (KeyError, TypeError):  # a row without an oid, an oid that is no key: below
        pass
    for row in rows:
        oid = row.get("oid") if isinstance(row, dict) else None
        if oid not in out:
            raise ResponseFormatError(
                f"a light-curve row has oid {oid!r}, which was not asked for "
                f"({len(out)} oids asked)")
        out[oid].append(row)
    return out


# ----------------------------------------------------------------------------------------------
# What the service cannot answer, and its 500s.
#: Data the service does not have for LSST: the message a client raises instead of asking.
UNSUPPORTED = {
    "features": ("ALeRCE's multisurvey API serves no light-curve features for LSST objects "
                 "(no route exists); features are only available for ZTF"),
    "avro": ("ALeRCE's multisurvey API serves no alert packets (avro) for LSST: its "
             "stamps_api/avro route answers 500 for every LSST alert. Use get_stamps for the "
             "cutouts and get_lightcurve for the photometry"),
    "limit_values": ("ALeRCE's multisurvey API has no limit-values route: the ranges of n_det "
                     "and firstmjd over all LSST objects are not served"),
    "crossmatch": ("ALeRCE's multisurvey crossmatch_api fails for every object (a server bug: "
                   "it answers 500); crossmatch by position with query_catalogs (catsHTM) "
                   "instead"),
}

#: Routes that answer 500 both for an id they do not know (or a solar-system object) and when
#: they fail (object/lsst_unknown, magstats/lsst_unknown, object/ssobject_*): the client does
#: not retry that 500 but asks `PROBE_ROUTE` instead.
AMBIGUOUS_500 = frozenset({"object", "magstats"})
#: The route that settles it: single-oid ``detections`` answers ``[]`` (200) for an unknown
#: oid (lightcurve/detections_unknown_single.json) and the rows of any known object, each
#: row carrying ``diaObjectId`` (0 for a solar-system object) and ``ssObjectId``
#: (lightcurve/detections_single_21163624394469969.json). Every object has a detection.
PROBE_ROUTE = "detections"


def probe_verdict(rows, oid):
    """
    What the `PROBE_ROUTE` rows of ``oid`` say about a 500 on an `AMBIGUOUS_500` route.

    Parameters
    ----------
    rows : list of dict
        The single-oid ``detections`` answer.
    oid : int
        The object asked for.

    Returns
    -------
    str
        ``"unknown"`` (no such object), ``"solar_system"`` (an ssObject: it has photometry but
        no object record or diaObject summary, so the 500 is the service's answer) or
        ``"exists"`` (a diaObject: the 500 is a failure of the service, worth retrying).

    Examples
    --------
    >>> probe_verdict([], 5)
    'unknown'
    >>> probe_verdict([{"oid": 5, "diaObjectId": 0, "ssObjectId": 5}], 5)
    'solar_system'
    >>> probe_verdict([{"oid": 5, "diaObjectId": 5, "ssObjectId": 0}], 5)
    'exists'
    """
    mine = [r for r in rows if r.get("oid") == oid]
    if not mine:
        return "unknown"
    if all(not r.get("diaObjectId") and r.get("ssObjectId") == oid for r in mine):
        return "solar_system"
    return "exists"


_HINTS = {
    "object": ("there is no {survey} object {oid}: the service answers 500 for an unknown id "
               "and for solar-system objects (ssObjectIds have light curves, probabilities and "
               "stamps, but no object record)"),
    "magstats": ("there is no diaObject summary for {oid}: the service answers 500 for an "
                 "unknown id and for solar-system objects, which have no diaObject"),
    "list_objects": ("the service failed on a checked query: it answers 500 for a classifier it "
                     "does not know, so its classifier list may have changed since it was "
                     "cached (try list_classifiers(cache=False))"),
    "probabilities": ("the service failed on the probabilities of {oid}: it answers 500 for "
                      "ids it cannot read (for ZTF objects it needs the master id)"),
    "stamp": ("there is no {stamp_type} stamp for measurement {measurement_id} of {oid}: only "
              "the detection that triggered an alert ALeRCE received (has_stamp true) has "
              "cutouts"),
    "classifiers": ("the service fails when asked for one classifier by name (a server bug); "
                    "ask for the whole list"),
    "avro": UNSUPPORTED["avro"],
    "crossmatch_api": UNSUPPORTED["crossmatch"],
}


def explain_server_error(route, **params):
    """
    What a 500 answer to a request the client had validated most likely means.

    Parameters
    ----------
    route : str
        A route name of `~alerce_astro.apis.multisurvey.routes.ROUTES`.
    **params
        Values to name in the message (``oid``, ``survey``, ``measurement_id``, ``stamp_type``).

    Returns
    -------
    str

    Examples
    --------
    >>> explain_server_error("magstats", oid=21163624394469969)[:51]
    'there is no diaObject summary for 21163624394469969'
    """
    template = _HINTS.get(route)
    if template is None:
        return (f"ALeRCE's multisurvey API answered 500 (server error) to a valid {route} "
                f"request; try again later")
    fields = {"oid": "?", "survey": "lsst", "stamp_type": "?", "measurement_id": "?"}
    fields.update({k: v for k, v in params.items() if v is not None})
    return template.format(**fields)


# ----------------------------------------------------------------------------------------------
# Classifiers and classes.
def class_needs_classifier(class_name, classifiers, *, argument="class_name"):
    """
    Refuse a class without its classifier: the service filters a class within one
    classifier (``class_name`` alone is ignored, every class answered).

    Parameters
    ----------
    class_name : str
        The class asked for.
    classifiers : list of dict
        ``classifier_api/classifiers`` rows (``classifier_name``, ``classes``), to name the
        classifiers that have the class.

    Raises
    ------
    InvalidQueryError
        Always, naming the classifiers with that class.

    Examples
    --------
    >>> rows = [{"classifier_name": "stamp_classifier_rubin_beta", "classes": ["SN", "AGN"]}]
    >>> class_needs_classifier("SN", rows)
    Traceback (most recent call last):
    ...
    astroquery.exceptions.InvalidQueryError: class_name needs classifier= (the service filters \
a class within one classifier); classifiers with class 'SN': stamp_classifier_rubin_beta
    """
    having = [row["classifier_name"] for row in classifiers
              if class_name in row.get("classes", ())]
    hint = f"; classifiers with class {class_name!r}: {', '.join(having)}" if having else ""
    raise InvalidQueryError(f"{argument} needs classifier= (the service filters a class "
                            f"within one classifier){hint}")


# ----------------------------------------------------------------------------------------------
# One row per object.
def group_by_object(rows):
    """
    One row per object from ``list_objects`` items that repeat an object once per classifier.

    The kept row of an object is its most probable one among the rows given (the first one on
    a tie); objects stay in the order they first appear, so the service's ordering is kept.
    The kept row's ``classifier_name`` says which classifier gave the class. Ask for one
    classifier (``classifier=``) to get that classifier's row of every object instead.

    Parameters
    ----------
    rows : list of dict
        Items in the service's order.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> rows = [{"oid": 1, "probability": 0.6, "classifier_name": "a"},
    ...         {"oid": 2, "probability": 0.5, "classifier_name": "a"},
    ...         {"oid": 1, "probability": 0.9, "classifier_name": "b"}]
    >>> [(r["oid"], r["classifier_name"]) for r in group_by_object(rows)]
    [(1, 'b'), (2, 'a')]
    """
    kept = {}
    for row in rows:
        oid = row.get("oid")
        best = kept.get(oid)
        if best is None or _probability(row) > _probability(best):
            kept[oid] = row
    return list(kept.values())


def _probability(row):
    value = row.get("probability")
    return value if isinstance(value, (int, float)) else float("-inf")


# ----------------------------------------------------------------------------------------------
# The band table on every row.
def check_band_map(rows, survey=LSST):
    """
    Drop the ``band_map`` of photometry rows after checking it against the survey's bands.

    Every LSST row carries ``{"6": "u", "1": "g", ...}``. The survey's band table
    (`alerce_astro.surveys.LSST`) is the one place for that fact; a row whose map disagrees
    would be silently mislabelled, so it is an error instead. Rows of another survey (ZTF rows
    carry ``{"1": "g", "2": "r", "3": "i"}``) are checked against that survey only when it is
    the one given.

    Parameters
    ----------
    rows : list of dict
        Modified in place.
    survey : `~alerce_astro.surveys.Survey`, optional

    Returns
    -------
    list of dict
        The same rows.

    Raises
    ------
    ResponseFormatError
        If a band map of a row of ``survey`` disagrees with the survey's bands.
    """
    expected = {str(b.code): b.name for b in survey.bands}
    maps = list(map(_POP_BAND_MAP, rows))
    if maps and maps.count(maps[0]) == len(maps):  # one map throughout (dicts compared in C)
        band_map = maps[0]
        if band_map is None or (type(band_map) is dict
                                and not _band_mismatch(band_map, expected)):
            return rows
    last = None  # a map to refuse, or several maps: row by row
    for row, band_map in zip(rows, maps, strict=True):
        if band_map is None or band_map == last:
            continue
        if row.get("survey_id", survey.name) == survey.name:
            mismatch = _band_mismatch(band_map, expected)
            if mismatch:
                raise ResponseFormatError(
                    f"the service's band table {band_map} disagrees with {survey.title}'s bands "
                    f"{expected} on {mismatch}; refusing to mislabel bands")
            last = band_map
    return rows


_POP_BAND_MAP = methodcaller("pop", "band_map", None)
_DICT = {dict}


def _band_mismatch(band_map, expected):
    return {k: v for k, v in band_map.items() if expected.get(str(k)) != v}


def mjd_range_on_wire(value):
    """
    MJD range ends as the service compares them: TAI MJDs (Rubin's ``midpointMjdTai``).

    `~astropy.time.Time` ends are converted; plain numbers are taken as TAI MJDs already.

    Examples
    --------
    >>> from astropy.time import Time
    >>> [round((m - 61000.0) * 86400, 3) for m in mjd_range_on_wire(Time(61000.0, format="mjd"))]
    [37.0]
    >>> mjd_range_on_wire([61000.0, None])
    [61000.0, None]
    """
    def one(end):
        return float(end.tai.mjd) if isinstance(end, Time) else end

    if isinstance(value, Time):
        return [float(v) for v in np.atleast_1d(value.tai.mjd)]
    if isinstance(value, (list, tuple)):
        return type(value)(one(v) for v in value)
    return one(value)


def order_params(order_by=None, order_mode=None):
    """
    The order of a list query: the user's (descending unless told), or none (the service
    orders by probability, then by ``oid``, which keeps its pages stable).

    Examples
    --------
    >>> order_params()
    []
    >>> order_params("n_det")
    [('order_by', 'n_det'), ('order_mode', 'DESC')]
    """
    if order_by is None:
        return []
    return [("order_by", order_by), ("order_mode", order_mode or "DESC")]
