"""
Checks of user input, done before any request. Each error names the offending argument and
says what is accepted.
"""

import math
import numbers

import numpy as np
from astropy import units as u
from astropy.coordinates import Angle, SkyCoord
from astropy.coordinates.errors import ConvertError
from astropy.time import Time

from .exceptions import InvalidQueryError
from .settings import check_setting, check_url

__all__ = ["parse_radius", "parse_coordinates", "parse_range", "parse_mjd", "check_choice",
           "check_int", "check_probability", "check_bool", "check_setting", "check_url"]


def parse_radius(radius, *, argument="radius", maximum=10 * u.deg):
    """
    Turn a radius given as a `~astropy.units.Quantity`, `~astropy.coordinates.Angle` or angle
    string into an `~astropy.coordinates.Angle`.

    Parameters
    ----------
    radius : `~astropy.units.Quantity`, `~astropy.coordinates.Angle` or str
        For example ``30 * u.arcsec`` or ``"30 arcsec"``. A bare number is refused: its unit
        would be a guess.
    argument : str, optional
        Argument name used in messages.
    maximum : `~astropy.units.Quantity`, optional
        Largest accepted radius.

    Returns
    -------
    `~astropy.coordinates.Angle`

    Raises
    ------
    InvalidQueryError
        For a bare number, a non-angle unit, a negative, NaN or too large radius.

    Examples
    --------
    >>> float(parse_radius("30 arcsec").arcsec)
    30.0
    """
    if isinstance(radius, (numbers.Number, np.number)) and not isinstance(radius, u.Quantity):
        raise InvalidQueryError(
            f"{argument}={radius!r} has no unit: give a Quantity or an angle string, e.g. "
            f"{argument}=30 * u.arcsec or {argument}='30 arcsec'")
    try:
        angle = Angle(radius)
    except (u.UnitsError, ValueError, TypeError) as exc:
        raise InvalidQueryError(
            f"{argument}={radius!r} is not an angle ({exc}); use e.g. '30 arcsec'") from None
    if not angle.isscalar:
        raise InvalidQueryError(f"{argument} must be a single angle, got {len(angle)} values")
    if not math.isfinite(angle.deg) or angle.deg < 0:
        raise InvalidQueryError(f"{argument}={radius!r} must be a finite angle >= 0")
    if angle > maximum:
        raise InvalidQueryError(f"{argument}={radius!r} is larger than the {maximum} allowed")
    return angle


def parse_coordinates(coordinates, *, argument="coordinates"):
    """
    Turn a `~astropy.coordinates.SkyCoord` or a string astropy can parse into an ICRS
    `~astropy.coordinates.SkyCoord`.

    Parameters
    ----------
    coordinates : `~astropy.coordinates.SkyCoord` or str
        For example ``"185.7289 15.8236"`` (degrees) or ``"12h22m54.9s +15d49m25s"``.
    argument : str, optional
        Argument name used in messages.

    Returns
    -------
    `~astropy.coordinates.SkyCoord`
        A scalar position in ICRS.

    Raises
    ------
    InvalidQueryError
        If the position cannot be parsed, is not a single position, or is out of range.

    Examples
    --------
    >>> float(parse_coordinates("185.7289 15.8236").ra.deg)
    185.7289
    """
    if isinstance(coordinates, SkyCoord):
        coord = coordinates
    elif isinstance(coordinates, str):
        text = coordinates.strip()
        unit = (u.hourangle, u.deg) if any(c in text for c in "hm:") else (u.deg, u.deg)
        try:
            coord = SkyCoord(text, unit=unit, frame="icrs")
        except (ValueError, u.UnitsError, TypeError) as exc:
            raise InvalidQueryError(
                f"{argument}={coordinates!r} is not a position astropy can parse ({exc}); "
                f"give a SkyCoord or e.g. '185.7289 15.8236'") from None
    else:
        raise InvalidQueryError(
            f"{argument} must be a SkyCoord or a string, got {type(coordinates).__name__}")
    if not coord.isscalar:
        raise InvalidQueryError(f"{argument} must be one position, got {len(coord)}")
    try:
        coord = coord.icrs
    except (ValueError, TypeError, AttributeError, u.UnitsError, ConvertError) as exc:
        # e.g. an AltAz position without obstime or location
        raise InvalidQueryError(
            f"{argument} cannot be converted to ICRS ({type(exc).__name__}: {exc}); give a "
            f"position in a celestial frame") from None
    if not (np.isfinite(coord.ra.deg) and np.isfinite(coord.dec.deg)):
        raise InvalidQueryError(f"{argument} is not a finite position: {coordinates!r}")
    return coord


def parse_mjd(value, *, argument):
    """
    A time as MJD (UTC): a number, or an `~astropy.time.Time`.

    Raises
    ------
    InvalidQueryError
        For anything else, or a non-finite number.

    Examples
    --------
    >>> from astropy.time import Time
    >>> parse_mjd(Time("2020-01-01T00:00:00", scale="utc"), argument="firstmjd")
    58849.0
    """
    if isinstance(value, Time):
        if not value.isscalar:
            raise InvalidQueryError(f"{argument} must hold single times, got an array")
        return float(value.utc.mjd)
    if isinstance(value, (numbers.Real, np.number)) and not isinstance(value, bool):
        try:
            value = float(value)
        except OverflowError:  # an int beyond the float range
            value = math.inf
        if not math.isfinite(value):
            raise InvalidQueryError(f"{argument}={value} is not a finite MJD")
        return value
    raise InvalidQueryError(
        f"{argument} must be an MJD number or an astropy Time, got {value!r}")


