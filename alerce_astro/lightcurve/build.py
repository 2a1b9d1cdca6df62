"""
Build an `~alerce_astro.lightcurve.AlerceLightCurve` from a service's photometry rows.

`build_lightcurve` takes the rows of each kind of photometry (detections, upper limits, forced
photometry) and a `~alerce_astro.lightcurve.photometry.PhotometryMap` that says which wire key
feeds which column and which survey the rows are of. It knows no survey and no API: the ZTF map
is `alerce_astro.apis.ztf_v1.photometry`, and its ``lightcurve_from_json`` turns the ZTF API's
answers into the rows this function takes.

Each kind of rows is read through its wire schema (`~alerce_astro.schema.Schema.arrays`: types,
units, masks, exact 64-bit ids) straight into NumPy arrays; the kinds are stacked column by
column and put in time order, the quantity the survey does not send (flux or magnitude) is
derived with its AB zero point, and each column of the time series is made once. A 75-point
light curve takes about 2 ms, 1,000 points about 4 ms (most of it astropy's column objects).

Columns: the canonical ones (`~alerce_astro.lightcurve.photometry.CANONICAL_COLUMNS`), the
map's extras, then every other column any kind of rows sends, under its own name, masked on the
rows of the kinds that lack it (a kind's columns appear only if its rows were given, even
empty).
"""

import contextlib
import warnings
from functools import cache

import numpy as np
from astropy import units as u
from astropy.coordinates import ICRS, SkyCoord
from astropy.table import Column, MaskedColumn, Table
from astropy.time import Time
from astropy.utils.masked import Masked

from ..exceptions import AlerceWarning
from ..positions import usable_axes
from ..schema import Schema
from .photometry import KINDS

__all__ = ["build_lightcurve", "prepare_lightcurve", "prepare_lightcurves", "PreparedLightCurve",
           "KINDS", "SENTINEL_MAG"]

#: ALeRCE writes 100 for an undefined magnitude or error (e.g. ``sigmapsf_corr`` when the
#: point-source error formula has no real solution): a map's ``sentinels`` use this value.
SENTINEL_MAG = 99.0

_NUMPY = {"str": str, "int16": np.int16, "int32": np.int32, "int64": np.int64,
          "float64": np.float64, "bool": bool}
_LN10_OVER_2_5 = np.log(10.0) / 2.5


def build_lightcurve(rows, photometry, *, oid, meta=None, cls=None):
    """
    One light curve from a survey's photometry rows and the map of their columns.

    Parameters
    ----------
    rows : dict
        Kind (``"detection"``, ``"upper_limit"``, ``"forced"``) -> list of row objects as the
        service sent them (flat: nested objects are the API's to flatten). A kind that is
        missing or `None` was not asked for: no rows and none of its own columns; an empty
        list adds its columns, empty.
    photometry : `~alerce_astro.lightcurve.photometry.PhotometryMap`
        Which wire key feeds which column, and the survey (bands, flux unit, zero point,
        time scale).
    oid : str or int
        The object id (``meta["oid"]``).
    meta : dict, optional
        Provenance to store in ``meta`` (service, url, retrieval time).
    cls : type, optional
        The class to build (default `~alerce_astro.lightcurve.AlerceLightCurve`).

    Returns
    -------
    `~alerce_astro.lightcurve.AlerceLightCurve`
        Sorted by time (rows of equal time: detections, upper limits, forced points); empty
        but with every column when there is nothing. ``meta`` has ``oid``, ``survey``,
        ``coord`` (mean position of the detections, or None) and ``magnitudes``.

    Raises
    ------
    ValueError
        For a kind the map does not have.
    RowsFormatError
        If a kind's rows are not a list of objects (a `TypeError` too).

    Warns
    -----
    AlerceWarning
        When points without a usable time are left out.

    Examples
    --------
    >>> from alerce_astro.apis.ztf_v1.photometry import ZTF_PHOTOMETRY
    >>> lc = build_lightcurve({"detection": [
    ...     {"mjd": 59000.5, "fid": 1, "magpsf": 21.4, "sigmapsf": 0.1, "isdiffpos": -1}]},
    ...     ZTF_PHOTOMETRY, oid="ZTF20aaaaaaa")
    >>> lc["band"][0], lc["flux"][0], lc.meta["survey"]
    (np.str_('g'), <Quantity -10. uJy>, 'ztf')
    """
    return prepare_lightcurve(rows, photometry, oid=oid, meta=meta, cls=cls).build()


