"""plot_crossmatches and plot_finder_chart: what is drawn, and where."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.nddata import NDData
from astropy.wcs import WCS

from alerce_astro.apis.catshtm.parse import build_table, split_answer
from alerce_astro.crossmatch import CrossmatchResult
from alerce_astro.exceptions import InvalidQueryError
from alerce_astro.plotting import plot_crossmatches, plot_finder_chart, style

matplotlib.use("Agg")

TARGET = SkyCoord(357.73373 * u.deg, 14.20514 * u.deg)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _by_gid(ax, prefix):
    found = {}
    for artist in ax.get_children():
        gid = artist.get_gid()
        if gid and gid.startswith(prefix):
            found.setdefault(gid, []).append(artist)
    return found


# --------------------------------------------------------------------------- crossmatch figure
def test_crossmatch_figure_content(catshtm_client):
    result = catshtm_client.query_catalogs(TARGET, radius=90 * u.arcsec, catalogs="GAIA/DR1")
    ax = plot_crossmatches(result)
    points = _by_gid(ax, "catalog:")["catalog:GAIA/DR1"][0]
    table = result["GAIA/DR1"]
    assert np.allclose(points.get_offsets(), np.c_[table["coord"].ra.deg,
                                                   table["coord"].dec.deg])
    star = _by_gid(ax, "target")["target"][0]
    assert np.allclose(star.get_offsets(), [[357.73373, 14.20514]])
    assert matplotlib.colors.same_color(star.get_facecolor()[0], style.TARGET_COLOR)
    # RA increases to the left; true proportions at dec 14.2
    left, right = ax.get_xlim()
    assert left > right
    assert ax.get_aspect() == pytest.approx(1 / np.cos(np.radians(14.20514)))
    # the search circle is 90" from the target all round
    ring = _by_gid(ax, "radius")["radius"][0]
    x, y = ring.get_data()
    assert np.allclose(TARGET.separation(SkyCoord(x * u.deg, y * u.deg)).arcsec, 90)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["GAIA/DR1 (9)", "target", "radius 90″"]


def _recorded_nearest(recorded_answers):
    """The recorded crossmatch_all answer whole (15 catalogs, also those beyond the radii
    query_nearest applies), as a CrossmatchResult."""
    _, body = recorded_answers["/crossmatch_all"]
    tables = {}
    for raw in split_answer(body):
        table = build_table(raw, target=TARGET)
        tables[table.meta["catalog"]] = table
    return CrossmatchResult(tables, target=TARGET, kind="crossmatch")


def test_crossmatch_figure_catalog_styles_and_redshifts(recorded_answers):
    result = _recorded_nearest(recorded_answers)
    ax = plot_crossmatches(result)
    collections = _by_gid(ax, "catalog:")
    assert len(collections) == 15
    styles = set()
    for gid, (points,) in collections.items():
        name = gid.split(":", 1)[1]
        assert np.allclose(points.get_offsets(), [[result[name]["coord"].ra.deg[0],
                                                   result[name]["coord"].dec.deg[0]]])
        styles.add((matplotlib.colors.to_hex(points.get_edgecolor()[0]),
                    points.get_paths()[0].vertices.tobytes()))
    assert len(styles) == 15  # every catalog its own colour and marker
    # Issue 16.14: no catalog has the target's star (the 8th had), and every colour reads on
    # white (the 7th was light grey): contrast of at least 3:1.
    star = _by_gid(ax, "target")["target"][0].get_paths()[0].vertices
    assert all(not np.array_equal(points.get_paths()[0].vertices, star)
               for (points,) in collections.values())
    assert len(collections) >= 8
    for (points,) in collections.values():
        assert _contrast_on_white(points.get_edgecolor()[0]) >= 3.0
    texts = {t.get_gid(): t for t in ax.texts if (t.get_gid() or "").startswith("redshift")}
    assert set(texts) == {"redshift:SpecSDSS", "redshift:NEDz"}
    assert texts["redshift:SpecSDSS"].get_text() == "z = 0.1006 (SpecSDSS)"
    assert texts["redshift:NEDz"].get_text() == "z = 0.1007 (NEDz)"
    assert texts["redshift:SpecSDSS"].xy == pytest.approx((357.74123, 14.184109))
    # the two labels at the same spot are stacked, not on top of each other
    assert texts["redshift:SpecSDSS"].xyann != texts["redshift:NEDz"].xyann


def _contrast_on_white(color):
    def linear(v):
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in matplotlib.colors.to_rgb(color))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_the_nearest_table_is_drawn_around_the_query_position(catshtm_client):
    # Issue 16.14: without target=, the star is where the query was asked (kept in the
    # table's meta), not at the median of the sources.
    table = catshtm_client.query_nearest(TARGET)
    assert (table.meta["target_ra"], table.meta["target_dec"]) == (357.73373, 14.20514)
    ax = plot_crossmatches(table)
    star = _by_gid(ax, "target")["target"][0]
    assert np.allclose(star.get_offsets(), [[357.73373, 14.20514]], rtol=0, atol=1e-9)
    median = np.array([np.median(table["ra"]), np.median(table["dec"])])
    assert np.abs(np.asarray(star.get_offsets())[0] - median).max() > 5e-6  # 0.04" off


def test_crossmatch_figure_of_the_nearest_table(catshtm_client):
    table = catshtm_client.query_nearest(TARGET)
    fig, ax = plt.subplots()
    assert plot_crossmatches(table, target=TARGET, ax=ax, catalogs=["2MASS", "WISE"]) is ax
    assert set(_by_gid(ax, "catalog:")) == {"catalog:2MASS", "catalog:WISE"}
    with pytest.raises(InvalidQueryError, match="what query_catalogs"):
        plot_crossmatches([1, 2], target=TARGET)


# --------------------------------------------------------------------------- finder charts
def _wcs(rotation_deg=0.0, flip_y=False, n=81, scale=1.5):
    w = WCS(naxis=2)
    w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    w.wcs.crval = [TARGET.ra.deg, TARGET.dec.deg]
    w.wcs.crpix = [(n + 1) / 2 + 3.0, (n + 1) / 2 - 5.0]  # target off-centre on purpose
    w.wcs.cdelt = [-scale / 3600, (-1 if flip_y else 1) * scale / 3600]
    t = np.radians(rotation_deg)
    w.wcs.pc = [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]
    w.wcs.set()
    return w


def _image(w, sources, n=81):
    yy, xx = np.mgrid[:n, :n]
    data = np.random.default_rng(3).normal(100.0, 3.0, (n, n))
    for coord in sources:
        x, y = w.world_to_pixel(coord)
        data += 800.0 * np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / 3.0)
    return data


def _arrow(ax, name):
    (arrow,) = _by_gid(ax, f"arrow:{name}")[f"arrow:{name}"]
    vector = np.subtract(arrow.xy, arrow.xyann)
    return vector / np.hypot(*vector), arrow


@pytest.mark.parametrize("rotation, flip_y, north, east", [
    (0.0, False, (0.0, 1.0), (-1.0, 0.0)),
    (30.0, False, (0.5, np.sqrt(3) / 2), (-np.sqrt(3) / 2, 0.5)),
    (0.0, True, (0.0, -1.0), (-1.0, 0.0)),
])
def test_finder_arrows_follow_the_wcs(catshtm_client, rotation, flip_y, north, east):
    sources = catshtm_client.query_catalogs(TARGET, radius=90 * u.arcsec,
                                            catalogs="GAIA/DR1")
    w = _wcs(rotation, flip_y)
    data = _image(w, sources["GAIA/DR1"]["coord"])
    ax = plot_finder_chart(TARGET, image=(data, w), sources=sources, radius=55 * u.arcsec)
    n_vec, n_arrow = _arrow(ax, "N")
    e_vec, _ = _arrow(ax, "E")
    assert n_vec == pytest.approx(north, abs=1e-6)
    assert e_vec == pytest.approx(east, abs=1e-6)
    # on the page: north up and east left whenever the image is axis-aligned
    to_screen = ax.transData.transform
    screen_n = np.subtract(to_screen(n_arrow.xy), to_screen(n_arrow.xyann))
    if rotation == 0:
        assert screen_n[1] > 0 and abs(screen_n[0]) < 1e-6 * abs(screen_n[1])
        assert (ax.get_ylim()[0] > ax.get_ylim()[1]) == flip_y
    # the background is the image given, pixel for pixel
    assert np.array_equal(ax.images[0].get_array(), data)
    # the crosshair is centred on the target with a gap, on the target's pixel
    x0, y0 = w.world_to_pixel(TARGET)
    segments = _by_gid(ax, "crosshair")["crosshair"]
    assert len(segments) == 4
    ends = np.array([np.c_[s.get_xdata(), s.get_ydata()] for s in segments])
    distances = np.hypot(ends[..., 0] - x0, ends[..., 1] - y0)
    assert np.allclose(distances.min(axis=1), distances.min()) and distances.min() > 2
    assert np.allclose(ends.reshape(-1, 2).mean(axis=0), [x0, y0])
    # the catalog sources are where the WCS puts them, on the star images
    (points,) = _by_gid(ax, "catalog:")["catalog:GAIA/DR1"]
    xs, ys = w.world_to_pixel(sources["GAIA/DR1"]["coord"])
    assert np.allclose(points.get_offsets(), np.c_[xs, ys])
    inside = (xs > 0) & (xs < 80) & (ys > 0) & (ys < 80)
    assert inside.sum() >= 3
    assert np.all(data[np.round(ys[inside]).astype(int), np.round(xs[inside]).astype(int)]
                  > 500)
    # the scale bar measures what its label says
    (bar,) = _by_gid(ax, "scale-bar")["scale-bar"]
    (label,) = [t for t in ax.texts if t.get_gid() == "scale-bar-label"]
    length = abs(np.diff(bar.get_xdata())[0]) * 1.5  # 1.5 arcsec per pixel
    assert label.get_text() == f"{round(length):g}″"


def test_finder_north_up_can_be_turned_off():
    w = _wcs(flip_y=True)
    ax = plot_finder_chart(TARGET, image=(np.ones((81, 81)), w), north_up=False)
    assert ax.get_ylim()[0] < ax.get_ylim()[1]
    n_vec, _ = _arrow(ax, "N")
    assert n_vec == pytest.approx((0, -1), abs=1e-6)


def test_finder_accepts_every_image_form(tmp_path):
    w = _wcs(30.0)
    data = _image(w, [TARGET])
    header = w.to_header()
    path = tmp_path / "image.fits"
    fits.PrimaryHDU(data, header).writeto(path)
    forms = [(data, w), (data, header), NDData(data, wcs=w), fits.ImageHDU(data, header),
             fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(data, header)]), path, str(path)]
    for image in forms:
        ax = plot_finder_chart(TARGET, image=image, info=False)
        assert np.allclose(ax.images[0].get_array(), data)
        assert _arrow(ax, "N")[0] == pytest.approx((0.5, np.sqrt(3) / 2), abs=1e-6)
        plt.close(ax.figure)


@pytest.mark.parametrize("image, message", [
    (None, "give image="),
    ((np.ones((5, 5)), WCS(naxis=2)), "no celestial WCS"),
    ((np.ones(5), "x"), "no celestial WCS"),
    ("nothing", "No such file"),
    (3.5, "must be an NDData"),
])
def test_finder_bad_images(image, message):
    with pytest.raises((InvalidQueryError, FileNotFoundError), match=message):
        plot_finder_chart(TARGET, image=image)


def test_finder_target_outside_the_image():
    far = TARGET.directional_offset_by(0 * u.deg, 10 * u.arcmin)
    with pytest.raises(InvalidQueryError, match="outside the image"):
        plot_finder_chart(far, image=(np.ones((81, 81)), _wcs()))


def test_finder_of_an_object_text_and_files(object_client, oid_target, tmp_path):
    w = _wcs()
    w.wcs.crval = [oid_target.ra.deg, oid_target.dec.deg]
    w.wcs.set()
    data = np.random.default_rng(5).normal(0, 1, (81, 81))
    ax = object_client.plot_finder("ZTF20aaelulu", image=(data, w), radius=30 * u.arcsec)
    (info,) = [t for t in ax.texts if t.get_gid() == "info"]
    text = info.get_text()
    assert text.splitlines()[0] == "ZTF20aaelulu"
    assert "RA   12:22:54.93" in text and "Dec  +15:49:25.0" in text
    assert "mean g = 17.01 mag" in text and "mean r = 16.31 mag" in text
    assert "discovered 2020-01-07 (MJD 58855.54)" in text
    assert "last detection 2020-04-28 (MJD 58967.23)" in text
    assert ax.get_title() == "ZTF20aaelulu finder chart"
    # the hand-made catalogs within 30" are overlaid (one catsHTM request)
    drawn = set(_by_gid(ax, "catalog:"))
    assert drawn == {"catalog:SpecSDSS", "catalog:GAIA/DR2", "catalog:Cosmos",
                     "catalog:2MASS"}
    for suffix, magic in ((".png", b"\x89PNG"), (".pdf", b"%PDF")):
        out = tmp_path / f"chart{suffix}"
        ax.figure.savefig(out)
        assert out.read_bytes()[:4] == magic and out.stat().st_size > 10_000


def test_finder_default_image_is_the_template_stamp(fixtures_dir, tmp_path):
    from alerce_astro import AlerceClass
    from alerce_astro.offline import SampleServer

    with SampleServer(data=fixtures_dir / "alerts") as server:
        client = AlerceClass(urls=server.urls, cache_location=tmp_path / "cache")
        oid = sorted(server.dataset.stamps.values())[0][0]  # an object with stamps
        stamps = client.get_stamps(oid)
        ax = client.plot_finder(oid, catalogs=False)
        assert np.allclose(ax.images[0].get_array(), np.asarray(stamps.template.data),
                           equal_nan=True)
        (info,) = [t for t in ax.texts if t.get_gid() == "info"]
        assert "template stamp" in info.get_text()
        # ZTF cutouts are stored north down: the chart is flipped to north up
        n_vec, arrow = _arrow(ax, "N")
        screen = np.subtract(ax.transData.transform(arrow.xy),
                             ax.transData.transform(arrow.xyann))
        assert n_vec[1] < 0 < screen[1]


def test_finder_header_with_deprecated_cards_is_read_without_touching_warning_filters():
    """A FITS header with RADECSYS (astropy warns FITSFixedWarning and fixes it) gives its WCS
    without a warning reaching the caller and without ever swapping the process-wide filter
    list, as the former catch_warnings did (seen from another thread, that is every later
    warning lost or mis-filtered: issue 17, root cause 2)."""
    import sys
    import threading
    import warnings

    from astropy.io import fits

    from alerce_astro.plotting.finder import image_and_wcs

    header = fits.Header({"NAXIS": 2, "NAXIS1": 40, "NAXIS2": 40, "CTYPE1": "RA---TAN",
                          "CTYPE2": "DEC--TAN", "CRVAL1": 150.0, "CRVAL2": 2.0,
                          "CRPIX1": 20.5, "CRPIX2": 20.5, "CDELT1": -2.8e-4,
                          "CDELT2": 2.8e-4, "RADECSYS": "ICRS"})
    hdu = fits.PrimaryHDU(np.zeros((40, 40)), header=header)
    with warnings.catch_warnings(record=True) as caught:  # the test's own, before any thread
        warnings.simplefilter("always")
        original = warnings.filters
        swapped, done = [], threading.Event()

        def watch():  # another thread, looking at the filters while charts are read
            while not done.is_set():
                if warnings.filters is not original:
                    swapped.append(True)

        watcher = threading.Thread(target=watch)
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # the threads take turns often enough to see a swap
        watcher.start()
        try:
            results = [image_and_wcs(hdu) for _ in range(200)]
        finally:
            done.set()
            watcher.join()
            sys.setswitchinterval(interval)
    assert swapped == []
    assert [str(w.message) for w in caught] == []
    data, wcs = results[0]
    assert wcs.wcs.radesys == "ICRS"
    sky = wcs.pixel_to_world(19.5, 19.5)
    assert abs(sky.ra.deg - 150.0) < 1e-9 and abs(sky.dec.deg - 2.0) < 1e-9
