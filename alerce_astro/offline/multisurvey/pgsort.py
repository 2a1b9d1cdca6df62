"""
Postgres' in-memory sort (``tuplesort``), so that ties come out as the service's do.

``ORDER BY`` defines no order among rows with equal sort keys; Postgres' answer still depends
only on the order rows reach the sort and on its algorithm: a quicksort (Bentley-McIlroy, as in
``src/include/lib/sort_template.h``) or, when a ``LIMIT`` bounds the sort and more than twice
that many rows arrive, a bounded heap (``make_bounded_heap`` / ``sort_bounded_heap``). Both
are reproduced here step for step.
"""

__all__ = ["pg_sort"]


def _qsort(a, lo, n, cmp):
    """Sort ``a[lo:lo + n]`` in place exactly as Postgres' ``sort_template.h`` does."""
    while True:
        if n < 7:
            for m in range(lo + 1, lo + n):
                p = m
                while p > lo and cmp(a[p - 1], a[p]) > 0:
                    a[p - 1], a[p] = a[p], a[p - 1]
                    p -= 1
            return
        if all(cmp(a[m - 1], a[m]) <= 0 for m in range(lo + 1, lo + n)):
            return
        pm = lo + n // 2
        if n > 7:
            pl = lo
            pn = lo + n - 1
            if n > 40:
                d = n // 8
                pl = _med3(a, pl, pl + d, pl + 2 * d, cmp)
                pm = _med3(a, pm - d, pm, pm + d, cmp)
                pn = _med3(a, pn - 2 * d, pn - d, pn, cmp)
            pm = _med3(a, pl, pm, pn, cmp)
        a[lo], a[pm] = a[pm], a[lo]
        pa = pb = lo + 1
        pc = pd = lo + n - 1
        while True:
            while pb <= pc:
                r = cmp(a[pb], a[lo])
                if r > 0:
                    break
                if r == 0:
                    a[pa], a[pb] = a[pb], a[pa]
                    pa += 1
                pb += 1
            while pb <= pc:
                r = cmp(a[pc], a[lo])
                if r < 0:
                    break
                if r == 0:
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
        _swapn(a, lo, pb - d1, d1)
        d1 = min(pd - pc, pn - pd - 1)
        _swapn(a, pb, pn - d1, d1)
        d1 = pb - pa
        d2 = pd - pc
        if d1 <= d2:
            if d1 > 1:
                _qsort(a, lo, d1, cmp)
            if d2 <= 1:
                return
            lo, n = pn - d2, d2
        else:
            if d2 > 1:
                _qsort(a, pn - d2, d2, cmp)
            if d1 <= 1:
                return
            n = d1


def _med3(a, i, j, k, cmp):
    if cmp(a[i], a[j]) < 0:
        if cmp(a[j], a[k]) < 0:
            return j
        return k if cmp(a[i], a[k]) < 0 else i
    if cmp(a[j], a[k]) > 0:
        return j
    return i if cmp(a[i], a[k]) < 0 else k


def _swapn(a, i, j, n):
    for m in range(n):
        a[i + m], a[j + m] = a[j + m], a[i + m]


# ---------------------------------------------------------------------------- bounded heap
def _heap_insert(heap, item, cmp):
    heap.append(item)
    j = len(heap) - 1
    while j > 0:
        i = (j - 1) >> 1
        if cmp(item, heap[i]) >= 0:
            break
        heap[j] = heap[i]
        j = i
    heap[j] = item


def _heap_replace_top(heap, item, n, cmp):
    i = 0
    while True:
        j = 2 * i + 1
        if j >= n:
            break
        if j + 1 < n and cmp(heap[j], heap[j + 1]) > 0:
            j += 1
        if cmp(item, heap[j]) <= 0:
            break
        heap[i] = heap[j]
        i = j
    heap[i] = item


def _bounded(items, bound, cmp):
    def rev(x, y):
        return -cmp(x, y)

    heap = []
    for item in items:
        if len(heap) < bound:
            _heap_insert(heap, item, rev)
        elif rev(item, heap[0]) > 0:
            _heap_replace_top(heap, item, len(heap), rev)
    count = len(heap)
    while count > 1:
        top = heap[0]
        count -= 1
        _heap_replace_top(heap, heap[count], count, rev)
        heap[count] = top
    return heap


def pg_sort(items, keys, descending=False, bound=None):
    """
    ``items`` sorted by ``keys`` as Postgres sorts rows arriving in this order.

    Parameters
    ----------
    items : list
        The rows in the order they reach the sort (indexes into ``keys``).
    keys : sequence
        Comparable sort keys, ascending with NULLs last (see `~.sql.sort_key`).
    descending : bool
        ``DESC`` for every key (which also puts NULLs first).
    bound : int, optional
        ``LIMIT + OFFSET`` above the sort: only that many rows are needed.

    Returns
    -------
    list
        The sorted items (only the first ``bound`` when the bounded heap was used).

    Examples
    --------
    >>> pg_sort([0, 1, 2, 3], [2, 1, 2, 0])
    [3, 1, 0, 2]
    """
    sign = -1 if descending else 1

    def cmp(i, j):
        a, b = keys[i], keys[j]
        return sign * ((a > b) - (a < b))

    items = list(items)
    if bound is not None and len(items) > 2 * bound:
        return _bounded(items, bound, cmp)
    if len(items) > 1:
        _qsort(items, 0, len(items), cmp)
    return items
