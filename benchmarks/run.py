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

0. reference: a fixed pure-Python loop, timed, so that runs on different machines compare.
1. bulk: 200 light curves with ``get_lightcurves`` (and ``.stack()``: one table of all of
   them) vs a loop of the official ``query_lightcurve`` into pandas (same server, the
   official client pointed at it with its ``ALERCE_CONFIG_PATH`` file). Goals: >= 8x faster;
   within 1.5x of the floor requests x latency / workers.
2. cpu: the process CPU time of those two runs per light curve (request, decode, table).
   Goal: at most 0.5x the official client's.
3. parse: one 1,000-detection light curve, JSON body to `AlerceLightCurve` vs the official
   client's JSON to pandas. Goal: at most 0.25x the time.
4. import: ``python -c "import alerce_astro"`` vs ``python -c "import alerce"``. Goal: at most
   half the time.
5. cache: a repeated ``get_stamps`` served from the cache vs the same call answered by a
   local server. Goal: at most 0.2x the time, no request.
6. scaling: ``get_lightcurves`` over 100, 1,000 and 5,000 objects without latency: time and
   peak memory (each in a fresh process); per object, 5,000 within 1.2x of 1,000. And the
   peak memory of stacking 1,000 light curves of 500 points.
7. lsst: 1,000 LSST light curves with complete forced photometry (``Alerce(survey="lsst")
   .get_lightcurves(..., forced_photometry=True).stack()``: several-oid batches) vs a loop of
   the official ``query_lightcurve(oid, survey="lsst")`` on the same multisurvey server, 50 ms
   latency, answers memoized by the server after an untimed warm-up pass (see
   `bench_lsst_bulk`). Goal: >= 30x faster; the official loop's truncation (its single-oid
   path keeps 10 forced rows per object) is reported beside it.
8. simulate: the offline generator's 5,000-point light curve (RRL, SNIa, QSO), process CPU
   time, in units of the reference loop timed beside it. Goal: at most 40 reference loops
   (about 2 s of CPU where the loop takes 50 ms; it was a CPU budget in the test suite).

Each benchmark is a function ``bench_<name>`` (its measurement) and ``rows_<name>`` (its lines
of the table), listed in `BENCHMARKS`; a new one is a new pair and a new entry.
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
def reference_loop():
    """A fixed pure-Python loop (integer arithmetic, a dict and a list): its time says how
    fast the machine runs Python, so that figures of different machines can be compared."""
    total, seen = 0, {}
    for i in range(300_000):
        total += (i * i) % 7
        seen[i & 1023] = total
    return total + len(seen)


def bench_reference(*, repeat):
    """The machine's speed: median time of `reference_loop`."""
    seconds, runs = median_time(reference_loop, repeat)
    return {"seconds": seconds, "runs_s": runs}


def bench_simulate(workdir, *, repeat):
    """CPU time of generating a dataset of one 5,000-point light curve, per class, with the
    reference loop timed in the same run (the ratio is what compares across machines)."""
    from alerce_astro.offline.simulate import generate_dataset

    out = {"reference_s": median_time(reference_loop, 5)[0], "classes": {}}
    for cls in ("RRL", "SNIa", "QSO"):
        cpus = []
        for k in range(repeat):
            cpu = time.process_time()
            generate_dataset(Path(workdir) / f"simulate-{cls}-{k}", 1, classes=[cls],
                             n_points=5000)
            cpus.append(time.process_time() - cpu)
        out["classes"][cls] = statistics.median(cpus)
    return out


def _official_into_pandas(theirs, oid):
    """The official client's light curve as pandas: its ``query_lightcurve`` (JSON), then its
    own ``ResultJson(...).result()`` to pandas for detections and non-detections."""
    from alerce.utils import ResultJson

    data = theirs.query_lightcurve(oid, survey="ztf") or {}
    return (ResultJson(data.get("detections") or [], format="pandas").result(),
            ResultJson(data.get("non_detections") or [], format="pandas").result())


