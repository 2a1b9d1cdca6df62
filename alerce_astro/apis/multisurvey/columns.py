"""
Column schemas of ALeRCE's multisurvey API (LSST answers): name, type, unit and description.

The single place that knows the wire columns of this API; rows are
``(name, dtype, unit, description[, wire key])`` as in `alerce_astro.schema`. Units are those of
Rubin's alert schema (v11.1): fluxes in nJy (stored by ALeRCE as float32, so the JSON carries
float32's shortest decimal forms), positions in degrees, times as MJD in days **on the TAI
scale** for LSST rows (Rubin's ``midpointMjdTai``; ZTF rows are UTC). Ids (``oid``,
``measurement_id``, ``visit``...) are exact 64-bit integers. Keys a schema does not declare are
kept as extra columns by `~alerce_astro.schema.Schema.table`, so a new field of the alert schema
reaches the user before this module learns it.

Two answers are reshaped before their schema applies (functions below):

- ``magstat_api/magstats`` sends Rubin's diaObject summary as ONE row of 95 keys with the band
  in the key name (``g_psfFluxMean``...); `magstats_per_band` turns it into one row per band
  (columns ``band``, ``band_id``, ``psfFluxMean``...), in wavelength order, keeping only the bands
  with data. The object-wide keys (``ra``, ``dec``, ``validityStartMjdTai``, ``nDiaSources``...)
  go to `magstats_object_fields` (the client puts them in ``meta``).
- Every photometry row carries ``band_map`` (the code -> name table, e.g. ``{"6": "u", ...}``):
  `~alerce_astro.apis.multisurvey.quirks.check_band_map` checks it against the survey's band
  table and drops it, so it never becomes a column.
"""

from ...schema import Schema
from ...surveys import LSST

__all__ = ["LIST_OBJECT", "OBJECT", "OBJECT_EXTRA", "DETECTION", "FORCED_PHOTOMETRY",
           "MAGSTATS", "PROBABILITY", "CLASSIFIER", "CONESEARCH", "LIST_ENVELOPE_KEYS",
           "magstats_per_band", "magstats_object_fields", "MAGSTATS_BAND_KEYS"]

_OID = ("oid", "int64", None,
        "Object identifier: Rubin diaObjectId or ssObjectId for LSST (a ZTF object's master id "
        "in this API)")
_TID = ("tid", "int16", None, "Telescope id: 0 ZTF, 1 Rubin")
_SID = ("sid", "int16", None, "Survey id: 0 ZTF, 1 LSST diaObject, 2 LSST ssObject")
_TAI = "MJD on the TAI scale for LSST (Rubin's midpointMjdTai), UTC for ZTF"

_OBJECT_BASE = [
    _OID, _TID, _SID,
    ("meanra", "float64", "deg", "Mean right ascension of the detections (ICRS; "
     "inverse-variance weighted)"),
    ("meandec", "float64", "deg", "Mean declination of the detections (ICRS)"),
    ("sigmara", "float64", "deg", "Uncertainty of meanra"),
    ("sigmadec", "float64", "deg", "Uncertainty of meandec"),
    ("firstmjd", "float64", "d", f"Time of the first detection ({_TAI})"),
    ("lastmjd", "float64", "d", f"Time of the last detection ({_TAI})"),
    ("deltamjd", "float64", "d", "Time between the first and the last detection"),
    ("n_det", "int64", None, "Number of detections"),
    ("n_forced", "int64", None, "Number of forced-photometry points (as counted by ALeRCE)"),
    ("n_non_det", "int64", None, "Number of non-detections (always 0 for LSST: Rubin alerts "
     "carry no upper limits)"),
]

#: Items of ``object_api/list_objects``: one row per object AND classifier (see quirks).
LIST_OBJECT = Schema("list_objects", _OBJECT_BASE + [
    ("stellar", "bool", None, "Whether the object is likely a star (null for LSST)"),
    ("class_name", "str", None, "Class of this row's classifier"),
    ("classifier_name", "str", None, "Classifier that gave the class"),
    ("classifier_version", "str", None, "Version of the classifier (text, e.g. '2.0.1')"),
    ("probability", "float64", None, "Probability of the class"),
    ("ranking", "int16", None, "Rank of the class within the classifier (1 = most probable)"),
])

