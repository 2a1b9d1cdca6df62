"""LSST light curves and photometry tables against the real recorded data: complete forced
photometry (the several-oid path), exact ids, nJy fluxes, TAI -> UTC."""

import warnings
from urllib.parse import parse_qsl

import numpy as np
import pytest
from astropy import units as u
from astropy.table import Table
from astropy.time import Time
from lsst_client_helpers import DETECTION_COUNTS, FORCED_COUNTS, requests_to

from alerce_astro.exceptions import InvalidQueryError, NoResultsWarning, ObjectNotFoundError
from alerce_astro.lightcurve import CANONICAL_NAMES, AlerceLightCurve
from alerce_astro.surveys import LSST

AGN = 313897383979122767


def test_forced_photometry_is_complete_for_the_five_real_objects(server, client):
    got = {oid: len(client.query_forced_photometry(oid)) for oid in FORCED_COUNTS}
    assert got == FORCED_COUNTS == {170028485706776685: 395, 313897383979122767: 408,
                                    170028513894596704: 777, 313893023095193658: 401,
                                    314002971860926640: 340}
    # every request took the several-oid path: the one oid sent twice
    sent = requests_to(server, "/lightcurve_api/forced-photometry")
    assert len(sent) == 5
    for request in sent:
        oids = [v for k, v in parse_qsl(request["query"]) if k == "oid"]
        assert len(oids) == 2 and oids[0] == oids[1]


def test_light_curves_hold_every_detection_and_forced_point(server, client):
    for oid in FORCED_COUNTS:
        lc = client.get_lightcurve(oid, forced_photometry=True)
        assert isinstance(lc, AlerceLightCurve)
        assert len(lc.detections()) == DETECTION_COUNTS[oid]
        assert len(lc.forced()) == FORCED_COUNTS[oid]
        assert len(lc.upper_limits()) == 0       # Rubin sends no upper limits
    # one request per light curve: detections and forced photometry together
    assert len(requests_to(server, "/lightcurve_api/lightcurve")) == 5
    # without forced photometry: the detections only
    assert set(client.get_lightcurve(AGN)["kind"]) == {"detection"}


def test_light_curve_values_equal_the_recorded_rows(client, bundles):
    body = bundles[AGN]
    lc = client.get_lightcurve(AGN, forced_photometry=True)
    assert lc.colnames[:len(CANONICAL_NAMES)] == list(CANONICAL_NAMES)
    assert lc.meta["oid"] == AGN and type(lc.meta["oid"]) is int and lc.meta["survey"] == "lsst"
    rows = {("detection", r["measurement_id"]): r
            for r in body["lightcurve"]["body"]["detections"]}
    rows.update({("forced", r["measurement_id"]): r for r in body["forced_photometry_all"]["body"]})
    keys = list(zip(lc["kind"].tolist(), lc["detection_id"].tolist(), strict=True))
    assert set(keys) == set(rows) and len(keys) == 320 + 408
    assert lc["detection_id"].dtype == np.int64
    assert 170094456251351059 in lc["detection_id"].tolist()   # beyond 2**53, exact
    # fluxes are psfFlux in nJy; magnitudes 31.4 - 2.5 log10(f/nJy), masked where f <= 0
    assert lc["flux"].unit == u.nJy and lc["flux_err"].unit == u.nJy
    wire = np.array([rows[k]["psfFlux"] for k in keys])
    np.testing.assert_array_equal(np.asarray(lc["flux"].value), wire)
    mag_mask = np.ma.getmaskarray(lc["mag"])
    np.testing.assert_array_equal(mag_mask, wire <= 0)
    good = wire > 0
    np.testing.assert_allclose(np.asarray(lc["mag"].value)[good],
                               31.4 - 2.5 * np.log10(wire[good]), rtol=1e-12)
    # bands: the wire codes, named by the survey (u = 6)
    assert [LSST.band(int(c)).name for c in lc["band_id"]] == lc["band"].tolist()
    assert lc["band_id"].tolist() == [rows[k]["band"] for k in keys]
    # TAI on the wire -> UTC in the light curve, within 1 microsecond
    tai = Time([rows[k]["mjd"] for k in keys], format="mjd", scale="tai")
    assert lc.time.scale == "utc"
    assert np.max(np.abs((lc.time - tai).to_value(u.us))) < 1.0
    assert abs((lc.time[0].mjd - tai[0].mjd) * 86400 + 37) < 1e-3   # 37 s, not silent


