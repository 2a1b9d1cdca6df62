"""The ``alerce-astro`` commands, run in-process against a sample server."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from astropy import units as u
from astropy.io import fits
from astropy.table import Table

from alerce_astro.cli import EXIT_CODES, build_parser, main

COMMANDS = ["object", "magstats", "lightcurve", "stamps", "crossmatch", "finder", "query",
            "probabilities", "features", "classifiers", "explorer", "serve", "tour"]


def _png_pixels(path):
    import matplotlib.image as mpimg

    return mpimg.imread(path)


# --------------------------------------------------------------------------------------------
# Help, usage and errors.
def test_help_lists_every_command_and_exit_codes(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out
    for code in EXIT_CODES:
        assert f"  {code:<4}" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(capsys, command):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: alerce-astro {command}")


def test_usage_error_is_status_2(capsys):
    assert main(["object"]) == 2
    err = capsys.readouterr().err
    assert "the following arguments are required: oid" in err


def test_invalid_oid_is_one_line_status_2(run):
    status, out, err = run("object", "ZTF20AAELULU")
    assert status == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("alerce-astro: error: oid='ZTF20AAELULU' is not a ZTF object id")
    assert "did you mean 'ZTF20aaelulu'" in lines[0]
    assert "Traceback" not in err


def test_unknown_object_is_status_3(run):
    status, out, err = run("object", "ZTF00zzzzzzz")
    assert status == 3
    assert err.startswith("alerce-astro: error: not found:")
    assert len(err.strip().splitlines()) == 1


def test_debug_shows_the_exception(cli_server):
    from alerce_astro.exceptions import ObjectNotFoundError

    with pytest.raises(ObjectNotFoundError):
        main(["object", "ZTF00zzzzzzz", "--server", cli_server.url, "--no-cache", "--debug"])


def test_failing_service_is_status_4(run, cli_server, sample_oid):
    cli_server.inject(r"/magstats$", status=503, body="", times=20)
    try:
        status, out, err = run("magstats", sample_oid, "--timeout", "5")
    finally:
        cli_server.clear_injections()
    assert status == 4
    assert err.startswith("alerce-astro: error: service unavailable:")
    assert "503" in err


def test_offline_and_server_conflict(run):
    status, _, err = run("object", "ZTF00aaaaaab", "--offline")
    assert status == 2
    assert "--offline and --server cannot be used together" in err


def test_data_needs_offline(run, tmp_path):
    status, _, err = run("object", "ZTF00aaaaaab", "--data", tmp_path, server=False)
    assert status == 2
    assert "--data needs --offline" in err


def test_bad_server_url(run):
    status, _, err = run("object", "ZTF00aaaaaab", "--server", "localhost:1", server=False)
    assert status == 2
    assert "give a URL such as" in err


def test_parser_has_format_choices():
    parser = build_parser()
    args = parser.parse_args(["object", "ZTF00aaaaaab", "-f", "json"])
    assert args.format == "json"


# --------------------------------------------------------------------------------------------
# Objects and queries.
def test_object_prints_one_row_vertically(run, cli_server, sample_oid):
    expected = cli_server.client().query_object(sample_oid)
    status, out, err = run("object", sample_oid)
    assert status == 0, err
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()}
    assert lines["oid"] == [sample_oid]
    assert lines["ndet"] == [str(expected["ndet"][0])]
    assert lines["meanra"][-1] == "deg"
    assert float(lines["meanra"][0]) == pytest.approx(float(expected["meanra"][0]))


def test_object_several_as_table(run, cli_server):
    oids = [str(o) for o in cli_server.client().query_objects(row_limit=-1)["oid"][:3]]
    status, out, _ = run("object", *oids)
    assert status == 0
    body = out.splitlines()
    assert body[0].split()[0] == "oid"
    # header, units, dashes, then one line per object in the order asked
    assert [line.split()[0] for line in body[3:]] == oids


def test_query_json_filters(run, cli_server):
    expected = cli_server.client().query_objects(classifier="lc_classifier",
                                                 class_name="SNIa", row_limit=-1)
    status, out, err = run("query", "--class", "SNIa", "--classifier", "lc_classifier",
                           "--order-by", "probability", "--order-mode", "DESC", "-f", "json")
    assert status == 0, err
    doc = json.loads(out)
    rows = doc["rows"]
    assert len(rows) == len(expected) >= 2
    assert {r["oid"] for r in rows} == set(expected["oid"])
    assert {r["class"] for r in rows} == {"SNIa"}
    probabilities = [r["probability"] for r in rows]
    assert probabilities == sorted(probabilities, reverse=True)
    units = {c["name"]: c["unit"] for c in doc["columns"]}
    assert units["meanra"] == "deg" and units["coord_ra"] == "deg"
    assert rows[0]["coord_ra"] == pytest.approx(rows[0]["meanra"])


def test_query_limit_warns_on_one_line(run):
    status, out, err = run("query", "--classifier", "lc_classifier", "--limit", "2",
                           "-f", "csv")
    assert status == 0
    table = Table.read(out, format="ascii.csv")
    assert len(table) == 2
    warnings_ = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings_) == 1
    assert warnings_[0].startswith("alerce-astro: warning: the result was cut at row_limit=2")


def test_query_ranges_and_open_end(run):
    status, out, err = run("query", "--ndet", "40", "any", "-f", "json")
    assert status == 0, err
    ndet = [r["ndet"] for r in json.loads(out)["rows"]]
    assert ndet and min(ndet) >= 40


def test_query_bad_range_value(run):
    status, _, err = run("query", "--ndet", "many", "any")
    assert status == 2
    assert "--ndet 'many': expected a number or 'any'" in err


def test_query_position(run, cli_server, sample_oid):
    obj = cli_server.client().query_object(sample_oid)
    ra, dec = float(obj["meanra"][0]), float(obj["meandec"][0])
    status, out, err = run("query", "--position", f"{ra}", f"{dec}", "--radius", "5 arcsec",
                           "-f", "json")
    assert status == 0, err
    rows = json.loads(out)["rows"]
    assert rows[0]["oid"] == sample_oid
    assert rows[0]["separation"] < 0.01


def test_query_nothing_matches_is_success_with_warning(run):
    status, out, err = run("query", "--class", "SNIa", "--classifier", "lc_classifier",
                           "--ndet", "100000", "any", "-f", "json")
    assert status == 0
    assert json.loads(out)["rows"] == []
    assert "alerce-astro: warning: no object matched the query" in err


def test_magstats_ecsv_output_keeps_units(run, tmp_path, sample_oid):
    path = tmp_path / "stats.ecsv"
    status, out, err = run("magstats", sample_oid, "--output", path)
    assert status == 0
    assert out == ""
    assert f"wrote {path}" in err
    table = Table.read(path)
    assert table["magmean"].unit == u.mag
    assert list(table["fid"]) == sorted(table["fid"])


def test_votable_output(run, tmp_path, sample_oid):
    path = tmp_path / "obj.xml"
    status, _, _ = run("object", sample_oid, "-o", path)
    assert status == 0
    table = Table.read(path, format="votable")
    assert str(table["oid"][0]) == sample_oid
    assert table["meanra"].unit == u.deg


def test_unknown_output_suffix(run, tmp_path, sample_oid):
    status, _, err = run("object", sample_oid, "-o", tmp_path / "obj.parquet")
    assert status == 2
    assert "unknown suffix '.parquet'" in err


def test_unwritable_output_is_status_1(run, tmp_path, sample_oid):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    status, _, err = run("object", sample_oid, "-o", blocker / "obj.ecsv")
    assert status == 1
    assert err.startswith("alerce-astro: error: cannot write")


def test_probabilities_views(run, sample_oid):
    status, out, _ = run("probabilities", sample_oid, "--summary", "-f", "json")
    assert status == 0
    rows = {r["classifier_name"]: r for r in json.loads(out)["rows"]}
    assert rows["lc_classifier"]["class_name"] == "SNIa"
    status, out, _ = run("probabilities", sample_oid, "--hierarchy", "-f", "json")
    rows = json.loads(out)["rows"]
    assert rows[0]["class_name"] == "SNIa" and rows[0]["branch"] == "Transient"
    assert rows[0]["probability"] == pytest.approx(
        rows[0]["branch_probability"] * rows[0]["class_probability"])


def test_features_wide(run, cli_server):
    oids = [str(o) for o in cli_server.client().query_objects(
        classifier="lc_classifier", row_limit=-1)["oid"][:2]]
    status, out, _ = run("features", *oids, "--wide", "-f", "json")
    assert status == 0
    doc = json.loads(out)
    assert [r["oid"] for r in doc["rows"]] == oids
    assert len(doc["columns"]) > 50


def test_classifiers(run):
    status, out, _ = run("classifiers", "-f", "csv")
    assert status == 0
    table = Table.read(out, format="ascii.csv")
    assert "lc_classifier" in list(table["classifier_name"])


def test_explorer_needs_no_server(run):
    status, out, _ = run("explorer", "ZTF20aaelulu", "ZTF18abbuive", server=False)
    assert status == 0
    assert out == "https://alerce.online/?oid=ZTF20aaelulu&oid=ZTF18abbuive\n"


# --------------------------------------------------------------------------------------------
# Data products.
def test_lightcurve_plot_and_ecsv(run, cli_server, tmp_path, sample_oid):
    png, ecsv = tmp_path / "lc.png", tmp_path / "lc.ecsv"
    status, out, err = run("lightcurve", sample_oid, "--plot", png, "--output", ecsv)
    assert status == 0, err
    expected = cli_server.client().get_lightcurve(sample_oid)
    table = Table.read(ecsv)
    assert len(table) == len(expected)
    assert table["time"].format == "mjd"
    pixels = _png_pixels(png)
    assert pixels.shape[0] > 200 and pixels.shape[1] > 300
    assert pixels[..., :3].std() > 0.05  # something was drawn


def test_lightcurve_prints_table_without_options(run, sample_oid):
    status, out, _ = run("lightcurve", sample_oid, "-f", "csv")
    assert status == 0
    table = Table.read(out, format="ascii.csv")
    assert {"time", "kind", "band"} <= set(table.colnames)
    assert set(table["kind"]) <= {"detection", "upper_limit", "forced"}


def test_stamps_fits_and_plot(run, tmp_path, sample_oid):
    folder, png = tmp_path / "stamps", tmp_path / "stamps.png"
    status, _, err = run("stamps", sample_oid, "--output", folder, "--plot", png)
    assert status == 0, err
    files = sorted(folder.glob("*.fits"))
    assert [f.name.rsplit("_", 1)[1] for f in files] == ["difference.fits", "science.fits",
                                                         "template.fits"]
    with fits.open(files[1]) as hdul:
        assert hdul[0].data.ndim == 2
        assert hdul[0].header["OBJECT"] == sample_oid
    assert _png_pixels(png).shape[1] > 400


def test_stamps_summary(run, sample_oid):
    status, out, _ = run("stamps", sample_oid)
    assert status == 0
    assert out.startswith(f"{sample_oid} candid ")
    assert "science" in out and "difference" in out


def test_crossmatch_views(run, sample_oid, tmp_path):
    status, out, err = run("crossmatch", sample_oid, "--radius", "20 arcsec", "-f", "json")
    assert status == 0, err
    rows = json.loads(out)["rows"]
    assert rows and all(r["separation"] <= 20 for r in rows)
    separations = [r["separation"] for r in rows]
    assert separations == sorted(separations)
    status, out, _ = run("crossmatch", sample_oid, "--summary", "-f", "json")
    summary = json.loads(out)["rows"]
    assert sum(r["nsources"] for r in summary) == len(rows)
    catalog = rows[0]["catalog"]
    status, out, _ = run("crossmatch", sample_oid, "--catalog", catalog, "-f", "json")
    assert status == 0
    assert len(json.loads(out)["rows"]) >= 1
    png = tmp_path / "xm.png"
    status, _, _ = run("crossmatch", sample_oid, "--plot", png)
    assert status == 0 and png.stat().st_size > 10000


def test_crossmatch_by_position(run, cli_server, sample_oid):
    obj = cli_server.client().query_object(sample_oid)
    ra, dec = float(obj["meanra"][0]), float(obj["meandec"][0])
    status, out, err = run("crossmatch", str(ra), str(dec), "--radius", "20 arcsec",
                           "-f", "json")
    assert status == 0, err
    assert json.loads(out)["rows"]


def test_crossmatch_radius_without_unit(run, sample_oid):
    status, _, err = run("crossmatch", sample_oid, "--radius", "20")
    assert status == 2
    assert "has no unit" in err or "is not an angle" in err


def test_finder_pdf(run, tmp_path, sample_oid):
    pdf = tmp_path / "finder.pdf"
    status, _, err = run("finder", sample_oid, "--output", pdf)
    assert status == 0, err
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_offline_runs_its_own_server(run, sample_oid):
    status, out, err = run("object", sample_oid, "--offline", "-f", "json", server=False)
    assert status == 0, err
    assert json.loads(out)["rows"][0]["oid"] == sample_oid


def test_serve_answers_other_commands(capsys):
    # The real entry point in a subprocess: serve, query it with --server, stop with SIGINT.
    import os
    import signal

    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p))
    # Ctrl-C as at a terminal: a shell's background job inherits SIGINT ignored, and Python
    # then installs no KeyboardInterrupt handler, so the child gets the default back.
    proc = subprocess.Popen([sys.executable, "-m", "alerce_astro.cli", "serve"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    with proc:
        try:
            first = proc.stdout.readline()
            assert first.startswith("ALeRCE sample server running at http://127.0.0.1:")
            url = first.rsplit(" ", 1)[1].strip()
            status = main(["classifiers", "--server", url, "--no-cache", "-f", "csv"])
            out = capsys.readouterr().out
            assert status == 0
            assert "lc_classifier" in out
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
            try:
                proc.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()  # never leave the run waiting on it
                raise
    assert proc.returncode == 0


def test_lightcurve_forced(run, cli_server):
    import warnings

    from alerce_astro.exceptions import NoResultsWarning

    client = cli_server.client()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoResultsWarning)  # objects without forced photometry
        oid = next(str(o) for o in client.query_objects(row_limit=-1)["oid"]
                   if len(client.query_forced_photometry(str(o))))
    expected = client.get_lightcurve(oid, forced_photometry=True)
    status, out, err = run("lightcurve", oid, "--forced", "-f", "csv")
    assert status == 0, err
    table = Table.read(out, format="ascii.csv")
    assert len(table) == len(expected)
    forced = list(expected["kind"]).count("forced")
    assert forced > 0
    assert list(table["kind"]).count("forced") == forced


def test_warnings_are_one_line_from_the_real_entry_point(cli_server):
    # In a fresh interpreter astropy's and astroquery's loggers hook warnings when imported;
    # the command line's own one-line display must still win.
    import os

    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p))
    result = subprocess.run(
        [sys.executable, "-m", "alerce_astro.cli", "query", "--classifier", "lc_classifier",
         "--limit", "1", "-f", "csv", "--server", cli_server.url, "--no-cache"],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        line for line in result.stderr.splitlines() if line.startswith("alerce-astro: warning:")]
    assert len(result.stderr.splitlines()) == 1
    assert "row_limit=1" in result.stderr
