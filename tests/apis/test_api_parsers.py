"""The bodies each API package checks, and the service adapter the client asks."""

import gzip
import io

import numpy as np
import pytest
from astropy.io import fits

from alerce_astro.apis import service_for
from alerce_astro.apis.dialects import FASTAPI, FLASK_RESTX, GENERIC
from alerce_astro.apis.stamps.parse import parse_cutout
from alerce_astro.exceptions import ResponseFormatError
from alerce_astro.surveys import LSST, SURVEYS, ZTF
from alerce_astro.transport import Answer


@pytest.mark.parametrize("body, message", [
    (b'{"message": "AVRO not found. You have requested this URI"}', "said: AVRO not found"),
    (b"<html><title>502 Bad Gateway</title></html>", "said: 502 Bad Gateway"),
    (b"", r"\(0 bytes\); the service said: \(empty body\)"),
])
def test_a_stamp_body_that_is_no_cutout_quotes_the_service(body, message):
    url = "http://stamps/get_stamp?candid=1"
    with pytest.raises(ResponseFormatError, match=message) as info:
        parse_cutout(Answer(url, 200, {}, body))
    assert str(info.value).startswith(f"GET {url} is not a gzip-compressed FITS file")


def test_a_stamp_body_that_is_a_cutout():
    buffer = io.BytesIO()
    fits.PrimaryHDU(np.arange(12, dtype=">f4").reshape(3, 4)).writeto(buffer)
    cutout = parse_cutout(Answer("http://s", 200, {}, gzip.compress(buffer.getvalue())))
    assert cutout.shape == (3, 4) and float(cutout.data[2, 3]) == 11.0


def test_the_ztf_service_routes_every_route_to_its_api():
    service = service_for(ZTF)
    assert service.survey is ZTF
    assert list(service.apis) == ["ztf_v1", "lightcurve_v2", "stamps", "catshtm"]
    urls = {"ztf_v1": "http://h/ztf/v1/", "lightcurve_v2": "http://h/v2/lightcurve",
            "stamps": "http://h/stamps", "catshtm": "http://h/catshtm"}
    assert service.route(urls, "feature", oid="ZTF20aaelulu", name="a/b") == (
        "http://h/ztf/v1/objects/ZTF20aaelulu/features/a%2Fb", (), "ztf_v1")
    assert service.route(urls, "forced_photometry", oid="ZTF20aaelulu").url == (
        "http://h/v2/lightcurve/forced-photometry/ZTF20aaelulu")
    assert service.route(urls, "object", oid="..").url == "http://h/ztf/v1/objects/%2E%2E"
    assert service.route(urls, "conesearch_all").api == "catshtm"
    assert [service.dialect(api) for api in ("ztf_v1", "lightcurve_v2", "stamps", "catshtm",
                                             "tap")] == [FLASK_RESTX, FASTAPI, FLASK_RESTX,
                                                         GENERIC, GENERIC]
    assert service.token_apis == ("ztf_v1", "lightcurve_v2")
    assert service.pager.total_cap == 50001
    with pytest.raises(ValueError, match="no route 'nothing'"):
        service.route(urls, "nothing")


def test_every_registered_survey_has_a_service_or_says_why_not():
    assert set(SURVEYS) == {"ztf", "lsst"}
    lsst = service_for(LSST)
    assert lsst.survey is LSST and lsst.dialect("multisurvey") is FASTAPI
    route = lsst.route({"multisurvey": "http://h/"}, "forced_photometry",
                       oid=[313897383979122767, 313897383979122767])
    assert route.url == "http://h/lightcurve_api/forced-photometry"
    assert route.params == (("survey_id", "lsst"), ("oid", "313897383979122767"),
                            ("oid", "313897383979122767"))
    assert lsst.route({"multisurvey": "http://h"}, "objects").params == (("survey", "lsst"),)
