"""
catsHTM answers → astropy tables.

Two generations of the service exist and both are recognised:

- the classic one (``catshtm.alerce.online``): a catalog's body is
  ``{"<column>": {"units": str, "values": [...]}}`` (``"unit"``/``"value"`` for a crossmatch),
  keyed by the catalog's display name, in ``{"catalogs": [...]}`` for ``conesearch_all`` and a
  list of one-key objects for ``crossmatch_all``; ``/crossmatch`` sends the body bare. Missing
  values are the string ``"null"``, infinities ``"infinity"``.
- the rewrite: a body is a list ``[{"attribute_name", "unit", "values" | "value"}]``, the
  ``*_all`` routes key the bodies by catalog name; missing values are JSON ``null``.

`split_answer` turns either into `RawCatalog` rows (checked, nothing converted yet) inside the
transport's parse step, so that an unusable answer raises `ResponseFormatError` and is never
cached; `build_table` then makes each one a `~astropy.table.Table`.
"""

import json
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Column, MaskedColumn, Table

from ...crossmatch.catalogs import display_name, find_catalog
from ...crossmatch.units import parse_unit
from ...exceptions import AlerceWarning, ResponseFormatError
from ...positions import usable_axes

__all__ = ["RawCatalog", "parse_answer", "split_answer", "build_table", "column_values"]

_NULLS = frozenset({"null", "none", "nan", ""})
_POS_INF = frozenset({"infinity", "inf", "+infinity", "+inf"})
_NEG_INF = frozenset({"-infinity", "-inf"})
_ERROR_KEYS = frozenset({"detail", "message", "error", "errors"})
_OWN_COLUMNS = frozenset({"coord", "separation"})


@dataclass
class RawCatalog:
    """
    One catalog's part of an answer, checked but not converted.

    Parameters
    ----------
    name : str
        The catalog's name as the answer keyed it (display or catsHTM name), or the catalog
        requested when the answer was a bare body.
    columns : dict
        ``{column: (unit string, list of values)}`` in the service's order.
    """

    name: str
    columns: dict = field(default_factory=dict)

    @property
    def nrows(self):
        """Number of sources."""
        return len(next(iter(self.columns.values()))[1]) if self.columns else 0


def parse_answer(answer, *, catalog=None):
    """
    The transport's parse step for a catsHTM answer: JSON decoded, then `split_answer`.

    Parameters
    ----------
    answer : `~alerce_astro.transport.Answer`
        The answer.
    catalog : str, optional
        The catalog asked for (names a bare body).

    Returns
    -------
    list of `RawCatalog`
    """
    from ...transport import parse_json

    data = parse_json(answer, expect=(dict, list, str, type(None)), what="catsHTM answer")
    return split_answer(data, catalog=catalog, url=answer.url)


def split_answer(data, *, catalog=None, url=""):
    """
    Recognise a catsHTM answer of either shape and split it into catalogs.

    Parameters
    ----------
    data : object
        The decoded JSON body.
    catalog : str, optional
        The catalog asked for, which names a bare body (``/crossmatch``, the rewrite's
        ``/conesearch``).
    url : str, optional
        The request, for messages.

    Returns
    -------
    list of `RawCatalog`
        One per catalog with at least one source, in the answer's order.

    Raises
    ------
    ResponseFormatError
        For the service's error string (``"Request contains one or more invalid
        arguments."`` with status 200), an error object, or anything not of a known shape.

    Examples
    --------
    >>> raw = split_answer({"GAIA/DR1": {"RA": {"units": "deg", "values": [1.0, 2.0]},
    ...                                  "Dec": {"units": "deg", "values": [3.0, "null"]}}})
    >>> raw[0].name, raw[0].nrows, raw[0].columns["Dec"]
    ('GAIA/DR1', 2, ('deg', [3.0, 'null']))
    >>> split_answer([{"attribute_name": "RA", "unit": "deg", "value": 1.5}],
    ...              catalog="GAIADR2")[0].columns
    {'RA': ('deg', [1.5])}
    """
    where = f"GET {url}: " if url else ""
    if isinstance(data, str):
        raise ResponseFormatError(f"{where}the catsHTM service answered with a message instead "
                                  f"of data: {data!r}")
    if data is None:
        return []
    if isinstance(data, dict) and set(data) == {"catalogs"} and isinstance(data["catalogs"],
                                                                           list):
        data = data["catalogs"]
    if isinstance(data, list):
        if not data:
            return []
        if all(_is_attribute(item) for item in data):
            return _nonempty([_body(catalog or "unknown", data, where)])
        if all(isinstance(item, dict) for item in data):
            out = []
            for item in data:
                for name, body in item.items():
                    out.extend(_named(name, body, where))
            return _nonempty(out)
        raise ResponseFormatError(f"{where}unrecognised catsHTM answer: a list of "
                                  f"{sorted({type(x).__name__ for x in data})}")
    if isinstance(data, dict):
        if not data:
            return []
        if _is_body(data):
            return _nonempty([_body(catalog or "unknown", data, where)])
        if set(data) & _ERROR_KEYS and not any(_is_body(v) or _is_empty(v)
                                               for v in data.values()):
            raise ResponseFormatError(f"{where}the catsHTM service answered with an error: "
                                      f"{_short(data)}")
        out = []
        for name, body in data.items():
            out.extend(_named(name, body, where))
        return _nonempty(out)
    raise ResponseFormatError(f"{where}unrecognised catsHTM answer of type "
                              f"{type(data).__name__}")


