"""The README: its set-up commands (CI runs them verbatim) and its quick start, which runs."""

import re
import shlex
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from alerce_astro.cli import main

README = Path(__file__).resolve().parents[2] / "README.rst"
#: An LSST object of the built-in sample (the LSST tour's).
LSST_SAMPLE_OID = 459010985777168385
SETUP = ['python -m pip install . && alerce-astro tour --offline --output alerce_tour',
         'python -m pip install ".[test]" && python -m pytest']


def _text():
    return README.read_text(encoding="utf-8")


def _block_after(heading):
    text = _text()
    start = text.index(f"\n{heading}\n")
    lines = text[start:].splitlines()
    code = [line[4:] for line in lines if line.startswith("    ")]
    return code


def test_setup_block_starts_with_the_two_ci_commands():
    assert _block_after("Set up")[:2] == SETUP
    # .ci/run takes the first two lines starting with "    python -m pip install".
    found = re.findall(r"^    (python -m pip install.*)$", _text(), flags=re.MULTILINE)
    assert found[:2] == SETUP


def test_quick_start_runs_against_the_sample(cli_server, sample_oid):
    from alerce_astro import conf

    text = _text()
    block = text[text.index(".. code-block:: python"):text.index("From the shell")]
    code = "\n".join(line[4:] for line in block.splitlines() if line.startswith("    "))
    assert code.count("ZTF20aaelulu") == 3
    plt.close("all")
    namespace = {}
    urls = cli_server.urls
    with conf.set_temp("ztf_server", urls["ztf_v1"]), \
            conf.set_temp("lightcurve_server", urls["lightcurve_v2"]), \
            conf.set_temp("stamps_server", urls["stamps"]), \
            conf.set_temp("catshtm_server", urls["catshtm"]), \
            conf.set_temp("multisurvey_server", urls["multisurvey"]), \
            conf.set_temp("cache_timeout", 0):
        code = code.replace("ZTF20aaelulu", sample_oid)
        # the README's LSST id (a real Rubin object) -> one of the sample's LSST objects
        assert code.count("313897383979122767") == 1
        code = code.replace("313897383979122767", str(LSST_SAMPLE_OID))
        exec(compile(code, "README", "exec"), namespace)
    assert str(namespace["obj"]["oid"][0]) == sample_oid
    lc = namespace["lc"]
    assert lc.meta["survey"] == "lsst" and lc["flux"].unit == "nJy"
    assert "detection" in set(lc["kind"]) and lc["detection_id"].dtype == "int64"
    assert len(plt.get_fignums()) == 2  # the light curve and the stamps
    plt.close("all")


def test_shell_examples_run(cli_server, sample_oid, tmp_path, capsys):
    text = _text()
    lines = [line.strip() for line in text[text.index("From the shell"):].splitlines()
             if line.startswith("    alerce-astro ")]
    assert len(lines) == 3
    for line in lines:
        argv = [sample_oid if a == "ZTF20aaelulu" else a for a in shlex.split(line)[1:]]
        argv = [str(tmp_path / a) if a.endswith((".png", ".ecsv")) else a for a in argv]
        assert main(argv + ["--server", cli_server.url, "--no-cache"]) == 0, line
    capsys.readouterr()


@pytest.mark.parametrize("word", ["Alerce.cache_location", "Alerce.clear_cache()"])
def test_readme_names_the_cache(word):
    assert word in _text()
