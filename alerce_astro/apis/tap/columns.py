"""
The tables of ALeRCE's TAP service: every column's name, database type, unit and description.

ALeRCE's TAP service (GAVO DaCHS over ALeRCE's PostgreSQL databases) has two schemas:

- ``alerce_tap``: the multisurvey database (Rubin/LSST, and ZTF under 64-bit master ids);
- ``ztf``: the legacy ZTF database behind the ZTF API v1.

This module is the one place that knows those columns. The client uses it to fill in what the
service's ``TAP_SCHEMA`` leaves out (`alerce_astro.apis.tap.quirks`), the offline loader
(`alerce_astro.offline.tap`) to write the DaCHS resource descriptors of a local service in the
same layout. Names are lower case, as ALeRCE's service answers them (``psfflux``); ``wire`` is
the key of the same value in the REST APIs' JSON (``psfFlux``). The ZTF tables take their units
and descriptions from the ZTF API v1 column schemas (`alerce_astro.apis.ztf_v1.columns`), so a
fact about a ZTF column is written once.

Units are the true ones (LSST fluxes in nJy, times in MJD days); which of them ALeRCE's
``TAP_SCHEMA`` omits is a rule of `alerce_astro.apis.tap.quirks`.
"""

from dataclasses import dataclass, field

from astropy import units as u

from ..lightcurve_v2 import columns as lightcurve_v2
from ..ztf_v1 import columns as ztf_v1

__all__ = ["TapColumn", "TapTable", "TABLES", "SCHEMAS", "table", "column_facts"]

#: Database types used by the tables, as DaCHS spells them.
TYPES = ("smallint", "integer", "bigint", "real", "double precision", "text", "boolean", "date")


@dataclass(frozen=True)
class TapColumn:
    """
    One column of a TAP table.

    Parameters
    ----------
    name : str
        Column name as the service answers it (lower case).
    type : str
        Database type (one of `TYPES`).
    unit : str or None
        True unit (astropy syntax), `None` for dimensionless or text columns.
    description : str
        What the column holds.
    ucd : str, optional
        IVOA UCD (positions and ids of the main object).
    required : bool, optional
        Whether the column is ``NOT NULL`` in ALeRCE's database.
    wire : str, optional
        Key of the same value in the REST APIs' JSON, when it differs from ``name``.
    """

    name: str
    type: str
    unit: str | None
    description: str
    ucd: str | None = None
    required: bool = False
    wire: str | None = None

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"unknown type {self.type!r} of TAP column {self.name!r}")
        if self.name != self.name.lower():
            raise ValueError(f"TAP column names are lower case, got {self.name!r}")
        if self.unit is not None:
            u.Unit(self.unit)  # a typo fails at import, not in a user's query

    @property
    def wire_key(self):
        """Key of this column in the REST APIs' JSON rows."""
        return self.wire or self.name


@dataclass(frozen=True)
class TapTable:
    """
    One TAP table: schema, name, description, columns, and what is indexed.

    Parameters
    ----------
    schema : str
        ``alerce_tap`` or ``ztf``.
    name : str
        Table name.
    description : str
        What a row is.
    columns : tuple of `TapColumn`
        In the service's order.
    position : tuple of str, optional
        ``(ra, dec)`` columns of the main position (q3c-indexed, so that ADQL ``CONTAINS``
        cone queries use the index).
    indexes : tuple of str, optional
        Columns with a B-tree index (the join keys of light-curve queries).
    """

    schema: str
    name: str
    description: str
    columns: tuple
    position: tuple | None = None
    indexes: tuple = field(default=())

    @property
    def qualified_name(self):
        """``schema.name``, as ADQL queries write it."""
        return f"{self.schema}.{self.name}"

    def __getitem__(self, name):
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.qualified_name} has no column {name!r}")

    @property
    def names(self):
        """The column names, in order."""
        return [c.name for c in self.columns]


def _col(wire, type_, unit, description, *, ucd=None, required=False):
    name = wire.lower()
    return TapColumn(name, type_, unit, description, ucd=ucd, required=required,
                     wire=None if wire == name else wire)


def _ztf(name, type_, *, schema, required=False, ucd=None, unit=False, description=None,
         wire=None):
    """A legacy-ZTF column whose unit and description come from the ZTF API v1 schema."""
    if unit is False or description is None:
        f = schema[wire or name]
        unit = f.unit if unit is False else unit
        description = f.description if description is None else description
    return TapColumn(name, type_, unit, description, ucd=ucd, required=required, wire=wire)


