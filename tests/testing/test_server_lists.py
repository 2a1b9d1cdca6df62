"""The /objects/ list semantics of SampleServer on hand-made datasets."""

import pytest
import requests

from alerce_astro.offline import SampleServer

NAN = float("nan")


def prob(classifier, class_name, probability, ranking, version="v1"):
    return {"classifier_name": classifier, "classifier_version": version,
            "class_name": class_name, "probability": probability, "ranking": ranking}


@pytest.fixture(scope="module")
def server(tmp_path_factory, dataset_writer, object_row):
    make_object = object_row
    objects = {
        "ZTF18aaaaaaa": {"object": make_object("ZTF18aaaaaaa", ndet=3, g_r_max=None,
                                               firstmjd=58000.0, meanra=10.0, meandec=20.0),
                         "probabilities": [prob("lc_classifier", "SNIa", 0.7, 1),
                                           prob("lc_classifier", "SNII", 0.2, 2),
                                           prob("stamp_classifier", "SN", 0.9, 1, "s1")]},
        "ZTF18aaaaaab": {"object": make_object("ZTF18aaaaaab", ndet=10, g_r_max=NAN,
                                               firstmjd=NAN, meanra=10.001, meandec=20.0),
                         "probabilities": [prob("lc_classifier", "AGN", 0.6, 1),
                                           prob("stamp_classifier", "AGN", 0.4, 1, "s1")]},
        "ZTF18abbbbbb": {"object": make_object("ZTF18abbbbbb", ndet=50, g_r_max=1.0,
                                               firstmjd=58100.0, meanra=200.0, meandec=-30.0),
                         "probabilities": []},
        "ZTF19a_ccccc": {"object": make_object("ZTF19a_ccccc", ndet=7, g_r_max=2.0,
                                               firstmjd=58200.0, meanra=0.0, meandec=0.0)},
    }
    root = dataset_writer(tmp_path_factory.mktemp("lists"), objects)
    with SampleServer(root) as srv:
        yield srv


