"""
The survey cases of the contract suite: for each registered survey, a server holding its
objects and the ids to ask about. A survey the client has no API adapter for is skipped; a
survey with an adapter but no case here fails, so that the contract is never silently
narrower than the client.
"""

from dataclasses import dataclass

import pytest

from alerce_astro.apis import SERVICES
from alerce_astro.surveys import SURVEYS


@dataclass
class Case:
    """What the contract asks one survey's client about."""

    survey: object
    client: object
    oid: object            # an object with stamps, features, probabilities, forced photometry
    oids: list             # a few objects, for the bulk methods
    classifier: str
    classifier_version: str
    position: object       # an object's position (catalog sources around it)


def _ztf_case(survey, tmp_path_factory):
    from alerce_astro.offline import SampleServer

    server = SampleServer().start()
    dataset = server.dataset
    with_stamps = sorted({oid for oid, _ in dataset.stamps.values()})
    complete = [oid for oid in with_stamps
                if all(dataset.object_data(oid).get(key) for key in
                       ("features", "probabilities", "forced_photometry"))]
    client = server.client(cache_location=tmp_path_factory.mktemp("contract-cache"))
    first = dataset.classifiers[0]
    obj = client.query_object(complete[0])
    return server, Case(survey=survey, client=client, oid=complete[0], oids=complete[:3],
                        classifier=first["classifier_name"],
                        classifier_version=first["classifier_version"],
                        position=obj["coord"][0])


def _lsst_case(survey, tmp_path_factory):
    from alerce_astro.offline import SampleServer

    server = SampleServer().start()
    client = server.client(survey="lsst",
                           cache_location=tmp_path_factory.mktemp("contract-cache-lsst"))
    # classified objects (the list has only those) with forced photometry, in id order
    listed = client.query_objects(row_limit=-1)
    complete = sorted(int(row["oid"]) for row in listed if row["n_forced"] > 0)
    first = client.list_classifiers()[0]
    obj = client.query_object(complete[0])
    return server, Case(survey=survey, client=client, oid=complete[0], oids=complete[:3],
                        classifier=str(first["classifier_name"]),
                        classifier_version=str(first["classifier_version"]),
                        position=obj["coord"][0])


#: The case builder of each survey.
CASES = {"ztf": _ztf_case, "lsst": _lsst_case}


@pytest.fixture(scope="module", params=sorted(SURVEYS))
def case(request, tmp_path_factory):
    """One survey's client and what to ask it (module scope: one server per survey)."""
    survey = SURVEYS[request.param]
    if survey.name not in SERVICES:
        pytest.skip("no multisurvey adapter yet" if survey.name == "lsst"
                    else f"no API adapter for {survey.name} yet")
    if survey.name not in CASES:
        pytest.fail(f"the client serves {survey.name} but the contract suite has no case for "
                    f"it: add one to tests/contract/conftest.py CASES")
    server, built = CASES[survey.name](survey, tmp_path_factory)
    try:
        yield built
    finally:
        server.stop()
