"""
Build an `~alerce_astro.lightcurve.AlerceLightCurve` from the service's JSON.

The three kinds of photometry arrive in three shapes (``/lightcurve`` detections and
non-detections of the ZTF API v1, forced photometry of the light curve API v2). Each is first
read through its column schema (`alerce_astro.apis.ztf_v1.columns`: types, units, masks, exact
64-bit ids) straight into NumPy arrays, with the schema's rules (`~alerce_astro.schema.Schema.table`
would give the same columns, see `._arrays.from_json`); the three are stacked column by column,
put in time order, and each column of the time series is made once. A 75-point light curve
takes about 2 ms, 1,000 points about 4 ms (most of it astropy's column objects).

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
import warnings
from operator import itemgetter

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Column, MaskedColumn, Table
from astropy.time import Time
from astropy.utils.masked import Masked

from .. import schema as schema_module
from ..apis.lightcurve_v2 import columns as forced_columns
from ..apis.ztf_v1 import columns
from ..exceptions import AlerceWarning
from ..positions import usable_axes
from ..surveys.ztf import BANDS
from ._arrays import from_json

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
        "detection": _read(columns.DETECTION, data.get("detections") or []),
        "upper_limit": _read(columns.NON_DETECTION,
                             (data.get("non_detections") or []) if non_detections else []),
        "forced": _read(forced_columns.FORCED_PHOTOMETRY,
                        flatten_forced_photometry(forced or [])),
    }
    sizes = [parts[k].n for k in KINDS]
    mjd = np.concatenate([parts[k].mjd for k in KINDS])
    # The time order is applied to each column as it is made, never to a table.
    order = np.lexsort((np.repeat(np.arange(len(KINDS)), sizes), mjd))
    # A point without a usable time cannot be placed on a time axis: it is left out, loudly.
    # (|MJD| < 1e7 days keeps astropy's Time and ERFA within their range.)
    usable = np.isfinite(mjd) & (np.abs(np.nan_to_num(mjd)) < 1e7)
    if not usable.all():
        order = order[usable[order]]
        warnings.warn(f"{oid or 'light curve'}: {int((~usable).sum())} point(s) without a "
                      f"usable mjd were left out", AlerceWarning)

    out = {}
    for name, det, nondet, fp, dtype, unit, description in _MAPPED:
        if name == "kind":
            values = np.repeat(_KIND_VALUES, sizes)[order]
            out[name] = (values, None, None, description)
        elif name == "band":
            fid, fid_mask = out["fid"][:2]
            fids = np.where(fid_mask, 0, fid).astype(int) if fid_mask is not None else \
                fid.astype(int)
            out[name] = (_BAND_NAMES[np.where((fids >= 0) & (fids < 4), fids, 0)], None, None,
                         description)
        else:
            keys = (det, nondet, fp)
            values, mask = _stack([(parts[k], keys[i]) for i, k in enumerate(KINDS)],
                                  _NUMPY[dtype], order)
            if name in _SENTINEL_COLUMNS:
                mask = _mask_sentinels(values, mask)
            out[name] = (values, mask, unit, description)
    # Every other column, named as the service names it; the forced photometry's only when
    # it was asked for, so that a light curve does not carry dozens of empty columns.
    for kind in KINDS if forced is not None else KINDS[:2]:
        part = parts[kind]
        for name in part.names:
            if name in _CONSUMED[kind] or name in out:
                continue
            sources = [(parts[k], name if name in parts[k].columns and name not in
                        _CONSUMED[k] else None) for k in KINDS]
            values, mask = _stack(sources, None, order)
            template = part.columns[name]
            out[name] = (values, mask, template.unit, template.description)

    time = Time(mjd[order], format="mjd", scale="utc")
    meta = dict(meta or {})
    info = {"oid": oid, "coord": _mean_position(out), "magnitudes": "difference"}
    return _assemble(cls, time, out, {**info, **meta})


def _assemble(cls, time, out, meta, *, fast=True):
    """
    The light curve from its time and columns, as ``cls(time=time, data=columns, meta=meta)``
    would make it.

    Each column is made once, in the type a `~astropy.table.QTable` keeps (a quantity where it
    has a unit, masked where something is masked), and the finished columns are put in the
    light curve with astropy's own (private) ``Table._make_table_from_cols``: the public
    constructor would make every column twice more (6 times slower for 37 columns).
    ``fast=False``, another ``cls`` or an astropy without that method take the public way;
    tests/lightcurve/test_lc_speed.py checks that both give the same light curve.
    """
    from .timeseries import AlerceLightCurve

    time.info.description = "Time of the observation (MJD, UTC)"
    make = getattr(Table, "_make_table_from_cols", None)
    if not (fast and make is not None and isinstance(cls, type)
            and issubclass(cls, AlerceLightCurve)):
        columns_ = [_column(name, *spec) for name, spec in out.items()]
        lc = cls(time=time, data=columns_, meta=meta, copy=False)
        lc["time"].info.description = time.info.description
        return lc
    time.info.name = "time"
    lc = cls()  # an empty time series: no column made yet
    make(lc, [time] + [_qtable_column(name, *spec) for name, spec in out.items()],
         verify=True)
    lc._check_required_columns()  # as TimeSeries.__init__ ends: "time" comes first
    lc.add_index("time")  # as TimeSeries.add_column does
    lc.meta = meta
    return lc


_KIND_VALUES = np.array(KINDS, dtype="U11")
_BAND_NAMES = np.array([BANDS.get(f, "") for f in range(4)], dtype="U1")


class _Values:
    """One column of one kind of photometry: its values (masked ones filled in as a
    `~astropy.table.MaskedColumn` fills them), mask, unit and description."""

    __slots__ = ("data", "mask", "unit", "description")

    def __init__(self, data, mask, unit, description):
        self.data, self.mask, self.unit, self.description = data, mask, unit, description


class _Part:
    """The columns of one kind of photometry, in the order `Schema.table` would give them."""

    __slots__ = ("n", "columns", "names", "mjd")

    def __init__(self, n, columns):
        self.n, self.columns, self.names = n, columns, list(columns)
        mjd = columns["mjd"]
        self.mjd = np.where(mjd.mask, np.nan, mjd.data.astype(float)) if mjd.mask.any() \
            else mjd.data.astype(float)


_SCHEMA_FIELDS = {}   # schema resource -> [(name, key, dtype, unit, description, fill)]
_EMPTY_PARTS = {}     # schema resource -> the _Part of no rows (never modified)


def _fields(schema):
    """The schema's fields with what building a column needs, worked out once per schema."""
    fields = _SCHEMA_FIELDS.get(schema.resource)
    if fields is None or fields[0] is not schema:
        fields = (schema, [(f.name, f.wire_key, f.dtype, f.unit, f.description,
                            _fill_value(f.dtype)) for f in schema.fields])
        _SCHEMA_FIELDS[schema.resource] = fields
    return fields[1]


