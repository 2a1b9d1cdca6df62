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


# --------------------------------------------------------------------------------------------
# Every form of the token, through every output: long (425 characters, standard base64 with
# '+', '/' and '=' that URL encoding changes), short (10 characters) and JWT-like tokens.

def _long_token():
    import base64
    import hashlib

    raw = b"".join(hashlib.sha512(bytes([i])).digest() for i in range(5))
    body = base64.b64encode(raw).decode()  # has '+' and '/' (and '=' below)
    token = f"{body[:150]}.{body[150:300]}.{body[300:]}"
    token = (token + "+/=" * 200)[:425]
    assert len(token) == 425 and {"+", "/"} <= set(token)
    return token


TOKENS = {"long": _long_token(), "short": "Zq7+x/9Lm2", "jwt": TOKEN}


def _forms(token):
    """The ways a server or proxy might echo a token (name -> text)."""
    from urllib.parse import quote

    mid = len(token) // 2
    return {
        "whole": token,
        "split-by-spaces": " ".join(token[i:i + 7] for i in range(0, len(token), 7)),
        "split-by-line-breaks": token[:mid] + "\r\n\t" + token[mid:],
        "url-encoded": quote(token, safe=""),
        "every-character-percent-encoded": "".join(f"%{b:02x}" for b in token.encode()),
        "percent-encoded-upper-case": "".join(f"%{b:02X}" for b in token.encode()),
        "encoded-twice": quote(quote(token, safe=""), safe=""),
        "json-escapes": "".join(f"\\u{b:04x}" for b in token.encode()),
        "html-references": "".join(f"&#{b};" for b in token.encode()),
        "prefix-of-8": token[:8],
        "half-cut-by-the-server": token[:mid] + "...",
        "suffix": "..." + token[-12:],
    }


def _visible(text):
    """``text`` with every encoding undone and white space dropped (stdlib decoders only)."""
    import html
    import re
    from urllib.parse import unquote

    for _ in range(3):
        text = text.replace("\\/", "/")
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        text = html.unescape(unquote(text))
    return "".join(text.split())


def _leaks(text, token):
    """Whether ``text`` shows 8 or more consecutive characters of ``token`` in any form."""
    seen = _visible(str(text))
    n = min(8, len(token))
    return any(token[i:i + n] in seen for i in range(len(token) - n + 1))


def _everything_shown(exc):
    """What an exception shows: str, repr, the printed traceback and every chained one."""
    import traceback

    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    # The local variables of the package's frames, as a debugger or --showlocals shows them.
    stack = traceback.TracebackException.from_exception(exc, capture_locals=True).stack
    texts += [repr(frame.locals) for frame in stack if frame.filename != __file__]
    for chained in (exc.__cause__, exc.__context__):
        if chained is not None:
            texts += [str(chained), repr(chained), repr(vars(chained)),
                      repr(getattr(chained, "doc", ""))]
    return texts


