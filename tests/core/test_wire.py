"""
The short path of a request (issue 18): a plain session's requests are sent by our adapter
without `requests.Session.prepare_request`/``send``; what goes on the wire is what requests
sent (URL byte for byte, headers), and a session with hooks, auth or cookies of its own still
goes through requests.
"""

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from alerce_astro import AlerceClass
from alerce_astro.transport import prepared_url

OID = "ZTF20aaelulu"
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
URLS = st.sampled_from([
    "http://127.0.0.1:8000/ztf/v1/objects", "https://api.alerce.online/ztf/v1/objects/ZTF1",
    "http://h:1", "http://h:80/x", "http://h:99999/", "http://h/", "http://h/a%2Fb%20c",
    "http://h/a%41", "http://h/a%2f",
    "http://h/a/../b", "http://h/./x", "HTTP://Host/A", "http://h/a b", "http://h/é",
    "http://h/a%", "http://h/a%zz", "http://h/q?x=1", "http://h/f#frag", "http://h:080/x",
    "http://h/~user/(x)!*'", "http://h/a;b=c,d@e:f+g$&",
])


@settings(max_examples=400, deadline=None)
@given(url=URLS, params=st.lists(st.tuples(TEXT, TEXT), max_size=5))
def test_prepared_url_is_what_requests_sends(url, params):
    try:
        expected = requests.Request("GET", url, params=params).prepare().url
    except requests.exceptions.InvalidURL:  # a URL that cannot be sent: refused alike
        with pytest.raises(requests.exceptions.InvalidURL):
            prepared_url(url, params)
        return
    assert prepared_url(url, params) == expected


def test_the_wire_request_is_what_requests_sent(recorded_server, tmp_path):
    client = AlerceClass(urls=recorded_server.urls, cache_location=tmp_path)
    recorded_server.reset_requests()
    assert list(client.query_magstats(OID, cache=False)["fid"]) == [1, 2]
    sent = recorded_server.requests[-1]
    session = client._transport.session
    expected = {k.lower(): v for k, v in session.headers.items()}
    got = {k.lower(): v for k, v in sent["headers"].items()}
    assert {k: got[k] for k in expected} == expected
    assert "gzip" in got["accept-encoding"]


def test_a_session_with_hooks_or_cookies_goes_through_requests(recorded_server,
                                                                    tmp_path):
    seen = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, **kwargs: seen.append(response.url))
    session.cookies.set("flavour", "oat")
    client = AlerceClass(urls=recorded_server.urls, cache_location=tmp_path)
    client._transport.session = session
    client._transport.session.mount("http://", client._transport._adapter)
    recorded_server.reset_requests()
    assert list(client.query_magstats(OID, cache=False)["fid"]) == [1, 2]
    assert seen and seen[-1].endswith(f"/objects/{OID}/magstats")
    headers = {k.lower(): v for k, v in recorded_server.requests[-1]["headers"].items()}
    assert headers["cookie"] == "flavour=oat"


def test_a_session_with_its_own_auth_sends_it(recorded_server, tmp_path):
    # requests merges a session's auth only when the request has none of its own.
    session = requests.Session()
    session.auth = ("astronomer", "s3cret")
    client = AlerceClass(urls=recorded_server.urls, cache_location=tmp_path)
    client._transport.session = session
    client._transport.session.mount("http://", client._transport._adapter)
    recorded_server.reset_requests()
    assert list(client.query_magstats(OID, cache=False)["fid"]) == [1, 2]
    headers = {k.lower(): v for k, v in recorded_server.requests[-1]["headers"].items()}
    assert headers["authorization"] == "Basic YXN0cm9ub21lcjpzM2NyZXQ="
