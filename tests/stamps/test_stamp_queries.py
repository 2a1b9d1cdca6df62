"""get_stamps, get_images and get_avro_info end to end, through the offline server."""

import gzip
import json
import warnings
from urllib.parse import parse_qs

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.nddata import NDData
from astropy.wcs import WCS
from stamp_helpers import (
    MADE_CANDID,
    MADE_DEC,
    MADE_MJD,
    MADE_OID,
    MADE_RA,
    alert_folders,
    make_dataset,
    read_alert,
)

from alerce_astro import AlerceClass, conf
from alerce_astro.cache import ResponseCache
from alerce_astro.exceptions import (
    AlerceWarning,
    InvalidQueryError,
    ObjectNotFoundError,
    RemoteServiceError,
    ResponseFormatError,
)
from alerce_astro.offline import SampleServer
from alerce_astro.stamps import STAMP_TYPES, StampSet, read_cutout

OID = "ZTF18aaqfhlj"  # two alerts with stamps
EARLY, LATEST = 1786550031115010000, 1786555201115010001


def stamp_requests(server):
    return [r for r in server.requests if r["path"].endswith("/get_stamp")]


def paths(server):
    return [r["path"].rsplit("/", 1)[-1] for r in server.requests]


def at(wcs, x, y):
    return wcs.pixel_to_world(x, y)


def test_latest_alert_by_default_first_on_request(alerts_client, alerts_server):
    # The tutorial's documented behaviour: the latest detection with stamps.
    latest = alerts_client.get_stamps(OID, candid="last").candid
    assert latest != EARLY
    assert alerts_client.get_stamps(OID).candid == latest
    assert alerts_client.get_images(OID)[0][0].header["CANDID"] == latest
    assert alerts_client.get_stamps(OID, candid="first").candid == EARLY
    with pytest.raises(InvalidQueryError, match="neither a candid"):
        alerts_client.get_stamps(OID, candid="latest")


def test_last_alert(alerts_client, alerts_server, alerts_dir):
    stamps = alerts_client.get_stamps(OID, candid="last")
    assert isinstance(stamps, StampSet) and len(stamps) == 3
    assert stamps.candid == LATEST and isinstance(stamps.candid, int)
    assert paths(alerts_server) == ["detections"] + ["get_stamp"] * 3
    assert sorted(r["query"] for r in stamp_requests(alerts_server)) == sorted(
        f"candid={LATEST}&type={kind}&format=fits&oid={OID}" for kind in STAMP_TYPES)

    folder = alerts_dir / "stamps" / f"{OID}_{LATEST}"
    alert = read_alert(folder)
    candidate = alert["candidate"]
    science, template, difference = stamps
    assert [s.meta["type"] for s in stamps] == list(STAMP_TYPES)
    assert stamps["difference"] is difference is stamps[2] is stamps.difference
    for kind, stamp in stamps.items():
        assert isinstance(stamp, NDData)
        expected = read_cutout((folder / f"{kind}.fits.gz").read_bytes()).data
        np.testing.assert_array_equal(stamp.data, expected)
        np.testing.assert_array_equal(stamp.mask, np.isnan(expected))
        assert stamp.unit == u.DN
        meta = stamp.meta
        assert (meta["oid"], meta["candid"], meta["band"], meta["fid"]) == (OID, LATEST, "r", 2)
        assert meta["mjd"] == pytest.approx(alert["mjd"], abs=1e-8)
        assert meta["date"] == "2021-11-22T13:19:29.997"
        assert (meta["ra"], meta["dec"]) == (candidate["ra"], candidate["dec"])
        assert meta["isdiffpos"] == -1 and candidate["isdiffpos"] == "f"
        assert meta["wcs_approximate"] is True and "Approximate WCS" in meta["wcs_accuracy"]
        assert meta["reference_pixel"] == (31.0, 31.0)
        assert meta["reference_pixel_from"] == "cutout centre"
        assert "north down, east left" in meta["pixel_order"]
        centre = at(stamp.wcs, 31, 31)
        assert centre.separation(SkyCoord(candidate["ra"] * u.deg, candidate["dec"] * u.deg)
                                 ) < 1e-6 * u.arcsec
    assert stamps.position.ra.deg == candidate["ra"]
    assert stamps.time.isot == "2021-11-22T13:19:29.997"
    assert repr(stamps) == (f"<StampSet {OID} candid={LATEST} band=r mjd=59540.55521: "
                            f"science 63x63, template 63x63, difference 63x63>")
    with pytest.raises(KeyError, match="science, template, difference"):
        stamps["reference"]


