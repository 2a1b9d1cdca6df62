"""
One client shared by many threads gives exactly the answers of sequential use, with or without
the cache, on a healthy server and on one that fails now and then.
"""

import random
import threading
import warnings

import pytest
from astropy import units as u
from reliability_helpers import OID, count

from alerce_astro import AlerceClass, conf
from alerce_astro.exceptions import NoResultsWarning

OIDS = [OID, "ZTF18abbuive", "ZTF18acpfwmm", "ZTF18aawaivb", "ZTF18aagzzba", "ZTF18aazeood",
        "ZTF17aaageae", "ZTF20aaypcrt"]


def _text(table):
    """A table as comparable text: every row and column, no metadata (it holds the time)."""
    return "\n".join(table.pformat(max_lines=-1, max_width=-1))


def _calls():
    """(name, function of a client) for every core query kind over the test objects."""
    calls = []
    for oid in OIDS:
        calls += [
            (f"object {oid}", lambda c, o=oid: c.query_object(o)),
            (f"magstats {oid}", lambda c, o=oid: c.query_magstats(o)),
            (f"features {oid}", lambda c, o=oid: c.query_features(o, fid=2)),
        ]
    calls += [
        ("probabilities", lambda c: c.query_probabilities(OID, classifier="lc_classifier")),
        ("object list", lambda c: c.query_objects(oid=OIDS)),
        ("all objects", lambda c: c.query_objects(row_limit=-1, page_size=40)),
        ("ranged", lambda c: c.query_objects(ndet=(5, None), order_by="ndet",
                                             order_mode="DESC", row_limit=-1)),
        ("cone", lambda c: c.query_region("185.7289 15.8236", radius=1 * u.deg)),
        ("classifiers", lambda c: c.list_classifiers()),
    ]
    return calls


def _run_threads(client, calls, n_threads, rounds, seed):
    results, errors = [], []

    def work(i):
        order = list(range(len(calls))) * rounds
        random.Random(seed + i).shuffle(order)
        try:
            for k in order:
                results.append((k, _text(calls[k][1](client))))
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    # Warning filters are one global state, not per thread: set them once, outside the
    # threads (objects without magstats or features warn NoResultsWarning).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoResultsWarning)
        threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return results, errors


@pytest.fixture(scope="module")
def expected(fixtures_dir, tmp_path_factory):
    """The answers of sequential use on a healthy server."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=fixtures_dir / "recorded") as healthy:
        client = AlerceClass(urls=healthy.urls, cache_location=tmp_path_factory.mktemp("seq"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NoResultsWarning)
            return [_text(fn(client)) for _, fn in _calls()]


@pytest.mark.parametrize("cache", ["cache", "no-cache"])
def test_many_threads_one_client_same_answers(server, tmp_path, expected, cache):
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_workers=16)
    calls = _calls()
    with conf.set_temp("cache_timeout", 3600 if cache == "cache" else 0):
        results, errors = _run_threads(client, calls, n_threads=12, rounds=1, seed=1)
    count("threaded queries", len(results))
    assert errors == []
    assert len(results) == 12 * len(calls)
    wrong = [calls[k][0] for k, text in results if text != expected[k]]
    assert wrong == []


def test_many_threads_on_a_faulty_server_same_answers(make_server, tmp_path, expected):
    server = make_server(failure_rate=0.15, failure_status=(500, 502, 503, 429), drop_rate=0.05,
                         truncate_rate=0.05, retry_after=0, seed=7)
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_retries=12)
    calls = _calls()
    with conf.set_temp("cache_timeout", 0):
        results, errors = _run_threads(client, calls, n_threads=8, rounds=1, seed=2)
    count("threaded queries", len(results))
    count("faults injected", sum(1 for r in server.requests if r["status"] != 200))
    assert errors == []
    assert [calls[k][0] for k, text in results if text != expected[k]] == []


@pytest.mark.slow
def test_many_threads_stress(make_server, tmp_path, expected):
    server = make_server(failure_rate=0.1, failure_status=(500, 502, 503, 504, 429),
                         drop_rate=0.05, truncate_rate=0.05, retry_after=0, seed=11)
    client = AlerceClass(urls=server.urls, cache_location=tmp_path, max_retries=15)
    calls = _calls()
    results, errors = _run_threads(client, calls, n_threads=48, rounds=3, seed=3)
    count("threaded queries", len(results))
    count("faults injected", sum(1 for r in server.requests if r["status"] != 200))
    assert errors == []
    assert len(results) == 48 * 3 * len(calls)
    assert [calls[k][0] for k, text in results if text != expected[k]] == []


def test_threads_leave_the_warning_filters_as_they_were(server, tmp_path):
    client = AlerceClass(urls=server.urls, cache_location=tmp_path)

    def work():
        for _ in range(20):
            client.query_objects(oid=[OID, "ZTF18abbuive"])
            client.query_region("185.7289 15.8236", radius=1 * u.deg)
            client.query_features(OID, names=["Amplitude", "Mean"])

    with warnings.catch_warnings():
        before = list(warnings.filters)
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = list(warnings.filters)
    count("threaded queries", 8 * 20 * 3)
    assert after == before


# --------------------------------------------------------------------------------------------
# The warning machinery is one process-wide state (``warnings.filters``, ``showwarning``): no
# public path may change it from threads, where ``catch_warnings`` blocks undo each other.

CONE = "357.73373 14.20514"  # the position of the recorded catsHTM answers
EMPTY_SKY = "10.0 -40.0"  # no recorded source: every catalog is empty there


def _machinery():
    return list(warnings.filters), warnings.showwarning


def _overlapped(work, n_threads):
    """Run ``work(i)`` in threads at once; the errors they raised."""
    errors, start = [], threading.Barrier(n_threads)

    def run(i):
        try:
            start.wait()
            work(i)
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _overlapped_and_watched(work, n_threads, *, also_error=None):
    """Run ``work(i)`` in threads at once under the caller's own filters ("always", plus an
    "error" filter for ``also_error`` if given), then warn once more. Returns the errors, the
    warning machinery before and after the threads, and every warning seen: the threads must
    leave the machinery as it was, and the later warning must still be seen."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if also_error is not None:  # a filter of the caller's for unrelated warnings
            warnings.filterwarnings("error", category=also_error)
        before = _machinery()
        errors = _overlapped(work, n_threads)
        after = _machinery()
        warnings.warn("a later warning", UserWarning)
    return errors, before, after, caught


