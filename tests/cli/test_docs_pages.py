"""The documentation stays in step with the code: settings, commands, pages."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _page(name):
    return (DOCS / name).read_text(encoding="utf-8")


def test_configuration_page_lists_every_setting():
    from astropy.config import ConfigItem

    from alerce_astro import Conf

    page = _page("configuration.rst")
    items = [name for name, value in vars(Conf).items() if isinstance(value, ConfigItem)]
    assert len(items) >= 10
    for name in items:
        default = getattr(Conf, name).defaultvalue
        line = next((ln for ln in page.splitlines() if ln.startswith(f"``{name}`` (default")),
                    None)
        assert line is not None, name
        shown = line.split("(default ", 1)[1].rstrip(")").strip("`")
        assert shown == ("empty" if default == "" else str(default).removesuffix(".0")), name


def test_cli_page_lists_every_command():
    from alerce_astro.cli import EXIT_CODES, build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    page = _page("cli.rst")
    for name in commands:
        assert re.search(rf"^``{name}( |``)", page, flags=re.MULTILINE), name
    for code in EXIT_CODES:
        assert re.search(rf"^{code}\s", page, flags=re.MULTILINE), code


def test_toctree_pages_exist_or_belong_to_others():
    index = _page("index.rst")
    entries = re.findall(r"^   ([a-z_]+)$", index, flags=re.MULTILINE)
    assert {"install", "getting_started", "tour", "objects", "configuration", "testing",
            "wire", "api", "changes", "citing", "cli"} <= set(entries)
    for entry in entries:
        if not (DOCS / f"{entry}.rst").is_file():
            pytest.skip(f"docs/{entry}.rst is not written yet")


def test_api_page_covers_the_public_modules():
    page = _page("api.rst")
    for module in ("alerce_astro", "alerce_astro.classification", "alerce_astro.lightcurve",
                   "alerce_astro.stamps", "alerce_astro.crossmatch", "alerce_astro.plotting",
                   "alerce_astro.offline", "alerce_astro.exceptions"):
        assert f".. automodapi:: {module}\n" in page


def test_index_tells_where_the_cache_is():
    index = _page("index.rst")
    assert "Alerce.cache_location" in index and "Alerce.clear_cache()" in index