def test_every_real_alert(alerts_client, alerts_dir):
    # candid given: each of the 39 alerts, its shape, NaN pixels and centre.
    for folder in alert_folders(alerts_dir):
        oid, candid = folder.name.split("_")
        alert = read_alert(folder)
        stamps = alerts_client.get_stamps(oid, candid=candid)
        assert stamps.candid == int(candid) == alert["candid"]
        assert [list(s.data.shape) for s in stamps] == alert["shapes"]
        assert sum(int(s.mask.sum()) for s in stamps) == alert["nan_pixels"]
        assert stamps.mjd == pytest.approx(alert["mjd"], abs=1e-8)
        assert stamps.fid == alert["candidate"]["fid"]
        where = SkyCoord(alert["candidate"]["ra"] * u.deg, alert["candidate"]["dec"] * u.deg)
        for stamp in stamps:
            assert at(stamp.wcs, 31, 31).separation(where) < 1e-6 * u.arcsec


def test_cache_hit_sends_no_request(alerts_client, alerts_server):
    first = alerts_client.get_stamps(OID, candid=EARLY)
    assert len(alerts_server.requests) == 4
    alerts_server.reset_requests()
    again = alerts_client.get_stamps(OID, candid=EARLY)
    assert alerts_server.requests == []
    np.testing.assert_array_equal(again.science.data, first.science.data)
    assert again.science.meta["ra"] == first.science.meta["ra"]
    # Without candid the detections are asked again (they change) but not the images.
    with conf.set_temp("cache_timeout", 0):
        alerts_client.get_stamps(OID, candid="last")
        alerts_client.get_stamps(OID, candid="last")
    assert paths(alerts_server) == ["detections", "get_stamp", "get_stamp", "get_stamp",
                                    "detections"]
    alerts_server.reset_requests()
    alerts_client.get_stamps(OID, candid=EARLY, cache=False)
    assert len(alerts_server.requests) == 4


def test_the_three_images_are_fetched_at_once(alerts_dir, tmp_path):
    # Seen from the server, not timed: with 0.4 s of latency per request, three images asked
    # one after the other are never in flight together.
    with SampleServer(data=alerts_dir, latency=0.4) as server:
        client = AlerceClass(urls=server.urls, cache_location=tmp_path)
        client.get_stamps(OID, candid=EARLY, cache=False)
        kinds = sorted(parse_qs(e["query"])["type"][0] for e in server.requests
                       if e["path"].endswith("/get_stamp"))
        assert server.peak_in_flight == 3
    assert kinds == ["difference", "science", "template"]


def test_bad_arguments_send_nothing(alerts_client, alerts_server):
    with pytest.raises(InvalidQueryError, match="is not a ZTF object id"):
        alerts_client.get_stamps("ztf18aaqfhlj")
    with pytest.raises(InvalidQueryError, match="candid must be an integer"):
        alerts_client.get_stamps(OID, candid=1.786e18)
    with pytest.raises(InvalidQueryError, match="subpixel must be True or False"):
        alerts_client.get_stamps(OID, subpixel="yes")
    assert alerts_server.requests == []


def test_payload(alerts_client, alerts_server):
    payload = alerts_client.get_stamps(OID, candid=EARLY, get_query_payload=True)
    assert [p["url"].rsplit("/", 1)[-1] for p in payload] == ["detections"] + ["get_stamp"] * 3
    assert payload[3]["params"] == [("candid", EARLY), ("type", "difference"),
                                    ("format", "fits"), ("oid", OID)]
    assert len(alerts_client.get_images(OID, get_query_payload=True)) == 1
    info = alerts_client.get_avro_info(EARLY, get_query_payload=True)
    assert info["params"] == [("candid", EARLY)] and info["url"].endswith("/get_avro_info")
    assert alerts_server.requests == []


def test_unknown_object_and_unknown_or_foreign_candid(alerts_client):
    with pytest.raises(ObjectNotFoundError, match="no object ZTF99aaaaaaa at ALeRCE"):
        alerts_client.get_stamps("ZTF99aaaaaaa")
    with pytest.raises(ObjectNotFoundError, match="no alert with candid 1234"):
        alerts_client.get_stamps(OID, candid=1234)
    # a real candid of another object
    with pytest.raises(InvalidQueryError, match="is an alert of ZTF20aawkwsc, not of "
                                                "ZTF18aaqfhlj"):
        alerts_client.get_stamps(OID, candid=1786552613115015005)