def _short(data):
    text = json.dumps(data, default=str)
    return text if len(text) < 300 else text[:300] + "..."


def _is_spec(value):
    return isinstance(value, dict) and ("values" in value or "value" in value)


def _is_attribute(value):
    return isinstance(value, dict) and "attribute_name" in value


def _is_body(value):
    if isinstance(value, dict):
        return bool(value) and all(_is_spec(v) for v in value.values())
    if isinstance(value, list):
        return bool(value) and all(_is_attribute(v) for v in value)
    return False


def _is_empty(value):
    return value is None or (isinstance(value, (dict, list)) and not value)


def _named(name, body, where):
    if _is_empty(body):
        return []
    if _is_body(body):
        return [_body(str(name), body, where)]
    # An older service version wrapped each catalog's body in a one-element list.
    if isinstance(body, list) and all(_is_body(b) or _is_empty(b) for b in body):
        return [_body(str(name), b, where) for b in body if not _is_empty(b)]
    raise ResponseFormatError(f"{where}unrecognised catsHTM answer for catalog {name!r}: "
                              f"{_short(body)}")


def _nonempty(raws):
    return [raw for raw in raws if raw.nrows]


def _body(name, body, where):
    columns = {}
    if isinstance(body, dict):
        items = body.items()
    else:
        items = ((spec.get("attribute_name"), spec) for spec in body)
    for column, spec in items:
        column = str(column)
        unit = spec.get("units", spec.get("unit"))
        values = spec["values"] if "values" in spec else [spec.get("value")]
        if not isinstance(values, list):
            values = [values]
        if column in columns:  # the rewrite can repeat a name; keep both
            n = 2
            while f"{column}_{n}" in columns:
                n += 1
            column = f"{column}_{n}"
        columns[column] = (unit, values)
    lengths = {len(v) for _, v in columns.values()}
    if len(lengths) > 1:
        raise ResponseFormatError(
            f"{where}catalog {name!r}: columns of different lengths {sorted(lengths)} in the "
            f"catsHTM answer")
    return RawCatalog(name, columns)


def column_values(values, *, numeric=False):
    """
    Convert a column's raw values: numbers (masked where null), or text.

    Parameters
    ----------
    values : list
        Values as the service sent them: numbers, `None`, ``"null"``, ``"infinity"``...
    numeric : bool, optional
        The column holds numbers whatever it contains: a value that is not a number (text, a
        list, an object) is masked instead of making the column text.

    Returns
    -------
    data : `numpy.ndarray`
        float64 (int64 if every value is a JSON integer), or str if any value is text and
        ``numeric`` is false.
    mask : `numpy.ndarray` of bool
        True where the service sent no value (or, with ``numeric``, no number).

    Examples
    --------
    >>> data, mask = column_values([1.5, "null", "infinity", None])
    >>> data.tolist(), mask.tolist()
    ([1.5, nan, inf, nan], [False, True, False, True])
    >>> data, mask = column_values([1.5, "abc", []], numeric=True)
    >>> data.tolist(), mask.tolist()
    ([1.5, nan, nan], [False, True, True])
    """
    n = len(values)
    mask = np.zeros(n, dtype=bool)
    floats = np.full(n, np.nan)
    text = False
    ints = n > 0
    for i, value in enumerate(values):
        if value is None:
            mask[i] = True
            continue
        if isinstance(value, bool):
            floats[i] = float(value)
            ints = False
        elif isinstance(value, int):
            floats[i] = float(value)
        elif isinstance(value, float):
            ints = False
            if math.isnan(value):
                mask[i] = True
            else:
                floats[i] = value
        elif isinstance(value, str):
            ints = False
            key = value.strip().lower()
            if key in _NULLS:
                mask[i] = True
            elif key in _POS_INF:
                floats[i] = np.inf
            elif key in _NEG_INF:
                floats[i] = -np.inf
            else:
                try:
                    floats[i] = float(value)
                except ValueError:
                    text = True
                    mask[i] = numeric
        else:
            ints = False
            text = True
            mask[i] = numeric
    if text and not numeric:
        strings = []
        for i, value in enumerate(values):
            if mask[i]:
                strings.append("")
            elif isinstance(value, (dict, list)):
                strings.append(json.dumps(value))
            else:
                strings.append(str(value))
        return np.array(strings, dtype=str), mask
    if ints and not text and not mask.all():
        present = [v for v in values if v is not None]
        if all(-2**63 <= v < 2**63 for v in present):
            out = np.zeros(n, dtype=np.int64)
            for i, value in enumerate(values):
                if value is not None:
                    out[i] = value  # exact: never through a float
            return out, mask
    return floats, mask


