"""
Object ids in the multisurvey API: LSST ids as they are, ZTF names as "master ids".

The service maps ``(catalog, oid)`` to a 64-bit master id (``catalog_oid_to_masterid``): ZTF
names become ``(1 << 55) + yy * 26**7 + sum((letter_i - 'a') * 26**(6 - i))``, LSST ids are
parsed with ``numpy.int64(str)`` (Python's ``int()`` then an int64 range check), and the other
known catalogs get their bare prefix. The errors are the service's: ``ValueError`` texts become
400 answers, ``OverflowError`` is not caught (a 500).
"""

__all__ = ["SURVEY_IDS", "catalog_oid_to_masterid", "ztf_masterid", "ztf_name",
           "is_ztf_oid_valid", "numpy_int64"]

#: catalog -> survey id of the master id's top 8 bits
SURVEY_IDS = {"ZTF": 1, "ATLAS": 2, "LSST": 3, "LS4": 4, "MAXSURVEY": 255}
_PREFIX_SHIFT = 63 - 8
_INT64_MAX = (1 << 63) - 1


def _wrap_int64(value):
    # numpy int64 arithmetic wraps around (with a warning the service never shows)
    value &= (1 << 64) - 1
    return value - (1 << 64) if value > _INT64_MAX else value


def numpy_int64(text):
    """
    ``numpy.int64(text).item()`` for a string.

    Raises
    ------
    ValueError
        ``invalid literal for int() with base 10: '...'``.
    OverflowError
        Outside the int64 range.

    Examples
    --------
    >>> numpy_int64(" 42 ")
    42
    """
    value = int(text)
    if not -(1 << 63) <= value <= _INT64_MAX:
        raise OverflowError("Python int too large to convert to C long")
    return value


def is_ztf_oid_valid(oid):
    """Whether ``oid`` is ``ZTF`` + 2 digits + 7 lower-case letters (the service's test)."""
    return (len(oid) == 12 and oid[:3] == "ZTF" and oid[3:5].isdigit()
            and oid[5:12].isalpha() and oid[5:12].islower())


def ztf_masterid(oid, validate=False):
    """
    The master id of a ZTF name, computed as the service does (no check unless ``validate``).

    Examples
    --------
    >>> ztf_masterid("ZTF20aaelulu")
    36028957657202554
    """
    if validate and not is_ztf_oid_valid(oid):
        raise ValueError(f"Invalid ZTF object ID: {oid}")
    value = 0
    for i, char in enumerate(oid[5:12]):
        value += (ord(char) - ord("a")) * 26 ** (6 - i)
    value += int(oid[3:5]) * 26 ** 7
    if not -(1 << 63) <= value <= _INT64_MAX:
        raise OverflowError("Python int too large to convert to C long")
    return _wrap_int64((SURVEY_IDS["ZTF"] << _PREFIX_SHIFT) + value)


def ztf_name(masterid):
    """
    The ZTF name of a master id (the service ignores the survey bits).

    Examples
    --------
    >>> ztf_name(36028957657202554)
    'ZTF20aaelulu'
    """
    value = masterid & ((1 << _PREFIX_SHIFT) - 1)
    year = (value // 26 ** 7) % 100
    seq = value % 26 ** 7
    letters = ""
    for i in range(6, -1, -1):
        letters += chr(seq // 26 ** i + ord("a"))
        seq %= 26 ** i
    return f"ZTF{year:02d}{letters}"


def catalog_oid_to_masterid(catalog, oid, validate=False):
    """
    The service's ``catalog_oid_to_masterid`` (catalog names are upper-cased first).

    Parameters
    ----------
    catalog : str
        ``ztf``, ``lsst``, ... (any case).
    oid : str
        The id as given.
    validate : bool
        Check ZTF names (the conesearch routes do, the light curve routes do not).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        ``Unsupported catalog: X``, ``Invalid ZTF object ID: ...`` or an ``int()`` error.
    OverflowError
        An id outside int64.
    """
    catalog = catalog.upper()
    if catalog not in SURVEY_IDS:
        raise ValueError(f"Unsupported catalog: {catalog}")
    if catalog == "ZTF":
        return ztf_masterid(str(oid), validate)
    if catalog == "LSST":
        return numpy_int64(oid)
    return SURVEY_IDS[catalog] << _PREFIX_SHIFT
