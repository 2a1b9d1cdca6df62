"""
The canonical light curve, declared once, and the map from a service's photometry to it.

Every `~alerce_astro.lightcurve.AlerceLightCurve`, of any survey, starts with the same columns
(`CANONICAL_COLUMNS`, in this order):

================ ================================= ============================================
column           type                              meaning
================ ================================= ============================================
``time``         `~astropy.time.Time` (mjd, utc)   time of the observation; a survey's TAI MJDs
                                                   are converted to UTC exactly
``kind``         str                               ``detection``, ``upper_limit`` or ``forced``
``band``         str                               band name (``g``)
``band_id``      int16                             the band's code on the wire
``flux``         Quantity (survey's flux unit)     signed difference flux density
``flux_err``     Quantity                          its 1-sigma error
``mag``          Quantity (mag)                    difference magnitude (AB); masked where the
                                                   flux is <= 0
``mag_err``      Quantity (mag)                    its 1-sigma error
``limiting_mag`` Quantity (mag)                    5-sigma depth of the image, where known
``detection_id`` int64                             exact id of the measurement
================ ================================= ============================================

then the survey's own columns. Missing values are masked. Whichever of flux and magnitude a
service sends (its survey's ``native_quantity``), the other is derived with the survey's AB zero
point.

A `PhotometryMap` says, for one survey and one or more APIs, which wire key of which kind of
rows feeds which column (`KindMap`), and declares the survey's extra columns (`Extra`). An API
package declares its map in its ``photometry.py``; `~alerce_astro.lightcurve.build_lightcurve`
turns rows into a light curve with any map. Adding a survey is writing a map.
"""

from dataclasses import dataclass, field

from ..schema import Schema
from ..surveys import Survey

__all__ = ["KINDS", "CANONICAL_COLUMNS", "CANONICAL_NAMES", "Extra", "KindMap",
           "PhotometryMap"]

#: Values of the ``kind`` column, in the order rows of equal time are sorted.
KINDS = ("detection", "upper_limit", "forced")

_FLUX = object()  # stands for the survey's flux unit in CANONICAL_COLUMNS

#: ``(name, dtype, unit, description)`` of the canonical columns, in order. The unit of
#: ``flux``/``flux_err`` is the survey's (`PhotometryMap.columns` gives them resolved).
CANONICAL_COLUMNS = (
    ("time", "Time", "d", "Time of the observation (MJD, UTC)"),
    ("kind", "str", None,
     "Kind of point: detection (alert), upper_limit (non-detection) or forced (forced "
     "photometry)"),
    ("band", "str", None, "Band name"),
    ("band_id", "int16", None, "Band code on the wire"),
    ("flux", "float64", _FLUX,
     "Difference flux density: the flux that changed since the reference image, negative "
     "where the source got fainter"),
    ("flux_err", "float64", _FLUX, "1-sigma error of flux"),
    ("mag", "float64", "mag",
     "Difference magnitude (AB) of |flux|; masked where the survey sends a flux <= 0"),
    ("mag_err", "float64", "mag", "1-sigma error of mag"),
    ("limiting_mag", "float64", "mag",
     "5-sigma limiting magnitude of the difference image (the value of an upper limit)"),
    ("detection_id", "int64", None,
     "Id of the measurement (exact 64-bit integer); masked where there is none"),
)
#: The canonical column names, in order.
CANONICAL_NAMES = tuple(c[0] for c in CANONICAL_COLUMNS)
# Columns the builder makes itself: a map cannot feed them.
_MADE = ("kind", "band")
# Columns a map must feed for every kind.
_REQUIRED = ("time", "band_id")
_DTYPES = ("str", "int16", "int32", "int64", "float64", "bool")


@dataclass(frozen=True)
class Extra:
    """
    A survey's own column of its light curves, kept after the canonical ones.

    Parameters
    ----------
    name : str
        Column name in the light curve.
    dtype : str
        ``str``, ``bool``, ``int16``, ``int32``, ``int64`` or ``float64``.
    unit : str or None
        Unit string, or `None`.
    description : str
        What the column holds.
    """

    name: str
    dtype: str
    unit: str | None
    description: str

    def __post_init__(self):
        if self.dtype not in _DTYPES:
            raise ValueError(f"extra column {self.name!r}: unknown dtype {self.dtype!r}")
        if self.name in CANONICAL_NAMES:
            raise ValueError(f"{self.name!r} is a canonical column, not an extra one")


