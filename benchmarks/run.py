#!/usr/bin/env python
"""
Benchmarks of alerce_astro against the official ALeRCE client, side by side.

Run from the repository root (the official client comes from ``pip install alerce``, or
``pip install -e .[bench]``)::

    python benchmarks/run.py            # the full run, a few minutes
    python benchmarks/run.py --quick    # a small version, ~20 s

Every measurement talks to the package's offline server (`alerce_astro.offline.SampleServer`)
run in a separate process, with 50 ms of latency added to every request where a network
matters. It prints a table of medians and ratios; ``--json FILE`` also writes every number.

1. bulk: 200 light curves with ``get_lightcurves`` vs a loop of the official
   ``query_lightcurve`` (same server, the official client pointed at it with its
   ``ALERCE_CONFIG_PATH`` file). Goals: >= 8x faster; within 1.25x of the floor
   requests x latency / workers.
2. parse: one 1,000-detection light curve, JSON body to `AlerceLightCurve` vs the official
   client's JSON to pandas. Goal: no slower.
3. import: ``python -c "import alerce_astro"`` vs ``python -c "import alerce"``. Goal: at most
   half the time.
4. cache: a repeated ``get_stamps`` served from the cache. Goal: under 5 ms, no request.
5. scaling: ``get_lightcurves`` over 100, 1,000 and 5,000 objects without latency: time and
   peak memory (each in a fresh process), which should grow linearly; and the peak memory of
   stacking 1,000 light curves of 500 points.
6. lsst: 1,000 LSST light curves with complete forced photometry (``Alerce(survey="lsst")
   .get_lightcurves``: several-oid batches) vs a loop of the official
   ``query_lightcurve(oid, survey="lsst")`` on the same multisurvey server, 50 ms latency.
   Goal: >= 30x faster; the official loop's truncation (its single-oid path keeps 10 forced
   rows per object) is reported beside it.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from _data import dataset, lightcurve_body, object_ids  # noqa: E402
from _lsst import (  # noqa: E402
    lsst_dataset,
    lsst_forced_counts,
    lsst_object_ids,
    official_lsst_client,  # noqa: E402
)
from _official import official_available, official_client  # noqa: E402
from _server import ServerProcess  # noqa: E402

LATENCY = 0.05


def machine():
    """The machine the numbers come from."""
    try:
        import psutil

        memory = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except ImportError:
        try:
            pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            memory = f"{pages / 2**30:.0f} GiB"
        except (ValueError, OSError, AttributeError):
            memory = "?"
    try:
        load = f", load average {os.getloadavg()[0]:.1f} at start"
    except (OSError, AttributeError):
        load = ""
    return (f"{os.cpu_count()} cores, {memory}, Python {platform.python_version()} "
            f"({platform.system()} {platform.machine()}){load}")


def median_time(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# --------------------------------------------------------------------------------------------
def bench_bulk(data, oids, workdir, *, repeat, official_repeat):
    """get_lightcurves vs a loop of the official query_lightcurve, 50 ms latency."""
    from alerce_astro import AlerceClass, conf

    with ServerProcess(data, latency=LATENCY) as server:
        ours = AlerceClass(urls=server.urls)
        quiet(ours.get_lightcurves, oids[:4], progress=False, cache=False)  # warm up
        runs = []

        def run_ours():
            runs.append(quiet(ours.get_lightcurves, oids, progress=False, cache=False))

        t_ours, all_ours = median_time(run_ours, repeat)
        result = runs[-1]
        if result.failed:
            raise RuntimeError(f"get_lightcurves lost objects: {result.failed}")
        # The engine alone: the same requests through run_many, JSON decoded but no light
        # curve built; it shows how close the concurrency gets to the floor when the
        # client's CPU is not the limit.
        from alerce_astro.bulk import run_many
        from alerce_astro.transport import parse_json

        def fetch(oid):
            return ours._get(ours._route("lightcurve", oid=oid), cache=False,
                             parse=lambda a: parse_json(a, expect=(dict, type(None))))

        raw = []
        t_raw, _ = median_time(lambda: raw.append(run_many(
            fetch, oids, max_workers=ours._bulk_workers(None), progress=False,
            transport=ours._transport)), repeat)
        row = {"n": len(oids), "ours_s": t_ours, "ours_runs_s": all_ours, "engine_s": t_raw,
               "workers": result.meta["max_workers"], "requests": result.meta["requests"],
               "latency_s": LATENCY, "conf_max_workers": int(conf.max_workers)}
        row["floor_s"] = row["requests"] * LATENCY / row["workers"]
        if official_available():
            theirs = official_client(server.urls["ztf_v1"], workdir)
            theirs.query_lightcurve(oids[0], survey="ztf")  # warm up

            def run_theirs():
                for oid in oids:
                    theirs.query_lightcurve(oid, survey="ztf")

            t_theirs, all_theirs = median_time(run_theirs, official_repeat)
            row.update(official_s=t_theirs, official_runs_s=all_theirs)
    return row


def bench_lsst_bulk(data, oids, workdir, *, repeat, official_repeat):
    """LSST: get_lightcurves (several-oid batches, complete forced photometry) vs a loop of
    the official query_lightcurve(survey="lsst"), 50 ms latency."""
    from alerce_astro import AlerceClass

    expected = lsst_forced_counts(data)
    with ServerProcess(data, latency=LATENCY) as server:
        ours = AlerceClass(survey="lsst", urls=server.urls)
        quiet(ours.get_lightcurves, oids[:4], forced_photometry=True, progress=False,
              cache=False)  # warm up
        runs = []

        def run_ours():
            runs.append(quiet(ours.get_lightcurves, oids, forced_photometry=True,
                              progress=False, cache=False))

        t_ours, all_ours = median_time(run_ours, repeat)
        result = runs[-1]
        if result.failed:
            raise RuntimeError(f"get_lightcurves lost LSST objects: {list(result.failed)[:5]}")
        forced = sum(int((lc["kind"] == "forced").sum()) for lc in result.values())
        if forced != sum(expected[o] for o in oids):
            raise RuntimeError(f"forced photometry incomplete: {forced} rows of "
                               f"{sum(expected[o] for o in oids)}")
        # The wire alone: the same batches, JSON decoded, no light curve built (what the
        # offline server and the latency cost, whatever the client does with the rows).
        from alerce_astro.bulk import run_many
        from alerce_astro.transport import parse_json

        size = result.meta["batch_size"]
        batches = {i: oids[i:i + size] for i in range(0, len(oids), size)}

        def fetch(start):
            batch = batches[start] * (2 if len(batches[start]) == 1 else 1)  # several-oid path
            return ours._get(ours._route("lightcurve", oid=batch), cache=False,
                             parse=lambda a: parse_json(a, expect=dict))

        t_wire, _ = median_time(lambda: run_many(
            fetch, list(batches), max_workers=result.meta.get("max_workers") or 4,
            progress=False,
            transport=ours._transport), repeat)
        row = {"n": len(oids), "ours_s": t_ours, "ours_runs_s": all_ours, "wire_s": t_wire,
               "requests": result.meta.get("requests"), "batch_size": result.meta["batch_size"],
               "workers": result.meta.get("max_workers"), "latency_s": LATENCY,
               "forced_rows": forced, "forced_rows_expected": sum(expected[o] for o in oids)}
        if official_available():
            theirs = official_lsst_client(server.urls["multisurvey"], workdir)
            theirs.query_lightcurve(oids[0], survey="lsst")  # warm up
            kept = []

            def run_theirs():
                kept.clear()
                for oid in oids:
                    answer = theirs.query_lightcurve(oid, survey="lsst")
                    kept.append(len(answer.get("forced_photometry") or []))

            t_theirs, all_theirs = median_time(run_theirs, official_repeat)
            cut = sum(1 for o, k in zip(oids, kept, strict=True) if k < expected[o])
            row.update(official_s=t_theirs, official_runs_s=all_theirs,
                       official_forced_rows=sum(kept), official_max_forced=max(kept),
                       official_truncated_objects=cut)
    return row


def bench_parse(body, *, repeat):
    """JSON body of a 1,000-detection light curve to AlerceLightCurve vs to pandas."""
    from alerce_astro.apis.ztf_v1.parse import parse_lightcurve
    from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
    from alerce_astro.transport import Answer

    def ours():
        # exactly what get_lightcurve does with the body of its request
        data = parse_lightcurve(Answer("bench", 200, {}, body))
        return lightcurve_from_json(data, oid="ZTF20aaaaaaa", meta={"service": "ALeRCE"})

    lc = ours()
    row = {"points": len(lc), "detections": int((lc["kind"] == "detection").sum())}
    row["ours_s"], _ = median_time(ours, repeat)
    if official_available():
        from alerce.utils import ResultJson

        def theirs():
            # the official client's own path: requests' .json(), then ResultJson to pandas
            # (what its query_detections/query_non_detections(format="pandas") do)
            data = json.loads(body.decode("utf-8"))
            return (ResultJson(data["detections"], format="pandas").result(),
                    ResultJson(data["non_detections"], format="pandas").result())

        theirs()
        row["official_s"], _ = median_time(theirs, repeat)
    return row


def bench_import(*, repeat):
    """Wall time of a fresh interpreter importing each package (interleaved runs)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def run(code):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return time.perf_counter() - start

    ours, theirs, bare = [], [], []
    for _ in range(repeat):
        bare.append(run("pass"))
        ours.append(run("import alerce_astro"))
        if official_available():
            theirs.append(run("import alerce"))
    row = {"ours_s": statistics.median(ours), "python_s": statistics.median(bare)}
    if theirs:
        row["official_s"] = statistics.median(theirs)
    return row