def prepare_lightcurve(rows, photometry, *, oid, meta=None, cls=None):
    """
    The first half of `build_lightcurve`: the rows read, checked and put in time order, as
    NumPy arrays (a `PreparedLightCurve`), with no astropy object made yet.

    Bulk downloads do this much in the worker threads and leave the rest (the time series,
    its ``Time``, quantities and masked columns: most of the cost of a small light curve) for
    when a light curve is asked for, or do it once for all of them when they are stacked.
    Warnings and errors as in `build_lightcurve`.

    Parameters
    ----------
    rows : dict
        Kind -> list of row objects, as for `build_lightcurve`.
    photometry : `~alerce_astro.lightcurve.photometry.PhotometryMap`
        The map of the rows' columns.
    oid : str or int
        The object id.
    meta : dict, optional
        Provenance to store in ``meta``.
    cls : type, optional
        The class ``build`` makes (default `~alerce_astro.lightcurve.AlerceLightCurve`).

    Returns
    -------
    `PreparedLightCurve`
        ``.build()`` gives the light curve that `build_lightcurve` returns.

    Examples
    --------
    >>> from alerce_astro.apis.ztf_v1.photometry import ZTF_PHOTOMETRY
    >>> prepared = prepare_lightcurve({"detection": [
    ...     {"mjd": 59000.5, "fid": 1, "magpsf": 21.4, "sigmapsf": 0.1, "isdiffpos": -1}]},
    ...     ZTF_PHOTOMETRY, oid="ZTF20aaaaaaa")
    >>> len(prepared), prepared.build()["band"][0]
    (1, np.str_('g'))
    """
    if cls is None:
        from .timeseries import AlerceLightCurve as cls
    plan = _plan(photometry)
    unknown = set(rows) - set(plan.kinds)
    if unknown:
        raise ValueError(f"the {photometry.survey.name} photometry map has no kind "
                         f"{sorted(unknown)}: it has {list(plan.kinds)}")
    parts = []
    for i, kind in enumerate(plan.kinds):
        given = rows.get(kind)
        parts.append(_read(photometry.kinds[i].schema, given if given is not None else [],
                           plan.time[i]))
    sizes = [part.n for part in parts]
    mjd = np.concatenate([part.mjd for part in parts])
    # The time order is applied to each column as it is made, never to a table.
    order = np.lexsort((np.repeat(np.arange(len(parts)), sizes), mjd))
    # A point without a usable time cannot be placed on a time axis: it is left out, loudly.
    # (|MJD| < 1e7 days keeps astropy's Time and ERFA within their range.)
    usable = np.isfinite(mjd) & (np.abs(np.nan_to_num(mjd)) < 1e7)
    if not usable.all():
        order = order[usable[order]]
        warnings.warn(f"{oid or 'light curve'}: {int((~usable).sum())} point(s) without a "
                      f"usable mjd were left out", AlerceWarning)

    out = _columns(plan, parts, sizes, order, rows)
    return PreparedLightCurve(cls, mjd[order], photometry.survey, out,
                              _mean_position(out, plan.position), oid, meta,
                              plan.descriptions["time"])


