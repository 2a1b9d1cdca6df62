"""
What a survey is, as facts: its object ids, its bands, its photometry, its clock, its cutouts
and its explorer pages. No HTTP and no tables here; APIs (`alerce_astro.apis`) and the data
model (light curves, stamps) read these facts instead of knowing a survey themselves.

The model is sncosmo's registry of bandpasses (one table of named bands with their effective
wavelengths) and lightkurve's per-mission classes (a survey adds only what differs).
"""

import math
from dataclasses import dataclass, field

from astropy import units as u

from ..exceptions import InvalidQueryError

__all__ = ["Band", "Survey", "INT64_MAX"]

#: The largest signed 64-bit integer: every ALeRCE detection and LSST object id fits in it.
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Band:
    """
    One passband of a survey.

    Parameters
    ----------
    code : int
        The band's number on the wire (ZTF ``fid``; LSST ``band``: u is 6).
    name : str
        Its short name (``"g"``).
    wavelength : `~astropy.units.Quantity`
        Effective wavelength, used to order bands and to place them in an SED.
    color : str
        The plotting colour (a matplotlib colour string).
    """

    code: int
    name: str
    wavelength: u.Quantity
    color: str


@dataclass(frozen=True, eq=False)
class Survey:
    """
    The facts of one survey, as ALeRCE serves it.

    Parameters
    ----------
    name : str
        Lower-case key (``"ztf"``, ``"lsst"``): the ``survey=`` of `~alerce_astro.AlerceClass`.
    title : str
        The name shown to people (``"ZTF"``, ``"Rubin LSST"``).
    bands : tuple of `Band`
        Every band, in any order; `Survey.bands` gives them ordered by wavelength.
    id_dtype : str
        ``"str"`` or ``"int64"``: the type of an object id in tables.
    id_description : str
        Column description of an object id.
    id_example : str or int
        An id to show in messages and docs.
    native_quantity : str
        ``"mag"`` (the service sends AB magnitudes) or ``"flux"``.
    flux_unit : `~astropy.units.Unit`
        The unit of fluxes the survey's light curves carry.
    zero_point : float
        AB zero point for ``flux_unit``: ``mag = zero_point - 2.5 log10(flux / flux_unit)``.
    time_scale : str
        The time scale of the survey's MJDs on the wire (``"utc"``, ``"tai"``).
    pixel_scale : `~astropy.units.Quantity`
        Angular size of a cutout pixel.
    cutout_size : tuple of int
        Smallest and largest side of a cutout in pixels.
    explorer_object : str
        The ALeRCE explorer page of one object, with ``{base}`` and ``{oid}``.
    explorer_list : str
        The explorer page of several objects, with ``{base}`` and ``{oids}``.
    explorer_joiner : str
        What joins the ids in ``{oids}`` (``","``, or ``"&oid="`` for repeated parameters).
    explorer_base : str
        Default base URL of the explorer.
    explorer_max_oids : int
        Most ids one explorer list link takes.
    """

    name: str
    title: str
    bands: tuple
    id_dtype: str
    id_description: str
    id_example: object
    native_quantity: str
    flux_unit: u.UnitBase
    zero_point: float
    time_scale: str
    pixel_scale: u.Quantity
    cutout_size: tuple
    explorer_object: str
    explorer_list: str
    explorer_base: str
    explorer_joiner: str = ","
    explorer_max_oids: int = 200
    _by_code: dict = field(init=False, repr=False)
    _by_name: dict = field(init=False, repr=False)

    def __post_init__(self):
        ordered = tuple(sorted(self.bands, key=lambda b: b.wavelength.to_value(u.AA)))
        object.__setattr__(self, "bands", ordered)
        object.__setattr__(self, "_by_code", {b.code: b for b in ordered})
        object.__setattr__(self, "_by_name", {b.name: b for b in ordered})

    def __repr__(self):
        return f"<Survey {self.name}: {self.title}, bands {''.join(self.band_names)}>"

    # ------------------------------------------------------------------------------------
    # Bands.
    @property
    def band_names(self):
        """Band names ordered by wavelength (``('g', 'r', 'i')`` for ZTF)."""
        return tuple(b.name for b in self.bands)

    def band(self, band):
        """
        A band given by name or wire code.

        Parameters
        ----------
        band : str or int
            A name (``"g"``, case-insensitive) or a code (ZTF ``fid``, LSST ``band``).

        Returns
        -------
        `Band`

        Raises
        ------
        InvalidQueryError
            If the survey has no such band.

        Examples
        --------
        >>> from alerce_astro.surveys import LSST
        >>> LSST.band(6).name, LSST.band("g").code
        ('u', 1)
        """
        if isinstance(band, str) and band.strip().lower() in self._by_name:
            return self._by_name[band.strip().lower()]
        if isinstance(band, int) and not isinstance(band, bool) and band in self._by_code:
            return self._by_code[band]
        try:  # numpy integers
            code = int(band)
        except (TypeError, ValueError):
            code = None
        if code is not None and code == band and code in self._by_code:
            return self._by_code[code]
        names = ", ".join(repr(n) for n in self.band_names)
        codes = ", ".join(str(b.code) for b in self.bands)
        raise InvalidQueryError(
            f"{band!r} is not a {self.title} band: use {names} or the codes {codes}")

    def band_name(self, code):
        """The name of the band with wire code ``code``, or ``""`` for an unknown code."""
        found = self._by_code.get(int(code))
        return found.name if found else ""

    # ------------------------------------------------------------------------------------
    # Ids.
    def validate_oid(self, oid, *, argument="oid"):
        """
        Check an object id and return it in its canonical type (`str` or `int`).

        Raises
        ------
        InvalidQueryError
            If ``oid`` is not an id of this survey.
        """
        raise NotImplementedError

    def is_oid(self, oid):
        """Whether ``oid`` is a well-formed object id of this survey (never raises)."""
        try:
            self.validate_oid(oid)
        except InvalidQueryError:
            return False
        return True

    def validate_oids(self, oids, *, argument="oids"):
        """
        One id or a list of ids, validated, as a list without repeats (first kept).

        Raises
        ------
        InvalidQueryError
            If the list is empty or any id is malformed.
        """
        if isinstance(oids, (str, bytes, int)) or not hasattr(oids, "__iter__"):
            oids = [oids]
        try:
            oids = list(oids)
        except TypeError:
            raise InvalidQueryError(
                f"{argument} must be an object id or a list of them, got "
                f"{type(oids).__name__}") from None
        if not oids:
            raise InvalidQueryError(f"{argument} is empty: give at least one object id")
        return list(dict.fromkeys(self.validate_oid(o, argument=argument) for o in oids))

    # ------------------------------------------------------------------------------------
    # Photometry.
    def mag_from_flux(self, flux):
        """AB magnitude of a flux in `flux_unit` (a float; NaN where flux <= 0)."""
        return self.zero_point - 2.5 * math.log10(flux) if flux > 0 else math.nan

    # ------------------------------------------------------------------------------------
    # Explorer.
    def explorer_url(self, oids, base=None):
        """
        The ALeRCE explorer link of one object or of a list of them.

        Parameters
        ----------
        oids : id or list of ids
            Already validated ids.
        base : str, optional
            Explorer base URL (default `explorer_base`).

        Returns
        -------
        str
        """
        base = (base or self.explorer_base).rstrip("/")
        if isinstance(oids, (list, tuple)):
            if len(oids) == 1:
                oids = oids[0]
            else:
                return self.explorer_list.format(
                    base=base, oids=self.explorer_joiner.join(str(o) for o in oids))
        return self.explorer_object.format(base=base, oid=oids)


def validate_int64_id(value, *, argument, what):
    """
    A positive 64-bit integer id, exactly (never through a float).

    Parameters
    ----------
    value : int, numpy integer or str
        The id, or its decimal string.
    argument : str
        Argument name for messages.
    what : str
        What the id is, for messages (``"an LSST object id"``).

    Returns
    -------
    int

    Raises
    ------
    InvalidQueryError
        For booleans, floats, non-ASCII digits, zero, negatives and values beyond 64 bits.

    Examples
    --------
    >>> validate_int64_id("313897383979122767", argument="oid", what="an LSST object id")
    313897383979122767
    """
    import numpy as np

    if isinstance(value, (bool, np.bool_, float, np.floating)):
        raise InvalidQueryError(
            f"{argument} must be an integer ({what}; a float cannot hold a 19-digit id "
            f"exactly), got {value!r}")
    if isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise InvalidQueryError(f"{argument} must be {what}, a positive integer; got {value!r}")
    if not 0 < number <= INT64_MAX:
        raise InvalidQueryError(f"{argument}={number} is not a positive 64-bit integer ({what})")
    return number
