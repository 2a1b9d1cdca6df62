"""
Bad input across the public API: every case is refused with an `InvalidQueryError` that names
the argument, before any request leaves the client (the offline server's log stays empty), with
or without ``get_query_payload``. Then: path segments are always URL-escaped, and a LIKE wildcard
reaches the service only when the user asked for a pattern.
"""

import inspect
import itertools
import string
import warnings
from urllib.parse import parse_qsl, unquote

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.time import Time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import OID, count

from alerce_astro.exceptions import InvalidQueryError, NoResultsWarning, ObjectNotFoundError
from alerce_astro.surveys import ztf as ids
from alerce_astro.validation import (
    check_bool,
    check_choice,
    check_int,
    check_probability,
    parse_coordinates,
    parse_mjd,
    parse_radius,
    parse_range,
)

POS = "185.7289 15.8236"
R = 10 * u.arcsec


def _oids(n):
    """``n`` distinct well-formed object ids."""
    letters = itertools.product(string.ascii_lowercase, repeat=7)
    return [f"ZTF20{''.join(next(letters))}" for _ in range(n)]


# (id, method, args, kwargs, text the message must hold: the argument's name)
CASES = [
    # object ids: case, length, white space, separators, wildcards, unicode, types
    ("oid-lower-case-prefix", "query_object", ("ztf20aaelulu",), {}, "oid"),
    ("oid-upper-case", "query_object", ("ZTF20AAELULU",), {}, "oid"),
    ("oid-too-short", "query_object", ("ZTF20aaelul",), {}, "oid"),
    ("oid-too-long", "query_object", ("ZTF20aaelulux",), {}, "oid"),
    ("oid-spaces", "query_object", (" ZTF20aaelulu ",), {}, "oid"),
    ("oid-inner-space", "query_object", ("ZTF20 aaelulu",), {}, "oid"),
    ("oid-newline", "query_object", ("ZTF20aaelulu\n",), {}, "oid"),
    ("oid-nul", "query_object", ("ZTF20aaelulu\x00",), {}, "oid"),
    ("oid-slash", "query_object", ("ZTF20aaelulu/magstats",), {}, "oid"),
    ("oid-dotdot", "query_object", ("../ZTF20aaelulu",), {}, "oid"),
    ("oid-percent", "query_object", ("ZTF20aa%lulu",), {}, "oid"),
    ("oid-star", "query_object", ("ZTF20aael*",), {}, "oid"),
    ("oid-underscore", "query_object", ("ZTF20aa_lulu",), {}, "oid"),
    ("oid-accent", "query_object", ("ZTF20aaélulu",), {}, "oid"),
    ("oid-fullwidth-letters", "query_object", ("ＺＴＦ20aaelulu",), {}, "oid"),
    ("oid-query-string", "query_magstats", ("ZTF20aaelulu?fid=1",), {}, "oid"),
    ("oid-fragment", "query_magstats", ("ZTF20aaelulu#x",), {}, "oid"),
    # (a positive integer is an LSST id, which a client without a chosen survey follows)
    ("oid-int-zero", "query_object", (0,), {}, "oid"),
    ("oid-float", "query_magstats", (1.5,), {}, "oid"),
    ("oid-none-magstats", "query_magstats", (None,), {}, "oid"),
    ("oid-empty-string", "query_probabilities", ("",), {}, "oid"),
    ("oid-empty-list", "query_object", ([],), {}, "oid"),
    ("oid-list-one-bad", "query_object", ([OID, "ZTF20aa"],), {}, "oid"),
    ("oid-list-of-ints", "query_objects", (), {"oid": [1, 2]}, "oid"),
    ("oid-100000", "query_objects", (), {"oid": _oids(100_000)}, "oid"),
    ("pattern-percent", "query_objects", (), {"oid": "ZTF20aa%"}, "oid"),
    ("pattern-underscore", "query_objects", (), {"oid": "ZTF2_aa*"}, "oid"),
    ("pattern-only-star", "query_objects", (), {"oid": "**"}, "oid"),
    ("pattern-space", "query_objects", (), {"oid": "ZTF20 aa*"}, "oid"),
    ("pattern-slash", "query_objects", (), {"oid": "ZTF20/aa*"}, "oid"),
    # radii
    ("radius-bare-number", "query_region", (POS,), {"radius": 30}, "radius"),
    ("radius-numpy-number", "query_region", (POS,), {"radius": np.float64(30)}, "radius"),
    ("radius-string-without-unit", "query_region", (POS,), {"radius": "30"}, "radius"),
    ("radius-negative", "query_region", (POS,), {"radius": -1 * u.arcsec}, "radius"),
    ("radius-nan", "query_region", (POS,), {"radius": np.nan * u.arcsec}, "radius"),
    ("radius-inf", "query_region", (POS,), {"radius": np.inf * u.arcsec}, "radius"),
    ("radius-huge", "query_region", (POS,), {"radius": 10 * u.deg}, "radius"),
    ("radius-length-unit", "query_region", (POS,), {"radius": 30 * u.m}, "radius"),
    ("radius-words", "query_region", (POS,), {"radius": "thirty arcsec"}, "radius"),
    ("radius-two-values", "query_region", (POS,), {"radius": [1, 2] * u.arcsec}, "radius"),
    ("radius-none", "query_region", (POS,), {"radius": None}, "radius"),
    ("radius-bool", "query_region", (POS,), {"radius": True}, "radius"),
    # positions
    ("coord-dec-out-of-range", "query_region", ("185.7 95",), {"radius": R}, "coordinates"),
    ("coord-nan-skycoord", "query_region", (SkyCoord(np.nan, np.nan, unit="deg"),),
     {"radius": R}, "coordinates"),
    ("coord-nan-string", "query_region", ("nan nan",), {"radius": R}, "coordinates"),
    ("coord-words", "query_region", ("M31 please",), {"radius": R}, "coordinates"),
    ("coord-empty", "query_region", ("",), {"radius": R}, "coordinates"),
    ("coord-tuple", "query_region", ((185.7, 15.8),), {"radius": R}, "coordinates"),
    ("coord-two-positions", "query_region", (SkyCoord([1, 2], [3, 4], unit="deg"),),
     {"radius": R}, "coordinates"),
    ("coord-altaz-without-time", "query_region",
     (SkyCoord(az=10 * u.deg, alt=20 * u.deg, frame="altaz"),), {"radius": R}, "coordinates"),
    ("region-with-oid", "query_region", (POS,), {"radius": R, "oid": OID}, "oid"),
    ("region-unknown-criterion", "query_region", (POS,), {"radius": R, "colour": "red"},
     "colour"),
    # criteria of the object list
    ("ndet-inverted", "query_objects", (), {"ndet": (50, 10)}, "ndet"),
    ("ndet-not-whole", "query_objects", (), {"ndet": (1.5, 3)}, "ndet"),
    ("ndet-string", "query_objects", (), {"ndet": "10"}, "ndet"),
    ("ndet-nan", "query_objects", (), {"ndet": (np.nan, 5)}, "ndet"),
    ("ndet-three-values", "query_objects", (), {"ndet": (1, 2, 3)}, "ndet"),
    ("ndet-set", "query_objects", (), {"ndet": {1, 5}}, "ndet"),
    ("firstmjd-inverted", "query_objects", (), {"firstmjd": (59000, 58000)}, "firstmjd"),
    ("firstmjd-nan", "query_objects", (), {"firstmjd": (np.nan, None)}, "firstmjd"),
    ("firstmjd-date-string", "query_objects", (), {"firstmjd": ("2020-01-01", None)},
     "firstmjd"),
    ("lastmjd-inverted-times", "query_objects", (),
     {"lastmjd": (Time("2021-01-01"), Time("2020-01-01"))}, "lastmjd"),
    ("probability-above-one", "query_objects", (), {"probability": 1.5}, "probability"),
    ("probability-nan", "query_objects", (), {"probability": np.nan}, "probability"),
    ("probability-word", "query_objects", (), {"probability": "high"}, "probability"),
    ("ranking-zero", "query_objects", (), {"ranking": 0}, "ranking"),
    ("ranking-bool", "query_objects", (), {"ranking": True}, "ranking"),
    ("order-by-unknown", "query_objects", (), {"order_by": "magpsf"}, "order_by"),
    ("order-by-injection", "query_objects", (), {"order_by": "oid; DROP TABLE object"},
     "order_by"),
    ("order-mode-lower-case", "query_objects", (), {"order_by": "oid", "order_mode": "asc"},
     "order_mode"),
    ("order-mode-alone", "query_objects", (), {"order_mode": "DESC"}, "order_mode"),
    ("row-limit-zero", "query_objects", (), {"row_limit": 0}, "row_limit"),
    ("row-limit-fraction", "query_objects", (), {"row_limit": 2.5}, "row_limit"),
    ("row-limit-array", "query_objects", (), {"row_limit": np.array([5, 6])}, "row_limit"),
    ("page-size-zero", "query_objects", (), {"page_size": 0}, "page_size"),
    ("page-size-huge", "query_objects", (), {"page_size": 10**6}, "page_size"),
    ("classifier-blank", "query_objects", (), {"classifier": "   "}, "classifier"),
    ("classifier-number", "query_objects", (), {"classifier": 42}, "classifier"),
    ("class-name-list", "query_objects", (), {"class_name": ["SNIa"]}, "class_name"),
    ("classifier-version-number", "query_objects", (), {"classifier_version": 1},
     "classifier_version"),
    # per-object resources
    ("probabilities-classifier-empty", "query_probabilities", (OID,), {"classifier": ""},
     "classifier"),
    ("probabilities-version-number", "query_probabilities", (OID,),
     {"classifier_version": 1.1}, "classifier_version"),
    ("features-unknown-band", "query_features", (OID,), {"fid": 4}, "fid"),
    ("features-band-name", "query_features", (OID,), {"fid": "g"}, "fid"),
    ("features-band-bool", "query_features", (OID,), {"fid": True}, "fid"),
    ("features-band-array", "query_features", (OID,), {"fid": np.array([1, 2])}, "fid"),
    ("features-names-empty-list", "query_features", (OID,), {"names": []}, "names"),
    ("features-names-number", "query_features", (OID,), {"names": [1]}, "names"),
    ("features-names-empty-string", "query_features", (OID,), {"names": ""}, "names"),
    ("features-version-empty", "query_features", (OID,), {"version": ""}, "version"),
    ("classes-classifier-empty", "list_classes", ("", "v1"), {}, "classifier"),
    ("classes-version-none", "list_classes", ("lc_classifier", None), {}, "version"),
    ("classes-classifier-number", "list_classes", (3, "v1"), {}, "classifier"),
    # links
    ("explorer-empty-list", "explorer_url", ([],), {}, "oids"),
    ("explorer-slash", "explorer_url", ("ZTF20aaelulu/x",), {}, "oids"),
    ("explorer-bad-in-list", "explorer_url", ([OID, "nope"],), {}, "oids"),
    ("explorer-urls-bad", "explorer_urls", (["ZTF20aaelulu", 7],), {}, "oids"),
    pytest.param("explorer-201-ids", "explorer_url", (_oids(201),), {}, "oids",
                 id="explorer-201-ids"),
    pytest.param("oid-none", "query_object", (None,), {}, "oid",
                 id="oid-none"),
    pytest.param("oid-arabic-indic-digits", "query_object", ("ZTF٢٠aaelulu",), {}, "oid",
                 id="oid-arabic-indic-digits"),
    # candids with digits that are not ASCII: int() reads some (Arabic-Indic, fullwidth) and
    # raises ValueError on others (superscripts)
    *[pytest.param(f"candid-{name}-{method}", method, args, {"candid": text}, "candid",
                   id=f"candid-{name}-{method}")
      for name, text in (("superscripts", "¹²³"), ("superscript-inside", "1034531143815010²03"),
                         ("arabic-indic", "١٠٣٤٥٣١١٤٣٨١٥٠١٠٠٠٣"), ("fullwidth", "１２３"),
                         ("devanagari", "१२३"), ("circled", "①②③"))
      for method, args in (("get_stamps", (OID,)), ("get_images", (OID,)),
                           ("plot_stamps", (OID,)))],
    *[pytest.param(f"avro-candid-{name}", "get_avro_info", (text,), {}, "candid",
                   id=f"avro-candid-{name}")
      for name, text in (("superscripts", "¹²³"), ("arabic-indic", "١٢٣"), ("fullwidth", "１２３"),
                         ("mixed", "12³"))],
]


