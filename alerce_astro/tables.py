"""
`AlerceTable`: an astropy `~astropy.table.Table` that also writes to VOTable when it holds a
`~astropy.coordinates.SkyCoord` column. astropy's VOTable writer refuses mixin columns, and
object tables carry a ``coord`` column; here such a column is written as ``<name>_ra`` and
``<name>_dec`` in degrees (ICRS), next to the ``meanra``/``meandec`` the service sent.
Every other format (ECSV, FITS, CSV...) is astropy's own, unchanged.
"""

import os

from astropy.coordinates import SkyCoord
from astropy.table import Column, Table

__all__ = ["AlerceTable", "votable_ready", "position_columns"]

_VOTABLE_SUFFIXES = (".xml", ".vot", ".votable")


class AlerceTable(Table):
    """
    A `~astropy.table.Table` whose ``write(..., format="votable")`` accepts position
    columns (see the module).

    Examples
    --------
    >>> import io
    >>> import os

from astropy.coordinates import SkyCoord
    >>> t = AlerceTable({"oid": ["ZTF20aaelulu"], "coord": SkyCoord([185.7], [15.8],
    ...                                                                 unit="deg")})
    >>> out = io.BytesIO()
    >>> t.write(out, format="votable")
    >>> Table.read(io.BytesIO(out.getvalue()), format="votable").colnames
    ['oid', 'coord_ra', 'coord_dec']
    """

    def write(self, *args, format=None, **kwargs):
        """
        Write the table, as `astropy.table.Table.write` does; for VOTable (``format=
        "votable"`` or a ``.xml``/``.vot`` name), position columns become ``<name>_ra`` and
        ``<name>_dec``.
        """
        if _is_votable(args, format, kwargs):
            return votable_ready(self).write(*args, format=format or "votable", **kwargs)
        return super().write(*args, format=format, **kwargs)


def _is_votable(args, format, kwargs):
    """Whether a write is to VOTable: by format, or (astropy does not guess it when
    writing) by a ``.xml``/``.vot``/``.votable`` file name."""
    if format is not None:
        return str(format).lower().startswith("votable")
    path = args[0] if args else None
    return isinstance(path, (str, os.PathLike)) and os.fspath(path).lower().endswith(
        _VOTABLE_SUFFIXES)


def votable_ready(table):
    """
    A copy of ``table`` with each `~astropy.coordinates.SkyCoord` column replaced by its
    ICRS ``<name>_ra`` and ``<name>_dec`` (deg) columns, in place.

    Parameters
    ----------
    table : `~astropy.table.Table`

    Returns
    -------
    `~astropy.table.Table`
    """
    out = Table(table, copy=False)
    for name in list(out.colnames):
        col = out[name]
        if not isinstance(col, SkyCoord):
            continue
        index = out.colnames.index(name)
        ra, dec = position_columns(name, col)
        out.remove_column(name)
        out.add_column(ra, index=index)
        out.add_column(dec, index=index + 1)
    return out


def position_columns(name, coord):
    """
    The ICRS ``<name>_ra`` and ``<name>_dec`` columns (deg) of a
    `~astropy.coordinates.SkyCoord` column, for formats without astropy's mixin columns.

    Parameters
    ----------
    name : str
        The column's name.
    coord : `~astropy.coordinates.SkyCoord`
        Its positions (its ``info.description`` names them in the new descriptions).

    Returns
    -------
    ra, dec : `~astropy.table.Column`

    Examples
    --------
    >>> from astropy.coordinates import SkyCoord
    >>> ra, dec = position_columns("coord", SkyCoord([10.5], [-3.25], unit="deg"))
    >>> ra.name, float(dec[0]), ra.description
    ('coord_ra', -3.25, 'Position: right ascension (ICRS)')
    """
    icrs = coord.icrs
    what = getattr(coord.info, "description", None) or "Position"
    return (Column(icrs.ra.deg, name=f"{name}_ra", unit="deg",
                   description=f"{what}: right ascension (ICRS)"),
            Column(icrs.dec.deg, name=f"{name}_dec", unit="deg",
                   description=f"{what}: declination (ICRS)"))
