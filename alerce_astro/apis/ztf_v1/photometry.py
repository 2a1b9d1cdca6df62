"""
ZTF photometry of the ZTF API v1 (and the light curve API v2) -> the canonical light curve.

``/objects/{oid}/lightcurve`` sends alert detections and non-detections (upper limits); the
light curve API v2 sends forced photometry (`alerce_astro.apis.lightcurve_v2.photometry`).
`ZTF_PHOTOMETRY` maps all three; `lightcurve_from_json` builds a light curve from the two
answers as the client receives them.

ZTF sends magnitudes: the signed difference flux is derived from the difference magnitude and
``isdiffpos`` in µJy (AB zero point 23.9).

================== ===================== ================== =============================
column             detection             forced photometry  notes
================== ===================== ================== =============================
time               mjd                   mjd                UTC
band, band_id      fid                   fid                1 = g, 2 = r, 3 = i
flux, flux_err     --                    --                 from mag, mag_err, isdiffpos
mag, mag_err       magpsf, sigmapsf      mag, e_mag         difference magnitude
limiting_mag       diffmaglim            diffmaglim         5-sigma depth of the image
detection_id       candid                --                 exact int64, masked if none
isdiffpos          isdiffpos             isdiffpos          +1 / -1
mag_corr           magpsf_corr           mag_corr           apparent magnitude
mag_corr_err       sigmapsf_corr         e_mag_corr         ALeRCE's 100 (undefined) masked
mag_corr_err_ext   sigmapsf_corr_ext     e_mag_corr_ext
forced_candid      --                    candid             the v2 point id (a string)
================== ===================== ================== =============================

then ``ra``, ``dec``, ``rb``, ``drb``, ``has_stamp``, ``corrected``, ``dubious``, ``pid``,
``parent_candid``, ``tid``, and every other column any of the three sends, under its own name.
Upper limits have ``time``, ``band_id``, ``limiting_mag`` and ``tid``.
"""

import contextlib

from ...lightcurve.build import (
    SENTINEL_MAG,
    build_lightcurve,
    prepare_lightcurve,
    prepare_lightcurves,
)
from ...lightcurve.photometry import Extra, KindMap, PhotometryMap
from ...surveys import ZTF
from ..lightcurve_v2.photometry import FORCED, flatten_forced_photometry
from . import columns

__all__ = ["ZTF_PHOTOMETRY", "DETECTIONS", "NON_DETECTIONS", "EXTRAS",
           "lightcurve_from_json", "prepared_lightcurve_from_json",
           "prepared_lightcurves_from_json"]

#: ZTF's own light-curve columns, after the canonical ones.
EXTRAS = (
    Extra("isdiffpos", "int16", None,
          "+1 if the source is brighter than in the reference image (positive subtraction), "
          "-1 if fainter"),
    Extra("mag_corr", "float64", "mag",
          "Apparent (corrected) magnitude: reference plus difference flux; only where ALeRCE "
          "corrected the object"),
    Extra("mag_corr_err", "float64", "mag",
          "Error of mag_corr for a point source; masked where ALeRCE marks it undefined (100)"),
    Extra("mag_corr_err_ext", "float64", "mag",
          "Error of mag_corr from the difference flux alone (ALeRCE's extended-source error)"),
    Extra("forced_candid", "str", None,
          "Forced-photometry point id of the light curve API v2 (object id and processing id)"),
    Extra("ra", "float64", "deg", "Right ascension of the measurement (ICRS)"),
    Extra("dec", "float64", "deg", "Declination of the measurement (ICRS)"),
    Extra("rb", "float64", None, "Real/bogus score of the alert (random forest)"),
    Extra("drb", "float64", None, "Deep-learning real/bogus score of the alert"),
    Extra("has_stamp", "bool", None, "Whether image cutouts exist for this point (see get_stamps)"),
    Extra("corrected", "bool", None, "Whether ALeRCE computed a corrected magnitude"),
    Extra("dubious", "bool", None, "Whether ALeRCE considers the correction dubious"),
    Extra("pid", "int64", None, "Processing id of the image"),
    Extra("parent_candid", "int64", None,
          "candid of the alert that carried this point as a previous candidate"),
    Extra("tid", "str", None, "Telescope identifier"),
)

#: Alert detections of ``/objects/{oid}/lightcurve`` -> light-curve columns.
DETECTIONS = KindMap("detection", columns.DETECTION, {
    "time": "mjd", "band_id": "fid", "mag": "magpsf", "mag_err": "sigmapsf",
    "limiting_mag": "diffmaglim", "detection_id": "candid", "isdiffpos": "isdiffpos",
    "mag_corr": "magpsf_corr", "mag_corr_err": "sigmapsf_corr",
    "mag_corr_err_ext": "sigmapsf_corr_ext", "ra": "ra", "dec": "dec", "rb": "rb",
    "drb": "drb", "has_stamp": "has_stamp", "corrected": "corrected", "dubious": "dubious",
    "pid": "pid", "parent_candid": "parent_candid", "tid": "tid",
}, sign="isdiffpos")

#: Non-detections (upper limits) of ``/objects/{oid}/lightcurve`` -> light-curve columns.
NON_DETECTIONS = KindMap("upper_limit", columns.NON_DETECTION, {
    "time": "mjd", "band_id": "fid", "limiting_mag": "diffmaglim", "tid": "tid",
})

#: ZTF photometry of the ZTF API v1 and the light curve API v2.
ZTF_PHOTOMETRY = PhotometryMap(
    ZTF, kinds=(DETECTIONS, NON_DETECTIONS, FORCED), extras=EXTRAS,
    sentinels={name: SENTINEL_MAG for name in ("mag", "mag_err", "mag_corr", "mag_corr_err",
                                               "mag_corr_err_ext")})