def _timed(function, repeat):
    """Median wall time and median process CPU time (all threads) of ``function``."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), walls


def bench_bulk(data, oids, workdir, *, repeat, official_repeat):
    """get_lightcurves(...).stack() vs a loop of the official query_lightcurve into pandas,
    50 ms latency, the server in its own process: wall time and the client's CPU time."""
    from alerce_astro import AlerceClass, conf

    with ServerProcess(data, latency=LATENCY) as server:
        ours = AlerceClass(urls=server.urls)
        quiet(ours.get_lightcurves, oids[:4], progress=False, cache=False).stack()  # warm up
        runs = []

        def run_ours():
            result = quiet(ours.get_lightcurves, oids, progress=False, cache=False)
            runs.append((result, result.stack()))

        t_ours, cpu_ours, all_ours = _timed(run_ours, repeat)
        result, stacked = runs[-1]
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

        t_raw, cpu_raw, _ = _timed(lambda: run_many(  # one call per slot, as get_lightcurves
            fetch, oids, max_workers=ours._bulk_workers(None),
            max_requests=ours._bulk_workers(None), progress=False,
            transport=ours._transport), repeat)
        # Building every light curve of the result as well (what iterating over it costs).
        t_all, cpu_all, _ = _timed(lambda: [len(lc) for lc in quiet(
            ours.get_lightcurves, oids, progress=False, cache=False).values()], repeat)
        row = {"n": len(oids), "ours_s": t_ours, "ours_runs_s": all_ours, "engine_s": t_raw,
               "ours_cpu_s": cpu_ours, "engine_cpu_s": cpu_raw, "every_lc_s": t_all,
               "every_lc_cpu_s": cpu_all, "points": len(stacked),
               "workers": result.meta["max_workers"], "requests": result.meta["requests"],
               "latency_s": LATENCY, "conf_max_workers": int(conf.max_workers)}
        row["floor_s"] = row["requests"] * LATENCY / row["workers"]
        if official_available():
            theirs = official_client(server.urls["ztf_v1"], workdir)
            _official_into_pandas(theirs, oids[0])  # warm up

            def run_theirs():
                for oid in oids:
                    _official_into_pandas(theirs, oid)

            t_theirs, cpu_theirs, all_theirs = _timed(run_theirs, official_repeat)
            row.update(official_s=t_theirs, official_runs_s=all_theirs,
                       official_cpu_s=cpu_theirs)
    return row


