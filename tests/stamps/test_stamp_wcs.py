"""The approximate cutout WCS: geometry, and a check of its claims against real alerts."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from stamp_helpers import alert_folders, read_alert

from alerce_astro.stamps import cutout_wcs, locate_in_difference, read_cutout, reference_pixel
from alerce_astro.stamps.wcs import WCS_NAME, flip_reference
from alerce_astro.surveys import ZTF

# Alerts whose difference image holds one clean, bright (S/N > 15) point source: the others
# of that brightness are subtraction residuals of bright stars (dipoles) or faint.
CLEAN_BRIGHT = ("ZTF17aaahryg", "ZTF18aaadweo", "ZTF18aaeuwil", "ZTF18abadigg", "ZTF18abckqhu",
                "ZTF18acmwkqr", "ZTF18acrumis", "ZTF19abbpaqb", "ZTF19acbnumg", "ZTF19acmbvwi",
                "ZTF19acxxwrs")


def centroid(image, x, y, *, half=3, iterations=5):
    """Gaussian-weighted centroid of the source near ``(x, y)`` (0-based)."""
    values = np.nan_to_num(image - np.nanmedian(image))
    yy, xx = np.mgrid[:image.shape[0], :image.shape[1]]
    for _ in range(iterations):
        box = (abs(xx - x) <= half) & (abs(yy - y) <= half)
        weight = np.clip(values * np.exp(-((xx - x)**2 + (yy - y)**2) / 4.5) * box, 0, None)
        x, y = (weight * xx).sum() / weight.sum(), (weight * yy).sum() / weight.sum()
    return x, y


def test_reference_pixel_full_and_clipped():
    assert reference_pixel((63, 63)) == (31.0, 31.0)
    assert reference_pixel((63, 63), xpos=100.3, ypos=200.8) == pytest.approx((31.3, 30.8))
    assert reference_pixel((63, 63), xpos=100.3, ypos=200.8, subpixel=False) == (31.0, 31.0)
    # clipped at the low edge of x (5 columns lost) and the high edge of y (8 rows lost)
    assert reference_pixel((55, 58), xpos=26.0, ypos=3055.0) == (26.0, 31.0)
    assert reference_pixel((55, 58), xpos=3050.0, ypos=20.0) == (31.0, 23.0)
    assert reference_pixel((55, 58)) == (None, None)


def test_locate_in_difference_picks_the_side_with_the_source():
    image = np.zeros((50, 63))  # 13 rows lost, on the low side: the source is at row 18
    image[18, 31] = -40.0       # a fading source
    assert locate_in_difference(image, sign=-1) == (31.0, 18.0)
    image[18, 31], image[31, 31] = 0.0, 40.0
    assert locate_in_difference(image, sign=1) == (31.0, 31.0)


@pytest.mark.parametrize("north_up", [False, True])
def test_centre_scale_and_orientation(north_up):
    ra, dec = 217.7966664, 23.219131
    w = cutout_wcs(ra, dec, (63, 63), north_up=north_up)
    centre = w.pixel_to_world(31, 31)
    assert centre.separation(SkyCoord(ra * u.deg, dec * u.deg)) < 1e-6 * u.arcsec
    assert w.wcs.name == WCS_NAME and w.pixel_shape == (63, 63)
    s = ZTF.pixel_scale.to_value(u.deg)
    np.testing.assert_allclose(w.pixel_scale_matrix, [[-s, 0], [0, s if north_up else -s]])
    step_x = w.pixel_to_world(32, 31)
    step_y = w.pixel_to_world(31, 32)
    for step in (step_x, step_y):
        assert centre.separation(step).to_value(u.arcsec) == pytest.approx(1.01, rel=1e-6)
    # +x is west (east is left) in both orders; +y is south in the file's order, north when
    # the rows are reversed.
    assert centre.position_angle(step_x).to_value(u.deg) == pytest.approx(270, abs=1e-4)
    assert centre.position_angle(step_y).to_value(u.deg) == pytest.approx(
        0 if north_up else 180, abs=1e-4)


def test_flipped_reference_maps_to_the_same_sky():
    shape = (63, 58)
    ref = (26.4, 30.7)
    raw = cutout_wcs(10.0, 60.0, shape, reference=ref)
    up = cutout_wcs(10.0, 60.0, shape, reference=flip_reference(ref, shape), north_up=True)
    for x, y in [(0, 0), (57, 62), (10.5, 40.25)]:
        a = raw.pixel_to_world(x, y)
        b = up.pixel_to_world(x, shape[0] - 1 - y)
        assert a.separation(b) < 1e-6 * u.arcsec


def test_every_real_cutout_is_centred_on_its_candidate(alerts_dir):
    # The candidate is the difference image's source: at the centre pixel to within half a
    # pixel, and at the xpos/ypos place to about 0.1 pixel.
    residuals_centre, residuals_xpos = [], []
    for folder in alert_folders(alerts_dir):
        oid = folder.name.split("_")[0]
        if oid not in CLEAN_BRIGHT:
            continue
        candidate = read_alert(folder)["candidate"]
        sign = 1 if candidate["isdiffpos"] in ("t", "1") else -1
        diff = read_cutout((folder / "difference.fits.gz").read_bytes()).data * sign
        x, y = centroid(diff.astype(float), 31, 31)
        fine = reference_pixel(diff.shape, xpos=candidate["xpos"], ypos=candidate["ypos"])
        residuals_centre.append((x - 31, y - 31))
        residuals_xpos.append((x - fine[0], y - fine[1]))
    residuals_centre, residuals_xpos = np.array(residuals_centre), np.array(residuals_xpos)
    assert len(residuals_xpos) == len(CLEAN_BRIGHT)
    assert np.abs(residuals_centre).max() <= 0.55
    assert np.abs(residuals_xpos).max() < 0.15
    assert np.sqrt((residuals_xpos**2).mean()) < 0.06


@pytest.mark.parametrize("oid, distance", [("ZTF19acmbwus", 9.44), ("ZTF19acmbvwi", 5.59)])
def test_orientation_against_a_reference_source(alerts_dir, oid, distance):
    # The alert names the nearest source of the reference image (ranr, decnr), a few pixels
    # away: it must be in the template where the WCS puts it, and not where any other
    # orientation (north up, east right, both) would put it.
    folder = next(f for f in alert_folders(alerts_dir) if f.name.startswith(oid))
    candidate = read_alert(folder)["candidate"]
    assert candidate["distnr"] == pytest.approx(distance, abs=0.01)
    template = read_cutout((folder / "template.fits.gz").read_bytes()).data.astype(float)
    ref = reference_pixel(template.shape, xpos=candidate["xpos"], ypos=candidate["ypos"])
    w = cutout_wcs(candidate["ra"], candidate["dec"], template.shape, reference=ref)
    x, y = (float(v) for v in w.world_to_pixel(
        SkyCoord(candidate["ranr"] * u.deg, candidate["decnr"] * u.deg)))
    assert np.hypot(x - ref[0], y - ref[1]) == pytest.approx(distance * 1.01, rel=0.03)
    found = centroid(template, x, y)
    assert np.hypot(found[0] - x, found[1] - y) < 0.7

    background = np.nanmedian(template)

    def flux(px, py):
        i, j = int(round(py)), int(round(px))
        return np.nansum(template[i - 1:i + 2, j - 1:j + 2] - background)

    dx, dy = x - ref[0], y - ref[1]
    others = [flux(ref[0] + fx * dx, ref[1] + fy * dy) for fx, fy in [(1, -1), (-1, 1), (-1, -1)]]
    assert flux(x, y) > 3 * max(others)