_RA = "pos.eq.ra;meta.main"
_DEC = "pos.eq.dec;meta.main"
_ZTF_OID = TapColumn("oid", "text", None, "ZTF object identifier", ucd="meta.id;meta.main",
                     required=True)

# --------------------------------------------------------------------------------------------
# Schema ztf: the legacy ZTF database (the tables behind the ZTF API v1).
_O = ztf_v1.OBJECT
_D = ztf_v1.DETECTION
_N = ztf_v1.NON_DETECTION
_F = lightcurve_v2.FORCED_PHOTOMETRY
_M = ztf_v1.MAGSTATS
_P = ztf_v1.PROBABILITY
_FE = ztf_v1.FEATURE

ZTF_TABLES = (
    TapTable("ztf", "object", "ZTF objects: one row per object, with its position and "
             "detection statistics.", (
                 _ZTF_OID,
                 _ztf("ndethist", "integer", schema=_O),
                 _ztf("ncovhist", "integer", schema=_O),
                 _ztf("mjdstarthist", "double precision", schema=_O),
                 _ztf("mjdendhist", "double precision", schema=_O),
                 _ztf("corrected", "boolean", schema=_O),
                 _ztf("stellar", "boolean", schema=_O),
                 _ztf("ndet", "integer", schema=_O),
                 _ztf("g_r_max", "real", schema=_O),
                 _ztf("g_r_max_corr", "real", schema=_O),
                 _ztf("g_r_mean", "real", schema=_O),
                 _ztf("g_r_mean_corr", "real", schema=_O),
                 _ztf("meanra", "double precision", schema=_O, ucd=_RA),
                 _ztf("meandec", "double precision", schema=_O, ucd=_DEC),
                 _ztf("sigmara", "double precision", schema=_O),
                 _ztf("sigmadec", "double precision", schema=_O),
                 _ztf("deltajd", "double precision", schema=_O),
                 _ztf("firstmjd", "double precision", schema=_O),
                 _ztf("lastmjd", "double precision", schema=_O),
                 _ztf("step_id_corr", "text", schema=_O),
             ), position=("meanra", "meandec"), indexes=("oid",)),
    TapTable("ztf", "detection", "ZTF detections (alert candidates and their previous "
             "candidates): one row per detection.", (
                 _ztf("candid", "bigint", schema=_D, required=True, ucd="meta.id"),
                 _ZTF_OID,
                 _ztf("mjd", "double precision", schema=_D, required=True),
                 _ztf("fid", "integer", schema=_D, required=True),
                 _ztf("pid", "bigint", schema=_D),
                 _ztf("diffmaglim", "real", schema=_D),
                 _ztf("isdiffpos", "integer", schema=_D),
                 _ztf("nid", "integer", schema=_D),
                 _ztf("ra", "double precision", schema=_D),
                 _ztf("dec", "double precision", schema=_D),
                 _ztf("magpsf", "real", schema=_D),
                 _ztf("sigmapsf", "real", schema=_D),
                 _ztf("magap", "real", schema=_D),
                 _ztf("sigmagap", "real", schema=_D),
                 _ztf("distnr", "real", schema=_D),
                 _ztf("rb", "real", schema=_D),
                 _ztf("rbversion", "text", schema=_D),
                 _ztf("drb", "real", schema=_D),
                 TapColumn("drbversion", "text", None,
                           "Version of the deep-learning real/bogus model"),
                 _ztf("magapbig", "real", schema=_D),
                 _ztf("sigmagapbig", "real", schema=_D),
                 _ztf("rfid", "bigint", schema=_D),
                 # Double, not real: ALeRCE computes them in double precision (the ZTF
                 # API's recorded values have digits a float32 cannot hold).
                 _ztf("magpsf_corr", "double precision", schema=_D),
                 _ztf("sigmapsf_corr", "double precision", schema=_D),
                 _ztf("sigmapsf_corr_ext", "double precision", schema=_D),
                 _ztf("corrected", "boolean", schema=_D),
                 _ztf("dubious", "boolean", schema=_D),
                 _ztf("parent_candid", "bigint", schema=_D),
                 _ztf("has_stamp", "boolean", schema=_D),
                 _ztf("step_id_corr", "text", schema=_D),
             ), indexes=("oid",)),
    TapTable("ztf", "non_detection", "ZTF non-detections (upper limits from the alerts' "
             "history): one row per object, band and time.", (
                 _ZTF_OID,
                 _ztf("fid", "integer", schema=_N, required=True),
                 _ztf("mjd", "double precision", schema=_N, required=True),
                 # Double: the recorded non-detection limits have float64 digits.
                 _ztf("diffmaglim", "double precision", schema=_N),
             ), indexes=("oid",)),
    TapTable("ztf", "forced_photometry", "ZTF forced photometry at the object's position: "
             "one row per object and image.", (
                 _ztf("pid", "bigint", schema=_F, required=True),
                 _ZTF_OID,
                 *(_ztf(name, type_, schema=_F) for name, type_ in (
                     ("mjd", "double precision"), ("fid", "integer"),
                     ("ra", "double precision"), ("e_ra", "real"),
                     ("dec", "double precision"), ("e_dec", "real"),
                     ("mag", "real"), ("e_mag", "real"), ("mag_corr", "real"),
                     ("e_mag_corr", "real"), ("e_mag_corr_ext", "real"),
                     ("isdiffpos", "integer"), ("corrected", "boolean"),
                     ("dubious", "boolean"), ("parent_candid", "bigint"),
                     ("has_stamp", "boolean"), ("field", "integer"), ("rcid", "integer"),
                     ("rfid", "bigint"), ("sciinpseeing", "real"), ("scibckgnd", "real"),
                     ("scisigpix", "real"), ("magzpsci", "real"), ("magzpsciunc", "real"),
                     ("magzpscirms", "real"), ("clrcoeff", "real"), ("clrcounc", "real"),
                     ("exptime", "real"), ("adpctdif1", "real"), ("adpctdif2", "real"),
                     ("diffmaglim", "real"), ("programid", "integer"), ("procstatus", "text"),
                     ("distnr", "real"), ("ranr", "double precision"),
                     ("decnr", "double precision"), ("magnr", "real"), ("sigmagnr", "real"),
                     ("chinr", "real"), ("sharpnr", "real"))),
             ), indexes=("oid",)),
    TapTable("ztf", "magstat", "Statistics of each object's magnitudes, per band.", (
        _ZTF_OID,
        *(_ztf(name, type_, schema=_M) for name, type_ in (
            ("fid", "integer"), ("stellar", "boolean"), ("corrected", "boolean"),
            ("ndet", "integer"), ("ndubious", "integer"), ("magmean", "real"),
            ("magmedian", "real"), ("magmax", "real"), ("magmin", "real"),
            ("magsigma", "real"), ("maglast", "real"), ("magfirst", "real"),
            ("firstmjd", "double precision"), ("lastmjd", "double precision"),
            ("step_id_corr", "text"))),
    ), indexes=("oid",)),
    TapTable("ztf", "probability", "Classification probabilities: one row per object, "
             "classifier and class.", (
                 _ZTF_OID,
                 _ztf("class_name", "text", schema=_P, required=True),
                 _ztf("classifier_name", "text", schema=_P, required=True),
                 _ztf("classifier_version", "text", schema=_P, required=True),
                 _ztf("probability", "double precision", schema=_P, required=True),
                 _ztf("ranking", "integer", schema=_P, required=True),
             ), indexes=("oid", "classifier_name")),
    TapTable("ztf", "feature", "Light-curve features computed by ALeRCE: one row per "
             "object, feature, band and version.", (
                 _ZTF_OID,
                 _ztf("name", "text", schema=_FE, required=True),
                 # "value" is an SQL reserved word: ALeRCE's service calls it feature_value.
                 _ztf("feature_value", "double precision", schema=_FE, wire="value"),
                 _ztf("fid", "integer", schema=_FE, required=True),
                 _ztf("version", "text", schema=_FE, required=True),
             ), indexes=("oid",)),
)