#: Keys of the ``list_objects`` envelope; ``total`` is NOT a count (at most page_size + 1).
LIST_ENVELOPE_KEYS = ("total", "next", "has_next", "prev", "has_prev", "current_page", "items",
                      "info_message")

#: ``object_api/object`` (15 keys).
OBJECT = Schema("object", _OBJECT_BASE + [
    ("created_date", "str", None, "When ALeRCE created the object (ISO 8601, UTC)"),
    ("updated_date", "str", None, "When ALeRCE last updated the object (ISO 8601, UTC)"),
])

#: The band-specific fields of Rubin's diaObject, without the ``<band>_`` prefix.
MAGSTATS_BAND_KEYS = (
    ("psfFluxMean", "float64", "nJy", "Weighted mean difference-image PSF flux"),
    ("psfFluxMeanErr", "float64", "nJy", "Standard error of psfFluxMean"),
    ("psfFluxSigma", "float64", "nJy", "Standard deviation of the difference-image PSF fluxes"),
    ("psfFluxNdata", "int64", None, "Number of data points (diaSources) in the band"),
    ("fpFluxMean", "float64", "nJy", "Weighted mean forced-photometry flux"),
    ("fpFluxMeanErr", "float64", "nJy", "Standard error of fpFluxMean"),
    ("scienceFluxMean", "float64", "nJy", "Weighted mean flux on the science (direct) image"),
    ("scienceFluxMeanErr", "float64", "nJy", "Standard error of scienceFluxMean"),
    ("psfFluxMin", "float64", "nJy", "Smallest difference-image PSF flux"),
    ("psfFluxMax", "float64", "nJy", "Largest difference-image PSF flux"),
    ("psfFluxMaxSlope", "float64", "nJy / d",
     "Largest slope between two observations, max(delta flux / delta time)"),
    ("psfFluxErrMean", "float64", "nJy", "Mean of the flux errors"),
)

#: The object-wide fields of Rubin's diaObject summary.
_DIAOBJECT_FIELDS = [
    ("validityStartMjdTai", "float64", "d",
     "Processing time from which this diaObject version is valid (MJD, TAI)"),
    ("ra", "float64", "deg", "Right ascension of the diaObject (ICRS)"),
    ("raErr", "float64", "deg", "Error of ra (times cos dec)"),
    ("dec", "float64", "deg", "Declination of the diaObject (ICRS)"),
    ("decErr", "float64", "deg", "Error of dec"),
    ("ra_dec_Cov", "float64", "deg2", "Covariance of ra (times cos dec) and dec"),
    ("firstDiaSourceMjdTai", "float64", "d", "Time of the first diaSource (MJD, TAI)"),
    ("lastDiaSourceMjdTai", "float64", "d", "Time of the last diaSource (MJD, TAI)"),
    ("nDiaSources", "int64", None, "Number of diaSources of the diaObject"),
]

#: ``object_api/object?return_survey_extra=true`` (95 keys): the object's keys but
#: ``updated_date``, and Rubin's diaObject summary (per band fields under ``<band>_<field>``,
#: e.g. ``g_psfFluxMean``).
OBJECT_EXTRA = Schema("object_extra", _OBJECT_BASE + _DIAOBJECT_FIELDS + [
    (f"{band}_{name}", dtype, unit, f"{description} ({band} band)")
    for band in LSST.band_names for name, dtype, unit, description in MAGSTATS_BAND_KEYS
] + [
    # This answer has no updated_date (95 keys).
    ("created_date", "str", None, "When ALeRCE created the object (ISO 8601, UTC)"),
])

_BAND = ("band", "int16", None, "Band code on the wire: u = 6, g = 1, r = 2, i = 3, z = 4, y = 5")
_MJD = ("mjd", "float64", "d", f"Mid-exposure time ({_TAI})")
_SURVEY_ID = ("survey_id", "str", None, "Survey of the row: 'lsst' or 'ztf'")
_FLUXES = [
    ("psfFlux", "float64", "nJy",
     "PSF flux on the difference image (signed: science minus template)"),
    ("psfFluxErr", "float64", "nJy", "Uncertainty of psfFlux"),
    ("scienceFlux", "float64", "nJy", "Forced PSF flux on the science (direct) image"),
    ("scienceFluxErr", "float64", "nJy", "Uncertainty of scienceFlux"),
]


