"""
TAP light-curve rows -> the REST APIs' names, and the hook to the canonical light curve.

A TAP answer names columns in lower case (``psfflux``); the REST APIs' JSON uses Rubin's camel
case (``psfFlux``). `rest_names` renames the columns of a TAP light-curve table to the REST keys
(from `alerce_astro.apis.tap.columns`), so that the photometry maps written for the REST wire
(``apis/<api>/photometry.py``: wire rows -> canonical columns) apply to TAP rows unchanged.

`to_canonical_lightcurve` is the one place where a TAP per-object table becomes an
`AlerceLightCurve`: through `wire_rows` (the values the REST APIs send for the same database
values) and `alerce_astro.apis.tap.quirks.as_rest_rows` (what they add), then the REST map.
"""

import numpy as np

from .columns import TABLES

__all__ = ["rest_names", "wire_rows", "RestRows", "to_canonical_lightcurve", "photometry_map",
           "REST_NAMES"]


def _rest_names():
    names = {}
    for t in TABLES.values():
        for c in t.columns:
            if c.wire:
                names.setdefault(c.name, c.wire)
    return names


#: Lower-case TAP name -> REST key, where they differ (``psfflux`` -> ``psfFlux``).
REST_NAMES = _rest_names()


def rest_names(table):
    """
    A copy of a TAP light-curve table (no data copied) with the REST APIs' column names.

    Parameters
    ----------
    table : `~astropy.table.Table`

    Returns
    -------
    `~astropy.table.Table`

    Examples
    --------
    >>> from astropy.table import Table
    >>> rest_names(Table({"psfflux": [1.0], "mjd": [61000.0]})).colnames
    ['psfFlux', 'mjd']
    """
    out = table.copy(copy_data=False)
    for name in out.colnames:
        if name in REST_NAMES:
            out.rename_column(name, REST_NAMES[name])
    return out


def wire_rows(table, *, real=()):
    """
    The rows of a TAP table as the REST APIs' JSON rows: dicts keyed by the REST names.

    Values are those the REST APIs send for the same database values: masked cells are `None`,
    ``real`` (float32) columns the shortest decimal of their float32 value (what the APIs'
    JSON holds: ``18.1234``, not the float64 ``18.123399734...``), 64-bit integers exact.

    Parameters
    ----------
    table : `~astropy.table.Table`
    real : collection of str, optional
        Columns that are ``real`` in the database even where the table holds them as float64
        (a chunk stacking a ``real`` and a ``double`` column of the same name).

    Returns
    -------
    list of dict

    Examples
    --------
    >>> import numpy as np
    >>> from astropy.table import MaskedColumn, Table
    >>> t = Table({"psfflux": np.array([18.1234], dtype=np.float32),
    ...            "candid": MaskedColumn([0], mask=[True], dtype=np.int64)})
    >>> wire_rows(t)
    [{'psfFlux': 18.1234, 'candid': None}]
    """
    names = [REST_NAMES.get(n, n) for n in table.colnames]
    lists = [_wire_values(table[n], float32=n in real) for n in table.colnames]
    return [dict(zip(names, values, strict=True)) for values in zip(*lists, strict=True)]


def _wire_values(column, *, float32=False):
    data = np.asarray(column.data.data if hasattr(column, "mask") else column)
    if float32 and data.dtype == np.float64:
        data = data.astype(np.float32)  # float32 values widened in the chunk: exact
    if data.dtype == np.float32:
        # The float32's shortest decimal (NumPy's text form of a float32 is the shortest
        # string that reads back to it) as the float64 the REST APIs' JSON gives.
        data = data.astype(str).astype(np.float64)
    values = data.tolist()
    mask = np.ma.getmaskarray(column) if hasattr(column, "mask") else None
    if mask is not None and mask.any():
        for i in np.flatnonzero(mask).tolist():
            values[i] = None
    return values