def _is_number(value):
    if isinstance(value, (int, float)):
        return True
    if not isinstance(value, str):
        return False
    key = value.strip().lower()
    if key in _NULLS:
        return False
    if key in _POS_INF or key in _NEG_INF:
        return True
    try:
        float(value)
    except ValueError:
        return False
    return True


def _make_column(name, values, unit, description, raw_unit, *, position=False, invalid=None):
    # A position column, or one with a unit and at least one number, holds numbers: text there
    # is a broken value (masked), not a reason to make the whole column text.
    numeric = position or (unit is not None and any(_is_number(v) for v in values))
    data, mask = column_values(values, numeric=numeric)
    if data.dtype.kind == "U":
        unit = None  # a unit on text makes no sense
    if invalid is not None:
        mask = mask | invalid
    cls = MaskedColumn if mask.any() else Column
    kwargs = {"mask": mask} if cls is MaskedColumn else {}
    column = cls(data, name=name, unit=unit, description=description, **kwargs)
    if raw_unit is not None:
        column.meta["unit_text"] = raw_unit
    return column


def _find(columns, *names):
    for name in names:
        if name in columns:
            return name
    lower = {c.lower(): c for c in columns}
    for name in names:
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def _degrees(values, unit):
    """Position values (masked as NaN) in degrees; infinities and overflows stay non-finite."""
    data, mask = column_values(values, numeric=True)
    data = data.astype(float)
    data[mask] = np.nan
    if unit is not None and unit.is_equivalent(u.deg):
        # A hostile value (1e308 rad) overflows to inf here, which the caller sets aside;
        # np.errstate is thread-safe, unlike silencing the warning.
        with np.errstate(over="ignore", invalid="ignore"):
            data = (data * unit).to_value(u.deg)
    return data  # the service converts positions to degrees


def _positions(raw, info, units):
    """
    The RA and Dec column names, degrees for the coordinates, and the rows no sky has.

    A non-finite value, or a Dec beyond +-90 deg, is no position: SkyCoord would refuse the
    whole answer (Dec) or warn (inf RA). Such rows get a NaN coordinate and the offending
    values are masked in the RA/Dec columns.
    """
    ra_names = ([info.ra_column] if info is not None else []) + ["RA"]
    dec_names = ([info.dec_column] if info is not None else []) + ["Dec"]
    ra_name, dec_name = _find(list(raw.columns), *ra_names), _find(list(raw.columns), *dec_names)
    if ra_name is None or dec_name is None:
        return ra_name, dec_name, None, {}
    ra = _degrees(raw.columns[ra_name][1], units[ra_name])
    dec = _degrees(raw.columns[dec_name][1], units[dec_name])
    ra_ok, dec_ok = usable_axes(ra, dec)
    bad_ra, bad_dec = ~ra_ok, ~dec_ok
    bad = bad_ra | bad_dec
    ra[bad] = np.nan
    dec[bad] = np.nan
    coord = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs")
    return ra_name, dec_name, coord, {ra_name: bad_ra, dec_name: bad_dec}


def _free_name(name, taken):
    # "coord" and "separation" are this table's own columns: a catalog column of that name
    # is renamed the way _body renames repeated names.
    if name not in _OWN_COLUMNS:
        return name
    n = 2
    while f"{name}_{n}" in taken or f"{name}_{n}" in _OWN_COLUMNS:
        n += 1
    return f"{name}_{n}"