def _flag(name, what):
    return (name, "bool", None, what)


#: ``lightcurve_api/detections`` rows (Rubin diaSources): 102 keys, ``band_map`` dropped.
DETECTION = Schema("detections", [
    _BAND, _MJD, _SURVEY_ID,
    ("ra", "float64", "deg", "Right ascension of the diaSource (ICRS)"),
    ("dec", "float64", "deg", "Declination of the diaSource (ICRS)"),
    _OID,
    ("measurement_id", "int64", None, "Detection id: Rubin diaSourceId (exact 64-bit integer)"),
    ("parentDiaSourceId", "int64", None,
     "diaSource this one was deblended from (0 or -1: none)"),
    ("diaObjectId", "int64", None, "diaObject of the diaSource (0 for a solar-system source)"),
    _FLUXES[0], _FLUXES[1],
    ("psfFlux_flag", "int16", None, "1 if the PSF fit failed (0/1 on the wire)"),
    ("psfFlux_flag_edge", "int16", None, "1 if too close to the edge for the full PSF model"),
    ("psfFlux_flag_noGoodPixels", "int16", None, "1 if too few good pixels for the PSF fit"),
    _FLUXES[2], _FLUXES[3],
    ("has_stamp", "bool", None,
     "Whether this detection triggered an alert ALeRCE received (it has image cutouts)"),
    ("visit", "int64", None, "Rubin visit id"),
    ("detector", "int32", None, "Rubin detector (CCD) id"),
    ("ssObjectId", "int64", None, "Solar-system object of the diaSource (0: none)"),
    ("raErr", "float64", "deg", "Error of ra (times cos dec)"),
    ("decErr", "float64", "deg", "Error of dec"),
    ("ra_dec_Cov", "float64", "deg2", "Covariance of ra (times cos dec) and dec"),
    ("x", "float64", "pix", "Centroid column on the detector"),
    ("xErr", "float64", "pix", "Error of x"),
    ("y", "float64", "pix", "Centroid row on the detector"),
    ("yErr", "float64", "pix", "Error of y"),
    _flag("centroid_flag", "Centroid fit failed"),
    ("apFlux", "float64", "nJy", "Flux in a 12-pixel aperture on the difference image"),
    ("apFluxErr", "float64", "nJy", "Uncertainty of apFlux"),
    _flag("apFlux_flag", "Aperture flux failed"),
    _flag("apFlux_flag_apertureTruncated", "Aperture did not fit in the image"),
    _flag("isNegative", "Source detected as significantly negative"),
    ("snr", "float64", None, "Signal-to-noise ratio of the detection on the difference image"),
    ("psfLnL", "float64", None, "Log likelihood of the PSF model"),
    ("psfChi2", "float64", None, "Chi-square of the PSF model"),
    ("psfNdata", "int64", None, "Pixels used by the PSF fit"),
    ("trailFlux", "float64", "nJy", "Flux of the trailed-source model"),
    ("trailFluxErr", "float64", "nJy", "Uncertainty of trailFlux"),
    ("trailRa", "float64", "deg", "Right ascension of the trailed-source centroid"),
    ("trailRaErr", "float64", "deg", "Error of trailRa"),
    ("trailDec", "float64", "deg", "Declination of the trailed-source centroid"),
    ("trailDecErr", "float64", "deg", "Error of trailDec"),
    ("trailLength", "float64", "arcsec", "Trail length"),
    ("trailLengthErr", "float64", "arcsec", "Error of trailLength"),
    ("trailAngle", "float64", "deg", "Trail bearing"),
    ("trailAngleErr", "float64", "deg", "Error of trailAngle"),
    ("trailChi2", "float64", None, "Chi-square of the trail model"),
    ("trailNdata", "int64", None, "Pixels used by the trail fit"),
    _flag("trail_flag_edge", "Trail reaches the image edge"),
    ("dipoleMeanFlux", "float64", "nJy", "Mean absolute flux of the two dipole lobes"),
    ("dipoleMeanFluxErr", "float64", "nJy", "Uncertainty of dipoleMeanFlux"),
    ("dipoleFluxDiff", "float64", "nJy", "Flux difference of the two dipole lobes"),
    ("dipoleFluxDiffErr", "float64", "nJy", "Uncertainty of dipoleFluxDiff"),
    ("dipoleLength", "float64", "arcsec", "Separation of the dipole lobes"),
    ("dipoleAngle", "float64", "deg", "Dipole bearing, negative to positive lobe"),
    ("dipoleChi2", "float64", None, "Chi-square of the dipole model"),
    ("dipoleNdata", "int64", None, "Pixels used by the dipole fit"),
    _flag("forced_PsfFlux_flag", "Forced PSF photometry on the science image failed"),
    _flag("forced_PsfFlux_flag_edge", "Forced PSF flux too close to the edge"),
    _flag("forced_PsfFlux_flag_noGoodPixels", "Forced PSF flux: too few good pixels"),
    ("templateFlux", "float64", "nJy", "Forced PSF flux on the template image"),
    ("templateFluxErr", "float64", "nJy", "Uncertainty of templateFlux"),
    ("ixx", "float64", "arcsec2", "Adaptive second moment xx of the source"),
    ("iyy", "float64", "arcsec2", "Adaptive second moment yy of the source"),
    ("ixy", "float64", "arcsec2", "Adaptive second moment xy of the source"),
    ("ixxPSF", "float64", "arcsec2", "Adaptive second moment xx of the PSF"),
    ("iyyPSF", "float64", "arcsec2", "Adaptive second moment yy of the PSF"),
    ("ixyPSF", "float64", "arcsec2", "Adaptive second moment xy of the PSF"),
    _flag("shape_flag", "Shape measurement failed"),
    _flag("shape_flag_no_pixels", "No pixels to measure the shape"),
    _flag("shape_flag_not_contained", "Centre outside the footprint box"),
    _flag("shape_flag_parent_source", "Parent (not deblended) source"),
    ("extendedness", "float64", None, "Extendedness (1: extended, 0: point-like)"),
    ("reliability", "float64", None,
     "Probability (0-1) that the diaSource is astrophysical (Rubin's ML model)"),
    _flag("isDipole", "Source well fitted by a dipole"),
    _flag("dipoleFitAttempted", "A dipole fit was attempted"),
    ("timeProcessedMjdTai", "float64", "d", "When Rubin processed the image (MJD, TAI)"),
    ("timeWithdrawnMjdTai", "float64", "d", "When the record was withdrawn (MJD, TAI)"),
    ("bboxSize", "int32", "pix", "Side of the footprint's bounding box"),
] + [_flag(name, what) for name, what in (
    ("pixelFlags", "Pixel flags could not be set"),
    ("pixelFlags_bad", "Bad pixel in the footprint"),
    ("pixelFlags_cr", "Cosmic ray in the footprint"),
    ("pixelFlags_crCenter", "Cosmic ray near the centroid"),
    ("pixelFlags_edge", "Footprint reaches outside the usable image"),
    ("pixelFlags_nodata", "NO_DATA pixel in the footprint"),
    ("pixelFlags_nodataCenter", "NO_DATA pixel near the centroid"),
    ("pixelFlags_interpolated", "Interpolated pixel in the footprint"),
    ("pixelFlags_interpolatedCenter", "Interpolated pixel near the centroid"),
    ("pixelFlags_offimage", "Centre off the image"),
    ("pixelFlags_saturated", "Saturated pixel in the footprint"),
    ("pixelFlags_saturatedCenter", "Saturated pixel near the centroid"),
    ("pixelFlags_suspect", "Suspect pixel in the footprint"),
    ("pixelFlags_suspectCenter", "Suspect pixel near the centroid"),
    ("pixelFlags_streak", "Streak in the footprint"),
    ("pixelFlags_streakCenter", "Streak near the centroid"),
    ("pixelFlags_injected", "Injection in the footprint"),
    ("pixelFlags_injectedCenter", "Injection near the centroid"),
    ("pixelFlags_injected_template", "Template injection in the footprint"),
    ("pixelFlags_injected_templateCenter", "Template injection near the centroid"),
    ("glint_trail", "Part of a glint trail"),
)])

