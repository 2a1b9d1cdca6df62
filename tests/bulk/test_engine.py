"""The bulk engine on its own: concurrency limit, order, failures, warnings, progress bar."""

import threading
import time
import warnings

import pytest

from alerce_astro.bulk import BulkFailureWarning, BulkResult, run_many
from alerce_astro.bulk.progress import wants_progress
from alerce_astro.exceptions import (
    NoResultsWarning,
    ObjectNotFoundError,
    ServiceUnavailableError,
)

OIDS = [f"ZTF20aaaaa{a}{b}" for a in "abcdefgh" for b in "abcde"]  # 40 ids


class Tracker:
    """A per-object call that sleeps and records how many calls overlap."""

    def __init__(self, delay=0.02, fail=()):
        self.delay = delay
        self.fail = dict(fail)
        self.active = 0
        self.peak = 0
        self.calls = []
        self.lock = threading.Lock()

    def __call__(self, oid):
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
            self.calls.append(oid)
        try:
            time.sleep(self.delay)
            if oid in self.fail:
                raise self.fail[oid]
            return oid[::-1]
        finally:
            with self.lock:
                self.active -= 1


@pytest.mark.parametrize("workers", [1, 3, 8])
def test_concurrency_never_exceeds_the_limit_and_reaches_it(workers):
    tracker = Tracker()
    result = run_many(tracker, OIDS, max_workers=workers, progress=False)
    assert tracker.peak == workers
    assert sorted(tracker.calls) == sorted(OIDS)  # each object called exactly once
    assert result.meta["max_workers"] == workers
    # 40 calls of 20 ms, `workers` at a time cannot finish before 40 * 0.02 / workers (a lower
    # bound only: how close a run comes to it is measured in benchmarks/, not asserted here)
    assert result.meta["elapsed"] >= len(OIDS) * 0.02 / workers


def test_results_keep_the_order_asked_whatever_the_completion_order():
    # later ids finish first
    delays = {oid: 0.002 * (len(OIDS) - i) for i, oid in enumerate(OIDS)}

    def call(oid):
        time.sleep(delays[oid])
        return oid

    result = run_many(call, OIDS, max_workers=8, progress=False)
    assert list(result) == OIDS
    assert list(result.values()) == OIDS
    assert result.requested == tuple(OIDS)
    assert result.complete


def test_every_oid_is_either_a_value_or_a_failure():
    fail = {OIDS[3]: ObjectNotFoundError("HTTP 404: not found"),
            OIDS[17]: ServiceUnavailableError("failed after 5 tries: HTTP 503"),
            OIDS[30]: ValueError("a parser bug")}
    with pytest.warns(BulkFailureWarning, match=r"3 of 40 objects could not be fetched "
                      r"\(not found: 1, service unavailable: 1, ValueError: 1\)"):
        result = run_many(Tracker(delay=0, fail=fail), OIDS, max_workers=4, progress=False)
    assert set(result) | set(result.failed) == set(OIDS)
    assert not set(result) & set(result.failed)
    assert list(result.failed) == [OIDS[3], OIDS[17], OIDS[30]]  # order asked
    assert result.failed[OIDS[17]] is fail[OIDS[17]]
    assert result.not_found == [OIDS[3]]
    assert len(result) == 37 and not result.complete
    assert result[OIDS[0]] == OIDS[0][::-1]
    with pytest.raises(KeyError, match="failed: HTTP 404"):
        result[OIDS[3]]
    with pytest.raises(KeyError, match="not asked for"):
        result["ZTF99zzzzzzz"]
    with pytest.raises(ObjectNotFoundError, match="3 of 40"):
        result.raise_for_failures()
    assert "37 of 40 objects, 3 failed" in repr(result)


