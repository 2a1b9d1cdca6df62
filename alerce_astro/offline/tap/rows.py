"""
Dataset folders -> rows of ALeRCE's TAP tables, in the layout of its databases.

Two readers, one per schema:

- `ztf_rows`: ZTF dataset folders (``objects/<oid>.json`` with the ZTF API v1 bodies, as the
  built-in sample and ``alerce-fixtures/recorded``) -> the legacy tables of schema ``ztf``;
- `multisurvey_rows`: LSST dataset folders (``objects/<oid>.json`` bundles of the multisurvey
  API's answers, each ``{"status", "body"}``, and an optional ``dataset.json`` with the
  classifiers; ``alerce-fixtures/lsst-recorded`` is one) -> the tables of schema ``alerce_tap``.
  The REST rows are split as ALeRCE's database splits them: the survey-independent columns of
  a detection go to ``detection``, Rubin's measurements to ``lsst_detection``.

Both yield ``(table name, row dict)`` pairs; `typed_row` gives every column of the table its
database type (so an id is a Python int, exactly, and a missing value is ``None``). Later
folders win for an object that several folders hold.
"""

import json
import os
from pathlib import Path

from ...surveys import LSST, ZTF

__all__ = ["ztf_rows", "multisurvey_rows", "typed_row", "object_files", "source_files"]

_INT_TYPES = ("smallint", "integer", "bigint")
_FLOAT_TYPES = ("real", "double precision")
#: Survey ids of the multisurvey database.
SID_ZTF, SID_LSST, SID_LSST_SS = 0, 1, 2
SURVEY_IDS = ((SID_ZTF, 0, "ztf"), (SID_LSST, 1, "lsst"), (SID_LSST_SS, 1, "lsst_ss"))


def object_files(paths):
    """
    ``oid -> path`` of the object files of dataset folders (later folders win).

    Parameters
    ----------
    paths : sequence of path-like
        Dataset folders, each with an ``objects/`` folder.

    Returns
    -------
    dict
        In file-name order within each folder.
    """
    files = {}
    for root in paths:
        objdir = Path(root) / "objects"
        if not objdir.is_dir():
            raise FileNotFoundError(f"not a dataset folder (no objects/ inside): {root}")
        for entry in sorted(os.scandir(objdir), key=lambda e: e.name):
            if entry.name.endswith(".json") and entry.is_file():
                files.pop(entry.name[:-5], None)
                files[entry.name[:-5]] = Path(entry.path)
    return files


def source_files(paths):
    """Every file the readers read from ``paths``, sorted: what a content hash covers."""
    out = list(object_files(paths).values())
    for root in paths:
        extra = Path(root) / "dataset.json"
        if extra.is_file():
            out.append(extra)
        recorded = Path(root) / "exchanges" / "classifiers" / "all.json"
        if recorded.is_file():
            out.append(recorded)
    return sorted(out)


def typed_row(table, row):
    """
    A row with exactly the columns of ``table``, each converted to its database type.

    Parameters
    ----------
    table : `~alerce_astro.apis.tap.columns.TapTable`
    row : dict
        Keys are column names; missing keys become ``None``.

    Returns
    -------
    dict

    Examples
    --------
    >>> from alerce_astro.apis.tap.columns import table
    >>> typed_row(table("ztf.non_detection"), {"oid": "ZTF1", "fid": "2", "mjd": 1})
    {'oid': 'ZTF1', 'fid': 2, 'mjd': 1.0, 'diffmaglim': None}
    """
    out = {}
    for col in table.columns:
        value = row.get(col.name)
        if value is None and col.wire:
            value = row.get(col.wire)
        if value is not None:
            if col.type in _INT_TYPES:
                value = int(value)  # ids arrive as ints or decimal strings: never a float
            elif col.type in _FLOAT_TYPES:
                value = float(value)
            elif col.type == "boolean":
                value = bool(value)  # the multisurvey API sends some flags as 0/1
            elif col.type == "date":
                value = str(value)[:10]
            else:
                value = str(value)
        out[col.name] = value
    return out


def _lower(row):
    return {k.lower(): v for k, v in row.items()}


