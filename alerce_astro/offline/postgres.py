"""
PostgreSQL semantics of the sample server's database-backed services, in one place.

* **NULL**: a comparison with NULL is unknown, so the row is not selected; ``ORDER BY ... ASC``
  puts NULLs last and ``DESC`` first (the exact reverse). A float8 NaN equals NaN and sorts
  above every number.
* **LIKE**: ``%`` and ``_`` wildcards, backslash escape, whole-string match.
* **q3c**: the great-circle distance of the cone searches.

Nothing here knows a table: callers give values and sort keys.
"""

import math
import re

__all__ = ["sort_key", "ge", "le", "eq", "like_to_regex", "angular_distance_deg"]


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
