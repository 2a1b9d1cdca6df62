"""Parsing real catsHTM answers (alerce-fixtures/catshtm) of both service generations."""

import math

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord

from alerce_astro.apis.catshtm.parse import build_table, split_answer
from alerce_astro.exceptions import ResponseFormatError

#: Where the recorded answers were asked (alerce-fixtures/catshtm/index.json).
RECORDED_TARGET = SkyCoord(357.73373 * u.deg, 14.20514 * u.deg)


def _haversine_arcsec(ra1, dec1, ra2, dec2):
    """Angular distance written out, independent of astropy's."""
    ra1, dec1, ra2, dec2 = map(np.radians, (ra1, dec1, ra2, dec2))
    a = (np.sin((dec2 - dec1) / 2) ** 2
         + np.cos(dec1) * np.cos(dec2) * np.sin((ra2 - ra1) / 2) ** 2)
    return np.degrees(2 * np.arcsin(np.sqrt(a))) * 3600


def _bodies(answer):
    """{display name: body} of a classic answer of any route."""
    if isinstance(answer, dict) and "catalogs" in answer:
        answer = answer["catalogs"]
    if isinstance(answer, list):
        return {k: v for item in answer for k, v in item.items() if v}
    return answer


def _rewrite(body):
    """A classic body in the rewrite's shape: a list of attributes, JSON null for "null"."""
    out = []
    for name, spec in body.items():
        values = spec["values"] if "values" in spec else [spec["value"]]
        values = [None if v == "null" else v for v in values]
        entry = {"attribute_name": name, "unit": spec.get("units", spec.get("unit"))}
        if "values" in spec:
            entry["values"] = values
        else:
            entry["value"] = values[0]
        out.append(entry)
    return out


def test_conesearch_all_tables(recorded_answers):
    params, answer = recorded_answers["/conesearch_all"]
    raws = split_answer(answer)
    counts = {r.name: r.nrows for r in raws}
    assert counts == {"2MASS": 1, "DECaLS": 1, "GAIA/DR1": 1, "GAIA/DR2": 1, "SDSS/DR10": 1,
                      "SDSSoffset": 1, "UKIDSS": 2, "WISE": 1, "AAVSO_VSX": 1, "unWISE": 2}
    bodies = _bodies(answer)
    for raw in raws:
        table = build_table(raw, target=RECORDED_TARGET)
        body = bodies[raw.name]
        assert table.meta["catalog"] == raw.name
        # every column of the answer, plus coord and separation, nothing lost
        assert set(table.colnames) == set(body) | {"coord", "separation"}
        order = np.argsort(_haversine_arcsec(
            RECORDED_TARGET.ra.deg, RECORDED_TARGET.dec.deg,
            np.array(body[_col(body, "ra")]["values"], float),
            np.array(body[_col(body, "dec")]["values"], float)), kind="stable")
        for name, spec in body.items():
            sent = [spec["values"][i] for i in order]
            column = table[name]
            mask = np.ma.getmaskarray(column)
            assert mask.tolist() == [v == "null" for v in sent], (raw.name, name)
            for value, got, hidden in zip(sent, np.ma.getdata(column), mask, strict=True):
                if value == "infinity":
                    assert got == np.inf
                elif not hidden:
                    assert got == pytest.approx(value, rel=1e-15)
        # coordinates and separations, computed here independently
        ra = np.array([body[_col(body, "ra")]["values"][i] for i in order], float)
        dec = np.array([body[_col(body, "dec")]["values"][i] for i in order], float)
        assert np.allclose(table["coord"].ra.deg, ra, rtol=0, atol=1e-12)
        assert np.allclose(table["coord"].dec.deg, dec, rtol=0, atol=1e-12)
        assert table["separation"].unit == u.arcsec
        expected = _haversine_arcsec(RECORDED_TARGET.ra.deg, RECORDED_TARGET.dec.deg, ra, dec)
        assert np.allclose(table["separation"], expected, rtol=1e-9, atol=1e-9)
        assert np.all(np.diff(np.asarray(table["separation"])) >= 0)
        assert table["separation"].max() <= params["radius"]


def _col(body, name):
    return next(c for c in body if c.lower() == name)


