"""
Light curves of many objects in a few TAP queries: chunked, resumable, streamed to disk.

The objects are cut into chunks of ``chunk_size``; for each chunk one query per part of the
light curve (detections, forced photometry and, for ZTF, non-detections: see
`~alerce_astro.apis.tap.adql.lightcurve_chunk`) fetches the rows of all its objects at once,
joined with an uploaded id table (``TAP_UPLOAD.ids``) or selected with an ``IN`` list. The parts
are stacked into one table per chunk with a ``kind`` column (``detection``, ``forced``,
``upper_limit``, as in the canonical light curve), sorted by object and time, and written to
the chunk folder (``output_dir``: Parquet when pyarrow is installed, else ECSV; the private
cache of an in-memory run: NumPy ``.npz``) with a ``.done`` mark written last. A run that
stops (Ctrl-C, a failing service) starts again where it stopped: chunks with their mark are
read back, not fetched. Chunks run ``max_workers`` at a time over one session.

`fetch_lightcurves` returns either the light curves in memory (a
`~alerce_astro.bulk.BulkResult`, object id -> `~alerce_astro.lightcurve.AlerceLightCurve`,
equal to the REST path's; the chunk folder is then a cache, removed once every chunk is in) or,
with ``output_dir``, a `ChunkedLightCurves` over the files, which never holds more than one
chunk in memory.
"""

import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import numpy as np
from astropy.table import Column, MaskedColumn, Table, vstack

from ...bulk.result import BulkResult, stack_tables
from ...exceptions import InvalidQueryError, ObjectNotFoundError, RemoteServiceError
from ...surveys import get_survey, survey_of_oid
from . import adql
from .query import execute, id_table

__all__ = ["fetch_lightcurves", "TapLightCurves", "ChunkedLightCurves", "split_by_object",
           "object_ranges", "default_format",
           "CHUNK_SIZE", "MANIFEST_VERSION"]

#: Objects per chunk by default: a chunk of LSST objects (hundreds of points each, a hundred
#: Rubin columns per detection) stays a few tens of megabytes.
CHUNK_SIZE = 200
MANIFEST_VERSION = 2
#: Most rows one query may return when the service does not say its limit.
FALLBACK_MAXREC = 10_000_000