def test_objects_whose_retries_ran_out_get_one_more_round_after_the_others():
    tries = {}
    order = []

    def call(oid):
        tries[oid] = tries.get(oid, 0) + 1
        order.append(oid)
        if oid == OIDS[0] and tries[oid] == 1:
            raise ServiceUnavailableError("failed after 5 tries: HTTP 502")
        if oid == OIDS[1]:
            raise ServiceUnavailableError("failed after 5 tries: HTTP 503")
        if oid == OIDS[2]:
            raise ObjectNotFoundError("HTTP 404")  # never tried again
        return oid

    start = time.perf_counter()
    with pytest.warns(BulkFailureWarning, match="2 of 40 objects"):
        result = run_many(call, OIDS, max_workers=1, progress=False, pause=0.2)
    assert time.perf_counter() - start >= 0.2
    assert result[OIDS[0]] == OIDS[0]
    assert tries == {**{oid: 1 for oid in OIDS}, OIDS[0]: 2, OIDS[1]: 2}
    assert order[-2:] == [OIDS[0], OIDS[1]]  # after every other object
    assert list(result.failed) == [OIDS[1], OIDS[2]]
    assert result.meta["rounds"] == 2
    # without the extra round
    tries.clear()
    with pytest.warns(BulkFailureWarning, match="3 of 40 objects"):
        result = run_many(call, OIDS, max_workers=1, progress=False, retry_unavailable=0)
    assert tries[OIDS[0]] == 1 and result.meta["rounds"] == 1


def test_warnings_of_the_calls_are_summarised_once_and_kept_per_object():
    def call(oid):
        if oid in OIDS[:5]:
            warnings.warn(f"no magstats for {oid}", NoResultsWarning)
        return oid

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_many(call, OIDS, max_workers=4, progress=False)
    assert len(caught) == 1
    assert caught[0].category is NoResultsWarning
    assert caught[0].filename == __file__  # points at the caller, not at the engine
    assert str(caught[0].message).startswith(
        f"5 of 40 objects ({OIDS[0]}, {OIDS[1]}, {OIDS[2]} and 2 more)")
    assert sorted(result.warnings) == sorted(OIDS[:5])
    assert str(result.warnings[OIDS[2]][0].message) == f"no magstats for {OIDS[2]}"


def test_keyboard_interrupt_stops_the_work():
    started = []

    def call(oid):
        started.append(oid)
        if oid == OIDS[0]:
            raise KeyboardInterrupt
        time.sleep(0.01)
        return oid

    with pytest.raises(KeyboardInterrupt):
        run_many(call, OIDS, max_workers=2, progress=False)
    assert len(started) < len(OIDS)  # the rest was cancelled


def test_progress_bar_when_asked_and_silence_otherwise(capsys):
    run_many(lambda oid: oid, OIDS[:7], max_workers=2, progress=True, what="light curves")
    err = capsys.readouterr().err
    assert "light curves" in err and "7/7" in err and "100%" in err
    run_many(lambda oid: oid, OIDS[:7], max_workers=2, progress=False)
    run_many(lambda oid: oid, OIDS[:7], max_workers=2, progress=None)  # stderr is no TTY here
    assert capsys.readouterr().err == ""


def test_wants_progress_follows_the_terminal(monkeypatch):
    class Stream:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    monkeypatch.setattr("sys.stderr", Stream(True))
    assert wants_progress(None) is True
    assert wants_progress(False) is False
    monkeypatch.setattr("sys.stderr", Stream(False))
    assert wants_progress(None) is False
    assert wants_progress(True) is True


def test_bulk_result_is_a_read_only_mapping():
    result = BulkResult({"ZTF20aaelulu": 1}, {}, ["ZTF20aaelulu"], what="light curves")
    assert dict(result) == {"ZTF20aaelulu": 1}
    assert "ZTF20aaelulu" in result and len(result) == 1
    with pytest.raises(TypeError):
        result["ZTF20aaelulu"] = 2
    with pytest.raises(TypeError, match="only tables can be stacked"):
        result.stack()