# --------------------------------------------------------------------------------------------
# Schema alerce_tap: the multisurvey database.
_MS_OID = TapColumn(
    "oid", "bigint", None, "Object identifier, a 64-bit integer: Rubin's diaObjectId (or "
    "ssObjectId) for LSST, a master id for ZTF", ucd="meta.id;meta.main", required=True)
_SID = TapColumn("sid", "smallint", None,
                 "Survey id: 0 ZTF, 1 LSST DIA object, 2 LSST solar-system object",
                 required=True)
_TID = TapColumn("tid", "smallint", None, "Telescope id: 0 ZTF, 1 Rubin", required=True)
_MEASUREMENT_ID = TapColumn(
    "measurement_id", "bigint", None, "Measurement identifier, a 64-bit integer (LSST "
    "diaSourceId or diaForcedSourceId; ZTF candid)", ucd="meta.id", required=True)
_MJD = TapColumn("mjd", "double precision", "d",
                 "Time of the observation (MJD; TAI for LSST, UTC for ZTF)", required=True)
_BAND = TapColumn("band", "smallint", None,
                  "Band code (see table band): LSST u=6 g=1 r=2 i=3 z=4 y=5; ZTF g=1 r=2 i=3")

_NJY = "nJy"
_FLAG = "boolean"
_LSST_DETECTION_EXTRAS = (
    _col("parentDiaSourceId", "bigint", None, "Id of the parent diaSource (deblending); 0 if "
         "none"),
    _col("visit", "bigint", None, "Id of the visit the source was measured on",
         required=True),
    _col("detector", "integer", None, "Id of the detector (CCD)", required=True),
    _col("diaObjectId", "bigint", None, "Id of the diaObject the source belongs to"),
    _col("ssObjectId", "bigint", None, "Id of the solar-system object the source belongs to; "
         "0 if none"),
    _col("raErr", "real", "deg", "Uncertainty of ra"),
    _col("decErr", "real", "deg", "Uncertainty of dec"),
    _col("ra_dec_Cov", "real", "deg2", "Covariance of ra and dec"),
    _col("x", "real", "pix", "x position of the centroid on the detector", required=True),
    _col("xErr", "real", "pix", "Uncertainty of x"),
    _col("y", "real", "pix", "y position of the centroid on the detector", required=True),
    _col("yErr", "real", "pix", "Uncertainty of y"),
    _col("centroid_flag", _FLAG, None, "General centroid failure flag"),
    _col("apFlux", "real", _NJY, "Flux in a 12-pixel radius aperture on the difference image"),
    _col("apFluxErr", "real", _NJY, "Uncertainty of apFlux"),
    _col("apFlux_flag", _FLAG, None, "General aperture flux failure flag"),
    _col("apFlux_flag_apertureTruncated", _FLAG, None,
         "Aperture did not fit within the measurement image"),
    _col("isNegative", _FLAG, None, "Source was detected as significantly negative"),
    _col("snr", "real", None, "Ratio of apFlux and apFluxErr"),
    _col("psfFlux", "real", _NJY, "Flux of a PSF model fit on the difference image (signed)"),
    _col("psfFluxErr", "real", _NJY, "Uncertainty of psfFlux"),
    _col("psfLnL", "real", None, "Natural log likelihood of the PSF fit"),
    _col("psfChi2", "real", None, "Chi-squared of the PSF fit"),
    _col("psfNdata", "integer", None, "Number of pixels used in the PSF fit"),
    _col("psfFlux_flag", _FLAG, None, "Failure to derive the PSF flux"),
    _col("psfFlux_flag_edge", _FLAG, None, "Object was too close to the edge of the image"),
    _col("psfFlux_flag_noGoodPixels", _FLAG, None, "Not enough non-rejected pixels in data"),
    _col("trailFlux", "real", _NJY, "Flux of a trailed-source model fit"),
    _col("trailFluxErr", "real", _NJY, "Uncertainty of trailFlux"),
    _col("trailRa", "double precision", "deg", "Right ascension of the trail centroid"),
    _col("trailRaErr", "real", "deg", "Uncertainty of trailRa"),
    _col("trailDec", "double precision", "deg", "Declination of the trail centroid"),
    _col("trailDecErr", "real", "deg", "Uncertainty of trailDec"),
    _col("trailLength", "real", "arcsec", "Length of the trail"),
    _col("trailLengthErr", "real", "arcsec", "Uncertainty of trailLength"),
    _col("trailAngle", "real", "deg", "Angle of the trail from the +x axis"),
    _col("trailAngleErr", "real", "deg", "Uncertainty of trailAngle"),
    _col("trailChi2", "real", None, "Chi-squared of the trailed-source fit"),
    _col("trailNdata", "integer", None, "Number of pixels used in the trailed-source fit"),
    _col("trail_flag_edge", _FLAG, None, "Trail touches the edge of the image"),
    _col("dipoleMeanFlux", "real", _NJY, "Mean of the two lobes' fluxes of a dipole fit"),
    _col("dipoleMeanFluxErr", "real", _NJY, "Uncertainty of dipoleMeanFlux"),
    _col("dipoleFluxDiff", "real", _NJY, "Difference of the two lobes' fluxes of a dipole fit"),
    _col("dipoleFluxDiffErr", "real", _NJY, "Uncertainty of dipoleFluxDiff"),
    _col("dipoleLength", "real", "arcsec", "Separation of the dipole's lobes"),
    _col("dipoleAngle", "real", "deg", "Angle of the dipole from the +x axis"),
    _col("dipoleChi2", "real", None, "Chi-squared of the dipole fit"),
    _col("dipoleNdata", "integer", None, "Number of pixels used in the dipole fit"),
    _col("forced_PsfFlux_flag", _FLAG, None, "Forced PSF flux failure flag"),
    _col("forced_PsfFlux_flag_edge", _FLAG, None, "Forced PSF flux: object too close to the "
         "edge"),
    _col("forced_PsfFlux_flag_noGoodPixels", _FLAG, None,
         "Forced PSF flux: not enough non-rejected pixels"),
    _col("templateFlux", "real", _NJY, "Forced PSF flux on the template image"),
    _col("templateFluxErr", "real", _NJY, "Uncertainty of templateFlux"),
    _col("ixx", "real", "nJy arcsec2", "Adaptive second moment of the source intensity (xx)"),
    _col("iyy", "real", "nJy arcsec2", "Adaptive second moment of the source intensity (yy)"),
    _col("ixy", "real", "nJy arcsec2", "Adaptive second moment of the source intensity (xy)"),
    _col("ixxPSF", "real", "nJy arcsec2", "Adaptive second moment of the PSF (xx)"),
    _col("iyyPSF", "real", "nJy arcsec2", "Adaptive second moment of the PSF (yy)"),
    _col("ixyPSF", "real", "nJy arcsec2", "Adaptive second moment of the PSF (xy)"),
    _col("shape_flag", _FLAG, None, "General source shape algorithm failure flag"),
    _col("shape_flag_no_pixels", _FLAG, None, "No pixels to measure the shape"),
    _col("shape_flag_not_contained", _FLAG, None, "Centre not contained in the footprint"),
    _col("shape_flag_parent_source", _FLAG, None, "Parent source, ignored"),
    _col("extendedness", "real", None, "Probability-like score that the source is extended"),
    _col("reliability", "real", None, "Rubin's real/bogus score of the source"),
    _col("isDipole", _FLAG, None, "Source is well fitted by a dipole"),
    _col("dipoleFitAttempted", _FLAG, None, "A dipole model was fitted"),
    _col("timeProcessedMjdTai", "double precision", "d", "Time the source was processed "
         "(MJD, TAI)"),
    _col("timeWithdrawnMjdTai", "double precision", "d", "Time the source was withdrawn "
         "(MJD, TAI); null if it was not"),
    _col("bboxSize", "integer", "pix", "Side of the square bounding box of the footprint"),
    *(_col(f"pixelFlags{suffix}", _FLAG, None, f"Pixel flag{text}") for suffix, text in (
        ("", ": any pixel flag set in the footprint"),
        ("_bad", ": bad pixel in the footprint"), ("_cr", ": cosmic ray in the footprint"),
        ("_crCenter", ": cosmic ray at the centre"), ("_edge", ": edge pixel in the footprint"),
        ("_nodata", ": pixel without data in the footprint"),
        ("_nodataCenter", ": pixel without data at the centre"),
        ("_interpolated", ": interpolated pixel in the footprint"),
        ("_interpolatedCenter", ": interpolated pixel at the centre"),
        ("_offimage", ": source centre is off the image"),
        ("_saturated", ": saturated pixel in the footprint"),
        ("_saturatedCenter", ": saturated pixel at the centre"),
        ("_suspect", ": suspect pixel in the footprint"),
        ("_suspectCenter", ": suspect pixel at the centre"),
        ("_streak", ": streak in the footprint"), ("_streakCenter", ": streak at the centre"),
        ("_injected", ": injected source in the footprint"),
        ("_injectedCenter", ": injected source at the centre"),
        ("_injected_template", ": injected source in the template footprint"),
        ("_injected_templateCenter", ": injected source at the template centre"))),
    _col("glint_trail", _FLAG, None, "Source is part of a glint trail"),
    _col("scienceFlux", "real", _NJY, "Forced PSF flux on the science (direct) image"),
    _col("scienceFluxErr", "real", _NJY, "Uncertainty of scienceFlux"),
    _col("has_stamp", _FLAG, None, "Whether ALeRCE received an alert with cutouts for this "
         "source (its triggering source)"),
)

