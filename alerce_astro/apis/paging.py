"""
Pagers: how an API splits a long list into pages, and how a client knows when to stop.

Two ways are in use at ALeRCE, one class each, with one interface the client's paging loop
uses (`Pager.start` gives a `Cursor` per query)::

    cursor = pager.start(page_size)
    while True:
        items = cursor.read(get(url, base_params + cursor.params()), url=url)
        ...                                   # keep the items
        if not cursor.advance(received=len(rows_kept)):
            break

- `PageNumberPager` (ZTF API v1): ``page``/``page_size`` parameters; a ``total`` only when the
  first page asks ``count=true`` (without it ``has_next`` is always false), and that total is
  capped (50001: a total equal to the cap means "at least that many"). Stops at the first
  short page or once the total (a true count) is reached.
- `LookAheadPager` (the multisurvey API): the server reads ``page_size + 1`` rows, so
  ``has_next`` is reliable while ``total`` is NOT a count (at most ``page_size + 1``): it is
  never reported.

Nothing here does I/O.
"""

from ..exceptions import ResponseFormatError

__all__ = ["Pager", "Cursor", "PageNumberPager", "LookAheadPager"]


class Pager:
    """
    How an API pages a list: the parameters of each page and when to stop.

    Parameters
    ----------
    max_page_size : int or None, optional
        Largest ``page_size`` worth asking for (None: no limit).
    """

    #: Short name, for messages and ``repr``.
    name = "pager"

    def __init__(self, *, max_page_size=None):
        self.max_page_size = max_page_size

    def __repr__(self):
        return f"<{type(self).__name__} max_page_size={self.max_page_size}>"

    def start(self, page_size):
        """
        A new `Cursor` at page 1.

        Parameters
        ----------
        page_size : int
            Rows per page.

        Returns
        -------
        `Cursor`
        """
        return Cursor(self, int(page_size))

    def check(self, envelope, *, url):
        """
        Raise unless ``envelope`` is a page of this pager whose rows are JSON objects: the
        transport runs it before a page is cached.

        Raises
        ------
        ResponseFormatError
            For anything else.
        """
        items = self.read(envelope, url=url, page=0)[0]
        bad = sorted({type(r).__name__ for r in items if not isinstance(r, dict)})
        if bad:
            raise ResponseFormatError(f"GET {url}: expected a list of objects for the page's "
                                      f"items, got items of type {', '.join(bad)}")
        return envelope

    # The three rules a subclass gives.
    def params(self, page, size):  # pragma: no cover - abstract
        """The query parameters of page ``page`` (1-based), as (name, value) pairs."""
        raise NotImplementedError

    def read(self, envelope, *, url, page):  # pragma: no cover - abstract
        """``(items, total, total_is_lower_bound, has_next)`` of one page's envelope."""
        raise NotImplementedError

    def more(self, cursor, items, *, received):  # pragma: no cover - abstract
        """Whether a next page may hold more rows."""
        raise NotImplementedError


class Cursor:
    """
    Where one paged query stands: the page to ask for next, and what the pages said so far.

    Attributes
    ----------
    page : int
        The page the next `params` ask for (1-based); after the loop, the last page read.
    size : int
        Rows per page.
    total : int or None
        How many rows the query matches, as the service counted them on the first page (None
        when it did not count or its total is not a count).
    total_is_lower_bound : bool
        True when ``total`` is a cap ("at least this many"), e.g. ZTF's 50001.
    has_next : bool or None
        What the last page said about a next one (None when the service does not say).
    """

    def __init__(self, pager, size):
        self.pager = pager
        self.size = size
        self.page = 1
        self.total = None
        self.total_is_lower_bound = False
        self.has_next = None
        self._last_items = None

    def __repr__(self):
        return (f"<Cursor page={self.page} size={self.size} total={self.total}"
                f"{'+' if self.total_is_lower_bound else ''} has_next={self.has_next}>")

    def params(self):
        """The paging parameters of the next page."""
        return self.pager.params(self.page, self.size)

    def read(self, envelope, *, url):
        """
        The rows of one page, recording its total and ``has_next``.

        Parameters
        ----------
        envelope : dict
            The decoded page.
        url : str
            Where it came from, for messages.

        Returns
        -------
        list

        Raises
        ------
        ResponseFormatError
            If the page is not an envelope with an ``items`` list.
        """
        items, total, lower_bound, has_next = self.pager.read(envelope, url=url, page=self.page)
        if self.page == 1:
            self.total, self.total_is_lower_bound = total, lower_bound
        self.has_next = has_next
        self._last_items = items
        return items

    def advance(self, *, received):
        """
        Move to the next page if there may be more rows.

        Parameters
        ----------
        received : int
            Distinct rows kept so far (a repeated row counted once).

        Returns
        -------
        bool
            True when the next page should be asked for (`page` then names it).
        """
        if self._last_items is None:
            raise RuntimeError("read a page before advancing")
        if not self.pager.more(self, self._last_items, received=received):
            return False
        self.page += 1
        self._last_items = None
        return True


