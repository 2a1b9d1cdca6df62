"""``alerce-astro --survey lsst``: the commands on LSST objects, int64 ids printed exactly, and
the LSST tour (``alerce-astro tour --survey lsst --offline``)."""

import json
from html.parser import HTMLParser

import pytest
from astropy.table import Table

from alerce_astro.cli import main

OID = 313897383979122767          # > 2**53: a float would print ...768
TRIGGER = 170094456251351059


@pytest.fixture
def run(capsys, lsst_real_server):
    def runner(*argv):
        status = main([str(a) for a in argv] + ["--server", lsst_real_server.url, "--no-cache"])
        out, err = capsys.readouterr()
        return status, out, err

    return runner


def test_ids_are_printed_exactly_in_every_format(run):
    status, out, _ = run("object", OID, "170028485706776685", "--survey", "lsst")
    assert status == 0 and str(OID) in out and "170028485706776685" in out
    status, out, _ = run("object", OID, "-f", "json")  # the survey told by the id
    assert status == 0
    row = json.loads(out)["rows"][0]
    assert row["oid"] == OID and type(row["oid"]) is int
    assert f'"oid": {OID}' in out or f'"oid":{OID}' in out
    status, out, _ = run("object", OID, "-f", "csv")
    assert out.splitlines()[1].startswith(f"{OID},1,1,")
    assert str(OID + 1) not in out


def test_lightcurve_csv_has_exact_measurement_ids_and_nJy(run):
    status, out, _ = run("lightcurve", OID, "--forced", "-f", "csv")
    assert status == 0
    table = Table.read(out, format="ascii.csv")
    assert len(table) == 320 + 408          # complete forced photometry, never 10 rows
    assert TRIGGER in set(int(v) for v in table["detection_id"])
    assert str(TRIGGER) in out


def test_stamps_summary_and_fits(run, tmp_path):
    status, out, err = run("stamps", OID)
    assert status == 0
    assert f"{OID} measurement_id {TRIGGER}, band i" in out
    assert "cutout's own WCS" in out and "science    30     30" in out
    status, _, err = run("stamps", OID, "--output", tmp_path)
    assert status == 0
    names = sorted(p.name for p in tmp_path.glob("*.fits"))
    assert names == [f"{OID}_{TRIGGER}_{k}.fits" for k in ("difference", "science",
                                                           "template")]


def test_probabilities_and_explorer(run, capsys):
    status, out, _ = run("probabilities", OID, "--summary")
    assert status == 0 and "stamp_classifier_rubin_beta" in out and "AGN" in out
    assert main(["explorer", str(OID)]) == 0
    assert capsys.readouterr().out.strip() == \
        f"https://lsst.alerce.online/object/{OID}?survey=lsst"


def test_a_ztf_id_with_survey_lsst_is_a_usage_error(run):
    status, _, err = run("object", "ZTF20aaelulu", "--survey", "lsst")
    assert status != 0 and "ZTF20aaelulu" in err


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.sections = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        elif tag == "section":
            self.sections.append(attrs.get("id"))


def test_lsst_tour_walks_the_notebook_steps(tmp_path, capsys):
    folder = tmp_path / "tour"
    assert main(["tour", "--survey", "lsst", "--offline", "--output", str(folder)]) == 0
    err = capsys.readouterr().err
    # The sample's SN Ia with a ZTF counterpart in the same host (spectroscopic redshift).
    assert "tour of 459010985777168385: 22 files" in err
    page = _Page()
    page.feed((folder / "index.html").read_text(encoding="utf-8"))
    assert page.sections == ["object", "lightcurve", "stamps", "crossmatch", "finder",
                             "both_surveys", "probabilities", "class", "explorer"]
    assert sorted(page.images) == sorted(p.name for p in folder.glob("*.png"))
    assert len(page.images) == 7
    for name in page.images:
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lc = Table.read(folder / "lightcurve.ecsv")
    assert set(lc["kind"]) == {"detection", "forced"} and str(lc["flux"].unit) == "nJy"
    assert len(lc) == 38 + 45
    both = Table.read(folder / "lightcurve_both_surveys.ecsv")
    assert set(both["survey"]) == {"ztf", "lsst"} and str(both["flux"].unit) == "uJy"
    assert both.meta["oids"] == {"ztf": "ZTF00aaaaaaa", "lsst": 459010985777168385}
    assert Table.read(folder / "redshift.ecsv")["z"][0] == pytest.approx(0.1073937)
    links = (folder / "explorer.txt").read_text().split()
    assert links[0] == "https://lsst.alerce.online/object/459010985777168385?survey=lsst"
