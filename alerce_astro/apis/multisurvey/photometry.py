"""
LSST photometry of the multisurvey API's ``lightcurve_api`` -> the canonical light curve.

Rubin sends fluxes: ``psfFlux``/``psfFluxErr`` (difference-image PSF flux, signed, nJy) become
``flux``/``flux_err``; the AB magnitude ``31.4 - 2.5 log10(flux / nJy)`` and its error are
derived by the builder, masked where the flux is <= 0 (never a NaN warning). Times are Rubin's
``midpointMjdTai``: TAI MJDs, converted to UTC exactly by the builder
(``Time(mjd, format="mjd", scale="tai").utc``), never shifted by a silent 37 s.

Rubin alerts carry **no upper limits** (LSST ``non_detections`` is always ``[]``): an LSST
light curve has the kinds ``detection`` (diaSources) and ``forced`` (diaForcedSources) only,
and ``limiting_mag`` is always masked.

================== ======================== ======================== =======================
column             detection (diaSource)    forced (diaForcedSource) notes
================== ======================== ======================== =======================
time               mjd                      mjd                      TAI on the wire -> UTC
band, band_id      band                     band                     u = 6, g = 1 ... y = 5
flux, flux_err     psfFlux, psfFluxErr      psfFlux, psfFluxErr      nJy, signed
mag, mag_err       --                       --                       derived, masked if <= 0
limiting_mag       --                       --                       always masked
detection_id       measurement_id           measurement_id           exact int64
ra, dec            ra, dec                  ra, dec                  forced: the object's
scienceFlux(Err)   scienceFlux(Err)         scienceFlux(Err)         nJy, science image
visit, detector    visit, detector          visit, detector          Rubin ids
has_stamp          has_stamp                --                       cutouts exist
================== ======================== ======================== =======================

then every other key of the 102 of a detection row under its own name (``snr``,
``reliability``, ``psfFlux_flag``...). ``band_map`` is checked against the survey's band table
and dropped (`~alerce_astro.apis.multisurvey.quirks.check_band_map`); the repeated ``oid``,
``survey_id`` and ``diaObjectId`` are not kept (``meta["oid"]`` holds the id).
"""

from itertools import chain

from ...lightcurve.build import build_lightcurve, prepare_lightcurve, prepare_lightcurves
from ...lightcurve.photometry import Extra, KindMap, PhotometryMap
from ...surveys import LSST
from . import columns
from .quirks import check_band_map

__all__ = ["LSST_PHOTOMETRY", "DETECTIONS", "FORCED", "EXTRAS", "lightcurve_from_rows",
           "prepared_lightcurve_from_rows", "prepared_lightcurves_from_rows",
           "NON_DETECTIONS_NOTE"]

#: Why an LSST light curve has no upper limits (said by the client where ZTF has them).
NON_DETECTIONS_NOTE = ("Rubin alerts carry no upper limits: ALeRCE's multisurvey API answers "
                       "an empty list of non-detections for every LSST object")

#: LSST's own light-curve columns, after the canonical ones.
EXTRAS = (
    Extra("ra", "float64", "deg",
          "Right ascension of the measurement (ICRS); forced points: the object's position"),
    Extra("dec", "float64", "deg", "Declination of the measurement (ICRS)"),
    Extra("has_stamp", "bool", None,
          "Whether this detection triggered an alert ALeRCE received (it has cutouts)"),
    Extra("scienceFlux", "float64", "nJy",
          "Forced PSF flux density on the science (direct) image"),
    Extra("scienceFluxErr", "float64", "nJy", "Error of scienceFlux"),
    Extra("visit", "int64", None, "Rubin visit id"),
    Extra("detector", "int32", None, "Rubin detector (CCD) id"),
)

_KEYS = {"time": "mjd", "band_id": "band", "flux": "psfFlux", "flux_err": "psfFluxErr",
         "detection_id": "measurement_id", "ra": "ra", "dec": "dec",
         "scienceFlux": "scienceFlux", "scienceFluxErr": "scienceFluxErr", "visit": "visit",
         "detector": "detector"}
_IGNORE = ("oid", "band_map", "survey_id")

#: diaSources of ``lightcurve_api/detections`` (or ``lightcurve``) -> light-curve columns.
DETECTIONS = KindMap("detection", columns.DETECTION, dict(_KEYS, has_stamp="has_stamp"),
                     ignore=_IGNORE + ("diaObjectId",))
#: diaForcedSources of ``lightcurve_api/forced-photometry`` -> light-curve columns.
FORCED = KindMap("forced", columns.FORCED_PHOTOMETRY, _KEYS, ignore=_IGNORE)

