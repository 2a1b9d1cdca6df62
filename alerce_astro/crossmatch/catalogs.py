"""
The catalogs of ALeRCE's catsHTM service: the one table that knows them.

Each row gives a catalog's catsHTM name (what a request sends as ``catalog=``), its display name
(what the service's answers use as keys: ``GAIA/DR2`` for ``GAIADR2``, ``2MASS`` for ``TMASS``),
the radius the service uses for a crossmatch when none is given, which columns hold the
position and which hold a redshift. Everything else in `alerce_astro.crossmatch` (and the
offline server in `alerce_astro.offline`) reads this table; adding a catalog is one row here.

The service's routes are wire knowledge, in `alerce_astro.apis.catshtm.routes`. This module
imports nothing heavy (no astroquery, no astropy tables or coordinates), so the offline server
can use it.
"""

from dataclasses import dataclass

__all__ = ["Catalog", "CATALOGS", "DEFAULT_RADIUS_ARCSEC", "get_catalog", "find_catalog",
           "request_name", "display_name", "default_radius", "catalog_table",
           "PHOTOMETRIC_REDSHIFT_COLUMNS"]

#: Crossmatch radius of the catalogs without their own default.
DEFAULT_RADIUS_ARCSEC = 50.0

#: Column names that hold a photometric redshift in any catalog.
PHOTOMETRIC_REDSHIFT_COLUMNS = ("zphot", "z_phot", "photoz", "photo_z")


@dataclass(frozen=True)
class Catalog:
    """
    One catalog of the catsHTM service.

    Parameters
    ----------
    name : str
        The catsHTM name, sent as ``catalog=`` (``"GAIADR2"``).
    display_name : str
        The name the service's answers use as key (``"GAIA/DR2"``).
    description : str
        What the catalog is.
    default_radius : float
        Crossmatch radius in arcsec the service uses when the request gives none.
    ra_column, dec_column : str
        Columns holding the position, in degrees after the service's conversion.
    redshift_columns : tuple of str
        Columns that may hold a redshift, in order of preference.
    spectroscopic : bool
        Whether ``redshift_columns`` are spectroscopic redshifts.
    unit_fixes : tuple of (str, str)
        ``(column pattern, unit)`` pairs correcting units the service labels wrongly; a pattern
        ending in ``*`` matches a prefix.
    """

    name: str
    display_name: str
    description: str
    default_radius: float = DEFAULT_RADIUS_ARCSEC
    ra_column: str = "RA"
    dec_column: str = "Dec"
    redshift_columns: tuple = PHOTOMETRIC_REDSHIFT_COLUMNS
    spectroscopic: bool = False
    unit_fixes: tuple = ()

    def fixed_unit(self, column):
        """The corrected unit string of ``column``, or `None` if the service's is kept."""
        for pattern, unit in self.unit_fixes:
            if pattern == column or (pattern.endswith("*") and column.startswith(pattern[:-1])):
                return unit
        return None


_SPEC = {"redshift_columns": ("z",), "spectroscopic": True}

