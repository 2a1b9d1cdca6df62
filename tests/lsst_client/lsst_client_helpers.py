"""Values and helpers of the LSST client tests (the real recorded data's facts)."""

#: The five real diaObjects of lsst-recorded and their complete forced photometry (the
#: several-oid path; the single-oid path would give 10 rows each).
FORCED_COUNTS = {170028485706776685: 395, 313897383979122767: 408,
                 170028513894596704: 777, 313893023095193658: 401,
                 314002971860926640: 340}
#: Their detections.
DETECTION_COUNTS = {170028485706776685: 346, 313897383979122767: 320,
                    170028513894596704: 377, 313893023095193658: 304,
                    314002971860926640: 392}
#: The two known solar-system objects (ssObjectIds): photometry, but no object record.
SS_OBJECTS = (21163624394469969, 21165806389311562)


def requests_to(server, path):
    """The logged requests whose path ends with ``path``."""
    return [r for r in server.requests if r["path"].endswith(path)]