#: LSST photometry of ALeRCE's multisurvey API.
LSST_PHOTOMETRY = PhotometryMap(LSST, kinds=(DETECTIONS, FORCED), extras=EXTRAS)


def lightcurve_from_rows(detections, forced=None, *, oid, meta=None, cls=None):
    """
    One LSST light curve from the rows of one object.

    Parameters
    ----------
    detections : list of dict
        Detection rows of ``lightcurve_api`` (``band_map`` included or not).
    forced : list of dict, optional
        Forced-photometry rows; `None` leaves the kind and its columns out.
    oid : int
        The diaObjectId (``meta["oid"]``).
    meta : dict, optional
        Provenance.
    cls : type, optional
        The class to build (default `~alerce_astro.lightcurve.AlerceLightCurve`).

    Returns
    -------
    `~alerce_astro.lightcurve.AlerceLightCurve`

    Raises
    ------
    ResponseFormatError
        If a row's ``band_map`` disagrees with the survey's bands.

    Examples
    --------
    >>> lc = lightcurve_from_rows([{"mjd": 61000.0, "band": 6, "psfFlux": 3631.0,
    ...                             "psfFluxErr": 36.31, "measurement_id": 170094456251351059,
    ...                             "band_map": {"6": "u", "1": "g"}}], oid=313897383979122767)
    >>> lc["band"][0], lc["mag"][0].round(6), int(lc["detection_id"][0])
    (np.str_('u'), <Quantity 22.5 mag>, 170094456251351059)
    >>> lc.time.scale, float(round((lc.time[0].mjd - 61000.0) * 86400, 3))
    ('utc', -37.0)
    """
    return build_lightcurve(_rows(detections, forced), LSST_PHOTOMETRY, oid=oid, meta=meta,
                            cls=cls)


def prepared_lightcurve_from_rows(detections, forced=None, *, oid, meta=None, cls=None):
    """
    `lightcurve_from_rows` up to the astropy objects: a
    `~alerce_astro.lightcurve.build.PreparedLightCurve` whose ``.build()`` is the light curve
    (what bulk downloads keep until a light curve is asked for). Same parameters.

    Examples
    --------
    >>> prepared = prepared_lightcurve_from_rows([{"mjd": 61000.0, "band": 1, "psfFlux": 10.0,
    ...     "psfFluxErr": 1.0, "measurement_id": 1}], oid=313897383979122767)
    >>> len(prepared), prepared.build()["band"][0]
    (1, np.str_('g'))
    """
    return prepare_lightcurve(_rows(detections, forced), LSST_PHOTOMETRY, oid=oid, meta=meta,
                              cls=cls)


def prepared_lightcurves_from_rows(detections, forced=None, *, meta=None, cls=None):
    """
    `prepared_lightcurve_from_rows` of the objects of one several-oid answer, their columns
    converted once for all of them (`~alerce_astro.lightcurve.build.prepare_lightcurves`).

    Parameters
    ----------
    detections : dict
        oid -> its detection rows.
    forced : dict, optional
        oid -> its forced-photometry rows; `None` leaves the kind out.
    meta : dict, optional
        Provenance of each light curve.
    cls : type, optional
        The class ``build`` makes.

    Returns
    -------
    dict
        oid -> `~alerce_astro.lightcurve.build.PreparedLightCurve`, in the order of
        ``detections``.

    Examples
    --------
    >>> row = {"mjd": 61000.0, "band": 1, "psfFlux": 10.0, "psfFluxErr": 1.0,
    ...        "measurement_id": 1}
    >>> lcs = prepared_lightcurves_from_rows({7: [row], 8: [row, row]}, {7: [], 8: [row]})
    >>> {oid: len(p) for oid, p in lcs.items()}
    {7: 1, 8: 3}
    """
    # The band maps of the whole answer checked (and dropped) in one go: each object's own
    # check then finds none.
    check_band_map(list(chain.from_iterable(
        rows or () for rows in (*detections.values(), *(forced or {}).values()))))
    groups = [(oid, _rows(rows, None if forced is None else forced.get(oid, []),
                          checked=True))
              for oid, rows in detections.items()]
    return prepare_lightcurves(groups, LSST_PHOTOMETRY, meta=meta, cls=cls)


def _rows(detections, forced, *, checked=False):
    check = list if checked else lambda rows: check_band_map(list(rows))
    rows = {"detection": check(detections or [])}
    if forced is not None:
        rows["forced"] = check(forced)
    return rows
