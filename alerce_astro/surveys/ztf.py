"""
The Zwicky Transient Facility as ALeRCE serves it: the facts (`ZTF`) and its id and band rules.

An object id (``oid``) is ``ZTF`` + two year digits + seven lower-case letters. A detection id
(``candid``) is a 64-bit integer. Bands are numbered: ``fid`` 1 = g, 2 = r, 3 = i. Features also
use 0 (band-independent) and 12 (a g-r combination).
"""

import re

from astropy import units as u

from ..exceptions import InvalidQueryError
from .base import Band, Survey, validate_int64_id

__all__ = ["ZTF", "OID_PATTERN", "BANDS", "FID_BY_BAND", "FEATURE_FIDS", "validate_oid",
           "validate_oids", "validate_candid", "band_name", "validate_band"]

OID_PATTERN = re.compile(r"ZTF[0-9]{2}[a-z]{7}")  # [0-9]: \d matches every Unicode digit
#: Band name of each ZTF filter id.
BANDS = {1: "g", 2: "r", 3: "i"}
FID_BY_BAND = {name: fid for fid, name in BANDS.items()}
#: Filter ids that appear in features: 0 band-independent, 12 the g-r combination.
FEATURE_FIDS = (0, 1, 2, 3, 12)


def validate_oid(oid, *, argument="oid"):
    """
    Check that ``oid`` is a well-formed ZTF object id and return it.

    Parameters
    ----------
    oid : str
        A ZTF object id such as ``"ZTF20aaelulu"``.
    argument : str, optional
        Argument name used in the error message.

    Returns
    -------
    str

    Raises
    ------
    InvalidQueryError
        If ``oid`` is not a string of the form ``ZTF`` + 2 digits + 7 lower-case letters.

    Examples
    --------
    >>> validate_oid("ZTF20aaelulu")
    'ZTF20aaelulu'
    """
    if not isinstance(oid, str):
        raise InvalidQueryError(
            f"{argument} must be a ZTF object id string such as 'ZTF20aaelulu', "
            f"got {type(oid).__name__}")
    if not OID_PATTERN.fullmatch(oid):
        hint = ""
        if OID_PATTERN.fullmatch(oid.strip()):
            hint = " (remove the surrounding white space)"
        elif re.fullmatch(r"ztf\d{2}[a-z]{7}", oid.strip(), flags=re.IGNORECASE):
            fixed = "ZTF" + oid.strip()[3:].lower()
            hint = f" (ids are 'ZTF' then lower-case letters: did you mean {fixed!r}?)"
        raise InvalidQueryError(
            f"{argument}={oid!r} is not a ZTF object id: expected 'ZTF', two digits and seven "
            f"lower-case letters, e.g. 'ZTF20aaelulu'{hint}")
    return oid


def validate_oids(oids, *, argument="oids"):
    """
    Validate one id or a list of ids and return them as a list, duplicates removed in order.

    Parameters
    ----------
    oids : str or iterable of str
        One ZTF object id or several.
    argument : str, optional
        Argument name used in error messages.

    Returns
    -------
    list of str

    Raises
    ------
    InvalidQueryError
        If the list is empty or any id is malformed.

    Examples
    --------
    >>> validate_oids(["ZTF20aaelulu", "ZTF20aaelulu", "ZTF18abbuive"])
    ['ZTF20aaelulu', 'ZTF18abbuive']
    """
    return ZTF.validate_oids(oids, argument=argument)


def validate_candid(candid, *, argument="candid"):
    """
    Check a detection id and return it as a Python int (exact: never through a float).

    Parameters
    ----------
    candid : int or str
        A positive 64-bit integer, or its decimal string.
    argument : str, optional
        Argument name used in the error message.

    Returns
    -------
    int

    Raises
    ------
    InvalidQueryError
        If it is not a positive integer that fits in 64 bits (floats are refused: they cannot
        hold a 19-digit candid exactly).

    Examples
    --------
    >>> validate_candid("1101542291015015004")
    1101542291015015004
    """
    return validate_int64_id(candid, argument=argument, what="a detection id (candid)")


def band_name(fid):
    """
    The band name of a ZTF filter id (``1`` → ``"g"``), or ``""`` for an unknown id.

    Examples
    --------
    >>> band_name(2)
    'r'
    """
    return BANDS.get(int(fid), "")


def validate_band(band, *, argument="band"):
    """
    Accept a band as a name (``"g"``, ``"r"``, ``"i"``) or a filter id (1, 2, 3); return the fid.

    Raises
    ------
    InvalidQueryError
        If the band is not one of ZTF's.

    Examples
    --------
    >>> validate_band("g"), validate_band(2)
    (1, 2)
    """
    if isinstance(band, str) and band.strip().lower() in FID_BY_BAND:
        return FID_BY_BAND[band.strip().lower()]
    if isinstance(band, (int,)) and not isinstance(band, bool) and band in BANDS:
        return int(band)
    raise InvalidQueryError(
        f"{argument}={band!r} is not a ZTF band: use 'g', 'r', 'i' or the filter ids 1, 2, 3")


class _ZtfSurvey(Survey):
    def validate_oid(self, oid, *, argument="oid"):
        return validate_oid(oid, argument=argument)


#: The facts of ZTF. Effective wavelengths (lambda_eff) are the SVO Filter Profile Service's
#: Palomar/ZTF.g, .r and .i; colours are Paul Tol's colour-blind-safe "bright" scheme.
ZTF = _ZtfSurvey(
    name="ztf",
    title="ZTF",
    bands=(Band(1, "g", 4746.48 * u.AA, "#228833"),
           Band(2, "r", 6366.38 * u.AA, "#EE6677"),
           Band(3, "i", 7829.03 * u.AA, "#CCBB44")),
    id_dtype="str",
    id_description="ZTF object identifier",
    id_example="ZTF20aaelulu",
    native_quantity="mag",
    flux_unit=u.uJy,
    zero_point=23.9,
    time_scale="utc",
    pixel_scale=1.01 * u.arcsec,
    cutout_size=(63, 63),
    explorer_object="{base}/object/{oid}",
    explorer_list="{base}/?oid={oids}",
    explorer_base="https://alerce.online",
    explorer_joiner="&oid=",
    explorer_max_oids=200,
)