_FLUX_STATS = []
for _b in "ugrizy":
    _FLUX_STATS += [
        _col(f"{_b}_psfFluxMean", "real", _NJY, f"Weighted mean of psfFlux in {_b}"),
        _col(f"{_b}_psfFluxMeanErr", "real", _NJY, f"Uncertainty of {_b}_psfFluxMean"),
        _col(f"{_b}_psfFluxSigma", "real", _NJY, f"Standard deviation of psfFlux in {_b}"),
        _col(f"{_b}_psfFluxNdata", "integer", None, f"Number of psfFlux values in {_b}"),
        _col(f"{_b}_fpFluxMean", "real", _NJY, f"Weighted mean of forced psfFlux in {_b}"),
        _col(f"{_b}_fpFluxMeanErr", "real", _NJY, f"Uncertainty of {_b}_fpFluxMean"),
    ]
for _b in "ugrizy":
    _FLUX_STATS += [
        _col(f"{_b}_scienceFluxMean", "real", _NJY, f"Weighted mean of scienceFlux in {_b}"),
        _col(f"{_b}_scienceFluxMeanErr", "real", _NJY, f"Uncertainty of {_b}_scienceFluxMean"),
    ]
for _b in "ugrizy":
    _FLUX_STATS += [
        _col(f"{_b}_psfFluxMin", "real", _NJY, f"Smallest psfFlux in {_b}"),
        _col(f"{_b}_psfFluxMax", "real", _NJY, f"Largest psfFlux in {_b}"),
        _col(f"{_b}_psfFluxMaxSlope", "real", "nJy / d",
             f"Largest slope of psfFlux between consecutive points in {_b}"),
        _col(f"{_b}_psfFluxErrMean", "real", _NJY, f"Mean of psfFluxErr in {_b}"),
    ]