def _body(answer):
    """The body of a recorded ``{"status", "body"}`` answer when it succeeded, else None."""
    if isinstance(answer, dict) and str(answer.get("status")) == "200":
        return answer.get("body")
    return None


# --------------------------------------------------------------------------------------------
# Schema ztf.
def ztf_rows(paths):
    """
    Rows of the legacy ZTF tables from ZTF dataset folders.

    Parameters
    ----------
    paths : sequence of path-like
        ZTF dataset folders (``objects/<oid>.json`` with the ZTF API v1 bodies).

    Yields
    ------
    tuple
        ``(table name, row)``, table names without the schema.
    """
    for oid, path in object_files(paths).items():
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict):
            continue
        obj = data.get("object")
        if isinstance(obj, dict):
            yield "object", {**obj, "oid": oid}
        lightcurve = data.get("lightcurve") or {}
        for det in lightcurve.get("detections") or ():
            yield "detection", {**det, "oid": oid}
        for nd in lightcurve.get("non_detections") or ():
            yield "non_detection", {**nd, "oid": oid}
        for fp in data.get("forced_photometry") or ():
            row = {k: v for k, v in fp.items() if k != "extra_fields"}
            row.update(fp.get("extra_fields") or {})
            yield "forced_photometry", {**row, "oid": oid}
        for name in ("magstats", "probabilities", "features"):
            table = {"magstats": "magstat", "probabilities": "probability",
                     "features": "feature"}[name]
            for row in data.get(name) or ():
                yield table, {**row, "oid": oid}


# --------------------------------------------------------------------------------------------
# Schema alerce_tap.
def _version_text(number):
    # The probability table stores "2.0.1" as 201 (the classifier step's int("201")).
    return ".".join(str(number))


class _Classifiers:
    """Classifier and class ids: from the dataset's list when it has one, else assigned."""

    def __init__(self, known):
        self.by_name = {}
        for c in known:
            self.by_name[c["classifier_name"]] = {
                "classifier_id": int(c["classifier_id"]),
                "classifier_version": str(c["classifier_version"]),
                "tid": c.get("tid"),
                "classes": list(c.get("classes") or ()),
            }

    def classifier(self, name, version, tid):
        entry = self.by_name.get(name)
        if entry is None:
            used = {e["classifier_id"] for e in self.by_name.values()}
            new_id = 1
            while new_id in used:
                new_id += 1
            entry = self.by_name[name] = {
                "classifier_id": new_id, "classifier_version": _version_text(version),
                "tid": tid, "classes": []}
        if entry["tid"] is None:
            entry["tid"] = tid
        return entry

    def class_id(self, entry, class_name):
        if class_name not in entry["classes"]:
            entry["classes"].append(class_name)
        return entry["classes"].index(class_name)

    def rows(self):
        for name, e in sorted(self.by_name.items(), key=lambda kv: kv[1]["classifier_id"]):
            yield "classifier", {"classifier_id": e["classifier_id"], "classifier_name": name,
                                 "classifier_version": e["classifier_version"],
                                 "tid": 1 if e["tid"] is None else e["tid"]}
            for class_id, class_name in enumerate(e["classes"]):
                yield "taxonomy", {"class_id": class_id, "class_name": class_name,
                                   "order": class_id, "classifier_id": e["classifier_id"]}


def _known_classifiers(paths):
    known = []
    for root in paths:
        root = Path(root)
        extra = root / "dataset.json"
        recorded = root / "exchanges" / "classifiers" / "all.json"
        if extra.is_file():
            known += json.loads(extra.read_bytes()).get("classifiers") or []
        elif recorded.is_file():
            # The recorded folder's own /classifier_api/classifiers answer (production ids).
            exchange = json.loads(recorded.read_bytes())
            if exchange.get("status") == 200:
                known += json.loads(exchange["body_text"])
    for c in known:
        c.setdefault("tid", 1)
    return known


def _sid(row, oid):
    ss = row.get("ssObjectId")
    dia = row.get("diaObjectId")
    return SID_LSST_SS if ss and int(ss) == oid and not dia else SID_LSST


