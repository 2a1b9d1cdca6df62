"""
Loading dataset folders for `~alerce_astro.offline.SampleServer`.

A dataset folder names its survey in an optional ``dataset.json``
(``{"survey": "ztf" | "lsst", ...}``); without one, a folder whose object files are named by
integer ids, or that holds LSST cutouts (``cutouts/`` or ``<oid>_<id>_cutout*.fits`` files), is
an LSST dataset, and any other is a ZTF dataset (`dataset_survey`). `split_by_survey` sorts
folders by survey; this module loads the ZTF ones (`Dataset`), the multisurvey service its own.

A ZTF dataset folder holds::

    objects/<oid>.json               {"object", "lightcurve", "magstats", "probabilities",
                                      "features"[, "forced_photometry", "provenance"]}
    stamps/<oid>_<candid>/           science.fits.gz, template.fits.gz, difference.fits.gz,
                                     alert.json[, alert.avro]
    classifiers.json                 optional body of /classifiers/
    catalogs/<catsHTM name>.json     optional catalogs for computed catsHTM answers
    index.json or catshtm/index.json optional recorded catsHTM answers
                                     [{"file", "route", "params"}, ...]
    dataset.json                     optional {"survey": "ztf"}

Only what list queries need (the object rows and the probabilities) is indexed in memory;
the other routes' data is read from the object's file when asked for (all of it is kept in
memory when the dataset is small).
"""

import json
import os
import sys
import threading
from collections import OrderedDict
from pathlib import Path

__all__ = ["Dataset", "load_dataset", "dataset_survey", "split_by_survey", "SURVEYS"]

#: Object files are kept parsed in memory when their total size is below this (bytes).
RESIDENT_BYTES = 64 * 1024 * 1024
#: The surveys a dataset folder can hold.
SURVEYS = ("ztf", "lsst")
DATASET_JSON = "dataset.json"


def read_dataset_json(path):
    """The parsed ``dataset.json`` of a dataset folder (a dict), or None without one."""
    meta_path = Path(path) / DATASET_JSON
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_bytes())
    if not isinstance(meta, dict):
        raise ValueError(f"{meta_path}: expected a JSON object, got {type(meta).__name__}")
    return meta


def dataset_survey(path):
    """
    The survey of a dataset folder: ``"ztf"`` or ``"lsst"``.

    Parameters
    ----------
    path : path-like
        A dataset folder.

    Returns
    -------
    str
        What its ``dataset.json`` says; without one, ``"lsst"`` when its object files are named
        by integer ids (``objects/<diaObjectId>.json``) or it holds LSST cutouts (a
        ``cutouts/`` folder or ``<oid>_<measurement id>_cutout<Kind>.fits`` files), else
        ``"ztf"`` (ZTF datasets written before ``dataset.json`` existed have none).

    Raises
    ------
    ValueError
        If ``dataset.json`` names another survey.
    """
    path = Path(path)
    if not path.is_dir():
        return "ztf"  # the loader says the folder is missing
    meta = read_dataset_json(path)
    if meta is not None and "survey" in meta:
        survey = meta["survey"]
        if survey not in SURVEYS:
            raise ValueError(f"{path / DATASET_JSON}: survey {survey!r} is not one of "
                             f"{list(SURVEYS)}")
        return survey
    objdir = path / "objects"
    if objdir.is_dir():
        with os.scandir(objdir) as entries:
            for entry in entries:
                stem = entry.name[:-5] if entry.name.endswith(".json") else None
                if stem and stem.isdigit():
                    return "lsst"
                if stem and stem.startswith("ZTF"):
                    return "ztf"
    if (path / "cutouts").is_dir():
        return "lsst"
    with os.scandir(path) as entries:
        if any("_cutout" in e.name and e.name.endswith(".fits") for e in entries):
            return "lsst"
    return "ztf"


def split_by_survey(data):
    """
    Sort dataset folders by survey.

    Parameters
    ----------
    data : path-like or sequence of path-like
        Dataset folders.

    Returns
    -------
    dict
        ``{survey: [pathlib.Path, ...]}`` for every survey of `SURVEYS`, folders in the order
        given.
    """
    if isinstance(data, (str, os.PathLike)):
        data = [data]
    out = {survey: [] for survey in SURVEYS}
    for path in data:
        out[dataset_survey(path)].append(Path(path))
    return out


def _intern(value):
    return sys.intern(value) if isinstance(value, str) else value


_NOT_AN_OBJECT = object()


class _NoFolder(tuple):
    """The paths of `Dataset.empty` (a plain empty sequence is refused)."""


