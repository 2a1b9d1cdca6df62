"""Loading and querying a 10,000-object dataset (figures are printed with -s)."""

import json
import random
import time

import requests

from alerce_astro.offline import SampleServer
from alerce_astro.offline.dataset import Dataset

N_OBJECTS = 10_000
CLASSES = ("SNIa", "SNIbc", "SNII", "SLSN", "QSO", "AGN", "Blazar", "CV/Nova", "YSO", "LPV",
           "E", "DSCT", "RRL", "CEP", "Periodic-Other")


def _write(root, object_row):
    rng = random.Random(5)
    objdir = root / "objects"
    objdir.mkdir(parents=True)
    for n in range(N_OBJECTS):
        oid = f"ZTF{18 + n % 5}{n:07d}"
        row = object_row(oid, ndet=rng.randint(1, 800), firstmjd=58000 + 2000 * rng.random(),
                         meanra=360 * rng.random(), meandec=180 * rng.random() - 90)
        scores = sorted(((rng.random(), c) for c in CLASSES), reverse=True)
        total = sum(s for s, _ in scores)
        probs = [{"classifier_name": "lc_classifier", "classifier_version": "hierarchical_rf_1.1.0",
                  "class_name": c, "probability": s / total, "ranking": k + 1}
                 for k, (s, c) in enumerate(scores)]
        probs.append({"classifier_name": "stamp_classifier",
                      "classifier_version": "stamp_classifier_1.0.0", "class_name": "SN",
                      "probability": rng.random(), "ranking": 1})
        detections = [{"mjd": 58000 + k, "candid": str(10**18 + k), "fid": 1 + k % 2,
                       "magpsf": 18 + rng.random(), "sigmapsf": 0.1} for k in range(20)]
        data = {"object": row, "lightcurve": {"detections": detections, "non_detections": []},
                "magstats": [], "probabilities": probs, "features": []}
        (objdir / f"{oid}.json").write_text(json.dumps(data))


def test_ten_thousand_objects(tmp_path, object_row):
    _write(tmp_path, object_row)
    start = time.perf_counter()
    dataset = Dataset(tmp_path, resident_bytes=0)  # force the lazy, index-only load
    load = time.perf_counter() - start
    assert len(dataset) == N_OBJECTS
    with SampleServer(dataset) as server, requests.Session() as session:
        url = server.urls["ztf_v1"] + "/objects/"
        query = {"classifier": "lc_classifier", "class": "SNIa", "ndet": [10, 500],
                 "order_by": "probability", "order_mode": "DESC", "count": "true",
                 "page_size": 50}
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            page = session.get(url, params=query, timeout=30).json()
            timings.append(time.perf_counter() - start)
        probs = [i["probability"] for i in page["items"]]
        assert probs == sorted(probs, reverse=True) and len(probs) == 50
        assert all(i["class"] == "SNIa" for i in page["items"])
        assert 100 < page["total"] < N_OBJECTS
        start = time.perf_counter()
        everything = session.get(url, params={"probability": 0.05, "order_by": "oid",
                                              "count": "true"}, timeout=30).json()
        wide = time.perf_counter() - start
        assert everything["total"] > N_OBJECTS
        # the other routes read the object's file when asked
        dets = session.get(server.urls["ztf_v1"] + "/objects/ZTF180000000/detections",
                           timeout=30).json()
        assert len(dets) == 20
    query_time = min(timings)
    print(f"\n10k objects: load {load:.2f} s, filtered ordered query {query_time * 1000:.0f} ms, "
          f"whole-table query {wide * 1000:.0f} ms")
