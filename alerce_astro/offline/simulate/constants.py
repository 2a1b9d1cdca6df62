"""
Fixed names and numbers of the simulated ZTF/ALeRCE world.

Key orders are those of the ZTF API v1 bodies (see ``alerce-api.md`` of the project and the
ALeRCE ``alerts-api`` software) and of the ZTF alert schema 3.3 (Masci et al. 2019, PASP 131,
018003; https://zwickytransientfacility.github.io/ztf-avro-alert/). They are schema, not data:
every value the generator writes is its own.
"""

#: Bumped whenever the generator's output changes; part of the sample cache key.
GENERATOR_VERSION = 1

#: The simulated survey: ZTF public survey nights with 19-digit candids (nid >= 1000).
MJD_START = 58850.0  # 2019-12-27
MJD_END = 60550.0  # 2024-08-23
#: MJD of the night of 2017-01-01: ZTF night ids count from it (nid = floor(mjd - NID_ZERO)).
NID_ZERO = 57754.0

#: Bands: fid -> name. ZTF public alerts are g and r; i comes from partnership time.
BANDS = {1: "g", 2: "r", 3: "i"}

#: ALeRCE step identifiers as the v1 service writes them.
STEP_ID_OBJECT = "corr_bulk_0.0.1"
STEP_ID_DETECTION = "bulk_1.0.0"
STEP_ID_MAGSTATS = "bulk_version_0.0.1"
RBVERSION = "t17_f5_c3"
DRBVERSION = "d6_m7"
FEATURE_VERSION = "lc_classifier_1.2.1-P"
ALERT_SCHEMA_VERSION = "3.3"

#: ``GET /objects/{oid}`` keys, in order.
OBJECT_KEYS = (
    "oid", "ndethist", "ncovhist", "mjdstarthist", "mjdendhist", "corrected", "stellar", "ndet",
    "g_r_max", "g_r_max_corr", "g_r_mean", "g_r_mean_corr", "firstmjd", "lastmjd", "deltajd",
    "meanra", "meandec", "sigmara", "sigmadec", "step_id_corr",
)

#: Keys of a detection of ``GET /objects/{oid}/lightcurve``, in order.
DETECTION_KEYS = (
    "tid", "mjd", "candid", "fid", "pid", "diffmaglim", "isdiffpos", "nid", "distnr", "magpsf",
    "magpsf_corr", "magpsf_corr_ext", "magap", "magap_corr", "sigmapsf", "sigmapsf_corr",
    "sigmapsf_corr_ext", "sigmagap", "sigmagap_corr", "ra", "dec", "rb", "rbversion", "drb",
    "magapbig", "sigmagapbig", "rfid", "has_stamp", "corrected", "dubious", "candid_alert",
    "step_id_corr", "phase", "parent_candid",
)

#: Keys of a non-detection (upper limit), in order.
NON_DETECTION_KEYS = ("tid", "mjd", "fid", "diffmaglim")

#: ``GET /objects/{oid}/magstats`` keys, in order.
MAGSTATS_KEYS = (
    "fid", "stellar", "corrected", "ndet", "ndubious", "magmean", "magmedian", "magmax", "magmin",
    "magsigma", "maglast", "magfirst", "firstmjd", "lastmjd", "step_id_corr",
)

PROBABILITY_KEYS = ("classifier_name", "classifier_version", "class_name", "probability", "ranking")
FEATURE_KEYS = ("name", "value", "fid", "version")

