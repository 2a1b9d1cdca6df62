"""
Fixed names and numbers of the simulated Rubin/LSST world as ALeRCE's multisurvey API serves it.

Key orders are those of the multisurvey API answers (ALeRCE's ``multisurveys-apis`` server and
ingestion code, see ``alerce-lsst-api.md`` of the project) and Rubin's alert schema names. They
are schema, not data: every value the generator writes is its own.
"""

from ..constants import STAMP_TRUTH

#: Bumped whenever the LSST generator's output changes; part of the sample cache key.
GENERATOR_VERSION = 1

#: The simulated stretch of the survey (TAI MJDs): 2026-03-01 to 2026-12-26, after Rubin's
#: public alert stream began (2026-02-25).
MJD_START = 61100.0
MJD_END = 61400.0

#: Band wire codes (u is 6) -> names, in the order of the service's ``band_map``.
BANDS = {6: "u", 1: "g", 2: "r", 3: "i", 4: "z", 5: "y"}
BAND_CODES = {name: code for code, name in BANDS.items()}
#: The ``band_map`` of every light-curve row (JSON object keys are strings).
BAND_MAP_JSON = {str(code): name for code, name in BANDS.items()}
#: Bands in wavelength order.
BAND_ORDER = (6, 1, 2, 3, 4, 5)
#: AB magnitude of 1 nJy: ``m = 31.4 - 2.5 log10(flux / nJy)``.
ZERO_POINT = 31.4

SURVEY_ID = "lsst"
TID = 1  # Rubin
SID_DIA = 1  # a diaObject
CREATED_TIME = "T00:00:00"

#: ``/object_api/object`` keys (the common ``object`` table), in order.
OBJECT_KEYS = (
    "oid", "tid", "sid", "meanra", "meandec", "sigmara", "sigmadec", "firstmjd", "lastmjd",
    "deltamjd", "n_det", "n_forced", "n_non_det", "created_date", "updated_date",
)
_B = "ugrizy"
#: Rubin's diaObject summary fields (the ``lsst_dia_object`` table), after ``oid``.
DIA_OBJECT_KEYS = (
    ("validityStartMjdTai", "ra", "raErr", "dec", "decErr", "ra_dec_Cov")
    + tuple(f"{b}_{c}" for b in _B for c in ("psfFluxMean", "psfFluxMeanErr", "psfFluxSigma",
                                              "psfFluxNdata", "fpFluxMean", "fpFluxMeanErr"))
    + tuple(f"{b}_{c}" for b in _B for c in ("scienceFluxMean", "scienceFluxMeanErr"))
    + tuple(f"{b}_{c}" for b in _B for c in ("psfFluxMin", "psfFluxMax", "psfFluxMaxSlope",
                                              "psfFluxErrMean"))
    + ("firstDiaSourceMjdTai", "lastDiaSourceMjdTai", "nDiaSources")
)
#: ``/object_api/object?...&return_survey_extra=true`` keys, in order.
OBJECT_EXTRA_KEYS = OBJECT_KEYS[:13] + DIA_OBJECT_KEYS + ("created_date",)
#: ``/magstat_api/magstats`` keys (one row, every float rounded to 3 decimals), in order.
MAGSTATS_KEYS = ("oid",) + DIA_OBJECT_KEYS
#: ``/object_api/list_objects`` item keys, in order.
LIST_ITEM_KEYS = OBJECT_KEYS[:13] + ("stellar", "class_name", "classifier_name",
                                     "classifier_version", "probability", "ranking")
#: Envelope of ``list_objects``.
LIST_ENVELOPE_KEYS = ("total", "next", "has_next", "prev", "has_prev", "current_page", "items",
                      "info_message")
PROBABILITY_KEYS = ("classifier_name", "classifier_version", "class_name", "probability",
                    "ranking")

