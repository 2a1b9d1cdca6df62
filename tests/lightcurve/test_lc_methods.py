"""AlerceLightCurve methods: selections, fluxes, apparent magnitudes, folding, periodogram, SED."""

import numpy as np
import pytest
from astropy import units as u
from astropy.time import Time, TimeDelta
from lc_helpers import maskof, num, periodic_detections

from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
from alerce_astro.exceptions import AlerceWarning
from alerce_astro.lightcurve import AlerceLightCurve, flux_to_mag, mag_to_flux
from alerce_astro.lightcurve.periodogram import MultibandPeriodogram
from alerce_astro.surveys import ZTF

TRUE_PERIOD = 0.5673


@pytest.fixture(scope="module")
def elulu(recorded):
    return lightcurve_from_json(recorded("ZTF20aaelulu")["lightcurve"], oid="ZTF20aaelulu")


@pytest.fixture(scope="module")
def variable(recorded):
    return lightcurve_from_json(recorded("ZTF18abbuive")["lightcurve"], oid="ZTF18abbuive")


@pytest.fixture(scope="module")
def periodic():
    return lightcurve_from_json(periodic_detections(TRUE_PERIOD), oid="ZTF20aaaaaaa")


def test_selections_return_new_light_curves(elulu):
    g = elulu.select_band("g")
    assert isinstance(g, AlerceLightCurve) and g is not elulu
    assert set(g["band"]) == {"g"} and set(g["band_id"]) == {1}
    assert len(g) + len(elulu.select_band(2)) == len(elulu)
    assert len(elulu.select_band(["g", "r"])) == len(elulu)
    assert len(elulu.detections().select_band("g")) == 31
    assert g.meta["oid"] == "ZTF20aaelulu" and g.coord == elulu.coord
    with pytest.raises(ValueError, match="not a ZTF band"):
        elulu.select_band("z")
    # chained selections never touch the original
    before = len(elulu)
    elulu.detections().select_band("r").to_flux()
    assert len(elulu) == before and "limiting_flux" not in elulu.colnames


def test_flux_conversion_values():
    flux, err = mag_to_flux([23.9, 21.4, 16.4] * u.mag, [0.1, 0.1, 0.01] * u.mag,
                            sign=[1, -1, 1])
    assert flux.unit == u.uJy
    assert num(flux[0]) == pytest.approx(1.0)
    assert num(flux[1]) == pytest.approx(-10.0)
    assert num(flux[2]) == pytest.approx(1000.0)
    assert num(err[0]) == pytest.approx(0.1 * np.log(10) / 2.5)
    mag, _ = flux_to_mag(flux)
    assert np.allclose(mag.unmasked.value, [23.9, 21.4, 16.4])
    nJy, _ = mag_to_flux([23.9], unit=u.nJy)
    assert num(nJy[0]) == pytest.approx(1000.0)


def test_to_flux_signed_difference_flux(variable):
    lc = variable.to_flux()
    det = lc.detections()
    assert det["flux"].unit == u.uJy and det["flux_err"].unit == u.uJy
    sign = np.sign(det["flux"].unmasked.value)
    assert np.array_equal(sign, np.asarray(det["isdiffpos"], dtype=float))
    i = 0
    expected = -10 ** (-0.4 * (num(det["mag"][i]) - 23.9))   # first point is negative
    assert int(det["isdiffpos"][i]) == -1
    assert num(det["flux"][i]) == pytest.approx(expected)
    assert num(det["flux_err"][i]) == pytest.approx(abs(expected) * np.log(10) / 2.5
                                                    * num(det["mag_err"][i]))
    ul = lc.upper_limits()
    assert all(maskof(ul["flux"])) and not any(maskof(ul["limiting_flux"]))
    assert num(ul["limiting_flux"][0]) == pytest.approx(
        10 ** (-0.4 * (num(ul["limiting_mag"][0]) - 23.9)))


