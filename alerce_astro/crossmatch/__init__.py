"""
Crossmatches of ALeRCE objects with external catalogs through ALeRCE's catsHTM service.

The query methods are those of `~alerce_astro.AlerceClass` (`query_catalogs`,
`query_nearest`, `get_redshift`, `list_catalogs`); this subpackage holds the catalog table
(`alerce_astro.crossmatch.catalogs`), the unit mapping (`.units`) and the result classes
(`CrossmatchResult`, `Redshift`). The service's routes and the parser of its answers are in
`alerce_astro.apis.catshtm`.

Importing it (or `alerce_astro.crossmatch.catalogs`, which the offline server uses) loads no
astroquery and no astropy tables or coordinates: the result classes come on first use.
"""

from .catalogs import CATALOGS, Catalog, display_name, request_name

__all__ = ["CrossmatchResult", "Redshift", "Catalog", "CATALOGS", "display_name",
           "request_name"]


def __getattr__(name):
    if name in ("CrossmatchResult", "Redshift"):
        from . import result

        return getattr(result, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