_FILL_VALUES = {}


def _fill_value(dtype):
    """What `~astropy.table.MaskedColumn.filled` puts under the mask of a schema column."""
    if dtype not in _FILL_VALUES:
        column = columns.DETECTION.column(schema_module.Field("x", dtype, None, ""), [None])
        _FILL_VALUES[dtype] = column.filled()[0]
    return _FILL_VALUES[dtype]


def _read(schema, rows):
    """The columns of ``rows`` exactly as ``schema.table(rows)`` makes them, as arrays."""
    if not rows:
        part = _EMPTY_PARTS.get(schema.resource)
        if part is None:
            part = _EMPTY_PARTS[schema.resource] = _convert_rows(schema, [])
        return part
    if type(rows) is not list or not all(type(row) is dict for row in rows):
        schema.table(rows)  # raises the schema's own error for anything but rows of objects
        rows = list(rows)
    return _convert_rows(schema, rows)


def _convert_rows(schema, rows):
    fields = _fields(schema)
    keys = [f[1] for f in fields]
    try:  # every row has every key (the usual answer): one C-level pass per row
        getter = itemgetter(*keys)
        values_by_key = list(zip(*map(getter, rows), strict=True)) if rows else [()] * len(keys)
        # ...and then a row with no more keys than the schema has no key of its own
        exact = not rows or max(map(len, rows)) == len(schema._by_key)
    except KeyError:
        values_by_key = [[row.get(key) for row in rows] for key in keys]
        exact = False
    columns_ = {}
    for field, values in zip(fields, values_by_key, strict=True):
        name, _key, dtype, unit, description, fill = field
        columns_[name] = _values(values, dtype, unit, description, fill)
    unknown = set().union(*rows) - schema._by_key.keys() if not exact else ()
    if unknown:
        extra = {}
        for row in rows:
            for key in row:
                if key in unknown and key not in extra:
                    extra[key] = None
        for key in extra:
            if key in columns_:
                continue
            values = [row.get(key) for row in rows]
            dtype = schema_module._infer_dtype(values)
            columns_[key] = _values(
                [schema_module._jsonable(v) for v in values], dtype, None,
                f"Column {key!r} sent by the service but not in this package's "
                f"{schema.resource} schema", _fill_value(dtype))
    return _Part(len(rows), columns_)


def _values(values, dtype, unit, description, fill):
    data, mask = from_json(values, dtype)
    if mask.any():
        data[mask] = fill
    return _Values(data, mask, unit, description)