#: Rows of ``GET /v2/lightcurve/forced-photometry/{oid}``, in order.
FORCED_KEYS = (
    "candid", "tid", "sid", "aid", "pid", "oid", "mjd", "fid", "ra", "e_ra", "dec", "e_dec", "mag",
    "e_mag", "mag_corr", "e_mag_corr", "e_mag_corr_ext", "isdiffpos", "corrected", "dubious",
    "parent_candid", "has_stamp", "extra_fields",
)
FORCED_EXTRA_KEYS = (
    "field", "rcid", "rfid", "sciinpseeing", "scibckgnd", "scisigpix", "magzpsci", "magzpsciunc",
    "magzpscirms", "clrcoeff", "clrcounc", "exptime", "adpctdif1", "adpctdif2", "diffmaglim",
    "programid", "procstatus", "distnr", "ranr", "decnr", "magnr", "sigmagnr", "chinr", "sharpnr",
)

#: ZTF alert schema 3.3 ``candidate`` record, in schema order.
CANDIDATE_KEYS = (
    "jd", "fid", "pid", "diffmaglim", "pdiffimfilename", "programpi", "programid", "candid",
    "isdiffpos", "tblid", "nid", "rcid", "field", "xpos", "ypos", "ra", "dec", "magpsf",
    "sigmapsf", "chipsf", "magap", "sigmagap", "distnr", "magnr", "sigmagnr", "chinr", "sharpnr",
    "sky", "magdiff", "fwhm", "classtar", "mindtoedge", "magfromlim", "seeratio", "aimage",
    "bimage", "aimagerat", "bimagerat", "elong", "nneg", "nbad", "rb", "ssdistnr", "ssmagnr",
    "ssnamenr", "sumrat", "magapbig", "sigmagapbig", "ranr", "decnr", "sgmag1", "srmag1",
    "simag1", "szmag1", "sgscore1", "distpsnr1", "ndethist", "ncovhist", "jdstarthist",
    "jdendhist", "scorr", "tooflag", "objectidps1", "objectidps2", "sgmag2", "srmag2", "simag2",
    "szmag2", "sgscore2", "distpsnr2", "objectidps3", "sgmag3", "srmag3", "simag3", "szmag3",
    "sgscore3", "distpsnr3", "nmtchps", "rfid", "jdstartref", "jdendref", "nframesref",
    "rbversion", "dsnrms", "ssnrms", "dsdiff", "magzpsci", "magzpsciunc", "magzpscirms",
    "nmatches", "clrcoeff", "clrcounc", "zpclrcov", "zpmed", "clrmed", "clrrms", "neargaia",
    "neargaiabright", "maggaia", "maggaiabright", "exptime", "drb", "drbversion",
)

#: ZTF alert schema 3.3 ``prv_candidate`` record, in schema order.
PRV_CANDIDATE_KEYS = (
    "jd", "fid", "pid", "diffmaglim", "pdiffimfilename", "programpi", "programid", "candid",
    "isdiffpos", "tblid", "nid", "rcid", "field", "xpos", "ypos", "ra", "dec", "magpsf",
    "sigmapsf", "chipsf", "magap", "sigmagap", "distnr", "magnr", "sigmagnr", "chinr", "sharpnr",
    "sky", "magdiff", "fwhm", "classtar", "mindtoedge", "magfromlim", "seeratio", "aimage",
    "bimage", "aimagerat", "bimagerat", "elong", "nneg", "nbad", "rb", "ssdistnr", "ssmagnr",
    "ssnamenr", "sumrat", "magapbig", "sigmagapbig", "ranr", "decnr", "scorr", "magzpsci",
    "magzpsciunc", "magzpscirms", "clrcoeff", "clrcounc", "rbversion",
)
#: prv_candidate keys that an upper limit (no detection) still fills.
PRV_UPPER_LIMIT_KEYS = frozenset((
    "jd", "fid", "pid", "diffmaglim", "pdiffimfilename", "programpi", "programid", "nid", "rcid",
    "field", "magzpsci", "magzpsciunc", "magzpscirms", "clrcoeff", "clrcounc", "rbversion",
))

# ---------------------------------------------------------------------------- classifiers
LC_VERSION = "hierarchical_rf_1.1.0"
STAMP_VERSION = "stamp_classifier_1.0.0"