def parse_range(value, *, argument, kind="float", lower=0):
    """
    A ``(min, max)`` range, either end `None` for open.

    Parameters
    ----------
    value : tuple, list or None
        ``(min, max)``; a single number is taken as the minimum.
    argument : str
        Argument name used in messages.
    kind : {'float', 'int', 'mjd'}
        How the ends are read (``'mjd'`` also accepts `~astropy.time.Time`).
    lower : float
        The value sent for an open lower end (the service takes the first value as minimum).

    Returns
    -------
    list or None
        The values to send: ``[min]`` or ``[min, max]``, or `None`.

    Raises
    ------
    InvalidQueryError
        For a malformed or inverted range.

    Examples
    --------
    >>> parse_range((10, 50), argument="ndet", kind="int")
    [10, 50]
    >>> parse_range((None, 50), argument="ndet", kind="int")
    [0, 50]
    """
    if value is None:
        return None
    if isinstance(value, (dict, set, frozenset)):
        raise InvalidQueryError(f"{argument} must be a (min, max) tuple, got {value!r}")
    try:
        n = None if isinstance(value, (str, bytes)) else len(value)
    except TypeError:  # a number, or a scalar Quantity or Time, which have __len__ but no length
        n = None
    if n is None:
        value = (value, None)
    elif n != 2:
        raise InvalidQueryError(f"{argument} must be a (min, max) tuple, got {value!r}")

    def one(v):
        if v is None:
            return None
        if kind == "mjd":
            return parse_mjd(v, argument=argument)
        if isinstance(v, bool) or not isinstance(v, (numbers.Real, np.number)):
            raise InvalidQueryError(f"{argument} must hold numbers, got {v!r}")
        try:
            finite = math.isfinite(float(v))
        except OverflowError:  # an int beyond the float range
            finite = False
        if not finite:
            raise InvalidQueryError(f"{argument} must hold finite numbers, got {v!r}")
        if kind == "int":
            if float(v) != int(v):
                raise InvalidQueryError(f"{argument} must hold whole numbers, got {v!r}")
            return int(v)
        return float(v)

    low, high = one(value[0]), one(value[1])
    if low is not None and high is not None and low > high:
        raise InvalidQueryError(f"{argument}={tuple(value)!r} is inverted: min > max")
    if low is None and high is None:
        return None
    if high is None:
        return [low]
    return [lower if low is None else low, high]


def check_choice(value, choices, *, argument):
    """
    Return ``value`` if it is one of ``choices``, else raise `InvalidQueryError` listing them.

    Examples
    --------
    >>> check_choice("ASC", ("ASC", "DESC"), argument="order_mode")
    'ASC'
    """
    try:
        accepted = bool(value in choices)
    except (TypeError, ValueError):  # an array has no single truth value
        accepted = False
    # True == 1 and False == 0 in Python: a bool is only accepted where the choices are bools.
    if isinstance(value, (bool, np.bool_)) and not all(isinstance(c, bool) for c in choices):
        accepted = False
    if not accepted:
        raise InvalidQueryError(
            f"{argument}={value!r} is not accepted; use one of: {', '.join(map(str, choices))}")
    return value


def check_int(value, *, argument, minimum=None, maximum=None, allow=()):
    """
    Return ``value`` as an int within bounds (or one of the special values ``allow``).

    Examples
    --------
    >>> check_int(5, argument="page_size", minimum=1)
    5
    """
    try:
        special = bool(value in allow)
    except (TypeError, ValueError):  # an array has no single truth value
        special = False
    if special and not isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise InvalidQueryError(f"{argument} must be a whole number, got {value!r}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        extra = f" (or {', '.join(map(str, allow))})" if allow else ""
        raise InvalidQueryError(f"{argument}={value} is out of range: use a value {bounds}"
                                f"{extra}")
    return value


def check_probability(value, *, argument="probability"):
    """
    Return ``value`` as a float in [0, 1].

    Examples
    --------
    >>> check_probability(0.5)
    0.5
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)):
        raise InvalidQueryError(f"{argument} must be a number between 0 and 1, got {value!r}")
    value = float(value)
    if not 0 <= value <= 1:
        raise InvalidQueryError(f"{argument}={value} must be between 0 and 1")
    return value


def check_bool(value, *, argument, allow_none=False):
    """
    Return ``value`` as a `bool`, accepting only `True` and `False` (and numpy booleans).

    Anything else is refused rather than read by its truth value: ``"no"``, ``"false"`` and
    ``"0"`` are true in Python, and ``0``/``1`` usually mean a mistake (a band, a count).

    Parameters
    ----------
    value : object
        The argument as given.
    argument : str
        Argument name used in the message.
    allow_none : bool, optional
        Accept `None` (and return it) for arguments where it means "the default".

    Returns
    -------
    bool or None

    Raises
    ------
    InvalidQueryError
        For anything but a boolean (or `None` when allowed).

    Examples
    --------
    >>> check_bool(True, argument="forced_photometry")
    True
    >>> check_bool("no", argument="forced_photometry")
    Traceback (most recent call last):
    ...
    astroquery.exceptions.InvalidQueryError: forced_photometry must be True or False, got 'no'
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    accepted = "True, False or None" if allow_none else "True or False"
    raise InvalidQueryError(f"{argument} must be {accepted}, got {value!r}")

