"""
What the TAP service holds: its tables, and each table's columns with units.

Read from the service's ``TAP_SCHEMA`` (so a table ALeRCE adds shows up), with the units it
omits filled in from `alerce_astro.apis.tap.columns` (a ``service_unit`` column keeps what the
service itself said).
"""

import numpy as np
from astropy.table import Column

from . import adql
from .columns import TABLES
from .query import run_query

__all__ = ["list_tables", "list_columns"]


def list_tables(url, *, session, schema=None):
    """
    The service's tables (``schema_name``, ``table_name``, ``table_type``, ``description``).

    Parameters
    ----------
    url : str
        The TAP service.
    session : `~alerce_astro.apis.tap.session.TapSession`
    schema : str, optional
        Only the tables of this schema (``alerce_tap``, ``ztf``).

    Returns
    -------
    `~astropy.table.Table`
    """
    table = run_query(url, adql.tables(schema), session=session, async_=False)
    for name in table.colnames:
        if table[name].dtype.kind == "O":
            table[name] = Column(np.array([str(v) for v in table[name]]), name=name,
                                 description=table[name].info.description)
    return table


def list_columns(url, table_name, *, session):
    """
    The columns of one table, with their units (filled in where the service omits them).

    Parameters
    ----------
    url : str
        The TAP service.
    table_name : str
        ``schema.table`` (``alerce_tap.lsst_detection``).
    session : `~alerce_astro.apis.tap.session.TapSession`

    Returns
    -------
    `~astropy.table.Table`
        ``column_name``, ``datatype``, ``unit`` (the true unit), ``service_unit`` (what the
        service's ``TAP_SCHEMA`` says), ``ucd``, ``description``, ``indexed``, ``principal``.
    """
    result = run_query(url, adql.columns(table_name.lower()), session=session, async_=False)
    known = TABLES.get(table_name.lower())
    names = [str(v) for v in result["column_name"]]
    served = ["" if np.ma.is_masked(v) else str(v) for v in result["unit"]]
    units = []
    for name, unit in zip(names, served, strict=True):
        true = None
        if known is not None:
            try:
                true = known[name.lower()].unit
            except KeyError:
                true = None
        units.append(unit or true or "")
    out = result.copy()
    out.remove_column("column_index")
    out["column_name"] = Column(names, description="Column name, as queries write it")
    out["unit"] = Column(units, description="Unit of the column (filled in by alerce_astro "
                         "where the service's TAP_SCHEMA omits it)")
    out.add_column(Column(served, name="service_unit",
                          description="Unit in the service's TAP_SCHEMA"),
                   index=out.colnames.index("unit") + 1)
    for name in ("datatype", "ucd", "description"):
        out[name] = Column(["" if np.ma.is_masked(v) else str(v) for v in result[name]],
                           name=name, description=result[name].info.description)
    out.meta["table"] = table_name
    return out
