"""
``/classifier_api/classifiers``: the LSST classifiers, sorted by name.

Each ``{"classifier_name", "classifier_version" (a string), "classes" (taxonomy order),
"classifier_id"}``. With ``classifier_name`` the service looks the name up in the whole
classifier table (ZTF's included): a known name makes it fail on its own query result
(plain-text 500), an unknown one is a 404 ``Classifier not found for the given OID``.
"""

from ..fastapi import FastAPIApp, HTTPException, Param, Route, Uncaught
from .common import root

__all__ = ["make_app"]


def make_app(ds):
    """The ``classifier_api`` FastAPI app over a multisurvey dataset."""
    def classifiers(request, *, classifier_name):
        table = ds.classifiers
        if classifier_name:
            if any(c["classifier_name"] == classifier_name and c["classes"] for c in table):
                raise Uncaught("rows of (Classifier, Taxonomy) indexed by column name")
            raise HTTPException(404, "Classifier not found for the given OID")
        grouped = {}
        for c in sorted((c for c in table if c["tid"] == 1 and c["classes"]),
                        key=lambda c: c["classifier_name"]):
            entry = grouped.setdefault(c["classifier_name"], {
                "classifier_name": c["classifier_name"],
                "classifier_version": c["classifier_version"], "classes": [],
                "classifier_id": c["classifier_id"]})
            entry["classes"].extend(c["classes"])
        return list(grouped.values())

    return FastAPIApp([
        root("This is the classifier API", "ping"),
        Route("/classifiers", classifiers, [Param("classifier_name", nullable=True)]),
    ])