def test_units_of_real_answers(recorded_answers):
    tables = {r.name: build_table(r, target=RECORDED_TARGET)
              for r in split_answer(recorded_answers["/crossmatch_all"][1])}
    assert len(tables) == 15
    checks = {
        ("GAIA/DR2", "PMRA"): (u.mas / u.yr, None),
        ("GAIA/DR2", "Epoch"): (u.yr, "JYear"),
        ("GAIA/DR2", "ExcessNoiseSig"): (None, None),
        ("2MASS", "Epoch"): (u.d, "JD"),
        ("WISE", "ErrDec"): (u.arcsec, "arcse"),
        ("WISE", "MeanMJD_W1"): (u.d, "MJD"),
        ("WISE", "Sky_W1"): (u.DN, None),
        ("DECaLS", "Flux_z"): (u.nanomaggy, "nanomaggies"),
        ("unWISE", "MagAB_w1"): (u.ABmag, "magAB"),
        ("SpecSDSS", "elodieFeH"): (u.dex, "FeH"),
        ("SpecSDSS", "elodieLogG"): (u.dex(u.cm / u.s**2), "logg"),
        ("SpecSDSS", "z"): (None, None),
        ("SDSS/DR10", "V"): (u.deg / u.d, None),
        # labelled 'null' and 'MJD' by the service; the values are an MJD and arcsec FWHMs
        ("SDSSoffset", "TAI_r"): (u.d, "null"),
        ("SDSSoffset", "psffwhm_g"): (u.arcsec, "null"),
        ("SDSSoffset", "psffwhm_u"): (u.arcsec, "MJD"),
        ("UCAC4", "EpochRA"): (u.yr, None),
        ("NEDz", "Velocity"): (u.km / u.s, None),
        ("APASS", "distance"): (u.arcsec, None),
    }
    for (catalog, column), (unit, raw) in checks.items():
        col = tables[catalog][column]
        assert col.unit == unit, (catalog, column, col.unit)
        assert col.meta.get("unit_text") == raw, (catalog, column)
    # an AB magnitude converts to a flux density
    flux = tables["unWISE"]["MagAB_w1"].quantity[0].to(u.Jy)
    assert flux.value == pytest.approx(3631 * 10 ** (-0.4 * 18.605971408526997), rel=1e-3)


def test_crossmatch_all_distances_agree(recorded_answers):
    answer = recorded_answers["/crossmatch_all"][1]
    bodies = _bodies(answer)
    for raw in split_answer(answer):
        table = build_table(raw, target=RECORDED_TARGET)
        assert len(table) == 1
        sent = bodies[raw.name]["distance"]["value"]
        assert table["distance"][0] == sent
        # the service's distance and ours, from the same position
        assert table["separation"][0] == pytest.approx(sent, abs=2e-6)
        assert table.colnames[:3] == ["coord", "separation", "distance"]
    masked = {r.name: build_table(r) for r in split_answer(answer)}
    assert np.ma.is_masked(masked["GAIA/DR2"]["RV"][0])
    assert masked["UKIDSS"]["HPSFMAG"].mask.all()
    nulls = sorted(c for c, spec in bodies["UKIDSS"].items() if spec["value"] == "null")
    assert len(nulls) == 24
    assert sorted(c for c in masked["UKIDSS"].colnames
                  if c != "coord" and np.ma.is_masked(masked["UKIDSS"][c][0])) == nulls


def test_crossmatch_flat_body_is_named_by_the_request(recorded_answers):
    answer = recorded_answers["/crossmatch"][1]
    raws = split_answer(answer, catalog="GAIADR1")
    assert [r.name for r in raws] == ["GAIADR1"]
    table = build_table(raws[0], target=RECORDED_TARGET)
    assert table.meta["catalog"] == "GAIA/DR1" and table.meta["catshtm_name"] == "GAIADR1"
    assert table["MagG"][0] == pytest.approx(17.018136614317157)
    assert table["ErrRA"].unit == u.mas


