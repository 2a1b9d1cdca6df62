"""Light curves of many objects through TAP equal the REST answers: same ids, same values."""

import json
import warnings

import numpy as np
import pytest
from astropy import units as u

from alerce_astro.apis.tap.lightcurves import ChunkedLightCurves, TapLightCurves
from alerce_astro.apis.tap.photometry import rest_names
from alerce_astro.exceptions import InvalidQueryError, NoResultsWarning, ObjectNotFoundError

#: REST keys that are not database columns (added by the API) or typed differently there.
_NOT_COLUMNS = {"band_map", "survey_id"}


def _bundles(folder):
    out = {}
    for path in sorted((folder / "objects").glob("*.json")):
        data = json.loads(path.read_text())
        if data.get("survey_id") == "lsst":
            out[int(data["oid"])] = data
    return out


@pytest.fixture(scope="module")
def lsst_bundles(lsst_recorded):
    return _bundles(lsst_recorded)


@pytest.fixture(scope="module")
def lsst_curves(session_tap_client, lsst_bundles):
    # Two chunks (4 + 3 objects): the split per object crosses a chunk boundary.
    return session_tap_client.get_lightcurves_tap(list(lsst_bundles), chunk_size=4,
                                                  progress=False)


def _same(rest_value, tap_value, dtype):
    if rest_value is None or tap_value is None:
        return rest_value is None and tap_value is None  # NULL both sides
    if dtype.kind == "b":
        return bool(rest_value) == tap_value  # the API sends some flags as 0/1
    if dtype.kind == "f":
        # REAL columns are float32 (the API sends their shortest float32 form).
        return dtype.type(rest_value) == dtype.type(tap_value)
    return rest_value == tap_value


def _compare_rows(rest_rows, tap_table):
    """Every REST row has a TAP row with the same measurement id and the same values."""
    tap = rest_names(tap_table)
    by_id = {int(m): i for i, m in enumerate(tap["measurement_id"])}
    assert sorted(by_id) == sorted(r["measurement_id"] for r in rest_rows)
    order = [by_id[r["measurement_id"]] for r in rest_rows]
    compared = 0
    for key in rest_rows[0] if rest_rows else ():
        if key in _NOT_COLUMNS:
            continue
        column = tap[key]
        values = column.tolist()  # masked -> None
        for row, i in zip(rest_rows, order, strict=True):
            assert _same(row[key], values[i], column.dtype), (key, row[key], values[i])
            compared += 1
    return compared


def test_lsst_lightcurves_equal_the_rest_answers(lsst_curves, lsst_bundles):
    assert isinstance(lsst_curves, TapLightCurves)
    assert list(lsst_curves) == list(lsst_bundles) and lsst_curves.complete
    compared = 0
    for oid, bundle in lsst_bundles.items():
        table = lsst_curves.table(oid)
        assert table.meta["oid"] == oid and table.meta["survey"] == "lsst"
        detections = table[table["kind"] == "detection"]
        forced = table[table["kind"] == "forced"]
        compared += _compare_rows(bundle["lightcurve"]["body"]["detections"], detections)
        compared += _compare_rows(bundle["forced_photometry_all"]["body"], forced)
    assert compared > 150_000  # every value of ~4,000 rows of up to 100 columns


def test_lsst_lightcurve_units_and_order(lsst_curves):
    table = lsst_curves.table(313897383979122767)
    assert len(table) == 320 + 408
    assert table["psfflux"].unit == u.nJy and table["sciencefluxerr"].unit == u.nJy
    assert table["mjd"].unit == u.d and table["ra"].unit == u.deg
    assert (np.diff(table["mjd"]) >= 0).all()
    assert table["oid"].dtype == np.int64 and table["measurement_id"].dtype == np.int64
    # The raw stack holds every row of every object; the light-curve stack, every point, in
    # the canonical columns with exact int64 oids, as the REST path's stack() gives them.
    rows = lsst_curves.stack_rows()
    assert len(rows) == sum(len(lsst_curves.table(o)) for o in lsst_curves)
    stacked = lsst_curves.stack()
    assert len(stacked) == len(rows) and stacked["oid"].dtype == np.int64
    assert stacked.colnames[:2] == ["time", "oid"] and stacked["flux"].unit == u.nJy
    assert (stacked["oid"] == 313897383979122767).sum() == 320 + 408


