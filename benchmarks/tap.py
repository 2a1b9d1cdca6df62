"""
The TAP path measured: alerce_astro against pyvo alone, and TAP bulk light curves against REST.

Needs a local DaCHS (as root: ``bash .ci/dachs-setup``). From the repository root::

    python benchmarks/tap.py                  # 100,000 rows; 5,000 objects: a few minutes
    python benchmarks/tap.py --quick          # 20,000 rows; 500 objects
    python benchmarks/tap.py --json tap.json  # also write every number

1. query: one ``SELECT TOP n * FROM ztf.detection`` (n = 100,000) to an astropy Table with
   units, by ``Alerce.query_tap`` and by pyvo alone (``TAPService.run_sync(...).to_table()``),
   run alternately on the same service, ``--repeat`` times each; medians and their ratio.
   Goal: alerce_astro at most 1.2x pyvo (what it adds: the session with retries, the status
   check, units, masked text NULLs, meta).
2. light curves: the same 5,000 objects through TAP (``get_lightcurves_tap``: chunked queries,
   then every object's ``AlerceLightCurve``) and through REST (``get_lightcurves(oids,
   forced_photometry=True)``: two requests per object against the offline server in its own
   process, no added latency): the same light curves (the TAP tests check them value by
   value), timed end to end.

The data is the benchmarks' generated dataset (``_data.dataset``, made once in the temporary
directory or ``--data-dir``; its objects and photometry only), loaded into the local DaCHS's
schema ``ztf`` in ALeRCE's layout (``alerce_astro.offline.tap``; only when it is not already
what the service serves). The loader's lock is held while the TAP part runs, so a test session
starting meanwhile waits instead of reloading the service under it; the TAP tests reload their
own datasets when they next run.
"""

import argparse
import contextlib
import fcntl
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from _data import dataset, object_ids  # noqa: E402
from _server import ServerProcess  # noqa: E402
from run import machine  # noqa: E402

#: The loader's lock (`alerce_astro.offline.tap.load`): held for the whole TAP part, so that
#: no test session (of this checkout or another) reloads the service meanwhile.
LOCK = Path(os.environ.get("ALERCE_ASTRO_DACHS_LOCK", "/tmp/alerce_astro_dachs.lock"))


def light_curves_only(src, dst):
    """A copy of a dataset with only what light curves need (objects, photometry): the
    features and probabilities would double DaCHS's load time for nothing measured here."""
    done = dst / ".complete"
    if not done.exists():
        (dst / "objects").mkdir(parents=True, exist_ok=True)
        for path in sorted((src / "objects").glob("*.json")):
            body = json.loads(path.read_text())
            keep = {k: body[k] for k in ("object", "lightcurve", "forced_photometry")
                    if k in body}
            (dst / "objects" / path.name).write_text(json.dumps(keep))
        done.write_text("ok\n")
    return dst


@contextlib.contextmanager
def service_held():
    """Hold the loader's lock (others' loads wait) while this run loads and uses DaCHS; the
    run's own load takes a lock file of its own."""
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        inner = os.environ.get("ALERCE_ASTRO_DACHS_LOCK")
        os.environ["ALERCE_ASTRO_DACHS_LOCK"] = str(LOCK) + ".bench"
        try:
            yield
        finally:
            if inner is None:
                os.environ.pop("ALERCE_ASTRO_DACHS_LOCK")
            else:
                os.environ["ALERCE_ASTRO_DACHS_LOCK"] = inner
            fcntl.flock(fh, fcntl.LOCK_UN)


def load(data):
    """The TAP URL of the local DaCHS serving ``data`` in schema ``ztf``; load seconds."""
    from alerce_astro.offline.tap.load import ensure_service

    t0 = time.perf_counter()
    info = ensure_service(ztf=[data], log=lambda line: print(f"  dachs: {line}", flush=True))
    return info["url"], time.perf_counter() - t0, bool(info["loaded"])


def bench_query(url, rows, repeat):
    """query_tap and pyvo alone on the same query, alternately; seconds of each run."""
    import pyvo

    from alerce_astro import AlerceClass

    adql = f"SELECT TOP {rows} * FROM ztf.detection ORDER BY candid"
    client = AlerceClass()
    service = pyvo.dal.TAPService(url)
    ours, theirs, shape = [], [], None

    def run_ours():
        table = client.query_tap(adql, maxrec=rows + 1, async_=False, url=url)
        return len(table), len(table.colnames)

    def run_pyvo():
        table = service.run_sync(adql, maxrec=rows + 1).to_table()
        return len(table), len(table.colnames)

    run_ours(), run_pyvo()  # warm: imports, the service's plan cache
    for i in range(repeat):
        # Alternate who goes first: neither always gets the warmer service.
        order = [(run_ours, ours), (run_pyvo, theirs)]
        for run, times in (order if i % 2 == 0 else order[::-1]):
            t0 = time.perf_counter()
            got = run()
            times.append(time.perf_counter() - t0)
            shape = shape or got
            if got != shape:
                raise RuntimeError(f"the two sides answered differently: {got} vs {shape}")
    return {"rows": shape[0], "columns": shape[1], "ours_s": ours, "pyvo_s": theirs,
            "ours_median_s": statistics.median(ours),
            "pyvo_median_s": statistics.median(theirs),
            "ratio": statistics.median(ours) / statistics.median(theirs)}


