"""
The Python code blocks and figure code of the documentation pages run, against the sample.

(The ``>>>`` examples run as doctests; this covers ``.. code-block:: python`` and
``.. plot::`` blocks, with ALeRCE's URLs pointed at a sample server and the notebook's object
replaced by the sample's.)
"""

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ["index.rst", "getting_started.rst", "tour.rst", "objects.rst", "configuration.rst",
         "testing.rst", "wire.rst"]


def _blocks(page):
    lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
    found = []
    i = 0
    while i < len(lines):
        head = lines[i].strip()
        if head in (".. code-block:: python", ".. plot::"):
            i += 1
            body = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
                body.append(lines[i])
                i += 1
            code = [ln for ln in body if not ln.strip().startswith(":")]
            found.append(pytest.param(textwrap.dedent("\n".join(code)).strip() + "\n",
                                      id=f"{page}:{len(found) + 1}"))
        else:
            i += 1
    return found


BLOCKS = [block for page in PAGES for block in _blocks(page)]


def test_pages_have_blocks():
    assert len(BLOCKS) >= 12


@pytest.mark.parametrize("code", BLOCKS)
def test_block_runs(code, cli_server, sample_oid, tmp_path, monkeypatch):
    from alerce_astro import AlerceClass, conf

    monkeypatch.chdir(tmp_path)
    urls = cli_server.urls
    namespace = {
        "__name__": "docs_block",
        # Names the blocks take from their context on the page.
        "run_my_analysis": lambda client: client.list_classifiers(),
    }
    plt.close("all")
    with conf.set_temp("ztf_server", urls["ztf_v1"]), \
            conf.set_temp("lightcurve_server", urls["lightcurve_v2"]), \
            conf.set_temp("stamps_server", urls["stamps"]), \
            conf.set_temp("catshtm_server", urls["catshtm"]), \
            conf.set_temp("cache_timeout", 0):
        exec(compile(code.replace("ZTF20aaelulu", sample_oid), "docs", "exec"), namespace)
        # Test functions shown on a page are run with the fixtures they name.
        for name, function in list(namespace.items()):
            if name.startswith("test_") and callable(function):
                arguments = function.__code__.co_varnames[:function.__code__.co_argcount]
                given = {"alerce_server": cli_server,
                         "alerce_client": AlerceClass(urls=urls)}
                function(**{a: given[a] for a in arguments})
    plt.close("all")
