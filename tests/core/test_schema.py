"""The table-driven schemas: drift, exact ids, NaN and null handling."""

import json

import numpy as np
import pytest
from astropy import units as u

from alerce_astro.apis.lightcurve_v2 import columns as forced_columns
from alerce_astro.apis.ztf_v1 import columns

REAL_DETECTION = {"tid": "ztf", "mjd": 58855.54229169991, "candid": "1101542291015015004",
                  "fid": 2, "parent_candid": 1121521071015015006, "magpsf": 17.279879,
                  "sigmapsf": 0.056197107, "isdiffpos": 1, "has_stamp": False}


def test_exact_64_bit_ids_from_strings_and_big_json_numbers():
    wire = json.dumps([REAL_DETECTION])
    t = columns.DETECTION.table(json.loads(wire))
    assert t["candid"].dtype == np.int64
    assert int(t["candid"][0]) == 1101542291015015004
    assert int(t["parent_candid"][0]) == 1121521071015015006  # > 2**53: not via float
    assert int(t["parent_candid"][0]) != int(float(1121521071015015006))


def test_missing_keys_and_nulls_are_masked_and_all_columns_exist():
    t = columns.DETECTION.table([REAL_DETECTION, {"mjd": 1.0, "candid": None}])
    assert t.colnames[:len(columns.DETECTION)] == columns.DETECTION.names
    assert bool(t["candid"].mask[1]) and bool(t["rb"].mask.all())
    assert t["magpsf"].unit == u.mag and t["ra"].unit == u.deg


def test_nan_is_masked_infinity_kept():
    rows = json.loads('[{"oid": "ZTF00aaaaaab", "g_r_max": NaN, "meanra": Infinity}]')
    t = columns.OBJECT.table(rows)
    assert bool(t["g_r_max"].mask[0])
    assert np.isinf(t["meanra"][0])


def test_unknown_columns_are_kept_with_inferred_types():
    t = columns.MAGSTATS.table([{"fid": 1, "dmdt_first": -0.5, "new_flag": True,
                                 "nested": {"a": 1}}])
    assert t["dmdt_first"][0] == -0.5 and t["dmdt_first"].dtype.kind == "f"
    assert t["new_flag"].dtype == bool
    assert json.loads(t["nested"][0]) == {"a": 1}


def test_ndethist_string_is_an_integer():
    t = columns.OBJECT.table([{"oid": "ZTF20aaelulu", "ndethist": "259"}])
    assert t["ndethist"][0] == 259 and t["ndethist"].dtype.kind == "i"


def test_empty_table_has_types_and_units():
    t = forced_columns.FORCED_PHOTOMETRY.empty()
    assert len(t) == 0 and t["mag"].unit == u.mag and t["pid"].dtype == np.int64


def test_a_schema_typo_fails_at_definition():
    from alerce_astro.schema import Schema

    with pytest.raises(ValueError):
        Schema("x", [("a", "int65", None, "bad dtype")])


def test_every_column_has_a_description():
    for schema in (columns.OBJECT, columns.DETECTION, columns.NON_DETECTION,
                   forced_columns.FORCED_PHOTOMETRY, columns.MAGSTATS, columns.PROBABILITY,
                   columns.FEATURE):
        assert all(f.description for f in schema), schema.resource
