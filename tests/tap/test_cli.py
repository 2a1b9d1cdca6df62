"""``alerce-astro tap``: the command line's TAP command against the local DaCHS."""

import json

from astropy.table import Table

from alerce_astro.cli import EXIT_USAGE, build_parser, main
from alerce_astro.cli_tap import OFFLINE_MESSAGE

QUERY = "SELECT oid, n_det, meanra FROM alerce_tap.object WHERE tid = 1 ORDER BY oid"


def run(url, argv):
    return main(["tap", *argv, "--tap-url", url])


def test_csv_to_stdout(dachs_service, capsys):
    assert run(dachs_service, [QUERY, "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "oid,n_det,meanra"
    assert out[1].startswith("170028485706776685,346,") and len(out) == 6


def test_json_keeps_ids_exact(dachs_service, capsys):
    assert run(dachs_service, [QUERY, "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rows"][0]["oid"] == 170028485706776685
    assert {c["name"]: c["unit"] for c in doc["columns"]}["meanra"] == "deg"


def test_ecsv_and_streamed_votable_files(dachs_service, tmp_path, capsys):
    assert run(dachs_service, [QUERY, "--output", str(tmp_path / "o.ecsv")]) == 0
    assert Table.read(tmp_path / "o.ecsv")["meanra"].unit == "deg"
    assert run(dachs_service, [QUERY, "--format", "votable",
                               "--output", str(tmp_path / "o.vot")]) == 0
    assert len(Table.read(tmp_path / "o.vot")) == 5
    assert "wrote" in capsys.readouterr().err


def test_maxrec_and_query_from_a_file(dachs_service, tmp_path, capsys):
    (tmp_path / "q.adql").write_text(QUERY)
    assert run(dachs_service, ["@" + str(tmp_path / "q.adql"), "--maxrec", "2", "-f",
                               "csv"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 3
    # The command line shows warnings as one line each on standard error.
    assert "warning: The TAP service cut the result at 2 rows (maxrec=2)" in captured.err


def test_upload_from_a_file(dachs_service, tmp_path, capsys):
    Table({"id": [313897383979122767]}).write(tmp_path / "ids.ecsv")
    assert run(dachs_service, ["SELECT o.oid, o.n_det FROM alerce_tap.object AS o JOIN "
                               "TAP_UPLOAD.mine AS u ON o.oid = u.id",
                               "--upload", f"mine={tmp_path / 'ids.ecsv'}", "-f", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "313897383979122767,320"


def test_adql_error_is_one_line_and_a_usage_status(dachs_service, capsys):
    assert run(dachs_service, ["SELEC oid FROM alerce_tap.object"]) == EXIT_USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Could not parse" in err[0]


def test_offline_is_refused_with_what_to_do_instead(capsys):
    # The embedded sample server has no TAP service: refused before anything starts.
    assert main(["tap", "SELECT 1", "--offline"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "has no --offline" in err and "--tap-url" in err
    assert "python -m alerce_astro.offline.tap --sample" in OFFLINE_MESSAGE


def test_no_rest_service_options():
    parser = build_parser()
    help_text = parser._subparsers._group_actions[0].choices["tap"].format_help()
    for option in ("--server", "--data", "--no-cache", "--offline"):
        assert option not in help_text
    for option in ("--tap-url", "--maxrec", "--async", "--upload", "--format", "--output"):
        assert option in help_text
