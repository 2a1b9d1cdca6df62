"""
Build an `~alerce_astro.lightcurve.AlerceLightCurve` from the service's JSON.

The three kinds of photometry arrive in three shapes (``/lightcurve`` detections and
non-detections of the ZTF API v1, forced photometry of the light curve API v2). Each is first
read through its column schema (`alerce_astro.surveys.ztf.columns`: types, units, masks, exact
64-bit ids), then the three tables are stacked column by column with NumPy into one time
series. Nothing loops over rows except the schema's conversion, so 5,000 points take a few
tens of milliseconds.

Columns of the light curve, and where each comes from (detection key / forced-photometry
key; upper limits only have ``time``, ``fid``, ``limiting_mag`` and ``tid``):

================== ===================== ================== =============================
column             detection             forced photometry  notes
================== ===================== ================== =============================
time               mjd                   mjd                `~astropy.time.Time`, UTC
kind               ``"detection"``       ``"forced"``       ``"upper_limit"`` for limits
fid, band          fid                   fid                band: g, r, i
mag, mag_err       magpsf, sigmapsf      mag, e_mag         difference magnitude
limiting_mag       diffmaglim            diffmaglim         5-sigma depth of the image
isdiffpos          isdiffpos             isdiffpos          +1 / -1
mag_corr           magpsf_corr           mag_corr           apparent magnitude
mag_corr_err       sigmapsf_corr         e_mag_corr         ALeRCE's 100 (undefined) masked
mag_corr_err_ext   sigmapsf_corr_ext     e_mag_corr_ext
candid             candid                --                 exact int64, masked if none
forced_candid      --                    candid             the v2 point id (a string)
================== ===================== ================== =============================

then ``ra``, ``dec``, ``rb``, ``drb``, ``has_stamp``, ``corrected``, ``dubious``, ``pid``,
``parent_candid``, ``tid``, and every other column any of the three sends, under its own name,
masked on the rows of the kinds that lack it. The forced photometry's ``oid`` is left out (it
is ``meta["oid"]``).
"""

import json

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Column, MaskedColumn, Table
from astropy.time import Time

from ..surveys.ztf import columns
from ..surveys.ztf.ids import BANDS

__all__ = ["build_lightcurve", "flatten_forced_photometry", "lightcurve_columns",
           "KINDS", "SENTINEL_MAG"]

#: Values of the ``kind`` column.
KINDS = ("detection", "upper_limit", "forced")
#: ALeRCE writes 100 for an undefined magnitude or error (e.g. ``sigmapsf_corr`` when the
#: point-source error formula has no real solution): values at or above this are masked.
SENTINEL_MAG = 99.0

# (name, detection key, non-detection key, forced key, dtype, unit, description)
_MAPPED = [
    ("kind", None, None, None, "str", None,
     "Kind of point: detection (alert), upper_limit (non-detection) or forced (forced "
     "photometry)"),
    ("fid", "fid", "fid", "fid", "int16", None, "Filter id: 1 = g, 2 = r, 3 = i"),
    ("band", None, None, None, "str", None, "Band name: g, r or i"),
    ("mag", "magpsf", None, "mag", "float64", "mag",
     "Difference-image PSF magnitude (AB): the flux that changed since the reference image"),
    ("mag_err", "sigmapsf", None, "e_mag", "float64", "mag", "1-sigma error of mag"),
    ("limiting_mag", "diffmaglim", "diffmaglim", "diffmaglim", "float64", "mag",
     "5-sigma limiting magnitude of the difference image (the value of an upper limit)"),
    ("isdiffpos", "isdiffpos", None, "isdiffpos", "int16", None,
     "+1 if the source is brighter than in the reference image (positive subtraction), -1 "
     "if fainter"),
    ("mag_corr", "magpsf_corr", None, "mag_corr", "float64", "mag",
     "Apparent (corrected) magnitude: reference plus difference flux; only where ALeRCE "
     "corrected the object"),
    ("mag_corr_err", "sigmapsf_corr", None, "e_mag_corr", "float64", "mag",
     "Error of mag_corr for a point source; masked where ALeRCE marks it undefined (100)"),
    ("mag_corr_err_ext", "sigmapsf_corr_ext", None, "e_mag_corr_ext", "float64", "mag",
     "Error of mag_corr from the difference flux alone (ALeRCE's extended-source error)"),
    ("candid", "candid", None, None, "int64", None,
     "Alert candidate id (exact 64-bit integer); masked for upper limits and forced points"),
    ("forced_candid", None, None, "candid", "str", None,
     "Forced-photometry point id of the light curve API v2 (object id and processing id)"),
    ("ra", "ra", None, "ra", "float64", "deg", "Right ascension of the measurement (ICRS)"),
    ("dec", "dec", None, "dec", "float64", "deg", "Declination of the measurement (ICRS)"),
    ("rb", "rb", None, None, "float64", None, "Real/bogus score of the alert (random forest)"),
    ("drb", "drb", None, None, "float64", None, "Deep-learning real/bogus score of the alert"),
    ("has_stamp", "has_stamp", None, "has_stamp", "bool", None,
     "Whether image cutouts exist for this point (see get_stamps)"),
    ("corrected", "corrected", None, "corrected", "bool", None,
     "Whether ALeRCE computed a corrected magnitude"),
    ("dubious", "dubious", None, "dubious", "bool", None,
     "Whether ALeRCE considers the correction dubious"),
    ("pid", "pid", None, "pid", "int64", None, "Processing id of the image"),
    ("parent_candid", "parent_candid", None, "parent_candid", "int64", None,
     "candid of the alert that carried this point as a previous candidate"),
    ("tid", "tid", "tid", "tid", "str", None, "Telescope identifier"),
]
_CONSUMED = {
    "detection": {m[1] for m in _MAPPED if m[1]} | {"mjd"},
    "upper_limit": {m[2] for m in _MAPPED if m[2]} | {"mjd"},
    "forced": {m[3] for m in _MAPPED if m[3]} | {"mjd", "oid"},
}
_SENTINEL_COLUMNS = ("mag", "mag_err", "mag_corr", "mag_corr_err", "mag_corr_err_ext")
_NUMPY = {"str": str, "int16": np.int16, "int64": np.int64, "float64": np.float64,
          "bool": bool}