def bench_tap_lightcurves(url, oids, cache_dir):
    """The objects' light curves through TAP, end to end (every AlerceLightCurve made)."""
    from alerce_astro import AlerceClass

    tap_client = AlerceClass(cache_location=Path(cache_dir) / "tap")
    t0 = time.perf_counter()
    result = tap_client.get_lightcurves_tap(oids, progress=False, url=url)
    fetched = time.perf_counter() - t0
    points = sum(len(result[oid]) for oid in result)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "fetch_s": fetched, "build_s": seconds - fetched,
            "objects": len(result), "failed": len(result.failed), "points": points,
            "queries": result.meta["chunks"] * 3, "chunk_size": result.meta["chunk_size"]}


def bench_rest_lightcurves(data, oids, cache_dir, latency=0.0):
    """The same objects' light curves through REST bulk (the offline server in its own
    process, ``latency`` seconds added to every request), end to end."""
    from alerce_astro import AlerceClass

    with ServerProcess(data, latency=latency) as server:
        rest_client = AlerceClass(urls=server.urls, cache_location=Path(cache_dir) / "rest")
        t0 = time.perf_counter()
        with warnings.catch_warnings():  # the main thread only, before any worker starts
            warnings.simplefilter("ignore")  # objects without photometry: NoResultsWarning
            rest = rest_client.get_lightcurves(oids, forced_photometry=True, progress=False,
                                               cache=False)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "latency_s": latency, "objects": len(rest),
            "failed": len(rest.failed),
            "points": sum(len(rest[oid]) for oid in rest), "requests": 2 * len(oids),
            "max_workers": rest.meta.get("max_workers")}


def report(results):
    q, lc = results.get("query"), results.get("lightcurves")
    rows = [("measurement", "alerce_astro", "reference", "ratio", "goal", "met")]
    if q:
        rows.append((f"query: {q['rows']:,} rows x {q['columns']} columns to a Table",
                     f"{q['ours_median_s']:.2f} s", f"pyvo {q['pyvo_median_s']:.2f} s",
                     f"{q['ratio']:.2f}x pyvo", "<= 1.2x", "yes" if q["ratio"] <= 1.2 else "NO"))
    if lc:
        t, r = lc["tap"], lc["rest"]
        rows.append((f"light curves of {lc['objects']:,} objects: TAP vs REST bulk",
                     f"TAP {t['seconds']:.1f} s", f"REST {r['seconds']:.1f} s",
                     f"{lc['speedup']:.1f}x faster", "(context)", ""))
        rows.append((f"  TAP: {t['queries']} queries, then {t['points']:,} points built",
                     f"{t['fetch_s']:.1f} + {t['build_s']:.1f} s", f"{r['requests']:,} requests",
                     "", "", ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="20,000 rows and 500 objects (about a minute)")
    parser.add_argument("--rows", type=int, default=None, help="rows of the query (100000)")
    parser.add_argument("--objects", type=int, default=None,
                        help="objects of the light-curve comparison (5000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query side (3)")
    parser.add_argument("--only", default="query,lightcurves",
                        help="which measurements: query, lightcurves, or rest (REST alone)")
    parser.add_argument("--rest-latency", type=float, default=0.0,
                        help="seconds the REST server adds to every request (0)")
    parser.add_argument("--data-dir", default=None,
                        help="where the generated dataset is kept (default: the temp dir)")
    parser.add_argument("--json", default=None, help="also write every number to this file")
    args = parser.parse_args(argv)
    rows = args.rows or (20_000 if args.quick else 100_000)
    n_objects = args.objects or (500 if args.quick else 5_000)
    only = set(args.only.split(","))
    folder = Path(args.data_dir or tempfile.gettempdir()) / "alerce_astro_bench"
    print(f"machine: {machine()}", flush=True)
    t0 = time.perf_counter()
    # The benchmarks' dataset (run.py's), made once; light curves only, for DaCHS.
    data = light_curves_only(dataset(folder, 5_000), folder / "tap-sim-5000-2024")
    print(f"dataset {data} ready after {time.perf_counter() - t0:.0f} s", flush=True)
    results = {"machine": machine()}
    oids = object_ids(data)[:n_objects]
    with tempfile.TemporaryDirectory(prefix="alerce-tap-bench-") as cache:
        if only == {"rest"}:  # REST alone (no DaCHS), e.g. with --rest-latency
            rest = bench_rest_lightcurves(data, oids, cache, args.rest_latency)
            print(f"REST bulk, {len(oids):,} objects, {args.rest_latency * 1e3:.0f} ms "
                  f"latency: {rest['seconds']:.1f} s ({rest['points']:,} points)")
            results["rest"] = rest
            only = set()
        if only:
            with service_held():
                url, load_s, loaded = load(data)
                print(f"DaCHS at {url}: "
                      f"{'loaded in' if loaded else 'already served, checked in'} "
                      f"{load_s:.0f} s", flush=True)
                results.update(url=url, load_s=load_s)
                if "query" in only:
                    results["query"] = bench_query(url, rows, args.repeat)
                    print(report({"query": results["query"]}), flush=True)
                if "lightcurves" in only:
                    tap = bench_tap_lightcurves(url, oids, cache)
        if "lightcurves" in only:
            rest = bench_rest_lightcurves(data, oids, cache, args.rest_latency)
            results["lightcurves"] = {"objects": len(oids), "tap": tap, "rest": rest,
                                      "speedup": rest["seconds"] / tap["seconds"]}
    print()
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
