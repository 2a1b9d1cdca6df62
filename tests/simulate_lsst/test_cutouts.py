"""
The simulated alert cutouts have the real cutouts' layout (three HDUs, header cards in order,
a WCS without CTYPE) and their physics: the diaSource at CRPIX, a PSF summing to 1, variance.
"""

import io
import warnings

import numpy as np
import pytest
from astropy.io import fits
from astropy.nddata import CCDData, VarianceUncertainty
from astropy.wcs import WCS, FITSFixedWarning
from lsst_helpers import detections

from alerce_astro.offline.simulate.lsst.cutouts import STAMP_TYPES


def _open(raw):
    return fits.open(io.BytesIO(raw))


def _wcs(header):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        return WCS(header)


@pytest.fixture(scope="module")
def alerts(dataset, objects):
    """(bundle, trigger detection, {stamp type: raw bytes}) of every object."""
    out = []
    for oid, b in objects.items():
        mid = b["triggering_measurement_id"]
        trig = detections(b)[0]
        raws = {t: (dataset / "cutouts" / f"{oid}_{mid}_{t}.fits").read_bytes()
                for t in STAMP_TYPES}
        out.append((b, trig, raws))
    return out


def test_one_alert_per_object(dataset, objects):
    names = sorted(p.name for p in (dataset / "cutouts").iterdir())
    assert len(names) == 3 * len(objects)
    for oid, b in objects.items():
        for t in STAMP_TYPES:
            assert f"{oid}_{b['triggering_measurement_id']}_{t}.fits" in names


def test_header_layout_as_real(alerts, real_cutouts):
    with fits.open(real_cutouts[0]) as real:
        real_keys = [list(h.header) for h in real]
    for _, _, raws in alerts:
        headers = []
        for raw in raws.values():
            assert len(raw) % 2880 == 0
            with _open(raw) as h:
                assert [list(x.header) for x in h] == real_keys
                assert [x.name for x in h] == ["PRIMARY", "UNCERT", "PSFIMAGE"]
                assert [x.data.dtype.str for x in h] == [">f4", ">f4", ">f8"]
                assert h[0].header["BUNIT"] == "nJy"
                assert h[1].header["UTYPE"] == "VarianceUncertainty"
                headers.append(h[0].header.tostring())
        assert len(set(headers)) == 1  # the three cutouts of an alert share the header


def test_bytes_are_ccddata_write(alerts):
    # the generator writes what astropy's CCDData.write (Rubin's writer) writes
    for _, _, raws in alerts[:6]:
        for raw in raws.values():
            with _open(raw) as h:
                hdr = h[0].header
                wcs = WCS(naxis=2)
                wcs.wcs.crpix = [hdr["CRPIX1"], hdr["CRPIX2"]]
                wcs.wcs.pc = [[hdr["PC1_1"], hdr["PC1_2"]], [hdr["PC2_1"], hdr["PC2_2"]]]
                wcs.wcs.crval = [hdr["CRVAL1"], hdr["CRVAL2"]]
                wcs.wcs.cdelt = [1.0, 1.0]
                meta = {"CUTMINX": hdr["CUTMINX"], "CUTMINY": hdr["CUTMINY"],
                        "ROTPA": (hdr["ROTPA"], hdr.comments["ROTPA"])}
                ccd = CCDData(h[0].data, unit="nJy", wcs=wcs, meta=meta, psf=h[2].data,
                              uncertainty=VarianceUncertainty(h[1].data))
                out = io.BytesIO()
                ccd.write(out, format="fits")
            assert out.getvalue() == raw


def test_sizes_and_pixels(alerts):
    sizes = set()
    angles = []
    for _, trig, raws in alerts:
        with _open(raws["cutoutScience"]) as h:
            ny, nx = h[0].data.shape
            assert ny == nx and 30 <= nx <= 102
            assert nx == min(max(trig["bboxSize"], 30), 102)
            sizes.add(nx)
            hdr = h[0].header
            pc = np.array([[hdr["PC1_1"], hdr["PC1_2"]], [hdr["PC2_1"], hdr["PC2_2"]]])
            assert np.sqrt(abs(np.linalg.det(pc))) * 3600 == pytest.approx(0.2, rel=2e-3)
            assert np.linalg.det(pc) < 0  # a reflection, as in Rubin's cutouts
            angles.append(np.degrees(np.arctan2(pc[0, 1], pc[0, 0])) % 360)
            assert hdr["CRPIX1"] == pytest.approx(trig["x"] - hdr["CUTMINX"], abs=1e-3)
            assert hdr["CRPIX2"] == pytest.approx(trig["y"] - hdr["CUTMINY"], abs=1e-3)
            assert np.all(h[1].data > 0)
    assert min(sizes) == 30 and max(sizes) > 30
    assert np.ptp(angles) > 90  # the orientation varies from alert to alert


