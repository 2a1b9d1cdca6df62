"""
ALeRCE's light curve API v2 (FastAPI), which serves the forced photometry of ZTF objects:
`routes`, wire column schemas (`columns`), body checks (`parse`) and its error dialect
(`DIALECT`: FastAPI's ``detail`` strings and 422 lists).
"""

from ..dialects import FASTAPI as DIALECT

__all__ = ["NAME", "DIALECT"]

#: The key of this API in the client's ``urls``.
NAME = "lightcurve_v2"
