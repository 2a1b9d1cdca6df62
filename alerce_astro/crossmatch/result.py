"""
The answers of catsHTM queries: `CrossmatchResult`, a read-only mapping of catalog name to
`~astropy.table.Table`, and `Redshift`, what `~alerce_astro.AlerceClass.get_redshift` finds.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Column, Table, vstack

from .catalogs import display_name, find_catalog

__all__ = ["CrossmatchResult", "Redshift"]


class CrossmatchResult(Mapping):
    """
    Sources around a target, one `~astropy.table.Table` per catalog, keyed by the catalog's
    display name (``"GAIA/DR2"``, ``"2MASS"``).

    A key may also be given as the catalog's catsHTM name or in another case:
    ``result["GAIADR2"]`` is ``result["GAIA/DR2"]``. Each table has a ``coord``
    `~astropy.coordinates.SkyCoord` column and a ``separation`` (arcsec) from the target, and
    is sorted by it.

    Parameters
    ----------
    tables : dict
        ``{display name: Table}`` in the order to keep.
    target : `~astropy.coordinates.SkyCoord`
        The position searched around.
    radius : `~astropy.coordinates.Angle` or None
        The search radius (`None`: each catalog's default).
    kind : {'conesearch', 'crossmatch'}
        Every source in the cone, or only the nearest one of each catalog.
    meta : dict, optional
        Provenance: ``url``, ``retrieved``, ``oid``...

    Examples
    --------
    >>> from astropy.coordinates import SkyCoord
    >>> from astropy.table import Table
    >>> result = CrossmatchResult({"GAIA/DR2": Table({"a": [1, 2]})},
    ...                           target=SkyCoord(10, 20, unit="deg"), radius=None)
    >>> list(result), len(result["gaiadr2"])
    (['GAIA/DR2'], 2)
    """

    def __init__(self, tables, *, target, radius=None, kind="conesearch", meta=None):
        self._tables = dict(tables)
        self.target = target
        self.radius = radius
        self.kind = kind
        self.meta = dict(meta or {})

    def _key(self, name):
        if name in self._tables:
            return name
        if isinstance(name, str):
            shown = display_name(name)
            if shown in self._tables:
                return shown
            lower = {k.lower(): k for k in self._tables}
            if name.lower() in lower:
                return lower[name.lower()]
        return None

    def __getitem__(self, name):
        key = self._key(name)
        if key is None:
            have = ", ".join(self._tables) or "none"
            known = find_catalog(name) is not None
            why = ("no source of that catalog was found" if known
                   else "it is not a catsHTM catalog")
            raise KeyError(f"{name!r}: {why}. Catalogs in this result: {have}")
        return self._tables[key]

    def __contains__(self, name):
        return self._key(name) is not None

    def __iter__(self):
        return iter(self._tables)

    def __len__(self):
        return len(self._tables)

    # Tables compare element-wise: two results are equal only if they are the same object.
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __repr__(self):
        where = self.target.to_string("decimal", precision=5)
        within = (f" within {self.radius.to(u.arcsec):.4g}" if self.radius is not None
                  else " within each catalog's default radius")
        parts = ", ".join(f"{name} ({len(table)})" for name, table in self._tables.items())
        what = "sources" if self.kind == "conesearch" else "nearest sources"
        oid = f" ({self.meta['oid']})" if self.meta.get("oid") else ""
        return (f"<CrossmatchResult: {what} in {len(self)} catalogs around {where}{oid}"
                f"{within}: {parts or 'none'}>")

    @property
    def nsources(self):
        """Total number of sources over all catalogs."""
        return sum(len(t) for t in self._tables.values())

    def summary(self):
        """
        One row per catalog: how many sources, and the nearest one's separation.

        Returns
        -------
        `~astropy.table.Table`
            ``catalog``, ``catshtm_name``, ``nsources``, ``nearest`` (arcsec).
        """
        names = list(self._tables)
        nearest = [float(np.nanmin(np.asarray(t["separation"], dtype=float)))
                   if len(t) and "separation" in t.colnames else np.nan
                   for t in self._tables.values()]
        table = Table(meta=dict(self.meta))
        table.add_column(Column(names, name="catalog", dtype=str,
                                description="Catalog (display name)"))
        table.add_column(Column([t.meta.get("catshtm_name", n) for n, t in
                                 self._tables.items()], name="catshtm_name", dtype=str,
                                description="catsHTM name of the catalog"))
        table.add_column(Column([len(t) for t in self._tables.values()], name="nsources",
                                dtype=np.int64, description="Number of sources found"))
        table.add_column(Column(nearest, name="nearest", unit=u.arcsec,
                                description="Separation of the nearest source from the target"))
        return table

    def sources(self):
        """
        Every source of every catalog in one table, sorted by separation.

        Returns
        -------
        `~astropy.table.Table`
            ``catalog``, ``coord``, ``ra``, ``dec`` (deg) and ``separation`` (arcsec); the
            catalogs' own columns are in the per-catalog tables.
        """
        parts = []
        for name, table in self._tables.items():
            if "coord" not in table.colnames or not len(table):
                continue
            coord = table["coord"]
            part = Table()
            part["catalog"] = Column([name] * len(table), dtype=str,
                                     description="Catalog (display name)")
            part["coord"] = coord
            part["ra"] = Column(coord.ra.deg, unit=u.deg, description="Right ascension (ICRS)")
            part["dec"] = Column(coord.dec.deg, unit=u.deg, description="Declination (ICRS)")
            part["separation"] = Column(np.asarray(table["separation"], dtype=float),
                                        unit=u.arcsec, description="Angular distance from "
                                        "the target")
            parts.append(part)
        if not parts:
            out = Table()
            out["catalog"] = Column([], dtype=str, description="Catalog (display name)")
            out["coord"] = SkyCoord([], [], unit="deg", frame="icrs")
            out["ra"] = Column([], dtype=float, unit=u.deg, description="Right ascension (ICRS)")
            out["dec"] = Column([], dtype=float, unit=u.deg, description="Declination (ICRS)")
            out["separation"] = Column([], dtype=float, unit=u.arcsec,
                                       description="Angular distance from the target")
        else:
            out = vstack(parts, metadata_conflicts="silent")
            out = out[np.argsort(np.asarray(out["separation"]), kind="stable")]
        out.meta.update(self.meta)
        return out

    def plot(self, ax=None, **kwargs):
        """
        Plot the sources around the target; see
        `~alerce_astro.plotting.plot_crossmatches`.

        Returns
        -------
        `~matplotlib.axes.Axes`
        """
        from ..plotting.crossmatch import plot_crossmatches

        return plot_crossmatches(self, ax=ax, **kwargs)


@dataclass(frozen=True)
class Redshift:
    """
    A redshift found in a catalog near the target.

    Attributes
    ----------
    z : float
        The redshift.
    error : float or None
        Its uncertainty, if the catalog gives one.
    catalog : str
        Display name of the catalog (``"SpecSDSS"``).
    column : str
        The column it came from.
    spectroscopic : bool
        Whether it is a spectroscopic redshift (otherwise photometric).
    separation : `~astropy.units.Quantity`
        Distance of the catalog source from the target: judge whether it is the same object.
    coord : `~astropy.coordinates.SkyCoord`
        Position of the catalog source.

    Examples
    --------
    >>> from astropy import units as u
    >>> z = Redshift(0.1006, 2e-5, "SpecSDSS", "z", True, 0.8 * u.arcsec, None)
    >>> float(z), z
    (0.1006, Redshift(z=0.1006 ± 2e-05, spectroscopic, SpecSDSS 'z', 0.8 arcsec away))
    """

    z: float
    error: float | None
    catalog: str
    column: str
    spectroscopic: bool
    separation: u.Quantity
    coord: SkyCoord | None = None

    def __float__(self):
        return float(self.z)

    def __repr__(self):
        err = f" ± {self.error:.3g}" if self.error is not None else ""
        kind = "spectroscopic" if self.spectroscopic else "photometric"
        return (f"Redshift(z={self.z:.6g}{err}, {kind}, {self.catalog} {self.column!r}, "
                f"{self.separation.to(u.arcsec):.3g} away)")
