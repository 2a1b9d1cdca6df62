"""
Loading multisurvey (LSST) dataset folders: the tables behind the offline multisurvey API.

A dataset folder (the layout of the project plan, the one of ``lsst-recorded``)::

    objects/<oid>.json       one bundle per object: "oid", "survey_id" ("lsst" or "ztf"; ZTF
                             bundles also "masterid"), and the service's answers about it, each
                             {"status", "body"} (or "body_text"): "object", "object_extra",
                             "lightcurve", "forced_photometry_all", "magstats", "probabilities",
                             "list_objects"[, "triggering_measurement_id"]
    cutouts/<oid>_<measurement_id>_<cutoutScience|cutoutTemplate|cutoutDifference>.fits
    dataset.json             optional {"survey": "lsst", "classifiers": [...]} (the
                             classifiers as /classifier_api/classifiers answers them)

A folder holding only ``<oid>_<measurement_id>_<type>.fits`` files is a cutouts folder (the
real data: ``lsst-alerts/cutouts``). The answers of a bundle are read back into the service's
tables, and the offline service answers every request from those tables with the service's
rules:

* ``object`` (200) is the row of the common ``object`` table; without it (solar-system objects)
  the row is derived from the detections as ALeRCE's magstats step does (inverse-variance
  weighted mean position);
* ``object_extra`` (200) gives the survey table row (``lsst_dia_object`` or ``ztf_object``):
  only objects with one are listed by ``list_objects`` and answered by ``/object``;
* ``lightcurve`` gives detections and non-detections, ``forced_photometry_all`` the complete
  forced photometry;
* ``probabilities`` gives the probability rows; an error answer there (ZTF objects) means rows
  the service cannot serialise;
* without ``dataset.json`` the classifier table is ALeRCE's production table (June 2026) for
  the surveys the dataset holds, extended by any classifier the probabilities name (the
  version string from the ``list_objects`` answers, or the digits of the integer version).

Row order: tables without ``ORDER BY`` come out in storage order: the probability table is
partitioned by hash of oid (16 parts) and the object table too (8 parts); detections and forced
photometry in insertion order (the order of the object files, then of the rows in a bundle).
"""

import json
import os
import struct
import threading
from collections import OrderedDict
from pathlib import Path

from .ids import ztf_masterid
from .sql import partition_of

__all__ = ["MultisurveyDataset", "load_multisurvey", "split_data", "PRODUCTION_CLASSIFIERS",
           "OBJECT_COLUMNS", "LSST_DIA_COLUMNS", "STAMP_TYPES"]

#: Keep parsed bundles in memory when the object files total at most this many bytes.
RESIDENT_BYTES = 64 * 1024 * 1024

#: Columns of the common ``object`` table (and the 15 keys of ``/object``), in order.
OBJECT_COLUMNS = ("oid", "tid", "sid", "meanra", "meandec", "sigmara", "sigmadec", "firstmjd",
                  "lastmjd", "deltamjd", "n_det", "n_forced", "n_non_det", "created_date",
                  "updated_date")
STAMP_TYPES = ("cutoutDifference", "cutoutScience", "cutoutTemplate")
_BANDS = "ugrizy"
#: Columns of the ``lsst_dia_object`` table (the Rubin diaObject summary), in order.
LSST_DIA_COLUMNS = (
    ("oid", "validityStartMjdTai", "ra", "raErr", "dec", "decErr", "ra_dec_Cov")
    + tuple(f"{b}_{c}" for b in _BANDS for c in ("psfFluxMean", "psfFluxMeanErr",
                                                  "psfFluxSigma", "psfFluxNdata", "fpFluxMean",
                                                  "fpFluxMeanErr"))
    + tuple(f"{b}_{c}" for b in _BANDS for c in ("scienceFluxMean", "scienceFluxMeanErr"))
    + tuple(f"{b}_{c}" for b in _BANDS for c in ("psfFluxMin", "psfFluxMax",
                                                  "psfFluxMaxSlope", "psfFluxErrMean"))
    + ("firstDiaSourceMjdTai", "lastDiaSourceMjdTai", "nDiaSources", "created_date"))

