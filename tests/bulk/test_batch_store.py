"""Light curves prepared together are held as their batch's arrays, joined once by the stack.

`prepare_lightcurves` keeps a batch's columns whole (a store of the batch: no array cut per
object); a bulk result of such light curves, in any order, any subset, mixed with light curves
prepared alone, gives for every object exactly the plain light curve, and stacks as the plain
light curves do: before and after its first stack, pickled, and whatever is done to a stack
that is a copy. Here on the real recorded ZTF objects and the recorded LSST objects.
"""

import json
import pickle
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerce_astro.apis.multisurvey.photometry import (
    lightcurve_from_rows,
    prepared_lightcurves_from_rows,
)
from alerce_astro.apis.ztf_v1.photometry import (
    lightcurve_from_json,
    prepared_lightcurves_from_json,
)
from alerce_astro.bulk import BulkResult, stack_prepared, stack_tables

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_prepared import _same  # noqa: E402

N_OBJECTS = 40


@pytest.fixture(scope="module")
def answers(fixtures_dir):
    """``(oid, data, forced, meta)`` of recorded ZTF objects, every other one with its forced
    photometry (the batches of those have more columns), and oid -> its plain light curve."""
    out, plain = [], {}
    paths = sorted((fixtures_dir / "recorded" / "objects").glob("ZTF*.json"))[:N_OBJECTS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, path in enumerate(paths):
            body = json.loads(path.read_text(encoding="utf-8"))
            forced = (body.get("forced_photometry") or []) if i % 2 else None
            meta = {"service": "ALeRCE ZTF API v1", "url": f"https://x/{path.stem}",
                    "retrieved": f"t{i}"}
            out.append((path.stem, body.get("lightcurve"), forced, meta))
            plain[path.stem] = lightcurve_from_json(body.get("lightcurve"), oid=path.stem,
                                                    forced=forced, meta=dict(meta))
    return _Recorded((out, plain))


def _plain_stack(plain, oids):
    """The stack of the plain light curves of ``oids``, as a bulk result makes it."""
    return BulkResult({oid: plain[oid] for oid in oids}, {}, oids,
                      what="light curves").stack()


class _Recorded(tuple):
    """The fixture's value, short when shown (hypothesis shows the arguments)."""

    def __repr__(self):
        return f"<{len(self[0])} recorded ZTF answers>"


def _prepare(answers, chunks):
    """oid -> prepared light curve, the answers prepared a chunk (list of indices) at a
    time (a chunk with and without forced photometry: each object on its own)."""
    prepared = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for chunk in chunks:
            prepared.update(prepared_lightcurves_from_json([answers[i] for i in chunk]))
    return prepared


def _store_of(prepared):
    held = prepared._held
    return None if held is None else held[0]


def test_a_batch_holds_no_array_per_object(answers):
    answers, plain = answers
    chunk = [i for i in range(N_OBJECTS) if i % 2 == 0][:12]  # no forced photometry
    prepared = _prepare(answers, [chunk])
    stores = {id(_store_of(p)) for p in prepared.values()}
    assert len(stores) == 1 and None not in {_store_of(p) for p in prepared.values()}
    for oid, p in prepared.items():
        assert p._columns is None and p._mjd is None  # rows of the batch's arrays
        _same(p.build(), plain[oid])
    # Each object's columns are copies: changing one changes neither the batch nor another.
    first, second = list(prepared)[:2]
    values = prepared[first].columns["mag"][0]
    values[:] = -1.0
    _same(prepared[first].build(), plain[first])
    _same(prepared[second].build(), plain[second])


def test_one_whole_batch_is_stacked_without_a_copy(answers):
    answers, plain = answers
    chunk = [i for i in range(N_OBJECTS) if i % 2 == 0][:10]
    prepared = _prepare(answers, [chunk])
    store = _store_of(next(iter(prepared.values())))
    oids = list(prepared)
    expected = _plain_stack(plain, oids)
    # stack_prepared of the batch's own light curves: a table of its own
    alone = stack_prepared(list(prepared.items()))
    _same(alone, stack_tables({oid: plain[oid] for oid in oids}))
    assert not np.shares_memory(alone["flux"].unmasked.value, store.columns["flux"].data)
    result = BulkResult(prepared, {}, oids, what="light curves")
    shared = result.stack(copy=False)
    _same(shared, expected)
    assert result._store is store  # the batch's arrays are the result's: nothing copied
    assert np.shares_memory(shared["flux"].unmasked.value, store.columns["flux"].data)
    copied = result.stack()
    copied.sort("flux")
    copied["band_id"][:] = 9
    for oid in oids:
        _same(result[oid], plain[oid])
    _same(result.stack(), expected)


@settings(max_examples=12, deadline=None)
@given(order=st.permutations(range(N_OBJECTS)), size=st.integers(1, 25),
       by_kind=st.booleans(), asked=st.permutations(range(N_OBJECTS)),
       keep=st.integers(1, N_OBJECTS), pickled=st.booleans())
def test_batches_in_any_order_stack_and_give_the_plain_light_curves(answers, order, size,
                                                                    by_kind, asked, keep,
                                                                    pickled):
    answers, plain = answers
    if by_kind:  # batches of objects with forced photometry and batches of others
        order = sorted(order, key=lambda i: i % 2)
    chunks = [order[i:i + size] for i in range(0, len(order), size)]
    if by_kind:
        chunks = [[i for i in c if i % 2 == k] for c in chunks for k in (0, 1)]
    prepared = _prepare(answers, [c for c in chunks if c])
    oids = [answers[i][0] for i in asked[:keep]]
    result = BulkResult({oid: prepared[oid] for oid in oids}, {}, oids, what="light curves")
    expected = _plain_stack(plain, oids)
    if pickled:  # before the stack: with its batches' stores
        result = pickle.loads(pickle.dumps(result))
    # Light curves of batches stay there (their arrays held once already) until a stack
    # shares the result's arrays; those prepared alone are joined into one store at once.
    batched = any(result._values[oid]._held is not None for oid in oids)
    stacked = result.stack()
    _same(stacked, expected)
    assert (result._store is None) == batched
    # a copy sorted and changed in place changes nothing the result gives afterwards
    stacked.sort("flux")
    stacked["band_id"][:] = 9
    if pickled:  # after the stack: with the joined store
        result = pickle.loads(pickle.dumps(result))
    for oid in oids:
        _same(result[oid], plain[oid])
    _same(result.stack(copy=False), expected)
    assert result._store is not None
    for oid in oids[:3]:
        _same(result[oid], plain[oid])


def test_lsst_batches_with_unknown_ids_stack_as_the_plain_path(recorded_lsst_rows):
    rows = recorded_lsst_rows
    meta = {"service": "ALeRCE multisurvey API", "url": "https://x/lightcurve"}

    def copy(r):  # the band map is popped from the rows
        return [dict(x) for x in r]

    plain = {o: lightcurve_from_rows(copy(d), copy(f), oid=o, meta=meta)
             for o, (d, f) in rows.items()}
    known = list(rows)
    unknown = 1  # an id the service has no photometry for: empty, left out of the result
    prepared = {}
    for batch in (known[:4] + [unknown], known[4:]):
        prepared.update(prepared_lightcurves_from_rows(
            {o: copy(rows[o][0]) if o in rows else [] for o in batch},
            {o: copy(rows[o][1]) if o in rows else [] for o in batch}, meta=meta))
    assert len(prepared[unknown]) == 0
    oids = known[::2] + known[1::2]  # the batches' objects interleaved
    result = BulkResult({o: prepared[o] for o in oids}, {}, oids, what="light curves")
    expected = BulkResult({o: plain[o] for o in oids}, {}, oids, what="light curves").stack()
    stacked = result.stack()
    _same(stacked, expected)
    assert stacked["oid"].dtype == np.int64
    stacked["flux"][:] = 0.0  # (an LSST stack's time is read-only: it cannot be sorted)
    stacked["band"][:] = "x"
    for oid in oids:
        _same(result[oid], plain[oid])
    _same(pickle.loads(pickle.dumps(result)).stack(copy=False), expected)