def _columns(plan, parts, sizes, order, rows):
    """The light curve's columns ``name -> (values, mask, unit, description)`` from the read
    ``parts`` of each kind, in ``order`` (what `prepare_lightcurve` and
    `prepare_lightcurves` share)."""
    out = {"kind": (np.repeat(plan.kind_values, sizes)[order], None, None,
                    plan.descriptions["kind"]),
           "band": None}  # made from band_id below, shown before it
    for name, dtype, unit, description, sources in plan.mapped:
        values, mask = _stack(list(zip(parts, sources, strict=True)), _NUMPY[dtype], order)
        if name in plan.sentinels:
            mask = _mask_sentinels(values, mask, plan.sentinels[name])
        out[name] = (values, mask, unit, description)
    band_id, band_mask = out["band_id"][:2]
    codes = band_id.astype(np.int64)
    known = (codes >= 0) & (codes < len(plan.band_names))
    if band_mask is not None:
        known &= ~band_mask
    out["band"] = (plan.band_names[np.where(known, codes, 0)], None, None,
                   plan.descriptions["band"])
    _derive(out, plan, parts, sizes, order)
    # Every other column, named as the service names it; a kind's only when its rows were
    # asked for, so that a light curve does not carry dozens of empty columns.
    for i, kind in enumerate(plan.kinds):
        if rows.get(kind) is None:
            continue
        part = parts[i]
        for name in part.names:
            if name in plan.consumed[i] or name in out:
                continue
            sources = [name if name in other.columns and name not in plan.consumed[j]
                       else None for j, other in enumerate(parts)]
            values, mask = _stack(list(zip(parts, sources, strict=True)), None, order)
            field = part.columns[name].field
            out[name] = (values, mask, field.unit, field.description)

    return out


def prepare_lightcurves(groups, photometry, *, meta=None, metas=None, cls=None,
                        warn_as=None):
    """
    `prepare_lightcurve` of many objects at once: the light curves of one answer that holds
    the rows of several objects (a batch of the multisurvey API), each column converted and
    ordered once for all of them, then handed out per object as slices.

    A light curve of ~100 points has ~100 columns: converting, stacking and ordering each
    column costs a fixed overhead per call, paid once per object by `prepare_lightcurve`
    and once per batch here. The batch's arrays are kept whole (a store of the batch, see
    `PreparedLightCurve`), never cut per object. Each `PreparedLightCurve` is what
    `prepare_lightcurve` gives for that object's rows (values, dtypes, masks, meta;
    tests/bulk/test_prepared.py checks it); where it could not be (rows with keys the
    schemas do not know, or extra columns that several kinds share), each object is prepared
    on its own.

    Parameters
    ----------
    groups : list of (oid, dict)
        Each object's id and its rows by kind, as ``rows`` of `prepare_lightcurve`; every
        object must give the same kinds.
    photometry : `~alerce_astro.lightcurve.photometry.PhotometryMap`
        The map of the rows' columns.
    meta : dict, optional
        Provenance stored in each light curve's ``meta``.
    metas : dict, optional
        oid -> the provenance of that object, instead of ``meta`` (answers fetched one by
        one: each has its own url and time).
    cls : type, optional
        The class ``build`` makes (default `~alerce_astro.lightcurve.AlerceLightCurve`).
    warn_as : callable, optional
        ``warn_as(oid)`` gives a context manager in which the warnings about object ``oid``
        are raised (a bulk run files them under that object); none by default.

    Returns
    -------
    dict
        oid -> `PreparedLightCurve`, in the order of ``groups``.

    Examples
    --------
    >>> from alerce_astro.apis.ztf_v1.photometry import ZTF_PHOTOMETRY
    >>> row = {"mjd": 59000.5, "fid": 1, "magpsf": 21.4, "sigmapsf": 0.1, "isdiffpos": 1}
    >>> lcs = prepare_lightcurves([("ZTF20aaaaaaa", {"detection": [row]}),
    ...                            ("ZTF20aaaaaab", {"detection": [row, dict(row, mjd=1e5)]})],
    ...                           ZTF_PHOTOMETRY)
    >>> [len(p) for p in lcs.values()], lcs["ZTF20aaaaaab"].build()["mag"][1]
    ([1, 2], <Quantity 21.4 mag>)
    """
    if cls is None:
        from .timeseries import AlerceLightCurve as cls
    groups = list(groups)
    plan = _plan(photometry)
    meta_of = (lambda oid: meta) if metas is None else metas.__getitem__
    warn_as = warn_as or _no_context

    def one_by_one():
        prepared = {}
        for oid, g in groups:
            with warn_as(oid):
                prepared[oid] = prepare_lightcurve(g, photometry, oid=oid, meta=meta_of(oid),
                                                   cls=cls)
        return prepared

    asked = [kind for kind in plan.kinds if groups and groups[0][1].get(kind) is not None]
    if any(set(g) - set(plan.kinds) or [k for k in plan.kinds if g.get(k) is not None] != asked
           for _, g in groups):
        return one_by_one()
    parts, owners = [], []
    for i, kind in enumerate(plan.kinds):
        given = [] if kind not in asked else [r for _, g in groups for r in g[kind]]
        parts.append(_read(photometry.kinds[i].schema, given, plan.time[i]))
        owners.append(np.repeat(np.arange(len(groups)),
                                [len(g[kind]) if kind in asked else 0 for _, g in groups]))
    if not _sliceable(plan, photometry, parts, asked):
        return one_by_one()
    sizes = [part.n for part in parts]
    mjd = np.concatenate([part.mjd for part in parts])
    owner = np.concatenate(owners)
    # Each object's rows together, each in the order prepare_lightcurve gives them.
    order = np.lexsort((np.repeat(np.arange(len(parts)), sizes), mjd, owner))
    usable = np.isfinite(mjd) & (np.abs(np.nan_to_num(mjd)) < 1e7)
    dropped = None
    if not usable.all():
        dropped = np.bincount(owner[~usable], minlength=len(groups))
        order = order[usable[order]]
    out = _columns(plan, parts, sizes, order, {kind: True for kind in asked})
    ends = np.searchsorted(owner[order], np.arange(len(groups) + 1))
    # Whether each object has a masked value in each masked column, for all at once.
    masked = _any_per_piece({name: spec[1] for name, spec in out.items()
                             if spec[1] is not None}, ends)
    # Text as wide as each object's longest value (as its own preparation makes it), worked
    # out for all objects at once; the width of the kinds and bands is the plan's.
    widths = {name: _width_per_piece(spec[0], ends) for name, spec in out.items()
              if spec[0].dtype.kind == "U" and name not in _FIXED_WIDTH}
    positions = _mean_positions(out, plan.position, ends)
    # The batch's arrays held as they are, in a store of their own: each object is its rows
    # there (no array cut per object), and the stack of a bulk result joins the stores.
    from ..bulk.result import _Store

    store = _Store.of_batch(cls, photometry.survey, plan.descriptions["time"], ends,
                            mjd[order], out, masked, widths,
                            [(positions[index], oid, meta_of(oid))
                             for index, (oid, _) in enumerate(groups)])
    prepared = {oid: store.shell(index) for index, (oid, _) in enumerate(groups)}
    # Warned once everything is prepared: a batch that fails half way warns nothing (its
    # objects are then prepared one by one, and warn there).
    if dropped is not None:
        for (oid, _), count in zip(groups, dropped, strict=True):
            if count:
                with warn_as(oid):
                    warnings.warn(f"{oid or 'light curve'}: {int(count)} point(s) without a "
                                  f"usable mjd were left out", AlerceWarning)
    return prepared


