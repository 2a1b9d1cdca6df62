"""``alerce-astro tour``: the starter tour's files and page, and failing loudly."""

from html.parser import HTMLParser

import numpy as np
import pytest
from astropy.table import Table

from alerce_astro.cli import main

FIGURES = ["lightcurve.png", "stamps.png", "crossmatch.png", "finder.png", "probabilities.png",
           "snia_probabilities.png"]
TABLES = ["object.ecsv", "magstats.ecsv", "detections.ecsv", "non_detections.ecsv",
          "lightcurve.ecsv", "crossmatch_summary.ecsv", "crossmatch.ecsv", "features.ecsv",
          "features_wide.ecsv", "classifiers.ecsv", "probabilities.ecsv",
          "probabilities_summary.ecsv", "probabilities_hierarchy.ecsv", "snia.ecsv"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.links, self.sections = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        elif tag == "a":
            self.links.append(attrs.get("href"))
        elif tag == "section":
            self.sections.append(attrs.get("id"))


@pytest.fixture(scope="module")
def tour_dir(tmp_path_factory):
    """The folder of one offline tour, run through the command line as CI runs it."""
    folder = tmp_path_factory.mktemp("tour") / "alerce_tour"
    assert main(["tour", "--offline", "--output", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def page(tour_dir):
    parser = _Links()
    parser.feed((tour_dir / "index.html").read_text(encoding="utf-8"))
    return parser


def test_every_figure_and_table_is_written(tour_dir):
    for name in FIGURES + TABLES + ["index.html", "explorer.txt"]:
        assert (tour_dir / name).is_file(), name


@pytest.mark.parametrize("name", FIGURES)
def test_figures_are_real_images(tour_dir, name):
    import matplotlib.image as mpimg

    pixels = mpimg.imread(tour_dir / name)
    assert pixels.ndim == 3 and pixels.shape[0] > 250 and pixels.shape[1] > 300
    rgb = pixels[..., :3]
    # Not blank: a good share of the pixels is not the white background.
    assert np.mean(rgb.min(axis=2) < 0.9) > 0.02


def test_index_shows_every_figure_and_links_every_table(tour_dir, page):
    assert sorted(page.images) == sorted(FIGURES)
    for name in TABLES:
        assert name in page.links
    for href in page.links:
        if not href.startswith("http") and not href.startswith("#"):
            assert (tour_dir / href).is_file(), href
    assert page.sections == ["object", "lightcurve", "stamps", "crossmatch", "finder",
                             "features", "probabilities", "snia", "explorer"]


def test_the_object_is_the_most_probable_snia_with_stamps(tour_dir):
    obj = Table.read(tour_dir / "object.ecsv")
    snia = Table.read(tour_dir / "snia.ecsv")
    assert len(obj) == 1
    oid = str(obj["oid"][0])
    assert oid.startswith("ZTF00")
    first = snia[snia["ranking"] == 1]
    assert str(first["oid"][0]) == oid
    det = Table.read(tour_dir / "detections.ecsv")
    assert bool(np.any(det["has_stamp"]))


def test_tables_hold_the_tour_answers(tour_dir):
    det = Table.read(tour_dir / "detections.ecsv")
    non = Table.read(tour_dir / "non_detections.ecsv")
    lc = Table.read(tour_dir / "lightcurve.ecsv")
    assert len(lc) == len(det) + len(non)
    assert lc["time"].format == "mjd" and lc["time"].scale == "utc"
    feats = Table.read(tour_dir / "features.ecsv")
    wide = Table.read(tour_dir / "features_wide.ecsv")
    assert len(wide) == 1
    assert len(wide.colnames) == len(set(zip(feats["name"], feats["fid"], strict=True))) + 1
    tree = Table.read(tour_dir / "probabilities_hierarchy.ecsv")
    assert np.allclose(tree["probability"], tree["branch_probability"] *
                       tree["class_probability"])
    snia = Table.read(tour_dir / "snia.ecsv")
    assert set(snia["ranking"]) == {1, 2}
    for ranking in (1, 2):
        p = np.asarray(snia["probability"][snia["ranking"] == ranking])
        assert np.all(np.diff(p) <= 0)
    xm = Table.read(tour_dir / "crossmatch.ecsv")
    assert np.all(np.asarray(xm["separation"]) <= 20)


def test_explorer_links(tour_dir):
    obj = Table.read(tour_dir / "object.ecsv")
    one, many = (tour_dir / "explorer.txt").read_text().split()
    assert one == f"https://alerce.online/object/{obj['oid'][0]}"
    assert many.startswith("https://alerce.online/?oid=ZTF00")


def test_tour_carries_on_without_stamps(cli_server, tmp_path, capsys):
    # Issue 16.12: a piece missing (here the stamp service answers 404) skips the steps that
    # need it, says so, and every other step runs; index.html is always written.
    import matplotlib.pyplot as plt

    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "index.html").write_text("an earlier tour")
    cli_server.inject(r"/stamps/get_stamp", status=404,
                      body={"message": "AVRO not found."})
    try:
        status = main(["tour", "--server", cli_server.url, "--no-cache",
                       "--oid", _snia(cli_server), "--output", str(tmp_path / "t")])
    finally:
        cli_server.clear_injections()
    err = capsys.readouterr().err
    assert status == 0
    skipped = [line for line in err.splitlines() if "skipped" in line]
    assert [line.split("'")[1] for line in skipped] == ["3. Image stamps", "5. A finder chart"]
    assert all(line.startswith("alerce-astro: warning: tour step ") and "not found: " in line
               for line in skipped)
    assert "internal error" not in err
    page = (tmp_path / "t" / "index.html").read_text()
    assert page.count("<strong>Skipped:</strong>") == 2
    for name in ["lightcurve.png", "crossmatch.png", "probabilities.png",
                 "snia_probabilities.png", "features.ecsv", "explorer.txt"]:
        assert (tmp_path / "t" / name).is_file(), name  # the steps after it ran too
    assert not (tmp_path / "t" / "stamps.png").exists()
    assert plt.get_fignums() == []


def test_tour_carries_on_without_probabilities(cli_server, tmp_path):
    from alerce_astro.tour import run_tour

    cli_server.inject(r"/probabilities$", status=200, body=[])
    try:
        result = run_tour(cli_server.client(), tmp_path / "t", oid=_snia(cli_server),
                          offline=True, progress=False)
    finally:
        cli_server.clear_injections()
    assert result.skipped == [("7. Classifiers and probabilities",
                               f"ALeRCE has no classification probabilities for {result.oid}")]
    assert (tmp_path / "t" / "classifiers.ecsv").is_file()  # written before the skip
    assert not (tmp_path / "t" / "probabilities.png").exists()
    assert result.index.is_file() and (tmp_path / "t" / "snia.ecsv").is_file()
    assert "1 skipped" in repr(result)


def test_tour_of_an_object_with_only_its_row(recorded_server, tmp_path):
    # ZTF22aalpfln: a real object with a row and nothing else (no light curve, no
    # probabilities); the tour says, step by step, what it could not do.
    from alerce_astro.tour import run_tour

    result = run_tour(recorded_server.client(), tmp_path / "t", oid="ZTF22aalpfln",
                      offline=True, progress=False)
    reasons = dict(result.skipped)
    assert list(reasons) == ["1. The object and its statistics",
                             "2. Detections, non-detections and the light curve",
                             "3. Image stamps", "4. Crossmatch with the catsHTM catalogs",
                             "5. A finder chart", "6. Features",
                             "7. Classifiers and probabilities"]
    assert reasons["1. The object and its statistics"] == "no magstats for ZTF22aalpfln"
    assert reasons["3. Image stamps"] == ("not found: ZTF22aalpfln has no stamps: it has no "
                                          "detections")
    assert (tmp_path / "t" / "object.ecsv").is_file() and result.index.is_file()


def test_tour_rejects_a_bad_oid(tmp_path, capsys):
    assert main(["tour", "--offline", "--oid", "nope", "--output", str(tmp_path)]) == 2
    assert "is not a ZTF object id" in capsys.readouterr().err


def test_tour_refuses_a_file_as_folder(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["tour", "--offline", "--output", str(target)]) == 1
    assert "is not a folder" in capsys.readouterr().err


def _snia(server):
    from alerce_astro.tour import choose_object

    return choose_object(server.client(), offline=True)


@pytest.mark.remote_data
def test_live_tour(tmp_path):
    # The tour against the live ALeRCE services (run with --remote-data).
    folder = tmp_path / "live"
    assert main(["tour", "--output", str(folder), "--no-cache"]) == 0
    obj = Table.read(folder / "object.ecsv")
    assert str(obj["oid"][0]) == "ZTF20aaelulu"
    for name in FIGURES + TABLES:
        assert (folder / name).is_file(), name
