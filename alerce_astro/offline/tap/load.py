"""
Loading dataset folders into the local DaCHS, in ALeRCE's TAP layout, only when they changed.

`ensure_service` is the one entry point: it checks that DaCHS is installed and serving (starting
it when it can), and loads each schema whose content differs from what the service serves. The
content tag (a hash of the loader's version and the resource descriptor, and one hash per dataset
folder) is written into the schema's description in ``TAP_SCHEMA``, so the check reads it back
through the service itself: a fresh database, a reinstall or someone else's load are all
noticed; a service that already serves more folders than asked for is not reloaded. A lock file
serialises concurrent callers (pytest-xdist workers).
"""

import contextlib
import hashlib
import json
import os
import re
import time
from pathlib import Path

from ...apis.tap.columns import ALERCE_TAP_TABLES, ZTF_TABLES
from . import dachs
from .rd import resource_descriptor
from .rows import multisurvey_rows, source_files, typed_row, ztf_rows

__all__ = ["ensure_service", "content_hash", "served_hash", "serves", "write_resource",
           "LOADER_VERSION", "RESDIRS"]

#: Bump when the rows or descriptors change for the same inputs: forces a reload.
LOADER_VERSION = 2
#: Resource directory (under DaCHS's inputs) of each schema.
RESDIRS = {"ztf": "alerce_astro_ztf", "alerce_tap": "alerce_astro_alerce_tap"}
_TABLES = {"ztf": ZTF_TABLES, "alerce_tap": ALERCE_TAP_TABLES}
_READERS = {"ztf": ztf_rows, "alerce_tap": multisurvey_rows}
_HASH_TAG = "alerce_astro content"
_HASH_RE = re.compile(re.escape(_HASH_TAG) + r" ([0-9a-f]{12}):([0-9a-f,]*)")


def _digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\n")
    return h.hexdigest()[:12]


def content_hash(schema, paths):
    """
    The tag of what loading ``paths`` into ``schema`` would serve.

    Parameters
    ----------
    schema : str
        ``ztf`` or ``alerce_tap``.
    paths : sequence of path-like
        The dataset folders.

    Returns
    -------
    str
        ``<layout>:<folder>,<folder>...``: a hash of the loader's version and the resource
        descriptor, then one hash per dataset folder (of every file the readers read).
    """
    layout = _digest(LOADER_VERSION, schema,
                     resource_descriptor(schema, _TABLES[schema], sources=_sources(schema)))
    folders = []
    for root in paths:
        files = source_files([root])
        folders.append(_digest(*(part for f in files
                                 for part in (f.relative_to(root).as_posix(), f.read_bytes()))))
    return f"{layout}:{','.join(folders)}"


def serves(served, wanted):
    """Whether a service whose tag is ``served`` already serves the tag ``wanted``: the same
    layout, and every wanted dataset folder among those loaded (a superset is fine: tests that
    load more than the documentation's examples do not make them reload)."""
    if not served:
        return False
    layout, _, folders = served.partition(":")
    want_layout, _, want_folders = wanted.partition(":")
    return layout == want_layout and set(filter(None, want_folders.split(","))) <= set(
        folders.split(","))


def _sources(schema):
    return {t.name: f"data/{t.name}.jsonl" for t in _TABLES[schema]}


def served_hash(url, schema, *, timeout=30.0):
    """The content hash the service at ``url`` serves for ``schema``, or None."""
    import pyvo
    import requests

    with requests.Session() as session:
        service = pyvo.dal.TAPService(url, session=session)
        try:
            result = service.run_sync(
                "SELECT description FROM tap_schema.schemas WHERE schema_name = "
                f"'{schema}'")
        except (pyvo.dal.DALServiceError, pyvo.dal.DALQueryError):
            return None
    for value in result.to_table()["description"] if len(result) else ():
        match = _HASH_RE.search(" ".join(str(value).split()))
        if match:
            return f"{match.group(1)}:{match.group(2)}"
    return None


