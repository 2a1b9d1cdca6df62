"""
ALeRCE's ZTF API v1 (Flask-RESTX): `routes`, wire column schemas (`columns`), body checks
(`parse`), the rules of the service (`quirks`), its error dialect (`DIALECT`) and its pager
(`PAGER`: page numbers, a total on request, capped at 50001).
"""

from ..dialects import FLASK_RESTX as DIALECT
from ..paging import PageNumberPager
from .quirks import MAX_PAGE_SIZE, TOTAL_CAP

__all__ = ["NAME", "DIALECT", "PAGER"]

#: The key of this API in the client's ``urls``.
NAME = "ztf_v1"
#: Pages of ``/objects/``: ``page``/``page_size``, ``count=true`` on the first page only.
PAGER = PageNumberPager(total_cap=TOTAL_CAP, count_param=("count", "true"),
                        max_page_size=MAX_PAGE_SIZE)