@pytest.fixture(scope="module")
def catshtm_server(fixtures_dir):
    from alerce_astro.offline import SampleServer

    with SampleServer(data=[fixtures_dir / "recorded", fixtures_dir / "catshtm"]) as server:
        yield server


def test_overlapping_bulk_runs_leave_the_warning_machinery_as_it_was(server, tmp_path):
    client = AlerceClass(urls=server.urls, cache_location=tmp_path)
    oids = OIDS * 3
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        sequential = client.query_magstats_many(OIDS, max_workers=4, progress=False)
    expected = sorted(sequential.warnings)  # the objects without magstats
    assert expected and len(expected) < len(OIDS)
    results = []

    def work(i):
        for _ in range(4):
            results.append(client.query_magstats_many(oids[i:] + oids[:i], max_workers=4,
                                                      progress=False, cache=False))

    errors, before, after, caught = _overlapped_and_watched(work, 6)
    count("threaded bulk runs", len(results))
    assert errors == []
    assert after == before
    assert "a later warning" in [str(w.message) for w in caught]
    # Each run collected the warnings of its own objects, and only those.
    assert len(results) == 24
    for result in results:
        assert sorted(result.warnings) == expected
        assert all(len(records) == 1 for records in result.warnings.values())


@pytest.mark.parametrize("filters", ["always", "error-elsewhere"])
def test_threads_crossmatching_at_once_leave_the_warning_filters_as_they_were(
        catshtm_server, tmp_path, filters):
    """get_redshift silences a warning of query_nearest; catsHTM units warn when parsed."""
    client = AlerceClass(urls=catshtm_server.urls, cache_location=tmp_path)
    found = []

    def work(i):
        for _ in range(3):
            found.append(client.get_redshift(CONE, cache=False))
            found.append(client.query_catalogs(CONE, radius=10 * u.arcsec, cache=False))
            found.append(client.query_nearest(CONE, per_catalog=True, cache=False))
            found.append(client.get_redshift(EMPTY_SKY, cache=False))  # warns: no redshift

    errors, before, after, caught = _overlapped_and_watched(
        work, 6, also_error=DeprecationWarning if filters == "error-elsewhere" else None)
    count("threaded queries", len(found))
    assert errors == []
    assert after == before
    assert "a later warning" in [str(w.message) for w in caught]
    assert len(found) == 6 * 3 * 4
    # Neither the empty sky nor CONE has a redshift: the recorded SpecSDSS and NEDz sources
    # lie 80" away, beyond their 50" radius (issue 16.4).
    assert sum(1 for f in found if f is None) == 6 * 3 * 2