def _call(client, method, args, kwargs, **extra):
    return getattr(client, method)(*args, **kwargs, **extra)


@pytest.mark.parametrize(
    ("case", "method", "args", "kwargs", "argument"),
    [c if hasattr(c, "marks") else pytest.param(*c, id=c[0]) for c in CASES])
def test_bad_input_is_refused_before_any_request(client, server, case, method, args, kwargs,
                                                 argument):
    variants = [{}]
    if "get_query_payload" in inspect.signature(getattr(client, method)).parameters:
        variants.append({"get_query_payload": True})
    for extra in variants:
        count("bad inputs tried")
        with pytest.raises(InvalidQueryError) as info:
            _call(client, method, args, kwargs, **extra)
        message = str(info.value)
        assert argument in message, message
        assert len(message) < 2000  # 100,000 ids are not echoed back
    assert server.requests == []
    assert client._transport.requests_sent == 0


def test_the_table_has_at_least_forty_cases():
    assert len(CASES) >= 40


def test_a_token_that_is_not_a_header_value_is_refused_without_being_shown(server, tmp_path):
    from alerce_astro import AlerceClass

    for token in ("abc\r\nX-Evil: 1", "two words", "tab\there", "é-unicode", b"bytes-token", 42):
        count("bad inputs tried")
        client = AlerceClass(urls=server.urls, cache_location=tmp_path, token=token)
        with pytest.raises(InvalidQueryError, match="AUTH-TOKEN") as info:
            client.query_magstats(OID)
        assert str(token) not in str(info.value)
    assert server.requests == []


