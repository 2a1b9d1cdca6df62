"""
PostgreSQL semantics of the sample server's database-backed services, in one place.

* **NULL**: a comparison with NULL is unknown, so the row is not selected; ``ORDER BY ... ASC``
  puts NULLs last and ``DESC`` first (the exact reverse). A float8 NaN equals NaN and sorts
  above every number.
* **LIKE**: ``%`` and ``_`` wildcards, backslash escape, whole-string match.
* **q3c**: the great-circle distance of the cone searches.
* **The order of a LIMIT/OFFSET page.** PostgreSQL orders rows by the ``ORDER BY`` key only;
  rows with equal keys (ties, and NULLs) come out in whatever order the plan leaves them, and
  the plan depends on ``LIMIT + OFFSET``. Each page of a paged query is a new query, so tied
  rows can be ordered differently on every page: a row can show up on two pages and another on
  none. `page_order` runs PostgreSQL's own algorithms over the rows in the table's physical
  order:

  - an **index scan** (the key has a btree index, the query no other condition, and the page
    ends within the first half of the table): key order, ties in physical order (reversed,
    NULLs first, for a backward scan, i.e. ``DESC``);
  - otherwise a **sort** (``tuplesort``): the bounded heap of a top-N heapsort when the table
    has more than twice ``LIMIT + OFFSET`` rows, PostgreSQL's quicksort (``sort_template.h``:
    presorted check, median of three or ninther, Bentley-McIlroy three-way partition) when not.

  Run over the physical order of the database the recorded answers came from, these rules give
  every recorded list page of the ZTF API v1 in its exact row order, ties included; which plan
  the planner picks is reduced to the rule above, which the recorded pages bear out.

Nothing here knows a table: callers give sort keys and say whether an index applies.
"""

import math
import re

__all__ = ["sort_key", "ge", "le", "eq", "like_to_regex", "angular_distance_deg",
           "prefers_index_scan", "page_order"]


# ---------------------------------------------------------------------------- values
def sort_key(value):
    """
    The ``ORDER BY ... ASC`` key of an SQL value: numbers, then NaN, then NULL.

    ``DESC`` is the exact reverse (NULLs first), as in PostgreSQL.
    """
    if value is None:
        return (2, 0)
    if isinstance(value, float) and value != value:
        return (1, 0)
    return (0, value)


def _key(value):
    # non-null comparison key: NaN above every number (float8)
    if isinstance(value, float) and value != value:
        return (1, 0)
    return (0, value)


def ge(a, b):
    """``a >= b`` in SQL: False when either is NULL (unknown) or they do not compare."""
    if a is None or b is None:
        return False
    try:
        return _key(a) >= _key(b)
    except TypeError:
        return False


def le(a, b):
    """``a <= b`` in SQL: False when either is NULL (unknown) or they do not compare."""
    if a is None or b is None:
        return False
    try:
        return _key(a) <= _key(b)
    except TypeError:
        return False


def eq(a, b):
    """``a = b`` in SQL: False when either is NULL (unknown); NaN equals NaN."""
    if a is None or b is None:
        return False
    try:
        return _key(a) == _key(b)
    except TypeError:
        return False


def like_to_regex(pattern):
    """
    An SQL ``LIKE`` pattern as a compiled regular expression (use ``fullmatch``).

    ``%`` is any run of characters, ``_`` one character, a backslash escapes the next one.
    """
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def angular_distance_deg(ra1, dec1, ra2, dec2):
    """Great-circle distance in degrees (Vincenty formula, stable at all separations)."""
    ra1, dec1, ra2, dec2 = map(math.radians, (ra1, dec1, ra2, dec2))
    dra = ra2 - ra1
    sd1, cd1 = math.sin(dec1), math.cos(dec1)
    sd2, cd2 = math.sin(dec2), math.cos(dec2)
    num1 = cd2 * math.sin(dra)
    num2 = cd1 * sd2 - sd1 * cd2 * math.cos(dra)
    den = sd1 * sd2 + cd1 * cd2 * math.cos(dra)
    return math.degrees(math.atan2(math.hypot(num1, num2), den))


# ---------------------------------------------------------------------------- ordering
def prefers_index_scan(table_rows, bound):
    """
    Whether the planner reads an indexed key through its index for ``LIMIT + OFFSET = bound``.

    The planner weighs reading a fraction of the index against scanning and sorting the whole
    table; on the recorded database (249 rows) pages ending at row 10 and 50 were index scans
    and the page ending at row 250 a sort. The crossing is taken at half the table.
    """
    return bound is not None and 2 * bound <= table_rows


def _ranks(keys):
    """Dense ranks of ``keys`` (equal keys, equal ranks); mixed types compare as text."""
    n = len(keys)
    try:
        order = sorted(range(n), key=keys.__getitem__)
    except TypeError:
        keys = [str(k) for k in keys]
        order = sorted(range(n), key=keys.__getitem__)
    ranks = [0] * n
    rank = -1
    previous = object()
    for i in order:
        key = keys[i]
        if rank < 0 or key != previous:
            rank += 1
            previous = key
        ranks[i] = rank
    return ranks, rank + 1