def _items(envelope, url):
    items = envelope.get("items") if isinstance(envelope, dict) else None
    if not isinstance(items, list):
        raise ResponseFormatError(f"GET {url}: the page has no 'items' list")
    return items


class PageNumberPager(Pager):
    """
    Page numbers with an opt-in total (Flask-RESTX style, ZTF API v1).

    Parameters
    ----------
    total_cap : int or None, optional
        The most the service counts; a ``total`` equal to it is a lower bound.
    count_param : (str, str) or None, optional
        The parameter asking for a total, sent with the first page only (counting costs the
        database a second query).
    max_page_size : int or None, optional
        Largest useful ``page_size``.

    Examples
    --------
    >>> pager = PageNumberPager(total_cap=50001, count_param=("count", "true"))
    >>> cursor = pager.start(2)
    >>> cursor.params()
    [('page', 1), ('page_size', 2), ('count', 'true')]
    >>> cursor.read({"total": 3, "items": [{"oid": "a"}, {"oid": "b"}]}, url="u")
    [{'oid': 'a'}, {'oid': 'b'}]
    >>> cursor.advance(received=2), cursor.params()
    (True, [('page', 2), ('page_size', 2)])
    >>> cursor.read({"total": None, "items": [{"oid": "c"}]}, url="u")
    [{'oid': 'c'}]
    >>> cursor.advance(received=3), cursor.total
    (False, 3)
    """

    name = "page number"

    def __init__(self, *, total_cap=None, count_param=("count", "true"), max_page_size=None):
        super().__init__(max_page_size=max_page_size)
        self.total_cap = total_cap
        self.count_param = count_param

    def params(self, page, size):
        params = [("page", page), ("page_size", size)]
        if page == 1 and self.count_param:
            params.append(self.count_param)
        return params

    def read(self, envelope, *, url, page):
        items = _items(envelope, url)
        total = envelope.get("total")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            total = None
        lower_bound = total is not None and self.total_cap is not None and total >= self.total_cap
        has_next = envelope.get("has_next")
        return items, total, lower_bound, has_next if isinstance(has_next, bool) else None

    def more(self, cursor, items, *, received):
        if len(items) < cursor.size:  # a short page is the last one
            return False
        # A true count says when everything arrived; a capped one does not.
        return not (cursor.total is not None and not cursor.total_is_lower_bound
                    and received >= cursor.total)


class LookAheadPager(Pager):
    """
    Page numbers with a reliable ``has_next`` and no count (the multisurvey API).

    The server reads one row more than a page to fill ``has_next``; its ``total`` is that
    count, not the number of matching rows, so it is never reported.

    Examples
    --------
    >>> cursor = LookAheadPager().start(2)
    >>> cursor.params()
    [('page', 1), ('page_size', 2)]
    >>> cursor.read({"total": 3, "has_next": True, "items": [1, 2]}, url="u")
    [1, 2]
    >>> cursor.advance(received=2), cursor.total, cursor.page
    (True, None, 2)
    >>> cursor.read({"total": 2, "has_next": False, "items": [3, 4]}, url="u")
    [3, 4]
    >>> cursor.advance(received=4)
    False
    """

    name = "look-ahead"

    def params(self, page, size):
        return [("page", page), ("page_size", size)]

    def read(self, envelope, *, url, page):
        items = _items(envelope, url)
        has_next = envelope.get("has_next")
        if not isinstance(has_next, bool):
            raise ResponseFormatError(f"GET {url}: page {page} does not say whether another "
                                      f"follows (no boolean 'has_next')")
        return items, None, False, has_next

    def more(self, cursor, items, *, received):
        return bool(cursor.has_next) and len(items) > 0
