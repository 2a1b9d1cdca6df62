"""query_tap against the local DaCHS: sync, async, uploads, overflow, errors, cone, NULLs, ids."""

import json

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.table import Table

from alerce_astro.apis.tap.errors import TapQueryError
from alerce_astro.exceptions import InvalidQueryError, MaxResultsWarning

AGN = 313897383979122767  # a recorded Rubin diaObject (> 2**53)


def test_sync_query_units_and_meta(tap_client):
    t = tap_client.query_tap(
        "SELECT oid, n_det, meanra, firstmjd FROM alerce_tap.object WHERE oid = "
        f"{AGN}", async_=False)
    assert len(t) == 1
    assert t["oid"].dtype == np.int64 and t["oid"][0] == AGN
    assert t["n_det"][0] == 320
    assert t["meanra"].unit == u.deg and t["firstmjd"].unit == u.day
    assert t["meanra"].description  # from TAP_SCHEMA
    assert t.meta["mode"] == "sync" and t.meta["query_status"] == "OK"
    assert t.meta["query"].startswith("SELECT oid")


def test_int64_ids_beyond_2_53_are_exact(tap_client, lsst_recorded):
    rest = json.loads((lsst_recorded / "objects" / f"{AGN}.json").read_text())
    expected = sorted(d["measurement_id"] for d in rest["lightcurve"]["body"]["detections"])
    t = tap_client.query_tap(
        f"SELECT measurement_id FROM alerce_tap.lsst_detection WHERE oid = {AGN}")
    assert t["measurement_id"].dtype == np.int64
    got = sorted(int(v) for v in t["measurement_id"])
    assert got == expected
    assert max(got) > 2**53 and len(set(got)) == 320


def test_lsst_flux_gets_the_nJy_the_service_omits(tap_client):
    columns = tap_client.list_tap_columns("alerce_tap.lsst_detection")
    row = columns[list(columns["column_name"]).index("psfflux")]
    assert row["service_unit"] == ""  # ALeRCE's TAP_SCHEMA says nothing...
    assert row["unit"] == "nJy"       # ...the client knows
    t = tap_client.query_tap(f"SELECT TOP 3 psfflux, psffluxerr, scienceflux FROM "
                             f"alerce_tap.lsst_detection WHERE oid = {AGN}")
    assert all(t[c].unit == u.nJy for c in t.colnames)
    assert np.allclose(t["psfflux"].quantity.to_value(u.uJy), np.asarray(t["psfflux"]) / 1000,
                       rtol=1e-6)


def test_nulls_are_masked_text_included(tap_client):
    # ZTF18aawaivb: two of its detections have no rbversion, none has a drbversion.
    t = tap_client.query_tap("SELECT candid, rbversion, drbversion, magpsf FROM ztf.detection "
                             "WHERE oid = 'ZTF18aawaivb' ORDER BY candid")
    assert len(t) == 5
    assert t["rbversion"].mask.sum() == 2 and t["drbversion"].mask.all()
    assert not np.ma.getmaskarray(t["magpsf"]).any()
    # Integer and float NULLs (Rubin's ssObjectId of a diaSource, psfLnL).
    t = tap_client.query_tap(f"SELECT ssobjectid, psflnl, psfflux FROM "
                             f"alerce_tap.lsst_detection WHERE oid = {AGN}")
    assert t["ssobjectid"].mask.sum() == 319 and t["psflnl"].mask.all()
    assert not np.ma.getmaskarray(t["psfflux"]).any()


def test_async_job(tap_client):
    t = tap_client.query_tap("SELECT TOP 4 oid, meanra FROM ztf.object ORDER BY oid",
                             async_=True, progress=False)
    assert t.meta["mode"] == "async" and len(t) == 4
    assert t["meanra"].unit == u.deg


def test_slow_sync_query_moves_to_an_async_job(dachs_service):
    from alerce_astro.apis.tap.query import run_query
    from alerce_astro.apis.tap.session import TapSession

    with TapSession(30) as session:
        t = run_query(dachs_service, "SELECT TOP 2 oid FROM ztf.object", session=session,
                      sync_seconds=1e-4, progress=False)
    assert t.meta["mode"] == "async" and len(t) == 2