def test_get_redshift_warns_only_its_own_warning(catshtm_server, tmp_path):
    client = AlerceClass(urls=catshtm_server.urls, cache_location=tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert client.get_redshift(EMPTY_SKY) is None
    assert [w.category for w in caught] == [NoResultsWarning]
    assert str(caught[0].message).startswith("no catalog gives a redshift near")
    with pytest.warns(NoResultsWarning, match="no match in any catalog"):
        client.query_nearest(EMPTY_SKY)


def test_a_bulk_run_honours_the_callers_filters(server, tmp_path):
    """Warnings are collected after the filters: ignored ones are not, errors fail objects."""
    client = AlerceClass(urls=server.urls, cache_location=tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", NoResultsWarning)
        quiet = client.query_magstats_many(OIDS, max_workers=4, progress=False)
    assert quiet.complete and quiet.warnings == {} and caught == []
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        warnings.simplefilter("error", NoResultsWarning)
        strict = client.query_magstats_many(OIDS, max_workers=4, progress=False)
    assert sorted(strict.failed) == sorted(
        oid for oid in OIDS if len(quiet[oid]) == 0)
    assert all(isinstance(e, NoResultsWarning) for e in strict.failed.values())


@pytest.fixture(scope="module")
def finder_server(fixtures_dir):
    from alerce_astro.offline import SampleServer

    with SampleServer(data=[fixtures_dir / "recorded", fixtures_dir / "alerts",
                            fixtures_dir / "catshtm"]) as server:
        yield server


def test_threads_drawing_finder_charts_leave_the_warning_filters_as_they_were(
        finder_server, tmp_path):
    """plot_finder silences the NoResultsWarning of the catalogs and magstats it asks for,
    without warnings.catch_warnings (issue 17.2, client/crossmatch.py): an object without
    magstats, and a field without catalog sources, from threads at once."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    client = AlerceClass(urls=finder_server.urls, cache_location=tmp_path)
    oid = "ZTF18aaacpxm"  # an object of the alerts dataset, with stamps
    image = client.get_stamps(oid).template
    drawn = []

    def work(i):
        for _ in range(3):
            ax = Figure().add_subplot(projection=image.wcs)
            drawn.append(client.plot_finder(oid, image=image, ax=ax, cache=False))
            drawn.append(client.plot_finder(oid, image=image, radius="5 arcsec", cache=False,
                                            ax=Figure().add_subplot(projection=image.wcs)))

    errors, before, after, caught = _overlapped_and_watched(work, 6)
    assert errors == []
    assert after == before
    assert len(drawn) == 6 * 3 * 2
    assert not [w for w in caught if issubclass(w.category, NoResultsWarning)]
    assert "a later warning" in [str(w.message) for w in caught]
    # the silenced warnings still reach a direct caller
    with pytest.warns(NoResultsWarning, match="no source in any catalog"):
        client.query_catalogs(EMPTY_SKY, radius=5 * u.arcsec)


def test_threads_joining_surveys_leave_the_warning_filters_as_they_were(tmp_path):
    """get_lightcurve_multisurvey's cone on the other survey silences its NoResultsWarning
    (an empty cone is reported as ObjectNotFoundError) without warnings.catch_warnings:
    threads asking at once for a pair that exists and an object without a counterpart leave
    the filters as they were, and a direct query_region still warns."""
    from alerce_astro.exceptions import ObjectNotFoundError
    from alerce_astro.offline import SampleServer

    with SampleServer() as server:
        ztf = AlerceClass(urls=server.urls, cache_location=tmp_path / "ztf")
        lsst = AlerceClass(survey="lsst", urls=server.urls, cache_location=tmp_path / "lsst")
        pair = "ZTF00aaaaabh"  # the sample's SN Ia that LSST saw too
        with pytest.warns(NoResultsWarning, match="no object within"):  # said to a caller
            assert len(lsst.query_region(ztf.query_object("ZTF00aaaaaab")["coord"][0],
                                         radius=2 * u.arcsec)) == 0  # no LSST counterpart
        outcomes = []

        def work(i):
            for _ in range(2):
                outcomes.append(len(ztf.get_lightcurve_multisurvey(pair)))
                try:
                    ztf.get_lightcurve_multisurvey("ZTF00aaaaaab")
                except ObjectNotFoundError:
                    outcomes.append("no counterpart")

        errors, before, after, caught = _overlapped_and_watched(work, 4)
        assert errors == [] and after == before
        assert "a later warning" in [str(w.message) for w in caught]
        assert sorted(outcomes, key=str) == [242] * 8 + ["no counterpart"] * 8
        assert not [w for w in caught if issubclass(w.category, NoResultsWarning)]
