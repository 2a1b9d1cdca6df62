"""
Views of classification results: the classifier hierarchy, a one-row-per-classifier summary,
and features pivoted to one row per object.
"""

import warnings

import numpy as np
from astropy.table import Column, Table, vstack

from .apis.ztf_v1 import quirks as _ztf_quirks
from .exceptions import InvalidQueryError
from .surveys import survey_of_oid

__all__ = ["HIERARCHY", "probabilities_hierarchy", "probabilities_summary", "features_to_wide"]

#: ALeRCE's hierarchical light-curve classifier (a rule of the ZTF API v1, kept there): the top
#: level and the classifier of each branch; ``lc_classifier`` gives the product of the two.
HIERARCHY = _ztf_quirks.HIERARCHY


def probabilities_hierarchy(probabilities, *, version=None):
    """
    The hierarchical classification of one object as a table of its leaf classes.

    Parameters
    ----------
    probabilities : `~astropy.table.Table`
        From `~alerce_astro.AlerceClass.query_probabilities` (one object).
    version : str, optional
        The classifier version to use; by default the latest one present (sorted by name).

    Returns
    -------
    `~astropy.table.Table`
        One row per class of the lower level: ``branch`` (Periodic, Stochastic or Transient),
        ``branch_probability`` (from ``lc_classifier_top``), ``class_name``,
        ``class_probability`` (within its branch) and ``probability`` (their product, as
        ``lc_classifier`` reports it), sorted by decreasing ``probability``.

    Raises
    ------
    InvalidQueryError
        If the table holds several objects or no hierarchical classifier.

    Examples
    --------
    >>> from astropy.table import Table
    >>> rows = [("lc_classifier_top", "v1", "Transient", 0.9, 1),
    ...         ("lc_classifier_top", "v1", "Periodic", 0.1, 2),
    ...         ("lc_classifier_transient", "v1", "SNIa", 0.8, 1),
    ...         ("lc_classifier_transient", "v1", "SNII", 0.2, 2),
    ...         ("lc_classifier_periodic", "v1", "RRL", 1.0, 1)]
    >>> t = Table(rows=rows, names=["classifier_name", "classifier_version", "class_name",
    ...                             "probability", "ranking"])
    >>> h = probabilities_hierarchy(t)
    >>> h["class_name"].tolist(), [round(float(p), 2) for p in h["probability"]]
    (['SNIa', 'SNII', 'RRL'], [0.72, 0.18, 0.1])
    """
    t = _one_object(probabilities)
    top = t[t["classifier_name"] == HIERARCHY["top"]]
    if not len(top):
        raise InvalidQueryError("the probabilities hold no lc_classifier_top rows: the "
                                "hierarchy needs the top level and its branches")
    version = version or sorted(set(top["classifier_version"]))[-1]
    top = top[top["classifier_version"] == version]
    branch_p = {str(r["class_name"]): float(r["probability"]) for r in top}
    rows = []
    for branch, name in HIERARCHY["branches"].items():
        sub = t[(t["classifier_name"] == name) & (t["classifier_version"] == version)]
        for r in sub:
            p_branch = branch_p.get(branch, np.nan)
            rows.append((branch, p_branch, str(r["class_name"]), float(r["probability"]),
                         p_branch * float(r["probability"])))
    out = Table(rows=rows or None, names=["branch", "branch_probability", "class_name",
                                          "class_probability", "probability"],
                dtype=[str, float, str, float, float])
    out["branch_probability"].description = "Probability of the branch (lc_classifier_top)"
    out["class_probability"].description = "Probability of the class within its branch"
    out["probability"].description = "Probability of the class (branch x class)"
    if len(out):
        out.sort("probability", reverse=True)
    out.meta.update(probabilities.meta)
    out.meta["classifier_version"] = version
    return out


