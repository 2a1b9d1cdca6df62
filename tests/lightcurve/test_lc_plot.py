"""The light-curve plot shows what it should: checked on the artists and on the pixels."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from astropy import units as u
from lc_helpers import forced_rows, periodic_detections

from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
from alerce_astro.plotting import plot_lightcurve, style
from alerce_astro.surveys import ZTF

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def elulu(recorded):
    return lightcurve_from_json(recorded("ZTF20aaelulu")["lightcurve"], oid="ZTF20aaelulu")


@pytest.fixture(scope="module")
def variable(recorded):
    return lightcurve_from_json(recorded("ZTF18abbuive")["lightcurve"], oid="ZTF18abbuive")


def by_gid(ax, gid):
    found = [line for line in ax.get_lines() if line.get_gid() == gid]
    assert len(found) == 1, f"{gid}: {len(found)} artists"
    return found[0]


def mags(lc):
    return lc["mag"].unmasked.to_value(u.mag)


def test_points_are_where_the_data_are(elulu):
    ax = plot_lightcurve(elulu)
    det_g = elulu.detections().select_band("g")
    line = by_gid(ax, "g:detection")
    assert np.allclose(line.get_xdata(), det_g.time.mjd)
    assert np.allclose(line.get_ydata(), mags(det_g))
    assert line.get_marker() == style.MARKERS["detection"]
    assert to_rgb(line.get_color()) == to_rgb(ZTF.band("g").color)
    limits = by_gid(ax, "r:upper_limit")
    ul_r = elulu.upper_limits().select_band("r")
    assert limits.get_marker() == "v"
    assert np.allclose(limits.get_ydata(), ul_r["limiting_mag"].to_value(u.mag))
    assert to_rgb(limits.get_color()) == to_rgb(ZTF.band("r").color)
    assert ax.yaxis_inverted()
    assert ax.get_title() == "ZTF20aaelulu"
    assert ax.get_xlabel() == "MJD (UTC)" and "Difference magnitude" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["g", "r", "detection", "upper limit (5σ)"]


def test_error_bars_have_the_errors(elulu):
    ax = plot_lightcurve(elulu)
    det_r = elulu.detections().select_band("r")
    container = [c for c in ax.containers if c.lines[0].get_gid() == "r:detection"][0]
    segments = container.lines[2][0].get_segments()
    half = np.array([abs(s[1, 1] - s[0, 1]) / 2 for s in segments])
    assert np.allclose(half, det_r["mag_err"].to_value(u.mag))


def test_negative_subtractions_are_open_squares(variable):
    ax = variable.plot()
    det = variable.detections().select_band("g")
    negative = det[np.asarray(det["isdiffpos"]) == -1]
    line = by_gid(ax, "g:negative")
    assert line.get_marker() == style.MARKERS["negative"] == "s"
    assert to_rgb(line.get_markerfacecolor()) == (1.0, 1.0, 1.0)
    assert len(line.get_xdata()) == len(negative) == 220
    assert len(by_gid(ax, "g:detection").get_xdata()) == len(det) - 220


def _pixels(ax):
    fig = ax.figure
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float) / 255
    return image


def _colour_near(image, ax, x, y, colour, radius=3):
    px, py = ax.transData.transform((x, y))
    row, col = int(round(image.shape[0] - py)), int(round(px))
    patch = image[max(row - radius, 0):row + radius + 1, max(col - radius, 0):col + radius + 1]
    distance = np.sqrt(((patch - np.array(to_rgb(colour))) ** 2).sum(axis=-1))
    return distance.min(), row


def test_pixels_show_each_point_in_its_band_colour(elulu):
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    plot_lightcurve(elulu, ax=ax, legend=False)
    image = _pixels(ax)
    det = elulu.detections()
    rows = []
    for i in range(0, len(det), 7):
        band = det["band"][i]
        dist, row = _colour_near(image, ax, det.time.mjd[i], mags(det)[i],
                                 ZTF.band(band).color)
        assert dist < 0.08, f"no {band} pixel at detection {i}"
        rows.append((mags(det)[i], row))
    # inverted axis: the brighter the point, the higher on the image (smaller row)
    rows.sort()
    assert rows[0][1] < rows[-1][1]
    # band colours are there, and no i-band colour anywhere
    def share(colour):
        return np.mean(np.sqrt(((image - np.array(to_rgb(colour))) ** 2).sum(-1)) < 0.05)
    assert share(ZTF.band("g").color) > 0.002 and share(ZTF.band("r").color) > 0.002
    assert share(ZTF.band("i").color) == 0


def test_upper_limit_pixels_are_below_detections_at_faint_magnitudes(elulu):
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    plot_lightcurve(elulu, ax=ax, legend=False)
    image = _pixels(ax)
    ul = elulu.upper_limits()
    # the upper limits are light (alpha) band colours: blend of the colour with white
    for i in range(len(ul)):
        colour = np.array(to_rgb(ZTF.band(ul["band"][i]).color))
        blend = style.LIMIT_ALPHA * colour + (1 - style.LIMIT_ALPHA)
        dist, _ = _colour_near(image, ax, ul.time.mjd[i], ul["limiting_mag"][i].value, blend)
        assert dist < 0.15, f"upper limit {i} not drawn"


def test_flux_plot(variable):
    ax = plot_lightcurve(variable, flux=True)
    assert not ax.yaxis_inverted()
    assert "flux" in ax.get_ylabel().lower() and "\u00b5Jy" in ax.get_ylabel()
    flux = variable.to_flux().detections().select_band("r")
    negative = flux[np.asarray(flux["isdiffpos"]) == -1]
    line = by_gid(ax, "r:negative")
    assert np.allclose(line.get_ydata(), negative["flux"].unmasked.to_value(u.uJy))
    assert np.all(line.get_ydata() < 0)
    assert any(np.allclose(h.get_ydata(), 0) for h in ax.get_lines() if h.get_gid() is None)


def test_folded_plot():
    lc = lightcurve_from_json(periodic_detections(0.5673, n=200), oid="ZTF20aaaaaaa")
    ax = lc.plot(period=0.5673 * u.d, epoch_time=58500.0)
    x = np.concatenate([line.get_xdata() for line in ax.get_lines()
                        if line.get_gid() and ":" in line.get_gid()])
    assert x.min() >= -0.5 and x.max() < 0.5
    assert ax.get_xlabel().startswith("Phase (P = 0.5673 d)")
    expected = ((lc.detections().time.mjd - 58500.0) / 0.5673 + 0.5) % 1 - 0.5
    plotted = np.sort(np.concatenate([by_gid(ax, f"{b}:{k}").get_xdata()
                                      for b in "gr" for k in ("detection", "negative")]))
    assert np.allclose(plotted, np.sort(expected), atol=1e-6)


def test_apparent_plot_has_no_difference_limits(variable):
    ax = plot_lightcurve(variable, magnitudes="apparent")
    assert "Apparent" in ax.get_ylabel()
    assert not [line for line in ax.get_lines() if str(line.get_gid()).endswith("upper_limit")]
    line = by_gid(ax, "r:detection")
    det = variable.detections().select_band("r")
    positive = det[np.asarray(det["isdiffpos"]) == 1]
    assert np.allclose(line.get_ydata(), positive["mag_corr"].to_value(u.mag))


def test_secondary_axes(elulu):
    ax = plot_lightcurve(elulu, secondary_axis="date")
    secondary = [c for c in ax.child_axes if c.get_gid() == "secondary:date"][0]
    ax.figure.canvas.draw()
    ticks = " ".join(t.get_text() for t in secondary.xaxis.get_ticklabels())
    assert "2020" in ticks
    ax2 = plot_lightcurve(elulu, secondary_axis="days")
    secondary = [c for c in ax2.child_axes if c.get_gid() == "secondary:days"][0]
    assert "Days since first detection" in secondary.get_xlabel()
    first = elulu.detections().time.mjd.min()
    assert secondary._functions[0](first) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="secondary_axis"):
        plot_lightcurve(elulu, secondary_axis="weeks")


def test_forced_photometry_is_lighter():
    lc = lightcurve_from_json({"detections": [], "non_detections": []}, oid="ZTF21aaaaaaa",
                              forced=forced_rows("ZTF21aaaaaaa", n=12))
    ax = lc.plot()
    points = by_gid(ax, "g:forced")
    assert points.get_marker() == style.MARKERS["forced"]
    assert points.get_alpha() == style.FORCED_ALPHA
    # rows 0, 3, 6, 9 have S/N < 3: drawn as (light) limits, not magnitudes
    limits = by_gid(ax, "g:forced_limit")
    assert len(limits.get_xdata()) == 2 and len(points.get_xdata()) == 4
    everything = lc.plot(forced_snr=0)
    assert len(by_gid(everything, "g:forced").get_xdata()) == 6


def test_given_axes_are_used_and_returned(elulu):
    fig, axes = plt.subplots(1, 2)
    out = elulu.plot(ax=axes[1], title="custom")
    assert out is axes[1] and out.get_title() == "custom"
    assert len(plt.get_fignums()) == 1
    # drawing twice on the same axes keeps magnitudes inverted
    elulu.plot(ax=axes[1])
    assert axes[1].yaxis_inverted()


def test_empty_light_curve_plots():
    ax = lightcurve_from_json(None, oid="ZTF18acpfwmm").plot()
    assert ax.get_title() == "ZTF18acpfwmm" and ax.get_legend() is None


def test_five_thousand_points_build_plot_and_draw(recorded):
    body = recorded("ZTF18abbuive")["lightcurve"]
    big = {"detections": body["detections"] * 8, "non_detections": body["non_detections"]}
    lc = lightcurve_from_json(big, oid="ZTF18abbuive")
    ax = lc.plot(secondary_axis="date")
    ax.figure.canvas.draw()
    assert len(lc) == 5106


def test_importing_does_not_import_matplotlib():
    code = ("import sys, alerce_astro.lightcurve, alerce_astro.plotting; "
            "sys.exit('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_bad_arguments(elulu):
    from astropy.table import Table

    with pytest.raises(TypeError, match="AlerceLightCurve"):
        plot_lightcurve(Table(elulu))
    with pytest.raises(ValueError, match="magnitudes"):
        plot_lightcurve(elulu, magnitudes="absolute")


def test_apparent_legend_lists_only_bands_with_points(elulu):
    # Issue 16.14: the apparent plot draws no upper limits, so a band that has only upper
    # limits (here r, its detections removed) has no point and no legend entry.
    only_g = elulu[~((np.asarray(elulu["band"]) == "r") & (np.asarray(elulu["kind"])
                                                            == "detection"))]
    assert set(only_g.upper_limits()["band"]) >= {"r"}
    labels = [t.get_text() for t in plot_lightcurve(only_g, magnitudes="apparent")
              .get_legend().get_texts()]
    assert labels[0] == "g" and "r" not in labels
    # the difference plot draws r's limits: r is in its legend
    labels = [t.get_text() for t in plot_lightcurve(only_g).get_legend().get_texts()]
    assert labels[:2] == ["g", "r"]
