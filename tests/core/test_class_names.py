"""Class and classifier names are checked against the service's list before any list
request, with a "did you mean" (issue 16.5)."""

import pytest

from alerce_astro.client.class_names import forget_class_names
from alerce_astro.exceptions import InvalidQueryError


@pytest.fixture
def client(sample_server, client_of):
    forget_class_names()
    yield client_of(sample_server)
    forget_class_names()


def _paths(server):
    return [r["path"].split("/ztf/v1", 1)[-1] for r in server.requests]


@pytest.mark.parametrize("kwargs, message", [
    ({"classifier": "lc_classifier", "class_name": "snia"},
     "class_name='snia' is not a class of lc_classifier; did you mean 'SNIa'?"),
    ({"classifier": "nope"}, "classifier='nope' is not a classifier of ALeRCE ZTF"),
    ({"classifier": "LC_classifier"}, "did you mean 'lc_classifier'?"),
    ({"classifier": "lc_clasifier", "class_name": "SNIa"}, "did you mean 'lc_classifier'"),
    ({"classifier": "lc_classifier", "class_name": "SNa"}, "did you mean 'SNIa'"),
    ({"class_name": "Periodic-other"}, "did you mean 'Periodic-Other'?"),
    ({"classifier": "stamp_classifier", "class_name": "SNIa"},
     "not a class of stamp_classifier; did you mean 'SN'"),
    ({"classifier": "lc_classifier", "classifier_version": "9.9"},
     "classifier_version='9.9' is not a version of lc_classifier"),
])
def test_unknown_names_are_refused_before_any_list_request(client, sample_server, kwargs,
                                                           message):
    with pytest.raises(InvalidQueryError, match=message.replace("?", r"\?")):
        client.query_objects(**kwargs)
    # only the classifier list was asked, never the object list
    assert _paths(sample_server) == ["/classifiers/"]


def test_known_names_pass_and_the_list_is_read_once(client, sample_server):
    first = client.query_objects(classifier="lc_classifier", class_name="SNIa")
    assert len(first) == 4 and set(first["class"]) == {"SNIa"}  # the sample's four SNe Ia
    client.query_objects(classifier="lc_classifier", class_name="SNII")
    with pytest.raises(InvalidQueryError):
        client.query_objects(class_name="SNIA")
    assert _paths(sample_server).count("/classifiers/") == 1


def test_query_region_checks_names_too(client):
    with pytest.raises(InvalidQueryError, match="did you mean 'SNIa'"):
        client.query_region("10 20", radius="1 arcmin", class_name="snia")


def test_payload_sends_nothing(client, sample_server):
    payload = client.query_objects(classifier="nope", get_query_payload=True)
    assert payload is not None
    assert sample_server.requests == []


def test_cli_exit_2(cli_run):
    status, out, err = cli_run("query", "--classifier", "lc_classifier", "--class", "snia")
    assert status == 2 and out == ""
    assert "did you mean 'SNIa'" in err


@pytest.fixture
def cli_run(capsys, sample_server):
    from alerce_astro.cli import main

    def runner(*argv):
        forget_class_names()
        status = main([*argv, "--server", sample_server.url, "--no-cache"])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return runner


def test_classes_left_out_of_the_list_are_asked_for(client, sample_server):
    version = str(client.list_classifiers()["classifier_version"][0])
    forget_class_names()
    sample_server.reset_requests()
    sample_server.inject(r"/classifiers/$", status=200, body=[
        {"classifier_name": "lc_classifier", "classifier_version": version, "classes": []}])
    try:
        with pytest.raises(InvalidQueryError, match=r"did you mean 'SNIa'\?"):
            client.query_objects(classifier="lc_classifier", class_name="snia", cache=False)
    finally:
        sample_server.clear_injections()
    # the classes came from list_classes, the one request the server answered itself
    assert f"/classifiers/lc_classifier/{version}/classes" in _paths(sample_server)
    assert not any(p.startswith("/objects") for p in _paths(sample_server))