def test_ctrl_c_aborts_and_deletes_the_job(dachs_service, monkeypatch):
    import pyvo

    from alerce_astro.apis.tap import query
    from alerce_astro.apis.tap.session import TapSession

    def interrupt(self, **kwargs):  # the user's Ctrl-C, arriving while pyvo waits for the job
        raise KeyboardInterrupt

    monkeypatch.setattr(pyvo.dal.tap.AsyncTAPJob, "wait", interrupt)
    submitted = []
    submit = pyvo.dal.TAPService.submit_job

    def recording_submit(self, *args, **kwargs):
        job = submit(self, *args, **kwargs)
        submitted.append(job.job_id)
        return job

    # This test's own job: others may run jobs on the same service meanwhile.
    monkeypatch.setattr(pyvo.dal.TAPService, "submit_job", recording_submit)
    with TapSession(30) as session:
        with pytest.raises(KeyboardInterrupt):
            query.run_query(dachs_service, "SELECT COUNT(*) AS n FROM ztf.feature",
                            session=session, async_=True, progress=False)
        after = {j.jobid for j in pyvo.dal.TAPService(dachs_service,
                                                      session=session).get_job_list()}
    assert len(submitted) == 1 and submitted[0] not in after  # aborted and deleted


def test_upload_join_with_int64_ids(tap_client):
    ids = [AGN, 170028485706776685, 123]  # the last one is not an object
    t = tap_client.query_tap(
        "SELECT o.oid, o.n_det FROM alerce_tap.object AS o JOIN TAP_UPLOAD.mine AS u "
        "ON o.oid = u.id ORDER BY o.oid", uploads={"mine": ids})
    assert t["oid"].tolist() == [170028485706776685, AGN]
    assert t["n_det"].tolist() == [346, 320]


def test_upload_of_a_table_with_text_ids(tap_client):
    mine = Table({"id": ["ZTF20aaelulu", "ZTF18abbuive"], "note": ["a", "b"]})
    t = tap_client.query_tap(
        "SELECT d.oid, COUNT(*) AS n, MIN(u.note) AS note FROM ztf.detection AS d "
        "JOIN TAP_UPLOAD.mine AS u ON d.oid = u.id GROUP BY d.oid ORDER BY d.oid",
        uploads={"mine": mine})
    assert dict(zip(t["oid"], t["n"], strict=True)) == {"ZTF18abbuive": 608,
                                                        "ZTF20aaelulu": 58}


def test_upload_column_named_oid_is_refused_before_sending(tap_client):
    with pytest.raises(InvalidQueryError, match="call it 'id'"):
        tap_client.query_tap("SELECT * FROM TAP_UPLOAD.mine",
                             uploads={"mine": Table({"oid": [1, 2]})})


def test_maxrec_overflow_warns_and_cuts(tap_client):
    with pytest.warns(MaxResultsWarning, match=r"cut the result at 10 rows \(maxrec=10\)"):
        t = tap_client.query_tap("SELECT oid FROM alerce_tap.detection", maxrec=10)
    assert len(t) == 10 and t.meta["query_status"] == "OVERFLOW"
    # TOP above MAXREC: DaCHS sends one row more; the client keeps maxrec.
    with pytest.warns(MaxResultsWarning):
        t = tap_client.query_tap("SELECT TOP 20 oid FROM alerce_tap.detection", maxrec=10)
    assert len(t) == 10


def test_no_warning_when_everything_came(tap_client, recwarn):
    t = tap_client.query_tap("SELECT TOP 3 oid FROM alerce_tap.object", maxrec=10)
    assert len(t) == 3 and t.meta["query_status"] == "OK"
    assert not recwarn.list


def test_adql_syntax_error_gives_message_and_position(tap_client):
    query = "SELECT oid\nFROM alerce_tap.object\nWHER oid = 1"
    with pytest.raises(TapQueryError) as info:
        tap_client.query_tap(query)
    err = info.value
    assert isinstance(err, InvalidQueryError)
    assert (err.line, err.column) == (3, 6)
    assert "Could not parse your query" in err.service_message
    assert "WHER oid = 1\n" in str(err) and str(err).endswith("     ^")


def test_unknown_table_and_column_errors(tap_client):
    with pytest.raises(TapQueryError, match="Could not locate table 'ztf.nope'"):
        tap_client.query_tap("SELECT * FROM ztf.nope")
    with pytest.raises(TapQueryError, match="column 'nope'"):
        tap_client.query_tap("SELECT nope FROM ztf.object", async_=True, progress=False)


