"""get_stamps/plot_stamps for survey="lsst" over the real Rubin alerts: the default alert is the
one with has_stamp, the images are nJy with variance and PSF, and the cutout's own WCS puts the
diaSource on CRPIX, before and after north_up."""

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.nddata import VarianceUncertainty
from astropy.time import Time

from alerce_astro.exceptions import InvalidQueryError, ObjectNotFoundError
from alerce_astro.stamps.lsst_stampset import LsstStampSet


def test_every_real_alert_decodes_with_variance_psf_and_wcs_on_the_dia_source(
        lsst_real_client, lsst_triggers, lsst_dia_sources):
    assert len(lsst_triggers) == 7
    for oid, measurement_id in lsst_triggers.items():
        stamps = lsst_real_client.get_stamps(oid)
        source = lsst_dia_sources[measurement_id]
        assert isinstance(stamps, LsstStampSet)
        assert stamps.oid == oid and stamps.measurement_id == measurement_id
        assert type(stamps.measurement_id) is int
        assert stamps.band == source["band"]
        # Rubin's midpointMjdTai shown in UTC: 37 s earlier, exactly.
        tai = Time(source["midpointMjdTai"], format="mjd", scale="tai")
        assert abs((stamps.time - tai).to_value(u.s)) < 1e-6
        assert abs((stamps.mjd - source["midpointMjdTai"]) * 86400 + 37) < 1e-3
        side = min(max(source["bboxSize"], 30), 102)
        where = SkyCoord(source["ra"] * u.deg, source["dec"] * u.deg)
        for kind, stamp in stamps.items():
            assert stamp.data.shape == (side, side), (oid, kind)
            assert stamp.unit == u.nJy
            assert isinstance(stamp.uncertainty, VarianceUncertainty)
            assert stamp.uncertainty.unit == u.nJy ** 2
            assert stamp.uncertainty.array.shape == stamp.data.shape
            assert abs(stamp.meta["psf"].sum() - 1) < 0.05
            assert stamp.meta["wcs_approximate"] is False
            assert stamp.wcs.has_celestial
            assert "CTYPE1" not in stamp.meta["header"]  # added to the WCS, not the header
            crpix = stamp.wcs.wcs.crpix - 1
            assert stamp.wcs.pixel_to_world(*crpix).separation(where) < 1 * u.mas, (oid, kind)
        up = stamps.north_up()
        assert up.is_north_up and up.north_up() is up
        for (kind, before), after in zip(stamps.items(), up, strict=True):
            # A reordering, never a resampling: same pixel values, same sky positions.
            assert np.array_equal(np.sort(before.data, axis=None), np.sort(after.data, axis=None),
                                  equal_nan=True)
            crpix = after.wcs.wcs.crpix - 1
            assert after.wcs.pixel_to_world(*crpix).separation(where) < 1 * u.mas, (oid, kind)
            assert abs(after.meta["position_angle"].to_value(u.deg) - 0) <= 45 + 1e-9 or \
                abs(after.meta["position_angle"].to_value(u.deg) - 360) <= 45 + 1e-9


def test_north_up_turns_the_sky_the_right_way_for_a_rotated_alert(lsst_real_client,
                                                                   lsst_triggers):
    angles = {}
    for oid in lsst_triggers:
        up = lsst_real_client.get_stamps(oid).north_up()
        w = up.science.wcs
        ny, nx = up.science.data.shape
        centre = w.pixel_to_world((nx - 1) / 2, (ny - 1) / 2)
        above = w.pixel_to_world((nx - 1) / 2, (ny - 1) / 2 + 10)
        left = w.pixel_to_world((nx - 1) / 2 - 10, (ny - 1) / 2)
        # +y goes north (within 45 degrees), -x goes east.
        assert abs(centre.position_angle(above).wrap_at(180 * u.deg).deg) <= 45 + 1e-6
        assert abs(centre.position_angle(left).deg - 90) <= 45 + 1e-6
        angles[oid] = round(up.science.meta["position_angle"].to_value(u.deg), 1)
    # The real alerts are rotated: not every image is already north up.
    assert any(abs(((a + 180) % 360) - 180) > 1 for a in angles.values()), angles


