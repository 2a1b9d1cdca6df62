"""The multisurvey routes rebuild the requests ALeRCE's own server was recorded answering."""

import pytest

from alerce_astro import conf
from alerce_astro.apis.multisurvey import routes
from alerce_astro.apis.multisurvey.quirks import several_oid_values

BASE = "https://api-lsst.alerce.online"


def _recorded(exchanges, name):
    request = exchanges.load(name)["request"]
    return request["path"], [tuple(p) for p in request["query_pairs"]]


@pytest.mark.parametrize("name, route, kwargs", [
    ("lightcurve/forced_photometry_all_313893023095193658.json", "forced_photometry",
     {"survey": "lsst", "oid": several_oid_values([313893023095193658])}),
    ("lightcurve/forced_photometry_multi_170028485706776685_313897383979122767.json",
     "forced_photometry", {"survey": "lsst", "oid": [170028485706776685, 313897383979122767]}),
    ("lightcurve/detections_multi_21163624394469969_21165806389311562.json", "detections",
     {"survey": "lsst", "oid": [21163624394469969, 21165806389311562]}),
    ("lightcurve/lightcurve_multi_21163624394469969_170028485706776685.json", "lightcurve",
     {"survey": "lsst", "oid": [21163624394469969, 170028485706776685]}),
    ("object/lsst_170028485706776685_extra.json", "object",
     {"survey": "lsst", "oid": 170028485706776685, "return_survey_extra": True}),
    ("magstats/lsst_313897383979122767.json", "magstats",
     {"survey": "lsst", "oid": 313897383979122767}),
    ("probability/170028485706776685_classifier_c1.json", "probabilities",
     {"survey": "lsst", "oid": 170028485706776685, "classifier": "stamp_classifier_rubin_beta"}),
    ("classifiers/all.json", "classifiers", {}),
    ("list_objects/combined_filters.json", "list_objects",
     {"survey": "lsst", "classifier": "stamp_classifier_rubin_beta", "n_det": [300],
      "firstmjd": [61030], "order_by": "n_det", "order_mode": "ASC", "page_size": 2}),
    ("list_objects/n_det_range.json", "list_objects", {"survey": "lsst", "n_det": [300, 350]}),
    ("list_objects/oid_multiple.json", "list_objects",
     {"survey": "lsst", "oid": [170028485706776685, 170028513894596704]}),
    ("list_objects/cone_radius_5.json", "list_objects",
     {"survey": "lsst", "ra": 63.3495, "dec": -47.1808, "radius": 5}),
    ("conesearch/coords_r1deg_n2.json", "objects_by_coordinates",
     {"ra": 63.0, "dec": -47.3, "radius": 1, "neighbors": 2}),
    ("stamps/313897383979122767_170094456251351059_cutoutScience_fits.json", "stamp",
     {"survey": "lsst", "oid": 313897383979122767, "measurement_id": 170094456251351059,
      "stamp_type": "cutoutScience", "file_format": "fits"}),
])
def test_route_rebuilds_recorded_request(exchanges, name, route, kwargs):
    survey = kwargs.pop("survey", None)
    url, params = routes.route(BASE, route, survey=survey, **kwargs)
    path, pairs = _recorded(exchanges, name)
    assert url == BASE + path
    # Same pairs; the survey parameter's position does not matter to the service.
    assert sorted(params) == sorted(pairs)
    assert not url.endswith("/")


def test_no_route_has_a_trailing_slash():
    # A trailing slash is a 307 whose Location drops the /<svc>_api prefix.
    for name in routes.ROUTES:
        url, _ = routes.route(BASE + "/", name, survey="lsst")
        assert not url.endswith("/") and "//" not in url.split("://")[1]


def test_trailing_slash_redirect_loses_the_prefix(exchanges):
    # The reason for the rule above, as recorded.
    exchange = exchanges.load("list_objects/trailing_slash.json")
    assert exchange["status"] == 307
    assert exchange["headers"]["location"].startswith(
        "https://api-lsst.alerce.online/list_objects?")


def test_survey_rules():
    with pytest.raises(ValueError, match="lower case"):
        routes.route(BASE, "detections", survey="LSST", oid=[1, 1])
    with pytest.raises(ValueError):
        routes.route(BASE, "object", oid=1)
    # The probability route ignores survey_id and the classifier list takes none: not sent.
    assert routes.route(BASE, "probabilities", survey="lsst", oid=1)[1] == [("oid", "1")]
    assert routes.route(BASE, "classifiers", survey="lsst")[1] == []
    # list_objects names it `survey`, the other routes `survey_id`.
    assert routes.route(BASE, "list_objects", survey="lsst")[1] == [("survey", "lsst")]
    assert routes.route(BASE, "magstats", survey="lsst", oid=1)[1][0] == ("survey_id", "lsst")


def test_ids_and_values_are_exact_text():
    import numpy as np

    big = 2**63 - 1
    _, params = routes.route(BASE, "detections", survey="lsst",
                             oid=[np.int64(big), big], flag=False, skip=None)
    assert params == [("survey_id", "lsst"), ("oid", str(big)), ("oid", str(big)),
                      ("flag", "false")]


def test_default_server_and_urls_mapping():
    assert conf.multisurvey_server == BASE
    url, _ = routes.route({"multisurvey": "http://127.0.0.1:5/"}, "classifiers")
    assert url == "http://127.0.0.1:5/classifier_api/classifiers"
    with pytest.raises(ValueError, match="unknown multisurvey route"):
        routes.route(BASE, "features", survey="lsst")