def lightcurve_columns():
    """
    The first columns of every light curve, in order: ``(name, dtype, unit, description)``.

    Every light curve has these (empty ones included); columns the service adds follow them.

    Returns
    -------
    list of tuple

    Examples
    --------
    >>> [c[0] for c in lightcurve_columns()][:6]
    ['time', 'kind', 'fid', 'band', 'mag', 'mag_err']
    """
    return [("time", "Time", "d", "Time of the observation (MJD, UTC)")] + [
        (m[0], m[4], m[5], m[6]) for m in _MAPPED]


def flatten_forced_photometry(rows):
    """
    Forced-photometry rows with their nested ``extra_fields`` moved to the top level.

    A key of ``extra_fields`` that is also a top-level key is kept as ``extra_<key>``.

    Parameters
    ----------
    rows : list of dict
        The rows of ``/forced-photometry/{oid}`` as the service sent them.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> flatten_forced_photometry([{"mjd": 1.0, "extra_fields": {"field": 5, "mjd": 2}}])
    [{'mjd': 1.0, 'field': 5, 'extra_mjd': 2}]
    """
    out = []
    for row in rows:
        if not isinstance(row, dict):
            raise TypeError(f"forced photometry: expected a list of objects, got an item of "
                            f"type {type(row).__name__}")
        flat = {k: v for k, v in row.items() if k != "extra_fields"}
        extra = row.get("extra_fields")
        if isinstance(extra, str):  # some serialisations send the object as a JSON string
            try:
                extra = json.loads(extra)
            except ValueError:
                extra = {"extra_fields": extra}
        if isinstance(extra, dict):
            for key, value in extra.items():
                flat[f"extra_{key}" if key in flat else key] = value
        out.append(flat)
    return out


def build_lightcurve(data, *, oid, forced=None, non_detections=True, meta=None, cls=None):
    """
    One light curve from the answer of ``/objects/{oid}/lightcurve`` (and forced photometry).

    Parameters
    ----------
    data : dict or None
        The JSON body of ``/lightcurve``: ``{"detections": [...], "non_detections": [...]}``,
        or `None` (the service's ``null`` for an object with neither).
    oid : str
        The object id (stored in ``meta``).
    forced : list of dict, optional
        The JSON rows of the forced-photometry route (``extra_fields`` nested or flat).
    non_detections : bool, optional
        Keep the upper limits (default).
    meta : dict, optional
        Provenance to store in ``meta`` (service, url, retrieval time).
    cls : type, optional
        The class to build (default `~alerce_astro.lightcurve.AlerceLightCurve`).

    Returns
    -------
    `~alerce_astro.lightcurve.AlerceLightCurve`
        Sorted by time; empty but with every column when there is nothing.

    Raises
    ------
    TypeError
        If ``data`` is neither a dict nor `None`, or its lists hold non-objects.

    Examples
    --------
    >>> lc = build_lightcurve({"detections": [], "non_detections": [
    ...     {"tid": "ztf", "mjd": 58828.5, "fid": 1, "diffmaglim": 19.2}]}, oid="ZTF20aaelulu")
    >>> lc["kind"][0], lc["limiting_mag"][0]
    (np.str_('upper_limit'), <Quantity 19.2 mag>)
    """
    if cls is None:
        from .timeseries import AlerceLightCurve as cls
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TypeError(f"light curve: expected a JSON object or null, got "
                        f"{type(data).__name__}")
    parts = {
        "detection": columns.DETECTION.table(data.get("detections") or []),
        "upper_limit": columns.NON_DETECTION.table(
            (data.get("non_detections") or []) if non_detections else []),
        "forced": columns.FORCED_PHOTOMETRY.table(flatten_forced_photometry(forced or [])),
    }
    sizes = {kind: len(table) for kind, table in parts.items()}
    total = sum(sizes.values())
    mjd = np.concatenate([np.ma.filled(parts[k]["mjd"].astype(float), np.nan) for k in KINDS])
    order = np.lexsort((np.repeat(np.arange(len(KINDS)), [sizes[k] for k in KINDS]), mjd))

    out = Table()
    for name, det, nondet, fp, dtype, unit, description in _MAPPED:
        keys = {"detection": det, "upper_limit": nondet, "forced": fp}
        if name == "kind":
            values = np.repeat(np.array(KINDS), [sizes[k] for k in KINDS]).astype("U11")
            column = Column(values, name=name, description=description)
        elif name == "band":
            # From the already ordered fid column: added as it is.
            fids = np.ma.filled(out["fid"], 0).astype(int)
            names = np.array([BANDS.get(f, "") for f in range(4)], dtype="U1")
            out.add_column(Column(names[np.where((fids >= 0) & (fids < 4), fids, 0)],
                                  name=name, description=description))
            continue
        else:
            column = _stack(name, [(parts[k], keys[k]) for k in KINDS], dtype, unit,
                            description)
        out.add_column(column[order] if total else column)
    for name in _SENTINEL_COLUMNS:
        _mask_sentinels(out, name)
    # Every other column, named as the service names it; the forced photometry's only when
    # it was asked for, so that a light curve does not carry dozens of empty columns.
    for kind in KINDS if forced is not None else KINDS[:2]:
        for name in parts[kind].colnames:
            if name in _CONSUMED[kind] or name in out.colnames:
                continue
            sources = [(parts[k], name if name in parts[k].colnames and name not in
                        _CONSUMED[k] else None) for k in KINDS]
            template = parts[kind][name]
            column = _stack(name, sources, None, template.unit, template.info.description)
            out.add_column(column[order] if total else column)

    time = Time(mjd[order] if total else np.array([], dtype=float), format="mjd", scale="utc")
    meta = dict(meta or {})
    info = {"oid": oid, "coord": _mean_position(out), "magnitudes": "difference"}
    lc = cls(time=time, data=out, meta={**info, **meta})
    lc["time"].info.description = "Time of the observation (MJD, UTC)"
    return lc


