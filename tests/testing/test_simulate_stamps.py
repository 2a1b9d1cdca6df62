"""
Tests of the simulated alert cutouts and alert packets: byte layout of the FITS files like
real ZTF cutouts, image content, and alert.json shapes like the real ones.
"""

import gzip
import json
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

from alerce_astro.offline.simulate import constants as C
from alerce_astro.offline.simulate import generate_dataset
from alerce_astro.offline.simulate.cutouts import fits_bytes, gzip_bytes

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "alerce-fixtures"
REAL_STAMPS = SHARED / "alerts" / "stamps"
KINDS = ("science", "template", "difference")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return generate_dataset(tmp_path_factory.mktemp("stamps") / "ds", 40, seed=0)


@pytest.fixture(scope="module")
def alerts(dataset):
    """(folder, alert.json body, images, object body) of every alert."""
    out = []
    for folder in sorted((dataset / "stamps").iterdir()):
        oid, candid = folder.name.rsplit("_", 1)
        body = json.loads((dataset / "objects" / f"{oid}.json").read_text())
        images = {}
        for kind in KINDS:
            raw = gzip.decompress((folder / f"{kind}.fits.gz").read_bytes())
            ny, nx = _naxes(raw)
            data = np.frombuffer(raw[2880:2880 + nx * ny * 4], ">f4").reshape(ny, nx)
            images[kind] = (raw, data)
        out.append((folder, json.loads((folder / "alert.json").read_text()), images, body))
    return out


def _cards(raw):
    return [raw[i:i + 80].decode("ascii") for i in range(0, 2880, 80)]


def _naxes(raw):
    cards = {c[:8].strip(): c[10:].strip() for c in _cards(raw)[:6]}
    return int(cards["NAXIS2"]), int(cards["NAXIS1"])


def test_every_stamped_detection_has_its_alert(dataset, alerts):
    folders = {f.name for f, *_ in alerts}
    expected = set()
    for p in (dataset / "objects").glob("*.json"):
        body = json.loads(p.read_text())
        for d in (body["lightcurve"] or {}).get("detections", []):
            if d["has_stamp"]:
                expected.add(f"{p.stem}_{d['candid']}")
    assert folders == expected and len(folders) >= 40
    # each object's first detection carries cutouts (the null light curve one has none)
    for p in (dataset / "objects").glob("*.json"):
        body = json.loads(p.read_text())
        dets = (body["lightcurve"] or {}).get("detections", [])
        if dets:
            assert dets[0]["has_stamp"]
            assert 1 <= sum(d["has_stamp"] for d in dets) <= 3