def _stack(sources, dtype, order):
    """One column of the light curve: each part's values (or a masked gap), concatenated and
    put in time order. Returns ``(values, mask)``, the mask `None` when nothing is masked."""
    if dtype is None:
        present = [part.columns[key].data for part, key in sources
                   if key is not None and part.n]
        # With no rows anywhere, the schema's (empty) columns still know the type.
        present = present or [part.columns[key].data for part, key in sources
                              if key is not None]
        dtype = _common_dtype(present) if present else str
    text = np.dtype(dtype).kind in "US"
    datas, masks = [], []
    for part, key in sources:
        n = part.n
        if not n:
            continue
        if key is None:
            datas.append(np.zeros(n, dtype=dtype))
            masks.append(np.ones(n, dtype=bool))
            continue
        col = part.columns[key]
        values = col.data
        if values.dtype.kind in "US" or text:
            values = values.astype(str)
        else:
            values = values.astype(dtype, copy=False)
        datas.append(values)
        masks.append(col.mask)
    if not datas:
        datas = [np.zeros(0, dtype=dtype)]
    if text:
        width = max([1] + [d.dtype.itemsize // 4 for d in datas if d.dtype.kind == "U"])
        datas = [d.astype(f"U{width}", copy=False) for d in datas]
    data = np.concatenate(datas)[order] if len(datas) > 1 else datas[0][order]
    if masks:
        mask = np.concatenate(masks)[order] if len(masks) > 1 else masks[0][order]
        if mask.any():
            return data, mask
    return data, None


def _common_dtype(arrays):
    kinds = {a.dtype.kind for a in arrays}
    if kinds & {"U", "S", "O"}:
        return str
    if kinds == {"b"}:
        return bool
    return np.result_type(*[a.dtype for a in arrays])


def _mask_sentinels(values, mask):
    """The mask with ALeRCE's 100 (and non-finite values) added; the values are kept."""
    bad = ~np.isfinite(values) | (values >= SENTINEL_MAG)
    if mask is not None:
        bad &= ~mask
    if not bad.any():
        return mask
    return bad if mask is None else mask | bad


def _column(name, values, mask, unit, description):
    if mask is not None:
        return MaskedColumn(values, mask=mask, name=name, unit=unit, description=description,
                            copy=False)
    return Column(values, name=name, unit=unit, description=description, copy=False)


def _qtable_column(name, values, mask, unit, description):
    """A column as `~astropy.table.QTable` holds it: a (masked) quantity if it has a unit."""
    if unit is None:
        # A view of the array made a column, as the constructor would make it (checked by
        # tests/lightcurve/test_lc_speed.py) at half its cost.
        column = values.view(Column if mask is None else MaskedColumn)
        if mask is not None:
            column.mask = mask
        column.name = name
        column.description = description
        return column
    column = u.Quantity(values, _unit(unit), copy=_COPY_IF_NEEDED, subok=True)
    if mask is not None:
        column = Masked(column, mask=mask)
    # What QTable's conversion of a Column copies from the column's info.
    column.info.name = name
    column.info.description = description
    column.info.meta = {}
    return column


_UNITS = {}
# "copy only if needed", as QTable converts a column (NumPy 2 spells it None, NumPy 1 False)
_COPY_IF_NEEDED = None if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else False


def _unit(unit):
    if unit not in _UNITS:
        _UNITS[unit] = u.Unit(unit)
    return _UNITS[unit]


def _mean_position(out):
    """The mean position of the detections (as ALeRCE's meanra/meandec), or None."""
    ra, ra_mask = out["ra"][:2]
    dec, dec_mask = out["dec"][:2]
    ok = out["kind"][0] == "detection"
    if ra_mask is not None:
        ok &= ~ra_mask
    if dec_mask is not None:
        ok &= ~dec_mask
    # Positions no sky has (a damaged row) do not move the mean.
    ra_ok, dec_ok = usable_axes(ra, dec)
    ok &= ra_ok & dec_ok
    if not ok.any():
        return None
    # A vector mean: right across RA = 0 as well. Plain numpy: three SkyCoord conversions
    # cost a quarter of building a small light curve.
    ra_rad, dec_rad = np.radians(ra[ok]), np.radians(dec[ok])
    cos_dec = np.cos(dec_rad)
    x, y, z = (np.mean(cos_dec * np.cos(ra_rad)), np.mean(cos_dec * np.sin(ra_rad)),
               np.mean(np.sin(dec_rad)))
    mean_ra = np.degrees(np.arctan2(y, x)) % 360.0
    mean_dec = np.degrees(np.arctan2(z, np.hypot(x, y)))
    return SkyCoord(ra=mean_ra * u.deg, dec=mean_dec * u.deg, frame="icrs")
