"""Decoding cutouts: every real alert's files, and every way a body can be unusable."""

import gzip
import io
import warnings

import numpy as np
import pytest
from astropy.io import fits
from stamp_helpers import alert_folders, read_alert, ztf_cutout, ztf_fits

from alerce_astro.exceptions import ResponseFormatError
from alerce_astro.stamps import MAX_DECOMPRESSED_BYTES, STAMP_TYPES, decompress, read_cutout


def astropy_reference(path):
    """What astropy's own reader gives (its SIMPLE warning silenced here, in one thread)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Found a SIMPLE card",
                                category=fits.verify.VerifyWarning)
        with fits.open(io.BytesIO(gzip.decompress(path.read_bytes()))) as hdul:
            return np.array(hdul[0].data, dtype=float), hdul[0].header["BUNIT"]


def test_real_cutouts_decode_exactly(alerts_dir):
    folders = alert_folders(alerts_dir)
    assert len(folders) == 39
    nan_total = 0
    for folder in folders:
        alert = read_alert(folder)
        nans = 0
        for kind, shape in zip(STAMP_TYPES, alert["shapes"], strict=True):
            path = folder / f"{kind}.fits.gz"
            cutout = read_cutout(path.read_bytes(), source=str(path))
            reference, bunit = astropy_reference(path)
            assert cutout.shape == tuple(shape)
            assert cutout.data.dtype == np.dtype("float32") and cutout.data.dtype.isnative
            np.testing.assert_array_equal(cutout.data, reference)  # NaN positions too
            assert cutout.unit == bunit == "DN"
            assert list(cutout.header) == ["SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2",
                                           "BUNIT"]
            nans += int(np.isnan(cutout.data).sum())
        assert nans == alert["nan_pixels"], folder.name
        nan_total += nans
    assert nan_total == 465 + 105 + 255 + 471 + 9 + 2880


def test_the_simple_card_raises_no_warning(alerts_dir):
    # astropy's fits.open warns about ZTF's SIMPLE card; the reader must not (warnings are
    # errors in this suite, so decoding alone proves it; this shows astropy would).
    path = alert_folders(alerts_dir)[0] / "science.fits.gz"
    with pytest.warns(fits.verify.VerifyWarning, match="SIMPLE card"):
        fits.open(io.BytesIO(gzip.decompress(path.read_bytes()))).close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_cutout(path.read_bytes()).shape == (63, 63)


def test_small_cutout_with_nan():
    data = np.arange(58 * 63, dtype=float).reshape(63, 58)
    data[5:9, 0:3] = np.nan
    cutout = read_cutout(ztf_cutout(data))
    assert cutout.shape == (63, 58)
    assert np.isnan(cutout.data).sum() == 12
    assert cutout.data[62, 57] == 63 * 58 - 1  # row order kept: last row is the file's last


def test_plain_fits_and_integer_images():
    data = np.arange(12, dtype=">i2").reshape(3, 4)
    hdu = fits.PrimaryHDU(data)
    hdu.header["BSCALE"] = 2.0
    hdu.header["BZERO"] = 10.0
    hdu.header["BLANK"] = 5
    # astropy would apply BSCALE when writing: write the raw integers by hand instead.
    header = hdu.header.tostring().encode()
    raw = header + data.tobytes() + bytes(-data.nbytes % 2880)
    cutout = read_cutout(raw)  # not compressed: accepted as is
    assert np.isnan(cutout.data[1, 1])  # BLANK
    assert cutout.data[0, 1] == 12.0 and cutout.data[2, 3] == 32.0


@pytest.mark.parametrize("body, message", [
    # What the service said is quoted by the stamp API's parser (tests/apis/test_api_parsers.py)
    (b'{"message": "AVRO not found. You have requested this URI"}', "not a gzip-compressed"),
    (b"<html><title>502 Bad Gateway</title></html>", "not a gzip-compressed"),
    (b"", "not a gzip-compressed FITS file"),
    (gzip.compress(b'{"message": "nope"}', mtime=0), "not FITS"),
    (b"\x1f\x8bnot really gzip at all", "not valid gzip"),
])
def test_bodies_that_are_not_cutouts(body, message):
    with pytest.raises(ResponseFormatError, match=message):
        read_cutout(body, source="GET http://stamps/get_stamp")


def test_truncated_gzip_and_truncated_fits():
    good = ztf_cutout(np.ones((63, 63)))
    with pytest.raises(ResponseFormatError, match="not valid gzip"):
        read_cutout(good[:len(good) // 2])
    short = gzip.compress(ztf_fits(np.ones((63, 63)))[:2880 + 1000])
    with pytest.raises(ResponseFormatError, match="truncated: the header announces 15876"):
        read_cutout(short)


def test_header_problems():
    no_end = gzip.compress(b"SIMPLE  =  T".ljust(2880))
    with pytest.raises(ResponseFormatError, match="no END card"):
        read_cutout(no_end)
    cube = fits.PrimaryHDU(np.zeros((2, 3, 4), dtype=">f4"))
    buffer = io.BytesIO()
    cube.writeto(buffer)
    with pytest.raises(ResponseFormatError, match="expected a 2-D image"):
        read_cutout(gzip.compress(buffer.getvalue()))
    huge = ztf_fits(np.zeros((2, 2))).replace(b"NAXIS1  =                    2",
                                              b"NAXIS1  =               100000")
    with pytest.raises(ResponseFormatError, match="100000 x 2 pixels"):
        read_cutout(huge)


def test_gzip_bomb_is_stopped_at_the_limit():
    # 40 MB of zeros compress to about 40 kB: the reader must stop at 16 MB, not expand it all.
    bomb = gzip.compress(bytes(40 * 2**20), compresslevel=9)
    assert len(bomb) < 100_000
    with pytest.raises(ResponseFormatError, match=f"more than {MAX_DECOMPRESSED_BYTES} bytes"):
        read_cutout(bomb)
    assert decompress(gzip.compress(b"x" * 1000), limit=1000) == b"x" * 1000
    with pytest.raises(ResponseFormatError, match="more than 999 bytes"):
        decompress(gzip.compress(b"x" * 1000), limit=999)
