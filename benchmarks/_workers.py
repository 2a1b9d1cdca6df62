"""
Measurements that need a fresh interpreter (so that their peak memory is their own), run by
``run.py`` as ``python _workers.py <name> <json arguments>``; each prints one JSON line.
"""

import json
import resource
import sys
import time
import warnings


def _status_mib(field):
    """A memory figure of this process from /proc/self/status (Linux), MiB, or None."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return None


def _rss_mib():
    """Resident memory now, MiB."""
    value = _status_mib("VmRSS")
    return float("nan") if value is None else value


def _reset_peak():
    """Start the peak-memory count afresh (Linux >= 4.0), so that the peak is that of what
    follows; returns whether that was possible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mib():
    """Peak resident memory of this process image, MiB.

    ``VmHWM`` and not ``ru_maxrss``: Linux carries ru_maxrss across exec, so a child started
    from a big parent would report the parent's size.
    """
    value = _status_mib("VmHWM")
    if value is not None:
        return value
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def scaling(urls, oids, max_workers=None, copy=True):
    """Time and memory of one get_lightcurves call over ``oids`` and its stack (no
    latency), and the size of the stacked table."""
    from alerce_astro import AlerceClass

    client = AlerceClass(urls=urls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.get_lightcurves(oids[:2], progress=False, cache=False)  # imports, connections
        before = _rss_mib()
        _reset_peak()
        start = time.perf_counter()
        result = client.get_lightcurves(oids, progress=False, cache=False,
                                        max_workers=max_workers)
        fetched = time.perf_counter()
        get_peak = _peak_rss_mib()  # the download alone: the batches held, before the stack
        stacked = result.stack(copy=copy)  # every light curve in one table
        elapsed = time.perf_counter() - start
    points = len(stacked)
    peak = _peak_rss_mib()
    size = sum(_nbytes(stacked[name]) for name in stacked.colnames)
    # The goal: the peak close to the result's size (what the stacked table holds).
    return {"n": len(oids), "seconds": elapsed, "points": points, "failed": len(result.failed),
            "rss_before_mib": before, "peak_rss_mib": peak, "growth_mib": peak - before,
            "held_mib": _rss_mib() - before, "requests": result.meta["requests"],
            "result_mib": size / 2**20,
            "growth_per_result": (peak - before) / (size / 2**20) if size else None,
            "get_growth_mib": get_peak - before, "stack_seconds": elapsed - (fetched - start)}


def stack(body, n_objects):
    """Peak memory of stacking ``n_objects`` copies of the light curve in ``body``."""
    import tracemalloc

    from alerce_astro.apis.ztf_v1.parse import parse_lightcurve
    from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
    from alerce_astro.bulk import BulkResult
    from alerce_astro.transport import Answer

    data = parse_lightcurve(Answer("bench", 200, {}, body.encode()))
    lc = lightcurve_from_json(data, oid="ZTF20aaaaaaa")
    oids = [f"ZTF20{i:07d}" for i in range(n_objects)]
    lcs = {oid: lc.copy() for oid in oids}
    for oid, one in lcs.items():
        one.meta["oid"] = oid
    result = BulkResult(lcs, {}, oids, what="light curves")
    tracemalloc.start()
    start = time.perf_counter()
    stacked = result.stack()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(_nbytes(stacked[name]) for name in stacked.colnames)
    inputs = sum(_nbytes(one[name]) for one in lcs.values() for name in one.colnames)
    return {"n": n_objects, "points_each": len(lc), "rows": len(stacked),
            "columns": len(stacked.colnames), "seconds": elapsed,
            "result_mib": size / 2**20, "inputs_mib": inputs / 2**20,
            "peak_mib": peak / 2**20}


def _nbytes(column):
    if hasattr(column, "jd1"):
        return column.jd1.nbytes + column.jd2.nbytes
    total = getattr(column, "nbytes", 0)
    mask = getattr(column, "mask", None)
    if mask is not None and mask is not False and hasattr(mask, "nbytes"):
        total += mask.nbytes
    return total


if __name__ == "__main__":
    name, arguments = sys.argv[1], json.loads(sys.stdin.read())
    print(json.dumps({"scaling": scaling, "stack": stack}[name](**arguments)), flush=True)