@pytest.mark.parametrize("status, body, error, message", [
    (404, {"message": "AVRO not found. You have requested this URI [/get_stamp]"},
     ObjectNotFoundError, "no science stamp for ZTF18aaqfhlj candid 1786550031115010000"),
    (400, {"errors": {"type": "Stamp type"}, "message": "Input payload validation failed"},
     RemoteServiceError, "the service rejected the query"),
    (200, b"<html><title>Maintenance</title></html>", ResponseFormatError,
     "could not be decoded.*Maintenance"),
    (200, gzip.compress(bytes(32 * 2**20)), ResponseFormatError, "more than 16777216 bytes"),
])
def test_stamp_service_failures_are_clear_and_not_cached(alerts_client, alerts_server, status,
                                                         body, error, message):
    alerts_server.inject(r"get_stamp\?.*type=science", status=status, body=body, times=1)
    with pytest.raises(error, match=message) as caught:
        alerts_client.get_stamps(OID, candid=EARLY)
    assert "gzip" not in type(caught.value).__name__.lower()
    assert not isinstance(caught.value.__cause__, (OSError, EOFError))
    # Nothing unusable was cached: the next call fetches the science image again.
    alerts_server.reset_requests()
    stamps = alerts_client.get_stamps(OID, candid=EARLY)
    assert [r["query"].split("&")[1] for r in stamp_requests(alerts_server)] == [
        "type=science"]
    assert stamps.science.data.shape == (63, 63)


def test_avro_info(alerts_client, alerts_dir):
    info = alerts_client.get_avro_info(str(EARLY), oid=OID)
    assert info["candid"] == EARLY and isinstance(info["candid"], int)
    expected = read_alert(alerts_dir / "stamps" / f"{OID}_{EARLY}")
    assert info["candidate"]["magpsf"] == expected["candidate"]["magpsf"]
    assert info["objectId"] == OID and len(info["prv_candidates"]) == 2
    with pytest.raises(ObjectNotFoundError, match="no alert with candid 42"):
        alerts_client.get_avro_info(42)


def test_subpixel_uses_the_alert_position(alerts_client, alerts_server, alerts_dir):
    stamps = alerts_client.get_stamps(OID, candid=EARLY, subpixel=True)
    assert sorted(paths(alerts_server)) == sorted(["detections", "get_avro_info"]
                                                  + ["get_stamp"] * 3)
    candidate = read_alert(alerts_dir / "stamps" / f"{OID}_{EARLY}")["candidate"]
    x = 31 + candidate["xpos"] - round(candidate["xpos"])
    y = 31 + candidate["ypos"] - round(candidate["ypos"])
    assert stamps.science.meta["reference_pixel"] == pytest.approx((x, y))
    assert stamps.science.meta["reference_pixel_from"] == "alert xpos/ypos"
    where = stamps.science.wcs.pixel_to_world(x, y)
    assert where.separation(stamps.position) < 1e-6 * u.arcsec
    # 1954.998 rounds up: the candidate is 0.002 px left of pixel 31's centre.
    assert x == pytest.approx(30.998, abs=1e-3)


def test_subpixel_without_the_alert_record_warns(alerts_client, alerts_server):
    alerts_server.inject(r"get_avro_info", status=404,
                         body={"message": "AVRO not found. You have requested this URI"})
    with pytest.warns(AlerceWarning, match="placed at the centre of its pixel"):
        stamps = alerts_client.get_stamps(OID, candid=EARLY, subpixel=True)
    assert stamps.science.meta["reference_pixel"] == (31.0, 31.0)
    assert stamps.science.meta["reference_pixel_from"] == "cutout centre"


def test_images_as_fits(alerts_client, tmp_path):
    images = alerts_client.get_images(OID, candid=EARLY)
    stamps = alerts_client.get_stamps(OID, candid=EARLY)
    assert len(images) == 3
    for kind, hdul, stamp in zip(STAMP_TYPES, images, stamps, strict=True):
        assert isinstance(hdul, fits.HDUList) and len(hdul) == 1
        header = hdul[0].header
        assert header["STAMPTYP"] == kind and header["OBJECT"] == OID
        assert header["CANDID"] == EARLY and header["FILTER"] == "ZTF_r"
        assert header["BUNIT"] == "DN" and header["WCSAPPRX"] is True
        assert header["WCSNAME"] == "APPROXIMATE ZTF CUTOUT WCS"
        assert any("Approximate WCS" in str(c) for c in header["COMMENT"])
        np.testing.assert_array_equal(hdul[0].data, stamp.data)
        path = tmp_path / f"{kind}.fits"
        hdul.writeto(path)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # our files are clean FITS: astropy says nothing
            with fits.open(path) as back:
                wcs = WCS(back[0].header)
                centre = wcs.pixel_to_world(31, 31)
                assert back[0].header["CANDID"] == EARLY
                np.testing.assert_array_equal(back[0].data, stamp.data)
        assert centre.separation(stamps.position) < 1e-6 * u.arcsec
        assert wcs.wcs.cdelt[1] < 0  # north down in the file's order, as the data