_NO_FOLDER = _NoFolder()
_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def _top_level_value(text, key):
    """The value of top-level ``key`` of the JSON object ``text``: ``(found, value)``.

    Fast path for big files: finds ``"key":`` with `str.find` and checks that it sits at depth
    one by counting brackets before it. Raises ValueError when unsure (a bracket inside a string
    could fool the count), so that the caller parses the whole file instead.
    """
    token = f'"{key}":'
    hits = []
    start = 0
    while True:
        p = text.find(token, start)
        if p < 0:
            break
        start = p + 1
        if p and text[p - 1] == "\\":
            continue  # an escaped quote inside a string
        depth = (text.count("{", 0, p) + text.count("[", 0, p)
                 - text.count("}", 0, p) - text.count("]", 0, p))
        hits.append((depth, p))
    top = [p for depth, p in hits if depth == 1]
    if not hits:
        return False, None
    if len(top) != 1:
        raise ValueError("ambiguous")
    idx = top[0] + len(token)
    while idx < len(text) and text[idx] in _WS:
        idx += 1
    value, end = _DECODER.raw_decode(text, idx)
    while end < len(text) and text[end] in _WS:
        end += 1
    if end >= len(text) or text[end] not in ",}":
        raise ValueError("not followed by a key or the end of the object")
    return True, value


def _index_entry(raw, oid):
    """``(object row, probabilities)`` of an object file, reading as little as possible."""
    text = raw.decode("utf-8")
    try:
        if not text.lstrip().startswith("{"):
            raise ValueError("not an object")
        _, row = _top_level_value(text, "object")
        _, probs = _top_level_value(text, "probabilities")
        if row is not None and not (isinstance(row, dict) and row.get("oid", oid) == oid):
            raise ValueError("unexpected object row")
        if probs is not None and not (isinstance(probs, list) and all(
                isinstance(p, dict) and "classifier_name" in p for p in probs)):
            raise ValueError("unexpected probabilities")
        return row, probs
    except ValueError:
        data = json.loads(text)
        if not isinstance(data, dict):
            return _NOT_AN_OBJECT, None
        return data.get("object"), data.get("probabilities")