def lightcurve_from_json(data, *, oid, forced=None, non_detections=True, meta=None, cls=None):
    """
    One light curve from the answer of ``/objects/{oid}/lightcurve`` (and forced photometry).

    Parameters
    ----------
    data : dict or None
        The JSON body of ``/lightcurve``: ``{"detections": [...], "non_detections": [...]}``,
        or `None` (the service's ``null`` for an object with neither).
    oid : str
        The object id (stored in ``meta``).
    forced : list of dict, optional
        The JSON rows of the forced-photometry route (``extra_fields`` nested or flat).
        Without it the light curve has no forced rows and none of their columns.
    non_detections : bool, optional
        Keep the upper limits (default).
    meta : dict, optional
        Provenance to store in ``meta`` (service, url, retrieval time).
    cls : type, optional
        The class to build (default `~alerce_astro.lightcurve.AlerceLightCurve`).

    Returns
    -------
    `~alerce_astro.lightcurve.AlerceLightCurve`
        Sorted by time; empty but with every column when there is nothing.

    Raises
    ------
    TypeError
        If ``data`` is neither a dict nor `None`, or its lists hold non-objects.

    Examples
    --------
    >>> lc = lightcurve_from_json({"detections": [], "non_detections": [
    ...     {"tid": "ztf", "mjd": 58828.5, "fid": 1, "diffmaglim": 19.2}]}, oid="ZTF20aaelulu")
    >>> lc["kind"][0], lc["band"][0], lc["limiting_mag"][0]
    (np.str_('upper_limit'), np.str_('g'), <Quantity 19.2 mag>)
    """
    return build_lightcurve(_rows(data, forced, non_detections), ZTF_PHOTOMETRY, oid=oid,
                            meta=meta, cls=cls)


def prepared_lightcurve_from_json(data, *, oid, forced=None, non_detections=True, meta=None,
                                  cls=None):
    """
    `lightcurve_from_json` up to the astropy objects: a
    `~alerce_astro.lightcurve.build.PreparedLightCurve` whose ``.build()`` is the light
    curve (what bulk downloads keep until a light curve is asked for). Same parameters.

    Examples
    --------
    >>> prepared = prepared_lightcurve_from_json({"detections": [], "non_detections": [
    ...     {"tid": "ztf", "mjd": 58828.5, "fid": 1, "diffmaglim": 19.2}]}, oid="ZTF20aaelulu")
    >>> len(prepared), prepared.build()["kind"][0]
    (1, np.str_('upper_limit'))
    """
    return prepare_lightcurve(_rows(data, forced, non_detections), ZTF_PHOTOMETRY, oid=oid,
                              meta=meta, cls=cls)


def prepared_lightcurves_from_json(answers, *, non_detections=True, warn_as=None, cls=None):
    """
    `prepared_lightcurve_from_json` of many objects at once: the columns of all their rows
    converted and ordered together (`~alerce_astro.lightcurve.build.prepare_lightcurves`),
    each object's light curve exactly what `prepared_lightcurve_from_json` gives it.

    Parameters
    ----------
    answers : list of tuple
        ``(oid, data, forced, meta)`` per object: the ``/lightcurve`` body, the forced
        photometry rows (or `None`) and the provenance, as for
        `prepared_lightcurve_from_json`.
    non_detections : bool, optional
        Keep the upper limits (default).
    warn_as : callable, optional
        ``warn_as(oid)``: the context manager in which the warnings about ``oid`` are raised.
    cls : type, optional
        The class ``build`` makes.

    Returns
    -------
    dict
        oid -> its `~alerce_astro.lightcurve.build.PreparedLightCurve`, or the exception
        its preparation raises (what `prepared_lightcurve_from_json` raises for it); the
        others are not affected by it.

    Examples
    --------
    >>> limit = {"tid": "ztf", "mjd": 58828.5, "fid": 1, "diffmaglim": 19.2}
    >>> lcs = prepared_lightcurves_from_json([
    ...     ("ZTF20aaelulu", {"detections": [], "non_detections": [limit]}, None, {}),
    ...     ("ZTF18abbuive", None, None, {}), ("ZTF19aaaaaaa", [1], None, {})])
    >>> [len(lcs["ZTF20aaelulu"]), len(lcs["ZTF18abbuive"])], type(lcs["ZTF19aaaaaaa"])
    ([1, 0], <class 'TypeError'>)
    """
    out, groups, metas = {}, [], {}
    for oid, data, forced, meta in answers:
        try:
            groups.append((oid, _rows(data, forced, non_detections)))
        except Exception as error:  # that object's error, as one by one
            out[oid] = error
        else:
            metas[oid] = meta
    if groups:
        try:
            out.update(prepare_lightcurves(groups, ZTF_PHOTOMETRY, metas=metas, cls=cls,
                                           warn_as=warn_as))
        except Exception:  # some object's rows: each on its own, below
            for oid, rows in groups:
                with (warn_as or _nothing)(oid):
                    try:
                        out[oid] = prepare_lightcurve(rows, ZTF_PHOTOMETRY, oid=oid,
                                                      meta=metas[oid], cls=cls)
                    except Exception as error:
                        out[oid] = error
    return {oid: out[oid] for oid, *_ in answers}


@contextlib.contextmanager
def _nothing(oid):
    yield


def _rows(data, forced, non_detections):
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TypeError(f"light curve: expected a JSON object or null, got "
                        f"{type(data).__name__}")
    rows = {"detection": data.get("detections") or [],
            "upper_limit": (data.get("non_detections") or []) if non_detections else []}
    if forced is not None:
        rows["forced"] = flatten_forced_photometry(forced)
    return rows