def _stack(name, sources, dtype, unit, description):
    """One column of the light curve: each part's column (or a masked gap), concatenated."""
    if dtype is None:
        present = [table[key] for table, key in sources if key is not None and len(table)]
        # With no rows anywhere, the schema's (empty) columns still know the type.
        present = present or [table[key] for table, key in sources if key is not None]
        dtype = _common_dtype(present) if present else str
    else:
        dtype = _NUMPY[dtype]
    datas, masks = [], []
    for table, key in sources:
        n = len(table)
        if key is None or not n:
            datas.append(np.zeros(n, dtype=dtype))
            masks.append(np.ones(n, dtype=bool))
            continue
        col = table[key]
        mask = np.ma.getmaskarray(col)
        values = np.asarray(col.filled() if hasattr(col, "filled") else col)
        if values.dtype.kind in "US" or np.dtype(dtype).kind in "US":
            values = values.astype(str)
        else:
            values = values.astype(dtype, copy=False)
        datas.append(values)
        masks.append(mask)
    if np.dtype(dtype).kind == "U":
        width = max([1] + [d.dtype.itemsize // 4 for d in datas if d.dtype.kind == "U"])
        datas = [d.astype(f"U{width}") for d in datas]
    data = np.concatenate(datas) if datas else np.zeros(0, dtype=dtype)
    mask = np.concatenate(masks) if masks else np.zeros(0, dtype=bool)
    kwargs = {"name": name, "unit": unit, "description": description}
    if mask.any():
        return MaskedColumn(data, mask=mask, **kwargs)
    return Column(data, **kwargs)


def _common_dtype(cols):
    kinds = {c.dtype.kind for c in cols}
    if kinds & {"U", "S", "O"}:
        return str
    if kinds == {"b"}:
        return bool
    return np.result_type(*[c.dtype for c in cols])


def _mask_sentinels(table, name):
    col = table[name]
    values = np.asarray(col.filled(np.nan) if hasattr(col, "filled") else col, dtype=float)
    bad = ~np.isfinite(values) | (values >= SENTINEL_MAG)
    bad &= ~np.ma.getmaskarray(col)
    if bad.any():
        mask = np.ma.getmaskarray(col) | bad
        table[name] = MaskedColumn(np.asarray(col), mask=mask, name=name, unit=col.unit,
                                   description=col.info.description)


def _mean_position(table):
    """The mean position of the detections (as ALeRCE's meanra/meandec), or None."""
    ok = (table["kind"] == "detection") & ~np.ma.getmaskarray(table["ra"]) \
        & ~np.ma.getmaskarray(table["dec"])
    if not ok.any():
        return None
    ra = np.asarray(table["ra"])[ok]
    dec = np.asarray(table["dec"])[ok]
    points = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs").cartesian
    # A vector mean: right across RA = 0 as well.
    mean = points.mean()
    coord = SkyCoord(mean / mean.norm(), frame="icrs", representation_type="cartesian")
    coord.representation_type = "spherical"
    return SkyCoord(ra=coord.ra, dec=coord.dec, frame="icrs")