def test_payload_and_one_detection_request_then_three_cutouts(lsst_real_server,
                                                              lsst_real_client):
    oid, mid = 313897383979122767, 170094456251351059
    payload = lsst_real_client.get_stamps(oid, candid=mid, get_query_payload=True)
    assert payload[0]["url"].endswith("/lightcurve_api/detections")
    assert ("oid", str(oid)) in payload[0]["params"]
    assert [dict(p["params"])["stamp_type"] for p in payload[1:]] == [
        "cutoutScience", "cutoutTemplate", "cutoutDifference"]
    assert all(dict(p["params"])["measurement_id"] == str(mid) for p in payload[1:])
    lsst_real_server.reset_requests()
    stamps = lsst_real_client.get_stamps(oid, candid=mid)
    paths = sorted(r["path"] for r in lsst_real_server.requests)
    assert paths == ["/lightcurve_api/detections"] + ["/stamps_api/stamp"] * 3
    # Stamps never change: asked again, nothing is sent.
    lsst_real_server.reset_requests()
    again = lsst_real_client.get_stamps(oid, candid=mid)
    assert lsst_real_server.requests == []
    assert np.array_equal(again.difference.data, stamps.difference.data, equal_nan=True)


def test_a_detection_without_stamps_is_refused_before_any_cutout_request(lsst_real_server,
                                                                         lsst_real_client):
    oid = 313897383979122767
    lsst_real_server.reset_requests()
    table = lsst_real_client._get_json(lsst_real_client._route("detections", oid=oid),
                                       what="detections")[0]
    other = next(r["measurement_id"] for r in table if not r["has_stamp"])
    with pytest.raises(ObjectNotFoundError, match="has_stamp is false.*170094456251351059"):
        lsst_real_client.get_stamps(oid, candid=other)
    with pytest.raises(ObjectNotFoundError, match="no detection with measurement_id 12345"):
        lsst_real_client.get_stamps(oid, candid=12345)
    assert not [r for r in lsst_real_server.requests if r["path"] == "/stamps_api/stamp"]


def test_no_alert_packets_for_lsst_is_a_clear_error(lsst_real_client):
    with pytest.raises(InvalidQueryError, match="no alert packets .avro. for LSST"):
        lsst_real_client.get_avro_info(170094456251351059)


def test_fits_round_trip_keeps_wcs_variance_and_psf(lsst_real_client, tmp_path):
    stamps = lsst_real_client.get_stamps(170028513894596704)
    science, template, difference = stamps.to_hdulists()
    assert [h.name for h in science] == ["PRIMARY", "UNCERT", "PSFIMAGE"]
    header = science[0].header
    assert header["MEASID"] == 170094456523456557 and header["OBJECT"] == 170028513894596704
    assert header["BUNIT"] == "nJy" and header["CTYPE1"] == "RA---TAN"
    assert header["WCSAPPRX"] is False
    path = tmp_path / "science.fits"
    science.writeto(path)
    from astropy.nddata import CCDData

    back = CCDData.read(path, hdu_uncertainty="UNCERT", hdu_psf="PSFIMAGE")
    assert back.unit == u.nJy
    assert np.array_equal(back.data, stamps.science.data, equal_nan=True)
    ref = stamps.science.wcs.wcs.crpix - 1
    assert back.wcs.pixel_to_world(*ref).separation(
        stamps.science.wcs.pixel_to_world(*ref)) < 1 * u.mas


def test_plot_stamps_draws_three_sky_panels_from_the_real_wcs(lsst_real_client):
    fig = lsst_real_client.plot_stamps(170028485706776685)
    axes = fig.axes
    assert len(axes) == 3
    assert [a.get_title().split(" (")[0] for a in axes] == ["Science", "Template",
                                                            "Difference"]
    up = lsst_real_client.get_stamps(170028485706776685).north_up()
    assert f"({up.band} band)" in axes[0].get_title() and up.band in "ugrizy"
    assert axes[0].wcs.wcs.compare(up.science.wcs.wcs)
    import matplotlib.pyplot as plt

    plt.close(fig)