def test_bad_service_urls_fail_at_once_and_clearly(tmp_path):
    from alerce_astro import AlerceClass

    with pytest.raises(InvalidQueryError, match="unknown services"):
        AlerceClass(urls={"ztff": "https://x"})
    # Refused where they are given (issue 17.7), naming the setting, before any request.
    for base in ("ftp://127.0.0.1/ztf/v1", "127.0.0.1/ztf/v1", "http://127.0.0.1:99999/ztf",
                 None, "", " http://127.0.0.1/ztf", "http://", "http://exa mple.org", 42):
        count("bad inputs tried")
        with pytest.raises(InvalidQueryError, match=r"urls\['ztf_v1'\]=.* http:// or https://"):
            AlerceClass(urls={"ztf_v1": base}, cache_location=tmp_path)
        with pytest.raises(InvalidQueryError, match=r"urls\['ztf_v1'\]"):
            AlerceClass()(urls={"ztf_v1": base})


# --------------------------------------------------------------------------------------------
# Documented behaviours of unusual but valid input: a request is sent, the answer is right.

def test_ra_outside_0_360_wraps_like_astropy(client, server):
    count("bad inputs tried", 2)
    wrapped = client.query_region("400 15.8", radius=R, get_query_payload=True)
    plain = client.query_region("40 15.8", radius=R, get_query_payload=True)
    assert wrapped["params"] == plain["params"]
    negative = client.query_region("-174.2711 15.8236", radius=R, get_query_payload=True)
    assert dict(negative["params"])["ra"] == repr(185.7289)
    assert server.requests == []


