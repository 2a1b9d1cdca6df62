"""Helpers of the multisurvey (LSST) tests: the recorded exchanges of lsst-recorded."""

import base64
import gzip
import json

from alerce_astro._json import loads

#: The 5 real diaObjects: (oid, detections, forced photometry points, triggering measurement).
DIA_OBJECTS = (
    (170028485706776685, 346, 395, 170094456272322680),
    (313897383979122767, 320, 408, 170094456251351059),
    (170028513894596704, 377, 777, 170094456523456557),
    (313893023095193658, 304, 401, 170094456248729605),
    (314002971860926640, 392, 340, 170094456277565473),
)
SS_OBJECTS = (21163624394469969, 21165806389311562)


def body_bytes(exchange):
    """The decoded body of an exchange (gzip content-encoding undone)."""
    if "body_text" in exchange:
        return exchange["body_text"].encode("utf-8")
    raw = base64.b64decode(exchange["body_base64"])
    if exchange["headers"].get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return raw


class Exchanges:
    def __init__(self, folder):
        self.folder = folder / "exchanges"

    def load(self, name):
        return json.loads((self.folder / name).read_text())

    def body(self, name):
        """The JSON body of an exchange, decoded exactly (64-bit integers kept)."""
        return loads(body_bytes(self.load(name)))

    def all(self):
        for path in sorted(self.folder.glob("*/*.json")):
            yield path.relative_to(self.folder).as_posix(), json.loads(path.read_text())
