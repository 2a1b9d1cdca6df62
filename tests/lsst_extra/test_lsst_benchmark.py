"""A tiny run of the LSST benchmark row (benchmarks/run.py): complete forced photometry on our
side, the official loop cut at 10 forced rows per object, and the table's lines.
Times and ratios are not asserted (they depend on the machine and its load)."""

import importlib.util
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    if not RUN.exists():
        pytest.skip("benchmarks/ is not in this checkout")
    spec = importlib.util.spec_from_file_location("alerce_astro_benchmarks_run_lsst", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tiny_lsst_bulk_row(bench, tmp_path):
    from _lsst import lsst_dataset, lsst_forced_counts, lsst_object_ids

    data = lsst_dataset(tmp_path, 24)
    oids = lsst_object_ids(data)
    expected = lsst_forced_counts(data)
    assert len(oids) == 24 and all(o > 2**53 for o in oids)
    row = bench.bench_lsst_bulk(data, oids, tmp_path, repeat=1, official_repeat=1)
    assert row["n"] == 24 and row["batch_size"] == 20 and row["requests"] == 2
    assert row["forced_rows"] == row["forced_rows_expected"] == sum(expected.values())
    lines = bench.rows_lsst(row)
    assert any(line[0].startswith("  wire only (2 requests of 20 oids") for line in lines)
    assert row["points"] > row["forced_rows"]  # the stacked table: detections and forced
    if "official_s" in row:  # the official client is installed (the bench extra)
        assert row["official_max_forced"] == 10    # its single-oid path: LIMIT 10
        cut = sum(1 for o in oids if expected[o] > 10)
        assert row["official_truncated_objects"] == cut > 0
        assert row["official_forced_rows"] == sum(min(expected[o], 10) for o in oids)
        assert lines[1][0] == "  forced rows: ours complete / official loop"