def test_ztf_lightcurves_equal_the_rest_answers(session_tap_client, recorded_client):
    oids = ["ZTF20aaelulu", "ZTF18abbuive", "ZTF18aazeood", "ZTF18acqpprh"]
    curves = session_tap_client.get_lightcurves_tap(oids, method="in", chunk_size=3,
                                                    progress=False)
    assert list(curves) == oids
    for oid in oids:
        table = curves.table(oid)
        detections = table[table["kind"] == "detection"]
        if oid == "ZTF18aazeood":  # non-detections only
            assert len(detections) == 0
        else:
            rest = recorded_client.query_detections(oid)
            tap = {int(c): (m, t) for c, m, t in zip(detections["candid"], detections["magpsf"],
                                                      detections["mjd"], strict=True)}
            assert sorted(tap) == sorted(int(c) for c in rest["candid"])
            for candid, mag, mjd in zip(rest["candid"], rest["magpsf"], rest["mjd"],
                                        strict=True):
                assert tap[int(candid)] == (np.float32(mag), mjd)
        limits = table[table["kind"] == "upper_limit"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NoResultsWarning)  # ZTF18acqpprh has none
            rest_limits = recorded_client.query_non_detections(oid)
        assert len(limits) == len(rest_limits)
        assert sorted(limits["mjd"]) == sorted(rest_limits["mjd"])
    assert len(curves["ZTF18abbuive"].detections()) == 608


def test_ztf_forced_photometry_equals_the_rest_answer(session_tap_client, tmp_path):
    from alerce_astro.offline import SampleServer

    oid = "ZTF00aaaaaab"  # a sample object with forced photometry
    table = session_tap_client.get_lightcurves_tap([oid], progress=False).table(oid)
    forced = table[table["kind"] == "forced"]
    with SampleServer() as server:
        rest = server.client(cache_location=tmp_path).query_forced_photometry(oid)
    assert len(forced) == len(rest) == 20
    tap = dict(zip(forced["pid"].tolist(), forced["mag"].tolist(), strict=True))
    for pid, mag in zip(rest["pid"], rest["mag"], strict=True):
        assert tap[int(pid)] == pytest.approx(mag, rel=1e-6)


def test_unknown_objects_go_to_failed(session_tap_client):
    result = session_tap_client.get_lightcurves_tap(["ZTF20aaelulu", "ZTF17aaaaaaa"],
                                                    progress=False)
    assert list(result) == ["ZTF20aaelulu"]
    assert isinstance(result.failed["ZTF17aaaaaaa"], ObjectNotFoundError)
    assert result.not_found == ["ZTF17aaaaaaa"]


def test_upload_and_in_list_give_the_same_rows(session_tap_client):
    oids = ["ZTF20aaelulu", "ZTF00aaaaaab"]
    a = session_tap_client.get_lightcurves_tap(oids, method="upload", progress=False)
    b = session_tap_client.get_lightcurves_tap(oids, method="in", progress=False)
    for oid in oids:
        assert a.table(oid)["mjd"].tolist() == b.table(oid)["mjd"].tolist()
        assert a.table(oid)["kind"].tolist() == b.table(oid)["kind"].tolist()


