"""
Probabilities of ALeRCE's LSST stamp classifiers, and the ``list_objects`` answer about one
object.

The two production classifiers (``stamp_classifier_rubin_beta`` 2.0.1 and
``stamp_classifier_rubin_beta_20260421`` 2.0.2) see the alert's cutouts and give SN, AGN, VS,
asteroid and bogus. Rows are written the way ALeRCE's ``rubin_stamp_classifier_step`` writes
them: three decimals summing to one, ``classifier_version`` the integer of the version without
dots (201, 202), ranking by probability with ties in class-name order. Each classifier's
probabilities come from a Dirichlet distribution concentrated on what the stamp shows (a
supernova, a variable star, an AGN, an artefact); the later classifier is mostly of the same
opinion, and about one object in ten is confused. The service gives the rows class by class
(taxonomy order) with the two classifiers in no defined order.

``list_objects?survey=lsst&oid=<oid>`` answers one row per classifier (its top class), by
probability, then oid; ``classifier_version`` is text there.
"""


from ..probabilities import _dirichlet, _quantise
from .constants import CLASSIFIERS, LIST_ITEM_KEYS, STAMP_CLASSES, STAMP_TRUTH

__all__ = ["probability_rows", "list_objects_body", "integer_version"]


def integer_version(version):
    """``"2.0.1"`` -> 201, as the classifier step stores versions."""
    return int(version.replace(".", ""))


def _ranks(probs):
    # 1 = most probable; ties ordered by class name (as a stable sort of rows sorted by name)
    order = sorted(range(len(probs)), key=lambda k: (-probs[k], STAMP_CLASSES[k]))
    ranks = [0] * len(probs)
    for r, k in enumerate(order, start=1):
        ranks[k] = r
    return ranks


def probability_rows(group, rng):
    """
    The ``/probability_api/probability`` body of an object.

    Parameters
    ----------
    group : str or None
        The object's group (``Transient``, ``Periodic``, ``Stochastic``; None for artefacts).
    rng : numpy.random.Generator

    Returns
    -------
    list of dict
    """
    truth = STAMP_CLASSES.index(STAMP_TRUTH[group])
    first = _dirichlet(rng, 5, truth, rng.uniform(3.0, 15.0), rng.uniform() < 0.1)
    tables = []
    for k, clf in enumerate(CLASSIFIERS):
        if k == 0:
            p = first
        else:  # a retrained model: mostly the same opinion
            mix = rng.uniform(0.5, 0.85)
            p = mix * first + (1.0 - mix) * _dirichlet(rng, 5, truth, rng.uniform(3.0, 15.0),
                                                         rng.uniform() < 0.1)
        q = (_quantise(p, 1000) / 1000.0).tolist()
        tables.append((clf, q, _ranks(q)))
    rows = []
    for j, name in enumerate(STAMP_CLASSES):
        order = rng.permutation(len(tables))
        for t in order.tolist():
            clf, q, ranks = tables[t]
            rows.append({"classifier_name": clf["classifier_name"],
                         "classifier_version": integer_version(clf["classifier_version"]),
                         "class_name": name, "probability": q[j], "ranking": ranks[j]})
    return rows


def list_objects_body(obj_row, probabilities):
    """
    The ``/object_api/list_objects?survey=lsst&oid=<oid>`` body: the top class of each
    classifier.

    Parameters
    ----------
    obj_row : dict
        The object row.
    probabilities : list of dict
        The object's probability rows.

    Returns
    -------
    dict
    """
    text_version = {integer_version(c["classifier_version"]): c["classifier_version"]
                    for c in CLASSIFIERS}
    names = [c["classifier_name"] for c in CLASSIFIERS]
    tops = [r for r in probabilities if r["ranking"] == 1]
    tops.sort(key=lambda r: (-r["probability"], names.index(r["classifier_name"])))
    items = []
    for r in tops:
        values = dict(obj_row, stellar=None, class_name=r["class_name"],
                      classifier_name=r["classifier_name"],
                      classifier_version=text_version[r["classifier_version"]],
                      probability=r["probability"], ranking=1)
        items.append({k: values[k] for k in LIST_ITEM_KEYS})
    return {"total": len(items), "next": None, "has_next": False, "prev": None,
            "has_prev": False, "current_page": 1, "items": items,
            "info_message": None if items else "Empty query"}