@contextlib.contextmanager
def _no_context(oid):
    yield


def _sliceable(plan, photometry, parts, asked):
    """Whether slices of the batch's columns are exactly what each object's own preparation
    gives: no key outside the schemas (such a column exists only where an object sent it),
    no extra column fed by two kinds (its type would follow the kinds an object has)."""
    mapped = {m[0] for m in plan.mapped}
    fed = {}
    for i, part in enumerate(parts):
        if plan.kinds[i] not in asked:
            continue
        known = {field.name for field in photometry.kinds[i].schema.fields}
        if set(part.names) - known:
            return False
        for name in part.names:
            if name not in plan.consumed[i] and name not in mapped:
                fed[name] = fed.get(name, 0) + 1
    return all(count == 1 for count in fed.values())


#: Text columns whose width is the plan's, not their values'.
_FIXED_WIDTH = frozenset({"kind", "band"})


def _any_per_piece(masks, ends):
    """For consecutive pieces ``ends[i]:ends[i + 1]`` of each of ``masks`` (name -> boolean
    array): whether any is True; all the columns in one call."""
    if not masks:
        return {}
    starts = ends[:-1]
    rows = np.zeros((len(masks), len(next(iter(masks.values()))) + 1), dtype=bool)
    for i, mask in enumerate(masks.values()):
        rows[i, :-1] = mask  # a last start may be the end: a False column after the end
    hit = np.logical_or.reduceat(rows, starts, axis=1)
    hit[:, ends[1:] == starts] = False  # an empty piece: reduceat gives the value at its start
    return dict(zip(masks, hit.tolist(), strict=True))