def multisurvey_rows(paths):
    """
    Rows of the multisurvey tables from LSST dataset folders.

    Parameters
    ----------
    paths : sequence of path-like
        LSST dataset folders (``objects/<oid>.json`` bundles; ZTF objects in them, such as the
        recorded ``ZTF20aaelulu.json``, go to the ZTF tables under their master id).

    Yields
    ------
    tuple
        ``(table name, row)``, table names without the schema.
    """
    classifiers = _Classifiers(_known_classifiers(paths))
    for _, path in object_files(paths).items():
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict):
            continue
        if data.get("survey_id") == "ztf":
            yield from _ztf_bundle(data, classifiers)
        else:
            yield from _lsst_bundle(data, classifiers)
    yield from classifiers.rows()
    for survey, sids in ((LSST, (SID_LSST, SID_LSST_SS)), (ZTF, (SID_ZTF,))):
        order = {b.code: i for i, b in enumerate(survey.bands)}
        for sid in sids:
            for band in survey.bands:
                yield "band", {"sid": sid, "tid": 0 if survey is ZTF else 1,
                               "band": band.code, "band_name": band.name,
                               "band_order": order[band.code]}
    for sid, tid, name in SURVEY_IDS:
        yield "sid_lut", {"sid": sid, "tid": tid, "survey_name": name}


def _lsst_bundle(data, classifiers):
    oid = int(data["oid"])
    obj = _body(data.get("object"))
    sid = obj.get("sid", SID_LSST) if isinstance(obj, dict) else None
    if isinstance(obj, dict):
        yield "object", obj
    extra = _body(data.get("object_extra"))
    if isinstance(extra, dict):
        yield "lsst_dia_object", _lower(extra)
    lightcurve = _body(data.get("lightcurve")) or {}
    mjd_of = {}
    for det in lightcurve.get("detections") or ():
        row = _lower(det)
        row["sid"] = sid if sid is not None else _sid(det, oid)
        mjd_of[row["measurement_id"]] = row["mjd"]
        yield "detection", row
        yield "lsst_detection", row
    forced = _body(data.get("forced_photometry_all"))
    if forced is None:
        forced = lightcurve.get("forced_photometry") or ()
    for fp in forced:
        row = _lower(fp)
        row["sid"] = sid if sid is not None else SID_LSST
        yield "forced_photometry", row
        yield "lsst_forced_photometry", row
    probs = _body(data.get("probabilities")) or ()
    if probs:
        trigger = data.get("triggering_measurement_id")
        lastmjd = mjd_of.get(trigger)
        if lastmjd is None:
            lastmjd = obj.get("lastmjd") if isinstance(obj, dict) else max(mjd_of.values(),
                                                                           default=None)
        psid = sid if sid is not None else next(
            (_sid(d, oid) for d in lightcurve.get("detections") or ()), SID_LSST)
        yield from _probabilities(oid, psid, probs, lastmjd, classifiers, tid=1)


def _ztf_bundle(data, classifiers):
    obj = _body(data.get("object"))
    oid = int(data.get("masterid") or obj["oid"])
    if isinstance(obj, dict):
        yield "object", obj
    lightcurve = _body(data.get("lightcurve")) or {}
    for det in lightcurve.get("detections") or ():
        row = {**det, "oid": oid, "sid": SID_ZTF}
        yield "detection", row
        yield "ztf_detection", row
    for nd in lightcurve.get("non_detections") or ():
        yield "ztf_non_detection", {**nd, "oid": oid}
    probs = _body(data.get("probabilities")) or ()
    if probs:
        lastmjd = obj.get("lastmjd") if isinstance(obj, dict) else None
        yield from _probabilities(oid, SID_ZTF, probs, lastmjd, classifiers, tid=0)


def _probabilities(oid, sid, probs, lastmjd, classifiers, *, tid):
    for p in probs:
        entry = classifiers.classifier(p["classifier_name"], p["classifier_version"], tid)
        yield "probability", {
            "oid": oid, "sid": sid, "classifier_id": entry["classifier_id"],
            "classifier_version": p["classifier_version"],
            "class_id": classifiers.class_id(entry, p["class_name"]),
            "probability": p["probability"], "ranking": p.get("ranking"),
            "lastmjd": lastmjd}