def build_table(raw, *, target=None, meta=None, sort=True):
    """
    Make one catalog's `RawCatalog` a table with units, masks and positions.

    Parameters
    ----------
    raw : `RawCatalog`
        The catalog's part of the answer.
    target : `~astropy.coordinates.SkyCoord`, optional
        The position searched around; gives the ``separation`` column.
    meta : dict, optional
        Provenance to store in the table's ``meta`` (``catalog`` and ``catshtm_name`` are
        added).
    sort : bool, optional
        Sort the rows by separation from ``target``.

    Returns
    -------
    `~astropy.table.Table`
        ``coord`` (`~astropy.coordinates.SkyCoord`, ICRS) and ``separation`` (arcsec) first,
        then ``distance`` if the service sent it (crossmatches), the position columns and the
        catalog's other columns in the service's order. Each column's unit is parsed (see
        `~alerce_astro.crossmatch.units.parse_unit`); a unit string that was mapped or not
        understood is kept in the column's ``meta["unit_text"]``. Values the service sent as
        ``"null"`` are masked, and so is text in a numeric column (a position column, or one
        with a unit and numbers). A position no sky has (non-finite, or a Dec beyond
        +-90 deg) is NaN in ``coord`` and masked in its RA/Dec column. A catalog column named
        ``coord`` or ``separation`` is renamed ``coord_2``/``separation_2``.

    Examples
    --------
    >>> from astropy.coordinates import SkyCoord
    >>> raw = split_answer({"RA": {"unit": "deg", "value": 10.0},
    ...                     "Dec": {"unit": "deg", "value": 20.0},
    ...                     "Epoch": {"unit": "JD", "value": 2451081.8},
    ...                     "distance": {"unit": "arcsec", "value": 3.6}}, catalog="TMASS")[0]
    >>> t = build_table(raw, target=SkyCoord(10.0, 20.001, unit="deg"))
    >>> t.colnames
    ['coord', 'separation', 'distance', 'RA', 'Dec', 'Epoch']
    >>> round(float(t["separation"][0]), 3), t["separation"].unit, t["Epoch"].unit
    (3.6, Unit("arcsec"), Unit("d"))
    >>> t.meta["catalog"], t["Epoch"].meta["unit_text"]
    ('2MASS', 'JD')
    """
    info = find_catalog(raw.name)
    shown = display_name(raw.name)
    table = Table(meta=dict(meta or {}))
    table.meta["catalog"] = shown
    table.meta["catshtm_name"] = info.name if info is not None else raw.name
    units, raw_units = {}, {}
    for name, (unit_text, _) in raw.columns.items():
        fixed = info.fixed_unit(name) if info is not None else None
        units[name], raw_units[name] = parse_unit(fixed if fixed is not None else unit_text)
        if fixed is not None:
            raw_units[name] = unit_text
    ra_name, dec_name, coord, invalid = _positions(raw, info, units)
    for name, (_, values) in raw.columns.items():
        unit, raw_unit = units[name], raw_units[name]
        if name == "distance":
            description = "Distance from the searched position, computed by the service"
        else:
            description = f"{name} of the {shown} catalog (catsHTM)"
        if raw_unit is not None and str(raw_unit).strip():
            description += f"; the service's unit: {raw_unit!r}"
        column = _make_column(name, values, unit, description, raw_unit,
                              position=name in invalid, invalid=invalid.get(name))
        table.add_column(column, name=_free_name(name, raw.columns))

    front = [c for c in ("distance", ra_name, dec_name) if c in table.colnames]
    if ra_name is None or dec_name is None:
        warnings.warn(f"catalog {shown}: no position columns found among {table.colnames}; "
                      f"the table has no 'coord' column", AlerceWarning)
    else:
        table.add_column(coord, name="coord", index=0)
        table["coord"].info.description = (f"Position (ICRS) from the {ra_name} and {dec_name} "
                                           f"columns")
        if target is not None:
            sep = target.separation(coord).to(u.arcsec)
            table.add_column(sep, name="separation", index=1)
            table["separation"].info.description = "Angular distance from the target"
        front = [c for c in ("coord", "separation") if c in table.colnames] + front
    table = table[front + [c for c in table.colnames if c not in front]]
    if sort and "separation" in table.colnames and len(table) > 1:
        order = np.argsort(np.asarray(table["separation"]), kind="stable")
        table = table[order]
    return table
