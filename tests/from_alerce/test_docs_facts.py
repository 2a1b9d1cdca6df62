"""Facts the documentation must get right (issue 16.15 and 16.6)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.rst")) + [ROOT / "README.rst"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_states_the_pre_astropy8_cache_path(page):
    # astropy 8 keeps its cache under the XDG cache folder: the path is printed, not given.
    for line in page.read_text(encoding="utf-8").splitlines():
        if "~/.astropy/cache/astroquery/Alerce" in line:
            assert re.search(r"\bolder versions\b", line), line


def test_the_pages_show_how_to_print_the_cache_folder():
    for name in ("index.rst", "configuration.rst"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert 'python -c "from alerce_astro import Alerce; print(Alerce.cache_location)"' \
            in text, name


def test_testing_page_explains_recorded_catshtm_answers():
    text = (ROOT / "docs" / "testing.rst").read_text(encoding="utf-8")
    assert "Recorded catsHTM answers\n------------------------" in text
    for fact in ('``index.json``', '``{"file", "route", "params"}``', "byte for byte",
                 'SampleServer(data="../shared/alerce-fixtures/catshtm")',
                 'nearest.meta["beyond_radius"]'):
        assert fact in text, fact


OFFICIAL_METHODS = ["query_objects", "query_object", "query_lightcurve", "query_detections",
                    "query_non_detections", "query_forced_photometry", "query_magstats",
                    "query_features", "query_feature", "query_probabilities",
                    "query_classifiers", "query_classes", "get_stamps", "plot_stamps",
                    "get_avro", "catshtm_conesearch", "catshtm_crossmatch",
                    "catshtm_redshift", "catshtm_catalog_translator"]


def test_coming_from_alerce_page_covers_every_official_method():
    page = ROOT / "docs" / "from_alerce.rst"
    text = page.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("``")]
    for method in OFFICIAL_METHODS:
        assert any(line.startswith(f"``{method}(") or f", ``{method}(" in line
                   for line in headings), method
    assert any(line.startswith("Configuration (") for line in text.splitlines())
    for fact in ("to_pandas()", "int64", "page_size", "Unit(\"deg\")",
                 "The starter notebook, cell by cell"):
        assert fact in text, fact
    assert text.count(">>> ") > 50  # the notebook, run by the doctest runner
    assert "   from_alerce\n" in (ROOT / "docs" / "index.rst").read_text(encoding="utf-8")


def test_official_client_has_those_methods():
    # The list above is the official client's (when it is installed).
    alerce_core = pytest.importorskip("alerce.core")
    for method in OFFICIAL_METHODS:
        assert hasattr(alerce_core.Alerce, method), method