def _width_per_piece(values, ends):
    """For consecutive pieces ``ends[i]:ends[i + 1]`` of text ``values``: the length of the
    longest value, at least 1 (the width NumPy gives an array of the piece's values)."""
    lengths = np.append(np.char.str_len(values), 0)  # a last start may be the end
    starts = ends[:-1]
    longest = np.maximum.reduceat(lengths, starts)
    longest[ends[1:] == starts] = 0  # an empty piece: reduceat gives the value at its start
    return np.maximum(longest, 1).tolist()


class PreparedLightCurve:
    """
    A light curve read and put in order, not yet made an astropy object.

    What `prepare_lightcurve` gives: the columns as NumPy arrays (values, mask, unit,
    description), the sorted MJDs and the meta, with no `~astropy.time.Time`, quantity, column
    or `~astropy.coordinates.SkyCoord` made yet (those are most of the cost of a small light
    curve). `build` makes the light curve, exactly as `build_lightcurve` returns it;
    `~alerce_astro.bulk.stack_prepared` makes the table of many of them in one go, as
    `~alerce_astro.bulk.stack_tables` of their built light curves would.

    Light curves prepared together (`prepare_lightcurves`) keep no arrays of their own: they
    are rows of their batch's arrays (``held``: the batch's store and this light curve's place
    in it), and once a `~alerce_astro.bulk.BulkResult` has been stacked, rows of the stack's.
    ``columns`` and ``mjd`` are then copies of this light curve's part, made when asked for,
    and the same as its own preparation gives.
    """

    __slots__ = ("cls", "_mjd", "survey", "_columns", "position", "oid", "meta",
                 "time_description", "_held")

    def __init__(self, cls, mjd, survey, columns, position, oid, meta, time_description, *,
                 held=None):
        self.cls, self._mjd, self.survey, self._columns = cls, mjd, survey, columns
        self.position, self.oid, self.meta = position, oid, dict(meta or {})
        self.time_description = time_description
        self._held = held

    @property
    def columns(self):
        """Column name -> ``(values, mask, unit, description)``, in the light curve's order."""
        if self._held is None:
            return self._columns
        store, index = self._held
        return store.columns_of(index)

    @property
    def mjd(self):
        """The sorted MJDs (in the survey's time scale)."""
        if self._held is None:
            return self._mjd
        store, index = self._held
        return store.mjd_of(index)

    def __len__(self):
        if self._held is None:
            return len(self._mjd)
        store, index = self._held
        return store.length_of(index)

    def __repr__(self):
        return f"<PreparedLightCurve {self.oid}: {len(self)} points, not built>"

    def info(self, coord):
        """The light curve's ``meta``, with ``coord`` given."""
        return {"oid": self.oid, "survey": self.survey.name, "coord": coord,
                "magnitudes": "difference", **self.meta}

    def time(self, mjd=None):
        """The `~astropy.time.Time` of ``mjd`` (default: this light curve's), in UTC."""
        scale = self.survey.time_scale
        time = Time(self.mjd if mjd is None else mjd, format="mjd", scale=scale)
        if scale != "utc":
            time = time.utc  # exact (two doubles), never a silent offset of leap seconds
            # astropy hands out a scale conversion read-only (it is cached on the TAI
            # object, dropped here): a light curve's time must sort and edit like ZTF's.
            time.writeable = True
        return time

    def build(self):
        """
        The light curve.

        Returns
        -------
        `~alerce_astro.lightcurve.AlerceLightCurve`
            What `build_lightcurve` returns for the same rows.
        """
        return _assemble(self.cls, self.time(), self.columns,
                         self.info(_skycoord(self.position)), self.time_description)


