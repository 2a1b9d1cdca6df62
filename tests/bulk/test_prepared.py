"""The fast bulk path gives exactly what the plain one gives.

`get_lightcurves` keeps each light curve prepared (arrays, see
`alerce_astro.lightcurve.build.prepare_lightcurve`), builds it when asked for, and stacks
all of them without building any (`alerce_astro.bulk.stack_prepared`). Here, on the real
recorded light curves (and forced photometry), both are compared with the plain path:
`lightcurve_from_json` for each object and `stack_tables` of those light curves.

The rows of many objects are also prepared together (`prepare_lightcurves`: ZTF chunks of a
bulk download, LSST several-oid answers): each object's `PreparedLightCurve` is compared with
the one its own preparation gives, on every recorded ZTF and LSST object; the C-level readers
of rows (`Schema.arrays`, `split_by_oid`, `check_band_map`) are checked against the rules
applied row by row (hypothesis).
"""

import contextlib
import json
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerce_astro.apis.ztf_v1.photometry import (
    lightcurve_from_json,
    prepared_lightcurve_from_json,
)
from alerce_astro.bulk import BulkResult, stack_prepared, stack_tables
from alerce_astro.lightcurve.build import PreparedLightCurve


def _same(a, b):
    """Same class, columns (kind, dtype, unit, description, mask, values), meta, index."""
    assert type(a) is type(b) and a.colnames == b.colnames and len(a) == len(b)
    assert list(a.meta) == list(b.meta)
    for key in a.meta:
        x, y = a.meta[key], b.meta[key]
        if hasattr(x, "ra"):
            assert (x.ra.deg, x.dec.deg, x.frame.name) == (y.ra.deg, y.dec.deg, y.frame.name)
        else:
            assert x == y, key
    assert a.primary_key == b.primary_key
    for name in a.colnames:
        x, y = a[name], b[name]
        assert type(x) is type(y), name
        assert x.info.description == y.info.description, name
        assert x.info.meta == y.info.meta, name
        assert getattr(x, "unit", None) == getattr(y, "unit", None), name
        if name == "time":
            assert np.array_equal(x.jd1, y.jd1) and np.array_equal(x.jd2, y.jd2)
            assert (x.format, x.scale) == (y.format, y.scale)
            continue
        np.testing.assert_array_equal(np.asarray(getattr(x, "mask", False)),
                                      np.asarray(getattr(y, "mask", False)), err_msg=name)
        vx, vy = np.asarray(getattr(x, "unmasked", x)), np.asarray(getattr(y, "unmasked", y))
        assert vx.dtype == vy.dtype, name
        assert np.array_equal(vx, vy, equal_nan=vx.dtype.kind == "f"), name