def test_cone_on_the_q3c_indexed_object_table(tap_client, ztf_recorded):
    centre = SkyCoord(185.7288549, 15.8236255, unit="deg")  # ZTF20aaelulu
    t = tap_client.query_tap(
        "SELECT oid, meanra, meandec FROM ztf.object WHERE CONTAINS(POINT('ICRS', meanra, "
        "meandec), CIRCLE('ICRS', 185.7288549, 15.8236255, 0.5)) = 1")
    # The same cone computed here from every object row of the dataset.
    every = tap_client.query_tap("SELECT oid, meanra, meandec FROM ztf.object")
    sep = centre.separation(SkyCoord(every["meanra"], every["meandec"]))
    assert sorted(t["oid"]) == sorted(every["oid"][sep < 0.5 * u.deg])
    assert "ZTF20aaelulu" in set(t["oid"])
    columns = tap_client.list_tap_columns("ztf.object")
    indexed = dict(zip(columns["column_name"], columns["indexed"], strict=True))
    assert indexed["meanra"] == 1 and indexed["meandec"] == 1


def test_get_query_payload_sends_nothing(tap_client):
    payload = tap_client.query_tap("SELECT 1 FROM ztf.object", maxrec=5, async_=True,
                                   get_query_payload=True)
    assert payload["params"] == {"REQUEST": "doQuery", "LANG": "ADQL",
                                 "QUERY": "SELECT 1 FROM ztf.object", "MAXREC": 5}
    assert payload["mode"] == "async"


def test_bad_arguments_fail_before_any_request(tap_client):
    with pytest.raises(InvalidQueryError, match="non-empty"):
        tap_client.query_tap("  ")
    with pytest.raises(InvalidQueryError, match="maxrec"):
        tap_client.query_tap("SELECT 1 FROM ztf.object", maxrec=-1)
    with pytest.raises(InvalidQueryError, match="float cannot hold"):
        tap_client.query_tap("SELECT 1 FROM ztf.object", uploads={"mine": [1.5, 2.0]})


def test_download_streams_a_votable(tap_client, tmp_path):
    path = tap_client.download_tap("SELECT candid, oid, magpsf FROM ztf.detection WHERE "
                                   "oid = 'ZTF20aaelulu'", tmp_path / "d.vot")
    t = Table.read(path)
    assert len(t) == 58 and t["magpsf"].unit == u.mag
    with pytest.raises(TapQueryError, match="ztf.nope"):
        tap_client.download_tap("SELECT * FROM ztf.nope", tmp_path / "e.vot")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "d.vot"] or \
        sorted(p.name for p in tmp_path.iterdir()) == ["d.vot"]


def test_output_file_keeps_units(tap_client, tmp_path):
    out = tmp_path / "o.ecsv"
    tap_client.query_tap(f"SELECT psfflux, mjd FROM alerce_tap.lsst_detection AS l JOIN "
                         f"alerce_tap.detection AS d USING (oid, measurement_id) WHERE "
                         f"l.oid = {AGN}", output=out)
    back = Table.read(out)
    assert len(back) == 320 and back["psfflux"].unit == u.nJy and back["mjd"].unit == u.d


def test_concurrent_queries_leave_the_warning_filters_alone(tap_client):
    # warnings.catch_warnings swaps the process-wide filter list: from threads it loses or
    # leaks other threads' filters (issue 17). TAP calls must never touch it, even on the
    # overflow path, whose pyvo warning the client replaces with its own.
    import sys
    import threading
    import warnings

    outside = list(warnings.filters)
    seen, errors, lists_seen = [], [], set()
    start = threading.Barrier(5)
    done = threading.Event()
    # Recorded once, here in the main thread before any thread starts (the one safe use).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before = list(warnings.filters)

        def work(i):
            try:
                start.wait()
                for _ in range(5):
                    t = tap_client.query_tap("SELECT oid FROM alerce_tap.detection",
                                             maxrec=5 + i, async_=False)
                    seen.append(len(t))
                    assert warnings.filters == before
            except BaseException as exc:  # noqa: BLE001 (reported below, in the main thread)
                errors.append(exc)

        def watch():
            # catch_warnings puts a new list in warnings.filters while it is active: any
            # other list seen during the calls is a change of the process-wide state.
            start.wait()
            while not done.is_set():
                lists_seen.add(id(warnings.filters))

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        watcher = threading.Thread(target=watch)
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-5)  # threads take turns often: a short swap is seen
        try:
            for t in [*threads, watcher]:
                t.start()
            for t in threads:
                t.join()
        finally:
            done.set()
            watcher.join()
            sys.setswitchinterval(interval)
        assert lists_seen == {id(warnings.filters)}
        assert warnings.filters == before
    assert not errors, errors
    assert sorted(seen) == sorted([5, 6, 7, 8] * 5)
    # Twenty cut results, each warned once, by the client (never pyvo's DALOverflowWarning).
    assert [w.category for w in caught] == [MaxResultsWarning] * 20
    assert warnings.filters == outside
