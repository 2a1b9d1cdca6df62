"""
Classifier probabilities consistent with an object's true class.

The light-curve classifier of ALeRCE is a two-level balanced random forest (Sánchez-Sáez et
al. 2021, AJ 161, 141): ``lc_classifier_top`` gives P(Transient), P(Stochastic), P(Periodic);
each branch classifier gives the probabilities of the classes inside its group; and
``lc_classifier`` is their product, ``P(class) = P(group) * P(class | group)``, so each
classifier's probabilities sum to one. Random-forest probabilities are vote fractions: the
branch and top values have three decimals, their products six. The stamp classifier
(Carrasco-Davis et al. 2021, AJ 162, 231) gives SN, AGN, VS, asteroid, bogus with six decimals.

Probabilities are drawn from Dirichlet distributions concentrated on the true class; about
one object in eight is confused (another class or group wins), as in real classifications.
Rows come in the order the service returns them: class by class, classifiers interleaved.
"""

import numpy as np

from .constants import (
    BRANCH_CLASSES,
    BRANCH_CLASSIFIER,
    GROUP,
    LC_VERSION,
    STAMP_CLASSES,
    STAMP_TRUTH,
    STAMP_VERSION,
    TOP_CLASSES,
)

__all__ = ["probability_rows"]


def _quantise(p, scale):
    """Round probabilities to 1/scale keeping their sum exactly one (largest remainders)."""
    raw = np.asarray(p, dtype=float) * scale
    q = np.floor(raw).astype(np.int64)
    short = int(scale - q.sum())
    if short > 0:
        order = np.argsort(-(raw - q), kind="stable")
        q[order[:short]] += 1
    return q


def _dirichlet(rng, n, favourite, strength, confused):
    alpha = np.full(n, 0.6)
    if favourite is not None:
        target = favourite
        if confused and n > 1:
            target = int(rng.choice([i for i in range(n) if i != favourite]))
            alpha[favourite] = strength * 0.6
        alpha[target] = strength
    return rng.dirichlet(alpha)


def _rank(values):
    # ranking 1 = most probable; ties keep the service's class order
    order = np.argsort(-np.asarray(values), kind="stable")
    ranks = np.empty(len(values), dtype=int)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def probability_rows(cls, rng, *, light_curve=True):
    """
    The ``/objects/{oid}/probabilities`` body of an object of true class ``cls``.

    Parameters
    ----------
    cls : str
        Simulated class (``bogus`` objects only get stamp-classifier rows).
    rng : numpy.random.Generator
    light_curve : bool
        Whether the light-curve classifier ran (it needs 6 detections in a band).

    Returns
    -------
    list of dict
    """
    group = GROUP[cls]
    tables = {}  # classifier -> (classes, probabilities as floats)
    if light_curve and group is not None:
        confused_top = rng.uniform() < 0.07
        top = _dirichlet(rng, 3, TOP_CLASSES.index(group), rng.uniform(6.0, 30.0), confused_top)
        top_q = _quantise(top, 1000)
        tables["lc_classifier_top"] = (TOP_CLASSES, top_q / 1000.0)
        branch_q = {}
        for g, classes in BRANCH_CLASSES.items():
            fav = classes.index(cls) if g == group else None
            confused = g == group and rng.uniform() < 0.07
            p = _dirichlet(rng, len(classes), fav, rng.uniform(4.0, 20.0), confused)
            branch_q[g] = _quantise(p, 1000)
            tables[BRANCH_CLASSIFIER[g]] = (classes, branch_q[g] / 1000.0)
        lc_classes, lc_p = [], []
        for g, classes in BRANCH_CLASSES.items():
            t = int(top_q[TOP_CLASSES.index(g)])
            for c, b in zip(classes, branch_q[g], strict=True):
                lc_classes.append(c)
                lc_p.append(t * int(b) / 1e6)  # exact to 6 decimals, sums to one
        tables["lc_classifier"] = (tuple(lc_classes), np.array(lc_p))
    stamp_truth = STAMP_CLASSES.index(STAMP_TRUTH[group])
    stamp = _dirichlet(rng, 5, stamp_truth, rng.uniform(3.0, 15.0), rng.uniform() < 0.1)
    tables["stamp_classifier"] = (STAMP_CLASSES, _quantise(stamp, 10 ** 6) / 1e6)
    rows_by_clf = {}
    for name, (classes, probs) in tables.items():
        version = STAMP_VERSION if name == "stamp_classifier" else LC_VERSION
        ranks = _rank(probs)
        rows_by_clf[name] = [
            {"classifier_name": name, "classifier_version": version, "class_name": c,
             "probability": float(p), "ranking": int(r)}
            for c, p, r in zip(classes, probs, ranks, strict=True)]
    out = []
    names = sorted(rows_by_clf)
    longest = max(len(v) for v in rows_by_clf.values())
    for j in range(longest):
        for name in names:
            if j < len(rows_by_clf[name]):
                out.append(rows_by_clf[name][j])
    return out