def default_format():
    """``parquet`` when pyarrow is installed (fast, compact, exact), else ``ecsv``."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return "ecsv"
    return "parquet"


def _suffix(file_format):
    return {"parquet": ".parquet", "ecsv": ".ecsv", "npz": ".npz"}[file_format]


def _check_survey_oids(oids, survey):
    if survey is None:
        first = next(iter(oids), None) if not isinstance(oids, (str, int)) else oids
        found = survey_of_oid(first) if first is not None else None
        if found is None:
            raise InvalidQueryError("cannot tell the survey of these ids: pass survey='lsst' "
                                    "or survey='ztf'")
        survey = found.name
    survey_obj = get_survey(survey)
    if survey_obj.name not in adql.LIGHTCURVE_KINDS:
        raise InvalidQueryError(f"no TAP light curves for survey {survey!r}")
    return survey_obj.name, survey_obj.validate_oids(oids)


class _Manifest:
    """What a chunk folder holds: it must match the run to be resumed from it."""

    def __init__(self, folder, *, url, survey, kinds, oids, chunk_size, file_format):
        self.folder = Path(folder)
        digest = hashlib.sha256("\n".join(map(str, oids)).encode()).hexdigest()
        self.data = {"version": MANIFEST_VERSION, "url": url, "survey": survey,
                     "kinds": list(kinds), "objects": len(oids), "oids_sha256": digest,
                     "chunk_size": chunk_size, "format": file_format}

    @property
    def path(self):
        return self.folder / "manifest.json"

    def check_or_write(self, *, overwrite):
        if self.path.is_file():
            old = json.loads(self.path.read_text())
            if old == self.data:
                return
            if not overwrite:
                raise InvalidQueryError(
                    f"{self.folder} holds the chunks of another run ({old.get('objects')} "
                    f"{old.get('survey')} objects, chunk_size {old.get('chunk_size')}): use "
                    "another folder, or overwrite=True to replace them")
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=1))


def _chunk_paths(folder, index, file_format):
    base = Path(folder) / f"chunk-{index:05d}"
    return base.with_suffix(_suffix(file_format)), base.with_suffix(".done")


def _write(table, path, file_format):
    tmp = path.with_name(path.name + ".tmp")
    if file_format == "npz":
        _write_npz(table, tmp)
    elif file_format == "parquet":
        table.write(tmp, format="parquet", overwrite=True, serialize_meta=True)
    else:
        # Masks as columns of their own: astropy formats masked values one by one otherwise,
        # ten times slower on a wide chunk.
        table.write(tmp, format="ascii.ecsv", overwrite=True, serialize_method="data_mask")
    os.replace(tmp, path)


def _write_npz(table, path):
    """A chunk as NumPy arrays (data and mask of each column) and a JSON header: exact, and
    ten times faster to write than ECSV. The private format of the in-memory run's cache."""
    arrays, header = {}, []
    for i, name in enumerate(table.colnames):
        col = table[name]
        arrays[f"d{i}"] = np.asarray(col.data.data if hasattr(col, "mask") else col)
        if hasattr(col, "mask"):
            arrays[f"m{i}"] = np.ma.getmaskarray(col)
        header.append({"name": name, "unit": None if col.unit is None else col.unit.to_string(),
                       "description": col.info.description})
    arrays["header"] = np.array(json.dumps(header))
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def _read_npz(path):
    with np.load(path, allow_pickle=False) as npz:
        columns = []
        for i, info in enumerate(json.loads(str(npz["header"]))):
            kind = MaskedColumn if f"m{i}" in npz else Column
            extra = {"mask": npz[f"m{i}"]} if f"m{i}" in npz else {}
            columns.append(kind(npz[f"d{i}"], name=info["name"], unit=info["unit"],
                                description=info["description"], **extra))
    return Table(columns, copy=False)


def _read(path, file_format):
    from astropy.table import Table

    if file_format == "npz":
        return _read_npz(path)
    if file_format == "parquet":
        return Table.read(path, format="parquet")
    return Table.read(path, format="ascii.ecsv")


def _stack_parts(parts):
    tables = []
    for kind, table in parts:
        table.meta.clear()
        table["kind"] = np.full(len(table), adql.KIND_LABELS[kind])
        tables.append(table)
    # Descriptions of same-named columns differ between tables (e.g. mjd): keep the first.
    stacked = vstack(tables, join_type="outer", metadata_conflicts="silent")
    order = ["oid", "kind"] + [c for c in stacked.colnames if c not in ("oid", "kind")]
    stacked = stacked[order]
    for name in stacked.colnames:
        col = stacked[name]
        if hasattr(col, "mask") and not np.ma.getmaskarray(col).any():
            # Nothing masked: a plain column slices and writes much faster.
            stacked[name] = Column(col.data.data, name=name, unit=col.unit,
                                   description=col.info.description)
            col = stacked[name]
        if col.dtype.kind == "O":
            # VOTable text arrives as Python objects: fixed-width strings write to Parquet and
            # ECSV alike, so a chunk read back equals the chunk fetched.
            mask = np.ma.getmaskarray(col) if hasattr(col, "mask") else None
            values = np.array(["" if v is None else str(v) for v in np.asarray(col)], dtype=str)
            stacked[name] = (MaskedColumn(values, mask=mask, name=name, unit=col.unit,
                                          description=col.info.description)
                             if mask is not None and mask.any() else
                             Column(values, name=name, unit=col.unit,
                                    description=col.info.description))
    if len(stacked):
        # kind breaks ties: a ZTF limit and a forced point can share an image's time.
        stacked.sort(["oid", "mjd", "kind"])
    return stacked