class _Plan:
    """What building a light curve with one map needs, worked out once per map."""

    def __init__(self, photometry):
        survey = photometry.survey
        kinds = photometry.kinds
        self.kinds = tuple(k.kind for k in kinds)
        self.kind_values = np.array(self.kinds, dtype=f"U{max(map(len, KINDS))}")
        columns = photometry.columns()
        self.descriptions = {c[0]: c[3] for c in columns}
        self.time = [k.column_of("time") for k in kinds]
        self.mapped = [(name, dtype, unit, description,
                        tuple(k.column_of(name) for k in kinds))
                       for name, dtype, unit, description in columns
                       if name not in ("time", "kind", "band")]
        self.consumed = [k.consumed for k in kinds]
        self.sentinels = dict(photometry.sentinels)
        top = max(b.code for b in survey.bands)
        width = max(len(b.name) for b in survey.bands)
        self.band_names = np.array([survey.band_name(code) for code in range(top + 1)],
                                   dtype=f"U{width}")
        self.flux_unit = survey.flux_unit.to_string()
        self.zero_point = float(survey.zero_point)
        # Per kind: which quantity is derived from the other.
        self.flux_from_mag = np.array([k.column_of("mag") is not None
                                       and k.column_of("flux") is None for k in kinds])
        self.mag_from_flux = np.array([k.column_of("flux") is not None
                                       and k.column_of("mag") is None for k in kinds])
        self.sign = tuple(k.sign_column for k in kinds)
        self.position = tuple(photometry.position)


@cache
def _plan(photometry):
    return _Plan(photometry)


def _derive(out, plan, parts, sizes, order):
    """Flux from magnitude (and its sign) where a kind sends magnitudes, and magnitude from
    flux where it sends fluxes; masked where the source value is, and the magnitude of a
    flux <= 0 masked (no NaN, no warning)."""
    flux, flux_mask = out["flux"][:2]
    mag, mag_mask = out["mag"][:2]
    flux_err, flux_err_mask = out["flux_err"][:2]
    mag_err, mag_err_mask = out["mag_err"][:2]
    n = len(order)
    with np.errstate(all="ignore"):  # thread-safe, unlike warnings filters
        if plan.flux_from_mag.any():
            rows = np.repeat(plan.flux_from_mag, sizes)[order]
            sign, sign_mask = _stack(list(zip(parts, plan.sign, strict=True)), np.float64,
                                     order)
            sign = np.where((sign < 0) & ~_full(sign_mask, n), -1.0, 1.0)
            bad = _full(mag_mask, n)
            derived = sign * np.power(10.0, -0.4 * (mag - plan.zero_point))
            derived_err = np.abs(derived) * _LN10_OVER_2_5 * mag_err
            flux, flux_mask = _put(rows, derived, bad, flux, flux_mask)
            flux_err, flux_err_mask = _put(rows, derived_err, bad | _full(mag_err_mask, n),
                                           flux_err, flux_err_mask)
        if plan.mag_from_flux.any():
            rows = np.repeat(plan.mag_from_flux, sizes)[order]
            positive = ~_full(flux_mask, n) & (flux > 0) & np.isfinite(flux)
            safe = np.where(positive, flux, 1.0)
            derived = plan.zero_point - 2.5 * np.log10(safe)
            derived_err = flux_err / safe / _LN10_OVER_2_5
            mag, mag_mask = _put(rows, derived, ~positive, mag, mag_mask)
            mag_err, mag_err_mask = _put(rows, derived_err,
                                         ~positive | _full(flux_err_mask, n), mag_err,
                                         mag_err_mask)
    for name, values, mask in (("flux", flux, flux_mask), ("flux_err", flux_err, flux_err_mask),
                               ("mag", mag, mag_mask), ("mag_err", mag_err, mag_err_mask)):
        out[name] = (values, mask) + out[name][2:]


def _full(mask, n):
    """A mask as a boolean array (`_stack` gives None for "nothing masked")."""
    return np.zeros(n, dtype=bool) if mask is None else mask


def _put(rows, derived, derived_mask, values, mask):
    """``values`` with ``derived`` on ``rows``; masked values hold the usual fill."""
    derived_mask = derived_mask | ~np.isfinite(derived)
    new_mask = np.where(rows, derived_mask, _full(mask, len(rows)))
    new = np.where(rows, np.where(derived_mask, _FLOAT_FILL, derived), values)
    return new, (new_mask if new_mask.any() else None)


