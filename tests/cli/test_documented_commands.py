"""Every command shown in the documentation and the README runs (against the sample)."""

import re
import shlex
from pathlib import Path

import pytest

from alerce_astro.cli import main

ROOT = Path(__file__).resolve().parents[2]
#: Pages whose ``$ alerce-astro ...`` lines are run.
PAGES = ["docs/cli.rst", "docs/tour.rst", "docs/install.rst", "docs/testing.rst"]
_OUTPUT_OPTIONS = {"--output", "-o", "--plot"}


def _documented_commands():
    found, seen = [], set()
    for page in PAGES:
        for line in (ROOT / page).read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text.startswith("$ alerce-astro "):
                command = text[2:].split("#", 1)[0].strip()
            elif text.startswith("alerce-astro ") and page == "docs/install.rst":
                command = text
            else:
                continue
            # --offline is replaced by the shared server below: run each command once.
            key = " ".join(a for a in shlex.split(command) if a != "--offline")
            if key not in seen:
                seen.add(key)
                found.append(pytest.param(command, id=f"{page}:{command}"))
    return found


def test_pages_have_commands():
    assert len(_documented_commands()) >= 8


@pytest.mark.parametrize("command", _documented_commands())
def test_documented_command_runs(command, cli_server, sample_oid, tmp_path, capsys):
    argv = shlex.split(command)[1:]
    if argv[0] in ("serve", "tour"):
        # serve runs until Ctrl-C, and the tour takes seconds: test_commands and test_tour
        # run them; here their documented options must parse.
        from alerce_astro.cli import build_parser

        args = build_parser().parse_args(argv)
        assert args.command == argv[0]
        return
    # The documented object is real; the sample's stands in for it. Output files go to
    # tmp_path, and the sample server replaces ALeRCE (--offline starts one per command,
    # which test_commands covers; here one server serves them all).
    argv = [sample_oid if re.fullmatch(r"ZTF\d\d[a-z]{7}|ZTF00\.+", a) else a for a in argv]
    for i, arg in enumerate(argv[:-1]):
        if arg in _OUTPUT_OPTIONS:
            argv[i + 1] = str(tmp_path / Path(argv[i + 1]).name)
    argv = [a for a in argv if a != "--offline"]
    if "--server" in argv:
        argv[argv.index("--server") + 1] = cli_server.url
    else:
        argv += ["--server", cli_server.url]
    status = main(argv + ["--no-cache"])
    err = capsys.readouterr().err
    assert status == 0, err
    assert "error" not in err
