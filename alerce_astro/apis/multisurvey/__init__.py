"""
ALeRCE's multisurvey API (FastAPI, ``https://api-lsst.alerce.online/<svc>_api/...``): the door to
Rubin's LSST alerts (and a second door to ZTF). Routes, wire column schemas and quirks; the
photometry map to the canonical light curve.

Wire facts come from the recorded exchanges of ``alerce-fixtures/lsst-recorded`` (ALeRCE's own
server code over real Rubin alerts) and ``alerce-lsst-api.md``.
"""