def page_order(keys, *, descending=False, offset=0, limit=None, index_scan=False):
    """
    The rows of one ``ORDER BY key [DESC] LIMIT limit OFFSET offset`` page, as PostgreSQL
    returns them.

    Parameters
    ----------
    keys : sequence
        The ``ORDER BY`` key of each row (`sort_key` values), rows in scan order: the table's
        physical order (or the join's output order).
    descending : bool
        ``DESC`` (NULLs first).
    offset : int
        ``OFFSET``.
    limit : int or None
        ``LIMIT`` (None: no limit).
    index_scan : bool
        The plan reads the key's btree index (see `prefers_index_scan`) instead of sorting.

    Returns
    -------
    list of int
        Positions in ``keys`` of the page's rows, in answer order.
    """
    n = len(keys)
    if limit is not None and limit <= 0:
        return []
    ranks, distinct = _ranks(list(keys))
    end = None if limit is None else offset + limit
    if distinct == n:  # no ties: every plan gives the same order
        order = sorted(range(n), key=ranks.__getitem__, reverse=descending)
        return order[offset:end]
    if index_scan:
        # btree: equal keys in heap (physical) order; a backward scan reverses everything
        order = sorted(range(n), key=ranks.__getitem__)
        if descending:
            order.reverse()
        return order[offset:end]
    if descending:
        top = distinct - 1
        ranks = [top - r for r in ranks]
    if end is not None and n > 2 * end:
        return _bounded_heapsort(ranks, end)[offset:]
    rows = list(range(n))
    _quicksort(rows, 0, n, ranks)
    return rows[offset:end]


def _bounded_heapsort(rank, bound):
    """PostgreSQL's top-N heapsort (tuplesort.c ``make_bounded_heap``, ``sort_bounded_heap``)
    over the rows ``0..len(rank)-1`` in order: the ``bound`` first rows, sorted."""
    heap = []
    for row in range(len(rank)):
        r = rank[row]
        if len(heap) < bound:
            # sift up (the heap keeps the largest entry at the root: the sort is reversed)
            j = len(heap)
            heap.append(row)
            while j > 0:
                i = (j - 1) >> 1
                if r <= rank[heap[i]]:
                    break
                heap[j] = heap[i]
                j = i
            heap[j] = row
        elif r >= rank[heap[0]]:
            continue  # not better than the worst kept row (ties too): discarded
        else:
            _replace_top(heap, len(heap), row, rank)
    # unheapify in place: each delete-top stores the largest entry in the freed last slot
    n = len(heap)
    while n > 1:
        top = heap[0]
        n -= 1
        _replace_top(heap, n, heap[n], rank)
        heap[n] = top
    return heap


def _replace_top(heap, n, row, rank):
    """tuplesort.c ``tuplesort_heap_replace_top`` on the reversed order."""
    r = rank[row]
    i = 0
    while True:
        j = 2 * i + 1
        if j >= n:
            break
        if j + 1 < n and rank[heap[j + 1]] > rank[heap[j]]:
            j += 1
        if r >= rank[heap[j]]:
            break
        heap[i] = heap[j]
        i = j
    heap[i] = row


def _med3(a, i, j, k, rank):
    ri, rj, rk = rank[a[i]], rank[a[j]], rank[a[k]]
    if ri < rj:
        return j if rj < rk else (k if ri < rk else i)
    return j if rj > rk else (i if ri < rk else k)


def _quicksort(a, lo, n, rank):
    """PostgreSQL's quicksort (``sort_template.h``) of ``a[lo:lo + n]`` by ``rank``."""
    while True:
        if n < 7:
            for pm in range(lo + 1, lo + n):
                pl = pm
                while pl > lo and rank[a[pl - 1]] > rank[a[pl]]:
                    a[pl], a[pl - 1] = a[pl - 1], a[pl]
                    pl -= 1
            return
        if all(rank[a[p - 1]] <= rank[a[p]] for p in range(lo + 1, lo + n)):
            return  # presorted
        pm = lo + n // 2
        if n > 7:
            pl, pn = lo, lo + n - 1
            if n > 40:
                d = n // 8
                pl = _med3(a, pl, pl + d, pl + 2 * d, rank)
                pm = _med3(a, pm - d, pm, pm + d, rank)
                pn = _med3(a, pn - 2 * d, pn - d, pn, rank)
            pm = _med3(a, pl, pm, pn, rank)
        a[lo], a[pm] = a[pm], a[lo]
        pivot = rank[a[lo]]
        pa = pb = lo + 1
        pc = pd = lo + n - 1
        while True:
            while pb <= pc:
                r = rank[a[pb]]
                if r > pivot:
                    break
                if r == pivot:
                    a[pa], a[pb] = a[pb], a[pa]
                    pa += 1
                pb += 1
            while pb <= pc:
                r = rank[a[pc]]
                if r < pivot:
                    break
                if r == pivot:
                    a[pc], a[pd] = a[pd], a[pc]
                    pd -= 1
                pc -= 1
            if pb > pc:
                break
            a[pb], a[pc] = a[pc], a[pb]
            pb += 1
            pc -= 1
        pn = lo + n
        d1 = min(pa - lo, pb - pa)
        _swap_runs(a, lo, pb - d1, d1)
        d1 = min(pd - pc, pn - pd - 1)
        _swap_runs(a, pb, pn - d1, d1)
        d1 = pb - pa
        d2 = pd - pc
        if d1 <= d2:
            if d1 > 1:
                _quicksort(a, lo, d1, rank)
            if d2 <= 1:
                return
            lo, n = pn - d2, d2
        else:
            if d2 > 1:
                _quicksort(a, pn - d2, d2, rank)
            if d1 <= 1:
                return
            n = d1


def _swap_runs(a, i, j, n):
    for k in range(n):
        a[i + k], a[j + k] = a[j + k], a[i + k]