#: A detection (diaSource) row of the light-curve API, in order (102 keys).
DETECTION_KEYS = (
    "band_map", "band", "mjd", "survey_id", "ra", "dec", "oid", "measurement_id",
    "parentDiaSourceId", "diaObjectId", "psfFlux", "psfFluxErr", "psfFlux_flag",
    "psfFlux_flag_edge", "psfFlux_flag_noGoodPixels", "scienceFlux", "scienceFluxErr",
    "has_stamp", "visit", "detector", "ssObjectId", "raErr", "decErr", "ra_dec_Cov", "x", "xErr",
    "y", "yErr", "centroid_flag", "apFlux", "apFluxErr", "apFlux_flag",
    "apFlux_flag_apertureTruncated", "isNegative", "snr", "psfLnL", "psfChi2", "psfNdata",
    "trailFlux", "trailFluxErr", "trailRa", "trailRaErr", "trailDec", "trailDecErr",
    "trailLength", "trailLengthErr", "trailAngle", "trailAngleErr", "trailChi2", "trailNdata",
    "trail_flag_edge", "dipoleMeanFlux", "dipoleMeanFluxErr", "dipoleFluxDiff",
    "dipoleFluxDiffErr", "dipoleLength", "dipoleAngle", "dipoleChi2", "dipoleNdata",
    "forced_PsfFlux_flag", "forced_PsfFlux_flag_edge", "forced_PsfFlux_flag_noGoodPixels",
    "templateFlux", "templateFluxErr", "ixx", "iyy", "ixy", "ixxPSF", "iyyPSF", "ixyPSF",
    "shape_flag", "shape_flag_no_pixels", "shape_flag_not_contained",
    "shape_flag_parent_source", "extendedness", "reliability", "isDipole",
    "dipoleFitAttempted", "timeProcessedMjdTai", "timeWithdrawnMjdTai", "bboxSize",
    "pixelFlags", "pixelFlags_bad", "pixelFlags_cr", "pixelFlags_crCenter", "pixelFlags_edge",
    "pixelFlags_nodata", "pixelFlags_nodataCenter", "pixelFlags_interpolated",
    "pixelFlags_interpolatedCenter", "pixelFlags_offimage", "pixelFlags_saturated",
    "pixelFlags_saturatedCenter", "pixelFlags_suspect", "pixelFlags_suspectCenter",
    "pixelFlags_streak", "pixelFlags_streakCenter", "pixelFlags_injected",
    "pixelFlags_injectedCenter", "pixelFlags_injected_template",
    "pixelFlags_injected_templateCenter", "glint_trail",
)
#: A forced-photometry (diaForcedSource) row, in order (14 keys).
FORCED_KEYS = (
    "band_map", "band", "mjd", "survey_id", "oid", "measurement_id", "ra", "dec", "visit",
    "detector", "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr",
)
#: Keys of a per-object bundle (``objects/<oid>.json``), in order.
BUNDLE_KEYS = ("oid", "survey_id", "object", "object_extra", "lightcurve",
               "forced_photometry_all", "magstats", "probabilities", "list_objects",
               "triggering_measurement_id")
#: Rows of the single-oid light-curve path: forced photometry is cut to this many.
SINGLE_OID_FORCED_LIMIT = 10

# ---------------------------------------------------------------------------- classifiers
#: The stamp classifier's taxonomy (Carrasco-Davis et al. 2021, AJ 162, 231), in order.
STAMP_CLASSES = ("SN", "AGN", "VS", "asteroid", "bogus")
#: ALeRCE's production LSST classifiers (June 2026), as ``/classifier_api/classifiers``
#: answers: sorted by name, versions as text.
CLASSIFIERS = (
    {"classifier_name": "stamp_classifier_rubin_beta", "classifier_version": "2.0.1",
     "classes": list(STAMP_CLASSES), "classifier_id": 1},
    {"classifier_name": "stamp_classifier_rubin_beta_20260421", "classifier_version": "2.0.2",
     "classes": list(STAMP_CLASSES), "classifier_id": 3},
)
#: What the stamp classifiers should see for each group of simulated classes.
STAMP_TRUTH = dict(STAMP_TRUTH)

# ---------------------------------------------------------------------------- population
#: Redshift ranges of transients a survey as deep as Rubin's single visits finds (peak
#: magnitudes of about 18 to 24), instead of ZTF's.
Z_RANGE = {"SNIa": (0.04, 0.55), "SNII": (0.01, 0.2), "SNIbc": (0.02, 0.3),
           "SLSN": (0.2, 1.4)}
#: How much fainter (mag) than ZTF's the variable stars, AGN and quasars Rubin finds are
#: drawn: the same populations further away (ZTF's 14-20 mag become 16-24).
FAINTER = (1.5, 4.5)
#: Fraction of objects in a deep-drilling-like field (many visits a night).
DDF_FRACTION = 0.04
#: Declination range of the simulated sky (the Wide-Fast-Deep footprint, roughly).
DEC_RANGE = (-75.0, 25.0)
