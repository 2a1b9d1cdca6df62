"""``alerce-astro tap``: the command's parser and handler against the local DaCHS."""

import argparse
import json

import pytest
from astropy.table import Table

from alerce_astro.apis.tap.cli import add_tap_command, cmd_tap
from alerce_astro.exceptions import MaxResultsWarning


def run(client, argv):
    parser = argparse.ArgumentParser(prog="alerce-astro")
    add_tap_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["tap", *argv])
    return args.func(client, args)


QUERY = "SELECT oid, n_det, meanra FROM alerce_tap.object WHERE tid = 1 ORDER BY oid"


def test_csv_to_stdout(tap_client, capsys):
    assert run(tap_client, [QUERY, "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "oid,n_det,meanra"
    assert out[1].startswith("170028485706776685,346,") and len(out) == 6


def test_json_keeps_ids_exact(tap_client, capsys):
    run(tap_client, [QUERY, "-f", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["rows"][0]["oid"] == 170028485706776685
    assert {c["name"]: c["unit"] for c in doc["columns"]}["meanra"] == "deg"


def test_ecsv_and_streamed_votable_files(tap_client, tmp_path, capsys):
    run(tap_client, [QUERY, "--output", str(tmp_path / "o.ecsv")])
    assert Table.read(tmp_path / "o.ecsv")["meanra"].unit == "deg"
    run(tap_client, [QUERY, "--format", "votable", "--output", str(tmp_path / "o.vot")])
    assert len(Table.read(tmp_path / "o.vot")) == 5
    assert "wrote" in capsys.readouterr().err


def test_maxrec_and_query_from_a_file(tap_client, tmp_path, capsys):
    (tmp_path / "q.adql").write_text(QUERY)
    with pytest.warns(MaxResultsWarning):
        run(tap_client, ["@" + str(tmp_path / "q.adql"), "--maxrec", "2", "-f", "csv"])
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_upload_from_a_file(tap_client, tmp_path, capsys):
    Table({"id": [313897383979122767]}).write(tmp_path / "ids.ecsv")
    run(tap_client, ["SELECT o.oid, o.n_det FROM alerce_tap.object AS o JOIN TAP_UPLOAD.mine "
                     "AS u ON o.oid = u.id", "--upload", f"mine={tmp_path / 'ids.ecsv'}",
                     "-f", "csv"])
    assert capsys.readouterr().out.splitlines()[1] == "313897383979122767,320"


def test_the_lead_can_pass_its_own_options_and_emitter():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--timeout", type=float)
    common.add_argument("--debug", action="store_true")
    parser = argparse.ArgumentParser(prog="alerce-astro")
    seen = []
    add_tap_command(parser.add_subparsers(dest="command"), parents=(common,),
                    emit=lambda table, args: seen.append(table))
    args = parser.parse_args(["tap", "SELECT 1", "--timeout", "5", "--async"])
    assert args.func is cmd_tap and args.async_ is True and args.timeout == 5