@pytest.mark.parametrize(("kwargs", "what"), [
    ({"classifier": "no_such_classifier"}, "classifier"),
    ({"classifier": "lc_classifier", "class_name": "NoSuchClass"}, "class_name"),
])
def test_unknown_classifier_or_class_is_refused_before_the_list_request(client, server,
                                                                       kwargs, what):
    # Issue 16.5: checked against list_classifiers (once), never an empty table.
    from alerce_astro.client.class_names import forget_class_names

    forget_class_names()  # the list is kept an hour per server: ask this one again
    count("bad inputs tried")
    with pytest.raises(InvalidQueryError, match=f"{what}=.* is not a"):
        client.query_objects(**kwargs)
    assert [r["path"].rsplit("/v1", 1)[-1] for r in server.requests] == ["/classifiers/"]


def test_unknown_classifier_of_an_object_gives_an_empty_table(client):
    count("bad inputs tried")
    with pytest.warns(NoResultsWarning):
        table = client.query_probabilities(OID, classifier="no_such_classifier")
    assert len(table) == 0
    assert "probability" in table.colnames


def test_unknown_classifier_version_is_not_found(client):
    count("bad inputs tried")
    with pytest.raises(ObjectNotFoundError, match="404"):
        client.list_classes("no_such_classifier", "v0")


