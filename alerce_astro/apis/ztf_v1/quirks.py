"""
The rules of ALeRCE's ZTF API v1 that a client must know to get right answers.

Each rule is written once here, with the reason; the client applies them without knowing ZTF.

- **The cone at 0.** ``/objects/`` silently ignores ``ra``/``dec``/``radius`` when ra or dec
  is exactly 0 (a falsy check in the server): `cone_params` sends 0 as 1e-9 degrees
  (4 microarcseconds), and the client checks every row's separation itself.
- **Stable pages.** Without ``order_by`` PostgreSQL returns rows in no fixed order, so
  LIMIT/OFFSET pages repeat some rows and skip others: `order_params` asks for ``order_by=oid``
  (unique) when the user gave no order. Ordering by another column has the same problem among
  rows that tie (equal values, NULLs): each page orders them its own way (seen: 248 distinct of
  272 rows, ``order_by=deltajd``), and the service takes one ``order_by`` column only, so no
  tie-breaker can be added. `paging_plan` therefore pages a whole result (``row_limit=-1``) by
  ``oid`` and sorts it locally, and reads a cut result in one page when it can (one query
  orders its ties one way).
- **The total cap.** ``count=true`` counts at most `TOTAL_CAP` rows: a total of 50001 means
  "at least 50001" (the pager reads it as a lower bound).
- **Long id lists.** ``/objects/?oid=...`` takes any number of ids but a URL over about 8 kB
  is refused by the gateway: `OIDS_PER_REQUEST` ids per request.
- **The classifier hierarchy.** ``lc_classifier`` is the product of a top level
  (`HIERARCHY` ``top``) and one classifier per branch.
"""

from ...surveys.ztf import FEATURE_FIDS

__all__ = ["TOTAL_CAP", "ZERO_STAND_IN", "OIDS_PER_REQUEST", "MAX_PAGE_SIZE", "HIERARCHY",
           "FEATURE_FIDS", "UNIQUE_ORDERS", "cone_params", "mjd_range_on_wire", "order_params",
           "paging_plan"]

#: The most ``count=true`` counts.
TOTAL_CAP = 50001
#: What 0 degrees is sent as in a cone (the service ignores a cone at exactly 0).
ZERO_STAND_IN = 1e-9
#: Ids per ``/objects/?oid=...`` request: keeps URLs far below common 8 kB limits.
OIDS_PER_REQUEST = 100
#: The largest page the client asks for (the service has no maximum; bigger pages only make
#: each request slower and a retry costlier).
MAX_PAGE_SIZE = 10000

#: ``order_by`` values that are unique per row: their pages never repeat or skip a row.
UNIQUE_ORDERS = frozenset({"oid"})

#: ALeRCE's hierarchical light-curve classifier: the top level and the classifier of each
#: branch. ``lc_classifier`` gives the product of the two levels for each class.
HIERARCHY = {
    "top": "lc_classifier_top",
    "branches": {
        "Periodic": "lc_classifier_periodic",
        "Stochastic": "lc_classifier_stochastic",
        "Transient": "lc_classifier_transient",
    },
    "combined": "lc_classifier",
}


def cone_params(ra, dec, radius_arcsec):
    """
    The cone parameters of ``/objects/``, with 0 sent as `ZERO_STAND_IN`.

    Parameters
    ----------
    ra, dec : float
        Centre in degrees.
    radius_arcsec : float
        Radius in arcsec (the service's unit).

    Returns
    -------
    list of (str, str)

    Examples
    --------
    >>> cone_params(0.0, 15.5, 30.0)
    [('ra', '1e-09'), ('dec', '15.5'), ('radius', '30.0')]
    """
    return [("ra", repr(float(ra or ZERO_STAND_IN))), ("dec", repr(float(dec or ZERO_STAND_IN))),
            ("radius", repr(float(radius_arcsec)))]


def mjd_range_on_wire(value):
    """MJD range ends as the service compares them: as given (ZTF's MJDs are UTC, as
    `~astropy.time.Time` ends are read by the range parser)."""
    return value


def order_params(order_by=None, order_mode=None):
    """
    The order of a list query: the user's, or ``oid`` ascending so that pages are stable.

    Examples
    --------
    >>> order_params()
    [('order_by', 'oid'), ('order_mode', 'ASC')]
    >>> order_params("probability", "DESC")
    [('order_by', 'probability'), ('order_mode', 'DESC')]
    """
    if order_by is None:
        return [("order_by", "oid"), ("order_mode", "ASC")]
    return [("order_by", order_by), ("order_mode", order_mode or "ASC")]


def paging_plan(params, *, limit, size, max_page_size=MAX_PAGE_SIZE):
    """
    How to page a list query so that no row is lost to ties in its order.

    Parameters
    ----------
    params : list of (str, str)
        The query's parameters, ``order_by``/``order_mode`` included.
    limit : int
        Rows wanted (-1: all).
    size : int
        Rows per page the caller would ask for.
    max_page_size : int, optional
        Largest page.

    Returns
    -------
    params : list of (str, str)
        What to send.
    size : int
        Rows per page.
    local_order : (str, bool) or None
        ``(column, descending)`` to sort the rows by once they are all in (they then come
        paged by ``oid``), or None.

    Examples
    --------
    >>> plan = paging_plan([("order_by", "deltajd"), ("order_mode", "ASC")], limit=-1, size=50)
    >>> plan
    ([('order_by', 'oid'), ('order_mode', 'ASC')], 50, ('deltajd', False))
    >>> paging_plan([("order_by", "ndet"), ("order_mode", "DESC")], limit=300, size=50)[1:]
    (300, None)
    """
    wire = dict(params)
    order = wire.get("order_by")
    if order is None or order in UNIQUE_ORDERS:
        return params, size, None
    if limit == -1:
        others = [(k, v) for k, v in params if k not in ("order_by", "order_mode")]
        return (others + order_params(), size,
                (order, wire.get("order_mode", "ASC") == "DESC"))
    return params, max(size, min(limit, max_page_size)), None
