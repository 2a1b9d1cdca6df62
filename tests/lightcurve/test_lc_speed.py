"""The fast paths give exactly what the slow ones give: the schema's NumPy conversion what the
value-by-value rules give, and the light-curve builder what astropy's public constructor gives,
on the real recorded light curves and on a simulated sample."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerce_astro.apis.lightcurve_v2 import columns as forced_columns
from alerce_astro.apis.lightcurve_v2.photometry import flatten_forced_photometry
from alerce_astro.apis.ztf_v1 import columns
from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
from alerce_astro.lightcurve import build
from alerce_astro.schema import _convert, convert_values


def _bodies(folder):
    for path in sorted((folder / "objects").glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        yield (body.get("object") or {}).get("oid") or path.stem, body


@pytest.fixture(scope="module")
def recorded_bodies(fixtures_dir):
    return list(_bodies(fixtures_dir / "recorded"))


@pytest.fixture(scope="module")
def simulated_bodies(tmp_path_factory):
    try:
        from alerce_astro.offline import generate_dataset
    except ImportError as exc:
        pytest.skip(f"the sample generator is not available: {exc}")
    folder = tmp_path_factory.mktemp("lc_speed_sample")
    generate_dataset(folder, n_objects=40, seed=7, stamps=False, catalogs=False)
    return list(_bodies(folder))


def _same_values(raw, rows, name):
    """One column of `Schema.arrays` against the value-by-value conversion of its values."""
    field = raw.field
    values = [row.get(field.wire_key) for row in rows]
    if field.description.startswith("Column "):  # a key the schema does not know
        values = [json.dumps(v) if isinstance(v, (dict, list)) else v for v in values]
    expected, mask = _convert(values, field.dtype)
    assert raw.data.dtype == expected.dtype, name
    np.testing.assert_array_equal(raw.mask, mask, err_msg=name)
    assert np.array_equal(raw.data, expected, equal_nan=raw.data.dtype.kind == "f"), name


def _check_parts(bodies):
    n = 0
    for _, body in bodies:
        lc = body.get("lightcurve") or {}
        for schema, rows in ((columns.DETECTION, lc.get("detections") or []),
                             (columns.NON_DETECTION, lc.get("non_detections") or []),
                             (forced_columns.FORCED_PHOTOMETRY, flatten_forced_photometry(
                                 body.get("forced_photometry") or []))):
            arrays, table = schema.arrays(rows), schema.table(rows)
            assert list(arrays) == table.colnames
            for name, raw in arrays.items():
                assert len(raw.data) == len(table) == len(rows)
                _same_values(raw, rows, name)
            n += 1
    return n


def _same_lightcurve(a, b):
    assert type(a) is type(b) and a.colnames == b.colnames and len(a) == len(b)
    assert a.meta.keys() == b.meta.keys() and a.primary_key == b.primary_key == ("time",)
    assert [ix.columns[0] for ix in a.indices] == [a["time"]]
    assert [ix.columns[0] for ix in b.indices] == [b["time"]]
    for name in a.colnames:
        x, y = a[name], b[name]
        assert type(x) is type(y), name
        assert x.info.description == y.info.description and x.info.meta == y.info.meta, name
        assert getattr(x, "unit", None) == getattr(y, "unit", None), name
        assert x.info.parent_table is a and y.info.parent_table is b, name
        if name == "time":
            assert np.array_equal(x.jd1, y.jd1) and np.array_equal(x.jd2, y.jd2)
            assert (x.format, x.scale) == (y.format, y.scale) == ("mjd", "utc")
            continue
        np.testing.assert_array_equal(np.asarray(getattr(x, "mask", False)),
                                      np.asarray(getattr(y, "mask", False)), err_msg=name)
        vx, vy = np.asarray(getattr(x, "unmasked", x)), np.asarray(getattr(y, "unmasked", y))
        assert vx.dtype == vy.dtype, name
        assert np.array_equal(vx, vy, equal_nan=vx.dtype.kind == "f"), name


def _check_assembly(bodies, monkeypatch):
    n = 0
    public = build._assemble
    for oid, body in bodies:
        for forced in (None, body.get("forced_photometry") or []):
            fast = lightcurve_from_json(body.get("lightcurve"), oid=oid, forced=forced)
            with monkeypatch.context() as m:
                m.setattr(build, "_assemble",
                          lambda *args, **kwargs: public(*args, **kwargs, fast=False))
                slow = lightcurve_from_json(body.get("lightcurve"), oid=oid, forced=forced)
            _same_lightcurve(fast, slow)
            n += 1
    return n


def test_columns_as_the_schema_makes_them_recorded(recorded_bodies):
    assert _check_parts(recorded_bodies) == 3 * len(recorded_bodies) >= 3 * 240


def test_columns_as_the_schema_makes_them_simulated(simulated_bodies):
    assert _check_parts(simulated_bodies) == 3 * 40


def test_assembly_as_astropy_makes_it(recorded_bodies, simulated_bodies, monkeypatch):
    assert _check_assembly(recorded_bodies[:60] + simulated_bodies, monkeypatch) > 150


@pytest.mark.parametrize("dtype, values", [
    ("float64", [1.5, None, 2, True, math.nan, math.inf, -math.inf]),
    ("float64", [1.5, "2.5", " 3 ", "null", "", "inf", "-Infinity", "x", {"a": 1}, [1]]),
    ("float64", [10**400, -10**400, 1.0]),
    ("float64", [[1.0], [2.0]]),
    ("int64", [1, None, 2**63 - 1, -2**63]),
    ("int64", [2**63, 1]),
    ("int64", ["2535471474715010000", " 7 ", "1_000"]),
    ("int64", ["12", "1.5", None, 3.0, 3.5, True]),
    ("int16", [1, -1, 40000, None]),
    ("int32", [2**31, 5]),
    ("bool", [True, False, None]),
    ("bool", [True, "t", "no", "maybe", 1, 0.0, math.nan]),
    ("str", ["ztf", "a", ""]),
    ("str", ["ztf", "ztf", "ztf"]),  # one value throughout: made without converting each
    ("str", ["", ""]),
    ("str", ["\u00e9\U0001f600 ", "\u00e9\U0001f600 "]),
    ("str", ["ztf", "ztf", None]),
    ("str", [None, None]),
    ("str", ["x", None, 3, {"a": [1]}, 1.5]),
    ("float64", []), ("int16", []), ("str", []), ("bool", []),
])
def test_fast_conversion_is_the_value_by_value_one(dtype, values):
    data, mask = convert_values(list(values), dtype)
    expected, expected_mask = _convert(list(values), dtype)
    assert data.dtype == expected.dtype
    np.testing.assert_array_equal(mask, expected_mask)
    assert np.array_equal(data, expected, equal_nan=data.dtype.kind == "f")


_JSON_SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
                 | st.floats(allow_nan=True, allow_infinity=True)
                 | st.sampled_from(["1.5", " 2 ", "1_000", "inf", "-Infinity", "nan", "null", "",
                                    "x", "7", "1e400", "0x10", "True", "no"])
                 | st.text(max_size=6))
_JSON_VALUES = _JSON_SCALARS | st.lists(_JSON_SCALARS, max_size=2) | st.dictionaries(
    st.text(max_size=2), _JSON_SCALARS, max_size=2)


@settings(max_examples=400, deadline=None)
@given(dtype=st.sampled_from(["float64", "int64", "int16", "bool", "str"]),
       values=st.one_of(st.lists(_JSON_SCALARS, max_size=6), st.lists(_JSON_VALUES, max_size=6),
                        st.lists(st.one_of(st.none(), st.floats()), max_size=6),
                        st.lists(st.integers(-2**64, 2**64), max_size=6)))
def test_fast_conversion_is_the_value_by_value_one_for_any_values(dtype, values):
    test_fast_conversion_is_the_value_by_value_one(dtype, values)


def test_exact_values():
    candid = 2535471474715010001  # not a float: exact only through Python ints
    lc = lightcurve_from_json({"detections": [
        {"mjd": 59001.5, "fid": 2, "magpsf": 18.5, "sigmapsf": 0.1, "sigmapsf_corr": 100,
         "candid": str(candid), "ra": 10.0, "dec": -5.0, "has_stamp": True, "isdiffpos": -1},
        {"mjd": 59000.5, "fid": 1, "magpsf": None, "candid": candid + 1, "ra": 10.0,
         "dec": -5.0, "rb": 0.5}],
        "non_detections": [{"mjd": 59000.5, "fid": 3, "diffmaglim": 19.0}]}, oid="ZTF20x")
    assert lc["kind"].tolist() == ["detection", "upper_limit", "detection"]
    assert lc["band"].tolist() == ["g", "i", "r"]
    assert lc["detection_id"].tolist() == [candid + 1, None, candid]
    assert lc["mag"].mask.tolist() == [True, True, False] and lc["mag"][2].value == 18.5
    assert lc["mag_corr_err"].mask.tolist() == [True, True, True]   # 100 is ALeRCE's "none"
    assert lc["isdiffpos"].tolist() == [None, None, -1]
    assert lc["has_stamp"].tolist() == [None, None, True]
    assert str(lc["mag"].unit) == "mag" and lc["time"].format == "mjd"
    assert lc.loc[lc["time"][2]]["band_id"] == 2   # the time index works
    assert abs(lc.meta["coord"].dec.deg + 5.0) < 1e-12
