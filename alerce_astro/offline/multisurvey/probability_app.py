"""
``/probability_api/probability``: the probabilities of one object, in taxonomy order.

The rows of the object joined with the taxonomy, ``ORDER BY`` the class's taxonomy order only:
the classifiers come interleaved (ties in storage order). ``classifier_version`` is the
probability table's integer (201 for 2.0.1). ``classifier`` restricts to one LSST classifier
(404 ``Classifier not found`` when no LSST classifier has that name); without rows, 404
``Probability not found for the given OID``. Rows of a classifier outside the LSST table
(ZTF's) make the service fail (plain-text 500), as does a non-numeric oid. ``survey_id`` is
ignored.
"""

from ..fastapi import FastAPIApp, HTTPException, Param, Route, Uncaught
from .common import root
from .pgsort import pg_sort
from .sql import SQLError, cast_bigint

__all__ = ["make_app"]

PARAMS = (Param("oid", required=True), Param("classifier", nullable=True))


def make_app(ds):
    """The ``probability_api`` FastAPI app over a multisurvey dataset."""
    service = ProbabilityService(ds)
    return FastAPIApp([
        root("This is the probability API", "ping"),
        Route("/probability", service.probability, PARAMS),
    ])


class ProbabilityService:
    """Endpoint of ``probability_api``."""

    def __init__(self, ds):
        self.ds = ds

    def probability(self, request, *, oid, classifier):
        # classifier_id -> name of the LSST classifiers (a dict built from the sorted table)
        names = {}
        for c in sorted(self.ds.classifiers, key=lambda c: c["classifier_name"]):
            if c["tid"] == 1 and c["classes"]:
                names[c["classifier_id"]] = c["classifier_name"]
        if classifier:
            for key, value in names.items():
                if value == classifier:
                    names = {key: value}
                    break
            if len(names) != 1:
                raise HTTPException(404, "Classifier not found")
        only = next(iter(names)) if len(names) == 1 else None
        try:
            wanted = cast_bigint(oid)
        except SQLError as error:
            raise Uncaught(str(error)) from error
        obj = self.ds.objects.get(wanted)
        if obj is None:
            raise HTTPException(404, "Probability not found for the given OID")
        if obj.probs_broken and not only:
            raise Uncaught("KeyError: a classifier outside the LSST table")
        rows = []
        for r in self.ds.probability_rows:
            if r.obj is not obj or (only and r.classifier_id != only):
                continue
            entry = self.ds.classifier_by_id.get(r.classifier_id)
            if entry is None or r.class_id is None:
                continue  # no taxonomy row: the inner join drops it
            rows.append((r.class_id, r, entry))
        # ORDER BY taxonomy.order (the class position) alone: Postgres' sort decides the ties
        rows = [rows[i] for i in pg_sort(range(len(rows)), [t[0] for t in rows])]
        out = []
        for _, r, entry in rows:
            if r.classifier_id not in names:
                raise Uncaught(f"KeyError: {r.classifier_id}")
            if r.ranking is None or r.probability is None or r.classifier_version is None:
                raise Uncaught("Probability model validation")
            out.append({"classifier_name": names[r.classifier_id],
                        "classifier_version": int(r.classifier_version),
                        "class_name": entry["classes"][r.class_id],
                        "probability": r.probability, "ranking": r.ranking})
        if not out:
            raise HTTPException(404, "Probability not found for the given OID")
        return out