@dataclass(frozen=True)
class KindMap:
    """
    How one kind of photometry rows of one API feeds the light curve's columns.

    Parameters
    ----------
    kind : str
        ``"detection"``, ``"upper_limit"`` or ``"forced"``.
    schema : `~alerce_astro.schema.Schema`
        The wire schema of the rows (types, units, exact ids).
    keys : dict
        Light-curve column (canonical or `Extra`) -> wire key. ``time`` and ``band_id`` are
        required; a canonical column without a key is masked for this kind, or derived (flux
        from ``mag``, magnitude from ``flux``).
    sign : str, optional
        Wire key of +1/-1 that signs a flux derived from a magnitude (ZTF ``isdiffpos``).
    ignore : tuple of str, optional
        Wire keys not kept as columns (e.g. a repeated object id).

    Wire keys not in ``keys`` nor ``ignore`` are kept as columns under their own names.
    """

    kind: str
    schema: Schema
    keys: dict
    sign: str | None = None
    ignore: tuple = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind={self.kind!r}: use one of {KINDS}")
        missing = [name for name in _REQUIRED if name not in self.keys]
        if missing:
            raise ValueError(f"{self.kind} map: {missing} must come from a wire key")
        made = [name for name in _MADE if name in self.keys]
        if made:
            raise ValueError(f"{self.kind} map: {made} are made by the builder, not mapped")
        wire = set(self.keys.values()) | {self.sign} - {None}
        unknown = sorted(key for key in wire if self._field(key) is None)
        if unknown:
            raise ValueError(f"{self.kind} map: wire keys {unknown} are not in the "
                             f"{self.schema.resource!r} schema")
        object.__setattr__(self, "keys", dict(self.keys))
        object.__setattr__(self, "ignore", tuple(self.ignore))

    def _field(self, key):
        return next((f for f in self.schema.fields if f.wire_key == key), None)

    @property
    def consumed(self):
        """Wire column names (as `Schema.arrays` names them) that are not kept as they are."""
        names = {self._field(key).name for key in self.keys.values()}
        return names | {self._field(k).name if self._field(k) else k for k in self.ignore}

    def column_of(self, name):
        """The schema column name that feeds light-curve column ``name``, or None."""
        key = self.keys.get(name)
        return None if key is None else self._field(key).name

    @property
    def sign_column(self):
        """The schema column name of `sign`, or None."""
        return None if self.sign is None else self._field(self.sign).name


@dataclass(frozen=True, eq=False)
class PhotometryMap:
    """
    A survey's photometry as one or more APIs send it, mapped to light-curve columns.

    Parameters
    ----------
    survey : `~alerce_astro.surveys.Survey`
        Bands, flux unit, AB zero point and the time scale of the wire MJDs.
    kinds : tuple of `KindMap`
        One per kind of photometry the APIs send.
    extras : tuple of `Extra`, optional
        The survey's own columns, in the order they follow the canonical ones.
    sentinels : dict, optional
        Column -> value at or above which a value means "undefined" and is masked (ALeRCE
        writes 100 for an undefined ZTF magnitude); non-finite values are masked too.
    position : tuple of str, optional
        The columns of right ascension and declination (degrees) whose detections give
        ``meta["coord"]``.

    Examples
    --------
    >>> from alerce_astro.schema import Schema
    >>> from alerce_astro.surveys import LSST
    >>> rows = Schema("demo", [("mjd", "float64", "d", "MJD (TAI)"),
    ...                        ("band", "int16", None, "Band code"),
    ...                        ("psfFlux", "float64", "nJy", "Difference flux")])
    >>> demo = PhotometryMap(LSST, kinds=(
    ...     KindMap("detection", rows, {"time": "mjd", "band_id": "band", "flux": "psfFlux"}),))
    >>> [c[0] for c in demo.columns()][:5]
    ['time', 'kind', 'band', 'band_id', 'flux']
    """

    survey: Survey
    kinds: tuple
    extras: tuple = ()
    sentinels: dict = field(default_factory=dict)
    position: tuple = ("ra", "dec")

    def __post_init__(self):
        kinds = tuple(sorted(self.kinds, key=lambda k: KINDS.index(k.kind)))
        if len({k.kind for k in kinds}) != len(kinds):
            raise ValueError("a photometry map has at most one KindMap per kind")
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "extras", tuple(self.extras))
        object.__setattr__(self, "sentinels", dict(self.sentinels))
        known = set(CANONICAL_NAMES) | {e.name for e in self.extras}
        if len({e.name for e in self.extras}) != len(self.extras):
            raise ValueError("extra column names must be unique")
        for kind in kinds:
            unknown = sorted(set(kind.keys) - known)
            if unknown:
                raise ValueError(f"{kind.kind} map: {unknown} are neither canonical columns "
                                 f"nor declared extras")
        unknown = sorted(set(self.sentinels) - known)
        if unknown:
            raise ValueError(f"sentinels name unknown columns {unknown}")

    def __repr__(self):
        return (f"<PhotometryMap {self.survey.name}: {', '.join(k.kind for k in self.kinds)}; "
                f"{len(self.extras)} extra columns>")

    def kind(self, kind):
        """The `KindMap` of ``kind``, or None."""
        return next((k for k in self.kinds if k.kind == kind), None)

    def columns(self):
        """
        The first columns of every light curve built with this map, in order.

        Returns
        -------
        list of tuple
            ``(name, dtype, unit, description)``: the canonical columns (units and
            descriptions resolved for the survey), then the extras.
        """
        # The time column is described alike for every survey (light curves of two surveys
        # stack without conflicts); a survey's TAI MJDs are converted to UTC by the builder.
        survey = self.survey
        bands = ", ".join(f"{b.code} = {b.name}" for b in sorted(survey.bands,
                                                                  key=lambda b: b.code))
        out = []
        for name, dtype, unit, description in CANONICAL_COLUMNS:
            if unit is _FLUX:
                unit = survey.flux_unit.to_string()
            if name == "band":
                description = f"{survey.title} band name: {', '.join(survey.band_names)}"
            elif name == "band_id":
                description = f"{survey.title} band code on the wire: {bands}"
            out.append((name, dtype, unit, description))
        return out + [(e.name, e.dtype, e.unit, e.description) for e in self.extras]