class _ChunkTooBig(Exception):
    pass


def _fetch_part(url, survey, kind, oids, *, session, method, maxrec):
    """One part (``kind``) of the light curves of ``oids``: one query."""
    query = adql.lightcurve_chunk(survey, kind, oids, method=method)
    uploads = {adql.UPLOAD_NAME: id_table(oids)} if method == "upload" else None
    table, _ = execute(url, query, session=session, maxrec=maxrec, uploads=uploads,
                       progress=False)
    if table.meta["query_status"] == "OVERFLOW":
        raise _ChunkTooBig(kind)
    return table


def _fetch_chunk(url, survey, kinds, oids, **options):
    return _stack_parts([(kind, _fetch_part(url, survey, kind, oids, **options))
                         for kind in kinds])


def _fetch_splitting(url, survey, kinds, oids, **options):
    """A chunk's table; a chunk whose answer the service cut is fetched in halves."""
    try:
        return _fetch_chunk(url, survey, kinds, oids, **options)
    except _ChunkTooBig as exc:
        if len(oids) == 1:
            raise RemoteServiceError(
                f"the {exc} of object {oids[0]} alone exceed the service's row limit "
                f"(maxrec={options['maxrec']})") from None
        half = len(oids) // 2
        return vstack([_fetch_splitting(url, survey, kinds, oids[:half], **options),
                       _fetch_splitting(url, survey, kinds, oids[half:], **options)],
                      join_type="outer", metadata_conflicts="silent")