def test_north_up_copy(alerts_client):
    stamps = alerts_client.get_stamps(OID, candid=EARLY)
    up = stamps.north_up()
    assert up.is_north_up and not stamps.is_north_up and up.north_up() is up
    for raw, flipped in zip(stamps, up, strict=True):
        np.testing.assert_array_equal(flipped.data, raw.data[::-1])
        assert "north up" in flipped.meta["pixel_order"]
        for x, y in [(0, 0), (31, 31), (10, 50)]:
            a = raw.wcs.pixel_to_world(x, y)
            b = flipped.wcs.pixel_to_world(x, 62 - y)
            assert a.separation(b) < 1e-6 * u.arcsec
        top = flipped.wcs.pixel_to_world(31, 62)
        assert top.dec > up.position.dec  # row 62 is north now


# ---- hand-made datasets: clipped cutouts, no alert record, no stamps -------------------------
def made_client(tmp_path, **options):
    data = make_dataset(tmp_path / "data", **options)
    server = SampleServer(data=data).start()
    return server, AlerceClass(urls=server.urls, cache_location=tmp_path / "cache")


def test_clipped_cutout_is_centred_with_the_alert_position(tmp_path):
    server, client = made_client(tmp_path)
    try:
        stamps = client.get_stamps(MADE_OID)
        names = paths(server)
    finally:
        server.stop()
    # 12 columns lost on the CCD's low-x side: the candidate is at column 19 (+0.4).
    assert names[:4] == ["detections"] + ["get_stamp"] * 3 and names[4:] == ["get_avro_info"]
    assert stamps.candid == MADE_CANDID and stamps.band == "g"
    for stamp in stamps:
        assert stamp.data.shape == (63, 51)
        assert stamp.meta["reference_pixel"] == pytest.approx((19.4, 31.2))
        assert stamp.meta["reference_pixel_from"] == "alert xpos/ypos"
        assert stamp.mask.sum() == 12 and stamp.mask[:3, :4].all()
        where = stamp.wcs.pixel_to_world(19.4, 31.2)
        assert where.separation(SkyCoord(MADE_RA * u.deg, MADE_DEC * u.deg)) < 1e-6 * u.arcsec
    # the source drawn at the candidate's place is where the WCS says
    peak = np.unravel_index(np.nanargmin(stamps.difference.data), (63, 51))
    assert peak == (31, 19)


def test_clipped_cutout_without_alert_record_uses_the_difference_image(tmp_path):
    server, client = made_client(tmp_path, with_alert=False)
    try:
        stamps = client.get_stamps(MADE_OID)
    finally:
        server.stop()
    assert stamps.science.meta["reference_pixel"] == (19.0, 31.0)
    assert stamps.science.meta["reference_pixel_from"].startswith("difference image")


def test_candid_missing_from_the_detections_is_found_in_the_alert(tmp_path):
    server, client = made_client(tmp_path, shape=(63, 63), listed=False)
    try:
        stamps = client.get_stamps(MADE_OID, candid=MADE_CANDID)
        names = paths(server)
        with pytest.raises(ObjectNotFoundError, match=f"{MADE_OID} has no stamps: none of its "
                                                      f"1 detections has stamps"):
            client.get_stamps(MADE_OID)
    finally:
        server.stop()
    assert names == ["detections", "get_avro_info"] + ["get_stamp"] * 3
    assert stamps.mjd == pytest.approx(MADE_MJD, abs=1e-6)
    assert stamps.science.meta["reference_pixel"] == pytest.approx((31.4, 31.2))


def test_detection_without_stamps_explains_the_404(tmp_path):
    data = make_dataset(tmp_path / "data", shape=(63, 63))
    with SampleServer(data=data) as server:
        client = AlerceClass(urls=server.urls, cache_location=tmp_path / "cache")
        with pytest.raises(ObjectNotFoundError, match="has_stamp false"):
            client.get_stamps(MADE_OID, candid=1497000000015015001)


def test_unusable_cached_stamp_is_fetched_again(alerts_client, alerts_server):
    # A cache entry that is intact on disk but does not decode (written by an older version,
    # say) is a miss: the image is fetched again and the entry replaced.
    alerts_client.get_stamps(OID, candid=EARLY)
    cache = ResponseCache(alerts_client.cache_location)
    replaced = 0
    for path in alerts_client.cache_location.glob("*.alerce"):
        head = json.loads(path.read_bytes().partition(b"\n")[0])
        if head["url"].endswith("/get_stamp"):
            cache.put(path.stem, b"<html>cached error page</html>", url=head["url"])
            replaced += 1
    assert replaced == 3
    alerts_server.reset_requests()
    stamps = alerts_client.get_stamps(OID, candid=EARLY)
    assert len(stamp_requests(alerts_server)) == 3
    assert stamps.science.data.shape == (63, 63)
    alerts_server.reset_requests()
    alerts_client.get_stamps(OID, candid=EARLY)
    assert alerts_server.requests == []