#: ALeRCE's classifier table as production serves it (June 2026): served when a dataset has
#: no ``dataset.json``. ``tid`` 1 is Rubin, 0 ZTF; ``classes`` in taxonomy order.
PRODUCTION_CLASSIFIERS = (
    {"classifier_id": 1, "classifier_name": "stamp_classifier_rubin_beta",
     "classifier_version": "2.0.1", "tid": 1,
     "classes": ["SN", "AGN", "VS", "asteroid", "bogus"]},
    {"classifier_id": 2, "classifier_name": "stamp_classifier_2025_beta",
     "classifier_version": "2.1.1", "tid": 0,
     "classes": ["SN", "AGN", "VS", "asteroid", "bogus", "satellite"]},
    {"classifier_id": 3, "classifier_name": "stamp_classifier_rubin_beta_20260421",
     "classifier_version": "2.0.2", "tid": 1,
     "classes": ["SN", "AGN", "VS", "asteroid", "bogus"]},
)

_BUNDLE_FIRST_KEYS = ("oid", "survey_id", "masterid")
_DECODER = json.JSONDecoder()


def float32(value):
    """The float32 value nearest ``value``, as a Python float (a ``REAL`` column)."""
    if not isinstance(value, float):
        return value
    try:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        return value


# ---------------------------------------------------------------------------- folders
def _first_key(path):
    with open(path, "rb") as f:
        head = f.read(512).decode("utf-8", "replace").lstrip()
    if not head.startswith("{"):
        return None
    key = head[1:].lstrip()
    if not key.startswith('"'):
        return None
    end = key.find('"', 1)
    return key[1:end] if end > 0 else None


def is_multisurvey_folder(path):
    """Whether ``path`` is a multisurvey dataset folder (see the module docstring)."""
    path = Path(path)
    meta = path / "dataset.json"
    if meta.is_file():
        try:
            survey = json.loads(meta.read_bytes()).get("survey")
        except (ValueError, AttributeError):
            survey = None
        if str(survey).lower() in ("lsst", "multisurvey"):
            return True
    objdir = path / "objects"
    if not objdir.is_dir():
        return (path / "cutouts").is_dir() and not (path / "stamps").is_dir()
    with os.scandir(objdir) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".json") and e.is_file())
    if not names:
        return False
    return names[0][:-5].isdigit() or _first_key(objdir / names[0]) in _BUNDLE_FIRST_KEYS


def _cutout_name(name):
    """``(key, stamp_type)`` of a cutout file name ``<oid>_<mid>_<type>.fits``, or None."""
    if not name.endswith(".fits"):
        return None
    key, _, kind = name[:-5].rpartition("_")
    if kind not in STAMP_TYPES or "_" not in key:
        return None
    return key, kind


def is_cutouts_folder(path):
    """Whether ``path`` holds ``<oid>_<measurement_id>_<type>.fits`` cutouts (and no dataset)."""
    path = Path(path)
    if not path.is_dir() or (path / "objects").is_dir():
        return False
    with os.scandir(path) as entries:
        return any(_cutout_name(e.name) for e in entries if e.is_file())


def split_data(data):
    """
    Split the ``data`` of `~alerce_astro.offline.SampleServer` by API.

    Parameters
    ----------
    data : path-like, `~alerce_astro.offline.Dataset` or a sequence of them
        What the server was given.

    Returns
    -------
    ztf : list
        The ZTF dataset folders (or `~alerce_astro.offline.Dataset` objects), in order.
    multisurvey : list of Path
        The multisurvey dataset folders and cutouts folders, in order. A ZTF folder holding
        an ``lsst/`` multisurvey dataset contributes that folder here.
    """
    if data is None:
        return [], []
    if isinstance(data, (str, os.PathLike)) or not hasattr(data, "__iter__"):
        data = [data]
    ztf, multi = [], []
    for item in data:
        if not isinstance(item, (str, os.PathLike)):
            ztf.append(item)
            continue
        path = Path(item)
        if path.is_dir() and (is_multisurvey_folder(path) or is_cutouts_folder(path)):
            multi.append(path)
            continue
        ztf.append(item)
        nested = path / "lsst"
        if nested.is_dir() and is_multisurvey_folder(nested):
            multi.append(nested)
    return ztf, multi


