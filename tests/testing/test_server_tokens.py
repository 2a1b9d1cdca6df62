"""
AUTH-TOKEN checking of the ZTF API v1, as the real service does it (issue 16, point 3).

The real service's token library answers 401 to an expired token on the light curve routes
and, because of a bug, 500 on every other route; the sample server does the same when it is
given ``tokens=``, so that a client's handling can be tested at the HTTP level.
"""

import pytest
import requests

from alerce_astro.offline import SampleServer
from alerce_astro.offline.tokens import TokenTable

OID = "ZTF20aaelulu"
TOKENS = {"valid": ["good-token"], "expired": ["old-token"], "forbidden": ["guest-token"]}
LIGHTCURVE_ROUTES = [f"/objects/{OID}/lightcurve", f"/objects/{OID}/detections",
                     f"/objects/{OID}/non_detections"]
OTHER_ROUTES = [f"/objects/{OID}", "/objects/?count=true", f"/objects/{OID}/magstats",
                f"/objects/{OID}/probabilities", f"/objects/{OID}/features",
                f"/objects/{OID}/features/Amplitude", "/objects/limit_values", "/classifiers/",
                "/classifiers/lc_classifier/hierarchical_rf_1.1.0/classes"]


@pytest.fixture(scope="module")
def token_server(recorded_dir):
    with SampleServer(recorded_dir, tokens=TOKENS) as server:
        yield server


def get(server, path, token=None, service="ztf_v1"):
    headers = {"AUTH-TOKEN": token} if token is not None else {}
    return requests.get(server.urls[service] + path, headers=headers, timeout=30,
                        allow_redirects=False)


@pytest.mark.parametrize("path", LIGHTCURVE_ROUTES + OTHER_ROUTES)
def test_valid_absent_and_undecodable_tokens_are_answered(token_server, path):
    plain = get(token_server, path)
    assert plain.status_code == 200
    for token in ("good-token", "not-a-jwt", ""):
        r = get(token_server, path, token)
        assert (r.status_code, r.content) == (200, plain.content), token


@pytest.mark.parametrize("path", LIGHTCURVE_ROUTES)
def test_expired_token_on_light_curve_routes_is_401(token_server, path):
    r = get(token_server, path, "old-token")
    assert r.status_code == 401
    assert r.headers["Content-Type"] == "application/json"
    assert r.text == '"Expired Token"\n'
    # checked before anything else: an unknown object, a bad argument
    assert get(token_server, path.replace(OID, "ZTF99aaaaaaa"), "old-token").status_code == 401
    assert get(token_server, path + "?survey_id=bogus", "old-token").status_code == 401


@pytest.mark.parametrize("path", OTHER_ROUTES)
def test_expired_token_elsewhere_is_500_where_without_it_is_200(token_server, path):
    assert get(token_server, path).status_code == 200
    r = get(token_server, path, "old-token")
    assert r.status_code == 500
    assert r.headers["Content-Type"] == "application/json"
    assert r.text == '{"message": "Internal Server Error"}\n'


def test_expired_token_leaves_errors_redirects_and_html_alone(token_server):
    # the bug only hits JSON answers below 400
    unknown = get(token_server, "/objects/ZTF99aaaaaaa", "old-token")
    assert unknown.status_code == 404 and "Object not found" in unknown.json()["message"]
    assert get(token_server, "/objects/ZTF99aaaaaaa/magstats", "old-token").status_code == 404
    bad = get(token_server, "/objects/?order_by=bogus", "old-token")
    assert bad.status_code == 400 and bad.json()["message"] == "Input payload validation failed"
    moved = get(token_server, "/objects?count=true", "old-token")
    assert moved.status_code == 308 and moved.headers["Location"].endswith("/objects/?count=true")
    assert get(token_server, "/healthcheck", "old-token").text == "OK"


def test_forbidden_token(token_server):
    for path in LIGHTCURVE_ROUTES:
        r = get(token_server, path, "guest-token")
        assert (r.status_code, r.text) == (403, '"Forbidden"\n')
    for path in OTHER_ROUTES:
        assert get(token_server, path, "guest-token").status_code == 200


def test_other_services_ignore_the_token(alerts_dir, catshtm_dir):
    with SampleServer([alerts_dir, catshtm_dir], tokens=TOKENS) as server:
        candid = next(iter(server.dataset.stamps))
        assert get(server, f"/get_avro_info?candid={candid}", "old-token",
                   "stamps").status_code == 200
        assert get(server, "/forced-photometry/ZTF20aaelulu", "old-token",
                   "lightcurve_v2").status_code == 200
        r = get(server, "/conesearch_all?ra=10&dec=10&radius=1", "old-token", "catshtm")
        assert r.status_code == 200


def test_without_tokens_the_header_is_ignored(recorded_server):
    for path in LIGHTCURVE_ROUTES + OTHER_ROUTES:
        assert get(recorded_server, path, "old-token").status_code == 200


def test_token_table_shape():
    table = TokenTable({"expired": "old"})  # one token may be given as a string
    assert (table.kind("old"), table.kind("new"), table.kind(None)) == ("expired", "anonymous",
                                                                         "anonymous")
    with pytest.raises(ValueError, match="unknown kinds"):
        TokenTable({"revoked": ["x"]})
    with pytest.raises(ValueError, match="both valid and expired"):
        TokenTable({"valid": ["x"], "expired": ["x"]})
    with pytest.raises(ValueError, match="non-empty strings"):
        TokenTable({"valid": [""]})
    with pytest.raises(ValueError, match="unknown kinds"):
        SampleServer(tokens={"good": ["x"]})
