"""
FITS reading and writing of light curves that keep everything.

ECSV needs nothing of ours: astropy writes the time column, units, masks, 64-bit integers and
the whole ``meta`` (the `~astropy.coordinates.SkyCoord` included) in its YAML header. FITS
needs help on three points, handled here for `~alerce_astro.lightcurve.AlerceLightCurve` only
(plain tables and time series keep astropy's behaviour):

- ``meta`` is written as YAML in ``COMMENT`` cards between ``--BEGIN-ALERCE-META--`` and
  ``--END-ALERCE-META--`` (the way astropy stores its own serialized columns), and read back;
  the oid and mean position are also written as ``OBJECT``, ``RA_OBJ`` and ``DEC_OBJ``
  keywords for other FITS readers;
- masked boolean columns (FITS logicals cannot hold a null) are written as 16-bit integers with
  a null value and turned back into masked booleans;
- units FITS does not know (``DN``) are kept in the YAML block rather than as ``TUNIT``;
- the time column is read as an `~astropy.time.Time` (``astropy_native``) in MJD format, and
  text columns as ``str``.

``lc.write("x.fits")`` and ``AlerceLightCurve.read("x.fits")`` use these functions; every other
format goes to astropy's unified I/O unchanged. (They are not registered with the I/O registry:
registering any format for a subclass hides all of `~astropy.table.Table`'s formats from it.)
"""

import os

import numpy as np
from astropy import units as u
from astropy.io.fits import connect as fits_connect
from astropy.io.misc import yaml
from astropy.table import Column, MaskedColumn, QTable
from astropy.utils.masked import Masked

from ._arrays import mask_of, values_of

__all__ = ["write_fits", "read_fits", "is_fits_target"]

_BEGIN, _END = "--BEGIN-ALERCE-META--", "--END-ALERCE-META--"
_WIDTH = 70  # characters per COMMENT card, as astropy splits its own YAML
_BOOLS = "__alerce_masked_bools__"
_UNITS = "__alerce_non_fits_units__"
_HEADER_COPIES = ("OBJECT", "RA_OBJ", "DEC_OBJ")


def write_fits(lc, output, *, overwrite=False, **kwargs):
    """
    Write a light curve to a FITS binary table, keeping ``meta``, masks and column kinds.

    Parameters
    ----------
    lc : `~alerce_astro.lightcurve.AlerceLightCurve`
        The light curve.
    output : str or path-like
        The file name.
    overwrite : bool, optional
        Replace an existing file.
    **kwargs
        Passed to astropy's FITS table writer (``append``, ``name``).
    """
    meta = dict(lc.meta)
    table = QTable(lc, copy=True, meta={})
    bools = []
    for name in table.colnames:
        col = table[name]
        if getattr(col, "dtype", None) is not None and col.dtype.kind == "b" \
                and hasattr(col, "mask"):
            bools.append(name)
            table[name] = MaskedColumn(np.asarray(col.filled(False), dtype=np.int16),
                                       mask=np.ma.getmaskarray(col), name=name,
                                       description=col.info.description)
    units = {}
    for name in table.colnames:
        unit = getattr(table[name], "unit", None)
        if unit is None or name == "time":
            continue
        try:
            unit.to_string("fits")
        except ValueError:
            # e.g. DN: not a FITS unit. Written without it, kept in the YAML block instead
            # (astropy would warn, and other FITS readers would see a bad TUNIT).
            col = table[name]
            units[name] = unit.to_string()
            plain = MaskedColumn(values_of(col), mask=mask_of(col), name=name,
                                 description=col.info.description)
            table.replace_column(name, plain)
    lines = yaml.dump({"meta": meta, _BOOLS: bools, _UNITS: units},
                      sort_keys=False).splitlines()
    comments = [_BEGIN]
    for line in lines:
        chunks = [line[i:i + _WIDTH] for i in range(0, max(len(line), 1), _WIDTH)] or [""]
        comments += [c + "\\" for c in chunks[:-1]] + [chunks[-1]]
    comments.append(_END)
    header = {"comments": comments}
    if meta.get("oid"):
        header["OBJECT"] = str(meta["oid"])
    coord = meta.get("coord")
    if coord is not None and hasattr(coord, "ra"):
        header["RA_OBJ"] = float(coord.ra.deg)
        header["DEC_OBJ"] = float(coord.dec.deg)
    table.meta = header
    fits_connect.write_table_fits(table, output, overwrite=overwrite, **kwargs)


def read_fits(input, **kwargs):
    """
    Read a light curve written by `write_fits` (or any FITS table with a time column).

    Parameters
    ----------
    input : str or path-like
        The file name.
    **kwargs
        Passed to astropy's FITS table reader (``hdu``...).

    Returns
    -------
    `~astropy.table.QTable`
        With the time column as `~astropy.time.Time`; the caller builds its class from it.
    """
    kwargs.setdefault("astropy_native", True)
    table = QTable(fits_connect.read_table_fits(input, **kwargs))
    comments = list(table.meta.get("comments", []))
    saved = {"meta": {}, _BOOLS: []}
    if _BEGIN in comments and _END in comments:
        i0, i1 = comments.index(_BEGIN), comments.index(_END)
        lines, continued = [], False
        for card in comments[i0 + 1:i1]:
            text = card[:_WIDTH]
            if continued:
                lines[-1] += text
            else:
                lines.append(text)
            continued = len(card) == _WIDTH + 1 and card.endswith("\\")
        saved = yaml.load("\n".join(lines)) or saved
        del comments[i0:i1 + 1]
        meta = {k: v for k, v in table.meta.items() if k not in _HEADER_COPIES + ("comments",)}
        if comments:
            meta["comments"] = comments
        meta.update(saved.get("meta") or {})
        table.meta = meta
    for name in table.colnames:
        col = table[name]
        if getattr(col, "dtype", None) is not None and col.dtype.kind == "S":
            mask = np.ma.getmaskarray(col)
            text = np.char.decode(np.ma.filled(col, b""), "utf-8")
            table[name] = MaskedColumn(text, mask=mask, name=name,
                                       description=col.info.description) if mask.any() else \
                Column(text, name=name, description=col.info.description)
        elif name in saved.get(_BOOLS, []):
            table[name] = MaskedColumn(np.ma.filled(col, 0) != 0,
                                       mask=np.ma.getmaskarray(col), name=name,
                                       description=col.info.description)
        elif getattr(col, "dtype", None) is not None and not col.dtype.isnative:
            table[name] = _native(col)
    for name, unit in (saved.get(_UNITS) or {}).items():
        if name in table.colnames:
            col = table[name]
            description = col.info.description
            table[name] = Masked(values_of(col) * u.Unit(unit), mask=mask_of(col))
            table[name].info.description = description
    if "time" in table.colnames and hasattr(table["time"], "format"):
        try:
            table["time"].format = "mjd"
        except ValueError:  # a TimeDelta (a folded light curve) keeps its format
            pass
    return table


def _native(col):
    """The column with its values in the machine's byte order (FITS stores big-endian)."""
    new = col.astype(col.dtype.newbyteorder("="))
    new.info.description = col.info.description
    return new


def is_fits_target(target, format=None, *, mode="write"):
    """Whether a read or write of ``target`` with ``format`` is a FITS one."""
    if format is not None:
        return str(format).lower() == "fits"
    if isinstance(target, (str, os.PathLike)):
        return fits_connect.is_fits(mode, os.fspath(target), None)
    return False
