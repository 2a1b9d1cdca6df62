"""Building light curves from the service's JSON: values, units, masks, kinds, speed."""


import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.time import Time
from lc_helpers import forced_rows, maskof, num, periodic_detections

from alerce_astro.apis.lightcurve_v2.photometry import flatten_forced_photometry
from alerce_astro.apis.ztf_v1.photometry import ZTF_PHOTOMETRY, lightcurve_from_json
from alerce_astro.lightcurve import AlerceLightCurve


@pytest.fixture(scope="module")
def elulu(recorded):
    body = recorded("ZTF20aaelulu")
    return body, lightcurve_from_json(body["lightcurve"], oid="ZTF20aaelulu")


def test_row_counts_and_kinds(elulu):
    _, lc = elulu
    assert isinstance(lc, AlerceLightCurve)
    assert len(lc) == 58 + 17
    assert len(lc.detections()) == 58
    assert len(lc.upper_limits()) == 17
    assert len(lc.forced()) == 0
    assert sorted(set(lc["kind"])) == ["detection", "upper_limit"]


def test_time_column_is_mjd_utc_and_sorted(elulu):
    body, lc = elulu
    assert isinstance(lc.time, Time)
    assert lc.time.format == "mjd" and lc.time.scale == "utc"
    mjd = lc.time.mjd
    assert np.all(np.diff(mjd) >= 0)
    assert mjd[0] == pytest.approx(58828.547824100126, abs=1e-9)  # the first non-detection
    first = body["lightcurve"]["detections"][0]
    row = lc.detections()[0]
    assert row["time"].mjd == pytest.approx(first["mjd"], abs=1e-9)


def test_detection_values_units_and_exact_detection_id(elulu):
    body, lc = elulu
    det = lc.detections()
    first = body["lightcurve"]["detections"][0]
    assert det["detection_id"].dtype == np.int64
    assert int(det["detection_id"][0]) == int(first["candid"]) == 1101542291015015004
    assert det["band"][0] == "r" and det["band_id"][0] == 2
    assert det["mag"].unit == u.mag and det["mag_err"].unit == u.mag
    assert num(det["mag"][0]) == pytest.approx(17.279879)
    assert num(det["mag_err"][0]) == pytest.approx(0.056197107)
    assert num(det["limiting_mag"][0]) == pytest.approx(20.36703)
    assert det["ra"].unit == u.deg and num(det["ra"][0]) == pytest.approx(185.7288549)
    assert det["rb"][0] == pytest.approx(0.83285713)
    assert det["isdiffpos"][0] == 1
    assert bool(det["has_stamp"][-1]) is True
    # parent_candid is a JSON number above 2**53: exact
    assert int(det["parent_candid"][0]) == 1121521071015015006
    # the descriptions come from the schema
    assert "limiting magnitude" in lc["limiting_mag"].info.description


def test_corrected_magnitudes_and_sentinel(elulu):
    _, lc = elulu
    det = lc.detections()
    last = det[-1]
    assert num(last["mag_corr"]) == pytest.approx(15.996292)
    assert num(last["mag_corr_err_ext"]) == pytest.approx(0.009292203)
    # ALeRCE's 100 ("undefined") is masked, never a 100-mag error bar
    assert maskof(det["mag_corr_err"])[-1]
    # r-band points of this object are not corrected: masked
    assert maskof(det["mag_corr"])[0]


def test_upper_limits_have_no_measurement(elulu):
    _, lc = elulu
    ul = lc.upper_limits()
    assert all(maskof(ul["mag"]))
    assert all(maskof(ul["detection_id"]))
    assert not any(maskof(ul["limiting_mag"]))
    assert num(ul["limiting_mag"][0]) == pytest.approx(19.2005)
    assert set(ul["band"]) <= {"g", "r"}


def test_meta_oid_and_mean_position(elulu):
    body, lc = elulu
    assert lc.meta["oid"] == lc.oid == "ZTF20aaelulu"
    assert isinstance(lc.coord, SkyCoord)
    truth = SkyCoord(body["object"]["meanra"] * u.deg, body["object"]["meandec"] * u.deg)
    assert lc.coord.separation(truth) < 1 * u.mas
    assert lc.meta["magnitudes"] == "difference"


