"""
The rules of ALeRCE's TAP service, and what the client does about them.

What the service leaves out, and the client fills in (`fill_in`):

- ``TAP_SCHEMA`` has units for many columns (deg, d, arcsec) but **not nJy on the LSST flux
  columns** of schema ``alerce_tap`` (`served_unit` says what is served); the client puts the
  true unit back from `alerce_astro.apis.tap.columns`, and ``d`` on MJD columns;
- DaCHS serialises a NULL text or date as an empty string, so it arrives as ``''``, not masked:
  the client masks ``''`` in text columns, except in columns that are ``NOT NULL`` text in every
  table that has them (there ``''`` could only be a real empty string);
- 64-bit ids are VOTable ``long``; a service that sent one as text is read back exactly.

Rules for what a client sends:

- an uploaded column named like a PostgreSQL system column (``oid``, ``ctid``...) is renamed by
  DaCHS (``oid`` -> ``oid_``), so ``JOIN TAP_UPLOAD.t AS u ON x.oid = u.oid`` fails: uploads
  name their id column ``id`` (`check_upload_names`);
- when ``MAXREC`` cuts a result, the answer's ``QUERY_STATUS`` is ``OVERFLOW`` and pyvo does not
  warn when the cut is at the ``maxrec`` the caller gave: the client looks at the status.

What the REST APIs send for the same light-curve rows (`as_rest_rows`, so that a light curve from
TAP equals the REST path's): the ZTF API v1 adds ``tid`` (``"ztf"``) and ``phase`` (always 0) to
detections and ``tid`` to non-detections, and leaves out ``oid`` and ``drbversion``; the light
curve API v2 names a forced point ``candid`` = object id + ``pid`` and adds ``tid`` and ``sid``
(``"ztf"``); the multisurvey API leaves out ``sid``, and ``timeProcessedMjdTai`` and
``timeWithdrawnMjdTai`` of forced photometry. (Keys the APIs always send as null need nothing:
the REST schemas mask what a row lacks.)
"""

import warnings

import numpy as np
from astropy import units as u
from astropy.table import MaskedColumn

from ...exceptions import AlerceWarning, InvalidQueryError
from .columns import TABLES

__all__ = ["served_unit", "fill_in", "check_upload_names", "as_rest_rows", "kind_columns",
           "real_columns",
           "SYSTEM_COLUMNS", "REST_LEAVES_OUT"]

#: PostgreSQL system column names: an uploaded column so named is renamed by the service.
SYSTEM_COLUMNS = frozenset({"oid", "tableoid", "xmin", "xmax", "cmin", "cmax", "ctid"})


def served_unit(col):
    """
    The unit ALeRCE's ``TAP_SCHEMA`` gives a column: the true one, except no nJy (flux) units.

    Parameters
    ----------
    col : `~alerce_astro.apis.tap.columns.TapColumn`

    Returns
    -------
    str or None

    Examples
    --------
    >>> from alerce_astro.apis.tap.columns import table
    >>> served_unit(table("alerce_tap.lsst_detection")["psfflux"]) is None
    True
    >>> served_unit(table("alerce_tap.detection")["mjd"])
    'd'
    """
    if col.unit and "nJy" in col.unit:
        return None
    return col.unit


def _facts():
    """Per lower-case column name: the one unit and description all tables agree on, whether
    it is text that may be NULL, and whether it is a 64-bit integer."""
    units, descriptions, nullable_text, not_null_text, bigint = {}, {}, set(), set(), set()
    for t in TABLES.values():
        for c in t.columns:
            units.setdefault(c.name, set()).add(c.unit)
            descriptions.setdefault(c.name, set()).add(c.description)
            if c.type in ("text", "date"):
                (not_null_text if c.required else nullable_text).add(c.name)
            if c.type == "bigint":
                bigint.add(c.name)
    unit = {n: next(iter(s)) for n, s in units.items() if len(s) == 1 and None not in s}
    description = {n: next(iter(s)) for n, s in descriptions.items() if len(s) == 1}
    return unit, description, not_null_text - nullable_text, bigint


_UNITS, _DESCRIPTIONS, _NOT_NULL_TEXT, _BIGINT = _facts()
_DAY = u.day


def _is_mjd_name(name):
    return "mjd" in name


def fill_in(table):
    """
    Put back in a TAP result what ALeRCE's service leaves out (in place).

    For each column, by its (lower-case) name: the unit when the column has none and every
    known table agrees on it (nJy on LSST fluxes; ``d`` on any float column whose name holds
    ``mjd``), the description when it has none, ``''`` masked in text columns that may be
    NULL, and 64-bit ids sent as text read back as ``int64``. A unit the service sent is never
    replaced.

    Parameters
    ----------
    table : `~astropy.table.Table`
        A TAP result (pyvo's ``to_table()``).

    Returns
    -------
    `~astropy.table.Table`
        The same table.

    Examples
    --------
    >>> from astropy.table import Table
    >>> t = Table({"psfflux": [1.5, 2.0], "firstmjd": [61000.5, 61001.5],
    ...            "rbversion": ["t17_f5_c3", ""]})
    >>> fill_in(t)["psfflux"].unit, t["firstmjd"].unit, t["rbversion"].mask.tolist()
    (Unit("nJy"), Unit("d"), [False, True])
    """
    for name in list(table.colnames):
        col = table[name]
        key = name.lower()
        kind = col.dtype.kind
        if col.unit is None:
            unit = _UNITS.get(key)
            if unit is None and kind == "f" and _is_mjd_name(key):
                unit = _DAY
            if unit is not None:
                col.unit = unit
        if not col.info.description and key in _DESCRIPTIONS:
            col.info.description = _DESCRIPTIONS[key]
        if kind in "OUS" and len(col):
            if key in _BIGINT:
                table[name] = _ids_from_text(col, name)
            elif key not in _NOT_NULL_TEXT:
                table[name] = _mask_empty(col)
        elif key in _BIGINT and kind == "f":
            warnings.warn(f"column {name!r} (a 64-bit id) arrived as floating point: ids "
                          "beyond 2**53 may be inexact; select it without arithmetic so the "
                          "service sends it as an integer", AlerceWarning)
    return table