def objects(server, query):
    r = requests.get(server.urls["ztf_v1"] + "/objects/?" + query, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def oids(server, query):
    return [i["oid"] for i in objects(server, query)["items"]]


def test_default_list_joins_the_default_classifier_only(server):
    page = objects(server, "count=true")
    assert page["total"] == 4
    assert all(i["class"] is None and i["probability"] is None for i in page["items"])
    assert list(page["items"][0])[-4:] == ["class", "classifier", "probability", "step_id_corr"]


def test_classifier_filters_default_ranking_one(server):
    page = objects(server, "classifier=lc_classifier&count=true")
    assert page["total"] == 2
    assert {(i["oid"], i["class"]) for i in page["items"]} == {("ZTF18aaaaaaa", "SNIa"),
                                                              ("ZTF18aaaaaab", "AGN")}
    assert oids(server, "classifier=lc_classifier&ranking=2") == ["ZTF18aaaaaaa"]
    assert oids(server, "class=AGN&count=true") == ["ZTF18aaaaaab", "ZTF18aaaaaab"]
    assert oids(server, "classifier=lc_classifier&classifier_version=v2") == []
    # probability alone: one row per matching classifier row
    assert sorted(oids(server, "probability=0.5")) == ["ZTF18aaaaaaa", "ZTF18aaaaaaa",
                                                      "ZTF18aaaaaab"]
    # ranking=0 is "given" (no default join) but falsy (no filter): the whole outer join
    rows = objects(server, "ranking=0&count=true&page_size=100")
    assert rows["total"] == 7  # 3 + 2 probability rows, and two objects without any
    assert sorted(i["oid"] for i in rows["items"] if i["class"] is None) == [
        "ZTF18abbbbbb", "ZTF19a_ccccc"]
    assert objects(server, "classifier=&count=true")["total"] == 7


def test_oid_like_and_in(server):
    assert oids(server, "oid=ZTF18a*&order_by=oid") == ["ZTF18aaaaaaa", "ZTF18aaaaaab",
                                                       "ZTF18abbbbbb"]
    assert oids(server, "oid=ZTF18aaaaaa_&order_by=oid") == ["ZTF18aaaaaaa", "ZTF18aaaaaab"]
    # "_" is a wildcard, a backslash escapes it
    assert oids(server, "oid=ZTF19a_ccccc") == ["ZTF19a_ccccc"]
    assert oids(server, "oid=ZTF19a%5C_ccccc") == ["ZTF19a_ccccc"]
    assert oids(server, "oid=ztf18aaaaaaa") == []
    # two or more: exact match, in the requested order
    assert oids(server, "oid=ZTF19a_ccccc&oid=ZTF18aaaaaaa&oid=ZTF99zzzzzzz") == [
        "ZTF19a_ccccc", "ZTF18aaaaaaa"]
    assert oids(server, "oid=ZTF18a*&oid=ZTF18aaaaaab") == ["ZTF18aaaaaab"]


def test_ranges_and_nan(server):
    assert sorted(oids(server, "ndet=5&ndet=10")) == ["ZTF18aaaaaab", "ZTF19a_ccccc"]
    assert sorted(oids(server, "ndet=10")) == ["ZTF18aaaaaab", "ZTF18abbbbbb"]
    # the third value is ignored
    assert oids(server, "ndet=40&ndet=60&ndet=1") == ["ZTF18abbbbbb"]
    # NaN is above every number in Postgres: it passes a minimum, not a maximum
    assert sorted(oids(server, "firstmjd=58150")) == ["ZTF18aaaaaab", "ZTF19a_ccccc"]
    assert oids(server, "firstmjd=58000&firstmjd=58050") == ["ZTF18aaaaaaa"]


def test_order_by_nulls_and_nan(server):
    assert oids(server, "order_by=g_r_max&order_mode=ASC") == [
        "ZTF18abbbbbb", "ZTF19a_ccccc", "ZTF18aaaaaab", "ZTF18aaaaaaa"]
    assert oids(server, "order_by=g_r_max&order_mode=DESC") == [
        "ZTF18aaaaaaa", "ZTF18aaaaaab", "ZTF19a_ccccc", "ZTF18abbbbbb"]
    assert oids(server, "order_by=g_r_max") == oids(server, "order_by=g_r_max&order_mode=ASC")
    rows = objects(server, "probability=0.01&order_by=probability&order_mode=DESC")["items"]
    assert [i["probability"] for i in rows] == [0.9, 0.7, 0.6, 0.4, 0.2]
    rows = objects(server, "ranking=1&order_by=class_name")["items"]
    assert [i["class"] for i in rows] == ["AGN", "AGN", "SN", "SNIa"]


def test_cone_search(server):
    assert oids(server, "ra=10&dec=20&radius=1") == ["ZTF18aaaaaaa"]
    assert sorted(oids(server, "ra=10&dec=20&radius=40")) == ["ZTF18aaaaaaa", "ZTF18aaaaaab"]
    # default radius 30 arcsec: 10.001 deg in ra at dec 20 is 3.4 arcsec away
    assert sorted(oids(server, "ra=10&dec=20")) == ["ZTF18aaaaaaa", "ZTF18aaaaaab"]
    assert oids(server, "ra=200.0&dec=-30.0&radius=0.5") == ["ZTF18abbbbbb"]
    # ra or dec exactly 0, a lone ra, or radius 0: the cone is skipped silently
    assert objects(server, "ra=0&dec=20&radius=1&count=true")["total"] == 4
    assert objects(server, "ra=10&radius=1&count=true")["total"] == 4
    assert objects(server, "ra=10&dec=20&radius=0&count=true")["total"] == 4


@pytest.mark.parametrize(("query", "expected"), [
    ("count=true&page_size=3", (4, 2, True, None, False, 3)),
    ("count=true&page_size=3&page=2", (4, None, False, 1, True, 1)),
    ("count=TRUE&page_size=3&page=3", (4, None, False, 2, True, 0)),
    ("count=false&page_size=3", (None, None, False, None, False, 3)),
    ("page_size=3&page=2", (None, None, False, 1, True, 1)),
    ("count=t&page=0&page_size=2", (4, 2, True, None, False, 2)),
    ("count=1&page_size=0", (4, None, False, None, False, 0)),
    ("count=Yes&page_size=-1", (4, None, False, None, False, 4)),
    ("count=n", (None, None, False, None, False, 4)),
])
def test_paging(server, query, expected):
    page = objects(server, query)
    assert page["page"] is None
    got = (page["total"], page["next"], page["has_next"], page["prev"], page["has_prev"],
           len(page["items"]))
    assert got == expected


def test_total_is_capped(tmp_path, dataset_writer, object_row):
    many = {f"ZTF20a{n:06d}": {"object": object_row(f"ZTF20a{n:06d}"), "probabilities": [
        prob("c", f"K{k}", 0.5, k + 1) for k in range(50)]} for n in range(1001)}
    with SampleServer(dataset_writer(tmp_path, many)) as srv:
        page = objects(srv, "probability=0.1&count=true&page_size=1&page=50001")
        assert page["total"] == 50001
        assert (page["has_next"], page["next"], page["prev"]) == (False, None, 50000)
        assert len(page["items"]) == 1
        assert objects(srv, "probability=0.1&page_size=1&page=50050")["items"] != []
