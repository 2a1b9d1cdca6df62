"""
Column schemas of ALeRCE's ZTF API v1 answers: name, type, unit and description of every
column.

This is the single place that knows the ZTF API v1 columns (the forced photometry of the light
curve API v2 is in `alerce_astro.apis.lightcurve_v2.columns`). Adding a column the service
starts sending is one line here. Rows are ``(name, dtype, unit, description[, wire key])``.
Times are MJD (UTC) in days, magnitudes AB, angles in degrees, as the service sends them.
"""

from ...schema import Schema
from ...surveys import ZTF

__all__ = ["OBJECT", "DETECTION", "NON_DETECTION", "MAGSTATS", "PROBABILITY", "FEATURE",
           "CLASSIFIER", "CLASS", "LIMIT_VALUES"]

OBJECT = Schema("object", [
    ("oid", "str", None, ZTF.id_description),
    ("ndethist", "int64", None,
     "Number of spatially coincident detections in ZTF history (from the alert stream)"),
    ("ncovhist", "int64", None, "Number of times the position was covered by ZTF"),
    ("mjdstarthist", "float64", "d", "MJD of the first detection in ZTF history"),
    ("mjdendhist", "float64", "d", "MJD of the last detection in ZTF history"),
    ("corrected", "bool", None,
     "Whether the light curve was corrected to apparent magnitudes (the object is close to a "
     "reference source)"),
    ("stellar", "bool", None, "Whether the object is likely a star (point source)"),
    ("ndet", "int64", None, "Number of detections served by ALeRCE"),
    ("g_r_max", "float64", "mag", "g - r colour at the maxima of each band"),
    ("g_r_max_corr", "float64", "mag", "g - r colour at the maxima, corrected magnitudes"),
    ("g_r_mean", "float64", "mag", "Mean g - r colour"),
    ("g_r_mean_corr", "float64", "mag", "Mean g - r colour, corrected magnitudes"),
    ("firstmjd", "float64", "d", "MJD of the first detection"),
    ("lastmjd", "float64", "d", "MJD of the last detection"),
    ("deltajd", "float64", "d", "Time between the first and the last detection"),
    ("meanra", "float64", "deg", "Mean right ascension of the detections (ICRS)"),
    ("meandec", "float64", "deg", "Mean declination of the detections (ICRS)"),
    ("sigmara", "float64", "deg", "Dispersion of the right ascension of the detections"),
    ("sigmadec", "float64", "deg", "Dispersion of the declination of the detections"),
    ("class", "str", None, "Most probable class of the classifier of the query (list queries)"),
    ("classifier", "str", None, "Classifier that gave the class (list queries)"),
    ("probability", "float64", None, "Probability of the class (list queries)"),
    ("step_id_corr", "str", None, "Version of the ALeRCE correction step"),
])

DETECTION = Schema("detections", [
    ("tid", "str", None, "Telescope identifier"),
    ("mjd", "float64", "d", "Time of the observation (MJD, UTC)"),
    ("candid", "int64", None, "Detection (alert candidate) identifier, a 64-bit integer"),
    ("fid", "int16", None, "Filter id: 1 = g, 2 = r, 3 = i"),
    ("pid", "int64", None, "Processing id of the image"),
    ("diffmaglim", "float64", "mag", "5-sigma limiting magnitude of the difference image"),
    ("isdiffpos", "int16", None,
     "1 if the science image is brighter than the reference (positive subtraction), -1 if not"),
    ("nid", "int64", None, "Night id"),
    ("distnr", "float64", "pix", "Distance to the nearest source in the reference image"),
    ("magpsf", "float64", "mag", "PSF-fit magnitude in the difference image"),
    ("magpsf_corr", "float64", "mag",
     "Apparent (corrected) magnitude of the source: reference plus difference flux"),
    ("magpsf_corr_ext", "float64", "mag", "Corrected magnitude, extended-source model"),
    ("magap", "float64", "mag", "Aperture magnitude in the difference image"),
    ("magap_corr", "float64", "mag", "Corrected aperture magnitude"),
    ("sigmapsf", "float64", "mag", "Error of magpsf"),
    ("sigmapsf_corr", "float64", "mag",
     "Error of magpsf_corr for a point source; ALeRCE writes 100 where it is undefined"),
    ("sigmapsf_corr_ext", "float64", "mag", "Error of magpsf_corr including the reference's"),
    ("sigmagap", "float64", "mag", "Error of magap"),
    ("sigmagap_corr", "float64", "mag", "Error of magap_corr"),
    ("ra", "float64", "deg", "Right ascension of the detection (ICRS)"),
    ("dec", "float64", "deg", "Declination of the detection (ICRS)"),
    ("rb", "float64", None, "Real/bogus score of the detection (random forest)"),
    ("rbversion", "str", None, "Version of the real/bogus model"),
    ("drb", "float64", None, "Deep-learning real/bogus score"),
    ("magapbig", "float64", "mag", "Aperture magnitude in a large aperture"),
    ("sigmagapbig", "float64", "mag", "Error of magapbig"),
    ("rfid", "int64", None, "Reference image id"),
    ("has_stamp", "bool", None, "Whether the detection is an alert with image cutouts"),
    ("corrected", "bool", None, "Whether corrected magnitudes were computed"),
    ("dubious", "bool", None, "Whether the correction is dubious"),
    ("candid_alert", "str", None, "Alert id (unused by the service)"),
    ("step_id_corr", "str", None, "Version of the ALeRCE correction step"),
    ("phase", "float64", None, "Phase (unused by the service: always 0)"),
    ("parent_candid", "int64", None,
     "candid of the alert that carried this detection as a previous candidate"),
])