def write_resource(schema, paths, resdir, *, digest):
    """
    Write the resource descriptor and the JSON-lines data of ``schema`` into ``resdir``.

    Parameters
    ----------
    schema : str
        ``ztf`` or ``alerce_tap``.
    paths : sequence of path-like
        The dataset folders.
    resdir : path-like
        The resource directory (created; its ``data/`` is replaced).
    digest : str
        The content hash, recorded in the schema's description.

    Returns
    -------
    dict
        Rows written per table.
    """
    resdir = Path(resdir)
    data = resdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    tables = {t.name: t for t in _TABLES[schema]}
    counts = dict.fromkeys(tables, 0)
    with contextlib.ExitStack() as stack:
        files = {name: stack.enter_context(open(data / f"{name}.jsonl", "w", encoding="utf-8"))
                 for name in tables}
        for name, row in _READERS[schema](paths):
            files[name].write(json.dumps(typed_row(tables[name], row), allow_nan=True))
            files[name].write("\n")
            counts[name] += 1
    rd = resource_descriptor(schema, _TABLES[schema], sources=_sources(schema),
                             description_suffix=f" ({_HASH_TAG} {digest})")
    (resdir / "q.rd").write_text(rd, encoding="utf-8")
    return counts


@contextlib.contextmanager
def _locked(path):
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_service(*, ztf=(), lsst=(), url=None, start=True, log=None):
    """
    Make the local DaCHS serve the given datasets in ALeRCE's TAP layout; return its TAP URL.

    Each schema is (re)loaded only when its content hash differs from the one the service
    serves; a schema given no datasets is left as it is.

    Parameters
    ----------
    ztf : sequence of path-like, optional
        ZTF dataset folders, loaded into schema ``ztf`` (the built-in sample is
        `alerce_astro.offline.simulate.sample_dataset_path`).
    lsst : sequence of path-like, optional
        LSST dataset folders (the multisurvey layout), loaded into schema ``alerce_tap``.
    url : str, optional
        The TAP URL (default: from DaCHS's configuration, see `dachs.tap_url`).
    start : bool, optional
        Start DaCHS if it does not answer.
    log : callable, optional
        Called with a line of text for each step (e.g. `print`).

    Returns
    -------
    dict
        ``url`` (the TAP URL), ``loaded`` (schemas loaded now), ``seconds`` per step.

    Raises
    ------
    DachsUnavailable
        When DaCHS is not installed, cannot be started, or cannot be loaded by this user; the
        message says what to do.
    """
    say = log or (lambda text: None)
    timings = {}
    t0 = time.perf_counter()
    dachs.dachs_command()
    url = url or dachs.tap_url()
    if not dachs.is_serving(url):
        if not start:
            raise dachs.DachsUnavailable(f"no TAP service answers at {url}: start DaCHS "
                                         "(dachs serve start, as root)")
        say(f"starting DaCHS for {url}")
        dachs.start(url)
    timings["start"] = time.perf_counter() - t0
    wanted = {"ztf": [Path(p) for p in ztf], "alerce_tap": [Path(p) for p in lsst]}
    loaded = []
    inputs = dachs.inputs_dir()
    with _locked(Path(os.environ.get("ALERCE_ASTRO_DACHS_LOCK",
                                     "/tmp/alerce_astro_dachs.lock"))):
        for schema, paths in wanted.items():
            if not paths:
                continue
            t1 = time.perf_counter()
            digest = content_hash(schema, paths)
            if serves(served_hash(url, schema), digest):
                timings[schema] = time.perf_counter() - t1
                continue
            resdir = inputs / RESDIRS[schema]
            say(f"loading {schema} from {', '.join(str(p) for p in paths)}")
            try:
                counts = write_resource(schema, paths, resdir, digest=digest)
            except PermissionError as exc:
                raise dachs.DachsUnavailable(
                    f"cannot write DaCHS's inputs ({exc}): load as root, or set "
                    "GAVO_INPUTSDIR") from exc
            dachs.import_resource(RESDIRS[schema])
            dachs.reload(url)
            if served_hash(url, schema) != digest:
                raise dachs.DachsUnavailable(
                    f"schema {schema} was imported but the service does not show it")
            say(f"{schema}: " + ", ".join(f"{n} {c}" for n, c in counts.items() if c))
            loaded.append(schema)
            timings[schema] = time.perf_counter() - t1
    return {"url": url, "loaded": loaded, "seconds": timings}
