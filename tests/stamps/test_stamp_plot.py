"""plot_stamps: what the figure holds (panels, pixels, scaling, marker, titles, orientation)."""

import os
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from astropy import units as u
from astropy.visualization import ZScaleInterval
from astropy.visualization.wcsaxes import WCSAxes
from matplotlib.patches import Circle

from alerce_astro.exceptions import InvalidQueryError
from alerce_astro.plotting import plot_stamps, style

matplotlib.use("Agg")

OID, EARLY = "ZTF18aaqfhlj", 1786550031115010000
NAN_OID = "ZTF20aawkwsc"  # 2880 NaN pixels


@pytest.fixture
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


@pytest.fixture
def stamps(alerts_client):
    return alerts_client.get_stamps(OID, candid=EARLY)


def test_three_wcs_panels_north_up_east_left(stamps, close_figures):
    fig = plot_stamps(stamps)
    axes = fig.axes
    assert len(axes) == 3 and all(isinstance(ax, WCSAxes) for ax in axes)
    for ax, stamp in zip(axes, stamps, strict=True):
        image = ax.images[0]
        # Shown north up: the alert's rows reversed, drawn with the origin at the bottom.
        np.testing.assert_array_equal(image.get_array(), stamp.data[::-1])
        assert image.origin == "lower"
        centre = ax.wcs.pixel_to_world(31, 31)
        above = ax.wcs.pixel_to_world(31, 41)    # higher on the page
        right = ax.wcs.pixel_to_world(41, 31)    # further right on the page
        assert centre.position_angle(above).to_value(u.deg) == pytest.approx(0, abs=1e-3)
        assert centre.position_angle(right).to_value(u.deg) == pytest.approx(270, abs=1e-3)
        assert centre.separation(stamps.position) < 1e-6 * u.arcsec
        assert ax.get_xlim() == (-0.5, 62.5) and ax.get_ylim() == (-0.5, 62.5)
        # the pixel at the top of the panel is the northernmost row of the alert (row 0)
        top_row = ax.transData.transform((31, 62))[1]
        bottom_row = ax.transData.transform((31, 0))[1]
        assert top_row > bottom_row
        assert image.get_array()[62, 31] == stamp.data[0, 31]
        # sky axes: RA along the bottom, Dec along the left
        assert ax.coords[0].get_axislabel() == "RA"
    assert axes[0].coords[1].get_axislabel() == "Dec"


def test_scaling_per_panel(stamps, close_figures):
    fig = plot_stamps(stamps)
    for ax, (kind, stamp) in zip(fig.axes, stamps.items(), strict=True):
        norm = ax.images[0].norm
        finite = stamp.data[np.isfinite(stamp.data)]
        vmin, vmax = ZScaleInterval(n_samples=finite.size, contrast=0.25).get_limits(finite)
        if kind == "difference":
            limit = max(abs(vmin), abs(vmax))
            assert (norm.vmin, norm.vmax) == pytest.approx((-limit, limit))
            assert ax.images[0].get_cmap().name.startswith(style.DIFFERENCE_CMAP)
        else:
            # Issue 16.14: bright sources are not clipped flat white. The scale reaches the
            # brightest pixel; the z-scale range takes the first 80% of the colour map.
            top = float(finite.max())
            assert top > vmax
            assert (norm.vmin, norm.vmax) == pytest.approx((vmin, top))
            assert float(norm(vmax)) == pytest.approx(0.8, abs=1e-6)
            assert float(norm(top)) == pytest.approx(1.0)
            shown = np.asarray(norm(finite))
            bright = np.sort(finite[finite > vmax])
            assert np.all(np.diff(np.asarray(norm(bright))) >= 0)
            # a linear z-scale made every pixel above vmax white; now only the brightest
            assert (shown >= 0.999).sum() <= 2 < 10 < (finite > vmax).sum()
            assert len(bright) > 10 and len(np.unique(np.round(norm(bright), 4))) > 10
            assert ax.images[0].get_cmap().name.startswith(style.IMAGE_CMAP)
    # the three panels have their own scales
    assert len({round(float(ax.images[0].norm.vmax), 3) for ax in fig.axes}) == 3