NON_DETECTION = Schema("non_detections", [
    ("tid", "str", None, "Telescope identifier"),
    ("mjd", "float64", "d", "Time of the observation (MJD, UTC)"),
    ("fid", "int16", None, "Filter id: 1 = g, 2 = r, 3 = i"),
    ("diffmaglim", "float64", "mag", "5-sigma limiting magnitude of the difference image"),
])

MAGSTATS = Schema("magstats", [
    ("fid", "int16", None, "Filter id: 1 = g, 2 = r, 3 = i"),
    ("stellar", "bool", None, "Whether the object is likely a star"),
    ("corrected", "bool", None, "Whether magnitudes were corrected in this band"),
    ("ndet", "int64", None, "Number of detections in this band"),
    ("ndubious", "int64", None, "Number of dubious corrections in this band"),
    ("magmean", "float64", "mag", "Mean magnitude"),
    ("magmedian", "float64", "mag", "Median magnitude"),
    ("magmax", "float64", "mag", "Largest (faintest) magnitude"),
    ("magmin", "float64", "mag", "Smallest (brightest) magnitude"),
    ("magsigma", "float64", "mag", "Standard deviation of the magnitudes"),
    ("maglast", "float64", "mag", "Magnitude of the last detection"),
    ("magfirst", "float64", "mag", "Magnitude of the first detection"),
    ("firstmjd", "float64", "d", "MJD of the first detection in this band"),
    ("lastmjd", "float64", "d", "MJD of the last detection in this band"),
    ("step_id_corr", "str", None, "Version of the ALeRCE correction step"),
])

PROBABILITY = Schema("probabilities", [
    ("classifier_name", "str", None, "Classifier"),
    ("classifier_version", "str", None, "Version of the classifier"),
    ("class_name", "str", None, "Class"),
    ("probability", "float64", None, "Probability of the class"),
    ("ranking", "int16", None, "Rank of the class within the classifier (1 = most probable)"),
])

FEATURE = Schema("features", [
    ("name", "str", None, "Feature name"),
    ("value", "float64", None, "Feature value (units depend on the feature)"),
    ("fid", "int16", None, "Filter id: 1 = g, 2 = r, 3 = i, 0 = all bands, 12 = g-r"),
    ("version", "str", None, "Version of the feature extractor"),
])

CLASSIFIER = Schema("classifiers", [
    ("classifier_name", "str", None, "Classifier"),
    ("classifier_version", "str", None, "Version of the classifier"),
    ("classes", "str", None, "Classes of the classifier, comma-separated"),
])

CLASS = Schema("classes", [
    ("name", "str", None, "Class name"),
])

LIMIT_VALUES = Schema("limit_values", [
    ("min_ndet", "int64", None, "Smallest ndet of any object"),
    ("max_ndet", "int64", None, "Largest ndet of any object"),
    ("min_firstmjd", "float64", "d", "Earliest first detection"),
    ("max_firstmjd", "float64", "d", "Latest first detection"),
])
