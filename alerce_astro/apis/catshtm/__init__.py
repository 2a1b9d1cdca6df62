"""
ALeRCE's catsHTM crossmatch service: `routes`, and the parsing of its answers of both service
generations (`parse`). The catalogs it serves are facts of the crossmatch data model
(`alerce_astro.crossmatch.catalogs`); what a crossmatch returns is
`~alerce_astro.crossmatch.CrossmatchResult`.
"""

from ..dialects import GENERIC as DIALECT

__all__ = ["NAME", "DIALECT"]

#: The key of this API in the client's ``urls``.
NAME = "catshtm"