@pytest.mark.parametrize("route", ["/conesearch_all", "/conesearch", "/crossmatch_all"])
def test_rewrite_shape_gives_the_same_tables(recorded_answers, route):
    answer = recorded_answers[route][1]
    classic = {r.name: build_table(r, target=RECORDED_TARGET) for r in split_answer(answer)}
    bodies = _bodies(answer)
    if route == "/conesearch":
        (name, body), = bodies.items()
        rewritten = _rewrite(body)  # a bare list for one catalog
        raws = split_answer(rewritten, catalog="GAIADR1")
    else:
        # the rewrite keys the *_all answers by catalog name, null for nothing found
        rewritten = {name: _rewrite(body) for name, body in bodies.items()}
        rewritten["XMM"] = None
        raws = split_answer(rewritten)
    new = {t.meta["catalog"]: t for t in (build_table(r, target=RECORDED_TARGET) for r in raws)}
    assert set(new) == set(classic)
    for name, table in classic.items():
        other = new[name]
        assert other.colnames == table.colnames
        for column in table.colnames:
            if column == "coord":
                assert np.all(other[column].ra == table[column].ra)
                continue
            assert other[column].unit == table[column].unit
            assert np.ma.getmaskarray(other[column]).tolist() == \
                np.ma.getmaskarray(table[column]).tolist()
            assert np.ma.allequal(other[column], table[column])


def test_repeated_attribute_names_are_kept():
    raws = split_answer([{"attribute_name": "RA", "unit": "deg", "values": [1.0]},
                         {"attribute_name": "Dec", "unit": "deg", "values": [2.0]},
                         {"attribute_name": "Mag", "unit": "mag", "values": [15.0]},
                         {"attribute_name": "Mag", "unit": "mag", "values": [16.0]}],
                        catalog="APASS")
    table = build_table(raws[0])
    assert table["Mag"][0] == 15.0 and table["Mag_2"][0] == 16.0


def test_values_of_every_kind():
    raws = split_answer({"X": {"RA": {"units": "deg", "values": [1.0, 2.0, 3.0, 4.0]},
                               "Dec": {"units": "deg", "values": [0.0, 0.0, 0.0, 0.0]},
                               "f": {"units": " ", "values": ["null", "infinity",
                                                               "-infinity", None]},
                               "id": {"units": " ", "values": [2**62 + 1, 3, None, 5]},
                               "name": {"units": " ", "values": ["a", "b", "null", 7]}}})
    table = build_table(raws[0], sort=False)
    assert table["f"].mask.tolist() == [True, False, False, True]
    assert table["f"].data.data[1] == np.inf and table["f"].data.data[2] == -np.inf
    assert table["id"].dtype == np.int64 and table["id"][0] == 2**62 + 1  # exact
    assert table["name"].dtype.kind == "U" and table["name"].unit is None
    assert table["name"].mask.tolist() == [False, False, True, False]
    assert table["name"][3] == "7"


@pytest.mark.parametrize("answer, message", [
    ("Request contains one or more invalid arguments.", "invalid arguments"),
    ({"detail": [{"loc": ["query", "ra"], "msg": "field required"}]}, "field required"),
    ({"message": "Internal error"}, "Internal error"),
    ({"catalogs": [{"GAIA/DR1": {"RA": 5}}]}, "unrecognised"),
    ([1, 2, 3], "unrecognised"),
    (42, "unrecognised"),
    ({"GAIA/DR1": {"RA": {"units": "deg", "values": [1, 2]},
                   "Dec": {"units": "deg", "values": [1]}}}, "different lengths"),
])
def test_unusable_answers_are_errors(answer, message):
    with pytest.raises(ResponseFormatError, match=message):
        split_answer(answer, url="http://h/conesearch_all")


@pytest.mark.parametrize("answer", [{}, [], None, {"catalogs": []}, [{"GAIA/DR2": {}}],
                                    {"GAIADR2": None, "TMASS": []}])
def test_empty_answers(answer):
    assert split_answer(answer) == []


def test_table_without_positions_warns():
    from alerce_astro.exceptions import AlerceWarning

    raw = split_answer({"Mystery": {"flux": {"units": "mJy", "values": [1.0]}}})[0]
    with pytest.warns(AlerceWarning, match="no position columns"):
        table = build_table(raw)
    assert table.colnames == ["flux"] and table["flux"].unit == u.mJy
    assert math.isclose(table["flux"][0], 1.0)