def test_streamed_to_disk_and_resumed(session_tap_client, tmp_path):
    from alerce_astro.offline.simulate import sample_dataset_path, simulated_oid

    oids = [simulated_oid(i) for i in range(12)]
    # Sample objects with no light-curve row at all (a simulated 'null light curve').
    empty = set()
    for oid in oids:
        data = json.loads((sample_dataset_path() / "objects" / f"{oid}.json").read_text())
        lc = data.get("lightcurve") or {}
        if not (lc.get("detections") or lc.get("non_detections")
                or data.get("forced_photometry")):
            empty.add(oid)
    out = tmp_path / "lc"
    first = session_tap_client.get_lightcurves_tap(oids, chunk_size=4, output_dir=out,
                                                   file_format="ecsv", progress=False)
    assert isinstance(first, ChunkedLightCurves)
    assert [p.name for p in first.paths] == [f"chunk-0000{i}.ecsv" for i in range(3)]
    assert first.meta["resumed_chunks"] == 0 and set(first.failed) == empty
    everything = first.read()
    assert len(set(everything["oid"])) == 12 - len(empty) and everything["mjd"].unit == u.d
    # A run that stopped during the second chunk: its mark is missing.
    (out / "chunk-00001.done").unlink()
    (out / "chunk-00001.ecsv").write_text("broken")
    again = session_tap_client.get_lightcurves_tap(oids, chunk_size=4, output_dir=out,
                                                   file_format="ecsv", progress=False)
    assert again.meta["resumed_chunks"] == 2
    assert again.read()["mjd"].tolist() == everything["mjd"].tolist()
    per_object = dict(again.tables())
    assert list(per_object) == sorted(set(oids) - empty)
    assert sum(len(t) for t in per_object.values()) == len(everything)
    # Another run in the same folder is refused unless asked.
    with pytest.raises(InvalidQueryError, match="another run"):
        session_tap_client.get_lightcurves_tap(oids[:5], output_dir=out, progress=False)


def test_in_memory_run_uses_and_then_removes_its_chunk_cache(tap_client):
    result = tap_client.get_lightcurves_tap(["ZTF20aaelulu"], progress=False)
    assert len(result["ZTF20aaelulu"]) == 58 + 17
    assert not list((tap_client.cache_location / "tap_lightcurves").glob("*"))


def test_payload_shows_the_chunk_queries(tap_client):
    payload = tap_client.get_lightcurves_tap([313897383979122767], get_query_payload=True)
    assert [p["params"]["QUERY"].split(" FROM ")[1].split()[0] for p in payload] == \
        ["alerce_tap.lsst_detection", "alerce_tap.lsst_forced_photometry"]
    assert payload[0]["uploads"] == {"ids": 1}


def _recorded_lightcurve_oids(folder):
    out = []
    for path in sorted((folder / "objects").glob("*.json")):
        lc = json.loads(path.read_text()).get("lightcurve") or {}
        if lc.get("detections") or lc.get("non_detections"):
            out.append(path.stem)
    return out


def test_ztf_canonical_lightcurves_equal_the_rest_ones(session_tap_client, ztf_recorded,
                                                       recorded_client):
    # Every recorded ZTF object with photometry (real ALeRCE answers): TAP and REST give the
    # same AlerceLightCurve, value for value (float32 database columns read back to the
    # shortest decimal the REST API sends, 64-bit ids exact).
    from lc_compare import assert_same_lightcurve

    from alerce_astro.lightcurve import AlerceLightCurve

    oids = _recorded_lightcurve_oids(ztf_recorded)
    assert len(oids) == 141
    curves = session_tap_client.get_lightcurves_tap(oids, chunk_size=40, progress=False)
    assert curves.complete and list(curves) == oids
    compared = points = 0
    for oid in oids:
        rest = recorded_client.get_lightcurve(oid, forced_photometry=True)
        tap = curves[oid]
        assert isinstance(tap, AlerceLightCurve)
        compared += assert_same_lightcurve(rest, tap)
        points += len(tap)
    assert points == 6613 and compared > 75_000  # every unmasked value of every column
    lc = curves["ZTF20aaelulu"]
    assert lc["flux"].unit == u.uJy and lc["detection_id"].dtype == np.int64
    assert lc.meta["service"] == "ALeRCE TAP"


def test_ztf_forced_photometry_in_canonical_lightcurves(session_tap_client, tmp_path):
    # The built-in sample has forced photometry (the light curve API v2); its simulated values
    # carry more digits than the database's float32 columns keep: a magnitude near 20 is kept
    # to 1e-6 mag, which is 9.2e-7 of the flux derived from it, hence rtol.
    from lc_compare import assert_same_lightcurve

    from alerce_astro.offline import SampleServer
    from alerce_astro.offline.simulate import simulated_oid

    oids = [simulated_oid(i) for i in range(12)]
    curves = session_tap_client.get_lightcurves_tap(oids, chunk_size=5, progress=False)
    forced = 0
    with SampleServer() as server:
        client = server.client(cache_location=tmp_path)
        for oid in curves:
            rest = client.get_lightcurve(oid, forced_photometry=True)
            assert_same_lightcurve(rest, curves[oid], rtol=1.5e-6)
            points = curves[oid][curves[oid]["kind"] == "forced"]
            # The light curve API v2's point id, which the database has not: oid and pid.
            assert points["forced_candid"].tolist() == [f"{oid}{p}" for p in points["pid"]]
            forced += len(points)
    assert forced >= 20


