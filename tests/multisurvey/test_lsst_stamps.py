"""Rubin cutouts: the 21 real ones decode with variance and PSF, and their WCS (built from
their own header) puts the diaSource on CRPIX; pixel reorderings keep every sky position."""

import gzip
import json

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.nddata import VarianceUncertainty
from ms_helpers import body_bytes

from alerce_astro.exceptions import ResponseFormatError
from alerce_astro.stamps.lsst_cutouts import make_lsst_stamp, read_lsst_cutout
from alerce_astro.stamps.lsst_wcs import (
    lsst_cutout_wcs,
    north_up_transform,
    position_angle,
    transform_pixels,
)


@pytest.fixture(scope="module")
def alerts(fixtures_dir):
    folder = fixtures_dir / "lsst-alerts"
    if not folder.is_dir():
        pytest.skip("lsst-alerts fixtures are not beside the checkout")
    with gzip.open(folder / "part-2-918301.alerts_no_cutouts.json.gz") as f:
        sources = {a["diaSourceId"]: a["diaSource"] for a in json.load(f)}
    return folder / "cutouts", sources


def _cutouts(alerts):
    folder, sources = alerts
    files = sorted(folder.glob("*.fits"))
    assert len(files) == 21
    for path in files:
        oid, measurement, kind = path.stem.split("_")
        yield path, int(oid), int(measurement), kind, sources[int(measurement)]


def test_every_real_cutout_decodes_with_variance_psf_and_wcs(alerts):
    for path, oid, _measurement, kind, source in _cutouts(alerts):
        cutout = read_lsst_cutout(path.read_bytes(), source=path.name)
        side = min(max(source["bboxSize"], 30), 102)
        assert cutout.data.shape == (side, side)
        assert cutout.variance.shape == cutout.data.shape
        assert cutout.unit == u.nJy
        assert cutout.psf.ndim == 2 and abs(cutout.psf.sum() - 1) < 0.05
        assert "CTYPE1" not in cutout.header  # the header is kept as sent
        stamp = make_lsst_stamp(cutout, kind=kind, meta={"oid": oid})
        assert stamp.unit == u.nJy
        assert isinstance(stamp.uncertainty, VarianceUncertainty)
        assert stamp.uncertainty.unit == u.nJy ** 2
        assert np.array_equal(stamp.uncertainty.array, cutout.variance)
        assert stamp.meta["psf"] is cutout.psf and not stamp.meta["wcs_approximate"]
        assert abs(stamp.meta["pixel_scale"].to_value(u.arcsec) - 0.2) < 0.002
        # The diaSource's ra/dec is on CRPIX (science and difference are cut around it; the
        # template shares the reference point).
        sky = stamp.wcs.pixel_to_world(*stamp.meta["reference_pixel"])
        where = SkyCoord(source["ra"] * u.deg, source["dec"] * u.deg)
        assert sky.separation(where) < 1 * u.mas, path.name


def test_recorded_gzip_stamps_match_the_alert_bytes(alerts, exchanges):
    folder, _ = alerts
    name = "stamps/313897383979122767_170094456251351059_cutoutScience_fits.json"
    exchange = exchanges.load(name)
    assert exchange["headers"]["content-type"] == "application/gzip"
    served = read_lsst_cutout(body_bytes(exchange), source=name)
    alert = read_lsst_cutout(
        (folder / "313897383979122767_170094456251351059_cutoutScience.fits").read_bytes())
    assert np.array_equal(served.data, alert.data)
    assert np.array_equal(served.variance, alert.variance)
    assert served.header == alert.header


def test_ctype_present_is_never_replaced():
    header = fits.Header({"NAXIS1": 10, "NAXIS2": 10, "CTYPE1": "RA---SIN", "CTYPE2": "DEC--SIN",
                          "CRPIX1": 5, "CRPIX2": 5, "CRVAL1": 10, "CRVAL2": 20,
                          "CDELT1": -5e-5, "CDELT2": 5e-5, "MJDREF": 0.0})
    assert list(lsst_cutout_wcs(header).wcs.ctype) == ["RA---SIN", "DEC--SIN"]
    with pytest.raises(ValueError, match="CRVAL1"):
        lsst_cutout_wcs(fits.Header({"NAXIS1": 10}))


@pytest.mark.parametrize("order", [(t, x, y) for t in (False, True) for x in (False, True)
                                   for y in (False, True)])
def test_pixel_reordering_keeps_sky_positions(alerts, order):
    path = next(p for p, *_ in _cutouts(alerts))
    cutout = read_lsst_cutout(path.read_bytes())
    wcs = lsst_cutout_wcs(cutout.header)
    data, new = transform_pixels(cutout.data, wcs, order)
    ny, nx = cutout.data.shape
    for y, x in ((0, 0), (3, 7), (ny - 1, nx - 1), (ny - 5, 2)):
        value = cutout.data[y, x]
        (ny2, nx2) = np.argwhere(data == value)[0]
        assert new.pixel_to_world(nx2, ny2).separation(wcs.pixel_to_world(x, y)) < 1 * u.uarcsec


def test_north_up_leaves_less_than_45_degrees(alerts):
    angles = set()
    for path, *_ in _cutouts(alerts):
        cutout = read_lsst_cutout(path.read_bytes())
        wcs = lsst_cutout_wcs(cutout.header)
        before = position_angle(wcs)
        _, new = transform_pixels(None, wcs, north_up_transform(wcs, cutout.data.shape))
        after = position_angle(new)
        angles.add(round(before))
        assert min(after, 360 - after) < 45
        # East is left (+x points west): the pixel-to-sky matrix has a negative determinant.
        assert np.linalg.det(new.wcs.get_pc() * new.wcs.get_cdelt()[:, None]) < 0
    assert len(angles) >= 2  # the real alerts come in different orientations


def test_not_fits_is_a_clear_error():
    with pytest.raises(ResponseFormatError, match="not a FITS file"):
        read_lsst_cutout(b'{"detail":"An error occurred"}')
    with pytest.raises(ResponseFormatError, match="gzip"):
        read_lsst_cutout(b"\x1f\x8b\x08garbage")
