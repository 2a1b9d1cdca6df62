"""One transient, both surveys: the built-in sample's three LSST objects with ZTF counterparts,
joined in one flux frame (µJy) with survey-tagged bands, found by id or by a cone."""

from collections import Counter

import numpy as np
import pytest
from astropy import units as u

from alerce_astro.exceptions import InvalidQueryError, ObjectNotFoundError
from alerce_astro.lightcurve import AlerceLightCurve
from alerce_astro.lightcurve.combine import combine_lightcurves

#: The built-in sample's pairs (alerce_astro/offline/simulate/lsst/counterparts.py).
PAIRS = {"ZTF00aaaaaaa": 459010985777168385,   # SN Ia (a sibling in the same host)
         "ZTF00aaaaabh": 458439280229875715,   # eclipsing binary
         "ZTF00aaaaabm": 458364505562284037}   # quasar


def _plain(column, unit):
    return np.asarray(getattr(column, "unmasked", column).to_value(unit))


@pytest.fixture
def clients(sample_server, tmp_path):
    return (sample_server.client(cache_location=tmp_path / "c"),
            sample_server.client(survey="lsst", cache_location=tmp_path / "c"))


def test_joined_light_curve_keeps_every_point_of_both_surveys_in_ujy(clients):
    ztf_client, lsst_client = clients
    ztf = ztf_client.get_lightcurve("ZTF00aaaaabh", forced_photometry=True)
    lsst = lsst_client.get_lightcurve(458439280229875715, forced_photometry=True)
    both = ztf_client.get_lightcurve_multisurvey("ZTF00aaaaabh")
    assert isinstance(both, AlerceLightCurve)
    assert len(both) == len(ztf) + len(lsst) == 242
    counts = Counter(zip(both["survey"].tolist(), both["kind"].tolist(), strict=True))
    assert counts == {("lsst", "forced"): 99, ("lsst", "detection"): 96,
                      ("ztf", "detection"): 40, ("ztf", "upper_limit"): 7}
    assert both.colnames[:10] == ztf.colnames[:10] and both.colnames[10] == "survey"
    assert both["flux"].unit == u.uJy and both["flux_err"].unit == u.uJy
    assert both.bands == ["lsst_u", "ztf_g", "lsst_g", "lsst_r", "ztf_r", "lsst_i", "ztf_i",
                          "lsst_z", "lsst_y"]
    assert np.all(np.diff(both["time"].mjd) >= 0)
    # LSST nJy -> µJy exactly (/1000), matched by the exact int64 measurement ids.
    rubin = both[both["survey"] == "lsst"]
    by_id = {int(i): f for i, f in zip(lsst["detection_id"],
                                       _plain(lsst["flux"], u.nJy), strict=True)}
    for i, f in zip(rubin["detection_id"], _plain(rubin["flux"], u.uJy),
                    strict=True):
        assert f == pytest.approx(by_id[int(i)] / 1000, rel=1e-12)
    assert rubin["detection_id"].dtype == np.int64
    assert set(np.asarray(lsst["band"]).tolist()) == {b.split("_")[1] for b in
                                                       set(rubin["band"].tolist())}
    # Times: the same instants (LSST's TAI already made UTC by its light curve).
    assert np.allclose(np.sort(rubin["time"].mjd), np.sort(lsst["time"].mjd), rtol=0,
                       atol=1e-11)
    assert both.meta["oids"] == {"ztf": "ZTF00aaaaabh", "lsst": 458439280229875715}
    assert both.oid == "ZTF00aaaaabh"  # the asking client's survey
    assert both.meta["separation"] < 0.1 * u.arcsec
    assert both.meta["matched_by"]["ztf"] == "id given"
    assert both.meta["matched_by"]["lsst"].startswith("nearest within 2")
    assert both.survey is None and both.meta["flux_unit"] == "uJy"
    # "g" selects both surveys' g; a qualified name one survey's.
    assert set(both.select_band("g")["band"].tolist()) == {"ztf_g", "lsst_g"}
    assert set(both.select_band("lsst_g")["survey"].tolist()) == {"lsst"}


@pytest.mark.parametrize("ztf_oid", sorted(PAIRS))
def test_every_sample_pair_is_found_from_either_side_and_by_position(clients, ztf_oid):
    ztf_client, lsst_client = clients
    lsst_oid = PAIRS[ztf_oid]
    from_lsst = lsst_client.get_lightcurve_multisurvey(lsst_oid)
    assert from_lsst.meta["oids"] == {"ztf": ztf_oid, "lsst": lsst_oid}
    assert from_lsst.oid == lsst_oid and type(from_lsst.oid) is int
    position = from_lsst.meta["coord"]
    from_sky = ztf_client.get_lightcurve_multisurvey(position)
    assert from_sky.meta["oids"] == {"ztf": ztf_oid, "lsst": lsst_oid}
    assert len(from_sky) == len(from_lsst)
    explicit = ztf_client.get_lightcurve_multisurvey(ztf_oid, lsst_oid=lsst_oid)
    assert explicit.meta["matched_by"] == {"ztf": "id given", "lsst": "id given"}
    assert len(explicit) == len(from_lsst)


def test_no_counterpart_within_the_radius_is_a_clear_error(clients):
    ztf_client, _ = clients
    # An LSST object of the sample without a ZTF counterpart (an RR Lyrae at -39 deg).
    with pytest.raises(ObjectNotFoundError, match="no ZTF object within 2"):
        ztf_client.get_lightcurve_multisurvey(458338083825254409)
    with pytest.raises(InvalidQueryError, match="name two objects"):
        ztf_client.get_lightcurve_multisurvey("ZTF00aaaaabh", ztf_oid="ZTF00aaaaabm")


def test_plot_draws_both_surveys_with_their_own_labels(clients):
    _, lsst_client = clients
    ax = lsst_client.plot_lightcurve_multisurvey(459010985777168385)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "ZTF g" in labels and "Rubin LSST g" in labels
    assert "µJy" in ax.get_ylabel() or "uJy" in ax.get_ylabel()
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


def test_combine_refuses_what_cannot_be_joined(clients):
    ztf_client, _ = clients
    ztf = ztf_client.get_lightcurve("ZTF00aaaaaaa")
    with pytest.raises(ValueError, match="one light curve per survey"):
        combine_lightcurves(ztf, ztf)
    with pytest.raises(ValueError, match="at least two"):
        combine_lightcurves(ztf)
    with pytest.raises(ValueError, match="not a flux-density unit"):
        combine_lightcurves(ztf, ztf, unit=u.mag)


def test_joined_light_curve_round_trips_through_ecsv(clients, tmp_path):
    ztf_client, _ = clients
    both = ztf_client.get_lightcurve_multisurvey("ZTF00aaaaabm")
    path = tmp_path / "both.ecsv"
    both.write(path)
    back = AlerceLightCurve.read(path)
    assert back.meta["oids"] == {"ztf": "ZTF00aaaaabm", "lsst": 458364505562284037}
    assert type(back.meta["oids"]["lsst"]) is int
    assert back["detection_id"].dtype == np.int64
    assert np.array_equal(back["detection_id"].filled(0), both["detection_id"].filled(0))
    assert back.bands == both.bands