#: ``lightcurve_api/forced-photometry`` rows (Rubin diaForcedSources): 14 keys, ``band_map``
#: dropped. ``ra``/``dec`` are the object's position, where the flux was measured.
FORCED_PHOTOMETRY = Schema("forced_photometry", [
    _BAND, _MJD, _SURVEY_ID, _OID,
    ("measurement_id", "int64", None,
     "Forced-photometry point id: Rubin diaForcedSourceId (exact 64-bit integer)"),
    ("ra", "float64", "deg", "Right ascension of the forced position (the object's)"),
    ("dec", "float64", "deg", "Declination of the forced position"),
    ("visit", "int64", None, "Rubin visit id"),
    ("detector", "int32", None, "Rubin detector (CCD) id"),
] + _FLUXES)

#: One row per band of the diaObject summary (`magstats_per_band`).
MAGSTATS = Schema("magstats", [
    _OID,
    ("band", "str", None, "Band name"),
    ("band_id", "int16", None, "Band code on the wire: u = 6, g = 1, r = 2, i = 3, z = 4, y = 5"),
] + list(MAGSTATS_BAND_KEYS))

#: ``probability_api/probability``: the version is an INTEGER here (201 for '2.0.1').
PROBABILITY = Schema("probabilities", [
    ("classifier_name", "str", None, "Classifier"),
    ("classifier_version", "int64", None,
     "Version of the classifier as this route sends it: digits without dots (201 = 2.0.1)"),
    ("class_name", "str", None, "Class"),
    ("probability", "float64", None, "Probability of the class"),
    ("ranking", "int16", None, "Rank of the class within the classifier (1 = most probable)"),
])

