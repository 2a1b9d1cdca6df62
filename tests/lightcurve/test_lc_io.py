"""ECSV and FITS round trips keep units, masks, 64-bit ids, column kinds and meta."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Table
from astropy.time import Time
from lc_helpers import forced_rows, maskof

from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
from alerce_astro.lightcurve import AlerceLightCurve


@pytest.fixture(scope="module")
def full(recorded):
    """A real light curve plus synthetic forced photometry: every kind of column."""
    body = recorded("ZTF20aaelulu")
    return lightcurve_from_json(body["lightcurve"], oid="ZTF20aaelulu",
                                forced=forced_rows("ZTF20aaelulu", n=5),
                                meta={"url": "http://example.org/" + "x" * 150,
                                      "service": "ALeRCE", "retrieved": "2024-01-01T00:00:00"})


def assert_same(a, b):
    assert type(b) is AlerceLightCurve
    assert b.colnames == a.colnames
    assert isinstance(b.time, Time) and b.time.format == "mjd" and b.time.scale == "utc"
    assert np.array_equal(b.time.mjd, a.time.mjd)
    for name in a.colnames[1:]:
        ca, cb = a[name], b[name]
        assert maskof(cb) == maskof(ca), name
        assert ca.dtype.kind == cb.dtype.kind, name
        assert getattr(ca, "unit", None) == getattr(cb, "unit", None), name
        assert ca.info.description == cb.info.description, name
        keep = ~np.asarray(maskof(ca))
        va = np.asarray(getattr(ca, "unmasked", ca))[keep]
        vb = np.asarray(getattr(cb, "unmasked", cb))[keep]
        if hasattr(va, "value"):
            va, vb = va.value, vb.value
        assert np.array_equal(va, vb), name
    assert b["detection_id"].dtype == np.int64
    assert int(b.detections()["detection_id"][0]) == 1101542291015015004
    assert b.meta["oid"] == "ZTF20aaelulu" and b.meta["url"] == a.meta["url"]
    assert isinstance(b.meta["coord"], SkyCoord)
    assert b.meta["coord"].separation(a.meta["coord"]) < 1 * u.uas
    assert b.meta["magnitudes"] == "difference"
    assert b.meta["survey"] == "ztf" and b.survey.name == "ztf"
    assert b["flux"].unit == u.uJy and b.bands == a.bands == ["g", "r"]


@pytest.mark.parametrize("name", ["lc.ecsv", "lc.fits"])
def test_round_trip(full, tmp_path, name):
    path = tmp_path / name
    full.write(path)
    back = AlerceLightCurve.read(path)
    assert_same(full, back)
    # the light curve still works after the trip
    assert len(back.detections()) == 58 and len(back.forced()) == 5
    assert bool(back.detections()["has_stamp"][-1]) is True
    assert maskof(back.upper_limits()["has_stamp"])[0] is True


def test_fits_header_for_other_readers(full, tmp_path):
    from astropy.io import fits

    path = tmp_path / "lc.fits"
    full.write(path)
    header = fits.getheader(path, 1)
    assert header["OBJECT"] == "ZTF20aaelulu"
    assert header["RA_OBJ"] == pytest.approx(full.coord.ra.deg)
    # a plain astropy reader still gets the data
    plain = Table.read(path)
    assert len(plain) == len(full)


def test_folded_round_trip(full, tmp_path):
    folded = full.fold(10 * u.d, epoch_time=58860.0)
    for name in ("folded.ecsv", "folded.fits"):
        folded.write(tmp_path / name)
        back = AlerceLightCurve.read(tmp_path / name)
        assert back.is_folded
        assert np.allclose(back["time"].to_value(u.d), folded["time"].to_value(u.d))
        assert back.meta["period"] == 10 * u.d
        assert np.allclose(back["time_original"].mjd, full.time.mjd)
    phased = full.fold(10 * u.d, epoch_time=58860.0, normalize_phase=True)
    for name in ("phased.ecsv", "phased.fits"):
        phased.write(tmp_path / name)
        back = AlerceLightCurve.read(tmp_path / name)
        assert back.is_folded and back["time"].unit == u.one
        assert np.allclose(np.asarray(back["time"]), np.asarray(phased["time"]))


def test_empty_round_trip(tmp_path):
    empty = lightcurve_from_json(None, oid="ZTF18acpfwmm")
    empty.write(tmp_path / "empty.ecsv")
    back = AlerceLightCurve.read(tmp_path / "empty.ecsv")
    assert len(back) == 0 and back.colnames == empty.colnames and back.coord is None


def test_other_formats_are_astropys(full, tmp_path):
    full.write(tmp_path / "lc.csv", format="ascii.csv")
    assert len(Table.read(tmp_path / "lc.csv", format="ascii.csv")) == len(full)
