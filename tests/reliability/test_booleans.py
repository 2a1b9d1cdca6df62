"""
Boolean arguments accept only booleans (issue 17, root cause 9).

Before the fix ``get_lightcurve(oid, forced_photometry="no")`` fetched the forced photometry
("no" is true in Python), ``cache="no"`` turned the cache on, and so on for every flag.
Every boolean argument of every public method of the client (those with a True/False
default, plus ``cache`` and ``progress`` where None means the default) is now checked with
`alerce_astro.validation.check_bool` before the method runs, for the parts of the client
written later too.
"""

import inspect

import numpy as np
import pytest
from reliability_helpers import OID, count

from alerce_astro import AlerceClass
from alerce_astro.exceptions import InvalidQueryError


def _boolean_arguments():
    found = []
    for name in dir(AlerceClass):
        method = getattr(AlerceClass, name)
        if name.startswith("_") or not inspect.isfunction(method):
            continue
        for param in inspect.signature(method).parameters.values():
            if isinstance(param.default, bool) or (param.name in ("cache", "progress")
                                                   and param.default is None):
                found.append((name, param.name))
    return found


ARGUMENTS = _boolean_arguments()


def test_the_flags_of_the_issue_are_all_there():
    names = {a for _, a in ARGUMENTS}
    assert {"non_detections", "forced_photometry", "subpixel", "per_catalog", "cache",
            "get_query_payload", "progress"} <= names
    assert ("get_lightcurve", "forced_photometry") in ARGUMENTS
    assert len(ARGUMENTS) >= 50


@pytest.mark.parametrize(("method", "argument"), ARGUMENTS)
@pytest.mark.parametrize("value", ["no", "False", 0, 1, np.array([True])])
def test_every_boolean_argument_refuses_what_is_not_a_boolean(client, server, method,
                                                              argument, value):
    count("bad inputs tried")
    with pytest.raises(InvalidQueryError, match=rf"^{argument} must be True") as info:
        getattr(client, method)(**{argument: value})
    assert repr(value)[:20] in str(info.value)
    assert server.requests == []


def test_the_issue_call_is_refused_and_booleans_of_numpy_are_fine(client, server):
    with pytest.raises(InvalidQueryError, match="forced_photometry must be True or False, "
                                                "got 'no'"):
        client.get_lightcurve(OID, forced_photometry="no")
    assert server.requests == []
    lc = client.get_lightcurve(OID, non_detections=np.False_, cache=np.True_)
    assert set(lc["kind"]) == {"detection"}
    payload = client.query_magstats(OID, get_query_payload=True, cache=None)
    assert payload["url"].endswith("/magstats")


def test_the_wrapped_methods_keep_their_names_signatures_and_docs():
    method = AlerceClass.get_lightcurve
    assert method.__name__ == "get_lightcurve"
    assert "forced_photometry" in inspect.signature(method).parameters
    assert "Parameters" in method.__doc__


# Candids written with digits that are not ASCII (superscripts, Arabic-Indic, full-width):
# str.isdigit() says yes and int() reads some of them, so each path must refuse them itself.
@pytest.mark.parametrize("candid", ["\u00b9\u00b2\u00b3", "1\u00b23", "\u0661\u0662\u0663",
                                    "\uff11\uff12\uff13", "1101542291015015004\u00b2"])
@pytest.mark.parametrize("method", ["get_stamps", "get_images", "plot_stamps", "get_avro_info"])
def test_candids_with_non_ascii_digits_are_a_clear_error_on_every_path(client, server, method,
                                                                       candid):
    count("bad inputs tried")
    call = getattr(client, method)
    with pytest.raises(InvalidQueryError, match=r"candid must be a detection id"):
        if method == "get_avro_info":
            call(candid, oid=OID)
        else:
            call(OID, candid=candid)
    assert server.requests == []
