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