class Dataset:
    """
    One or several dataset folders merged (later folders win for the same oid or catalog).

    Parameters
    ----------
    paths : path-like or sequence of path-like
        The dataset folders.
    resident_bytes : int, optional
        Keep the parsed object files in memory when their total size is at most this;
        otherwise read them again (with a small cache) when a route needs them.
    table_order : sequence of str, optional
        The physical order of the object table: these oids first, in this order, then the
        others in load order (sorted by file name). It is the order of a list without
        ``order_by``, and the order in which tied rows enter PostgreSQL's sort (see
        `alerce_astro.offline.postgres`); give the insertion order of the database a dataset
        was recorded from to get its tie orders too.
    """

    def __init__(self, paths, *, resident_bytes=RESIDENT_BYTES, table_order=None):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        # no folder: an empty dataset (a server given only multisurvey data)
        self.paths = [Path(p) for p in paths]
        if not self.paths and paths is not _NO_FOLDER:
            raise ValueError("no dataset folder given")
        #: oid -> path of its object file (every object file, with or without an object row)
        self.files = {}
        #: oids of the objects that have an object row, in "database" order
        self.oids = []
        #: object rows (the ``object`` bodies), aligned with `oids`
        self.rows = []
        #: per object, tuples (classifier_name, classifier_version, class_name, probability,
        #: ranking), aligned with `oids`
        self.probs = []
        #: candid (str) -> (oid, folder)
        self.stamps = {}
        #: catsHTM request name -> catalog file
        self.catalog_files = {}
        #: recorded catsHTM answers: (route, params, file)
        self.catshtm_replays = []
        #: body of /classifiers/ or None for the built-in table
        self.classifiers = None
        self._resident = None
        self._cache = OrderedDict()
        self._cache_size = 32
        self._catalogs = {}
        self._lock = threading.Lock()
        self._load(resident_bytes)
        if table_order is not None:
            self._reorder(table_order)

    @classmethod
    def empty(cls):
        """A dataset without any object (the ZTF side of a server given only LSST data)."""
        return cls(_NO_FOLDER)

    # ------------------------------------------------------------------ loading
    def _load(self, resident_bytes):
        index = {}  # oid -> (row, probs)
        object_files = []
        for root in self.paths:
            if not root.is_dir():
                raise FileNotFoundError(f"dataset folder not found: {root}")
            survey = dataset_survey(root)
            if survey != "ztf":
                raise ValueError(f"{root} is an {survey.upper()} dataset: this loader reads ZTF "
                                 "datasets (SampleServer serves both)")
            objdir = root / "objects"
            if objdir.is_dir():
                entries = sorted((e for e in os.scandir(objdir)
                                  if e.name.endswith(".json") and e.is_file()),
                                 key=lambda e: e.name)
                object_files.extend((root, e.name[:-5], Path(e.path), e.stat().st_size)
                                    for e in entries)
        resident = {} if sum(f[3] for f in object_files) <= resident_bytes else None
        for _, oid, path, _ in object_files:
            raw = path.read_bytes()
            if resident is not None:
                data = json.loads(raw)
                if not isinstance(data, dict):
                    continue
                resident[oid] = data
                row, probs = data.get("object"), data.get("probabilities")
            else:
                row, probs = _index_entry(raw, oid)
                if row is _NOT_AN_OBJECT:
                    continue
            self.files[oid] = path
            index.pop(oid, None)
            if isinstance(row, dict):
                index[oid] = (row, tuple(
                    (_intern(p.get("classifier_name")), _intern(p.get("classifier_version")),
                     _intern(p.get("class_name")), p.get("probability"), p.get("ranking"))
                    for p in (probs or ()) if isinstance(p, dict)))
        roots_with_objects = {f[0] for f in object_files}
        for root in self.paths:
            found = root in roots_with_objects or (root / "objects").is_dir()
            stampdir = root / "stamps"
            if stampdir.is_dir():
                found = True
                for entry in sorted(os.scandir(stampdir), key=lambda e: e.name):
                    if not entry.is_dir() or "_" not in entry.name:
                        continue
                    oid, candid = entry.name.rsplit("_", 1)
                    self.stamps[candid] = (oid, Path(entry.path))
            catdir = root / "catalogs"
            if catdir.is_dir():
                found = True
                for entry in sorted(os.scandir(catdir), key=lambda e: e.name):
                    if entry.name.endswith(".json") and entry.is_file():
                        self.catalog_files[entry.name[:-5]] = Path(entry.path)
                        self._catalogs.pop(entry.name[:-5], None)
            for idx in (root / "index.json", root / "catshtm" / "index.json"):
                if idx.is_file():
                    replays = self._read_replay_index(idx)
                    if replays is not None:
                        found = True
                        self.catshtm_replays.extend(replays)
            clf = root / "classifiers.json"
            if clf.is_file():
                found = True
                self.classifiers = json.loads(clf.read_bytes())
            if (root / DATASET_JSON).is_file():
                found = True
            if not found:
                raise ValueError(
                    f"{root} is not a dataset folder: it has none of objects/, stamps/, "
                    "catalogs/, classifiers.json, index.json, dataset.json")
        for oid, (row, probs) in index.items():
            self.oids.append(oid)
            self.rows.append(row)
            self.probs.append(probs)
        self._resident = resident
        self.position = {oid: i for i, oid in enumerate(self.oids)}

    def _reorder(self, table_order):
        first = [self.position[oid] for oid in dict.fromkeys(table_order)
                 if oid in self.position]
        chosen = set(first)
        order = first + [i for i in range(len(self.oids)) if i not in chosen]
        self.oids = [self.oids[i] for i in order]
        self.rows = [self.rows[i] for i in order]
        self.probs = [self.probs[i] for i in order]
        self.position = {oid: i for i, oid in enumerate(self.oids)}

    @staticmethod
    def _read_replay_index(path):
        try:
            entries = json.loads(path.read_bytes())
        except ValueError:
            return None
        if not isinstance(entries, list):
            return None
        out = []
        for e in entries:
            if not (isinstance(e, dict) and {"file", "route", "params"} <= set(e)):
                return None
            route = "/" + str(e["route"]).lstrip("/")
            out.append((route, dict(e["params"] or {}), path.parent / e["file"]))
        return out

    # ------------------------------------------------------------------ access
    def __len__(self):
        return len(self.oids)

    def __contains__(self, oid):
        return oid in self.files

    def __repr__(self):
        return (f"<Dataset {len(self.files)} object files ({len(self.oids)} object rows), "
                f"{len(self.stamps)} alerts, {len(self.catalog_files)} catalogs, "
                f"{len(self.catshtm_replays)} recorded catsHTM answers>")

    def object_data(self, oid):
        """The parsed object file of ``oid`` (a dict, not to be modified), or None."""
        if self._resident is not None:
            return self._resident.get(oid)
        path = self.files.get(oid)
        if path is None:
            return None
        with self._lock:
            data = self._cache.get(oid)
            if data is not None:
                self._cache.move_to_end(oid)
                return data
        data = json.loads(path.read_bytes())
        with self._lock:
            self._cache[oid] = data
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return data

    def stamp_folder(self, candid):
        """``(oid, folder)`` of the alert ``candid`` (str or int), or None."""
        return self.stamps.get(str(candid))

    def catalog(self, name):
        """The parsed catalog file of catsHTM request name ``name``, or None."""
        path = self.catalog_files.get(name)
        if path is None:
            return None
        with self._lock:
            cat = self._catalogs.get(name)
        if cat is None:
            cat = json.loads(path.read_bytes())
            with self._lock:
                self._catalogs[name] = cat
        return cat


def load_dataset(data, **kwargs):
    """Load one dataset folder or a sequence of them (merged) as a `Dataset`."""
    if isinstance(data, Dataset):
        return data
    return Dataset(data, **kwargs)