def test_unknown_feature_name_gives_an_empty_table(client):
    count("bad inputs tried")
    with pytest.warns(NoResultsWarning, match="no_such_feature"):
        table = client.query_features(OID, names="no_such_feature")
    assert len(table) == 0 and "value" in table.colnames


# --------------------------------------------------------------------------------------------
# Path segments are escaped: a user's text never becomes a path or a query of its own.

ODD_NAMES = ["a/b", "a?b=1", "a#b", "a b", "a%2Fb", "é", "*", "a;b", "a\\b", "%", "~x", "...",
             ".", ".."]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_path_segments_are_escaped(client, server, name):
    count("bad inputs tried")
    with pytest.raises(ObjectNotFoundError):
        client.list_classes(name, "v1")
    (request,) = server.requests
    prefix = "/ztf/v1/classifiers/"
    assert request["path"].startswith(prefix)
    assert request["query"] == ""
    segments = request["path"][len(prefix):].split("/")
    assert [unquote(s) for s in segments] == [name, "v1", "classes"]


def test_feature_names_are_escaped_or_filtered_locally(client, server):
    count("bad inputs tried", 2)
    with pytest.warns(NoResultsWarning):
        client.query_features(OID, names="x y?z")
    assert server.requests[-1]["path"] == f"/ztf/v1/objects/{OID}/features/x%20y%3Fz"
    # A name with '/' has no route of its own: the full list is fetched and filtered here.
    with pytest.warns(NoResultsWarning):
        client.query_features(OID, names="a/b")
    assert server.requests[-1]["path"] == f"/ztf/v1/objects/{OID}/features"


# --------------------------------------------------------------------------------------------
# LIKE wildcards (the service's '%' and '_') are sent only when the user asked for a pattern.

def _oid_params(server):
    return [v for r in server.requests for k, v in parse_qsl(r["query"]) if k == "oid"]


def test_an_exact_id_sends_no_wildcard_and_finds_only_itself(client, server):
    table = client.query_objects(oid=OID)
    assert list(table["oid"]) == [OID]
    sent = _oid_params(server)
    assert sent == [OID]
    assert not any(c in "".join(sent) for c in "%_*")


def test_a_list_of_ids_is_sent_verbatim(client, server):
    oids = ["ZTF18abbuive", OID]
    table = client.query_objects(oid=oids)
    assert list(table["oid"]) == oids
    assert _oid_params(server) == oids


def test_a_pattern_is_sent_only_when_asked_for(client, server):
    table = client.query_objects(oid="ZTF20aael*")
    assert OID in list(table["oid"])
    assert all(o.startswith("ZTF20aael") for o in table["oid"])
    assert _oid_params(server) == ["ZTF20aael*"]