def test_apparent_magnitudes(elulu, variable):
    app = variable.apparent()
    det = app.detections()
    assert app.magnitudes == "apparent" and variable.magnitudes == "difference"
    assert np.allclose(det["mag"].unmasked.value, det["mag_corr"].unmasked.value)
    assert np.allclose(det["mag_err"].unmasked.value, det["mag_corr_err_ext"].unmasked.value)
    assert np.allclose(det["mag_diff"].unmasked.value,
                       variable.detections()["mag"].unmasked.value)
    # apparent fluxes are all positive, even for negative subtractions
    assert np.all(app.detections().to_flux()["flux"].unmasked.value > 0)
    # ZTF20aaelulu has corrected g magnitudes only (31): its 27 r ones are masked, with a warning
    with pytest.warns(AlerceWarning, match="27 of 58"):
        partly = elulu.apparent()
    assert sum(maskof(partly.detections()["mag"])) == 27
    with pytest.raises(ValueError, match="error"):
        variable.apparent(error="nope")


def test_fold(periodic):
    epoch = Time(58500.0, format="mjd", scale="utc")
    folded = periodic.fold(TRUE_PERIOD * u.d, epoch)
    assert isinstance(folded, AlerceLightCurve) and folded.is_folded
    assert isinstance(folded["time"], TimeDelta)
    phase = folded["time"].to_value(u.d)
    assert phase.min() >= -TRUE_PERIOD / 2 - 1e-9 and phase.max() < TRUE_PERIOD / 2 + 1e-9
    expected = ((periodic.time.mjd - 58500.0 + TRUE_PERIOD / 2) % TRUE_PERIOD) \
        - TRUE_PERIOD / 2
    assert np.allclose(phase, expected, atol=1e-6)
    assert np.allclose(folded["time_original"].mjd, periodic.time.mjd)
    assert folded.meta["period"] == TRUE_PERIOD * u.d
    normalised = periodic.fold(TRUE_PERIOD, 58500.0, normalize_phase=True)
    assert np.allclose(np.asarray(normalised["time"]), expected / TRUE_PERIOD, atol=1e-6)
    # a phase-normalised light curve still copies, selects and converts
    chained = normalised.select_band("g").detections().to_flux()
    assert chained.is_folded
    assert len(chained) == len(periodic.detections().select_band("g")) == 199
    # default epoch: the brightest detection sits at phase 0
    auto = periodic.detections().fold(TRUE_PERIOD)
    brightest = np.nanargmin(periodic.detections()["mag"].unmasked.value)
    assert abs(auto["time"][brightest].to_value(u.d)) < 1e-6
    with pytest.raises(ValueError, match="already folded"):
        folded.fold(1.0)
    with pytest.raises(ValueError, match="period"):
        periodic.fold(-1 * u.d)
    with pytest.raises(ValueError, match="not a time"):
        periodic.fold(1 * u.m)


def test_periodogram_recovers_simulated_period(periodic):
    pg = periodic.periodogram(minimum_period=0.1 * u.d, maximum_period=20 * u.d)
    assert isinstance(pg, MultibandPeriodogram)
    assert pg.bands == ["g", "r"] and pg.npoints == 400
    assert pg.frequency.unit == 1 / u.d and len(pg.power) == len(pg.frequency)
    assert abs(pg.best_period.to_value(u.d) - TRUE_PERIOD) / TRUE_PERIOD < 0.01
    assert pg.max_power > 0.5
    table = pg.to_table()
    assert table["period"].unit == u.d and len(table) == len(pg.frequency)
    # apparent magnitudes give the same answer
    with_mags = periodic.apparent().periodogram(use="mag", minimum_period=0.1,
                                                maximum_period=20)
    assert abs(with_mags.best_period.to_value(u.d) - TRUE_PERIOD) / TRUE_PERIOD < 0.01


def test_periodogram_one_band_and_flexible():
    lc = lightcurve_from_json(periodic_detections(3.21, n=150, bands=(2,), seed=4),
                              oid="ZTF20aaaaaaa")
    pg = lc.periodogram(minimum_period=1.0, maximum_period=10.0, method="flexible",
                        samples_per_peak=5)
    assert pg.bands == ["r"]
    assert abs(pg.best_period.to_value(u.d) - 3.21) / 3.21 < 0.01