def test_lsst_canonical_lightcurves_equal_the_rest_ones(lsst_curves, lsst_recorded, tmp_path):
    # The recorded Rubin objects (diaObjects and solar-system objects): the multisurvey REST
    # API's light curves and TAP's are the same AlerceLightCurve, value for value: nJy
    # fluxes, TAI times converted to UTC alike, 64-bit measurement ids exact.
    from lc_compare import assert_same_lightcurve

    from alerce_astro.offline import SampleServer

    compared = points = 0
    with SampleServer([lsst_recorded]) as server:
        client = server.client(survey="lsst", cache_location=tmp_path)
        for oid in lsst_curves:
            rest = client.get_lightcurve(oid, forced_photometry=True)
            tap = lsst_curves[oid]
            compared += assert_same_lightcurve(rest, tap)
            points += len(tap)
    assert points == 741 + 728 + 732 + 1 + 1154 + 705 + 1
    assert compared > 150_000
    lc = lsst_curves[313897383979122767]
    assert lc["flux"].unit == u.nJy and lc.time.scale == "utc"
    assert lc["detection_id"].dtype == np.int64 and lc["detection_id"].max() > 2**53
    assert set(lc["kind"]) == {"detection", "forced"}


def test_get_lightcurves_via_tap(tap_client):
    lcs = tap_client.get_lightcurves(["ZTF20aaelulu"], via="tap", progress=False)
    assert isinstance(lcs, TapLightCurves) and len(lcs["ZTF20aaelulu"]) == 58 + 17
    with pytest.raises(InvalidQueryError, match="via must be 'rest' or 'tap'"):
        tap_client.get_lightcurves(["ZTF20aaelulu"], via="sql")


def test_progress_bars_of_light_curves_and_downloads(session_tap_client, tmp_path, capsys):
    # progress=True shows tqdm's bar on standard error: objects for light curves (resumed
    # chunks count at once), bytes for a streamed download.
    from alerce_astro.offline.simulate import simulated_oid

    oids = [simulated_oid(i) for i in range(6)]
    session_tap_client.get_lightcurves_tap(oids, chunk_size=3, output_dir=tmp_path / "lc",
                                           file_format="ecsv", progress=True)
    err = capsys.readouterr().err
    assert "TAP ztf light curves" in err and "6/6" in err
    session_tap_client.download_tap("SELECT candid, magpsf FROM ztf.detection",
                                    tmp_path / "d.vot", progress=True)
    err = capsys.readouterr().err
    assert "TAP result" in err and "B" in err


def test_the_in_memory_runs_chunk_cache_reads_back_exactly(lsst_curves, session_tap_client,
                                                          tmp_path):
    # The cache of an in-memory run (what a resumed run reads back) is NumPy arrays and a
    # JSON header: every value, mask, dtype, unit and description comes back.
    from alerce_astro.apis.tap.lightcurves import _read, _write

    ztf = session_tap_client.get_lightcurves_tap(["ZTF20aaelulu", "ZTF00aaaaaab"],
                                                 progress=False)
    for chunk in (lsst_curves._chunks[0], ztf._chunks[0]):
        path = tmp_path / "chunk.npz"
        _write(chunk, path, "npz")
        back = _read(path, "npz")
        assert back.colnames == chunk.colnames and len(back) == len(chunk) > 0
        for name in chunk.colnames:
            a, b = chunk[name], back[name]
            assert a.dtype == b.dtype and str(a.unit) == str(b.unit), name
            assert a.info.description == b.info.description, name
            assert (np.ma.getmaskarray(a) == np.ma.getmaskarray(b)).all(), name
            av = np.asarray(a.data.data if hasattr(a, "mask") else a)
            bv = np.asarray(b.data.data if hasattr(b, "mask") else b)
            assert np.array_equal(av, bv, equal_nan=av.dtype.kind == "f"), name