#: The hierarchical light-curve classifier (Sánchez-Sáez et al. 2021, AJ 161, 141): the top
#: level and its three branches, classes in the order the service lists them.
TOP_CLASSES = ("Transient", "Stochastic", "Periodic")
BRANCH_CLASSES = {
    "Transient": ("SNIa", "SNIbc", "SNII", "SLSN"),
    "Stochastic": ("QSO", "AGN", "Blazar", "CV/Nova", "YSO"),
    "Periodic": ("LPV", "E", "DSCT", "RRL", "CEP", "Periodic-Other"),
}
BRANCH_CLASSIFIER = {
    "Transient": "lc_classifier_transient",
    "Stochastic": "lc_classifier_stochastic",
    "Periodic": "lc_classifier_periodic",
}
LC_CLASSES = BRANCH_CLASSES["Transient"] + BRANCH_CLASSES["Stochastic"] + BRANCH_CLASSES["Periodic"]
#: The stamp classifier (Carrasco-Davis et al. 2021, AJ 162, 231).
STAMP_CLASSES = ("SN", "AGN", "VS", "asteroid", "bogus")

#: ``GET /classifiers/`` of the simulated service, in the service's order.
CLASSIFIERS = (
    {"classifier_name": "lc_classifier", "classifier_version": LC_VERSION,
     "classes": list(LC_CLASSES)},
    {"classifier_name": "lc_classifier_periodic", "classifier_version": LC_VERSION,
     "classes": list(BRANCH_CLASSES["Periodic"])},
    {"classifier_name": "lc_classifier_stochastic", "classifier_version": LC_VERSION,
     "classes": list(BRANCH_CLASSES["Stochastic"])},
    {"classifier_name": "lc_classifier_top", "classifier_version": LC_VERSION,
     "classes": list(TOP_CLASSES)},
    {"classifier_name": "lc_classifier_transient", "classifier_version": LC_VERSION,
     "classes": list(BRANCH_CLASSES["Transient"])},
    {"classifier_name": "stamp_classifier", "classifier_version": STAMP_VERSION,
     "classes": list(STAMP_CLASSES)},
)

# ---------------------------------------------------------------------------- simulated classes
#: The classes the generator simulates (ALeRCE class names, plus ``bogus``), in the order the
#: first objects of a dataset cycle through them.
SIMULATED_CLASSES = (
    "SNIa", "RRL", "AGN", "SNII", "E", "QSO", "SLSN", "CEP", "bogus", "SNIbc", "LPV", "DSCT",
)
#: Relative frequency of each class among the objects after the first cycle (roughly the mix of
#: ALeRCE's classified objects, with rare classes boosted so small datasets still show them).
CLASS_WEIGHTS = {
    "SNIa": 18, "SNII": 10, "SNIbc": 5, "SLSN": 3, "RRL": 10, "E": 10, "CEP": 4, "DSCT": 4,
    "LPV": 5, "AGN": 8, "QSO": 10, "bogus": 13,
}
#: Top-level group of each simulated class (``None`` for bogus: no light-curve class).
GROUP = {
    "SNIa": "Transient", "SNII": "Transient", "SNIbc": "Transient", "SLSN": "Transient",
    "RRL": "Periodic", "E": "Periodic", "CEP": "Periodic", "DSCT": "Periodic", "LPV": "Periodic",
    "AGN": "Stochastic", "QSO": "Stochastic", "bogus": None,
}
#: What the stamp classifier should see for each class.
STAMP_TRUTH = {
    "Transient": "SN", "Periodic": "VS", "Stochastic": "AGN", None: "bogus",
}
TRANSIENTS = frozenset(c for c, g in GROUP.items() if g == "Transient")
PERIODIC = frozenset(c for c, g in GROUP.items() if g == "Periodic")
STOCHASTIC = frozenset(c for c, g in GROUP.items() if g == "Stochastic")
EXTRAGALACTIC = TRANSIENTS | STOCHASTIC