# ---------------------------------------------------------------------------- bundles
def _top_level(text, keys):
    """Values of the top-level ``keys`` of the JSON object ``text`` without parsing the rest.

    Finds every ``"key":`` and keeps those at depth one, counting brackets once from the
    start of the text (a bracket inside a string could fool the count: more than one hit for a
    key raises ValueError, so that the caller parses the whole text).
    """
    hits = []
    for key in keys:
        token = f'"{key}":'
        start = 0
        while True:
            p = text.find(token, start)
            if p < 0:
                break
            hits.append((p, key, len(token)))
            start = p + 1
    hits.sort()
    out = {}
    depth = 0
    last = 0
    for p, key, size in hits:
        depth += (text.count("{", last, p) + text.count("[", last, p)
                  - text.count("}", last, p) - text.count("]", last, p))
        last = p
        if depth != 1:
            continue
        if key in out:
            raise ValueError("ambiguous")
        idx = p + size
        while text[idx] in " \t\r\n":
            idx += 1
        out[key], _ = _DECODER.raw_decode(text, idx)
    return out


def answer(bundle, key):
    """``(status, body)`` of a bundle answer (``(None, None)`` when absent)."""
    value = bundle.get(key) if isinstance(bundle, dict) else None
    if not isinstance(value, dict) or "status" not in value:
        return None, None
    return value["status"], value.get("body", value.get("body_text"))


_INDEX_KEYS = ("oid", "survey_id", "masterid", "object", "object_extra", "magstats",
               "probabilities", "list_objects")


class MsObject:
    """One object of a multisurvey dataset: its table rows (see `MultisurveyDataset`)."""

    __slots__ = ("oid", "survey", "name", "seq", "path", "row", "tid", "sid", "survey_row",
                 "has_survey_row", "probs", "probs_broken", "magstats", "part16", "part8")

    def __repr__(self):
        return f"<MsObject {self.survey} {self.oid}>"


