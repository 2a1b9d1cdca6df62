"""
Unit strings of catsHTM answers, turned into astropy units.

The service labels columns with strings from the catalogs' own headers. Most are valid astropy
units (``deg``, ``mas/yr``, ``km/s``); some are not: ``" "`` for dimensionless, ``JD``/``MJD``
for dates, ``JYear`` for a Julian-year epoch, ``nanomaggies``, ``magAB``, ``FeH``, ``logg``,
``null`` and typos (``arcse``). `parse_unit` maps those that have a meaning and keeps the raw
string of the others; it never fails.
"""

from astropy import units as u

__all__ = ["parse_unit", "UNIT_MAP"]

#: Unit strings astropy cannot parse (or would parse into something else), with their meaning.
#: `None` means "no unit". Keys are matched exactly, then ignoring case.
UNIT_MAP = {
    "": None,
    "null": None,
    "none": None,
    "dimensionless": None,
    # Dates: the value is a Julian Date or MJD, a number of days.
    "JD": u.d,
    "MJD": u.d,
    "HJD": u.d,
    "BJD": u.d,
    # Epochs in Julian years (2015.5).
    "JYear": u.yr,
    "Jyear": u.yr,
    "JYR": u.yr,
    # SDSS/Legacy Survey linear flux unit: 1 nanomaggy = 3.631e-6 Jy.
    "nanomaggies": u.nanomaggy,
    "nanomaggy": u.nanomaggy,
    "nmgy": u.nanomaggy,
    # AB magnitudes: astropy's logarithmic AB unit, convertible to flux densities.
    "magAB": u.ABmag,
    "ABmag": u.ABmag,
    "mag(AB)": u.ABmag,
    # [Fe/H] and log g are logarithms: dex, and dex of cm s-2 (the usual cgs surface gravity).
    "FeH": u.dex,
    "[Fe/H]": u.dex,
    "logg": u.dex(u.cm / u.s**2),
    "log(g)": u.dex(u.cm / u.s**2),
    # Plurals and typos met in catalog headers.
    "arcse": u.arcsec,
    "arcsecs": u.arcsec,
    "degrees": u.deg,
    "days": u.d,
    "counts": u.count,
    "counts/s": u.count / u.s,
    "cts/s": u.count / u.s,
    "mags": u.mag,
}
_MAP_LOWER = {key.lower(): value for key, value in UNIT_MAP.items()}


def parse_unit(text):
    """
    Turn a catsHTM unit string into an astropy unit.

    Parameters
    ----------
    text : str or None
        The unit string the service sent for a column.

    Returns
    -------
    unit : `~astropy.units.UnitBase` or None
        The unit, or `None` for dimensionless and unknown units.
    raw : str or None
        The service's string when it is worth keeping: it was mapped (``"JD"`` became days,
        the fact that it is a Julian Date would otherwise be lost) or not understood. `None`
        when the string was a plain astropy unit or blank.

    Examples
    --------
    >>> parse_unit("mas/yr")
    (Unit("mas / yr"), None)
    >>> parse_unit(" ")
    (None, None)
    >>> parse_unit("JD")
    (Unit("d"), 'JD')
    >>> parse_unit("nanomaggies")
    (Unit("nmgy"), 'nanomaggies')
    >>> parse_unit("arcse")
    (Unit("arcsec"), 'arcse')
    >>> parse_unit("furlongs per fortnight")
    (None, 'furlongs per fortnight')
    """
    if text is None:
        return None, None
    raw = str(text)
    key = raw.strip()
    if not key:
        return None, None
    if key in UNIT_MAP or key.lower() in _MAP_LOWER:
        unit = UNIT_MAP[key] if key in UNIT_MAP else _MAP_LOWER[key.lower()]
        if unit is None and key.lower() in ("null", "none", "dimensionless"):
            return None, raw
        return unit, raw
    for fmt in ("generic", "fits", "cds"):
        try:
            unit = _parse_quietly(key, fmt)
        except (ValueError, TypeError):
            continue
        if isinstance(unit, u.UnrecognizedUnit):
            continue
        return unit, None if fmt == "generic" and key == raw else raw
    return None, raw


def _parse_quietly(key, fmt):
    """
    ``u.Unit(key, format=fmt)`` without its warning about several slashes (``erg/cm2/s``).

    Silencing that warning would change the process-wide warning filters, which is not safe in
    the threads that parse catsHTM answers: the parts between slashes are parsed one by one
    and divided left to right instead, as the generic format reads them.
    """
    parts, depth, start = [], 0, 0
    for i, char in enumerate(key):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "/" and depth == 0:
            parts.append(key[start:i])
            start = i + 1
    parts.append(key[start:])
    if fmt != "generic" or len(parts) < 3:
        return u.Unit(key, format=fmt)
    if not all(part.strip() for part in parts):
        raise ValueError(f"{key!r} has an empty part between slashes")
    unit = u.Unit(parts[0], format=fmt)
    for part in parts[1:]:
        unit = unit / u.Unit(part, format=fmt)
    return unit
