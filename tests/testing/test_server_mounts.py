"""The mount table: the prefixes and the urls from one place."""

import requests

from alerce_astro.offline.server import MOUNTS, SERVICE_PREFIXES


# ------------------------------------------------------------------ the mount table
def test_one_table_gives_prefixes_and_urls(recorded_server):
    assert [m.key for m in MOUNTS] == ["ztf_v1", "lightcurve_v2", "stamps", "catshtm",
                                       "multisurvey"]
    assert SERVICE_PREFIXES == {"ztf_v1": "/ztf/v1", "lightcurve_v2": "/v2/lightcurve",
                                "stamps": "/stamps", "catshtm": "/catshtm", "multisurvey": ""}
    urls = recorded_server.urls
    assert urls == {key: recorded_server.url + prefix for key, prefix in SERVICE_PREFIXES.items()}
    # every mounted service answers under its own URL
    assert requests.get(urls["ztf_v1"] + "/healthcheck", timeout=30).text == "OK"
    assert requests.get(urls["lightcurve_v2"] + "/forced-photometry/ZTF20aaelulu",
                        timeout=30).json() == []
    assert requests.get(urls["stamps"] + "/get_stamp", timeout=30).status_code == 400
    assert requests.get(urls["catshtm"] + "/conesearch", timeout=30).json() == \
        "Request contains one or more invalid arguments."


def test_host_root_is_reserved_for_the_multisurvey_api(recorded_server):
    # nothing is mounted there yet: Flask's HTML 404, logged under no service
    recorded_server.reset_requests()
    r = requests.get(recorded_server.urls["multisurvey"] + "/object_api/object?oid=1",
                     timeout=30)
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html")
    assert recorded_server.requests[-1]["service"] is None
    # a prefix is a whole path segment: /ztf/v1x is not the ZTF API
    assert requests.get(recorded_server.url + "/ztf/v1x/healthcheck", timeout=30).status_code \
        == 404


def test_client_points_at_every_service(recorded_server):
    client = recorded_server.client()
    assert set(recorded_server.urls.values()) - {recorded_server.urls["multisurvey"]} <= \
        set(client.urls.values())
    assert client.query_object("ZTF20aaelulu")["ndet"][0] == 58