def _mask_empty(col):
    data = np.asarray(col)
    empty = data == "" if data.dtype.kind != "O" else np.equal(data, "")
    if not empty.any():
        return col
    old = np.ma.getmaskarray(col) if hasattr(col, "mask") else np.zeros(len(col), bool)
    return MaskedColumn(data, mask=old | empty, name=col.name, unit=col.unit,
                        description=col.info.description, meta=col.meta)


def _ids_from_text(col, name):
    data = np.asarray(col)
    old = np.ma.getmaskarray(col) if hasattr(col, "mask") else np.zeros(len(col), bool)
    mask = old | np.array([v is None or str(v).strip() == "" for v in data])
    try:
        values = np.array([0 if m else int(str(v).strip())
                           for v, m in zip(data, mask, strict=True)], dtype=np.int64)
    except (ValueError, OverflowError):
        return col  # not ids after all: leave the column as it came
    return MaskedColumn(values, mask=mask, name=col.name, unit=col.unit,
                        description=col.info.description, meta=col.meta)


def check_upload_names(name, colnames):
    """
    Refuse upload column names the service would rename.

    Parameters
    ----------
    name : str
        The upload's table name (for messages).
    colnames : iterable of str

    Raises
    ------
    InvalidQueryError
        For a column named like a PostgreSQL system column (``oid``...).

    Examples
    --------
    >>> check_upload_names("mine", ["id", "ra"])
    >>> check_upload_names("mine", ["oid"])
    Traceback (most recent call last):
    ...
    astroquery.exceptions.InvalidQueryError: upload 'mine': column 'oid' is a PostgreSQL ...
    """
    for col in colnames:
        low = col.lower()
        if low in SYSTEM_COLUMNS:
            raise InvalidQueryError(
                f"upload {name!r}: column {col!r} is a PostgreSQL system column name, which "
                f"the service renames ('{low}_'); call it 'id' (and join with "
                f"ON x.{low} = u.id)")


#: Database columns (TAP names) the REST APIs do not send, per survey and kind of point.
REST_LEAVES_OUT = {
    ("ztf", "detection"): ("oid", "drbversion"),
    ("ztf", "upper_limit"): ("oid",),
    ("ztf", "forced"): (),
    ("lsst", "detection"): ("sid",),
    ("lsst", "forced"): ("sid", "timeprocessedmjdtai", "timewithdrawnmjdtai"),
}
#: The TAP tables of each kind of light-curve point (the light-curve queries select these).
_KIND_TABLES = {
    ("ztf", "detection"): ("ztf.detection",),
    ("ztf", "upper_limit"): ("ztf.non_detection",),
    ("ztf", "forced"): ("ztf.forced_photometry",),
    ("lsst", "detection"): ("alerce_tap.detection", "alerce_tap.lsst_detection"),
    ("lsst", "forced"): ("alerce_tap.forced_photometry", "alerce_tap.lsst_forced_photometry"),
}


def kind_columns(survey, kind, available):
    """
    The columns of ``available`` (a light-curve chunk's) that belong to one kind of point.

    A chunk stacks every kind: a column of one kind's table is masked on the rows of the
    others. This gives the columns of the kind's own tables (`alerce_astro.apis.tap.columns`),
    without the REST APIs' omissions (`REST_LEAVES_OUT`), in the chunk's order.

    Parameters
    ----------
    survey, kind : str
    available : sequence of str

    Returns
    -------
    list of str
    """
    own = {c for name in _KIND_TABLES[(survey, kind)] for c in TABLES[name].names}
    left_out = set(REST_LEAVES_OUT[(survey, kind)])
    return [c for c in available if c in own and c not in left_out]


def real_columns(survey, kind):
    """
    The columns that are ``real`` (float32) in a kind's tables: in a chunk they may have been
    widened to float64 by another kind's same-named ``double`` column, so the REST form of
    their values (their float32's shortest decimal) needs this list.

    Examples
    --------
    >>> "diffmaglim" in real_columns("ztf", "detection"), real_columns("ztf", "upper_limit")
    (True, set())
    """
    return {c.name for name in _KIND_TABLES[(survey, kind)] for c in TABLES[name].columns
            if c.type == "real"}


def as_rest_rows(survey, kind, rows, *, oid=None):
    """
    One kind of an object's light-curve rows (REST-named, `kind_columns` only) completed
    with what the REST API adds to the database's values (see the module's description).

    Parameters
    ----------
    survey : str
        ``ztf`` or ``lsst``.
    kind : str
        ``detection``, ``upper_limit`` or ``forced``.
    rows : list of dict
        Changed in place.
    oid : str or int
        The object of rows without an ``oid`` key.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> as_rest_rows("ztf", "forced", [{"pid": 2554168932415, "mjd": 60308.2}],
    ...              oid="ZTF00aaaaaab")[0]["candid"]
    'ZTF00aaaaaab2554168932415'
    """
    if survey != "ztf":
        return rows
    if kind == "detection":
        for row in rows:
            row["tid"] = "ztf"
            row["phase"] = 0.0
    elif kind == "upper_limit":
        for row in rows:
            row["tid"] = "ztf"
    elif kind == "forced":
        for row in rows:
            row["candid"] = f"{row.get('oid', oid)}{row['pid']}"
            row["tid"] = row["sid"] = "ztf"
    return rows
