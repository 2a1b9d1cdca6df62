"""
TAP light-curve rows -> the REST APIs' names, and the hook to the canonical light curve.

A TAP answer names columns in lower case (``psfflux``); the REST APIs' JSON uses Rubin's camel
case (``psfFlux``). `rest_names` renames the columns of a TAP light-curve table to the REST keys
(from `alerce_astro.apis.tap.columns`), so that the photometry maps written for the REST wire
(``apis/<api>/photometry.py``: wire rows -> canonical columns) apply to TAP rows unchanged.

`to_canonical_lightcurve` is the one place where a TAP per-object table becomes an
`AlerceLightCurve`; it is connected to those maps when they land.
"""

from .columns import TABLES

__all__ = ["rest_names", "to_canonical_lightcurve", "REST_NAMES"]


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


def to_canonical_lightcurve(table, *, survey):
    """
    One object's TAP light-curve table -> the canonical `AlerceLightCurve` (flux first).

    The rows are those of `alerce_astro.apis.tap.lightcurves` (a ``kind`` column:
    ``detection``, ``forced``, ``upper_limit``; columns named as the service names them). After
    `rest_names` they are the REST APIs' rows, so this is the REST photometry map of the
    survey (ZTF: ``apis/ztf_v1/photometry.py`` and ``apis/lightcurve_v2/photometry.py``; LSST:
    the multisurvey map) applied per kind.

    Parameters
    ----------
    table : `~astropy.table.Table`
        One object's rows (``meta["oid"]``).
    survey : str
        ``ztf`` or ``lsst``.

    Raises
    ------
    NotImplementedError
        Until the photometry maps of the canonical light curve are connected here.
    """
    raise NotImplementedError(
        "TAP light curves are per-object tables for now; the conversion to AlerceLightCurve "
        "is connected when the photometry maps (apis/*/photometry.py) are available: apply "
        f"them to rest_names(table) per kind (survey={survey!r})")