class _Part:
    """The columns of one kind of photometry (`~alerce_astro.schema.RawColumn`, masked
    values filled in as a `~astropy.table.MaskedColumn` fills them) and their times."""

    __slots__ = ("n", "columns", "names", "mjd")

    def __init__(self, n, columns, time):
        self.n, self.columns, self.names = n, columns, list(columns)
        mjd = columns[time]
        self.mjd = np.where(mjd.mask, np.nan, mjd.data.astype(float)) if mjd.mask.any() \
            else mjd.data.astype(float)


_EMPTY_PARTS = {}     # id(schema) -> (schema, the _Part of no rows: never modified)
_FILL_VALUES = {}


def _fill_value(dtype):
    """What `~astropy.table.MaskedColumn.filled` puts under the mask of a schema column."""
    if dtype not in _FILL_VALUES:
        column = Schema("fill", [("x", dtype, None, "")]).table([{}])["x"]
        _FILL_VALUES[dtype] = column.filled()[0]
    return _FILL_VALUES[dtype]


_FLOAT_FILL = _fill_value("float64")


def _read(schema, rows, time):
    """The columns of ``rows`` as ``schema.table(rows)`` makes them, as arrays."""
    if not rows:
        cached = _EMPTY_PARTS.get(id(schema))
        if cached is None or cached[0] is not schema:
            cached = _EMPTY_PARTS[id(schema)] = (schema, _part(schema, [], time))
        return cached[1]
    return _part(schema, rows, time)


def _part(schema, rows, time):
    columns = schema.arrays(rows)
    for raw in columns.values():
        if raw.mask.any():
            raw.data[raw.mask] = _fill_value(raw.field.dtype)
    return _Part(len(columns[time].data), columns, time)


def _assemble(cls, time, out, meta, time_description, *, fast=True):
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

    time.info.description = time_description
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


def _mask_sentinels(values, mask, sentinel):
    """The mask with values at or above ``sentinel`` (and non-finite ones) added; the values
    are kept."""
    bad = ~np.isfinite(values) | (values >= sentinel)
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


def _mean_position(out, position):
    """The mean position of the detections (as ALeRCE's meanra/meandec), ``(ra, dec)`` in
    degrees, or None."""
    return _mean_positions(out, position, np.array([0, len(out["kind"][0])]))[0]


def _mean_positions(out, position, ends):
    """`_mean_position` of each piece ``ends[i]:ends[i + 1]`` of the columns ``out``: the
    unit vectors of all pieces made at once, each piece's mean of its own (the same numbers
    as the piece alone gives: the same values, summed the same way)."""
    if not all(name in out for name in position):
        return [None] * (len(ends) - 1)
    ra, ra_mask = out[position[0]][:2]
    dec, dec_mask = out[position[1]][:2]
    ok = out["kind"][0] == "detection"
    if ra_mask is not None:
        ok &= ~ra_mask
    if dec_mask is not None:
        ok &= ~dec_mask
    # Positions no sky has (a damaged row) do not move the mean.
    ra_ok, dec_ok = usable_axes(ra, dec)
    ok &= ra_ok & dec_ok
    rows = np.flatnonzero(ok)
    bounds = np.searchsorted(rows, ends).tolist()  # each piece's rows among the usable ones
    # A vector mean: right across RA = 0 as well. Plain numpy: three SkyCoord conversions
    # cost a quarter of building a small light curve.
    ra_rad, dec_rad = np.radians(ra[rows]), np.radians(dec[rows])
    cos_dec = np.cos(dec_rad)
    xs, ys, zs = cos_dec * np.cos(ra_rad), cos_dec * np.sin(ra_rad), np.sin(dec_rad)
    positions = []
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        if start == end:
            positions.append(None)
            continue
        x, y, z = np.mean(xs[start:end]), np.mean(ys[start:end]), np.mean(zs[start:end])
        mean_ra = np.degrees(np.arctan2(y, x)) % 360.0
        mean_dec = np.degrees(np.arctan2(z, np.hypot(x, y)))
        positions.append((float(mean_ra), float(mean_dec)))
    return positions


def _skycoord(position):
    """``meta["coord"]`` of a mean position ``(ra, dec)`` in degrees, or None."""
    if position is None:
        return None
    # A SkyCoord of a frame object: the same coordinate, 20 % cheaper to make than from
    # ra=, dec=, frame= keywords.
    return SkyCoord(ICRS(ra=position[0] * u.deg, dec=position[1] * u.deg))
