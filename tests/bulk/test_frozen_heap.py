"""A bulk run sets the process's old objects aside from the garbage collector, and puts the
collector back exactly as it found it."""

import gc
import threading

import pytest

from alerce_astro.bulk import run_many
from alerce_astro.bulk.frozen_heap import old_objects_set_aside

OIDS = ["ZTF20aaaaaaa", "ZTF20aaaaaab", "ZTF20aaaaaac"]


@pytest.fixture(autouse=True)
def _collector_as_found():
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


def _freeze_counts_seen_by_calls(**kwargs):
    seen = []
    result = run_many(lambda oid: seen.append(gc.get_freeze_count()) or oid, OIDS,
                      progress=False, **kwargs)
    assert list(result) == OIDS
    return seen


def test_a_run_freezes_the_objects_it_found_and_unfreezes_them():
    seen = _freeze_counts_seen_by_calls(max_workers=2)
    assert len(seen) == 3 and min(seen) > 1000  # the whole heap: modules, astropy, pytest
    assert gc.get_freeze_count() == 0


def test_a_run_that_raises_unfreezes_too():
    def finish(values, failed):
        assert gc.get_freeze_count() > 1000
        raise KeyboardInterrupt  # Ctrl-C at the end of the run

    with pytest.raises(KeyboardInterrupt):
        run_many(str.lower, OIDS, max_workers=1, progress=False, finish=finish)
    assert gc.get_freeze_count() == 0


def test_a_freeze_of_the_callers_own_is_left_alone():
    gc.freeze()
    theirs = gc.get_freeze_count()
    seen = _freeze_counts_seen_by_calls(max_workers=2)
    # Not unfrozen (the count would drop to 0) nor frozen again (the objects made since
    # would join); a frozen object freed meanwhile leaves the count, hence the range.
    assert theirs - 100 <= min(seen) and max(seen) <= theirs
    assert theirs - 100 <= gc.get_freeze_count() <= theirs


def test_nothing_is_frozen_with_the_collector_disabled():
    gc.disable()
    assert _freeze_counts_seen_by_calls(max_workers=1) == [0, 0, 0]
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_runs_at_the_same_time_share_one_freeze_until_the_last_ends():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with old_objects_set_aside:
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second():
        first_in.wait(10)
        with old_objects_set_aside:
            second_in.set()
            first_out.wait(10)
            seen["after the first ended"] = gc.get_freeze_count()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen["after the first ended"] > 1000
    assert gc.get_freeze_count() == 0