def test_detection_and_forced_tables(client, bundles):
    det = client.query_detections(AGN)
    assert len(det) == 320 and det["oid"].dtype == np.int64 and set(det["oid"]) == {AGN}
    assert det["measurement_id"].dtype == np.int64
    assert set(det["measurement_id"].tolist()) == {
        r["measurement_id"] for r in bundles[AGN]["lightcurve"]["body"]["detections"]}
    assert det.colnames.index("band") == det.colnames.index("band_id") + 1
    assert det["psfFlux"].unit == u.nJy and det["mjd"].unit == u.d
    assert "band_map" not in det.colnames
    assert np.all(np.diff(det["mjd"]) >= 0)
    forced = client.query_forced_photometry(AGN)
    assert len(forced) == 408 and forced["scienceFlux"].unit == u.nJy
    assert set(forced["band"]) <= set(LSST.band_names)


def test_non_detections_are_a_documented_empty_table(server, client):
    with pytest.warns(NoResultsWarning, match="Rubin alerts carry no upper limits"):
        table = client.query_non_detections(AGN)
    assert isinstance(table, Table) and len(table) == 0
    assert table["oid"].dtype == np.int64 and table["diffmaglim"].unit == u.mag
    assert server.requests == []                   # nothing to ask
    assert client.query_non_detections(AGN, get_query_payload=True) == []


def test_ids_survive_ecsv_and_fits_round_trips(client, tmp_path):
    lc = client.get_lightcurve(AGN, forced_photometry=True)
    for name in ("lc.ecsv", "lc.fits"):
        lc.write(tmp_path / name)
        back = AlerceLightCurve.read(tmp_path / name)
        assert back.meta["oid"] == AGN and type(back.meta["oid"]) is int
        assert back["detection_id"].dtype == np.int64
        assert back["detection_id"].tolist() == lc["detection_id"].tolist()
    objects = client.query_objects(row_limit=-1)
    objects.remove_column("coord")
    objects.write(tmp_path / "objects.ecsv")
    back = Table.read(tmp_path / "objects.ecsv")
    assert back["oid"].dtype == np.int64 and back["oid"].tolist() == objects["oid"].tolist()


def test_a_plain_client_sends_an_lsst_id_to_lsst(server, tmp_path):
    plain = server.client(cache_location=tmp_path)       # no survey chosen: ZTF by default
    assert plain.survey.name == "ztf"
    for oid in (AGN, str(AGN), np.int64(AGN)):
        lc = plain.get_lightcurve(oid, forced_photometry=True)
        assert lc.meta["survey"] == "lsst" and len(lc) == 320 + 408
    assert plain.query_object(AGN)["oid"][0] == AGN
    # a client whose survey was chosen keeps it
    with pytest.raises(InvalidQueryError, match="ZTF"):
        server.client(survey="ztf", cache_location=tmp_path).get_lightcurve(AGN)


def test_an_unknown_object_has_no_light_curve(client):
    with pytest.raises(ObjectNotFoundError, match="no LSST object 1234567"):
        client.get_lightcurve(1234567)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InvalidQueryError, match="positive integer"):
            client.get_lightcurve("ZTF20aaelulu")


def test_light_curves_and_their_stack_sort_and_edit_like_ztf(client):
    # The UTC times of an LSST light curve come from a TAI conversion, which astropy makes
    # read-only; sorting or editing must work as on a ZTF light curve.
    lc = client.get_lightcurve(AGN, forced_photometry=True)
    flux = np.sort(lc["flux"].to_value(u.nJy))
    by_time = lc["time"].mjd.copy()
    lc.sort("flux")
    assert np.array_equal(lc["flux"].to_value(u.nJy), flux)
    assert sorted(lc["time"].mjd.tolist()) == sorted(by_time.tolist())
    lc["time"][0] = Time(60000.5, format="mjd", scale="utc")
    assert lc["time"][0].mjd == 60000.5
    result = client.get_lightcurves(list(FORCED_COUNTS), forced_photometry=True,
                                    progress=False)
    stacked = result.stack()
    stacked.sort("flux")
    assert len(stacked) == sum(FORCED_COUNTS.values()) + sum(DETECTION_COUNTS.values())
    assert np.all(np.diff(stacked["flux"].to_value(u.nJy)) >= 0)
    # the result itself is untouched by the sorted copy
    assert np.array_equal(np.sort(result[AGN]["flux"].to_value(u.nJy)), flux)
