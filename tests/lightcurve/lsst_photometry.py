"""
An LSST photometry map, as a test fixture: what the multisurvey API's ``photometry.py`` will
declare (``lightcurve_api`` detections and forced photometry of Rubin's LSST). It shows that a
new survey is only a new map: nothing of the light-curve package knows LSST.
"""

from alerce_astro.lightcurve import Extra, KindMap, PhotometryMap
from alerce_astro.schema import Schema
from alerce_astro.surveys import LSST

_COMMON = [
    ("oid", "int64", None, "LSST object identifier (diaObjectId)"),
    ("measurement_id", "int64", None, "diaSourceId or diaForcedSourceId"),
    ("mjd", "float64", "d", "Time of the observation (MJD, TAI)"),
    ("band", "int16", None, "Band code: 1 g, 2 r, 3 i, 4 z, 5 y, 6 u"),
    ("ra", "float64", "deg", "Right ascension (ICRS)"),
    ("dec", "float64", "deg", "Declination (ICRS)"),
    ("psfFlux", "float64", "nJy", "Difference-image PSF flux"),
    ("psfFluxErr", "float64", "nJy", "Error of psfFlux"),
    ("scienceFlux", "float64", "nJy", "Flux on the science image"),
    ("scienceFluxErr", "float64", "nJy", "Error of scienceFlux"),
    ("visit", "int64", None, "Rubin visit id"),
    ("detector", "int16", None, "Detector id"),
]
DETECTION_COLUMNS = Schema("lsst detections", _COMMON + [
    ("has_stamp", "bool", None, "Whether ALeRCE received the alert's cutouts"),
    ("diaObjectId", "int64", None, "Rubin diaObjectId"),
    ("parentDiaSourceId", "int64", None, "Parent diaSource (0: none)"),
    ("ssObjectId", "int64", None, "Solar-system object id (0: none)"),
    ("snr", "float64", None, "Signal-to-noise ratio of the detection"),
    ("reliability", "float64", None, "Real/bogus reliability score"),
])
FORCED_COLUMNS = Schema("lsst forced photometry", _COMMON)

_KEYS = {"time": "mjd", "band_id": "band", "flux": "psfFlux", "flux_err": "psfFluxErr",
         "detection_id": "measurement_id", "ra": "ra", "dec": "dec",
         "scienceFlux": "scienceFlux", "scienceFluxErr": "scienceFluxErr", "visit": "visit",
         "detector": "detector"}
_IGNORE = ("oid", "band_map", "survey_id")

LSST_PHOTOMETRY = PhotometryMap(
    LSST,
    kinds=(KindMap("detection", DETECTION_COLUMNS, dict(_KEYS, has_stamp="has_stamp"),
                   ignore=_IGNORE + ("diaObjectId",)),
           KindMap("forced", FORCED_COLUMNS, _KEYS, ignore=_IGNORE)),
    extras=(Extra("ra", "float64", "deg", "Right ascension of the measurement (ICRS)"),
            Extra("dec", "float64", "deg", "Declination of the measurement (ICRS)"),
            Extra("has_stamp", "bool", None, "Whether image cutouts exist for this point"),
            Extra("scienceFlux", "float64", "nJy", "Flux density on the science image"),
            Extra("scienceFluxErr", "float64", "nJy", "Error of scienceFlux"),
            Extra("visit", "int64", None, "Rubin visit id"),
            Extra("detector", "int16", None, "Detector id")))