def test_marker_and_titles(stamps, close_figures):
    fig = plot_stamps(stamps)
    for ax, kind in zip(fig.axes, ("Science", "Template", "Difference"), strict=True):
        circles = [p for p in ax.patches if isinstance(p, Circle)]
        assert len(circles) == 1
        x, y = circles[0].center
        # the candidate is at pixel (31, 31) of the alert, (31, 31) once flipped too
        assert (x, y) == pytest.approx((31.0, 31.0), abs=1e-6)
        assert circles[0].get_edgecolor()[:3] == pytest.approx(
            matplotlib.colors.to_rgb(style.TARGET_COLOR))
        # Issue 16.14: the template is a reference image, not of the alert's date; this
        # real alert is a negative subtraction (isdiffpos -1), said on the difference.
        date = "reference image" if kind == "Template" else "2021-11-22 13:12 UTC"
        note = ("\nnegative subtraction: fainter than the template" if kind == "Difference"
                else "")
        assert ax.get_title() == f"{kind} (r band)\n{date}{note}"
    assert fig._suptitle.get_text() == f"{OID}  candid {EARLY}"
    without = plot_stamps(stamps, marker=False)
    assert not any(isinstance(p, Circle) for ax in without.axes for p in ax.patches)


def test_negative_subtraction_is_noted(stamps, close_figures):
    from alerce_astro.stamps import StampSet

    assert int(stamps.meta["isdiffpos"]) == -1  # the real alert faded
    brightened = StampSet(*stamps, meta=dict(stamps.meta, isdiffpos=1))
    assert "negative" not in plot_stamps(brightened).axes[2].get_title()
    titles = [ax.get_title() for ax in plot_stamps(stamps).axes]
    assert titles[2] == ("Difference (r band)\n2021-11-22 13:12 UTC\nnegative subtraction: "
                         "fainter than the template")
    assert "negative" not in titles[0] + titles[1]


def test_subpixel_marker_follows_the_reference(alerts_client, close_figures):
    stamps = alerts_client.get_stamps(OID, candid=EARLY, subpixel=True)
    x, y = stamps.science.meta["reference_pixel"]
    fig = stamps.plot()
    circle = next(p for p in fig.axes[0].patches if isinstance(p, Circle))
    assert circle.center == pytest.approx((x, 62 - y), abs=1e-6)


def test_nan_pixels_stay_nan_and_do_not_break_the_scale(alerts_client, close_figures):
    stamps = alerts_client.get_stamps(NAN_OID)
    assert stamps.science.mask.sum() > 0
    fig = stamps.plot()
    for ax, stamp in zip(fig.axes, stamps, strict=True):
        shown = np.ma.getdata(ax.images[0].get_array())
        assert np.isnan(shown).sum() == np.isnan(stamp.data).sum() > 0
        assert np.isfinite([ax.images[0].norm.vmin, ax.images[0].norm.vmax]).all()


def test_plot_through_the_client(alerts_client, alerts_server, close_figures):
    fig = alerts_client.plot_stamps(OID, candid=EARLY)
    assert fig._suptitle.get_text().endswith(str(EARLY))
    fig = alerts_client.plot_stamps(OID, candid="last")
    assert fig._suptitle.get_text() == f"{OID}  candid 1786555201115010001"
    fig = alerts_client.plot_stamps(OID, candid=EARLY, figsize=(6, 2))
    assert tuple(fig.get_size_inches()) == (6, 2)


def test_plot_into_a_given_figure(stamps, close_figures):
    from matplotlib.figure import Figure

    fig = Figure()
    assert plot_stamps(stamps, fig=fig) is fig and len(fig.axes) == 3


def test_plot_argument_errors(stamps):
    with pytest.raises(InvalidQueryError, match="needs stamps"):
        plot_stamps()
    # plotting never fetches: an object id is sent to the client's method
    with pytest.raises(InvalidQueryError, match=rf"Alerce.plot_stamps\('{OID}'\)"):
        plot_stamps(OID)


def test_no_matplotlib_until_a_plot_is_drawn():
    code = ("import sys, alerce_astro.stamps, alerce_astro.plotting.stamps; "
            "from alerce_astro import Alerce; Alerce.get_stamps; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_works_in_a_plain_script(alerts_server, tmp_path):
    # No notebook, no display: a script saves the figure (the official client refuses).
    script = tmp_path / "script.py"
    script.write_text(
        "import sys\n"
        "from alerce_astro import AlerceClass\n"
        f"client = AlerceClass(urls={alerts_server.urls!r}, cache_location=sys.argv[2])\n"
        f"fig = client.plot_stamps({OID!r})\n"
        "fig.savefig(sys.argv[1])\n")
    out = tmp_path / "stamps.png"
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join(sys.path))
    subprocess.run([sys.executable, "-W", "error", str(script), str(out), str(tmp_path / "c")],
                   check=True, env=env, capture_output=True, timeout=120)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