ALERCE_TAP_TABLES = (
    TapTable("alerce_tap", "object", "Objects of every survey: one row per object, with its "
             "mean position and detection statistics.", (
                 _MS_OID, _TID, _SID,
                 TapColumn("meanra", "double precision", "deg",
                           "Mean right ascension of the detections (ICRS)", ucd=_RA,
                           required=True),
                 TapColumn("meandec", "double precision", "deg",
                           "Mean declination of the detections (ICRS)", ucd=_DEC,
                           required=True),
                 TapColumn("sigmara", "double precision", "deg",
                           "Uncertainty of meanra (inverse-variance weighted)"),
                 TapColumn("sigmadec", "double precision", "deg",
                           "Uncertainty of meandec (inverse-variance weighted)"),
                 TapColumn("firstmjd", "double precision", "d", "MJD of the first detection",
                           required=True),
                 TapColumn("lastmjd", "double precision", "d", "MJD of the last detection",
                           required=True),
                 TapColumn("deltamjd", "double precision", "d",
                           "Time between the first and the last detection", required=True),
                 TapColumn("n_det", "integer", None, "Number of detections", required=True),
                 TapColumn("n_forced", "integer", None, "Number of forced-photometry points",
                           required=True),
                 TapColumn("n_non_det", "integer", None, "Number of non-detections",
                           required=True),
                 TapColumn("created_date", "date", None, "Date the object was created"),
                 TapColumn("updated_date", "date", None, "Date the object was last updated"),
             ), position=("meanra", "meandec"), indexes=("oid",)),
    TapTable("alerce_tap", "detection", "Detections of every survey (the survey-independent "
             "part; LSST and ZTF details in lsst_detection and ztf_detection).", (
                 _MS_OID, _SID, _MEASUREMENT_ID, _MJD,
                 TapColumn("ra", "double precision", "deg", "Right ascension of the "
                           "detection (ICRS)", required=True),
                 TapColumn("dec", "double precision", "deg", "Declination of the detection "
                           "(ICRS)", required=True),
                 _BAND,
             ), indexes=("oid",)),
    TapTable("alerce_tap", "lsst_detection", "LSST detections (diaSources): the Rubin "
             "measurements of each detection of table detection.", (
                 _MS_OID, _SID, _MEASUREMENT_ID, *_LSST_DETECTION_EXTRAS,
             ), indexes=("oid",)),
    TapTable("alerce_tap", "forced_photometry", "Forced photometry of every survey (the "
             "survey-independent part; LSST details in lsst_forced_photometry).", (
                 _MS_OID, _SID, _MEASUREMENT_ID, _MJD,
                 TapColumn("ra", "double precision", "deg", "Right ascension of the forced "
                           "position (the object's)", required=True),
                 TapColumn("dec", "double precision", "deg", "Declination of the forced "
                           "position (the object's)", required=True),
                 _BAND,
             ), indexes=("oid",)),
    TapTable("alerce_tap", "lsst_forced_photometry", "LSST forced photometry "
             "(diaForcedSources) at each object's position.", (
                 _MS_OID, _SID, _MEASUREMENT_ID,
                 _col("visit", "bigint", None, "Id of the visit", required=True),
                 _col("detector", "integer", None, "Id of the detector (CCD)", required=True),
                 _col("psfFlux", "real", _NJY, "Forced PSF flux on the difference image "
                      "(signed)"),
                 _col("psfFluxErr", "real", _NJY, "Uncertainty of psfFlux"),
                 _col("scienceFlux", "real", _NJY, "Forced PSF flux on the science image"),
                 _col("scienceFluxErr", "real", _NJY, "Uncertainty of scienceFlux"),
                 _col("timeProcessedMjdTai", "double precision", "d",
                      "Time the point was processed (MJD, TAI)"),
                 _col("timeWithdrawnMjdTai", "double precision", "d",
                      "Time the point was withdrawn (MJD, TAI); null if it was not"),
             ), indexes=("oid",)),
    TapTable("alerce_tap", "lsst_dia_object", "Rubin's diaObject record of each LSST object "
             "(its last alert's).", (
                 _MS_OID,
                 _col("validityStartMjdTai", "double precision", "d",
                      "Start of the validity of this version of the record (MJD, TAI)",
                      required=True),
                 _col("ra", "double precision", "deg", "Right ascension (ICRS)",
                      required=True),
                 _col("raErr", "real", "deg", "Uncertainty of ra"),
                 _col("dec", "double precision", "deg", "Declination (ICRS)", required=True),
                 _col("decErr", "real", "deg", "Uncertainty of dec"),
                 _col("ra_dec_Cov", "real", "deg2", "Covariance of ra and dec"),
                 *_FLUX_STATS,
                 _col("firstDiaSourceMjdTai", "double precision", "d",
                      "Time of the first diaSource (MJD, TAI)"),
                 _col("lastDiaSourceMjdTai", "double precision", "d",
                      "Time of the last diaSource (MJD, TAI)"),
                 _col("nDiaSources", "integer", None, "Number of diaSources", required=True),
             ), indexes=("oid",)),
    TapTable("alerce_tap", "ztf_detection", "ZTF detections of the multisurvey database: the "
             "ZTF measurements of each ZTF detection of table detection.", (
                 _MS_OID, _MEASUREMENT_ID,
                 *(TapColumn(c.name, c.type, c.unit, c.description)
                   for c in ZTF_TABLES[1].columns
                   if c.name in ("pid", "diffmaglim", "isdiffpos", "nid", "magpsf", "sigmapsf",
                                 "magap", "sigmagap", "distnr", "rb", "rbversion", "drb",
                                 "drbversion", "magapbig", "sigmagapbig", "rfid",
                                 "magpsf_corr", "sigmapsf_corr", "sigmapsf_corr_ext",
                                 "corrected", "dubious", "parent_candid", "has_stamp")),
             ), indexes=("oid",)),
    TapTable("alerce_tap", "ztf_non_detection", "ZTF non-detections (upper limits) of the "
             "multisurvey database.", (
                 _MS_OID,
                 TapColumn("band", "smallint", None, "Band code: 1 g, 2 r, 3 i",
                           required=True),
                 TapColumn("mjd", "double precision", "d", "Time of the observation "
                           "(MJD, UTC)", required=True),
                 TapColumn("diffmaglim", "real", "mag", "5-sigma limiting magnitude of the "
                           "difference image", required=True),
             ), indexes=("oid",)),
    TapTable("alerce_tap", "probability", "Classification probabilities: one row per object, "
             "classifier and class (names in tables classifier and taxonomy).", (
                 _MS_OID, _SID,
                 TapColumn("classifier_id", "smallint", None, "Classifier id (table "
                           "classifier)", required=True),
                 TapColumn("classifier_version", "smallint", None, "Classifier version as an "
                           "integer (201 for 2.0.1)", required=True),
                 TapColumn("class_id", "smallint", None, "Class id within the classifier "
                           "(table taxonomy; join on classifier_id too)", required=True),
                 TapColumn("probability", "real", None, "Probability of the class",
                           required=True),
                 TapColumn("ranking", "smallint", None, "Rank of the class within the "
                           "classifier (1 = most probable)"),
                 TapColumn("lastmjd", "double precision", "d", "Time of the last detection "
                           "the classification used (MJD)", required=True),
             ), indexes=("oid", "classifier_id")),
    TapTable("alerce_tap", "classifier", "Classifiers.", (
        TapColumn("classifier_id", "integer", None, "Classifier id", required=True),
        TapColumn("classifier_name", "text", None, "Classifier name", required=True),
        TapColumn("classifier_version", "text", None, "Classifier version (2.0.1)",
                  required=True),
        _TID,
        TapColumn("created_date", "date", None, "Date the classifier was added"),
    )),
    TapTable("alerce_tap", "taxonomy", "Classes of each classifier (class ids are reused by "
             "different classifiers: join on classifier_id and class_id).", (
                 TapColumn("class_id", "integer", None, "Class id within the classifier",
                           required=True),
                 TapColumn("class_name", "text", None, "Class name", required=True),
                 TapColumn("order", "integer", None, "Position of the class in the "
                           "classifier's taxonomy", required=True),
                 TapColumn("classifier_id", "smallint", None, "Classifier id",
                           required=True),
                 TapColumn("created_date", "date", None, "Date the class was added"),
             )),
    TapTable("alerce_tap", "band", "Band codes of each survey, with their names and "
             "wavelength order.", (
                 _SID, _TID,
                 TapColumn("band", "smallint", None, "Band code", required=True),
                 TapColumn("band_name", "text", None, "Band name", required=True),
                 TapColumn("band_order", "integer", None, "Position of the band in "
                           "wavelength order within the survey"),
             )),
    TapTable("alerce_tap", "sid_lut", "Survey ids.", (
        _SID,
        TapColumn("tid", "smallint", None, "Telescope id: 0 ZTF, 1 Rubin"),
        TapColumn("survey_name", "text", None, "Survey name", required=True),
    )),
)

TABLES = {t.qualified_name: t for t in ZTF_TABLES + ALERCE_TAP_TABLES}
SCHEMAS = {
    "ztf": "ALeRCE's legacy ZTF database: the tables behind the ZTF API v1.",
    "alerce_tap": "ALeRCE's multisurvey database: Rubin/LSST objects and their measurements, "
                  "ZTF under 64-bit master ids, classifications.",
}


def table(name):
    """
    The `TapTable` called ``name`` (``schema.table``).

    Examples
    --------
    >>> table("alerce_tap.lsst_detection")["psfflux"].unit
    'nJy'
    """
    try:
        return TABLES[name.lower()]
    except KeyError:
        raise KeyError(f"unknown TAP table {name!r}; known: {sorted(TABLES)}") from None


def column_facts():
    """
    For every column name, the set of ``(unit, description)`` the known tables give it.

    Returns
    -------
    dict
        ``name -> {(unit, description), ...}`` (a name in several tables may have several).

    Examples
    --------
    >>> sorted({unit for unit, _ in column_facts()["psfflux"]})
    ['nJy']
    """
    facts = {}
    for t in TABLES.values():
        for c in t.columns:
            facts.setdefault(c.name, set()).add((c.unit, c.description))
    return facts