#: Every catalog the service serves, in the order of its answers: the first fifteen as real
#: ``crossmatch_all`` answers list them, the others after them (their place is not known).
CATALOGS = (
    Catalog("TMASS", "2MASS", "Two Micron All Sky Survey point sources"),
    Catalog("DECaLS", "DECaLS", "DECam Legacy Survey sources (fluxes in nanomaggies)",
            default_radius=0.1),
    Catalog("GAIADR1", "GAIA/DR1", "Gaia Data Release 1", default_radius=0.1),
    Catalog("GAIADR2", "GAIA/DR2", "Gaia Data Release 2", default_radius=0.1),
    Catalog("NEDz", "NEDz", "NASA/IPAC Extragalactic Database redshifts", **_SPEC),
    Catalog("SDSSDR10", "SDSS/DR10", "Sloan Digital Sky Survey Data Release 10 photometry"),
    # The service labels TAI_r (an MJD, ~52000) and the seeing FWHMs (~1.3 arcsec) with
    # 'null' and 'MJD': corrected from the values it sends.
    Catalog("SDSSoffset", "SDSSoffset", "SDSS sources with per-band astrometric offsets",
            default_radius=0.1, ra_column="ra", dec_column="dec",
            unit_fixes=(("TAI_r", "d"), ("psffwhm_*", "arcsec"))),
    Catalog("SpecSDSS", "SpecSDSS", "SDSS spectroscopic catalog", **_SPEC),
    Catalog("UKIDSS", "UKIDSS", "UKIRT Infrared Deep Sky Survey"),
    Catalog("APASS", "APASS", "AAVSO Photometric All-Sky Survey", default_radius=2.0),
    Catalog("PTFpc", "PTFpc", "Palomar Transient Factory photometric catalog"),
    Catalog("UCAC4", "UCAC4", "Fourth USNO CCD Astrograph Catalog"),
    Catalog("WISE", "WISE", "Wide-field Infrared Survey Explorer sources"),
    Catalog("AAVSO_VSX", "AAVSO_VSX", "AAVSO International Variable Star Index (VSX)"),
    Catalog("unWISE", "unWISE", "unWISE catalog (AB magnitudes)"),
    Catalog("AKARI", "AKARI", "AKARI infrared all-sky survey point sources"),
    Catalog("CRTS_per_var", "CRTS", "Catalina Real-time Transient Survey periodic variables"),
    Catalog("Cosmos", "Cosmos", "COSMOS field multi-band photometric catalog"),
    Catalog("FIRST", "FIRST", "VLA FIRST survey radio sources (1.4 GHz)"),
    Catalog("GALEX", "GALEX", "GALEX ultraviolet sources"),
    Catalog("HSCv2", "HSCv2", "Hubble Source Catalog version 2",
            ra_column="MatchRA", dec_column="MatchDec"),
    Catalog("IPHAS", "IPHAS", "INT Photometric H-alpha Survey of the northern Galactic plane"),
    Catalog("IRACgc", "IRACgc", "Spitzer IRAC survey of the Galactic centre"),
    Catalog("NVSS", "NVSS", "NRAO VLA Sky Survey radio sources (1.4 GHz)",
            default_radius=10.8),
    Catalog("ROSATfsc", "ROSATfsc", "ROSAT all-sky survey faint source catalog"),
    Catalog("SAGE", "SAGE", "Spitzer SAGE survey of the Magellanic Clouds"),
    Catalog("SWIREz", "SWIREz", "SWIRE photometric redshifts",
            redshift_columns=("zphot", "z_phot", "z")),
    Catalog("SkyMapper", "SkyMapper", "SkyMapper Southern Sky Survey", default_radius=0.4),
    Catalog("TMASSxsc", "2MASSxsc", "Two Micron All Sky Survey extended sources"),
    Catalog("VISTAviking", "VISTAviking", "VISTA Kilo-degree Infrared Galaxy survey (VIKING)"),
    Catalog("VSTatlas", "VSTatlas", "VST ATLAS survey"),
    Catalog("VSTkids", "VSTkids", "VST Kilo-Degree Survey (KiDS)"),
    Catalog("XMM", "XMM", "XMM-Newton serendipitous source catalog", default_radius=8.0,
            dec_column="DEC"),
)

_BY_KEY = {}
for _cat in CATALOGS:
    for _key in (_cat.name, _cat.display_name):
        _BY_KEY[_key] = _cat
        _BY_KEY.setdefault(_key.lower(), _cat)
del _cat, _key


def find_catalog(name):
    """
    The `Catalog` of a catsHTM or display name (any case), or `None` if unknown.

    Examples
    --------
    >>> find_catalog("GAIA/DR2").name
    'GAIADR2'
    >>> find_catalog("tmass").display_name
    '2MASS'
    >>> find_catalog("nothing") is None
    True
    """
    if not isinstance(name, str):
        return None
    return _BY_KEY.get(name) or _BY_KEY.get(name.strip().lower())


