"""The photometry map checks itself when declared, and the ZTF map says what it maps."""

import pytest
from astropy import units as u

from alerce_astro.apis.lightcurve_v2.photometry import FORCED
from alerce_astro.apis.ztf_v1 import columns
from alerce_astro.apis.ztf_v1.photometry import DETECTIONS, ZTF_PHOTOMETRY
from alerce_astro.lightcurve import CANONICAL_NAMES, Extra, KindMap, PhotometryMap, build_lightcurve
from alerce_astro.surveys import ZTF


def test_the_ztf_map():
    assert ZTF_PHOTOMETRY.survey is ZTF
    assert [k.kind for k in ZTF_PHOTOMETRY.kinds] == ["detection", "upper_limit", "forced"]
    names = [c[0] for c in ZTF_PHOTOMETRY.columns()]
    assert tuple(names[:len(CANONICAL_NAMES)]) == CANONICAL_NAMES
    assert dict((c[0], c[2]) for c in ZTF_PHOTOMETRY.columns())["flux"] == "uJy"
    assert DETECTIONS.keys["detection_id"] == "candid" and DETECTIONS.keys["band_id"] == "fid"
    assert FORCED.keys["forced_candid"] == "candid" and "detection_id" not in FORCED.keys
    assert DETECTIONS.sign == FORCED.sign == "isdiffpos"
    assert "fid" in DETECTIONS.consumed and "oid" in FORCED.consumed


@pytest.mark.parametrize(("make", "message"), [
    (lambda: KindMap("det", columns.DETECTION, {"time": "mjd", "band_id": "fid"}), "kind="),
    (lambda: KindMap("detection", columns.DETECTION, {"time": "mjd"}), "band_id"),
    (lambda: KindMap("detection", columns.DETECTION,
                     {"time": "mjd", "band_id": "fid", "band": "fid"}), "made by the builder"),
    (lambda: KindMap("detection", columns.DETECTION,
                     {"time": "mjd", "band_id": "fid", "flux": "psfFlux"}), "psfFlux"),
    (lambda: PhotometryMap(ZTF, kinds=(KindMap("detection", columns.DETECTION, {
        "time": "mjd", "band_id": "fid", "nope": "rb"}),)), "nor declared extras"),
    (lambda: PhotometryMap(ZTF, kinds=(DETECTIONS, DETECTIONS)), "at most one"),
    (lambda: Extra("flux", "float64", "uJy", "x"), "canonical"),
    (lambda: Extra("x", "float16", None, "x"), "dtype"),
])
def test_mistakes_fail_when_declared(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_rows_of_a_kind_the_map_lacks_are_refused():
    only_limits = PhotometryMap(ZTF, kinds=(KindMap("upper_limit", columns.NON_DETECTION, {
        "time": "mjd", "band_id": "fid", "limiting_mag": "diffmaglim"}),))
    lc = build_lightcurve({"upper_limit": [{"mjd": 1.0, "fid": 2, "diffmaglim": 20.0}]},
                          only_limits, oid="ZTF20aaaaaaa")
    assert lc["band"][0] == "r" and lc["limiting_mag"][0] == 20.0 * u.mag
    assert lc["flux"].mask.all() and lc["detection_id"].mask.all()
    with pytest.raises(ValueError, match="no kind"):
        build_lightcurve({"forced": []}, only_limits, oid="ZTF20aaaaaaa")