def bench_cache(workdir, *, repeat):
    """A repeated get_stamps answered from the cache: time, and requests sent."""
    from alerce_astro import AlerceClass
    from alerce_astro.offline import SampleServer

    path = dataset(workdir, 3, stamps=True)
    with SampleServer(data=path) as server:
        client = AlerceClass(urls=server.urls, cache_location=Path(workdir) / "cache-stamps")
        client.clear_cache()
        oid = next(o for o in object_ids(path) if list((path / "stamps").glob(f"{o}_*")))
        first_start = time.perf_counter()
        stamps = quiet(client.get_stamps, oid, cache=True)
        first = time.perf_counter() - first_start
        candid = stamps.science.meta["candid"]
        quiet(client.get_stamps, oid, candid=candid, cache=True)
        served = len(server.requests)
        sent = client._transport.requests_sent
        again, _ = median_time(lambda: quiet(client.get_stamps, oid, cache=True), repeat)
        by_candid, _ = median_time(lambda: quiet(client.get_stamps, oid, candid=candid,
                                                 cache=True), repeat)
        return {"first_s": first, "cached_s": again, "cached_candid_s": by_candid,
                "requests_after_first": len(server.requests) - served,
                "sent_after_first": client._transport.requests_sent - sent}


def _worker(name, **arguments):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]))
    done = subprocess.run([sys.executable, str(HERE / "_workers.py"), name],
                          input=json.dumps(arguments), capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode:
        raise RuntimeError(f"{name} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_scaling(data, oids, sizes):
    """get_lightcurves over growing numbers of objects, no latency, fresh process each."""
    rows = []
    with ServerProcess(data, latency=0.0) as server:
        for n in sizes:
            # small sizes are quick: take the median of three, they are the reference
            runs = [_worker("scaling", urls=server.urls, oids=oids[:n])
                    for _ in range(3 if n <= 100 else 1)]
            rows.append(sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2])
    return rows


def bench_stack(body, n_objects):
    return _worker("stack", body=body.decode(), n_objects=n_objects)


# --------------------------------------------------------------------------------------------
def add_lsst_rows(b, add):
    """The LSST bulk rows of the report (and the official loop's truncation beside them)."""
    if not b:
        return
    if "official_s" in b:
        speed = b["official_s"] / b["ours_s"]
        add(f"lsst bulk: {b['n']:,} light curves + forced, {b['latency_s'] * 1e3:.0f} ms",
            f"{b['ours_s']:.2f} s", f"{b['official_s']:.2f} s", f"{speed:.1f}x faster",
            ">= 30x", speed >= 30)
        add("  forced rows: ours complete / official loop", f"{b['forced_rows']:,}",
            f"{b['official_forced_rows']:,} (max {b['official_max_forced']}/obj)",
            f"{b['official_truncated_objects']:,} objects cut", "complete",
            b["forced_rows"] == b["forced_rows_expected"])
    else:
        add(f"lsst bulk: {b['n']:,} light curves + forced", f"{b['ours_s']:.2f} s", "-", "-",
            ">= 30x", None)
    add(f"  wire only ({b['requests']} requests of {b['batch_size']} oids, {b['workers']} "
        f"workers; JSON, no light curve)", f"{b['wire_s']:.2f} s", "", "", "(context)", None)


def table(results):
    """The report: one line per measurement, medians and ratios, and whether goals are met."""
    lines = []

    def add(name, ours, theirs, ratio, goal, ok):
        mark = "" if ok is None else ("yes" if ok else "NO")
        lines.append((name, ours, theirs, ratio, goal, mark))

    b = results.get("bulk")
    if b:
        if "official_s" in b:
            speed = b["official_s"] / b["ours_s"]
            add(f"bulk: {b['n']} light curves, {b['latency_s'] * 1e3:.0f} ms latency",
                f"{b['ours_s']:.2f} s", f"{b['official_s']:.2f} s", f"{speed:.1f}x faster",
                ">= 8x", speed >= 8)
        over = b["ours_s"] / b["floor_s"]
        add(f"bulk vs floor ({b['requests']} req x {b['latency_s'] * 1e3:.0f} ms / "
            f"{b['workers']} workers)", f"{b['ours_s']:.2f} s", f"floor {b['floor_s']:.2f} s",
            f"{over:.2f}x floor", "<= 1.25x", over <= 1.25)
        over = b["engine_s"] / b["floor_s"]
        add("  engine only (JSON, no light curve built)", f"{b['engine_s']:.2f} s",
            f"floor {b['floor_s']:.2f} s", f"{over:.2f}x floor", "(context)", None)
    add_lsst_rows(results.get("lsst"), add)
    p = results.get("parse")
    if p:
        theirs = p.get("official_s")
        ratio = p["ours_s"] / theirs if theirs else None
        add(f"parse: {p['detections']:,}-detection light curve", f"{p['ours_s'] * 1e3:.1f} ms",
            f"{theirs * 1e3:.1f} ms" if theirs else "-",
            f"{ratio:.2f}x the time" if ratio else "-", "<= 1x",
            ratio <= 1 if ratio else None)
    i = results.get("import")
    if i:
        theirs = i.get("official_s")
        ratio = i["ours_s"] / theirs if theirs else None
        add(f"import (bare python: {i['python_s']:.2f} s)", f"{i['ours_s']:.2f} s",
            f"{theirs:.2f} s" if theirs else "-", f"{ratio:.2f}x the time" if ratio else "-",
            "<= 0.5x", ratio <= 0.5 if ratio else None)
    c = results.get("cache")
    if c:
        ok = c["cached_s"] < 0.005 and c["requests_after_first"] == 0
        add("cache: repeated get_stamps(oid)", f"{c['cached_s'] * 1e3:.2f} ms",
            f"first {c['first_s'] * 1e3:.0f} ms", f"{c['requests_after_first']} requests",
            "< 5 ms, 0 req", ok)
        ok = c["cached_candid_s"] < 0.005 and c["requests_after_first"] == 0
        add("cache: repeated get_stamps(oid, candid=...)", f"{c['cached_candid_s'] * 1e3:.2f} ms",
            "", f"{c['requests_after_first']} requests", "< 5 ms, 0 req", ok)
    s = results.get("scaling")
    if s:
        previous = None
        for row in s:
            per = row["seconds"] / row["n"] * 1e3
            memory = row["growth_mib"] * 1024 / row["n"]
            ok = None
            if previous is not None:  # per object, no dearer than at the previous size
                ok = (per <= 1.3 * previous[0]) and (memory <= 1.3 * previous[1] + 8)
            add(f"scaling: {row['n']:,} light curves ({row['points']:,} points)",
                f"{row['seconds']:.2f} s", f"peak +{row['growth_mib']:.0f} MiB "
                f"({memory:.0f} KiB/obj)", f"{per:.1f} ms/object",
                "linear" if previous else "", ok)
            previous = (per, memory)
    k = results.get("stack")
    if k:
        add(f"stack: {k['n']:,} light curves x {k['points_each']} points",
            f"{k['seconds']:.2f} s", f"peak {k['peak_mib']:.0f} MiB",
            f"result {k['result_mib']:.0f} MiB", "peak ~ result",
            k["peak_mib"] <= 1.5 * k["result_mib"] + 16)
    header = ("benchmark", "alerce_astro", "official / ref", "ratio", "goal", "met")
    widths = [max(len(str(x[j])) for x in [header] + lines) for j in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    out = [rule, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), rule]
    out += ["  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)) for line in lines]
    out.append(rule)
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="a small version (fewer objects and repeats, ~20 s)")
    parser.add_argument("--only", default="bulk,parse,import,cache,scaling,stack,lsst",
                        help="comma-separated benchmarks to run")
    parser.add_argument("--data-dir", default=None,
                        help="where generated datasets are kept between runs (default: a "
                             "folder in the temporary directory)")
    parser.add_argument("--json", default=None, help="also write every number to this file")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    unknown = only - {"bulk", "parse", "import", "cache", "scaling", "stack", "lsst"}
    if unknown:
        parser.error(f"unknown benchmarks: {sorted(unknown)}")
    quick = args.quick
    data_dir = Path(args.data_dir or Path(tempfile.gettempdir()) / "alerce_astro_bench")
    data_dir.mkdir(parents=True, exist_ok=True)
    sizes = [20, 100] if quick else [100, 1000, 5000]
    n_bulk = 40 if quick else 200

    print(f"machine: {machine()}")
    print(f"official client: alerce {official_available() or 'not installed'}")
    start = time.perf_counter()
    big, oids = None, []
    if only - {"lsst"}:  # the ZTF benchmarks' dataset (the LSST one is made by its step)
        big = dataset(data_dir, max(sizes + [n_bulk]))
        oids = object_ids(big)
        print(f"dataset: {len(oids)} generated objects in {big} "
              f"(ready in {time.perf_counter() - start:.1f} s)", flush=True)
    results = {"machine": machine(), "official_version": official_available(),
               "quick": quick}
    with tempfile.TemporaryDirectory() as work:
        steps = [
            ("bulk", lambda: bench_bulk(big, oids[:n_bulk], work, repeat=2 if quick else 5,
                                        official_repeat=1 if quick else 3)),
            ("parse", lambda: bench_parse(lightcurve_body(big, 1000),
                                          repeat=5 if quick else 30)),
            ("import", lambda: bench_import(repeat=3 if quick else 7)),
            ("cache", lambda: bench_cache(work, repeat=10 if quick else 50)),
            ("scaling", lambda: bench_scaling(big, oids, sizes)),
            ("stack", lambda: bench_stack(lightcurve_body(big, 400, 100),
                                          100 if quick else 1000)),
            ("lsst", lambda: bench_lsst_bulk(
                lsst_dataset(data_dir, 100 if quick else 1000),
                lsst_object_ids(lsst_dataset(data_dir, 100 if quick else 1000)), work,
                repeat=2 if quick else 3, official_repeat=1)),
        ]
        for name, step in steps:
            if name not in only:
                continue
            begin = time.perf_counter()
            print(f"running {name} ...", end=" ", flush=True)
            results[name] = step()
            print(f"{time.perf_counter() - begin:.1f} s", flush=True)
    report = table(results)
    print()
    print(report)
    print(f"total {time.perf_counter() - start:.0f} s; times are medians; absolute times depend "
          f"on the machine, the ratios are the claim.")
    results["table"] = report
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return results


if __name__ == "__main__":
    main()