def object_ranges(table, *, survey):
    """
    Where each object's rows are in a chunk table sorted by object: ``{oid: (start, stop)}``.

    Parameters
    ----------
    table : `~astropy.table.Table`
        With an ``oid`` column, sorted by it.
    survey : str
        ``lsst`` (integer ids) or ``ztf`` (names).

    Returns
    -------
    dict
    """
    if not len(table):
        return {}
    keys = np.asarray(table["oid"])
    if keys.dtype.kind in "OU":
        keys = keys.astype(str)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    stops = np.r_[starts[1:], len(keys)]
    cast = int if survey == "lsst" else str
    return {cast(keys[a]): (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}


def object_table(chunk, start, stop, oid, *, survey):
    """One object's rows of a chunk table, with its ``meta``."""
    part = chunk[start:stop]
    part.meta = {"oid": oid, "survey": survey, "source": "ALeRCE TAP"}
    return part


def split_by_object(table, oids, *, survey):
    """
    Per-object tables of a chunk table (sorted by object): ``(found, missing)``.

    Parameters
    ----------
    table : `~astropy.table.Table`
        A chunk's rows, with an ``oid`` column, sorted by ``oid``.
    oids : sequence
        The chunk's objects, in the order asked.
    survey : str
        For each table's ``meta``.

    Returns
    -------
    tuple
        ``({oid: table}, [oids without any row])``; each table is a slice (no copy).
    """
    ranges = object_ranges(table, survey=survey)
    found = {o: object_table(table, *ranges[o], o, survey=survey) for o in oids if o in ranges}
    return found, [o for o in oids if o not in ranges]


def _rest_rows(table, survey):
    from .photometry import RestRows

    return RestRows(table, survey=survey)


def _meta(url):
    return {"service": "ALeRCE TAP", "url": url}


class TapLightCurves(BulkResult):
    """
    Light curves of many objects from TAP, a `~alerce_astro.bulk.BulkResult`: object id ->
    its `~alerce_astro.lightcurve.AlerceLightCurve`, the same as the REST path's.

    The tables of each chunk are kept whole; an object's light curve is made from its rows
    when asked for (making thousands up front would cost more than the queries). `table`
    gives an object's rows as the service sent them, `stack_rows` every row at once, `stack`
    the light curves in one table as the REST path's ``stack()``.
    """

    def __init__(self, chunks, ranges, failed, requested, *, survey, meta):
        super().__init__({}, failed, requested, what="light curves (TAP)", meta=meta,
                         empty=Table)
        self._chunks = chunks
        self._ranges = ranges  # oid -> (chunk index, start, stop), in the order asked
        self._rest = {}  # chunk index -> its RestRows (the last two used)
        self.survey = survey

    def table(self, oid):
        """
        One object's rows as the service sent them (every kind, a ``kind`` column).

        Parameters
        ----------
        oid : str or int

        Returns
        -------
        `~astropy.table.Table`
        """
        if oid in self._ranges:
            index, start, stop = self._ranges[oid]
            return object_table(self._chunks[index], start, stop, oid, survey=self.survey)
        return super().__getitem__(oid)

    def __getitem__(self, oid):
        if oid not in self._ranges:
            return super().__getitem__(oid)
        index = self._ranges[oid][0]
        # A chunk's rows are made REST rows once, kept for the next objects of that chunk
        # (objects are mostly asked for in order); two chunks at most, for memory.
        rows = self._rest.get(index)
        if rows is None:
            if len(self._rest) >= 2:
                self._rest.pop(next(iter(self._rest)))
            rows = self._rest[index] = _rest_rows(self._chunks[index], self.survey)
        return rows.lightcurve(oid, meta=_meta(self.meta.get("url")))

    def __iter__(self):
        return iter(self._ranges)

    def __len__(self):
        return len(self._ranges)

    def __contains__(self, oid):
        return oid in self._ranges

    def stack(self):
        """
        Every light curve in one table, as the REST path's ``stack()`` gives it: the
        canonical light-curve columns and an ``oid`` column, by object, in the order asked.

        Returns
        -------
        `~alerce_astro.lightcurve.AlerceLightCurve`
            Its ``meta`` says how many objects it holds and which failed.
        """
        if not self._ranges:
            return super().stack()
        table = stack_tables({oid: self[oid] for oid in self._ranges})
        table.meta.update({"service": "ALeRCE TAP", "objects": len(self),
                           "failed": list(self.failed)})
        return table

    def stack_rows(self):
        """
        Every row of every object in one table as the service sent them (``oid`` and
        ``kind`` columns, the database's names), by object.

        Returns
        -------
        `~astropy.table.Table`
        """
        tables = [t for t in self._chunks.values() if len(t)]
        table = (vstack(tables, join_type="outer", metadata_conflicts="silent") if tables
                 else Table())
        table.meta = {"service": "ALeRCE TAP", "survey": self.survey, "objects": len(self),
                      "failed": list(self.failed)}
        return table


class ChunkedLightCurves:
    """
    Light curves written to a folder, one file per chunk; read one chunk at a time.

    Attributes
    ----------
    folder : `~pathlib.Path`
    paths : list of `~pathlib.Path`
        The chunk files, in the order of the objects asked.
    requested : tuple
        Every object asked for.
    failed : dict
        Object id -> error, for objects of failed chunks and objects without any row.
    survey : str
    """

    def __init__(self, folder, paths, requested, failed, *, survey, file_format, meta):
        self.folder = Path(folder)
        self.paths = list(paths)
        self.requested = tuple(requested)
        self.failed = dict(failed)
        self.survey = survey
        self.file_format = file_format
        self.meta = dict(meta)

    def __repr__(self):
        return (f"<ChunkedLightCurves {len(self.paths)} chunk files of {self.survey} light "
                f"curves in {self.folder}, {len(self.failed)} of {len(self.requested)} "
                "objects failed>")

    def __len__(self):
        return len(self.requested) - len(self.failed)

    def read(self):
        """All chunks in one table (needs the memory of all of them)."""
        tables = [_read(p, self.file_format) for p in self.paths]
        return vstack(tables, join_type="outer", metadata_conflicts="silent")

    def tables(self):
        """
        Iterate over ``(oid, rows)``, the rows as the service sent them, reading one chunk
        file at a time.

        Yields
        ------
        tuple
        """
        for path in self.paths:
            table = _read(path, self.file_format)
            keys = list(dict.fromkeys(table["oid"].tolist()))
            found, _ = split_by_object(table, keys, survey=self.survey)
            yield from found.items()

    def lightcurves(self):
        """
        Iterate over ``(oid, light curve)``: `~alerce_astro.lightcurve.AlerceLightCurve`
        objects equal to the REST path's, reading one chunk file at a time.

        Yields
        ------
        tuple
        """
        meta = _meta(self.meta.get("url"))
        for path in self.paths:
            table = _read(path, self.file_format)
            rows = _rest_rows(table, self.survey)
            for oid in dict.fromkeys(table["oid"].tolist()):
                yield oid, rows.lightcurve(oid, meta=meta)


def fetch_lightcurves(url, oids, *, session, survey=None, chunk_size=CHUNK_SIZE,
                      method="upload", max_workers=2, folder, output=False, file_format=None,
                      overwrite=False, progress=None, maxrec=None):
    """
    Light curves of many objects through chunked TAP queries (see the module's description).

    Parameters
    ----------
    url : str
        The TAP service.
    oids : sequence
        Object ids (LSST integers or ZTF names); repeats are fetched once.
    session : `~alerce_astro.apis.tap.session.TapSession`
    survey : str, optional
        ``lsst`` or ``ztf``; guessed from the ids when not given.
    chunk_size : int, optional
        Objects per chunk.
    method : str, optional
        ``upload`` (an uploaded id table) or ``in`` (an ``IN`` list).
    max_workers : int, optional
        Chunks fetched at once.
    folder : path-like
        The chunk folder (created; resumed when it holds chunks of the same run).
    output : bool, optional
        `True`: the folder is the result, return a `ChunkedLightCurves`; `False`: return the
        light curves in memory and remove the folder once complete.
    file_format : str, optional
        ``parquet`` or ``ecsv`` for ``output=True`` (default: `default_format`); an in-memory
        run's private cache is ``npz`` (NumPy arrays, exact and fast to write).
    overwrite : bool, optional
        Replace the chunks of another run found in ``folder`` instead of refusing.
    progress : bool or None, optional
        Show a progress bar (objects done) when someone can see it.
    maxrec : int, optional
        Row limit of each query (default: the service's hard limit); a chunk that reaches it
        is fetched again in halves.

    Returns
    -------
    `~alerce_astro.bulk.BulkResult` or `ChunkedLightCurves`
    """
    from ...bulk.progress import progress_bar

    survey, oids = _check_survey_oids(oids, survey)
    kinds = adql.LIGHTCURVE_KINDS[survey]
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidQueryError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    # The in-memory run's cache is private: the fastest exact format. Files given to the
    # user (output=True) are Parquet or ECSV, which any astropy reads.
    file_format = file_format or (default_format() if output else "npz")
    if file_format not in ("parquet", "ecsv") and not (file_format == "npz" and not output):
        raise InvalidQueryError(f"file_format must be 'parquet' or 'ecsv', got {file_format!r}")
    chunks = [oids[i:i + chunk_size] for i in range(0, len(oids), chunk_size)]
    manifest = _Manifest(folder, url=url, survey=survey, kinds=kinds, oids=oids,
                         chunk_size=chunk_size, file_format=file_format)
    manifest.check_or_write(overwrite=overwrite)
    if maxrec is None:
        maxrec = _hardlimit(url, session)
    bar = progress_bar(len(oids), progress=progress, description=f"TAP {survey} light curves")
    tables, failed, resumed = {}, {}, 0
    todo = []
    for index, chunk in enumerate(chunks):
        data, done = _chunk_paths(folder, index, file_format)
        if done.is_file() and data.is_file():
            resumed += 1
            if not output:
                tables[index] = _read(data, file_format)
            bar.update(len(chunk))
        else:
            todo.append(index)

    def fetch_part(index, kind):
        return _fetch_part(url, survey, kind, chunks[index], session=session, method=method,
                           maxrec=maxrec)

    def finish(index, table):
        data, done = _chunk_paths(folder, index, file_format)
        _write(table, data, file_format)
        found = object_ranges(table, survey=survey)  # (no per-object tables: just where)
        missing = [oid for oid in chunks[index] if oid not in found]
        # Written last: a chunk with its mark is complete. It lists the objects without rows.
        done.write_text(json.dumps({"rows": len(table), "missing": missing}))
        if not output:
            tables[index] = table
        bar.update(len(chunks[index]))

    def fail(index, exc):
        for oid in chunks[index]:
            failed[oid] = exc
        bar.update(len(chunks[index]))

    # One task per chunk and part, max_workers at a time; a chunk is assembled when its last
    # part arrives. A chunk whose answer the service cut is fetched again in halves after.
    parts = {i: {} for i in todo}
    too_big, broken = [], set()
    try:
        with ThreadPoolExecutor(max_workers=max(1, int(max_workers))) as pool:
            futures = {pool.submit(fetch_part, i, kind): (i, kind) for i in todo
                       for kind in kinds}
            for future in as_completed(futures):
                index, kind = futures[future]
                if index in broken:
                    continue
                try:
                    parts[index][kind] = future.result()
                except InvalidQueryError:
                    raise  # the query itself is wrong: every chunk would fail alike
                except _ChunkTooBig:
                    broken.add(index)
                    too_big.append(index)
                    continue
                except RemoteServiceError as exc:  # this chunk's objects fail, others go on
                    broken.add(index)
                    fail(index, exc)
                    continue
                if len(parts[index]) == len(kinds):
                    finish(index, _stack_parts([(k, parts[index].pop(k)) for k in kinds]))
        for index in sorted(too_big):
            try:
                table = _fetch_splitting(url, survey, kinds, chunks[index], session=session,
                                         method=method, maxrec=maxrec)
            except RemoteServiceError as exc:
                fail(index, exc)
            else:
                finish(index, table)
    except KeyboardInterrupt:
        bar.close()
        raise
    bar.close()
    meta = {"service": "ALeRCE TAP", "url": url, "survey": survey, "chunks": len(chunks),
            "resumed_chunks": resumed, "chunk_size": chunk_size, "method": method,
            "folder": str(folder), "format": file_format}
    if output:
        paths = []
        for index in range(len(chunks)):
            data, done = _chunk_paths(folder, index, file_format)
            if not done.is_file():
                continue
            paths.append(data)
            for oid in json.loads(done.read_text())["missing"]:
                failed[oid] = ObjectNotFoundError(f"{oid}: no light-curve rows at {url}")
        return ChunkedLightCurves(folder, paths, oids, failed, survey=survey,
                                  file_format=file_format, meta=meta)
    ranges = {}
    for index, chunk in enumerate(chunks):
        if index not in tables:
            continue
        found = object_ranges(tables[index], survey=survey)
        for oid in chunk:
            if oid in found:
                ranges[oid] = (index, *found[oid])
            elif oid not in failed:
                failed[oid] = ObjectNotFoundError(f"{oid}: no light-curve rows at {url}")
    ranges = {o: ranges[o] for o in oids if o in ranges}
    failed = {o: failed[o] for o in oids if o in failed}
    if not any(not isinstance(e, ObjectNotFoundError) for e in failed.values()):
        shutil.rmtree(folder, ignore_errors=True)  # complete: the cache has done its job
    return TapLightCurves(tables, ranges, failed, oids, survey=survey, meta=meta)


def _hardlimit(url, session):
    import pyvo

    try:
        limit = pyvo.dal.TAPService(url, session=session).hardlimit
    except Exception:  # noqa: BLE001 (a service without capabilities: use a generous limit)
        limit = None
    return int(limit) if limit else FALLBACK_MAXREC
