"""The stamp service of SampleServer, against real ZTF alert cutouts."""

import json
import struct
import warnings
import zlib

import numpy as np
import pytest
import requests

ALERT = "ZTF18aaacpxm_1034531143815010003"
NAN_ALERT = "ZTF20aawkwsc_1786552613115015005"  # 2880 NaN pixels


def stamps(server, route, **params):
    return requests.get(server.urls["stamps"] + route, params=params, timeout=30)


def png_pixels(data):
    """(width, height, rows of pixel bytes) of an 8-bit grayscale PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        chunk = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + chunk) & 0xFFFFFFFF
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert (depth, color) == (8, 0)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    assert len(raw) == height * (width + 1)
    rows = [raw[y * (width + 1):(y + 1) * (width + 1)] for y in range(height)]
    assert all(r[0] == 0 for r in rows)
    return width, height, [r[1:] for r in rows]


def fits_data(raw):
    from astropy.io import fits

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import gzip
        import io

        with fits.open(io.BytesIO(gzip.decompress(raw))) as hdul:
            return np.array(hdul[0].data, dtype=float)


@pytest.mark.parametrize("kind", ["science", "template", "difference"])
def test_fits_bytes_verbatim(alerts_server, alerts_dir, kind):
    oid, candid = ALERT.split("_")
    r = stamps(alerts_server, "/get_stamp", candid=candid, type=kind, format="fits")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/fits+gzip"
    assert r.headers["Content-Disposition"] == (
        f"attachment; filename={oid}_{candid}_{kind}.fits.gz")
    assert r.content == (alerts_dir / "stamps" / ALERT / f"{kind}.fits.gz").read_bytes()
    assert fits_data(r.content).shape == (63, 63)
    # the oid given names the file
    r = stamps(alerts_server, "/get_stamp", candid=candid, type=kind, format="fits", oid="X")
    assert r.headers["Content-Disposition"] == f"attachment; filename=X_{candid}_{kind}.fits.gz"


@pytest.mark.parametrize("alert", [ALERT, NAN_ALERT])
def test_png_rendering(alerts_server, alerts_dir, alert):
    oid, candid = alert.split("_")
    r = stamps(alerts_server, "/get_stamp", candid=candid, type="science", format="png")
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    width, height, rows = png_pixels(r.content)
    assert (width, height) == (389, 389)
    data = fits_data((alerts_dir / "stamps" / alert / "science.fits.gz").read_bytes())
    ny, nx = data.shape
    # the brightest pixel is white, at its place with north up (FITS rows flipped)
    r0, c0 = np.unravel_index(np.nanargmax(data), data.shape)
    y = next(y for y in range(389) if ny - 1 - (y * ny) // 389 == r0)
    x = next(x for x in range(389) if (x * nx) // 389 == c0)
    assert rows[y][x] == 255
    if np.isnan(data).any():
        r1, c1 = np.argwhere(np.isnan(data))[0]
        y = next(y for y in range(389) if ny - 1 - (y * ny) // 389 == r1)
        x = next(x for x in range(389) if (x * nx) // 389 == c1)
        assert rows[y][x] == 0


def test_avro_info_and_avro(alerts_server, alerts_dir):
    oid, candid = ALERT.split("_")
    r = stamps(alerts_server, "/get_avro_info", candid=candid, oid=oid)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    alert = r.json()
    expected = json.loads((alerts_dir / "stamps" / ALERT / "alert.json").read_text())
    assert alert == expected
    assert alert["candid"] == int(candid) and alert["objectId"] == oid
    assert alert["candidate"]["ra"] == pytest.approx(137.0177134)
    assert len(alert["prv_candidates"]) == 12
    assert not {"cutoutScience", "cutoutTemplate", "cutoutDifference"} & set(alert)
    # no Avro file in the dataset: the service's 404
    r = stamps(alerts_server, "/get_avro", candid=candid)
    assert r.status_code == 404
    assert r.json()["message"].startswith("AVRO not found. You have requested this URI "
                                          "[/get_avro]")


def test_alerts_dataset_objects(alerts_server, alerts_dir):
    oid = ALERT.split("_")[0]
    expected = json.loads((alerts_dir / "objects" / f"{oid}.json").read_text())
    r = requests.get(alerts_server.urls["ztf_v1"] + f"/objects/{oid}", timeout=30)
    assert r.status_code == 200 and r.json() == expected["object"]
    dets = requests.get(alerts_server.urls["ztf_v1"] + f"/objects/{oid}/detections",
                        timeout=30).json()
    assert len(dets) == len(expected["lightcurve"]["detections"]) == 7
    page = requests.get(alerts_server.urls["ztf_v1"] + "/objects/?count=true", timeout=30).json()
    assert page["total"] == 38


def test_avro_file_served_when_present(tmp_path, alerts_dir):
    from alerce_astro.offline import SampleServer

    folder = tmp_path / "stamps" / "ZTF20aaaaaaa_123"
    folder.mkdir(parents=True)
    (folder / "alert.avro").write_bytes(b"Obj\x01fake")
    with SampleServer(tmp_path) as server:
        r = stamps(server, "/get_avro", candid="123")
        assert r.status_code == 200 and r.content == b"Obj\x01fake"
        assert r.headers["Content-Type"] == "app/avro+binary"


def test_stamp_errors(alerts_server):
    oid, candid = ALERT.split("_")
    r = stamps(alerts_server, "/get_stamp", type="science", format="fits")
    assert r.status_code == 400
    assert r.text == ('{"errors": {"candid": "Alert id Missing required parameter in the query '
                      'string"}, "message": "Input payload validation failed"}\n')
    r = stamps(alerts_server, "/get_stamp", candid=candid, type="sci", format="fits")
    assert r.status_code == 400
    assert r.json()["errors"] == {
        "type": "Stamp type The value 'sci' is not a valid choice for 'type'."}
    r = stamps(alerts_server, "/get_stamp", candid=candid, type="science", format="jpg")
    assert r.json()["errors"] == {
        "format": "Stamp type The value 'jpg' is not a valid choice for 'format'."}
    r = stamps(alerts_server, "/get_stamp", candid="abc", type="science", format="fits")
    assert r.json()["errors"] == {
        "candid": "Alert id invalid literal for int() with base 10: 'abc'"}
    r = stamps(alerts_server, "/get_stamp", candid="1", type="science", format="fits")
    assert r.status_code == 404
    assert r.json()["message"].startswith("AVRO not found. ")
    r = stamps(alerts_server, "/get_avro_info")
    assert r.status_code == 400 and "candid" in r.json()["errors"]
    assert stamps(alerts_server, "/nothing").status_code == 404
