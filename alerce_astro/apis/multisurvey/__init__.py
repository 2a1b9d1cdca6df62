"""
ALeRCE's multisurvey API (FastAPI, ``https://api-lsst.alerce.online/<svc>_api/...``): the door to
Rubin's LSST alerts (and a second door to ZTF). Routes, wire column schemas and quirks; the
photometry map to the canonical light curve.

Wire facts come from the recorded exchanges of ``alerce-fixtures/lsst-recorded`` (ALeRCE's own
server code over real Rubin alerts) and ``alerce-lsst-api.md``.
"""

from ..dialects import FASTAPI
from ..paging import LookAheadPager

__all__ = ["NAME", "DIALECT", "PAGER", "MAX_PAGE_SIZE"]

#: The key of this API in the client's ``urls``.
NAME = "multisurvey"

#: FastAPI's error words: ``{"detail": ...}``, 422 lists made one line naming the parameter.
DIALECT = FASTAPI
#: ``list_objects`` page size the client asks for. The service has no maximum (it reads
#: page_size + 1 rows), but a page of 1000 rows of this API is about 500 kB of JSON.
MAX_PAGE_SIZE = 1000
#: ``list_objects`` pages: ``has_next`` is reliable, ``total`` is not a count.
PAGER = LookAheadPager(max_page_size=MAX_PAGE_SIZE)