def probabilities_summary(probabilities):
    """
    The most probable class of each classifier, one row per classifier and version.

    Parameters
    ----------
    probabilities : `~astropy.table.Table`
        From `~alerce_astro.AlerceClass.query_probabilities`.

    Returns
    -------
    `~astropy.table.Table`
        ``classifier_name``, ``classifier_version``, ``class_name`` (ranking 1),
        ``probability``, ``second_class``, ``second_probability`` and ``n_classes``
        (plus ``oid`` first if present).

    Examples
    --------
    >>> from astropy.table import Table
    >>> t = Table(rows=[("stamp_classifier", "1", "SN", 0.7, 1),
    ...                 ("stamp_classifier", "1", "AGN", 0.3, 2)],
    ...           names=["classifier_name", "classifier_version", "class_name",
    ...                  "probability", "ranking"])
    >>> s = probabilities_summary(t)
    >>> str(s["class_name"][0]), str(s["second_class"][0]), int(s["n_classes"][0])
    ('SN', 'AGN', 2)
    """
    keys = (["oid"] if "oid" in probabilities.colnames else []) + ["classifier_name",
                                                                    "classifier_version"]
    rows = []
    if len(probabilities):
        for group in probabilities.group_by(keys).groups:
            order = np.argsort(-np.ma.filled(np.asarray(group["probability"], dtype=float),
                                             -1.0), kind="stable")
            g = group[order]
            second = (str(g["class_name"][1]), float(g["probability"][1])) if len(g) > 1 \
                else ("", np.nan)
            rows.append(tuple(str(g[k][0]) for k in keys)
                        + (str(g["class_name"][0]), float(g["probability"][0])) + second
                        + (len(g),))
    names = keys + ["class_name", "probability", "second_class", "second_probability",
                    "n_classes"]
    out = Table(rows=rows or None, names=names,
                dtype=[str] * len(keys) + [str, float, str, float, int])
    out.meta.update(probabilities.meta)
    return out


def features_to_wide(features):
    """
    Pivot long-form features to one row per object with ``<name>_<fid>`` columns.

    Parameters
    ----------
    features : `~astropy.table.Table`, or list or dict of them
        From `~alerce_astro.AlerceClass.query_features` (each with an ``oid`` column), for
        one or many objects.

    Returns
    -------
    `~astropy.table.Table`
        An ``oid`` column, then one float column per feature and band, sorted by name; masked
        where an object lacks a feature. When an object has a feature in several versions,
        the value of the latest version (sorted by name) is kept.

    Raises
    ------
    InvalidQueryError
        If a table has no ``oid`` column.

    Examples
    --------
    >>> from astropy.table import Table
    >>> long = Table(rows=[("ZTF00aaaaaab", "Amplitude", 0.5, 1, "v1"),
    ...                    ("ZTF00aaaaaab", "Amplitude", 0.7, 2, "v1"),
    ...                    ("ZTF00aaaaaac", "Amplitude", 0.1, 1, "v1")],
    ...              names=["oid", "name", "value", "fid", "version"])
    >>> wide = features_to_wide(long)
    >>> wide.colnames
    ['oid', 'Amplitude_1', 'Amplitude_2']
    >>> bool(wide["Amplitude_2"].mask[1])
    True
    """
    if isinstance(features, dict):
        features = list(features.values())
    if isinstance(features, (list, tuple)):
        features = [f for f in features if len(f)]
        if not features:
            return Table({"oid": Column([], dtype=str)})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # metadata conflicts between objects
            features = vstack(features, metadata_conflicts="silent")
    if "oid" not in features.colnames:
        raise InvalidQueryError("features_to_wide needs an 'oid' column (tables from "
                                "query_features have one)")
    order = np.argsort(np.asarray(features["version"], dtype=str), kind="stable")
    values = {}
    ids = features["oid"]
    oids = list(dict.fromkeys(ids.tolist()))
    for row in features[order]:
        col = f"{row['name']}_{int(row['fid'])}"
        value = row["value"]
        values.setdefault(col, {})[_plain(row["oid"])] = (
            np.nan if np.ma.is_masked(value) else float(value))
    out = Table({"oid": Column(oids, dtype=str if ids.dtype.kind in "US" else ids.dtype,
                               description=_id_description(ids, oids))})
    for col in sorted(values):
        data = np.array([values[col].get(o, np.nan) for o in oids], dtype=float)
        out[col] = np.ma.MaskedArray(data, mask=np.isnan(data))
    out.meta.update(features.meta)
    return out


def _plain(value):
    """A table value as a Python object (numpy scalars compare and hash like them)."""
    return value.item() if hasattr(value, "item") else value


def _id_description(column, oids):
    """The oid column's own description, else that of the survey the ids belong to."""
    if column.info.description:
        return column.info.description
    survey = survey_of_oid(oids[0]) if oids else None
    return survey.id_description if survey is not None else "Object identifier"


def _one_object(probabilities):
    if "oid" in probabilities.colnames and len(set(probabilities["oid"])) > 1:
        raise InvalidQueryError("probabilities_hierarchy takes the probabilities of one "
                                "object; select one oid first")
    return probabilities
