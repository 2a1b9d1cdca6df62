"""
Settings are checked where they are given (issue 17, root cause 7): the constructor, a
configured copy, the keyword of a call, `conf` (when set, and when a value reaches a request
from elsewhere, e.g. a configuration file), and the CLI (exit status 2). Each bad value ends
in one `InvalidQueryError` naming the setting and what it accepts, before any request;
before the fix they gave raw errors of requests, urllib3 or ``time.sleep``, or hung.
"""

import math
import subprocess
import sys

import numpy as np
import pytest
from reliability_helpers import OID, count

from alerce_astro import AlerceClass, conf
from alerce_astro.exceptions import InvalidQueryError
from alerce_astro.settings import check_setting

BAD = {
    "timeout": [math.nan, 0, 0.0, -1, math.inf, -math.inf, "30", True, [5]],
    "max_retries": ["x", -1, 2.5, math.nan, True, 1000],
    "max_workers": [0, -3, 1.5, "4", 33],
    "row_limit": [0, -2, 1.5, "10"],
    "page_size": [0, -1, math.nan, "50"],
}
CONF_BAD = {
    "timeout": [math.nan, 0, -1, math.inf, "x"],
    "max_retries": ["x", -1],
    "backoff_factor": [-0.5, math.nan, math.inf],
    "max_retry_delay": [-1, math.nan],
    "max_workers": [0],
    "cache_timeout": [-1, math.nan],
    "ztf_server": ["ftp://x", "", "not a url", "http://"],
}


@pytest.mark.parametrize(("name", "value"),
                         [(n, v) for n, values in BAD.items() for v in values])
def test_bad_settings_are_refused_by_the_constructor_and_by_copies(name, value, tmp_path):
    count("bad inputs tried", 2)
    with pytest.raises(InvalidQueryError, match=rf"^{name}=.* is not accepted: use ") as info:
        AlerceClass(cache_location=tmp_path, **{name: value})
    assert "seconds" in str(info.value) or "whole number" in str(info.value)
    with pytest.raises(InvalidQueryError, match=rf"^{name}="):
        AlerceClass(cache_location=tmp_path)(**{name: value})


@pytest.mark.parametrize("timeout", [math.nan, 0, -1, math.inf, "5"])
def test_a_bad_timeout_of_a_call_is_refused_before_any_request(client, server, timeout):
    count("bad inputs tried")
    with pytest.raises(InvalidQueryError, match=r"^timeout=.*finite number of seconds > 0"):
        client.query_tap("SELECT 1", timeout=timeout)
    assert server.requests == []


@pytest.mark.parametrize(("name", "value"),
                         [(n, v) for n, values in CONF_BAD.items() for v in values])
def test_bad_conf_items_are_refused_when_set_and_conf_is_unchanged(name, value):
    count("bad inputs tried", 2)
    before = getattr(conf, name)
    with pytest.raises(InvalidQueryError, match=rf"^conf\.{name}=.* is not accepted: use "):
        setattr(conf, name, value)
    assert getattr(conf, name) == before
    with pytest.raises(InvalidQueryError, match=rf"^conf\.{name}="):
        with conf.set_temp(name, value):
            pass  # pragma: no cover - refused on entry
    assert getattr(conf, name) == before


def test_good_values_are_kept_with_their_types(tmp_path):
    client = AlerceClass(cache_location=tmp_path, timeout=np.float32(2.5), max_retries=0,
                         max_workers=np.int64(32), row_limit=-1, page_size=1)
    settings = client._request_settings()
    assert (settings.timeout, settings.max_retries) == (2.5, 0)
    assert client(timeout=7)._request_settings().timeout == 7.0
    with conf.set_temp("backoff_factor", 0):
        assert client._request_settings().backoff_factor == 0.0
    assert check_setting("row_limit", -1) == -1
    assert check_setting("cache_timeout", 0) == 0.0


def test_a_bad_value_reaching_a_request_from_elsewhere_is_named(client, server):
    # What a configuration file holds is read by astropy without our check (as here, written
    # into astropy's configuration object): the request refuses it.
    from astropy.config import get_config

    item = type(conf).__dict__["backoff_factor"]
    section = get_config(item.module, rootname=item.rootname)
    before = conf.backoff_factor
    section[item.name] = -2.0
    try:
        with pytest.raises(InvalidQueryError, match=r"^conf\.backoff_factor=-2.0"):
            client.query_magstats(OID)
    finally:
        conf.backoff_factor = before
    assert server.requests == []


@pytest.mark.parametrize("value", ["nan", "0", "-1", "inf", "x"])
def test_the_cli_says_usage_error_exit_2(value):
    count("bad inputs tried")
    run = subprocess.run([sys.executable, "-m", "alerce_astro.cli", "object", "ZTF00aaaaaab",
                          "--offline", "--timeout", value],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "internal error" not in run.stderr
    assert "timeout" in run.stderr


def test_conf_changes_between_calls_are_honoured(tmp_path):
    # Settings are read through a memo of validated values (a request's CPU time): each change
    # of conf, by assignment, set_temp, a configuration file's text or reset, is seen by the
    # next call, and a client's own setting still wins.
    from astropy.config import get_config

    client = AlerceClass(cache_location=tmp_path)
    mine = AlerceClass(cache_location=tmp_path, timeout=7, urls={"ztf_v1": "http://mine:1/v1"})
    before = client._request_settings()
    with conf.set_temp("timeout", 3.5), conf.set_temp("ztf_server", "http://h:9/ztf"):
        assert client._request_settings().timeout == 3.5
        assert client.urls["ztf_v1"] == "http://h:9/ztf"
        assert mine._request_settings().timeout == 7.0
        assert mine.urls["ztf_v1"] == "http://mine:1/v1"
        with conf.set_temp("token", "abc.def"):
            settings = client._request_settings()
            assert settings.token == "abc.def" and "h" in settings.token_hosts
        assert client._request_settings().token is None
    assert client._request_settings() == before
    item = type(conf).__dict__["max_retry_delay"]
    section = get_config(item.module, rootname=item.rootname)
    saved = conf.max_retry_delay
    try:
        section[item.name] = "12.5"  # as a configuration file gives it: text
        assert client._request_settings().max_retry_delay == 12.5
        conf.max_retry_delay = 4
        assert client._request_settings().max_retry_delay == 4.0
        conf.reset("max_retry_delay")
        assert client._request_settings().max_retry_delay == item.defaultvalue
    finally:
        conf.max_retry_delay = saved