def test_fits_header_layout(alerts):
    for _folder, _, images, _ in alerts:
        for _kind, (raw, data) in images.items():
            cards = _cards(raw)
            assert cards[0] == "SIMPLE  =  T".ljust(80)
            assert cards[1] == "BITPIX  =                  -32".ljust(80)
            assert cards[2] == "NAXIS   =                    2".ljust(80)
            assert cards[3] == f"NAXIS1  = {data.shape[1]:>20d}".ljust(80)
            assert cards[4] == f"NAXIS2  = {data.shape[0]:>20d}".ljust(80)
            assert cards[5] == "BUNIT   = 'DN      '".ljust(80)
            assert cards[6] == "END".ljust(80)
            assert set("".join(cards[7:])) == {" "}
            assert len(raw) % 2880 == 0
            assert len(raw) == 2880 + -(-data.size * 4 // 2880) * 2880
            assert set(raw[2880 + data.size * 4:]) <= {0}


@pytest.mark.skipif(not REAL_STAMPS.is_dir(), reason="real fixtures not available")
def test_header_bytes_like_real(alerts):
    real = gzip.decompress(next(REAL_STAMPS.glob("*/science.fits.gz")).read_bytes())
    real_naxes = _naxes(real)
    ours = [raw for _, _, images, _ in alerts for raw, data in images.values()
            if data.shape == real_naxes]
    assert ours
    assert ours[0][:2880] == real[:2880]
    # the gzip wrapper: deflate, no file name, a modification time, Unix
    gz = next(REAL_STAMPS.glob("*/science.fits.gz")).read_bytes()[:10]
    mine = gzip_bytes(b"x", 1_600_000_000)[:10]
    assert mine[:4] == gz[:4] and mine[9] == gz[9] == 3


def test_astropy_reads_them(alerts):
    from astropy.io import fits

    folder, _, images, _ = alerts[0]
    with warnings.catch_warnings():
        # the real cutouts' SIMPLE card is not in fixed format; astropy may say so
        warnings.simplefilter("ignore")
        with fits.open(folder / "science.fits.gz") as hdul:
            assert len(hdul) == 1
            header = hdul[0].header
            assert list(header.keys()) == ["SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2",
                                           "BUNIT"]
            assert header["BUNIT"] == "DN" and header["BITPIX"] == -32
            data = hdul[0].data
            assert data.dtype.kind == "f" and data.dtype.itemsize == 4
            np.testing.assert_array_equal(data, images["science"][1])


def test_shapes_and_nans(alerts):
    shapes = [images["science"][1].shape for _, _, images, _ in alerts]
    assert shapes.count((63, 63)) > 0.6 * len(shapes)
    small = [s for s in shapes if s != (63, 63)]
    assert any(s[0] == 63 and s[1] < 63 for s in small)
    assert any(s[1] == 63 and s[0] < 63 for s in small)
    assert all(50 <= min(s) and max(s) == 63 for s in small)
    with_nan = 0
    for _, alert, images, _ in alerts:
        masks = [np.isnan(images[k][1]) for k in KINDS]
        assert all((m == masks[0]).all() for m in masks)  # the same pixels in all three
        assert images["science"][1].shape == images["template"][1].shape
        assert alert["shapes"] == [list(images[k][1].shape) for k in KINDS]
        assert alert["nan_pixels"] == int(masks[0].sum())
        with_nan += bool(masks[0].any())
        assert masks[0].mean() < 0.4
    assert 2 <= with_nan < 0.5 * len(alerts)


def _centre_and_edges(img):
    # the alert position is pixel 31 of the full 63x63 cutout; smaller cutouts miss their
    # first rows/columns (beyond the CCD edge), so it is 32 pixels from the far end
    c = img[-32, -32]
    box = img[-34:-29, -34:-29]
    edge = np.concatenate([img[:4].ravel(), img[-4:].ravel(), img[:, :4].ravel(),
                           img[:, -4:].ravel()])
    return c, box, edge


def _psf_flux(img, fwhm_px, noise):
    ny, nx = img.shape
    y, x = np.mgrid[0:ny, 0:nx]
    cy, cx = ny - 32, nx - 32
    psf = np.exp(-0.5 * ((x - cx) ** 2 + (y - cy) ** 2) / (fwhm_px / 2.3548) ** 2)
    psf /= psf.sum()
    ok = np.isfinite(img) & (np.hypot(x - cx, y - cy) < 6)
    p, d = psf[ok], img[ok]
    return float((p * d).sum() / (p * p).sum()), float(noise / np.sqrt((p * p).sum()))


def test_source_at_the_centre(alerts):
    checked = 0
    for _, alert, images, body in alerts:
        cls = body["provenance"]["class"]
        sci = images["science"][1]
        tmpl = images["template"][1]
        diff = images["difference"][1]
        if np.isnan(sci[-34:-29, -34:-29]).any():
            continue
        cand = alert["candidate"]
        sky = np.nanmedian(sci)
        noise = np.nanstd(diff[:10])
        assert 50 < sky < 700 and 3 < noise < 40
        assert abs(np.nanmedian(diff)) < 3.0
        c, box, edge = _centre_and_edges(diff)
        flux_dn = 10 ** (-0.4 * (cand["magpsf"] - cand["magzpsci"]))
        if cls != "bogus":
            # the difference image holds the alert's flux as a PSF at the centre
            # PSF-fit flux at the centre (Gaussian of the candidate's FWHM): the alert's flux,
            # with the alert's sign, well above the noise
            est, err = _psf_flux(diff, cand["fwhm"], noise)
            sign = 1 if cand["isdiffpos"] == "t" else -1
            assert sign * est > 2.5 * err
            assert abs(sign * est - flux_dn) < 4 * err + 0.35 * flux_dn
        sc, sbox, sedge = _centre_and_edges(sci)
        if cand["isdiffpos"] == "t" or cls in C.PERIODIC:
            assert sbox.max() > np.nanmedian(sedge) + 3 * noise
        tc, tbox, _ = _centre_and_edges(tmpl)
        if cls in C.PERIODIC:
            # a variable star is in the reference too
            assert tbox.max() > np.nanmedian(tmpl) + 20 * np.nanstd(tmpl[:8, :8])
        if cls in C.TRANSIENTS and cand["isdiffpos"] == "t":
            # the template holds the host, not the supernova
            assert sbox.max() - np.nanmedian(sci) > tbox.max() - np.nanmedian(tmpl)
        checked += 1
    assert checked > 30


def _real_alert():
    # a real alert.json in ZTF schema order (some fixtures were re-serialised sorted)
    if not REAL_STAMPS.is_dir():
        return None
    for p in sorted(REAL_STAMPS.glob("*/alert.json")):
        body = json.loads(p.read_text())
        if next(iter(body["candidate"])) == "jd" and body["prv_candidates"]:
            return body
    return None  # pragma: no cover


def test_alert_json_like_real(alerts):
    real = _real_alert()
    keys = ["source", "objectId", "candid", "schemavsn", "candidate", "mjd", "shapes",
            "nan_pixels", "prv_candidates"]
    n_prv = n_limits = 0
    for folder, alert, _, body in alerts:
        assert list(alert) == (list(real) if real else keys)
        oid, candid = folder.name.rsplit("_", 1)
        assert alert["objectId"] == oid and alert["candid"] == int(candid)
        cand = alert["candidate"]
        assert tuple(cand) == C.CANDIDATE_KEYS
        if real:
            assert list(cand) == list(real["candidate"])
            for k, v in cand.items():
                rv = real["candidate"][k]
                if v is not None and rv is not None:
                    assert type(v) is type(rv), k
        det = next(d for d in body["lightcurve"]["detections"] if d["candid"] == candid)
        assert cand["candid"] == int(candid) and cand["pid"] == det["pid"]
        assert cand["ra"] == det["ra"] and cand["dec"] == det["dec"]
        assert cand["isdiffpos"] == ("t" if det["isdiffpos"] > 0 else "f")
        assert cand["jd"] == pytest.approx(det["mjd"] + 2400000.5, abs=1e-6)
        assert cand["magpsf"] == pytest.approx(det["magpsf"], abs=1e-5)
        assert cand["fid"] == det["fid"] and cand["rfid"] == det["rfid"]
        assert cand["rb"] == pytest.approx(det["rb"], abs=1e-6)
        assert alert["schemavsn"] == "3.3"
        for prv in alert["prv_candidates"]:
            assert tuple(prv) == C.PRV_CANDIDATE_KEYS
            if real:
                assert list(prv) == list(real["prv_candidates"][0])
            assert 0 < cand["jd"] - prv["jd"] <= 30.0
            if prv["candid"] is None:
                n_limits += 1
                assert prv["magpsf"] is None and prv["isdiffpos"] is None
                assert prv["diffmaglim"] > 18
            n_prv += 1
    assert n_prv > 100 and n_limits > 20


def test_fits_bytes_roundtrip():
    img = np.arange(58 * 63, dtype=np.float32).reshape(63, 58)
    img[0, :5] = np.nan
    raw = fits_bytes(img)
    assert _naxes(raw) == (63, 58)
    back = np.frombuffer(raw[2880:2880 + img.size * 4], ">f4").reshape(63, 58)
    np.testing.assert_array_equal(back, img)
    gz = gzip_bytes(raw, 1_700_000_000)
    assert gzip.decompress(gz) == raw
    assert struct.unpack("<I", gz[4:8])[0] == 1_700_000_000