def _sample_objects(model):
    """The simulated sample's objects of one light-curve model, with their true period."""
    import json

    from alerce_astro.offline import sample_dataset_path

    found = []
    for path in sorted((sample_dataset_path() / "objects").glob("*.json")):
        with open(path, encoding="utf-8") as f:
            truth = json.load(f).get("provenance") or {}
        if not isinstance(truth, dict):
            continue
        # {"period", "model": {"model": "sine", ...}} (or a flat {"model": "sine", "period"})
        shape = truth.get("model")
        details = shape if isinstance(shape, dict) else truth
        name = details.get("model")
        period = truth.get("period") or details.get("period")
        if name == model and period:
            found.append((path.stem, float(period)))
    return found


def test_periodogram_recovers_sample_periods(sample_client):
    """Every pulsating (sine-model) star of the simulated sample, through the server, to 1%."""
    stars = _sample_objects("sine")
    assert stars, "the simulated sample has no sine-model periodic variable"
    for oid, period in stars:
        lc = sample_client.get_lightcurve(oid, forced_photometry=True)
        feature = sample_client.query_features(oid, names="Multiband_period")
        assert float(feature["value"][0]) == pytest.approx(period)
        pg = lc.periodogram(minimum_period=0.04 * u.d)
        assert abs(pg.best_period.to_value(u.d) - period) / period < 0.01, oid
        both = lc.periodogram(kinds=("detection", "forced"), minimum_period=0.04 * u.d)
        assert abs(both.best_period.to_value(u.d) - period) / period < 0.01, oid


def test_periodogram_leaves_out_sparse_bands(sample_client):
    """A band with one point would make astropy's fast method all NaN: it is dropped."""
    for oid, _ in _sample_objects("sine") + _sample_objects("sawtooth"):
        lc = sample_client.get_lightcurve(oid)
        counts = {b: int(np.sum(np.asarray(lc.detections()["band"]) == b)) for b in lc.bands}
        sparse = [b for b, n in counts.items() if 0 < n < 5]
        if sparse and any(n >= 5 for n in counts.values()):
            pg = lc.periodogram(minimum_period=0.04)
            assert pg.meta["dropped_bands"] == sparse
            assert set(pg.bands) == set(counts) - set(sparse)
            assert np.all(np.isfinite(pg.power)) and pg.max_power > 0
            return
    pytest.skip("no sample object with a sparse band")


def test_periodogram_refusals(periodic, elulu):
    with pytest.raises(ValueError, match="too few"):
        elulu.detections()[:4].periodogram()
    with pytest.raises(ValueError, match="folded"):
        periodic.fold(1.0).periodogram()
    with pytest.raises(ValueError, match="kinds"):
        periodic.periodogram(kinds=("upper_limit",))
    with pytest.raises(ValueError, match="minimum_period"):
        periodic.periodogram(minimum_period=5.0, maximum_period=2.0)


def test_sed(elulu):
    when = Time(58867.46, format="mjd", scale="utc")   # g and r both observed that night
    sed = elulu.sed(when, window=0.5 * u.d)
    assert sed.spectral_axis.unit == u.AA
    assert np.allclose(sed.spectral_axis.value, [4746.48, 6366.38])
    det = elulu.detections()
    for k, band in enumerate(("g", "r")):
        row = det[(det["band"] == band) & (np.abs(det.time.mjd - 58867.46) < 0.5)]
        assert len(row) == 1
        assert sed.flux[k].to_value(u.uJy) == pytest.approx(
            10 ** (-0.4 * (num(row["mag"][0]) - 23.9)))
    assert sed.uncertainty.array.shape == (2,)
    assert sed.meta["bands"] == ["g", "r"] and sed.meta["npoints"] == [1, 1]
    assert ZTF.band("i").wavelength == 7829.03 * u.AA
    single = elulu.sed(58855.6, window=0.2)
    assert single.meta["bands"] == ["r"]
    with pytest.raises(ValueError, match="window"):
        elulu.sed(58000.0)


def test_sed_needs_specutils(monkeypatch, elulu):
    import sys

    monkeypatch.setitem(sys.modules, "specutils", None)
    with pytest.raises(ImportError, match=r'pip install "alerce_astro\[specutils\]"'):
        elulu.sed(58867.46)