def bench_lsst_bulk(data, oids, workdir, *, repeat, official_repeat):
    """
    LSST: ``get_lightcurves(oids, forced_photometry=True).stack()`` (several-oid batches,
    complete forced photometry, one table) vs a loop of the official
    ``query_lightcurve(oid, survey="lsst")``, 50 ms latency.

    The server runs in its own process with ``memoize=True``: each answer is computed once,
    in an untimed warm-up pass over exactly the requests timed (ours: the same batches; the
    official loop: every object once, 8 at a time), then served from memory with the 50 ms
    latency. The offline server builds an LSST light curve's ~186 KB of JSON in ~20 ms of one
    Python process, which the real (PostgreSQL-backed, many-pod) service does not cost its
    clients; without memoizing, both sides would mostly measure the offline server.
    """
    from concurrent.futures import ThreadPoolExecutor

    from alerce_astro import AlerceClass

    expected = lsst_forced_counts(data)
    with ServerProcess(data, latency=LATENCY, memoize=True) as server:
        ours = AlerceClass(survey="lsst", urls=server.urls)
        # warm-up: the server memoizes every batch answer, our code paths are loaded
        quiet(ours.get_lightcurves, oids, forced_photometry=True, progress=False,
              cache=False).stack()
        runs = []

        def run_ours():
            result = quiet(ours.get_lightcurves, oids, forced_photometry=True,
                           progress=False, cache=False)
            runs.append((result, result.stack()))

        t_ours, cpu_ours, all_ours = _timed(run_ours, repeat)
        result, stacked = runs[-1]
        if result.failed:
            raise RuntimeError(f"get_lightcurves lost LSST objects: {list(result.failed)[:5]}")
        forced = int((stacked["kind"] == "forced").sum())
        if forced != sum(expected[o] for o in oids):
            raise RuntimeError(f"forced photometry incomplete: {forced} rows of "
                               f"{sum(expected[o] for o in oids)}")
        # Building every light curve of the result as well (what iterating over it costs).
        t_all, cpu_all, _ = _timed(lambda: [len(lc) for lc in quiet(
            ours.get_lightcurves, oids, forced_photometry=True, progress=False,
            cache=False).values()], repeat)
        # The wire alone: the same batches, JSON decoded, no light curve built (what the
        # server and the latency cost, whatever the client does with the rows).
        from alerce_astro.bulk import run_many
        from alerce_astro.transport import parse_json

        size = result.meta["batch_size"]
        batches = {i: oids[i:i + size] for i in range(0, len(oids), size)}

        def fetch(start):
            batch = batches[start] * (2 if len(batches[start]) == 1 else 1)  # several-oid path
            return ours._get(ours._route("lightcurve", oid=batch), cache=False,
                             parse=lambda a: parse_json(a, expect=dict))

        t_wire, cpu_wire, _ = _timed(lambda: run_many(
            fetch, list(batches), max_workers=result.meta.get("max_workers") or 4,
            progress=False, transport=ours._transport), repeat)
        row = {"n": len(oids), "ours_s": t_ours, "ours_runs_s": all_ours, "wire_s": t_wire,
               "ours_cpu_s": cpu_ours, "wire_cpu_s": cpu_wire, "every_lc_s": t_all,
               "every_lc_cpu_s": cpu_all, "points": len(stacked),
               "requests": result.meta.get("requests"), "batch_size": result.meta["batch_size"],
               "workers": result.meta.get("max_workers"), "latency_s": LATENCY,
               "server": "own process, answers memoized after an untimed warm-up pass",
               "forced_rows": forced, "forced_rows_expected": sum(expected[o] for o in oids)}
        if official_available():
            theirs = official_lsst_client(server.urls["multisurvey"], workdir)
            # warm-up: the server memoizes every answer of the official loop
            clients = [official_lsst_client(server.urls["multisurvey"], workdir)
                       for _ in range(8)]  # one each: made one after the other

            def warm(i):
                for oid in oids[i::len(clients)]:
                    clients[i].query_lightcurve(oid, survey="lsst")

            with ThreadPoolExecutor(len(clients)) as pool:
                list(pool.map(warm, range(len(clients))))
            kept = []

            def run_theirs():
                kept.clear()
                for oid in oids:
                    answer = theirs.query_lightcurve(oid, survey="lsst")
                    kept.append(len(answer.get("forced_photometry") or []))

            t_theirs, cpu_theirs, all_theirs = _timed(run_theirs, official_repeat)
            cut = sum(1 for o, k in zip(oids, kept, strict=True) if k < expected[o])
            row.update(official_s=t_theirs, official_runs_s=all_theirs,
                       official_cpu_s=cpu_theirs, official_forced_rows=sum(kept),
                       official_max_forced=max(kept), official_truncated_objects=cut)
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
    # Where the time goes: the JSON decoding alone (the fastest decoder this package uses),
    # and everything after it (rows to an AlerceLightCurve).
    from alerce_astro._json import loads

    decoded = parse_lightcurve(Answer("bench", 200, {}, body))
    row["decode_s"], _ = median_time(lambda: loads(body), repeat)
    row["build_s"], _ = median_time(
        lambda: lightcurve_from_json(decoded, oid="ZTF20aaaaaaa", meta={"service": "ALeRCE"}),
        repeat)
    if official_available():
        from alerce.utils import ResultJson

        def theirs():
            # the official client's own path: requests' .json(), then ResultJson to pandas
            # (what its query_detections/query_non_detections(format="pandas") do)
            data = json.loads(body.decode("utf-8"))
            return (ResultJson(data["detections"], format="pandas").result(),
                    ResultJson(data["non_detections"], format="pandas").result())

        theirs()
        # interleaved, so that both see the same load of a shared machine
        mine, other = [], []
        for _ in range(repeat):
            mine.append(median_time(ours, 1)[0])
            other.append(median_time(theirs, 1)[0])
        row["ours_s"], row["official_s"] = statistics.median(mine), statistics.median(other)
        row["ratio"] = statistics.median(a / b for a, b in zip(mine, other, strict=True))
    else:
        row["ours_s"], _ = median_time(ours, repeat)
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
    """A repeated get_stamps answered from the cache, against the same call answered by a
    local server (no latency, cache off): time, and requests sent."""
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
        row = {"first_s": first, "cached_s": again, "cached_candid_s": by_candid,
               "requests_after_first": len(server.requests) - served,
               "sent_after_first": client._transport.requests_sent - sent}
        server_s, _ = median_time(lambda: quiet(client.get_stamps, oid, cache=False),
                                  max(3, repeat // 5))
        row["server_s"] = server_s
        return row


def _worker(name, **arguments):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]))
    done = subprocess.run([sys.executable, str(HERE / "_workers.py"), name],
                          input=json.dumps(arguments), capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode:
        raise RuntimeError(f"{name} worker failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_scaling(data, oids, sizes, *, repeat=3):
    """get_lightcurves(...).stack() over growing numbers of objects, no latency, a fresh
    process each; the sizes in turn, ``repeat`` rounds (so that a change of the machine's
    load falls on every size alike), the median run of each size."""
    runs = {n: [] for n in sizes}
    with ServerProcess(data, latency=0.0) as server:
        for _ in range(repeat):
            for n in sizes:
                runs[n].append(_worker("scaling", urls=server.urls, oids=oids[:n]))
        # The largest once more with the stack sharing the result's arrays (copy=False):
        # the memory of a result and its stack held once.
        shared = _worker("scaling", urls=server.urls, oids=oids[:sizes[-1]], copy=False)
    rows = [sorted(runs[n], key=lambda r: r["seconds"])[len(runs[n]) // 2] for n in sizes]
    rows[-1]["shared"] = shared
    return rows


def bench_stack(body, n_objects):
    return _worker("stack", body=body.decode(), n_objects=n_objects)


# --------------------------------------------------------------------------------------------
# The table: one function per benchmark, each giving its lines
# (name, alerce_astro, official / ref, ratio, goal, met).
def _line(name, ours, theirs, ratio, goal, ok):
    return (name, ours, theirs, ratio, goal, "" if ok is None else ("yes" if ok else "NO"))


def rows_reference(r):
    return [_line("machine: reference pure-Python loop", f"{r['seconds'] * 1e3:.0f} ms", "",
                  "", "(context)", None)]


def rows_bulk(b):
    lines = []
    if "official_s" in b:
        speed = b["official_s"] / b["ours_s"]
        lines.append(_line(f"bulk: {b['n']} light curves, {b['latency_s'] * 1e3:.0f} ms "
                           f"latency", f"{b['ours_s']:.2f} s", f"{b['official_s']:.2f} s",
                           f"{speed:.1f}x faster", ">= 8x", speed >= 8))
    over = b["ours_s"] / b["floor_s"]
    lines.append(_line(f"bulk vs floor ({b['requests']} req x {b['latency_s'] * 1e3:.0f} ms / "
                       f"{b['workers']} workers)", f"{b['ours_s']:.2f} s",
                       f"floor {b['floor_s']:.2f} s", f"{over:.2f}x floor", "<= 1.5x",
                       over <= 1.5))
    over = b["engine_s"] / b["floor_s"]
    lines.append(_line("  engine only (JSON, no light curve built)", f"{b['engine_s']:.2f} s",
                       f"floor {b['floor_s']:.2f} s", f"{over:.2f}x floor", "(context)", None))
    if "every_lc_s" in b:
        over = b["every_lc_s"] / b["floor_s"]
        lines.append(_line("  every light curve built (iterating)", f"{b['every_lc_s']:.2f} s",
                           f"floor {b['floor_s']:.2f} s", f"{over:.2f}x floor", "(context)",
                           None))
    return lines


def rows_cpu(b):
    if "ours_cpu_s" not in b:
        return []
    n = b["n"]
    ours = b["ours_cpu_s"] / n
    lines = []
    if "official_cpu_s" in b:
        theirs = b["official_cpu_s"] / n
        lines.append(_line(f"cpu per light curve ({b['points'] / n:.0f} points; request, "
                           f"decode, table)", f"{ours * 1e3:.2f} ms", f"{theirs * 1e3:.2f} ms",
                           f"{ours / theirs:.2f}x the CPU", "<= 0.5x", ours / theirs <= 0.5))
    lines.append(_line("  engine only (request and JSON)", f"{b['engine_cpu_s'] / n * 1e3:.2f} ms",
                       "", "", "(context)", None))
    if "every_lc_cpu_s" in b:
        lines.append(_line("  every light curve built (iterating)",
                           f"{b['every_lc_cpu_s'] / n * 1e3:.2f} ms", "", "", "(context)",
                           None))
    return lines


def rows_parse(p):
    theirs = p.get("official_s")
    ratio = p.get("ratio")
    lines = [_line(f"parse: {p['detections']:,}-detection light curve",
                   f"{p['ours_s'] * 1e3:.1f} ms", f"{theirs * 1e3:.1f} ms" if theirs else "-",
                   f"{ratio:.2f}x the time" if ratio else "-", "<= 0.25x",
                   ratio <= 0.25 if ratio else None)]
    for name, key in (("  JSON decoding alone (orjson)", "decode_s"),
                      ("  rows to the light curve alone", "build_s")):
        if key in p:
            share = f"{p[key] / theirs:.2f}x their total" if theirs else ""
            lines.append(_line(name, f"{p[key] * 1e3:.1f} ms", "", share, "(context)", None))
    return lines


def rows_import(i):
    theirs = i.get("official_s")
    ratio = i["ours_s"] / theirs if theirs else None
    return [_line(f"import (bare python: {i['python_s']:.2f} s)", f"{i['ours_s']:.2f} s",
                  f"{theirs:.2f} s" if theirs else "-", f"{ratio:.2f}x the time" if ratio else "-",
                  "<= 0.5x", ratio <= 0.5 if ratio else None)]


def rows_cache(c):
    lines = []
    for name, key in (("cache: repeated get_stamps(oid)", "cached_s"),
                      ("cache: repeated get_stamps(oid, candid=...)", "cached_candid_s")):
        ratio = c[key] / c["server_s"] if "server_s" in c else None
        ok = c["requests_after_first"] == 0 and (ratio is None or ratio <= 0.2)
        lines.append(_line(name, f"{c[key] * 1e3:.2f} ms",
                           f"server {c['server_s'] * 1e3:.1f} ms" if ratio else "",
                           (f"{ratio:.2f}x, " if ratio else "")
                           + f"{c['requests_after_first']} requests", "<= 0.2x, 0 req", ok))
    return lines


def rows_scaling(s):
    lines = []
    previous = None
    for row in s:
        per = row["seconds"] / row["n"] * 1e3
        memory = row["growth_mib"] * 1024 / row["n"]
        ok = goal = None
        if previous is not None:  # per object, no dearer than at the previous size
            ok = per <= 1.2 * previous[0] and memory <= 1.3 * previous[1] + 8
            goal = "<= 1.2x per obj"
        lines.append(_line(f"scaling: {row['n']:,} light curves ({row['points']:,} points)",
                           f"{row['seconds']:.2f} s", f"peak +{row['growth_mib']:.0f} MiB "
                           f"({memory:.0f} KiB/obj)", f"{per:.2f} ms/object"
                           + (f" ({per / previous[0]:.2f}x)" if previous else ""),
                           goal or "", ok))
        if "result_mib" in row:
            ratio = row.get("growth_per_result")
            lines.append(_line("  result held (stacked table)", "",
                               f"{row['result_mib']:.0f} MiB",
                               f"peak growth {ratio:.2f}x result" if ratio else "",
                               "(context)", None))
        if "get_growth_mib" in row and "result_mib" in row:
            # the batches held before any stack: what the download itself costs in memory
            lines.append(_line("  download alone (batches held, before the stack)",
                               f"{row['seconds'] - row['stack_seconds']:.2f} s",
                               f"peak +{row['get_growth_mib']:.0f} MiB",
                               f"{row['get_growth_mib'] / row['result_mib']:.2f}x result",
                               "(context)", None))
        if "shared" in row:
            shared = row["shared"]
            lines.append(_line("  the same with stack(copy=False)", f"{shared['seconds']:.2f} s",
                               f"peak +{shared['growth_mib']:.0f} MiB",
                               f"peak growth {shared['growth_per_result']:.2f}x result",
                               "(context)", None))
        previous = (per, memory)
    return lines


def rows_stack(k):
    return [_line(f"stack: {k['n']:,} light curves x {k['points_each']} points",
                  f"{k['seconds']:.2f} s", f"peak {k['peak_mib']:.0f} MiB",
                  f"result {k['result_mib']:.0f} MiB", "peak ~ result",
                  k["peak_mib"] <= 1.5 * k["result_mib"] + 16)]


def rows_lsst(b):
    """The LSST bulk rows (and the official loop's truncation beside them)."""
    lines = []
    name = (f"lsst bulk: {b['n']:,} light curves + forced, .stack(), "
            f"{b['latency_s'] * 1e3:.0f} ms")
    if "official_s" in b:
        speed = b["official_s"] / b["ours_s"]
        lines.append(_line(name, f"{b['ours_s']:.2f} s", f"{b['official_s']:.2f} s",
                           f"{speed:.1f}x faster", ">= 30x", speed >= 30))
        lines.append(_line("  forced rows: ours complete / official loop",
                           f"{b['forced_rows']:,}",
                           f"{b['official_forced_rows']:,} (max {b['official_max_forced']}/obj)",
                           f"{b['official_truncated_objects']:,} objects cut", "complete",
                           b["forced_rows"] == b["forced_rows_expected"]))
        ours, theirs = b["ours_cpu_s"] / b["n"], b["official_cpu_s"] / b["n"]
        lines.append(_line("  client cpu per light curve", f"{ours * 1e3:.2f} ms",
                           f"{theirs * 1e3:.2f} ms", f"{ours / theirs:.2f}x the CPU",
                           "(context)", None))
    else:
        lines.append(_line(name, f"{b['ours_s']:.2f} s", "-", "-", ">= 30x", None))
    lines.append(_line("  every light curve built (iterating)", f"{b['every_lc_s']:.2f} s",
                       "", "", "(context)", None))
    lines.append(_line(f"  wire only ({b['requests']} requests of {b['batch_size']} oids, "
                       f"{b['workers']} workers; JSON, no light curve)", f"{b['wire_s']:.2f} s",
                       "", "", "(context)", None))
    lines.append(_line("  server: own process, answers memoized after a warm-up pass", "", "",
                       "", "(method)", None))
    return lines


def rows_simulate(m):
    lines = []
    for cls, cpu in m["classes"].items():
        ratio = cpu / m["reference_s"]
        lines.append(_line(f"simulate: a 5,000-point {cls} light curve (CPU)",
                           f"{cpu:.2f} s", f"ref {m['reference_s'] * 1e3:.0f} ms",
                           f"{ratio:.0f} ref loops", "<= 40 ref loops", ratio <= 40))
    return lines


#: name -> (what makes its lines of the table from its results); the order of the table.
ROWS = {"reference": rows_reference, "bulk": rows_bulk, "cpu": rows_cpu, "parse": rows_parse,
        "import": rows_import, "cache": rows_cache, "scaling": rows_scaling,
        "stack": rows_stack, "lsst": rows_lsst, "simulate": rows_simulate}
#: the "cpu" lines come from the "bulk" measurement (the same runs, side by side)
_SOURCE = {"cpu": "bulk"}


def table(results):
    """The report: one line per measurement, medians and ratios, and whether goals are met."""
    lines = []
    for name, rows in ROWS.items():
        found = results.get(_SOURCE.get(name, name))
        if found:
            lines += rows(found)
    header = ("benchmark", "alerce_astro", "official / ref", "ratio", "goal", "met")
    widths = [max(len(str(x[j])) for x in [header] + lines) for j in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    out = [rule, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), rule]
    out += ["  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)) for line in lines]
    out.append(rule)
    return "\n".join(out)


BENCHMARKS = ("reference", "bulk", "parse", "import", "cache", "scaling", "stack", "lsst",
              "simulate")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="a small version (fewer objects and repeats, ~20 s)")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help="comma-separated benchmarks to run (the reference loop always "
                             "runs)")
    parser.add_argument("--data-dir", default=None,
                        help="where generated datasets are kept between runs (default: a "
                             "folder in the temporary directory)")
    parser.add_argument("--json", default=None, help="also write every number to this file")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) | {"reference"}
    unknown = only - set(BENCHMARKS)
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
    if only - {"lsst", "reference", "simulate"}:  # the ZTF dataset (LSST: made by its step)
        big = dataset(data_dir, max(sizes + [n_bulk]))
        oids = object_ids(big)
        print(f"dataset: {len(oids)} generated objects in {big} "
              f"(ready in {time.perf_counter() - start:.1f} s)", flush=True)
    results = {"machine": machine(), "official_version": official_available(),
               "quick": quick}
    with tempfile.TemporaryDirectory() as work:
        steps = {
            "reference": lambda: bench_reference(repeat=5 if quick else 11),
            "bulk": lambda: bench_bulk(big, oids[:n_bulk], work, repeat=2 if quick else 5,
                                       official_repeat=1 if quick else 3),
            "parse": lambda: bench_parse(lightcurve_body(big, 1000),
                                         repeat=5 if quick else 30),
            "import": lambda: bench_import(repeat=3 if quick else 7),
            "cache": lambda: bench_cache(work, repeat=10 if quick else 50),
            "scaling": lambda: bench_scaling(big, oids, sizes, repeat=1 if quick else 3),
            "stack": lambda: bench_stack(lightcurve_body(big, 400, 100),
                                         100 if quick else 1000),
            "lsst": lambda: bench_lsst_bulk(
                lsst_dataset(data_dir, 100 if quick else 1000),
                lsst_object_ids(lsst_dataset(data_dir, 100 if quick else 1000)), work,
                repeat=2 if quick else 5, official_repeat=1),
            "simulate": lambda: bench_simulate(work, repeat=1 if quick else 3),
        }
        for name, step in steps.items():
            if name not in only:
                continue
            begin = time.perf_counter()
            print(f"running {name} ...", end=" ", flush=True)
            results[name] = step()
            print(f"{time.perf_counter() - begin:.1f} s", flush=True)
        if "reference" in results and len(only) > 2:  # again at the end: did the load change?
            results["reference_end"] = bench_reference(repeat=5 if quick else 11)
    report = table(results)
    print()
    print(report)
    if "reference_end" in results:
        print(f"reference loop at the end: {results['reference_end']['seconds'] * 1e3:.0f} ms")
    print(f"total {time.perf_counter() - start:.0f} s; times are medians; absolute times depend "
          f"on the machine, the ratios are the claim.")
    results["table"] = report
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))
    return results


if __name__ == "__main__":
    main()