# --------------------------------------------------------------------------------------------
# Property: the validators return a value or raise InvalidQueryError, whatever they are given.

_ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.binary(max_size=10), st.lists(st.integers(-5, 5), max_size=3),
    st.tuples(st.floats(allow_nan=True), st.floats(allow_nan=True)),
    st.tuples(st.none(), st.integers(-100, 100)),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.builds(lambda v, unit: v * unit, st.floats(allow_nan=True, width=32),
              st.sampled_from([u.arcsec, u.deg, u.m, u.dimensionless_unscaled])),
    st.builds(lambda a, b: np.array([a, b]), st.integers(-3, 3), st.integers(-3, 3)),
)

_VALIDATORS = [
    lambda v: parse_radius(v),
    lambda v: parse_coordinates(v),
    lambda v: parse_range(v, argument="ndet", kind="int"),
    lambda v: parse_range(v, argument="firstmjd", kind="mjd"),
    lambda v: parse_range(v, argument="x"),
    lambda v: parse_mjd(v, argument="firstmjd"),
    lambda v: check_choice(v, ids.FEATURE_FIDS, argument="fid"),
    lambda v: check_int(v, argument="row_limit", minimum=1, allow=(-1,)),
    lambda v: check_probability(v),
    lambda v: ids.validate_oid(v),
    lambda v: ids.validate_oids(v),
    lambda v: ids.validate_candid(v),
    lambda v: ids.validate_band(v),
    lambda v: check_bool(v, argument="forced_photometry"),
    lambda v: check_bool(v, argument="cache", allow_none=True),
]


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(value=_ANYTHING, which=st.integers(0, len(_VALIDATORS) - 1))
def test_validators_raise_only_invalid_query_error(value, which):
    count("validator fuzz examples")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # astropy may warn about odd values; not the point
        try:
            _VALIDATORS[which](value)
        except InvalidQueryError:
            pass


# --------------------------------------------------------------------------------------------
# Booleans: only True and False. ("no" is true in Python.)

@pytest.mark.parametrize("value", ["no", "false", "False", "0", "", "yes", 0, 1, 0.0, 2,
                                   np.int64(1), [], [True], np.array([True]), object()])
def test_check_bool_refuses_whatever_is_not_a_boolean(value):
    count("bad inputs tried")
    with pytest.raises(InvalidQueryError, match="forced_photometry must be True or False"):
        check_bool(value, argument="forced_photometry")
    with pytest.raises(InvalidQueryError, match="cache must be True, False or None"):
        check_bool(value, argument="cache", allow_none=True)


def test_check_bool_accepts_booleans_and_none_when_allowed():
    assert check_bool(True, argument="x") is True
    assert check_bool(np.False_, argument="x") is False
    assert check_bool(None, argument="x", allow_none=True) is None
    with pytest.raises(InvalidQueryError, match="x must be True or False, got None"):
        check_bool(None, argument="x")


@pytest.mark.parametrize("text", ["¹²³", "١٢٣", "１２３", "12³", "१२३", "①", "1_000", "+12",
                                  "0x1f", "1e5", " ", "-5", "0"])
def test_int64_ids_take_ascii_digits_only(text):
    from alerce_astro.surveys.base import validate_int64_id

    count("bad inputs tried", 2)
    with pytest.raises(InvalidQueryError, match="candid"):
        ids.validate_candid(text)
    with pytest.raises(InvalidQueryError, match="oid"):
        validate_int64_id(text, argument="oid", what="an LSST object id")


def test_a_candid_with_non_ascii_digits_is_a_usage_error_on_the_command_line(server, capsys):
    from alerce_astro.cli import main

    base = server.urls["ztf_v1"][:-len("/ztf/v1")]
    for text in ("¹²³", "١٢٣"):
        assert main(["stamps", OID, "--candid", text, "--server", base]) == 2
        assert "candid" in capsys.readouterr().err
    assert server.requests == []