def _filler(n):
    return "lorem ipsum dolor sit amet " * (n // 27 + 1)


@pytest.mark.parametrize("form", list(_forms(TOKEN)))
@pytest.mark.parametrize("kind", list(TOKENS))
def test_an_echoed_token_in_any_form_reaches_no_message(servers, tmp_path, kind, form):
    api, other = servers
    token = TOKENS[kind]
    echo = _forms(token)[form]
    client = AlerceClass(urls=_urls(api, other), cache_location=tmp_path, token=token,
                         max_retries=1)
    # The token starts 250 characters into a long message: the 300-character cut falls
    # inside it.
    long_message = f"{_filler(240)[:240]} bad token {echo} {_filler(400)}"
    answers = [
        (401, {"message": long_message}, RemoteServiceError),
        (400, {"detail": f"token {echo} rejected"}, RemoteServiceError),
        (404, {"message": f"{echo} not found"}, RemoteServiceError),
        (503, f"<html><title>upstream {echo} refused</title></html>", RemoteServiceError),
        (200, f'"token {echo} expired"', RemoteServiceError),  # an error string with 200
        (200, f"<html><body>session {echo}</body></html>", RemoteServiceError),
        (200, f'{{"message": "{long_message}"', RemoteServiceError),  # invalid JSON
    ]
    shown = []
    for status, body, error in answers:
        api.clear_injections()
        api.inject(MAGSTATS, status=status, body=body)
        count("faults injected")
        with pytest.raises(error) as info:
            client.query_magstats(OID, cache=False)
        assert info.value.__context__ is None and info.value.__cause__ is None
        shown += _everything_shown(info.value)
    count("places checked for the token", len(shown))
    # Fewer than 8 characters of a token are no secret: left as they are.
    assert any("<AUTH-TOKEN>" in text for text in shown) == _leaks(echo, token)
    leaked = [text[:200] for text in shown if _leaks(text, token)]
    assert leaked == []


@pytest.mark.parametrize("kind", list(TOKENS))
def test_the_token_is_in_no_log_record_even_at_debug(servers, tmp_path, caplog, kind):
    from urllib.parse import quote

    api, other = servers
    token = TOKENS[kind]
    client = AlerceClass(urls=_urls(api, other), cache_location=tmp_path, token=token,
                         max_retries=1)
    # A redirect within the API host (followed) whose URL carries the token: urllib3 logs the
    # URL of every request at DEBUG level.
    api.inject(MAGSTATS, status=307, times=1,
               headers={"Location": api.urls["ztf_v1"] + f"/objects/{OID}/magstats?session="
                        + quote(token, safe="")})
    with caplog.at_level(logging.DEBUG):
        assert len(client.query_magstats(OID, cache=False)) == 2
        api.inject(MAGSTATS, status=401, body={"message": f"bad token {token}"})
        with pytest.raises(RemoteServiceError):
            client.query_magstats(OID, cache=False)
        logging.getLogger("alerce_astro").debug("sending %s", token)
    records = [r.getMessage() for r in caplog.records]
    count("places checked for the token", len(records) + 1)
    assert any("session=<AUTH-TOKEN>" in r for r in records)  # urllib3 logged the URL
    assert [r for r in records if _leaks(r, token)] == []
    assert not _leaks(caplog.text, token)


@pytest.mark.parametrize("form", ["whole", "split-by-line-breaks", "json-escapes",
                                  "url-encoded", "prefix-of-8"])
@pytest.mark.parametrize("kind", list(TOKENS))
def test_an_answer_that_echoes_the_token_is_not_cached(servers, tmp_path, kind, form):
    import json

    import requests

    api, other = servers
    token = TOKENS[kind]
    rows = requests.get(api.urls["ztf_v1"] + f"/objects/{OID}/magstats", timeout=10).json()
    api.reset_requests()
    rows[0]["note"] = "placeholder"
    echo = _forms(token)[form]
    # JSON escapes of line breaks, quotes and backslashes, or of every character.
    note = f'"{echo}"' if form == "json-escapes" else json.dumps(echo)
    body = json.dumps(rows).replace('"placeholder"', note)
    api.inject(MAGSTATS, body=body, headers={"Content-Type": "application/json"})
    client = AlerceClass(urls=_urls(api, other), cache_location=tmp_path / "cache",
                         token=token)
    assert len(client.query_magstats(OID)) == 2
    assert len(client.query_magstats(OID)) == 2
    assert len(api.requests) == 2  # not served from the cache: it was never written
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert [p for p in files if _leaks(p.read_bytes().decode("latin-1"), token)] == []


@pytest.mark.parametrize("kind", list(TOKENS))
def test_the_configuration_never_shows_the_token(capsys, kind):
    token = TOKENS[kind]
    with conf.set_temp("token", token):
        assert conf.token == token  # the value itself is there for the client
        print(conf)
        conf.help()
        conf.help("token")
        shown = [capsys.readouterr().out, repr(Conf.token), str(Conf.token),
                 repr(list(conf.items())), repr(list(conf.values()))]
    count("places checked for the token", len(shown))
    assert "value='<AUTH-TOKEN>'" in shown[0]
    assert [text[:200] for text in shown if _leaks(text, token)] == []


@pytest.mark.parametrize("kind", list(TOKENS))
def test_reprs_and_payloads_never_show_the_token(servers, tmp_path, kind):
    api, other = servers
    token = TOKENS[kind]
    client = AlerceClass(urls=_urls(api, other), cache_location=tmp_path, token=token)
    shown = [repr(client), str(client), repr(client._request_settings()),
             repr(client(timeout=5))]
    payloads = [
        client.query_object(OID, get_query_payload=True),
        client.query_magstats(OID, get_query_payload=True),
        client.query_probabilities(OID, get_query_payload=True),
        client.query_features(OID, get_query_payload=True),
        client.query_objects(oid=[OID, "ZTF18abbuive"], get_query_payload=True),
        client.query_region("185.7 15.8", radius="5 arcsec", get_query_payload=True),
        client.list_classifiers(get_query_payload=True),
        client.get_lightcurve(OID, forced_photometry=True, get_query_payload=True),
        client.get_stamps(ALERT_OID, candid=1034531143815010003, get_query_payload=True),
        client.get_avro_info(1034531143815010003, get_query_payload=True),
        client.query_catalogs(CONE, radius=10 * u.arcsec, get_query_payload=True),
        client.query_nearest(CONE, get_query_payload=True),
    ]
    shown += [repr(p) for p in payloads]
    count("places checked for the token", len(shown))
    assert [text[:200] for text in shown if _leaks(text, token)] == []


@pytest.mark.parametrize("kind", list(TOKENS))
def test_the_command_line_never_prints_the_token(servers, capsys, kind):
    from alerce_astro.cli import main

    api, other = servers
    token = TOKENS[kind]
    base = api.urls["ztf_v1"][:-len("/ztf/v1")]
    long_message = f"{_filler(240)[:240]} bad token {token} {_filler(400)}"
    outputs = []
    with conf.set_temp("token", token), conf.set_temp("max_retries", 1):
        for status, body in ((401, {"message": long_message}),
                             (503, f"<html><title>{token}</title></html>"),
                             (200, f'"token {token} expired"')):
            api.clear_injections()
            api.inject(MAGSTATS, status=status, body=body)
            assert main(["magstats", OID, "--server", base, "--no-cache"]) == 4
            printed = capsys.readouterr()
            outputs += [printed.out, printed.err]
    count("places checked for the token", len(outputs))
    assert sum("<AUTH-TOKEN>" in text for text in outputs) == 3
    assert [text[:200] for text in outputs if _leaks(text, token)] == []
    assert all(value == token for value in _token_headers(api))