def test_wcs_puts_the_diasource_on_crpix(alerts):
    for _, trig, raws in alerts:
        with _open(raws["cutoutDifference"]) as h:
            hdr = h[0].header
            assert "CTYPE1" not in hdr and "CUNIT1" not in hdr
            assert not _wcs(hdr).has_celestial
            hdr["CTYPE1"], hdr["CTYPE2"] = "RA---TAN", "DEC--TAN"
            world = _wcs(hdr).pixel_to_world(hdr["CRPIX1"] - 1, hdr["CRPIX2"] - 1)
            dra = (world.ra.deg - trig["ra"]) * np.cos(np.radians(trig["dec"]))
            assert np.hypot(dra, world.dec.deg - trig["dec"]) * 3.6e6 < 1.0  # mas


def test_psf_images(alerts):
    for _, _, raws in alerts:
        psfs = {}
        for t, raw in raws.items():
            with _open(raw) as h:
                psf = h[2].data
                assert psf.shape[0] == psf.shape[1] and psf.shape[0] % 2 == 1
                assert psf.sum() == pytest.approx(1.0, abs=1e-9)
                c = psf.shape[0] // 2
                assert np.unravel_index(np.argmax(psf), psf.shape) == (c, c)
                psfs[t] = psf
        assert np.array_equal(psfs["cutoutScience"], psfs["cutoutDifference"])
        assert psfs["cutoutScience"].shape == (41, 41)
        assert psfs["cutoutTemplate"].shape in ((51, 51), (55, 55))


def test_point_source_at_crpix(alerts):
    checked = 0
    for _, trig, raws in alerts:
        if trig["snr"] < 20:
            continue
        with _open(raws["cutoutDifference"]) as h:
            hdr = h[0].header
            img = h[0].data * np.sign(trig["psfFlux"])
            y, x = np.unravel_index(np.argmax(img), img.shape)
            assert np.hypot(x - (hdr["CRPIX1"] - 1), y - (hdr["CRPIX2"] - 1)) < 2.0
            # the PSF-weighted sum of the difference image around the source is its flux
            psf = h[2].data
            flux = _psf_flux(h[0].data, psf, hdr["CRPIX1"] - 1, hdr["CRPIX2"] - 1)
            assert flux == pytest.approx(trig["psfFlux"], rel=0.25, abs=5 * trig["psfFluxErr"])
        checked += 1
    assert checked >= 3


def _psf_flux(image, psf, x0, y0):
    """A PSF-fit flux at a fixed position (the PSF image recentred by nearest pixel)."""
    n = image.shape[0]
    c = psf.shape[0] // 2
    ix, iy = int(round(x0)), int(round(y0))
    model = np.zeros_like(image, dtype=float)
    for j in range(n):
        for i in range(n):
            pj, pi = j - iy + c, i - ix + c
            if 0 <= pj < psf.shape[0] and 0 <= pi < psf.shape[1]:
                model[j, i] = psf[pj, pi]
    return float(np.sum(model * image) / np.sum(model ** 2))


def test_template_deeper_than_science(alerts):
    for _, _, raws in alerts:
        with _open(raws["cutoutScience"]) as s, _open(raws["cutoutTemplate"]) as t, \
                _open(raws["cutoutDifference"]) as d:
            vs, vt, vd = (np.median(x[1].data) for x in (s, t, d))
            assert vt < vs / 10 and vd >= vs


def _centroid(image, x0, y0, r=8):
    # light-weighted centroid, the window recentred on the estimate
    yy, xx = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    for _ in range(5):
        w = np.where(np.hypot(xx - x0, yy - y0) <= r, np.maximum(image, 0.0), 0.0)
        x0, y0 = np.sum(w * xx) / np.sum(w), np.sum(w * yy) / np.sum(w)
    return x0, y0


def test_templates_sometimes_offset(manifest, alerts):
    truth = {o["oid"]: o for o in manifest["objects"]}
    offsets = [np.hypot(*truth[b["oid"]]["cutouts"]["template_offset_arcsec"])
               for b, _, _ in alerts]
    assert sum(o > 0.1 for o in offsets) >= 2  # misregistered: a fraction of a pixel or more
    assert sum(o < 0.05 for o in offsets) >= len(offsets) / 2
    # where a bright star sits in the template, its light is displaced by that much from the
    # diaSource's position (CRPIX)
    checked = 0
    for b, trig, raws in alerts:
        point_like = truth[b["oid"]]["group"] == "Periodic" or truth[b["oid"]]["class"] == "QSO"
        if not point_like or trig["snr"] < 30:
            continue
        with _open(raws["cutoutTemplate"]) as t:
            hdr = t[0].header
            x0, y0 = hdr["CRPIX1"] - 1, hdr["CRPIX2"] - 1
            pc = np.array([[hdr["PC1_1"], hdr["PC1_2"]], [hdr["PC2_1"], hdr["PC2_2"]]])
            xc, yc = _centroid(t[0].data, x0, y0)
            east, north = pc @ np.array([xc - x0, yc - y0]) * 3600.0
            expected = truth[b["oid"]]["cutouts"]["template_offset_arcsec"]
            assert np.hypot(east - expected[0], north - expected[1]) < 0.03
        checked += 1
    assert checked >= 2