#: ``classifier_api/classifiers``: the version is TEXT here ('2.0.1').
CLASSIFIER = Schema("classifiers", [
    ("classifier_name", "str", None, "Classifier"),
    ("classifier_version", "str", None, "Version of the classifier"),
    ("classes", "str", None, "Classes of the classifier, comma-separated"),
    ("classifier_id", "int16", None, "Classifier id in ALeRCE's database"),
])

#: ``lightcurve_api/conesearch/objects_by_coordinates``: ids as TEXT (ZTF names decoded).
CONESEARCH = Schema("conesearch", [
    ("objectId", "str", None, "Object id as text (LSST decimal id or ZTF name)"),
    ("survey_id", "str", None, "'lsst', 'lsst_ss' (solar-system object) or 'ztf'"),
    ("ra", "float64", "deg", "Right ascension of the object"),
    ("dec", "float64", "deg", "Declination of the object"),
])


def magstats_object_fields(row):
    """
    The object-wide fields of a diaObject summary row (``ra``, ``dec``, ``nDiaSources``...).

    Parameters
    ----------
    row : dict
        One ``magstat_api/magstats`` row (or an ``object_extra`` answer).

    Returns
    -------
    dict
        Only the keys present, unchanged (the service rounds every float to 3 decimals here).
    """
    return {name: row[name] for name, *_ in _DIAOBJECT_FIELDS if name in row}


def magstats_per_band(row, *, survey=LSST):
    """
    Reshape one diaObject summary row into one row per band.

    Parameters
    ----------
    row : dict
        A ``magstat_api/magstats`` item: ``{"oid", "g_psfFluxMean", ..., "nDiaSources"}``.
    survey : `~alerce_astro.surveys.Survey`, optional
        Gives the bands (names, codes, wavelength order).

    Returns
    -------
    list of dict
        Rows with ``oid``, ``band``, ``band_id`` and the `MAGSTATS_BAND_KEYS`, for every band
        with at least one data point or one value (the service sends ``null`` and ``Ndata 0``
        for bands never observed), in wavelength order.

    Examples
    --------
    >>> rows = magstats_per_band({"oid": 1, "g_psfFluxMean": 12.5, "g_psfFluxNdata": 3,
    ...                           "u_psfFluxMean": None, "u_psfFluxNdata": 0})
    >>> [(r["band"], r["band_id"], r["psfFluxMean"], r["psfFluxNdata"]) for r in rows]
    [('g', 1, 12.5, 3)]
    """
    out = []
    for band in survey.bands:
        values = {name: row.get(f"{band.name}_{name}") for name, *_ in MAGSTATS_BAND_KEYS}
        has_data = any(v not in (None, 0) for v in values.values())
        if has_data:
            out.append({"oid": row.get("oid"), "band": band.name, "band_id": band.code,
                        **values})
    return out