def test_large_light_curve_with_negative_subtractions(recorded):
    body = recorded("ZTF18abbuive")
    lc = lightcurve_from_json(body["lightcurve"], oid="ZTF18abbuive")
    det = lc.detections()
    assert len(det) == 608 and len(lc.upper_limits()) == 242
    assert int(np.sum(det["isdiffpos"] == -1)) == 442
    assert int(np.sum(det["band_id"] == 1)) == 297 and int(np.sum(det["band_id"] == 2)) == 311
    assert lc.bands == ["g", "r"]
    # every detection of this variable star has an apparent magnitude
    assert not any(maskof(det["mag_corr"]))


def test_null_light_curve_is_empty_with_all_columns(recorded, elulu):
    assert recorded("ZTF18acpfwmm")["lightcurve"] is None
    lc = lightcurve_from_json(None, oid="ZTF18acpfwmm")
    assert len(lc) == 0
    assert lc.colnames == elulu[1].colnames
    assert lc["mag"].unit == u.mag and lc["detection_id"].dtype == np.int64
    assert lc.coord is None


def test_non_detections_only(recorded):
    lc = lightcurve_from_json(recorded("ZTF18aazeood")["lightcurve"], oid="ZTF18aazeood")
    assert len(lc) == 413 and set(lc["kind"]) == {"upper_limit"}
    assert lc.coord is None
    no_limits = lightcurve_from_json(recorded("ZTF18aazeood")["lightcurve"], oid="ZTF18aazeood",
                                     non_detections=False)
    assert len(no_limits) == 0


def test_first_columns_are_documented(elulu):
    names = [c[0] for c in ZTF_PHOTOMETRY.columns()]
    assert elulu[1].colnames[:len(names)] == names
    for name in ("kind", "band", "mag", "mag_err", "limiting_mag", "detection_id", "isdiffpos",
                 "mag_corr", "ra", "dec", "rb", "drb", "has_stamp"):
        assert name in names


def test_missing_keys_and_nulls_are_masked_unknown_keys_kept():
    lc = lightcurve_from_json({"detections": [
        {"mjd": 59000.0, "fid": 1, "magpsf": 18.0, "sigmapsf": 0.1, "candid": None,
         "new_key": 7},
        {"mjd": 59001.0, "fid": 3, "magpsf": 18.5, "isdiffpos": -1,
         "candid": "9223372036854775807"}]}, oid="ZTF20aaaaaaa")
    assert maskof(lc["detection_id"]) == [True, False]
    assert int(lc["detection_id"][1]) == 2**63 - 1
    assert lc["band"].tolist() == ["g", "i"]
    assert maskof(lc["mag_err"]) == [False, True]
    assert lc["new_key"].tolist()[0] == 7


def test_forced_rows_are_flattened_and_merged():
    rows = forced_rows("ZTF21aaaaaaa", n=6)
    flat = flatten_forced_photometry(rows)
    assert "extra_fields" not in flat[0] and flat[0]["field"] == 600
    lc = lightcurve_from_json({"detections": [], "non_detections": []}, oid="ZTF21aaaaaaa",
                              forced=rows)
    assert len(lc) == 6 and set(lc["kind"]) == {"forced"}
    assert num(lc["limiting_mag"][0]) == pytest.approx(20.2)   # from extra_fields
    assert num(lc["mag"][1]) == pytest.approx(18.1)
    assert lc["forced_candid"][0] == "ZTF21aaaaaaa2000000000000"
    assert all(maskof(lc["detection_id"]))
    assert lc["field"].tolist() == [600] * 6
    assert lc["sciinpseeing"].unit == u.arcsec
    assert "oid" not in lc.colnames


def test_five_thousand_points_build(recorded):
    body = recorded("ZTF18abbuive")["lightcurve"]
    big = {"detections": body["detections"] * 8, "non_detections": body["non_detections"]}
    assert len(big["detections"]) + len(big["non_detections"]) > 5000
    lightcurve_from_json(body, oid="ZTF18abbuive")  # warm up imports
    lc = lightcurve_from_json(big, oid="ZTF18abbuive")
    assert len(lc) == 5106


def test_simulated_periodic_body_builds():
    lc = lightcurve_from_json(periodic_detections(0.7, n=50), oid="ZTF20aaaaaaa")
    assert len(lc.detections()) == 50 and len(lc.upper_limits()) == 5


def test_bad_body_is_refused():
    with pytest.raises(TypeError):
        lightcurve_from_json(["not", "a", "dict"], oid="ZTF20aaaaaaa")