class MultisurveyDataset:
    """
    One or several multisurvey dataset folders (and cutouts folders) merged.

    Later folders win for the same object. Attributes are the service's tables:
    ``objects`` (oid -> `MsObject`, in storage order), ``classifiers`` (the classifier table),
    ``probability_rows`` (physical order of the probability table), ``stamps``
    (``"<oid>_<measurement_id>"`` -> {stamp type: path}).

    Parameters
    ----------
    paths : sequence of path-like
        Dataset folders and cutouts folders.
    resident_bytes : int
        Keep parsed bundles in memory when their total size is at most this; otherwise read
        them again (with a small cache) when a route needs their photometry.
    """

    def __init__(self, paths=(), *, resident_bytes=RESIDENT_BYTES):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self.paths = [Path(p) for p in paths]
        self.objects = {}
        self.ztf_names = {}
        self.stamps = {}
        self.classifier_meta = None
        self._resident = None
        self._cache = OrderedDict()
        self._cache_size = 32
        self._lock = threading.Lock()
        self._load(resident_bytes)

    # ------------------------------------------------------------------ loading
    def _load(self, resident_bytes):
        files = []
        for root in self.paths:
            if not root.is_dir():
                raise FileNotFoundError(f"dataset folder not found: {root}")
            for folder in (root, root / "cutouts"):
                if folder.is_dir():
                    with os.scandir(folder) as entries:
                        for entry in sorted(entries, key=lambda e: e.name):
                            found = _cutout_name(entry.name)
                            if found and entry.is_file():
                                self.stamps.setdefault(found[0], {})[found[1]] = Path(entry.path)
            meta = root / "dataset.json"
            if meta.is_file():
                content = json.loads(meta.read_bytes())
                if isinstance(content, dict) and content.get("classifiers") is not None:
                    self.classifier_meta = content["classifiers"]
            objdir = root / "objects"
            if objdir.is_dir():
                with os.scandir(objdir) as entries:
                    found = sorted((e for e in entries
                                    if e.name.endswith(".json") and e.is_file()),
                                   key=lambda e: e.name)
                    files.extend((Path(e.path), e.stat().st_size) for e in found)
        resident = {} if sum(size for _, size in files) <= resident_bytes else None
        seq = 0
        for path, _ in files:
            raw = path.read_bytes()
            if resident is not None:
                bundle = json.loads(raw)
            else:
                text = raw.decode("utf-8")
                try:
                    bundle = _top_level(text, _INDEX_KEYS)
                except ValueError:
                    bundle = json.loads(text)
            if not isinstance(bundle, dict) or "oid" not in bundle:
                continue
            obj = self._index(bundle, path, seq)
            if obj.row is None:  # derived from the photometry: read it all
                if resident is None:
                    bundle = json.loads(raw)
                obj.row = derive_object_row(obj, bundle)
                obj.sid = obj.row["sid"]
            if resident is not None:
                resident[obj.oid] = bundle
            old = self.objects.pop(obj.oid, None)
            if old is not None and old.name:
                self.ztf_names.pop(old.name, None)
            self.objects[obj.oid] = obj
            if obj.name:
                self.ztf_names[obj.name] = obj.oid
            seq += 1
        self._resident = resident
        for obj in self.objects.values():
            obj.part16 = partition_of(obj.oid, 16)
            obj.part8 = partition_of(obj.oid, 8)
        self._build_classifiers()
        self._build_probabilities()

    @staticmethod
    def _index(bundle, path, seq):
        obj = MsObject()
        survey = str(bundle.get("survey_id") or "").lower()
        raw_oid = bundle["oid"]
        if survey not in ("lsst", "ztf"):
            survey = "ztf" if str(raw_oid).startswith("ZTF") else "lsst"
        obj.survey = survey
        obj.seq = seq
        obj.path = path
        if survey == "ztf":
            obj.name = str(raw_oid)
            obj.oid = int(bundle.get("masterid") or ztf_masterid(obj.name))
        else:
            obj.name = None
            obj.oid = int(raw_oid)
        status, body = answer(bundle, "object")
        obj.row = dict(body) if status == 200 and isinstance(body, dict) else None
        obj.tid = obj.row.get("tid") if obj.row else (0 if survey == "ztf" else 1)
        obj.sid = obj.row.get("sid") if obj.row else None
        extra_status, extra = answer(bundle, "object_extra")
        skip = set(OBJECT_COLUMNS)
        if extra_status == 200 and isinstance(extra, dict):
            obj.survey_row = {k: v for k, v in extra.items() if k not in skip}
            obj.has_survey_row = True
        else:
            mstatus, mbody = answer(bundle, "magstats")
            if (survey == "lsst" and mstatus == 200 and isinstance(mbody, list) and mbody
                    and isinstance(mbody[0], dict)):
                obj.survey_row = {k: v for k, v in mbody[0].items() if k not in skip}
            else:
                obj.survey_row = {}
            obj.has_survey_row = obj.row is not None
        pstatus, pbody = answer(bundle, "probabilities")
        obj.probs = tuple(p for p in pbody if isinstance(p, dict)) \
            if pstatus == 200 and isinstance(pbody, list) else ()
        # an error answer about existing rows: rows of a classifier the service cannot name
        obj.probs_broken = pstatus is not None and pstatus >= 500
        obj.magstats = answer(bundle, "magstats") if survey == "ztf" else (None, None)
        return obj

    def _list_versions(self):
        """classifier name -> version string, as list_objects bodies show them."""
        out = {}
        for obj in self.objects.values():
            data = self.bundle(obj) if self._resident is not None else None
            status, body = answer(data or {}, "list_objects")
            if status == 200 and isinstance(body, dict):
                for item in body.get("items") or ():
                    name, version = item.get("classifier_name"), item.get("classifier_version")
                    if name and version:
                        out.setdefault(name, str(version))
        return out

    def _build_classifiers(self):
        if self.classifier_meta is not None:
            table = [{"classifier_id": int(c.get("classifier_id", i + 1)),
                      "classifier_name": c["classifier_name"],
                      "classifier_version": str(c["classifier_version"]),
                      "tid": int(c.get("tid", 1)), "classes": list(c.get("classes") or ())}
                     for i, c in enumerate(self.classifier_meta)]
            derived = False
        else:
            # ALeRCE's classifiers of the surveys the dataset holds (Rubin's tid 1, ZTF's 0)
            tids = {1 if o.survey == "lsst" else 0 for o in self.objects.values()}
            table = [dict(c, classes=list(c["classes"])) for c in PRODUCTION_CLASSIFIERS
                     if c["tid"] in tids]
            derived = True
        by_name = {c["classifier_name"]: c for c in table}
        versions = None
        for obj in self.objects.values():
            for p in obj.probs:
                name = p.get("classifier_name")
                entry = by_name.get(name)
                if entry is None:
                    if versions is None:
                        versions = self._list_versions()
                    version = versions.get(name) or ".".join(str(p.get("classifier_version")))
                    entry = {"classifier_id": max([c["classifier_id"] for c in table] + [0]) + 1,
                             "classifier_name": name, "classifier_version": version,
                             "tid": 1 if obj.survey == "lsst" else 0, "classes": []}
                    table.append(entry)
                    by_name[name] = entry
                    derived_entry = True
                else:
                    derived_entry = derived
                if derived_entry and p.get("class_name") not in entry["classes"]:
                    entry["classes"].append(p.get("class_name"))
        #: the classifier table: dicts classifier_id, classifier_name, classifier_version
        #: (str), tid, classes (taxonomy order; class_id = position)
        self.classifiers = table
        self.classifier_by_name = by_name
        self.classifier_by_id = {c["classifier_id"]: c for c in table}

    def _build_probabilities(self):
        rows = []
        for obj in self.objects.values():
            for p in obj.probs:
                entry = self.classifier_by_name.get(p.get("classifier_name"))
                classes = entry["classes"] if entry else ()
                class_name = p.get("class_name")
                class_id = classes.index(class_name) if class_name in classes else None
                prob = p.get("probability")
                ranking = p.get("ranking")
                classifier_id = entry["classifier_id"] if entry else None
                # the classifier steps write one classifier after the other, each classifier's
                # rows by ranking; the table is partitioned by hash of oid
                physical = (obj.part16, obj.seq, classifier_id or 0,
                            ranking if isinstance(ranking, int) else 1 << 16, class_id or 0)
                rows.append(ProbabilityRow(obj, classifier_id, p.get("classifier_version"),
                                           class_id, prob, float32(prob), ranking, physical))
        rows.sort(key=lambda r: r.physical)
        #: rows of the probability table, in storage order
        self.probability_rows = rows

    # ------------------------------------------------------------------ access
    def __len__(self):
        return len(self.objects)

    def __repr__(self):
        return (f"<MultisurveyDataset {len(self.objects)} objects, "
                f"{len(self.probability_rows)} probability rows, {len(self.stamps)} alerts "
                "with cutouts>")

    def bundle(self, obj):
        """The parsed bundle of `MsObject` ``obj`` (not to be modified)."""
        if self._resident is not None:
            return self._resident.get(obj.oid)
        with self._lock:
            data = self._cache.get(obj.oid)
            if data is not None:
                self._cache.move_to_end(obj.oid)
                return data
        data = json.loads(obj.path.read_bytes())
        with self._lock:
            self._cache[obj.oid] = data
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return data

    def detections(self, obj):
        """Detection rows of ``obj`` as the service serialises them (insertion order)."""
        status, body = answer(self.bundle(obj), "lightcurve")
        return list(body.get("detections") or ()) if status == 200 and body else []

    def non_detections(self, obj):
        """Non-detection rows of ``obj`` (ZTF only; Rubin sends none)."""
        status, body = answer(self.bundle(obj), "lightcurve")
        return list(body.get("non_detections") or ()) if status == 200 and body else []

    def forced_photometry(self, obj):
        """All forced-photometry rows of ``obj`` (insertion order)."""
        data = self.bundle(obj)
        status, body = answer(data, "forced_photometry_all")
        if status == 200 and isinstance(body, list):
            return list(body)
        status, body = answer(data, "lightcurve")
        return list(body.get("forced_photometry") or ()) if status == 200 and body else []


