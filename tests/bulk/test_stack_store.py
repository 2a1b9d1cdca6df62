"""After its first stack, a bulk result holds the light curves' arrays once.

`BulkResult.stack` joins the prepared light curves column by column into one store (instead of
thousands of small arrays); each stack is a copy of it and each light curve asked for
afterwards a copy of its part: the same light curve as before the stack, whatever is done to
a stack (sorted, changed) or to another light curve. Here on the real recorded ZTF objects (with and
without forced photometry, and both mixed in one result: columns only some objects have, text
of several widths) and the recorded LSST objects, against the plain path.
"""

import json
import pickle
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from alerce_astro.apis.multisurvey.photometry import (
    lightcurve_from_rows,
    prepared_lightcurves_from_rows,
)
from alerce_astro.bulk import BulkResult
from alerce_astro.lightcurve.build import PreparedLightCurve

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_prepared import _pair, _same  # noqa: E402


@pytest.fixture(scope="module")
def ztf(fixtures_dir):
    """oid -> (prepared, plain) of 60 recorded ZTF objects: every other one with its forced
    photometry (so the objects do not all have the same columns)."""
    out = {}
    paths = sorted((fixtures_dir / "recorded" / "objects").glob("ZTF*.json"))[:60]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, path in enumerate(paths):  # every other one with its forced photometry
            out[path.stem] = _pair(path.stem, json.loads(path.read_text(encoding="utf-8")),
                                   forced=bool(i % 2))
    return out


def _result(pairs, which=0):
    """The bulk result of the prepared (``which=0``) or plain (1) light curves."""
    oids = list(pairs)
    return BulkResult({oid: pairs[oid][which] for oid in oids}, {}, oids, what="light curves")


def _same_columns(a, b):
    """Two prepared light curves' columns: same names in order, dtypes, masks, values."""
    assert list(a.columns) == list(b.columns)
    for name, (values, mask, unit, description) in a.columns.items():
        other = b.columns[name]
        assert values.dtype == other[0].dtype, name
        assert np.array_equal(values, other[0], equal_nan=values.dtype.kind == "f"), name
        assert (mask is None) == (other[1] is None), name
        if mask is not None:
            assert np.array_equal(mask, other[1]), name
        assert (unit, description) == other[2:], name
    assert np.array_equal(a.mjd, b.mjd) and len(a) == len(b)


@pytest.mark.parametrize("subset", ["mixed", "forced", "plain"])
def test_light_curves_after_the_stack_are_the_plain_ones(ztf, subset):
    pairs = {oid: pair for i, (oid, pair) in enumerate(ztf.items())
             if subset == "mixed" or (i % 2 == 1) == (subset == "forced")}
    result = _result(pairs)
    stacked = result.stack()
    expected = _result(pairs, 1).stack()
    _same(stacked, expected)
    assert result._store is not None  # the arrays are held once from now on
    for oid, (prepared, plain) in pairs.items():
        held = result._values[oid]
        assert type(held) is PreparedLightCurve and held is not prepared
        _same_columns(held, prepared)
        _same(result[oid], plain)
    _same(result.stack(), expected)  # again, from the store
    # pickled with its store (before any light curve is built: a pickled time series
    # loses its index)
    fresh = _result(pairs)
    fresh.stack()
    again = pickle.loads(pickle.dumps(fresh))
    oid = list(pairs)[3]
    _same(again[oid], pairs[oid][1])
    _same(again.stack(), expected)


def test_the_mixed_stack_has_gaps_and_text_of_several_widths(ztf):
    result = _result(ztf)
    stacked = result.stack()
    forced = [oid for i, oid in enumerate(ztf) if i % 2]
    only_forced = [name for name in stacked.colnames
                   if name not in ztf[list(ztf)[0]][1].colnames and name != "oid"]
    assert only_forced  # columns that the objects without forced photometry lack ...
    rows = np.isin(stacked["oid"], forced)
    for name in only_forced:  # ... masked on their rows
        assert np.all(np.ma.getmaskarray(stacked[name])[~rows]), name
    widths = {result._values[oid].columns["step_id_corr"][0].dtype for oid in ztf}
    assert len(widths) > 1 or "step_id_corr" not in stacked.colnames


