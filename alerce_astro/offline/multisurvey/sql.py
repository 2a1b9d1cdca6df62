"""
The Postgres facts the multisurvey service's answers depend on.

* Text bound to an integer column is cast by Postgres (``int8in``/``int2in``): surrounding
  whitespace and a sign are accepted, anything else (or a value out of range) is an SQL error,
  which the service turns into a 500.
* Tables partitioned ``BY HASH (oid)`` are scanned partition after partition: rows that no
  ``ORDER BY`` orders come out grouped by ``hashint8extended(oid, HASH_PARTITION_SEED) %
  modulus``, in insertion order inside a partition (`partition_of`).
* ``ORDER BY`` puts NULLs last ascending and first descending, and NaN above every number.
* ``q3c_radial_query`` / ``q3c_dist`` (`q3c_dist_deg`): the haversine distance on the sphere.
"""

import math

__all__ = ["SQLError", "cast_bigint", "cast_smallint", "partition_of", "sort_key",
           "q3c_dist_deg", "within", "pg_ge", "pg_le", "INT64_MAX"]

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1
_PG_SPACE = " \t\n\r\v\f"


class SQLError(Exception):
    """Postgres refused the statement (the service answers 500)."""


def _cast_int(text, low, high, type_name):
    body = text.strip(_PG_SPACE) if isinstance(text, str) else str(text)
    digits = body[1:] if body[:1] in "+-" else body
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise SQLError(f'invalid input syntax for type {type_name}: "{text}"')
    value = int(body)
    if not low <= value <= high:
        raise SQLError(f'value "{text}" is out of range for type {type_name}')
    return value


def cast_bigint(text):
    """
    ``text`` as Postgres casts a literal compared with a ``bigint`` column.

    Parameters
    ----------
    text : str or int
        The value bound to the statement.

    Returns
    -------
    int

    Raises
    ------
    SQLError
        For text that is not an integer in the bigint range.

    Examples
    --------
    >>> cast_bigint(" +170028485706776685 ")
    170028485706776685
    """
    if isinstance(text, int):
        if not INT64_MIN <= text <= INT64_MAX:
            raise SQLError("bigint out of range")
        return text
    return _cast_int(text, INT64_MIN, INT64_MAX, "bigint")


def cast_smallint(text):
    """``text`` as Postgres casts a literal compared with a ``smallint`` column."""
    if isinstance(text, int):
        if not INT16_MIN <= text <= INT16_MAX:
            raise SQLError("smallint out of range")
        return text
    return _cast_int(text, INT16_MIN, INT16_MAX, "smallint")


# ---------------------------------------------------------------------------- hash partitions
_M32 = 0xFFFFFFFF
_M64 = (1 << 64) - 1
#: Postgres' seed of partition hashes (``HASH_PARTITION_SEED``).
HASH_PARTITION_SEED = 0x7A5B22367996DCFD


def _rot(x, k):
    return ((x << k) | (x >> (32 - k))) & _M32


def _mix(a, b, c):
    a = (a - c) & _M32
    a ^= _rot(c, 4)
    c = (c + b) & _M32
    b = (b - a) & _M32
    b ^= _rot(a, 6)
    a = (a + c) & _M32
    c = (c - b) & _M32
    c ^= _rot(b, 8)
    b = (b + a) & _M32
    a = (a - c) & _M32
    a ^= _rot(c, 16)
    c = (c + b) & _M32
    b = (b - a) & _M32
    b ^= _rot(a, 19)
    a = (a + c) & _M32
    c = (c - b) & _M32
    c ^= _rot(b, 4)
    b = (b + a) & _M32
    return a, b, c


def _final(a, b, c):
    c ^= b
    c = (c - _rot(b, 14)) & _M32
    a ^= c
    a = (a - _rot(c, 11)) & _M32
    b ^= a
    b = (b - _rot(a, 25)) & _M32
    c ^= b
    c = (c - _rot(b, 16)) & _M32
    a ^= c
    a = (a - _rot(c, 4)) & _M32
    b ^= a
    b = (b - _rot(a, 14)) & _M32
    c ^= b
    c = (c - _rot(b, 24)) & _M32
    return a, b, c


def _hash_uint32_extended(k, seed):
    # Bob Jenkins' lookup3 as in Postgres' common/hashfn.c
    a = b = c = (0x9E3779B9 + 4 + 3923095) & _M32
    if seed:
        a = (a + (seed >> 32)) & _M32
        b = (b + (seed & _M32)) & _M32
        a, b, c = _mix(a, b, c)
    a = (a + k) & _M32
    a, b, c = _final(a, b, c)
    return (b << 32) | c


def _hashint8extended(value, seed):
    lo = value & _M32
    hi = (value >> 32) & _M32
    lo ^= hi if value >= 0 else (~hi) & _M32
    return _hash_uint32_extended(lo, seed)


def partition_of(oid, modulus):
    """
    The partition of ``oid`` in a table ``PARTITION BY HASH (oid)`` with ``modulus`` parts.

    Parameters
    ----------
    oid : int
        A bigint key.
    modulus : int
        The number of partitions.

    Returns
    -------
    int
        The remainder Postgres routes the row to.

    Examples
    --------
    >>> partition_of(313897383979122767, 16), partition_of(170028485706776685, 16)
    (1, 4)
    """
    row_hash = (_hashint8extended(oid, HASH_PARTITION_SEED) + 0x49A0F4DD15E5A8E3) & _M64
    return row_hash % modulus


# ---------------------------------------------------------------------------- order
def sort_key(value):
    """
    Ascending Postgres order of a non-null column value (NaN above every number).

    Compare ``(value is None, sort_key(value))`` to place NULLs last when ascending.
    """
    if isinstance(value, float) and value != value:
        return (1, 0.0)
    if isinstance(value, bool):
        return (0, int(value))
    return (0, value)


def pg_ge(a, b):
    """``a >= b`` in Postgres (NULL never compares, NaN is the largest number)."""
    if a is None or b is None:
        return False
    return sort_key(a) >= sort_key(b)


def pg_le(a, b):
    """``a <= b`` in Postgres (NULL never compares, NaN is the largest number)."""
    if a is None or b is None:
        return False
    return sort_key(a) <= sort_key(b)


# ---------------------------------------------------------------------------- q3c
def q3c_dist_deg(ra1, dec1, ra2, dec2):
    """
    Angular distance in degrees as q3c computes it (haversine).

    Examples
    --------
    >>> round(q3c_dist_deg(10.0, 0.0, 10.0, 1.0), 12)
    1.0
    """
    s = _sindist(ra1, dec1, ra2, dec2)
    return math.degrees(2.0 * math.asin(min(1.0, math.sqrt(s))))


def _sindist(ra1, dec1, ra2, dec2):
    r1, d1, r2, d2 = map(math.radians, (ra1, dec1, ra2, dec2))
    return (math.sin((d2 - d1) / 2.0) ** 2
            + math.cos(d1) * math.cos(d2) * math.sin((r2 - r1) / 2.0) ** 2)


def within(ra, dec, ra0, dec0, radius_deg):
    """``q3c_radial_query(ra, dec, ra0, dec0, radius_deg)``: q3c's test
    ``sindist < sin(radius / 2) ** 2``; NULL, NaN or a negative radius select nothing."""
    if None in (ra, dec, ra0, dec0, radius_deg):
        return False
    try:
        if not radius_deg >= 0:
            return False
        return _sindist(ra, dec, ra0, dec0) < math.sin(math.radians(radius_deg) / 2.0) ** 2
    except (TypeError, ValueError):
        return False