def get_catalog(name, *, argument="catalogs"):
    """
    The `Catalog` of a catsHTM name (``"GAIADR2"``) or display name (``"GAIA/DR2"``).

    Parameters
    ----------
    name : str
        Either name, in any case.
    argument : str, optional
        Argument name used in the error message.

    Returns
    -------
    `Catalog`

    Raises
    ------
    InvalidQueryError
        If no catalog has that name; the message lists them.

    Examples
    --------
    >>> get_catalog("2MASS").name
    'TMASS'
    """
    catalog = find_catalog(name)
    if catalog is None:
        import difflib

        from ..exceptions import InvalidQueryError  # astroquery's: loaded only when needed

        names = [c.display_name for c in CATALOGS]
        close = difflib.get_close_matches(str(name), names + [c.name for c in CATALOGS], n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise InvalidQueryError(
            f"{argument}={name!r} is not a catsHTM catalog.{hint} Use one of: "
            f"{', '.join(names)} (or their catsHTM names; see list_catalogs())")
    return catalog


def request_name(name):
    """
    The catsHTM name to send for a catalog (display names are mapped).

    Examples
    --------
    >>> request_name("GAIA/DR2"), request_name("2MASS"), request_name("NEDz")
    ('GAIADR2', 'TMASS', 'NEDz')
    """
    return get_catalog(name).name


def display_name(name):
    """
    The name the service's answers use for a catalog; unknown names are returned unchanged
    (the service may add catalogs).

    Examples
    --------
    >>> display_name("GAIADR2"), display_name("TMASSxsc"), display_name("NewCat")
    ('GAIA/DR2', '2MASSxsc', 'NewCat')
    """
    catalog = find_catalog(name)
    return catalog.display_name if catalog is not None else name


def default_radius(name):
    """
    The crossmatch radius (arcsec) the service uses for a catalog when a request gives none;
    `DEFAULT_RADIUS_ARCSEC` for a catalog not in the table.

    Examples
    --------
    >>> default_radius("GAIA/DR2"), default_radius("NVSS"), default_radius("NewCat")
    (0.1, 10.8, 50.0)
    """
    catalog = find_catalog(name)
    return catalog.default_radius if catalog is not None else DEFAULT_RADIUS_ARCSEC


def catalog_table():
    """
    The catalogs as a table.

    Returns
    -------
    `~astropy.table.Table`
        ``catalog`` (display name), ``catshtm_name`` (the request name), ``description``,
        ``default_radius`` (arcsec), ``ra_column``, ``dec_column``, ``redshift``
        (``"spectroscopic"``, ``"photometric"`` or empty) and ``redshift_columns``.

    Examples
    --------
    >>> t = catalog_table()
    >>> row = t.loc["GAIA/DR2"]
    >>> print(row["catshtm_name"], row["default_radius"], t["default_radius"].unit)
    GAIADR2 0.1 arcsec
    """
    from astropy import units as u
    from astropy.table import Column, Table

    rows = CATALOGS
    table = Table(meta={"service": "ALeRCE catsHTM",
                        "note": "Default radii are those the service uses for a crossmatch "
                                "without a radius."})
    table.add_column(Column([c.display_name for c in rows], name="catalog",
                            description="Name of the catalog in the service's answers"))
    table.add_column(Column([c.name for c in rows], name="catshtm_name",
                            description="catsHTM name of the catalog, sent in requests"))
    table.add_column(Column([c.description for c in rows], name="description",
                            description="What the catalog is"))
    table.add_column(Column([c.default_radius for c in rows], name="default_radius",
                            unit=u.arcsec, dtype=float,
                            description="Crossmatch radius the service uses by default"))
    table.add_column(Column([c.ra_column for c in rows], name="ra_column",
                            description="Column holding the right ascension"))
    table.add_column(Column([c.dec_column for c in rows], name="dec_column",
                            description="Column holding the declination"))
    table.add_column(Column(["spectroscopic" if c.spectroscopic else
                             ("photometric" if c.redshift_columns != PHOTOMETRIC_REDSHIFT_COLUMNS
                              else "") for c in rows], name="redshift",
                            description="Kind of redshift the catalog holds, if known"))
    table.add_column(Column([",".join(c.redshift_columns) for c in rows],
                            name="redshift_columns",
                            description="Columns searched for a redshift"))
    table.add_index("catalog")
    return table