def test_light_curves_and_stacks_are_their_own(ztf):
    oids = list(ztf)
    result = _result(ztf)
    first = result.stack()
    a, b = oids[1], oids[3]
    lc = result[a]
    before = np.array(lc["mag"].unmasked.value)
    lc["mag"][0] = 1.0 * lc["mag"].unit  # changing one light curve ...
    _same(result[b], ztf[b][1])  # ... changes no other
    _same(result.stack(), first)  # ... nor the stack
    assert lc["mag"].unmasked.value[0] != before[0] or before[0] == 1.0
    # A stack sorted and changed in place (what users do with a table) changes neither the
    # light curves built afterwards nor the next stack.
    first.sort("flux")
    first["band_id"][:] = 9
    second = result.stack()
    assert not np.shares_memory(first["flux"].unmasked.value, second["flux"].unmasked.value)
    assert not np.shares_memory(np.asarray(first["band"]), np.asarray(second["band"]))
    c = oids[5]
    _same(result[c], ztf[c][1])
    assert set(np.asarray(second["band_id"]).tolist()) <= {1, 2, 3}
    assert np.asarray(second["oid"]).tolist() == sorted(np.asarray(second["oid"]).tolist(),
                                                        key=oids.index)


def test_stack_without_copy_shares_the_store(ztf):
    oids = list(ztf)
    result = _result(ztf)
    first = result.stack()
    shared = result.stack(copy=False)
    again = result.stack(copy=False)
    _same(shared, first)
    assert np.shares_memory(shared["flux"].unmasked.value, again["flux"].unmasked.value)
    assert not np.shares_memory(shared["flux"].unmasked.value, first["flux"].unmasked.value)
    # As documented: a shared stack changed in place changes what the result gives later.
    c = oids[5]
    rows = np.flatnonzero(np.asarray(shared["oid"]) == c)
    shared["band_id"][rows[0]] = 9
    assert result[c]["band_id"][0] == 9
    with pytest.raises(TypeError, match="copy must be True or False"):
        result.stack(copy="no")


def test_light_curves_built_before_the_stack_stay_as_they_are(ztf):
    oids = list(ztf)
    result = _result(ztf)
    early = result[oids[2]]
    result.stack()
    assert result[oids[2]] is early  # built once
    _same(early, ztf[oids[2]][1])


def test_lsst_batches_after_the_stack(recorded_lsst_rows):
    rows = recorded_lsst_rows
    meta = {"service": "ALeRCE multisurvey API", "url": "https://x/lightcurve"}
    copy = lambda r: [dict(x) for x in r]  # noqa: E731  (the band map is popped from rows)
    prepared = prepared_lightcurves_from_rows({o: copy(d) for o, (d, _) in rows.items()},
                                              {o: copy(f) for o, (_, f) in rows.items()},
                                              meta=meta)
    plain = {o: lightcurve_from_rows(copy(d), copy(f), oid=o, meta=meta)
             for o, (d, f) in rows.items()}
    assert len(rows) == 7
    result = BulkResult(prepared, {}, list(rows), what="light curves")
    expected = BulkResult(plain, {}, list(rows), what="light curves").stack()
    _same(result.stack(), expected)
    assert result._store is None  # the batch's arrays are held once already: only copied
    _same(result.stack(copy=False), expected)
    assert result._store is not None
    for oid, lc in plain.items():
        _same(result[oid], lc)
        assert isinstance(result.stack()["oid"][0], np.integer)


def test_a_store_filled_in_several_batches(ztf, monkeypatch):
    # The prepared arrays are let go a batch of objects at a time (about 16 MiB of data
    # a batch; 100 kB here, so that the 60 objects take several batches).
    from alerce_astro.bulk import result as module

    monkeypatch.setattr(module, "_RELEASE_BYTES", 100_000)
    calls = []
    monkeypatch.setattr(module, "_give_back_freed_memory", lambda: calls.append(1))
    forced = {oid: pair for i, (oid, pair) in enumerate(ztf.items()) if i % 2}
    for pairs in (ztf, forced):  # several orders of columns, and one
        result = _result(pairs)
        _same(result.stack(), _result(pairs, 1).stack())
        assert result._store is not None
        for oid, (prepared, plain) in pairs.items():
            _same_columns(result._values[oid], prepared)
            _same(result[oid], plain)
    assert len(calls) > 4