class ProbabilityRow:
    """A row of the probability table."""

    __slots__ = ("obj", "classifier_id", "classifier_version", "class_id", "probability",
                 "probability32", "ranking", "physical")

    def __init__(self, obj, classifier_id, classifier_version, class_id, probability,
                 probability32, ranking, physical):
        self.obj = obj
        self.classifier_id = classifier_id
        self.classifier_version = classifier_version
        self.class_id = class_id
        self.probability = probability
        self.probability32 = probability32
        self.ranking = ranking
        self.physical = physical


def derive_object_row(obj, bundle):
    """
    The ``object`` row of an object without one in its bundle (a solar-system object).

    Computed from the detections with the formulas of ALeRCE's magstats step: the
    inverse-variance weighted mean of ra/dec (weights ``1/raErr**2`` computed in float32, as
    the alert's errors are), sigma ``sqrt(1/sum(w))``.
    """
    status, lc = answer(bundle, "lightcurve")
    dets = list((lc or {}).get("detections") or ()) if status == 200 else []
    forced_status, forced = answer(bundle, "forced_photometry_all")
    sid = 0 if obj.survey == "ztf" else 1
    if obj.survey == "lsst" and dets and all(
            d.get("ssObjectId") == obj.oid and d.get("diaObjectId") in (0, -1, None)
            for d in dets):
        sid = 2

    def mean(key, err):
        pairs = [(d.get(key), float32(d.get(err))) for d in dets]
        pairs = [(v, float32(1.0 / float32(e * e))) for v, e in pairs if v is not None and e]
        if not pairs:
            values = [d.get(key) for d in dets if d.get(key) is not None]
            return (sum(values) / len(values) if values else None), None
        total = sum(w for _, w in pairs)
        return sum(v * w for v, w in pairs) / total, (1.0 / total) ** 0.5

    meanra, sigmara = mean("ra", "raErr")
    meandec, sigmadec = mean("dec", "decErr")
    mjds = [d["mjd"] for d in dets if d.get("mjd") is not None]
    first, last = (min(mjds), max(mjds)) if mjds else (None, None)
    return {"oid": obj.oid, "tid": obj.tid, "sid": sid, "meanra": meanra, "meandec": meandec,
            "sigmara": sigmara, "sigmadec": sigmadec, "firstmjd": first, "lastmjd": last,
            "deltamjd": (last - first) if mjds else 0.0, "n_det": len(dets),
            "n_forced": len(forced) if forced_status == 200 and forced else 0,
            "n_non_det": 0, "created_date": None, "updated_date": None}


def load_multisurvey(paths):
    """Load multisurvey dataset folders and cutouts folders as a `MultisurveyDataset`."""
    if isinstance(paths, MultisurveyDataset):
        return paths
    return MultisurveyDataset(paths)