class RestRows:
    """
    A light-curve table of one or many objects (a chunk) as the REST APIs' rows, made once.

    Per kind of point: the rows of that kind, with only that kind's own columns, under the
    REST names and with the REST values (`wire_rows`), completed with what the REST APIs add
    (`alerce_astro.apis.tap.quirks.as_rest_rows`), and where each object's rows are (the
    table is sorted by object). Turning a whole chunk at once costs one pass per column; an
    object's light curve is then built from slices of these lists (`lightcurve`).

    Parameters
    ----------
    table : `~astropy.table.Table`
        Rows of `alerce_astro.apis.tap.lightcurves` (``oid`` and ``kind`` columns), sorted by
        object.
    survey : str
        ``ztf`` or ``lsst``.
    photometry : `~alerce_astro.lightcurve.PhotometryMap`, optional
        The map to build with (default: the survey's REST map, `photometry_map`).
    """

    def __init__(self, table, *, survey, photometry=None):
        from .quirks import as_rest_rows, kind_columns, real_columns

        self.survey = survey
        self.photometry = photometry or photometry_map(survey)
        kinds = np.asarray(table["kind"]).astype(str) if len(table) else np.array([], str)
        oids = np.asarray(table["oid"]) if len(table) else np.array([])
        cast = int if survey == "lsst" else str
        self.parts = {}
        for kind in (k.kind for k in self.photometry.kinds):
            where = np.flatnonzero(kinds == kind)
            part = table[where][kind_columns(survey, kind, table.colnames)]
            rows = as_rest_rows(survey, kind, wire_rows(part, real=real_columns(survey, kind)),
                                oid=table.meta.get("oid"))
            keys = oids[where].astype(str) if oids.dtype.kind in "OUS" else oids[where]
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else []
            stops = np.r_[starts[1:], len(keys)] if len(keys) else []
            ranges = {cast(keys[a]): (int(a), int(b))
                      for a, b in zip(starts, stops, strict=True)}
            self.parts[kind] = (rows, ranges)

    def rows(self, oid):
        """``{kind: [row, ...]}`` of one object (an empty list for a kind it has none of)."""
        out = {}
        for kind, (rows, ranges) in self.parts.items():
            a, b = ranges.get(oid, (0, 0))
            out[kind] = rows[a:b]
        return out

    def lightcurve(self, oid, *, meta=None, cls=None):
        """One object's `~alerce_astro.lightcurve.AlerceLightCurve`."""
        from ...lightcurve.build import build_lightcurve

        return build_lightcurve(self.rows(oid), self.photometry, oid=oid, meta=meta, cls=cls)


def to_canonical_lightcurve(table, *, survey, photometry=None, meta=None, cls=None):
    """
    One object's TAP light-curve table -> the canonical `AlerceLightCurve` (flux first).

    The rows are those of `alerce_astro.apis.tap.lightcurves` (a ``kind`` column:
    ``detection``, ``forced``, ``upper_limit``; columns named as the service names them).
    Turned into the REST APIs' rows (`RestRows`: `wire_rows`, with what the REST APIs add to
    the database rows, `alerce_astro.apis.tap.quirks.as_rest_rows`), they go through the REST
    photometry map of the survey (ZTF: ``apis/ztf_v1/photometry.py`` with the forced
    photometry of ``apis/lightcurve_v2/photometry.py``; LSST:
    ``apis/multisurvey/photometry.py``), so the light curve equals the REST path's for the
    same object.

    Parameters
    ----------
    table : `~astropy.table.Table`
        One object's rows (``meta["oid"]``).
    survey : str
        ``ztf`` or ``lsst``.
    photometry : `~alerce_astro.lightcurve.PhotometryMap`, optional
        The map to use (default: the survey's REST map, `photometry_map`).
    meta : dict, optional
        Provenance for the light curve's ``meta``.
    cls : type, optional
        The class to build (default `~alerce_astro.lightcurve.AlerceLightCurve`).

    Returns
    -------
    `~alerce_astro.lightcurve.AlerceLightCurve`
    """
    oid = table.meta.get("oid")
    rows = RestRows(table, survey=survey, photometry=photometry)
    return rows.lightcurve(oid, meta=meta, cls=cls)


def photometry_map(survey):
    """
    The REST photometry map of a survey's light curves (what the REST path builds with).

    Parameters
    ----------
    survey : str
        ``ztf`` or ``lsst``.

    Returns
    -------
    `~alerce_astro.lightcurve.PhotometryMap`
    """
    if survey == "ztf":
        from ..ztf_v1.photometry import ZTF_PHOTOMETRY

        return ZTF_PHOTOMETRY
    if survey == "lsst":
        from ..multisurvey.photometry import LSST_PHOTOMETRY

        return LSST_PHOTOMETRY
    raise ValueError(f"no light-curve map for survey {survey!r}")
