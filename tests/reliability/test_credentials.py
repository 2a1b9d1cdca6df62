"""
The AUTH-TOKEN: sent only to the hosts of the ZTF and light curve services, never to another
host (not even through a redirect), and never written to the cache, logs, warnings, exception
messages, ``get_query_payload`` output or results. HTTPS is the default of every service URL.

Two ports on 127.0.0.1 are one host: the host rule is tested with ``127.0.0.1`` (the ALeRCE
API) against ``localhost`` (another host).
"""

import logging
import warnings

import pytest
from astropy import units as u
from reliability_helpers import MAGSTATS, OID, count

from alerce_astro import AlerceClass, Conf, conf
from alerce_astro.exceptions import RemoteServiceError

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2VjcmV0LXNpZ25hdHVyZQ"
ALERT_OID = "ZTF18aaacpxm"  # an object of the alerts dataset, with stamps
CONE = "357.73373 14.20514"  # the position of the recorded catsHTM answers


def _localhost(url):
    return url.replace("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def api(fixtures_dir):
    """The ALeRCE API (ZTF and light curves) on 127.0.0.1."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=[fixtures_dir / "recorded", fixtures_dir / "alerts"]) as server:
        yield server


@pytest.fixture(scope="module")
def other(fixtures_dir):
    """The stamp and catsHTM services, reached as 'localhost': another host."""
    from alerce_astro.offline import SampleServer

    with SampleServer(data=[fixtures_dir / "alerts", fixtures_dir / "catshtm"]) as server:
        yield server


@pytest.fixture
def servers(api, other):
    for s in (api, other):
        s.clear_injections()
        s.reset_requests()
    yield api, other
    for s in (api, other):
        s.clear_injections()


def _urls(api, other):
    return {"ztf_v1": api.urls["ztf_v1"], "lightcurve_v2": api.urls["lightcurve_v2"],
            "stamps": _localhost(other.urls["stamps"]),
            "catshtm": _localhost(other.urls["catshtm"])}


def _everything(client):
    """Every kind of request the client makes, to both hosts; returns what came back."""
    out = [client.query_object(OID), client.query_magstats(OID),
           client.query_probabilities(OID), client.query_features(OID, fid=1),
           client.query_objects(oid=[OID, "ZTF18abbuive"]),
           client.query_region("185.7289 15.8236", radius=30 * u.arcsec),
           client.list_classifiers()]
    if hasattr(client, "get_lightcurve"):
        out.append(client.get_lightcurve(OID))
    if hasattr(client, "get_stamps"):
        out.append(client.get_stamps(ALERT_OID))
    if hasattr(client, "query_catalogs"):
        out.append(client.query_catalogs(CONE, radius=10 * u.arcsec))
    return out


def _token_headers(server):
    return [r["headers"].get("AUTH-TOKEN") for r in server.requests]


@pytest.mark.parametrize("how", ["argument", "configuration", "configured-copy"])
def test_the_token_goes_to_the_alerce_api_hosts_only(servers, tmp_path, how):
    api, other = servers
    urls = _urls(api, other)
    if how == "argument":
        client = AlerceClass(urls=urls, cache_location=tmp_path, token=TOKEN)
    elif how == "configured-copy":
        from alerce_astro import Alerce

        client = Alerce(urls=urls, cache_location=tmp_path, token=TOKEN)
    else:
        client = AlerceClass(urls=urls, cache_location=tmp_path)
    with conf.set_temp("token", TOKEN if how == "configuration" else ""):
        _everything(client)
    sent = _token_headers(api)
    count("requests checked for the token", len(sent) + len(other.requests))
    assert sent and all(value == TOKEN for value in sent)
    assert all(value is None for value in _token_headers(other))
    if hasattr(client, "get_stamps") and hasattr(client, "query_catalogs"):
        assert {r["service"] for r in other.requests} == {"stamps", "catshtm"}


def test_no_token_no_header(servers, tmp_path):
    api, other = servers
    client = AlerceClass(urls=_urls(api, other), cache_location=tmp_path)
    _everything(client)
    assert all(value is None for value in _token_headers(api) + _token_headers(other))
    assert all("AUTH-TOKEN" not in str(r["headers"]) for r in api.requests + other.requests)


def test_a_redirect_to_another_host_does_not_carry_the_token(servers, tmp_path):
    api, other = servers
    client = AlerceClass(urls=_urls(api, other), cache_location=tmp_path, token=TOKEN)
    api.inject(MAGSTATS, status=302,
               headers={"Location": _localhost(other.urls["ztf_v1"]) + f"/objects/{OID}/magstats"})
    count("faults injected")
    with pytest.raises(RemoteServiceError, match="redirect not followed") as info:
        client.query_magstats(OID)
    assert TOKEN not in str(info.value)
    assert other.requests == []
    assert _token_headers(api) == [TOKEN]


def test_a_redirect_within_the_api_host_keeps_the_token(servers, tmp_path):
    api, other = servers
    client = AlerceClass(urls=_urls(api, other), cache_location=tmp_path, token=TOKEN)
    api.inject(MAGSTATS, status=307, times=1,
               headers={"Location": api.urls["ztf_v1"] + f"/objects/{OID}/magstats?x=1"})
    count("faults injected")
    assert len(client.query_magstats(OID)) == 2
    assert _token_headers(api) == [TOKEN, TOKEN]


def test_the_token_is_never_written_or_shown(servers, tmp_path, caplog, capfd):
    api, other = servers
    client = AlerceClass(urls=_urls(api, other), cache_location=tmp_path / "cache", token=TOKEN)
    shown = [repr(client), str(client)]
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from astroquery import log as astroquery_log

        level = astroquery_log.level
        astroquery_log.setLevel(5)  # astroquery's most verbose: would log request headers
        try:
            results = _everything(client)
            results += _everything(client)  # from the cache this time
            # A server that echoes the token in its error message.
            api.inject(MAGSTATS, status=401, body=f'{{"message": "bad token {TOKEN}"}}')
            with pytest.raises(RemoteServiceError) as info:
                client.query_magstats(OID, cache=False)
            shown.append(str(info.value))
            shown.append(repr(info.value))
            api.inject(MAGSTATS, status=503, body=f"upstream refused {TOKEN}")
            with pytest.raises(RemoteServiceError) as info:
                client.query_magstats(OID, cache=False)
            shown.append(str(info.value))
            api.inject(MAGSTATS, status=200, body=f'"token {TOKEN} expired"')
            with pytest.raises(RemoteServiceError) as info:
                client.query_magstats(OID, cache=False)
            shown.append(str(info.value))
        finally:
            astroquery_log.setLevel(level)
    shown += [str(client.query_magstats(OID, get_query_payload=True)),
              str(client.query_objects(oid=[OID, "ZTF18abbuive"], get_query_payload=True)),
              str(client.query_region("185.7 15.8", radius="5 arcsec", get_query_payload=True))]
    if hasattr(client, "get_stamps"):
        shown.append(str(client.get_stamps(ALERT_OID, candid=1034531143815010003,
                                           get_query_payload=True)))
    printed = capfd.readouterr()
    shown += [caplog.text, printed.out, printed.err, *(str(w.message) for w in caught)]
    shown += [repr(getattr(r, "meta", "")) for r in results]
    count("places checked for the token", len(shown))
    assert "<AUTH-TOKEN>" in " ".join(shown)  # the echoed token was replaced
    for text in shown:
        assert TOKEN not in text
    # Nothing on disk holds it either.
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert TOKEN.encode() not in path.read_bytes()


def test_the_cache_is_shared_with_and_without_a_token(servers, tmp_path):
    """The token is no part of a cache key: the answer is the same, and the key holds no
    secret."""
    api, other = servers
    with_token = AlerceClass(urls=_urls(api, other), cache_location=tmp_path, token=TOKEN)
    without = AlerceClass(urls=_urls(api, other), cache_location=tmp_path)
    with_token.query_magstats(OID)
    without.query_magstats(OID)
    assert len(api.requests) == 1


def test_https_is_the_default_of_every_service_url():
    names = ("ztf_server", "lightcurve_server", "stamps_server", "catshtm_server",
             "explorer_url")
    for name in names:
        assert getattr(Conf, name).defaultvalue.startswith("https://"), name
    if all(getattr(conf, n) == getattr(Conf, n).defaultvalue for n in names):
        assert all(url.startswith("https://") for url in AlerceClass().urls.values())
        assert AlerceClass().explorer_url(OID).startswith("https://")