@pytest.fixture(scope="module")
def recorded(fixtures_dir):
    out = []
    for path in sorted((fixtures_dir / "recorded" / "objects").glob("ZTF*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        out.append((path.stem, body))
    return out


def _pair(oid, body, forced):
    """(prepared, plain light curve) of one recorded object (with its forced photometry if
    ``forced``); warnings are the caller's to silence."""
    rows = (body.get("forced_photometry") or []) if forced else None
    meta = {"service": "ALeRCE ZTF API v1", "url": f"https://x/{oid}"}
    return (prepared_lightcurve_from_json(body.get("lightcurve"), oid=oid, forced=rows,
                                          meta=meta),
            lightcurve_from_json(body.get("lightcurve"), oid=oid, forced=rows, meta=meta))


def _both(recorded, forced):
    """oid -> (prepared, plain light curve) for every recorded object."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {oid: _pair(oid, body, forced) for oid, body in recorded}


@pytest.mark.parametrize("forced", [False, True])
def test_prepared_light_curves_build_as_the_plain_path(recorded, forced):
    both = _both(recorded, forced)
    assert len(both) >= 240
    for prepared, plain in both.values():
        assert isinstance(prepared, PreparedLightCurve) and len(prepared) == len(plain)
        _same(prepared.build(), plain)


@pytest.mark.parametrize("forced", [False, True])
def test_stack_of_prepared_is_the_stack_of_light_curves(recorded, forced):
    both = _both(recorded, forced)
    prepared = [(oid, p) for oid, (p, _) in both.items()]
    fast = stack_prepared(prepared)
    slow = stack_tables({oid: lc for oid, (_, lc) in both.items()})
    assert fast is not None
    assert len(fast) == sum(len(p) for _, p in prepared) > 6_000
    _same(fast, slow)
    # a few objects, one object, and objects without detections (no coord) stack alike
    for some in (prepared[:3], prepared[5:6], [x for x in prepared if not len(x[1])][:2]):
        if some:
            _same(stack_prepared(some), stack_tables({oid: p.build() for oid, p in some}))


def test_bulk_result_builds_on_access_and_stacks(recorded):
    both = _both(recorded[:20], False)
    oids = list(both)
    result = BulkResult({oid: both[oid][0] for oid in oids}, {}, oids, what="light curves")
    first = result[oids[0]]
    assert result[oids[0]] is first  # built once
    _same(first, both[oids[0]][1])
    plain = BulkResult({oid: both[oid][1] for oid in oids}, {}, oids, what="light curves")
    _same(result.stack(), plain.stack())
    assert [len(v) for v in result.values()] == [len(both[o][1]) for o in oids]
    # pickled before any light curve is built (a lock is not pickled: a new one)
    fresh = BulkResult({oid: both[oid][0] for oid in oids}, {}, oids, what="light curves")
    _same(pickle.loads(pickle.dumps(fresh))[oids[1]], both[oids[1]][1])


def test_get_lightcurves_equals_get_lightcurve(sample_server):
    client = sample_server.client()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oids = ["ZTF00aaaaaab", "ZTF00aaaaaac", "ZTF00aaaaaad"]
        bulk = client.get_lightcurves(oids, progress=False)
        for oid in oids:
            one = client.get_lightcurve(oid)
            one.meta["retrieved"] = bulk[oid].meta["retrieved"]
            _same(bulk[oid], one)
        plain = BulkResult({oid: client.get_lightcurve(oid) for oid in oids}, {}, oids,
                           what="light curves")
        _same(bulk.stack(), plain.stack())


# ----------------------------------------------------------------------------------------------
# Many objects prepared together (prepare_lightcurves) against each prepared alone.
def _same_prepared(a, b):
    """Two `PreparedLightCurve` alike: times, every column's values (dtype included), mask
    (or None), unit and description, position, oid and meta."""
    assert (a.oid, a.meta, a.position, a.cls) == (b.oid, b.meta, b.position, b.cls)
    assert a.mjd.dtype == b.mjd.dtype and np.array_equal(a.mjd, b.mjd)
    assert list(a.columns) == list(b.columns), a.oid
    for name, (values, mask, unit, description) in a.columns.items():
        other = b.columns[name]
        assert values.dtype == other[0].dtype, (a.oid, name)
        assert np.array_equal(values, other[0], equal_nan=values.dtype.kind == "f"), name
        assert (mask is None) == (other[1] is None), (a.oid, name)
        if mask is not None:
            assert np.array_equal(mask, other[1]), (a.oid, name)
        assert (unit, description) == other[2:], (a.oid, name)


@pytest.mark.parametrize("forced, non_detections", [(False, True), (True, True),
                                                    (True, False)])
def test_ztf_chunks_are_prepared_as_each_object_alone(recorded, forced, non_detections):
    from alerce_astro.apis.ztf_v1.photometry import prepared_lightcurves_from_json

    answers = [(oid, body.get("lightcurve"),
                (body.get("forced_photometry") or []) if forced else None,
                {"url": f"https://x/{oid}", "retrieved": i})
               for i, (oid, body) in enumerate(recorded)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alone = {oid: prepared_lightcurve_from_json(data, oid=oid, forced=rows, meta=meta,
                                                    non_detections=non_detections)
                 for oid, data, rows, meta in answers}
        # chunks of several sizes (the last ones short), every recorded object
        for size in (50, 7, len(answers)):
            for start in range(0, len(answers), size):
                chunk = answers[start:start + size]
                together = prepared_lightcurves_from_json(chunk,
                                                          non_detections=non_detections)
                assert list(together) == [a[0] for a in chunk]
                for oid, prepared in together.items():
                    _same_prepared(prepared, alone[oid])
    assert sum(map(len, alone.values())) > (6_000 if non_detections else 1_000)


def test_lsst_batches_are_prepared_as_each_object_alone(recorded_lsst_rows):
    from alerce_astro.apis.multisurvey.photometry import (
        prepared_lightcurve_from_rows,
        prepared_lightcurves_from_rows,
    )

    rows = recorded_lsst_rows

    def copy(r):
        return [dict(x) for x in r]

    for forced in (True, False):
        together = prepared_lightcurves_from_rows(
            {oid: copy(d) for oid, (d, _) in rows.items()},
            {oid: copy(f) for oid, (_, f) in rows.items()} if forced else None, meta={"u": 1})
        for oid, (d, f) in rows.items():
            alone = prepared_lightcurve_from_rows(copy(d), copy(f) if forced else None,
                                                  oid=oid, meta={"u": 1})
            _same_prepared(together[oid], alone)


def test_a_chunk_with_a_bad_object_fails_that_object_only(recorded):
    from alerce_astro.apis.ztf_v1.photometry import prepared_lightcurves_from_json
    from alerce_astro.exceptions import AlerceWarning
    from alerce_astro.schema import RowsFormatError

    (oid1, body1), (oid2, body2) = [(oid, body) for oid, body in recorded
                                    if (body.get("lightcurve") or {}).get("detections")][:2]
    lc1 = body1["lightcurve"]
    timeless = {"detections": [dict(r, mjd=None) if i == 0 else r
                               for i, r in enumerate(lc1["detections"])],
                "non_detections": lc1["non_detections"]}
    answers = [(oid1, timeless, None, {}), ("ZTF20bad", {"detections": [1]}, None, {}),
               ("ZTF20odd", [], None, {}), (oid2, body2["lightcurve"], None, {})]
    seen = []

    @contextlib.contextmanager
    def warn_as(oid):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        seen.extend((oid, str(w.message)) for w in caught)

    out = prepared_lightcurves_from_json(answers, warn_as=warn_as)
    assert list(out) == [oid1, "ZTF20bad", "ZTF20odd", oid2]
    assert isinstance(out["ZTF20bad"], RowsFormatError)
    assert isinstance(out["ZTF20odd"], TypeError) and "got list" in str(out["ZTF20odd"])
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always", AlerceWarning)
        _same_prepared(out[oid1], prepared_lightcurve_from_json(timeless, oid=oid1, meta={}))
    _same_prepared(out[oid2], prepared_lightcurve_from_json(body2["lightcurve"], oid=oid2,
                                                            meta={}))
    # the warning about the object without a time, filed under it, once
    assert seen == [(oid1, f"{oid1}: 1 point(s) without a usable mjd were left out")]


@pytest.mark.parametrize("chunk", [2, 50])
def test_get_lightcurves_in_chunks_equals_get_lightcurve(recorded_client, recorded,
                                                         monkeypatch, chunk):
    from alerce_astro.client import bulk as client_bulk

    monkeypatch.setattr(client_bulk, "LIGHTCURVE_CHUNK", chunk)
    oids = [oid for oid, _ in recorded[:9]] + ["ZTF99zzzzzzz"]  # an unknown one too
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")  # collected by the run, not ignored
        bulk = recorded_client.get_lightcurves(oids, forced_photometry=True,
                                               non_detections=False, progress=False)
    assert list(bulk.failed) == ["ZTF99zzzzzzz"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for oid in oids[:-1]:
            one = recorded_client.get_lightcurve(oid, forced_photometry=True,
                                                 non_detections=False)
            one.meta["retrieved"] = bulk[oid].meta["retrieved"]
            assert one.meta["url"] == bulk[oid].meta["url"] and oid in one.meta["url"]
            _same(bulk[oid], one)
    # each object's warnings filed under it, whichever worker prepared its chunk
    empty = [oid for oid in oids[:-1] if not len(bulk[oid])]
    assert empty and set(empty) <= set(bulk.warnings)
    for oid, records in bulk.warnings.items():
        assert records and all(oid in str(w.message) for w in records), oid


# ----------------------------------------------------------------------------------------------
# The C-level reading of rows (Schema.arrays, split_by_oid, check_band_map) against the rules
# applied row by row.
_CELLS = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
          | st.floats(allow_nan=True, allow_infinity=True)
          | st.sampled_from(["1.5", " 2 ", "nan", "x", "7", "", "null"]) | st.lists(
              st.integers(), max_size=1))
_SCHEMA_KEYS = {"f": "float64", "i": "int64", "s": "int16", "b": "bool", "t": "str",
                **{f"x{i}": "float64" for i in range(64)}}  # wide rows: read by position


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.dictionaries(st.sampled_from(["f", "i", "s", "b", "t", "x0", "u", "v"]),
                                     _CELLS), max_size=6),
       full=st.booleans(), reverse=st.booleans(), repeat=st.sampled_from([1, 300, 900]))
def test_schema_arrays_follow_the_row_by_row_rules(rows, full, reverse, repeat):
    from alerce_astro.schema import Schema, _convert

    schema = Schema("demo", [(name, dtype, None, "") for name, dtype in _SCHEMA_KEYS.items()])
    if full:  # every key in every row (in the schema's order, or another): C-level paths
        order = list(_SCHEMA_KEYS)[::-1] if reverse else list(_SCHEMA_KEYS)
        rows = [{**dict.fromkeys(order), **row} for row in rows]
    rows = rows * repeat  # beyond 1,000 rows: read key by key
    columns = schema.arrays(rows)
    unknown = list(dict.fromkeys(key for row in rows for key in row
                                 if key not in _SCHEMA_KEYS))
    assert list(columns) == [*_SCHEMA_KEYS, *unknown]
    for name, dtype in _SCHEMA_KEYS.items():
        data, mask = _convert([row.get(name) for row in rows], dtype)
        raw = columns[name]
        assert raw.data.dtype == data.dtype and np.array_equal(raw.mask, mask)
        assert np.array_equal(raw.data, data, equal_nan=data.dtype.kind == "f")


@settings(max_examples=150, deadline=None)
@given(owners=st.lists(st.sampled_from([1, 2, 3, 4, None, "x", [1]]), max_size=8),
       keyless=st.booleans())
def test_split_by_oid_follows_the_row_by_row_rules(owners, keyless):
    from alerce_astro.apis.multisurvey.quirks import split_by_oid
    from alerce_astro.exceptions import ResponseFormatError

    rows = [{"oid": o, "n": i} for i, o in enumerate(owners)]
    if keyless and rows:
        del rows[-1]["oid"]
    try:
        expected = {oid: [r for r in rows if r.get("oid") == oid] for oid in (1, 2, 3)}
        bad = [r.get("oid") for r in rows if r.get("oid") not in (1, 2, 3)]
    except TypeError:
        bad = [None]
    if not bad:
        assert split_by_oid(rows, [1, 2, 3]) == expected
    else:
        with pytest.raises((ResponseFormatError, TypeError)):
            split_by_oid(rows, [1, 2, 3])


@pytest.mark.parametrize("maps, survey_ids, refused", [
    ([None, None], ["lsst", "lsst"], False),
    ([{"1": "g"}, {"1": "g"}], ["lsst", None], False),
    ([{"1": "r"}, {"1": "r"}], ["ztf", "ztf"], False),   # another survey's rows: not checked
    ([{"1": "r"}, {"1": "r"}], ["ztf", "lsst"], True),   # ...the next row of LSST's is
    ([{"1": "g"}, {"1": "r"}], ["lsst", "lsst"], True),
    ([{"1": "g"}, None, {"6": "u"}], ["lsst"] * 3, False),
    (["u", "u"], ["ztf", "ztf"], False),
])
def test_check_band_map_one_map_or_many(maps, survey_ids, refused):
    from alerce_astro.apis.multisurvey.quirks import check_band_map
    from alerce_astro.exceptions import ResponseFormatError

    rows = [{"x": i} | ({} if m is None else {"band_map": m})
            | ({} if s is None else {"survey_id": s})
            for i, (m, s) in enumerate(zip(maps, survey_ids, strict=True))]
    if refused:
        with pytest.raises(ResponseFormatError, match="disagrees"):
            check_band_map(rows)
    else:
        assert check_band_map(rows) is rows
        assert all("band_map" not in row for row in rows)


@pytest.mark.parametrize("n", [0, 1, 255, 256, 257, 513, 1100])
@pytest.mark.parametrize("keys", [[], ["a"], ["a", "b", "c"]])
def test_rows_are_transposed_whole_across_chunks(n, keys):
    from alerce_astro.schema import Schema

    rows = [{"a": float(i), "b": i, "c": str(i)} for i in range(n)]
    schema = Schema("demo", [(key, {"a": "float64", "b": "int64", "c": "str"}[key], None, "")
                             for key in keys])
    columns = schema.arrays(rows, keep_unknown=False)
    assert list(columns) == keys
    for key in keys:
        assert columns[key].data.tolist() == [row[key] for row in rows]
        assert not columns[key].mask.any()
