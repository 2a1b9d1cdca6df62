"""A second survey is only a map: real LSST rows build canonical light curves, and everything
that reads light curves (selections, fluxes, I/O, stacking, plots) works on them unchanged."""

import json
import warnings

import numpy as np
import pytest
from astropy import units as u
from astropy.time import Time
from lc_helpers import maskof

from alerce_astro.apis.multisurvey.photometry import LSST_PHOTOMETRY
from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
from alerce_astro.bulk import stack_tables
from alerce_astro.lightcurve import CANONICAL_NAMES, AlerceLightCurve, build_lightcurve
from alerce_astro.surveys import LSST, ZTF

# TAI - UTC since 2017 (leap second of 2016-12-31); LSST's MJDs are all after that.
TAI_MINUS_UTC = 37 * u.s


@pytest.fixture(scope="module")
def lsst_bodies(fixtures_dir):
    bodies = {}
    for path in sorted((fixtures_dir / "lsst-recorded" / "objects").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("survey_id") == "lsst":
            bodies[body["oid"]] = body
    return bodies


def plain(quantity):
    """The values of a (masked) quantity, mask ignored."""
    return getattr(quantity, "unmasked", quantity)


def rows_of(body):
    return {"detection": body["lightcurve"]["body"]["detections"],
            "forced": body["forced_photometry_all"]["body"]}


def build(body):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NaN warning (negative fluxes), nothing else
        return build_lightcurve(rows_of(body), LSST_PHOTOMETRY, oid=body["oid"],
                                meta={"service": "ALeRCE"})


@pytest.fixture(scope="module")
def lsst_curves(lsst_bodies):
    return {oid: build(body) for oid, body in lsst_bodies.items()}


def test_every_recorded_lsst_object_builds_canonical_columns(lsst_bodies, lsst_curves):
    assert len(lsst_curves) == 7
    for oid, lc in lsst_curves.items():
        rows = rows_of(lsst_bodies[oid])
        assert isinstance(lc, AlerceLightCurve)
        assert lc.colnames[:len(CANONICAL_NAMES)] == list(CANONICAL_NAMES)
        assert len(lc.detections()) == len(rows["detection"])
        assert len(lc.forced()) == len(rows["forced"]) and len(lc.upper_limits()) == 0
        assert lc.meta["oid"] == oid and type(lc.meta["oid"]) is int
        assert lc.meta["survey"] == "lsst" and lc.survey is LSST
        assert lc["band_id"].dtype == np.int16 and lc["detection_id"].dtype == np.int64
        assert lc["flux"].unit == u.nJy and lc["flux_err"].unit == u.nJy
        assert lc["mag"].unit == u.mag and all(maskof(lc["limiting_mag"]))  # no limits sent
        assert lc["scienceFlux"].unit == u.nJy and lc["visit"].dtype == np.int64
        assert "band_map" not in lc.colnames and "oid" not in lc.colnames
    assert sum(len(lc) for lc in lsst_curves.values()) == 1741 + 2321


def test_ids_are_exact_int64(lsst_bodies, lsst_curves):
    body = lsst_bodies[313897383979122767]
    lc = lsst_curves[313897383979122767]
    expected = {r["measurement_id"] for r in body["lightcurve"]["body"]["detections"]}
    assert set(lc.detections()["detection_id"].tolist()) == expected
    assert 170094456251351059 in expected   # beyond 2**53: no float could hold it
    assert not any(maskof(lc["detection_id"]))


def test_fluxes_are_psf_fluxes_and_magnitudes_derived(lsst_bodies, lsst_curves):
    n_negative = 0
    for oid, lc in lsst_curves.items():
        rows = rows_of(lsst_bodies[oid])
        # (a forced measurement may carry the id of a detection: keyed by kind and id)
        by_id = {(kind, r["measurement_id"]): r for kind, part in rows.items() for r in part}
        keys = list(zip(lc["kind"].tolist(), lc["detection_id"].tolist(), strict=True))
        flux = plain(lc["flux"]).to_value(u.nJy)
        wire = np.array([by_id[key]["psfFlux"] for key in keys])
        np.testing.assert_array_equal(flux, wire)
        mag_mask = np.array(maskof(lc["mag"]))
        positive = wire > 0
        # masked exactly where the flux is <= 0, 31.4 - 2.5 log10(f / nJy) elsewhere
        np.testing.assert_array_equal(mag_mask, ~positive)
        mags = plain(lc["mag"]).to_value(u.mag)[positive]
        np.testing.assert_allclose(mags, 31.4 - 2.5 * np.log10(wire[positive]), rtol=1e-12)
        errs = plain(lc["mag_err"]).to_value(u.mag)[positive]
        wire_err = np.array([by_id[key]["psfFluxErr"] for key in keys])
        np.testing.assert_allclose(errs, 2.5 / np.log(10) * wire_err[positive]
                                   / wire[positive], rtol=1e-12)
        n_negative += int((~positive).sum())
    assert n_negative == 531 + 825 + 5 + 8 + 6


def test_tai_times_are_converted_to_utc_exactly(lsst_bodies, lsst_curves):
    body = lsst_bodies[313897383979122767]
    lc = lsst_curves[313897383979122767]
    rows = {(kind, r["measurement_id"]): r for kind, part in rows_of(body).items() for r in part}
    keys = zip(lc["kind"].tolist(), lc["detection_id"].tolist(), strict=True)
    tai = Time([rows[key]["mjd"] for key in keys], format="mjd", scale="tai")
    assert lc.time.scale == "utc" and lc.time.format == "mjd"
    assert np.max(np.abs((lc.time - tai).to_value(u.us))) < 1.0
    # ...and the clock reads 37 s less than the TAI MJD the service sent
    offset = (lc.time.mjd - tai.mjd) * u.d
    np.testing.assert_allclose(offset.to_value(u.s), -TAI_MINUS_UTC.value, atol=1e-3)
    assert np.all(np.diff(lc.time.mjd) >= 0)


def test_bands_come_from_the_survey_in_wavelength_order(lsst_bodies, lsst_curves):
    assert lsst_curves[313897383979122767].bands == ["g", "r", "i", "z"]
    assert lsst_curves[170028513894596704].bands == ["g", "r", "i", "z", "y"]
    # every band code, u (6) included: six bands ordered by wavelength
    body = lsst_bodies[313897383979122767]
    detections = body["lightcurve"]["body"]["detections"][:6]
    rows = [dict(row, band=code) for row, code in zip(detections, (6, 5, 4, 3, 2, 1),
                                                      strict=True)]
    lc = build_lightcurve({"detection": rows}, LSST_PHOTOMETRY, oid=body["oid"])
    assert lc.bands == ["u", "g", "r", "i", "z", "y"] == list(LSST.band_names)
    assert dict(zip(lc["band_id"].tolist(), lc["band"].tolist(), strict=True))[6] == "u"
    assert len(lc.select_band("u")) == len(lc.select_band(6)) == 1
    assert len(lc.select_band(["u", "y"])) == 2
    with pytest.raises(ValueError, match="not a Rubin LSST band"):
        lc.select_band("q")


def test_lsst_methods_read_only_canonical_columns(lsst_curves):
    lc = lsst_curves[313897383979122767]
    flux = lc.to_flux()
    assert flux["flux"].unit == u.nJy and flux.meta["flux_unit"] == "nJy"
    assert all(maskof(flux["limiting_flux"]))
    in_ujy = lc.to_flux(unit=u.uJy)
    np.testing.assert_allclose(plain(in_ujy["flux"]).value, plain(lc["flux"]).value / 1000)
    folded = lc.detections().fold(0.5 * u.d)
    assert folded.is_folded and len(folded) == len(lc.detections())
    with pytest.raises(ValueError, match="no apparent magnitudes"):
        lc.apparent()


def test_sed_uses_the_survey_wavelengths(lsst_curves):
    pytest.importorskip("specutils")
    lc = lsst_curves[313897383979122767]
    det = lc.detections()
    sed = lc.sed(det.time[len(det) // 2], window=3 * u.d)
    assert sed.flux.unit == u.nJy
    waves = {b.name: b.wavelength.to_value(u.AA) for b in LSST.bands}
    assert sed.spectral_axis.to_value(u.AA).tolist() == [waves[b] for b in sed.meta["bands"]]
    assert "Rubin LSST effective wavelengths" in sed.meta["wavelengths"]


@pytest.mark.parametrize("fmt", ["ecsv", "fits"])
def test_round_trip_keeps_units_masks_ids_and_survey(lsst_curves, tmp_path, fmt):
    lc = lsst_curves[170028485706776685]
    path = tmp_path / f"lc.{fmt}"
    lc.write(path)
    back = AlerceLightCurve.read(path)
    assert back.colnames == lc.colnames
    assert back.meta["survey"] == "lsst" and back.meta["oid"] == 170028485706776685
    assert back.survey is LSST and back.bands == lc.bands
    assert back["flux"].unit == u.nJy and back["detection_id"].dtype == np.int64
    assert back["detection_id"].tolist() == lc["detection_id"].tolist()
    assert maskof(back["mag"]) == maskof(lc["mag"])
    assert np.max(np.abs((back.time - lc.time).to_value(u.us))) < 1.0


def test_stacking_keeps_exact_integer_oids(lsst_curves):
    stacked = stack_tables(lsst_curves)
    assert stacked["oid"].dtype == np.int64
    assert stacked["oid"].info.description == LSST.id_description
    assert set(stacked["oid"].tolist()) == set(lsst_curves)
    assert stacked.colnames[:2] == ["time", "oid"] and stacked.meta["survey"] == "lsst"
    assert len(stacked) == sum(len(lc) for lc in lsst_curves.values())


def test_two_survey_light_curve_plots_each_survey_apart(lsst_curves, recorded):
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    from alerce_astro.plotting import plot_lightcurve, style

    ztf = lightcurve_from_json(recorded("ZTF20aaelulu")["lightcurve"], oid="ZTF20aaelulu")
    lsst = lsst_curves[313897383979122767]
    both = []
    for name, lc in (("ztf", ztf), ("lsst", lsst)):
        part = lc.detections()[["time", "kind", "band", "band_id", "flux", "flux_err", "mag",
                                "mag_err", "limiting_mag", "detection_id"]]
        part["band"] = np.char.add(f"{name}_", np.asarray(part["band"]))
        both.append(part)
    from astropy.table import vstack

    joined = AlerceLightCurve(vstack(both, metadata_conflicts="silent"),
                              meta={"oid": "joined", "survey": "ztf+lsst"})
    assert joined.bands[:3] == ["ztf_g", "lsst_g", "lsst_r"]
    assert len(joined.select_band("g")) == len(ztf.detections().select_band("g")) + len(
        lsst.detections().select_band("g"))
    assert len(joined.select_band("lsst_g")) == len(lsst.detections().select_band("g"))
    try:
        ax = plot_lightcurve(joined)
        lines = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
        ztf_g, lsst_g = lines["ztf_g:detection"], lines["lsst_g:detection"]
        assert to_rgb(ztf_g.get_color()) == to_rgb(ZTF.band("g").color)
        assert to_rgb(lsst_g.get_color()) == to_rgb(LSST.band("g").color)
        assert ztf_g.get_marker() == style.SURVEY_MARKERS["ztf"] != lsst_g.get_marker()
        assert lsst_g.get_marker() == style.SURVEY_MARKERS["lsst"]
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert labels[:4] == ["ZTF g", "Rubin LSST g", "Rubin LSST r", "ZTF r"]
    finally:
        plt.close("all")
    assert style.band_color("lsst_u") == LSST.band("u").color
    assert style.band_color(6, survey="lsst") == LSST.band("u").color
    assert style.band_color("g", survey=ZTF) == ZTF.band("g").color
    assert style.band_color("nope", survey="ztf") == style.OTHER_COLOR
