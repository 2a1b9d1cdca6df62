"""
Column schemas of ALeRCE's light curve API v2 answers (forced photometry of ZTF objects).

Rows are ``(name, dtype, unit, description[, wire key])``; the nested ``extra_fields`` object
of each row is flattened into columns before the schema reads it. Times are MJD (UTC) in days,
magnitudes AB, angles in degrees, as the service sends them.
"""

from ...schema import Schema
from ...surveys import ZTF

__all__ = ["FORCED_PHOTOMETRY"]

FORCED_PHOTOMETRY = Schema("forced_photometry", [
    ("candid", "str", None, "Forced-photometry point id (object id and processing id)"),
    ("oid", "str", None, ZTF.id_description),
    ("tid", "str", None, "Telescope identifier"),
    ("sid", "str", None, "Survey identifier"),
    ("aid", "str", None, "ALeRCE multisurvey object identifier"),
    ("pid", "int64", None, "Processing id of the image"),
    ("mjd", "float64", "d", "Time of the observation (MJD, UTC)"),
    ("fid", "int16", None, "Filter id: 1 = g, 2 = r, 3 = i"),
    ("ra", "float64", "deg", "Right ascension of the forced position"),
    ("e_ra", "float64", "deg", "Error of ra"),
    ("dec", "float64", "deg", "Declination of the forced position"),
    ("e_dec", "float64", "deg", "Error of dec"),
    ("mag", "float64", "mag", "Forced PSF magnitude in the difference image"),
    ("e_mag", "float64", "mag", "Error of mag"),
    ("mag_corr", "float64", "mag", "Apparent (corrected) magnitude"),
    ("e_mag_corr", "float64", "mag",
     "Error of mag_corr; ALeRCE writes 100 where it is undefined"),
    ("e_mag_corr_ext", "float64", "mag", "Error of mag_corr including the reference's"),
    ("isdiffpos", "int16", None, "1 for positive subtraction, -1 for negative"),
    ("corrected", "bool", None, "Whether corrected magnitudes were computed"),
    ("dubious", "bool", None, "Whether the correction is dubious"),
    ("parent_candid", "int64", None, "Alert that triggered the forced photometry"),
    ("has_stamp", "bool", None, "Whether image cutouts exist for this point"),
    ("field", "int32", None, "ZTF field id"),
    ("rcid", "int16", None, "Readout channel id"),
    ("rfid", "int64", None, "Reference image id"),
    ("sciinpseeing", "float64", "arcsec", "Seeing of the science image"),
    ("scibckgnd", "float64", "DN", "Background level of the science image"),
    ("scisigpix", "float64", "DN", "Robust pixel noise of the science image"),
    ("magzpsci", "float64", "mag", "Photometric zero point of the science image"),
    ("magzpsciunc", "float64", "mag", "Uncertainty of the zero point"),
    ("magzpscirms", "float64", "mag", "RMS of the zero-point calibration"),
    ("clrcoeff", "float64", None, "Colour coefficient of the calibration"),
    ("clrcounc", "float64", None, "Uncertainty of the colour coefficient"),
    ("exptime", "float64", "s", "Exposure time"),
    ("adpctdif1", "float64", None, "Full-image astrometric RMS along RA (pipeline QA)"),
    ("adpctdif2", "float64", None, "Full-image astrometric RMS along Dec (pipeline QA)"),
    ("diffmaglim", "float64", "mag", "5-sigma limiting magnitude of the difference image"),
    ("programid", "int16", None, "ZTF programme id (1 public, 2 partnership, 3 Caltech)"),
    ("procstatus", "str", None, "Forced-photometry processing status"),
    ("distnr", "float64", "pix", "Distance to the nearest reference source"),
    ("ranr", "float64", "deg", "Right ascension of the nearest reference source"),
    ("decnr", "float64", "deg", "Declination of the nearest reference source"),
    ("magnr", "float64", "mag", "Magnitude of the nearest reference source"),
    ("sigmagnr", "float64", "mag", "Error of magnr"),
    ("chinr", "float64", None, "chi of the nearest reference source"),
    ("sharpnr", "float64", None, "Sharpness of the nearest reference source"),
])
