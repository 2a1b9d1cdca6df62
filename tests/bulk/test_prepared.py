"""The fast bulk path gives exactly what the plain one gives.

`get_lightcurves` keeps each light curve prepared (arrays, see
`alerce_astro.lightcurve.build.prepare_lightcurve`), builds it when asked for, and stacks
all of them without building any (`alerce_astro.bulk.stack_prepared`). Here, on the real
recorded light curves (and forced photometry), both are compared with the plain path:
`lightcurve_from_json` for each object and `stack_tables` of those light curves.
"""

import json
import pickle
import warnings

import numpy as np
import pytest

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


def _both(recorded, forced):
    """oid -> (prepared, plain light curve) for every recorded object."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for oid, body in recorded:
            rows = (body.get("forced_photometry") or []) if forced else None
            meta = {"service": "ALeRCE ZTF API v1", "url": f"https://x/{oid}"}
            out[oid] = (prepared_lightcurve_from_json(body.get("lightcurve"), oid=oid,
                                                      forced=rows, meta=meta),
                        lightcurve_from_json(body.get("lightcurve"), oid=oid, forced=rows,
                                             meta=meta))
    return out


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


@pytest.fixture(scope="module")
def sample_server():
    from alerce_astro.offline import SampleServer

    with SampleServer() as server:
        yield server
