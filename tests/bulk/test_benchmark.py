"""A tiny run of benchmarks/run.py: it works end to end and its numbers are consistent.

The ratios themselves are not asserted: they depend on the machine and its load. What is
asserted holds anywhere: nothing is lost, bulk work cannot beat the latency floor, cached
stamps cost no request, stacking needs about the memory of its result.
"""

import importlib.util
import json
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    if not RUN.exists():
        pytest.skip("benchmarks/ is not in this checkout")
    spec = importlib.util.spec_from_file_location("alerce_astro_benchmarks_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tiny_benchmark_run(bench, tmp_path, capsys):
    out = tmp_path / "bench.json"
    results = bench.main(["--quick", "--only", "bulk,parse,cache,stack",
                          "--data-dir", str(tmp_path / "data"), "--json", str(out)])
    printed = capsys.readouterr().out
    assert "machine: " in printed
    assert "bulk vs floor (40 req x 50 ms" in printed
    # The side-by-side row needs the official client (the bench extra), not the test extra.
    assert ("bulk: 40 light curves, 50 ms latency" in printed) == (
        "official_s" in results["bulk"])
    assert json.loads(out.read_text())["table"] == results["table"]

    bulk = results["bulk"]
    assert bulk["n"] == 40 and bulk["requests"] == 40
    assert bulk["floor_s"] == pytest.approx(40 * 0.05 / bulk["workers"])
    # nobody beats the latency floor: the server really waited 50 ms per request
    assert bulk["ours_s"] >= bulk["floor_s"] and bulk["engine_s"] >= bulk["floor_s"]
    if "official_s" in bulk:  # one request at a time: at least 40 x 50 ms
        assert bulk["official_s"] >= 40 * 0.05

    assert results["parse"]["detections"] == 1000

    cache = results["cache"]
    assert cache["requests_after_first"] == 0 and cache["sent_after_first"] == 0
    assert cache["cached_s"] < cache["first_s"]

    stack = results["stack"]
    assert stack["rows"] == stack["n"] * stack["points_each"] == 100 * 500
    assert stack["peak_mib"] <= 1.5 * stack["result_mib"] + 16


def test_scaling_rows_show_the_download_and_the_shared_stack(bench):
    small = {"n": 1000, "seconds": 2.0, "points": 70_000, "growth_mib": 40.0}
    large = {"n": 5000, "seconds": 10.5, "points": 350_000, "growth_mib": 280.0,
             "result_mib": 150.0, "growth_per_result": 2.0, "get_growth_mib": 180.0,
             "stack_seconds": 0.5,
             "shared": {"seconds": 10.0, "growth_mib": 210.0, "growth_per_result": 1.4}}
    lines = bench.rows_scaling([small, large])
    names = [line[0] for line in lines]
    assert names == ["scaling: 1,000 light curves (70,000 points)",
                     "scaling: 5,000 light curves (350,000 points)",
                     "  result held (stacked table)",
                     "  download alone (batches held, before the stack)",
                     "  the same with stack(copy=False)"]
    download = lines[3]
    assert download[1:4] == ("10.00 s", "peak +180 MiB", "1.20x result")
    assert lines[1][3] == "2.10 ms/object (1.05x)" and lines[1][5] == "yes"
