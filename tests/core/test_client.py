"""The client as a whole: one (survey, service) pair, settings kept by copies, the URL keys."""

import pytest

from alerce_astro import Alerce, AlerceClass, conf
from alerce_astro.apis.service import Service
from alerce_astro.client import (
    base,
    bulk,
    crossmatch,
    lightcurves,
    multisurvey,
    objects,
    stamps,
)
from alerce_astro.exceptions import InvalidQueryError
from alerce_astro.surveys import LSST, ZTF


def test_a_client_is_one_survey_and_its_service():
    client = AlerceClass()
    assert client.survey is ZTF and isinstance(client.service, Service)
    assert client.service.survey is client.survey
    assert AlerceClass(survey="ZTF").survey is ZTF
    lsst = AlerceClass(survey="lsst")
    assert lsst.survey is LSST and lsst.service.survey is LSST
    assert list(lsst.service.apis) == ["multisurvey", "catshtm"]
    with pytest.raises(InvalidQueryError, match="not a survey ALeRCE serves"):
        Alerce(survey="hst")


def test_every_part_derives_from_the_one_base():
    parts = [objects.ObjectQueries, lightcurves.LightCurveQueries, stamps.StampQueries,
             crossmatch.CrossmatchQueries, bulk.BulkQueries]
    for part in parts:
        assert issubclass(part, base.AlerceBase) and part in AlerceClass.__mro__


def test_copies_keep_every_setting_and_override_only_what_is_given(tmp_path):
    first = AlerceClass(urls={"catshtm": "http://c"}, timeout=7, row_limit=3, page_size=2,
                        max_retries=1, max_workers=5, token="abc", cache_location=tmp_path)
    copy = first(timeout=9, urls={"stamps": "http://s"})
    assert (copy.timeout, copy.row_limit, copy.page_size, copy.max_retries,
            copy.max_workers) == (9, 3, 2, 1, 5)
    assert copy.urls["catshtm"] == "http://c" and copy.urls["stamps"] == "http://s"
    assert copy.cache_location == first.cache_location == tmp_path
    assert copy.survey is first.survey
    assert copy._request_settings().token == "abc"
    assert type(copy) is AlerceClass and copy is not first
    # the ready instance's copies read conf at call time, like the instance
    with conf.set_temp("ztf_server", "https://example.invalid/ztf"):
        assert Alerce(timeout=1).urls["ztf_v1"] == "https://example.invalid/ztf"
    with pytest.raises(TypeError, match="unexpected settings"):
        Alerce(colour="blue")


def test_urls_are_keyed_by_api_and_the_old_keys_are_explained():
    assert list(Alerce.urls) == ["ztf_v1", "lightcurve_v2", "stamps", "catshtm",
                                 "multisurvey", "tap"]
    assert Alerce.urls["multisurvey"] == "https://api-lsst.alerce.online"
    assert Alerce.urls["tap"] == "https://tap.alerce.online/tap"
    with pytest.raises(InvalidQueryError, match="'ztf' is now 'ztf_v1'; 'lightcurve' is now "
                                                "'lightcurve_v2'"):
        AlerceClass(urls={"ztf": "http://a", "lightcurve": "http://b"})


def test_repr_names_the_survey_and_never_the_token():
    client = AlerceClass(token="secret-token", urls={"ztf_v1": "http://h/ztf/v1"})
    assert repr(client) == "<AlerceClass survey='ztf' ztf_v1='http://h/ztf/v1'>"


def test_no_part_reaches_into_another_parts_privates():
    """Every ``self._name`` a part uses is its own or declared by the base."""
    import ast
    import inspect

    declared = {name for name in vars(base.AlerceBase)} | {"_session", "_cache_location",
                                                          "_transport", "_urls", "_token"}
    # The multisurvey (LSST) layer is a declared base of the parts that have an LSST side.
    declared |= set(vars(multisurvey.MultisurveyQueries))
    for module, part in ((objects, objects.ObjectQueries),
                         (lightcurves, lightcurves.LightCurveQueries),
                         (stamps, stamps.StampQueries), (crossmatch, crossmatch.CrossmatchQueries),
                         (bulk, bulk.BulkQueries)):
        tree = ast.parse(inspect.getsource(module))
        used = {node.attr for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "self" and node.attr.startswith("_")}
        foreign = used - declared - set(vars(part))
        assert foreign == set(), f"{module.__name__} uses {sorted(foreign)}"
