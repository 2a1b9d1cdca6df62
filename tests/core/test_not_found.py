"""Not-found errors speak of the object, not of Flask's URL patterns (issue 16.13)."""

import pytest

from alerce_astro.client.not_found import object_not_found
from alerce_astro.exceptions import ObjectNotFoundError
from alerce_astro.surveys import get_survey


@pytest.fixture
def client(sample_server, client_of):
    return client_of(sample_server)


@pytest.mark.parametrize("call", [
    lambda a: a.query_object("ZTF99zzzzzzz"),
    lambda a: a.query_magstats("ZTF99zzzzzzz"),
    lambda a: a.query_features("ZTF99zzzzzzz", names="Amplitude"),
    lambda a: a.get_lightcurve("ZTF99zzzzzzz"),
    lambda a: a.query_detections("ZTF99zzzzzzz"),
    lambda a: a.get_stamps("ZTF99zzzzzzz"),
])
def test_unknown_object_message(client, call):
    with pytest.raises(ObjectNotFoundError) as err:
        call(client)
    text = str(err.value)
    assert text.startswith("no object ZTF99zzzzzzz at ALeRCE (GET http://127.0.0.1:")
    assert "did you mean" not in text and "<id>" not in text
    assert "If you entered the URL manually" not in text
    # a server on this machine: the built-in sample's ids are named
    assert "the built-in offline sample, its ids are simulated ZTF00... ids such as " \
           "ZTF00aaaaaaa and ZTF00aaaaaab" in text


def test_the_sample_ids_named_exist(client):
    assert list(client.query_object(["ZTF00aaaaaaa", "ZTF00aaaaaab"])["oid"]) == [
        "ZTF00aaaaaaa", "ZTF00aaaaaab"]


def test_unknown_classifier_message(client):
    with pytest.raises(ObjectNotFoundError, match=r"^no classifier 'nope' version '1' at "
                                                  r"ALeRCE \(GET .*: HTTP 404: The requested "
                                                  r"URL was not found on the server\.\); "
                                                  r"list_classifiers\(\) gives"):
        client.list_classes("nope", "1")


def test_public_service_message_has_no_sample_hint():
    flask = ObjectNotFoundError(
        "GET https://api.alerce.online/ztf/v1/objects/ZTF99zzzzzzz: HTTP 404: Object not "
        "found. You have requested this URI [/objects/ZTF99zzzzzzz] but did you mean "
        "/objects/<id>/features/<name> ?")
    error = object_not_found(get_survey("ztf"),
                             "https://api.alerce.online/ztf/v1/objects/ZTF99zzzzzzz", flask)
    assert str(error) == ("no object ZTF99zzzzzzz at ALeRCE (GET https://api.alerce.online/"
                          "ztf/v1/objects/ZTF99zzzzzzz: HTTP 404: Object not found.)")
    # a 404 of a URL without an object keeps the transport's words, without Flask's advice
    stamp = ObjectNotFoundError("GET https://avro.alerce.online/get_stamp?candid=1: HTTP 404: "
                                "AVRO not found. You have requested this URI [/get_stamp] but "
                                "did you mean /get_stamp or /get_avro ?")
    assert str(object_not_found(get_survey("ztf"), "https://avro.alerce.online/get_stamp",
                                stamp)) == ("GET https://avro.alerce.online/get_stamp?"
                                            "candid=1: HTTP 404: AVRO not found.")
    other = ObjectNotFoundError("GET https://avro.alerce.online/get_stamp: HTTP 404: AVRO")
    assert object_not_found(get_survey("ztf"), "https://avro.alerce.online/get_stamp",
                            other) is other


def test_cli_offline(capsys):
    from alerce_astro.cli import main

    assert main(["object", "ZTF99zzzzzzz", "--offline", "--no-cache"]) == 3
    err = capsys.readouterr().err.strip()
    assert err.startswith("alerce-astro: error: not found: no object ZTF99zzzzzzz at ALeRCE")
    assert "ZTF00aaaaaaa" in err and "did you mean" not in err
