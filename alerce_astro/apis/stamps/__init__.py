"""
ALeRCE's ZTF stamp service (``avro.alerce.online``, Flask-RESTX): `routes`, the wire names of
cutouts and alert packets (`columns`), body parsing (`parse`) and its error dialect (`DIALECT`).
"""

from ..dialects import FLASK_RESTX as DIALECT

__all__ = ["NAME", "DIALECT"]

#: The key of this API in the client's ``urls``.
NAME = "stamps"
