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

Whatever the server sends, a cursor ends (issue 17, root cause 5) and says why:

- at the service's own count, when it gives a true one;
- at `MAX_ROWS` distinct rows (a pager's ``max_rows``), the documented most one paged query
  reads, with a `~astroquery.exceptions.MaxResultsWarning`;
- when a page makes no progress: a page of rows all received before, or rows whose id (`Pager.
  row_id`: the oid and, where the list has one row per classification, the classifier and
  class) came before with other values (the list changed while it was read, or the service
  does not page it), with an `~alerce_astro.exceptions.AlerceWarning` saying so.

Rows are lost, not only repeated, when the service orders tied rows differently on every
page (PostgreSQL's LIMIT/OFFSET with an ``ORDER BY`` of a column with ties, issue 16.1). A
cursor that reaches the end with fewer distinct rows than the service counted, or that saw
rows repeated across pages, warns with the numbers (`Cursor.loss`); clients avoid the loss in
the first place by paging on a unique order and sorting locally (`sort_rows`).

Nothing here does I/O.
"""

import json
import math
import warnings

from ..exceptions import AlerceWarning, MaxResultsWarning, ResponseFormatError

__all__ = ["Pager", "Cursor", "PageNumberPager", "LookAheadPager", "MAX_ROWS", "ID_KEYS",
           "sort_rows"]

#: The most distinct rows one paged query reads, ``row_limit=-1`` included: a million object
#: rows is about 1 GB of JSON, far beyond what these APIs are for (bulk selections belong to
#: TAP). Paging stops there with a `MaxResultsWarning`.
MAX_ROWS = 1_000_000
#: The keys that name a row of an object list: an object appears once per classification row
#: when the list has them (ZTF ``classifier``/``class``, multisurvey ``classifier_name``...).
ID_KEYS = ("oid", "classifier", "classifier_name", "classifier_version", "class", "class_name")


class Pager:
    """
    How an API pages a list: the parameters of each page and when to stop.

    Parameters
    ----------
    max_page_size : int or None, optional
        Largest ``page_size`` worth asking for (None: no limit).
    max_rows : int, optional
        The most distinct rows one query reads (`MAX_ROWS`).
    id_keys : tuple of str, optional
        The keys naming a row (`ID_KEYS`): rows with the same values under them are the same
        row, and must come with the same values everywhere.
    """

    #: Short name, for messages and ``repr``.
    name = "pager"

    def __init__(self, *, max_page_size=None, max_rows=MAX_ROWS, id_keys=ID_KEYS):
        self.max_page_size = max_page_size
        self.max_rows = max_rows
        self.id_keys = tuple(id_keys)

    def row_id(self, row):
        """
        What names a row: its values under `id_keys` (the whole row when it has none).

        Examples
        --------
        >>> Pager().row_id({"oid": "ZTF20aaelulu", "ndet": 3, "classifier": "lc_classifier"})
        (('oid', '"ZTF20aaelulu"'), ('classifier', '"lc_classifier"'))
        """
        if isinstance(row, dict):
            key = tuple((k, _text(row[k])) for k in self.id_keys if k in row)
            if key:
                return key
        return _fingerprint(row)

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
        #: Distinct rows read so far, and how many rows came again (same id, same values).
        self.distinct = 0
        self.repeated = 0
        #: The rows of the last page not read before, in page order.
        self.new_items = []
        #: Why the cursor stopped before the service said the list ended (None if it did not).
        self.stopped = None
        self._seen = {}
        self._changed = []
        self._url = None

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
        self._url = url
        self.new_items, self._changed = [], []
        for item in items:
            ident, fingerprint = self.pager.row_id(item), _fingerprint(item)
            known = self._seen.get(ident)
            if known is None:
                self._seen[ident] = fingerprint
                self.new_items.append(item)
            elif known == fingerprint:
                self.repeated += 1
            else:
                self._changed.append(ident)
        self.distinct = len(self._seen)
        return items

    def advance(self, *, received=None):
        """
        Move to the next page if there may be more rows.

        Whatever the server sends, the pages end: at the service's count, at the pager's
        ``max_rows``, or at a page that makes no progress (see the module's notes); the last
        two with a warning saying what happened. At the end of the list, rows lost between
        pages are reported (`loss`).

        Parameters
        ----------
        received : int, optional
            Ignored: the cursor counts distinct rows itself (`distinct`). Kept for callers
            that pass it.

        Returns
        -------
        bool
            True when the next page should be asked for (`page` then names it).
        """
        if self._last_items is None:
            raise RuntimeError("read a page before advancing")
        items, where = self._last_items, f"page {self.page} of {self._url}"
        if self._changed:
            names = ", ".join(_show_id(i) for i in self._changed[:3])
            self._stop(f"{where} sent {len(self._changed)} row(s) already received with other "
                       f"values ({names}{' ...' if len(self._changed) > 3 else ''}): the list "
                       f"changed while it was read, or the service does not page this query; "
                       f"stopping at {self.distinct} rows, which may not be all", AlerceWarning)
            return False
        if items and not self.new_items:
            self._stop(f"{where} repeated rows already received: the service does not page "
                       f"this query; stopping at {self.distinct} rows, which may not be all",
                       AlerceWarning)
            return False
        if not self.pager.more(self, items, received=self.distinct):
            loss = self.loss()
            if loss:
                warnings.warn(loss, AlerceWarning, stacklevel=2)
            return False
        if self.distinct >= self.pager.max_rows:
            self._stop(f"stopped after {self.distinct} rows, the most one paged query reads "
                       f"(alerce_astro.apis.paging.MAX_ROWS = {self.pager.max_rows}); narrow "
                       f"the query, or use TAP for bulk selections", MaxResultsWarning)
            return False
        self.page += 1
        self._last_items = None
        return True

    def _stop(self, message, category):
        self.stopped = message
        warnings.warn(message, category, stacklevel=3)

    def loss(self):
        """
        What rows the pages lost, as a sentence, or None: fewer distinct rows than the
        service counted at the end of the list, or rows repeated across pages (each repeat
        stands for a row never shown: the pages covered every position once).
        """
        counted = self.total is not None and not self.total_is_lower_bound
        if counted and self.distinct < self.total:
            missing = self.total - self.distinct
            return (f"the service counted {self.total} rows but its pages gave "
                    f"{self.distinct} distinct ones ({self.repeated} repeated): {missing} "
                    f"rows are missing, most likely rows whose order values tie, which the "
                    f"service orders differently on each page; order by a unique column "
                    f"(oid) to get them all")
        if self.repeated and not counted:
            return (f"{self.repeated} rows came again on later pages, so as many others "
                    f"were never shown ({self.distinct} distinct rows kept): the service "
                    f"orders rows whose order values tie differently on each page; order by "
                    f"a unique column (oid) to get them all")
        return None


def _text(value):
    return json.dumps(value, sort_keys=True, default=str)


def _fingerprint(row):
    return _text(row)


def _show_id(ident):
    if isinstance(ident, tuple):
        return ", ".join(f"{k}={json.loads(v)!r}" for k, v in ident)
    return ident[:60]


def sort_rows(rows, column, *, descending=False):
    """
    Rows (dicts) sorted by one column as PostgreSQL's ``ORDER BY column [DESC]`` sorts them:
    numbers, then NaN, then NULL (a missing key too) ascending, the exact reverse descending;
    rows that tie keep their order (so rows paged by oid keep oid order among ties).

    Examples
    --------
    >>> rows = [{"oid": "a", "x": None}, {"oid": "b", "x": 2.0}, {"oid": "c", "x": float("nan")},
    ...         {"oid": "d", "x": 2.0}, {"oid": "e", "x": -1}]
    >>> [r["oid"] for r in sort_rows(rows, "x")]
    ['e', 'b', 'd', 'c', 'a']
    >>> [r["oid"] for r in sort_rows(rows, "x", descending=True)]
    ['a', 'c', 'b', 'd', 'e']
    """
    def rank(row):
        value = row.get(column) if isinstance(row, dict) else None
        if value is None:
            return (2, 0)
        if isinstance(value, float) and math.isnan(value):
            return (1, 0)
        return (0, value)

    ranks = [rank(r) for r in rows]
    try:  # sorted(reverse=True) keeps tied rows in their order too
        order = sorted(range(len(rows)), key=ranks.__getitem__, reverse=descending)
    except TypeError:  # mixed types: compared as text
        ranks = [(g, str(v)) for g, v in ranks]
        order = sorted(range(len(rows)), key=ranks.__getitem__, reverse=descending)
    return [rows[i] for i in order]


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
    **kwargs
        ``max_rows``, ``id_keys``: as for `Pager`.

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

    def __init__(self, *, total_cap=None, count_param=("count", "true"), max_page_size=None,
                 **kwargs):
        super().__init__(max_page_size=max_page_size, **kwargs)
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
