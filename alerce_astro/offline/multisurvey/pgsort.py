"""
Postgres' in-memory sort as the multisurvey apps call it: rows (indexes into their keys) sorted
as Postgres sorts them when they reach the sort in this order. The algorithms themselves
(quicksort, bounded heap) live once, in `alerce_astro.offline.postgres`.
"""

from ..postgres import page_order

__all__ = ["pg_sort"]


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
    items = list(items)
    arrival = [keys[i] for i in items]
    bounded = bound is not None and len(items) > 2 * bound
    positions = page_order(arrival, descending=descending, limit=bound if bounded else None)
    return [items[p] for p in positions]
