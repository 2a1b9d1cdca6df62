"""
Answers about the wrong thing are refused and never cached (issue 17, root cause 8).

Before the fix ``query_object`` accepted ``{}`` (a row of masked values) and another object's
record, and ``get_lightcurve`` took ``{}`` as "no photometry", warned, and cached it, so the
next call returned the empty light curve from the cache. The checks run in the parse step,
before the transport writes the cache (`alerce_astro.apis.answers`, used by
`alerce_astro.apis.ztf_v1.parse`).
"""

import json

import pytest
from reliability_helpers import OID, count

from alerce_astro.apis.answers import check_keys, check_record, check_rows_about, same_id
from alerce_astro.exceptions import ResponseFormatError

OTHER = "ZTF17aaageae"
OBJECT = rf"/objects/{OID}$"
LIGHTCURVE = rf"/objects/{OID}/lightcurve$"


def _record(fixtures_dir, oid):
    return json.loads((fixtures_dir / "recorded" / "objects" / f"{oid}.json").read_text())


def _entries(client):
    folder = client.cache_location
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("case", ["empty", "other object", "no keys but oid", "oid as null",
                                  "a list"])
def test_query_object_refuses_an_answer_about_something_else(client, server, fixtures_dir,
                                                             case):
    count("faults injected")
    body = {"empty": {}, "other object": _record(fixtures_dir, OTHER)["object"],
            "no keys but oid": {"oid": OID}, "oid as null": {**_record(fixtures_dir, OID)[
                "object"], "oid": None}, "a list": [_record(fixtures_dir, OID)["object"]]}[case]
    server.inject(OBJECT, body=body, times=1)
    with pytest.raises(ResponseFormatError, match=r"/objects/ZTF20aaelulu: ") as info:
        client.query_object(OID, cache=True)
    if case == "other object":
        assert f"about oid='{OTHER}', not '{OID}'" in str(info.value)
    # nothing cached: the next call asks again and gets the right record
    assert _entries(client) == []
    table = client.query_object(OID, cache=True)
    assert list(table["oid"]) == [OID]
    assert len(server.requests) == 2


@pytest.mark.parametrize("body", [{}, {"detections": []}, {"non_detections": []},
                                  {"detections": [], "non_detection": []}])
def test_get_lightcurve_refuses_a_partial_body_and_never_caches_it(client, server, body):
    count("faults injected")
    server.inject(LIGHTCURVE, body=body, times=1)
    with pytest.raises(ResponseFormatError, match=r"the light curve lacks '"):
        client.get_lightcurve(OID, cache=True)
    assert _entries(client) == []
    lc = client.get_lightcurve(OID, cache=True)  # the real one, not an empty cached one
    assert (lc["kind"] == "detection").sum() == 58
    assert len(server.requests) == 2


def test_a_null_light_curve_is_still_no_photometry(client, server):
    from alerce_astro.exceptions import NoResultsWarning

    server.inject(LIGHTCURVE, body=b"null", headers={"Content-Type": "application/json"},
                  times=1)
    with pytest.warns(NoResultsWarning, match="no photometry"):
        assert len(client.get_lightcurve(OID, cache=False)) == 0


def test_the_checks_know_no_survey():
    # What the LSST adapter uses: integer ids compare with the id asked as text or int.
    lsst = {"oid": 313897383979122767, "meanra": 1.0}
    assert check_record(lsst, url="u", what="object", id_key="oid",
                        expected="313897383979122767") is lsst
    with pytest.raises(ResponseFormatError, match="about oid=313897383979122768"):
        check_record({"oid": 313897383979122768}, url="u", what="object", id_key="oid",
                     expected=313897383979122767)
    # an id that went through a float is not the id
    assert not same_id(3.13897383979122767e17, 313897383979122767)
    assert not same_id(True, 1)
    with pytest.raises(ResponseFormatError, match="rows of oid=2, not only of 1"):
        check_rows_about([{"oid": 1}, {"oid": 2}], url="u", what="detections", id_key="oid",
                         expected=1)
    assert check_rows_about([{"mjd": 1.0}], url="u", what="detections", id_key="oid",
                            expected=1) == [{"mjd": 1.0}]
    with pytest.raises(ResponseFormatError, match="lacks 'b'"):
        check_keys({"a": 1}, url="u", what="x", required=("a", "b"))
    with pytest.raises(ResponseFormatError, match="expected a JSON object"):
        check_keys([], url="u", what="x", required=())
