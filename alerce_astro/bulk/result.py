"""
`BulkResult`: what a bulk call returns — the values by object id, and every failure.
"""

import ctypes
import sys
import threading
from collections.abc import Mapping
from itertools import chain
from operator import attrgetter, itemgetter

import numpy as np
from astropy import units as u
from astropy.table import Column, MaskedColumn, Table, vstack
from astropy.time import Time
from astropy.utils.masked import Masked

from ..exceptions import (
    AlerceWarning,
    InvalidQueryError,
    ObjectNotFoundError,
    ServiceUnavailableError,
)
from ..surveys import get_survey, survey_of_oid

__all__ = ["BulkResult", "BulkFailureWarning", "stack_tables", "stack_prepared"]

#: Keys of a result's ``meta`` that belong to one object only: not carried into a stack.
_PER_OBJECT_META = ("oid", "url", "retrieved")


class BulkFailureWarning(AlerceWarning):
    """Some objects of a bulk call could not be fetched; their errors are in ``.failed``."""


class BulkResult(Mapping):
    """
    The answers of a bulk call: a read-only mapping from object id to value.

    Iterating gives the ids that arrived, in the order they were asked for. Every id asked
    for is either a key or in `failed`, never lost.

    Attributes
    ----------
    requested : tuple of str
        Every id asked for, duplicates removed, in order.
    failed : dict
        Id -> the exception its call finally raised, in the order asked
        (`~alerce_astro.exceptions.ObjectNotFoundError` for ids the service does not know,
        `~alerce_astro.exceptions.ServiceUnavailableError` when the retries ran out...).
    warnings : dict
        Id -> list of `warnings.WarningMessage` its call raised (e.g. an empty light curve).
    meta : dict
        ``elapsed`` (seconds), ``requests`` (HTTP requests sent, cached answers cost none),
        ``max_workers`` (most requests in flight at once), ``threads`` (objects worked on at
        once) and ``rounds`` (2 when objects whose retries ran out were tried again).
    what : str
        What a value is ("light curves"), for messages.

    Examples
    --------
    >>> from alerce_astro.bulk import BulkResult
    >>> result = BulkResult({"ZTF20aaelulu": 1}, {"ZTF18abbuive": LookupError("gone")},
    ...                     ["ZTF20aaelulu", "ZTF18abbuive"])
    >>> list(result), list(result.failed), result.complete
    (['ZTF20aaelulu'], ['ZTF18abbuive'], False)
    """

    def __init__(self, values, failed, requested, *, what="objects", warnings=None, meta=None,
                 empty=None):
        self._values = dict(values)
        # Light curves may arrive prepared (columns as arrays, see
        # `~alerce_astro.lightcurve.build.prepare_lightcurve`): each is built when asked for,
        # and `stack` makes one table of all of them without building any.
        cls = _prepared_class()
        self._prepared = any(isinstance(v, cls) for v in self._values.values())
        self._built = {}
        # Once stacked, the prepared light curves' arrays are held once, in `_Store`; each
        # stack is a copy of it, each light curve built from a copy of its part.
        self._store = None
        self._lock = threading.Lock()
        self.failed = dict(failed)
        self.requested = tuple(requested)
        self.what = what
        self.warnings = dict(warnings or {})
        self.meta = dict(meta or {})
        self._empty = empty

    def __getstate__(self):
        state = dict(self.__dict__)
        del state["_lock"]  # a lock cannot be pickled: a new one on loading
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_store", None)  # pickled before results had stores
        self._lock = threading.Lock()

    def __getitem__(self, oid):
        try:
            value = self._values[oid]
        except KeyError:
            if oid in self.failed:
                raise KeyError(f"{oid} failed: {self.failed[oid]}") from None
            raise KeyError(f"{oid} was not asked for") from None
        if self._prepared and isinstance(value, _prepared_class()):
            # Built on first access, once (the lock: two threads asking for the same object
            # get the same light curve).
            with self._lock:
                value = self._built.get(oid)
                if value is None:
                    value = self._built[oid] = self._values[oid].build()
        return value

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        text = (f"<{type(self).__name__} of {self.what}: {len(self)} of {len(self.requested)} "
                f"objects")
        if self.failed:
            text += f", {len(self.failed)} failed ({self._failure_counts()})"
        return text + ">"

    @property
    def complete(self):
        """`True` when every object asked for arrived."""
        return not self.failed

    @property
    def not_found(self):
        """The ids the service does not know (their error is `ObjectNotFoundError`)."""
        return [oid for oid, error in self.failed.items()
                if isinstance(error, ObjectNotFoundError)]

    def _failure_counts(self):
        counts = {}
        for error in self.failed.values():
            if isinstance(error, ObjectNotFoundError):
                kind = "not found"
            elif isinstance(error, ServiceUnavailableError):
                kind = "service unavailable"
            else:
                kind = type(error).__name__
            counts[kind] = counts.get(kind, 0) + 1
        return ", ".join(f"{kind}: {n}" for kind, n in counts.items())

    def failure_summary(self):
        """One line saying how many objects failed, why, and how to get them later."""
        oids = list(self.failed)
        first = oids[0]
        shown = ", ".join(oids[:5]) + (f" and {len(oids) - 5} more" if len(oids) > 5 else "")
        return (f"{len(oids)} of {len(self.requested)} {self.what} could not be fetched "
                f"({self._failure_counts()}): {shown}. Their errors are in the result's "
                f".failed (e.g. {first}: {self.failed[first]}); run the call again with "
                f"cache=True to fetch only those.")

    def raise_for_failures(self):
        """
        Raise the first failure's error if any object failed; do nothing otherwise.

        Raises
        ------
        RemoteServiceError
            (or the subclass that the first failed object raised), with a message counting
            every failure.
        """
        if self.failed:
            error = next(iter(self.failed.values()))
            raise type(error)(self.failure_summary()) from error

    def stack(self, *, copy=True):
        """
        Everything that arrived in one table with an ``oid`` column, in the order asked.

        Parameters
        ----------
        copy : bool, optional
            `True` (default): the table's data are its own. `False`: for light curves of a
            bulk download, the table's columns are the result's own arrays (no second copy
            of the data, for samples near the size of the memory); sorting or changing that
            table in place then changes the light curves taken from the result afterwards
            and its later stacks. Other values are always copied.

        Returns
        -------
        `~astropy.table.Table`
            Of the class of the values (a light curve class for light curves), with the
            columns of every value (missing ones masked) and an ``oid`` column. Its ``meta``
            says how many objects it holds and which failed.

        Notes
        -----
        Light curves of a bulk download (held prepared, see `BulkResult`) are stacked
        without building any. The result holds their data once, column by column, never as
        thousands of small arrays: in the arrays of the batches they were prepared in, and
        from the first ``stack(copy=False)`` (or the first stack of light curves prepared one
        by one) in one store, whose arrays that stack shares. Each ``stack()`` is a table of
        its own (unless ``copy=False``) and each light curve asked for a copy of its part:
        changing or sorting one in place changes nothing else.

        Raises
        ------
        TypeError
            If the values are not tables (stamps, for instance).

        Examples
        --------
        >>> from astropy.table import Table
        >>> from alerce_astro.bulk import BulkResult
        >>> result = BulkResult({"ZTF20aaelulu": Table({"mag": [18.1, 18.3]}),
        ...                      "ZTF18abbuive": Table({"mag": [17.0]})},
        ...                     {}, ["ZTF20aaelulu", "ZTF18abbuive"])
        >>> result.stack()["oid"].tolist()
        ['ZTF20aaelulu', 'ZTF20aaelulu', 'ZTF18abbuive']
        """
        meta = {"service": "ALeRCE", "objects": len(self),
                "failed": list(self.failed)}
        if not self._values:
            if self._empty is None:
                raise ValueError(f"nothing to stack: none of the {len(self.requested)} "
                                 f"{self.what} arrived")
            table = self._empty()
            table.meta.update(meta)
            return table
        table = None
        if copy not in (True, False):
            raise TypeError(f"copy must be True or False, got {copy!r}")
        if self._prepared:
            table = self._stack_prepared(copy)
        if table is None:
            table = stack_tables({oid: self[oid] for oid in self._values})
        table.meta.update(meta)
        return table

    def _stack_prepared(self, copy):
        """The stack of the prepared light curves (None if they do not stack that way), made
        from the store that holds their arrays from the first stack on (a copy of it, or its
        own arrays with ``copy=False``).

        Light curves held by their batches' stores (a bulk download) already hold their
        arrays once: a stack that is a copy is the join of the batches itself (one copy, not
        a store and a copy of it), and only ``copy=False`` makes the result's own store."""
        def adopt(store):
            # From now on each object's arrays are only in the store (the prepared copies
            # are let go as they are copied in): a light curve is built from a copy of its
            # part.
            self._values = {oid: store.shell(i) for i, oid in enumerate(self._values)}
            self._store = store

        with self._lock:
            if self._store is None:
                items = list(self._values.items())
                batched = copy and any(value._held is not None for _, value in items)
                # Stores whose objects' arrays would not come back exactly (a column of
                # several numeric dtypes) are not adopted: stacked, and the result as before.
                store = _Store.join(items, adopt=None if batched else adopt)
                if store is None:
                    return None
                if self._store is None:  # not adopted: the table's arrays must be its own
                    _give_back_freed_memory()  # what the download freed, before the table
                    held = next(iter(self._values.values()))._held
                    return store.table(copy=held is not None and held[0] is store)
            return self._store.table(copy=copy)


def _oid_column(oids, lengths, meta):
    """
    The ``oid`` column of a stack: each object's id repeated over its rows, exact (64-bit
    integers for LSST, strings for ZTF), described as the survey describes its ids.
    """
    survey = None
    try:
        survey = get_survey(meta["survey"]) if meta.get("survey") is not None else None
    except InvalidQueryError:
        pass
    if survey is None and oids:
        survey = survey_of_oid(oids[0])
    if oids and all(isinstance(o, (int, np.integer)) and not isinstance(o, (bool, np.bool_))
                    for o in oids):
        values = np.array(oids, dtype=np.int64)  # never through a float
    else:
        values = np.array(oids)
    description = survey.id_description if survey is not None else "Object identifier"
    return Column(np.repeat(values, lengths), name="oid", description=description)


def _with_oid(table, oid):
    if "oid" in table.colnames:
        return table
    table = table.copy(copy_data=False)
    # A TimeSeries must keep its time column first.
    index = 1 if table.colnames and table.colnames[0] == "time" else 0
    table.add_column(_oid_column([oid], [len(table)], table.meta), index=index)
    return table


def stack_tables(tables):
    """
    Stack a mapping oid -> table into one table with an ``oid`` column.

    Parameters
    ----------
    tables : mapping of str or int to `~astropy.table.Table`
        The tables, in the order wanted.

    Returns
    -------
    `~astropy.table.Table`
        The most specific class among the tables, with an ``oid`` column after ``time``
        (strings for ZTF, exact 64-bit integers for LSST, described by the survey of
        ``meta["survey"]``); ``meta`` keeps the entries on which every table agrees (never the
        per-object ``oid``, ``url``, ``retrieved``).

    Raises
    ------
    TypeError
        If a value is not a table.
    """
    items = list(tables.items())
    for oid, table in items:
        if not isinstance(table, Table):
            raise TypeError(f"only tables can be stacked; the value of {oid} is a "
                            f"{type(table).__name__}")
    tables = [table for _, table in items]
    common = _common_meta([table.meta for table in tables])
    stacked = None
    if not any("oid" in table.colnames for table in tables):
        stacked = _concatenate(tables)
        if stacked is not None:
            column = _oid_column([oid for oid, _ in items], [len(t) for t in tables],
                                 tables[0].meta)
            index = 1 if stacked.colnames and stacked.colnames[0] == "time" else 0
            stacked.add_column(column, index=index, copy=False)
    elif all("oid" in table.colnames for table in tables):
        stacked = _concatenate(tables)
    if stacked is None:  # columns of kinds the fast path does not handle: astropy's way
        parts = [_with_oid(table, oid) for oid, table in items]
        stacked = vstack(parts, join_type="outer", metadata_conflicts="silent")
    stacked.meta.clear()
    stacked.meta.update(common)
    return stacked


def _concatenate(tables):
    """
    `~astropy.table.vstack` for the usual case, column by column with NumPy.

    vstack copies every table into the output one slice at a time, which costs ~0.1 ms per
    table and column: seconds for a thousand light curves. Here each output column is one
    `numpy.concatenate`. Handles `~astropy.table.Column`, `~astropy.table.MaskedColumn` and
    unmasked `~astropy.time.Time` with one unit, scale and dtype kind per column; returns
    `None` for anything else, and the caller falls back on vstack.
    """
    cls = type(tables[0])
    if any(type(table) is not cls for table in tables):
        return None
    names = list(dict.fromkeys(name for table in tables for name in table.colnames))
    lengths = [len(table) for table in tables]
    out_columns = []
    for name in names:
        present = _without_empty_conflicts([table.columns.get(name) for table in tables])
        column = _concatenate_column(name, present, lengths)
        if column is None:
            return None
        out_columns.append(column)
    out = cls()
    for column in out_columns:
        out.add_column(column, name=column.info.name, copy=False)
    return out


def _without_empty_conflicts(present):
    """
    The columns of one name, with those that are all masked taken as gaps when the types of
    the tables disagree: a key a service sent only as null has no type of its own (it is read
    as text), and must not stop another object's numbers from stacking.
    """
    cols = [c for c in present if c is not None]
    kinds = {getattr(c, "dtype", np.dtype(object)).kind for c in cols}
    if len(kinds) < 2 or kinds <= set("biuf"):
        return present
    empty = [c is not None and isinstance(c, MaskedColumn) and bool(np.all(c.mask))
             for c in present]
    if all(e for e, c in zip(empty, present, strict=True) if c is not None):
        return present
    return [None if e else c for e, c in zip(empty, present, strict=True)]


def _concatenate_column(name, present, lengths):
    cols = [c for c in present if c is not None]
    first = cols[0]
    if isinstance(first, Time):
        if (len(cols) != len(present) or type(first) is not Time
                or any(type(c) is not Time or c.masked or c.scale != first.scale
                       or c.format != first.format for c in cols)):
            return None
        time = Time(np.concatenate([c.jd1 for c in cols]), np.concatenate([c.jd2 for c in cols]),
                    format="jd", scale=first.scale, precision=first.precision)
        time.format = first.format
        time.info.name = name
        time.info.description = first.info.description
        return time
    if isinstance(first, u.Quantity):  # QTable and TimeSeries columns with a unit
        return _concatenate_quantity(name, present, lengths)
    if any(not isinstance(c, Column) or c.unit != first.unit or c.ndim != 1 for c in cols):
        return None
    kinds = {c.dtype.kind for c in cols}
    if len(kinds) > 1 and not kinds <= set("biuf"):
        return None
    data, mask = _joined(present, lengths, np.result_type(*[c.dtype for c in cols]),
                         lambda col: col.data.data if isinstance(col, MaskedColumn) else col.data)
    attrs = {"name": name, "unit": first.unit, "description": first.info.description,
             "format": first.info.format, "meta": first.info.meta}
    if mask is not None:
        return MaskedColumn(data, mask=mask, copy=False, **attrs)
    return Column(data, copy=False, **attrs)


def _concatenate_quantity(name, present, lengths):
    cols = [c for c in present if c is not None]
    first = cols[0]
    plain = [c.unmasked if isinstance(c, Masked) else c for c in cols]
    if any(type(p) is not u.Quantity or p.unit != first.unit or p.ndim != 1
           or p.dtype.kind not in "biuf" for p in plain):
        return None
    data, mask = _joined(present, lengths, np.result_type(*[p.dtype for p in plain]),
                         lambda col: getattr(col, "unmasked", col).value)
    out = u.Quantity(data, first.unit, copy=False)
    if mask is not None:
        out = Masked(out, mask=mask)
    out.info.name = name
    out.info.description = first.info.description
    out.info.format = first.info.format
    if first.info.meta:
        out.info.meta = first.info.meta
    return out


def _common_meta(metas):
    first = metas[0]
    common = {}
    for key, value in first.items():
        if key in _PER_OBJECT_META:
            continue
        try:
            if all(key in meta and bool(meta[key] == value) for meta in metas[1:]):
                common[key] = value
        except (ValueError, TypeError):  # arrays and other values without a plain ==
            continue
    return common


def _joined(present, lengths, dtype, values):
    """
    The tables' columns end to end, as ``(data, mask)``: ``values(column)`` gives a column's
    plain values, a table without the column gives a masked gap of its length, and ``mask`` is
    None when no part had a mask or a gap.
    """
    datas, masks = [], []
    masked = False
    for col, n in zip(present, lengths, strict=True):
        if col is None:
            datas.append(np.zeros(n, dtype=dtype))
            masks.append(np.ones(n, dtype=bool))
            masked = True
            continue
        datas.append(values(col))
        if isinstance(col, (MaskedColumn, Masked)):
            masked = True
            masks.append(np.ma.getmaskarray(col) if isinstance(col, MaskedColumn)
                         else np.asarray(col.mask))
        else:
            masks.append(np.zeros(n, dtype=bool))
    data = np.concatenate(datas).astype(dtype, copy=False)
    return data, (np.concatenate(masks) if masked else None)


def _prepared_class():
    global _PREPARED
    if _PREPARED is None:  # imported late: the data model imports bulk's neighbours
        from ..lightcurve.build import PreparedLightCurve

        _PREPARED = PreparedLightCurve
    return _PREPARED


_PREPARED = None


def stack_prepared(items):
    """
    `stack_tables` of prepared light curves, without building them one by one.

    Each column is joined once from the prepared arrays (one `numpy.concatenate` over the
    objects, masks and text widths worked out once) and made once, with one ``Time`` for the
    whole stack: the same table as ``stack_tables`` of the built light curves
    (tests/bulk/test_prepared.py checks it on the recorded data), at a small part of the cost.

    Parameters
    ----------
    items : list of (oid, value)
        `~alerce_astro.lightcurve.build.PreparedLightCurve` values, or built tables.

    Returns
    -------
    `~astropy.table.Table` or None
        None when a value is not prepared, or the columns of the light curves disagree in a
        way only `stack_tables` resolves (different units, text against numbers...).
    """
    store = _Store.join(items)
    if store is None:
        return None
    # A store of the items' own (one batch, whole and in order) is theirs: copied.
    held = items[0][1]._held
    return store.table(copy=held is not None and held[0] is store)


_VALUES, _MASK, _UNIT, _DESCRIPTION = (itemgetter(i) for i in range(4))
#: About how much data is copied into a store between two releases of memory (see
#: `_Store.join`): a trim costs a few milliseconds.
_RELEASE_BYTES = 16 * 2**20
_DTYPE = attrgetter("dtype")


class _Store:
    """
    Prepared light curves of many objects held once, column by column: one array per column
    for all of them (what their stack is made of), and what each object had (its columns in
    its order, where it had a mask, its text widths), so that its own arrays can be taken
    back from the store exactly as they were (copies).

    A batch of a bulk download is prepared straight into a store of its own (`of_batch`:
    the batch's arrays, never cut per object); the first stack of a result joins the stores
    of its batches into one (`join`).
    """

    def __init__(self, cls, survey, time_description, oids, ends, mjd, columns, names_of,
                 objects, meta, exact):
        self.cls, self.survey, self.time_description = cls, survey, time_description
        self.oids, self.ends, self.mjd = oids, ends, mjd
        self.columns, self.names_of = columns, names_of
        self.objects = objects  # (position, oid, meta) of each object
        self._meta = meta  # (the first object's meta, what they all share), or None: not yet
        self.exact = exact  # whether each object's arrays come back as they were

    def __setstate__(self, state):
        if "meta" in state:  # pickled before stores worked their meta out when needed
            state["_meta"] = state.pop("meta")
        self.__dict__.update(state)

    @property
    def meta(self):
        """(The first object's ``meta``, the ``meta`` every object shares)."""
        if self._meta is None:
            prepared = _prepared_class()
            metas = [prepared(self.cls, None, self.survey, None, position, oid, meta,
                              self.time_description).info(_Position(position))
                     for position, oid, meta in self.objects]
            self._meta = (metas[0], _common_meta(metas))
        return self._meta

    @classmethod
    def of_batch(cls, lc_cls, survey, time_description, ends, mjd, out, masked, widths,
                 objects):
        """
        The store of a batch prepared together
        (`~alerce_astro.lightcurve.build.prepare_lightcurves`): the batch's own arrays, each
        object the rows ``ends[i]:ends[i + 1]``; ``out`` its columns ``name -> (values, mask,
        unit, description)``, ``masked`` name -> whether each object has a masked value,
        ``widths`` name -> each object's text width, ``objects`` (position, oid, meta) of each.
        """
        columns = {}
        for name, (values, mask, unit, description) in out.items():
            column = _StoredColumn()
            flags = masked.get(name) if mask is not None else None
            if flags is not None and any(flags):
                column.mask, column.masked = mask, np.array(flags)
            else:
                column.mask = column.masked = None
            column.dtypes = None
            width = widths.get(name)
            if width:
                top = max(width)
                if values.dtype.itemsize // 4 != top:  # as wide as the widest object's
                    values = values.astype(f"U{top}")
                if min(width) != top:
                    column.dtypes = [np.dtype(f"U{w}") for w in width]
            column.data, column.unit, column.description = values, unit, description
            column.exact, column.gaps = True, False
            columns[name] = column
        order = tuple(out)
        return cls(lc_cls, survey, time_description, [oid for _, oid, _ in objects],
                   np.asarray(ends, dtype=np.int64), mjd, columns, [order] * len(objects),
                   objects, None, True)

    @classmethod
    def join(cls, items, *, adopt=None):
        """
        The store of ``items`` (oid, prepared light curve), or None when they cannot be
        stacked without building them (see `stack_prepared`).

        Light curves held by stores (the batches of a bulk download) are copied a run of
        consecutive objects of a store at a time; others are first joined run by run
        (`of_prepared`). When all are the objects of one store, in its order, that store is
        the answer (nothing copied).

        ``adopt(store)``, if given, is called once the columns are planned and only when the
        store is exact (no array filled yet): the caller then lets the prepared light curves
        go (``items`` is emptied), and their arrays are released a few batches at a time as
        they are copied in, so that the data are never held twice over.
        """
        prepared = _prepared_class()
        if not items or not all(type(value) is prepared for _, value in items):
            return None
        if all(value._held is None for _, value in items):
            return cls.of_prepared(items, adopt=adopt)
        segments, run = [], []
        for item in items:
            held = item[1]._held
            if held is None:
                run.append(item)
                continue
            if run:
                store = cls.of_prepared(run)
                if store is None:
                    return None
                segments.append([store, 0, len(run)])
                run = []
            store, index = held
            last = segments[-1] if segments else None
            if last is not None and last[0] is store and last[2] == index:
                last[2] += 1
            else:
                segments.append([store, index, index + 1])
        if run:
            store = cls.of_prepared(run)
            if store is None:
                return None
            segments.append([store, 0, len(run)])
        store, start, stop = segments[0]
        if (len(segments) == 1 and start == 0 and stop == len(store.objects)
                and store.oids == [oid for oid, _ in items]):
            if adopt is not None and store.exact:
                adopt(store)
            return store
        return cls._of_segments(segments, [oid for oid, _ in items], items, adopt)

    @classmethod
    def _of_segments(cls, segments, oids, items, adopt):
        """`join` of runs ``[store, start, stop]`` of stores' objects."""
        first = segments[0][0]
        if any(s.cls is not first.cls or s.survey is not first.survey
               or s.time_description != first.time_description for s, _, _ in segments):
            return None
        # The orders of names (most objects share one), each kept once, and for each run
        # the orders among its objects.
        orders, names_of, lengths, objects, exact = {}, [], [], [], True
        kinds = []  # per run: the sets of names of its objects, and which set each object has
        for store, start, stop in segments:
            own = {}
            which = []
            for order in store.names_of[start:stop]:
                key = id(order)
                if key not in own:
                    own[key] = (len(own), orders.setdefault(order, order))
                index, canonical = own[key]
                names_of.append(canonical)
                which.append(index)
            kinds.append(([frozenset(order) for _, order in own.values()],
                          np.array(which) if len(own) > 1 else None))
            lengths.append(np.diff(store.ends[start:stop + 1]))
            objects.extend(store.objects[start:stop])
            exact = exact and store.exact
        lengths = np.concatenate(lengths)
        ends = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
        total = int(ends[-1])
        names = list(dict.fromkeys(chain.from_iterable(orders)))
        if "oid" in names or "time" in names:
            return None
        # Where each run's objects start in the joined store.
        starts = np.cumsum([0] + [stop - start for _, start, stop in segments]).tolist()
        columns = {}
        for name in names:
            column = _StoredColumn.plan_runs(
                [(store.columns.get(name), _present(name, sets, which), start, stop)
                 for (store, start, stop), (sets, which) in zip(segments, kinds,
                                                               strict=True)], total)
            if column is None:
                return None
            exact = exact and column.exact
            columns[name] = column
        store = cls(first.cls, first.survey, first.time_description, oids, ends,
                    np.empty(total, dtype=np.float64), columns, names_of, objects, None,
                    exact)
        del first  # nothing but `segments` holds the runs' stores: let go as copied below
        release = adopt is not None and exact
        if release:
            adopt(store)
            items.clear()
        # A few runs at a time (about _RELEASE_BYTES of data, so that a trim is worth its
        # few milliseconds), each run's part of every column one copy into the store; the
        # runs' stores let go as they are copied.
        row_bytes = 8 + sum(c.data.itemsize + (c.mask is not None) for c in columns.values())
        copied = 0
        for i, (source, start, stop) in enumerate(segments):
            rows = slice(int(source.ends[start]), int(source.ends[stop]))
            piece = slice(int(ends[starts[i]]), int(ends[starts[i + 1]]))
            store.mjd[piece] = source.mjd[rows]
            for name, column in columns.items():
                column.fill_run(source.columns.get(name), rows, piece)
            if release:
                segments[i] = source = None
                copied += (piece.stop - piece.start) * row_bytes
                if copied >= _RELEASE_BYTES:
                    _give_back_freed_memory()
                    copied = 0
        if release and copied:
            _give_back_freed_memory()
        return store

    @classmethod
    def of_prepared(cls, items, *, adopt=None):
        """`join` of light curves that no store holds (each with its own arrays)."""
        prepared = _prepared_class()
        preps = [value for _, value in items]
        if not preps or not all(type(p) is prepared for p in preps):
            return None
        first = preps[0]
        if any(p.cls is not first.cls or p.survey is not first.survey
               or p.time_description != first.time_description for p in preps):
            return None
        by_object = [p.columns for p in preps]
        # The orders of names (most objects share one): each kept once.
        orders = {order: order for order in map(tuple, by_object)}
        names = list(dict.fromkeys(chain.from_iterable(orders)))
        if "oid" in names or "time" in names:
            return None
        names_of = [orders[tuple(c)] for c in by_object]
        lengths = [len(p) for p in preps]
        ends = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
        columns, exact = {}, True
        for name, specs in _by_name(names, by_object, len(orders) == 1):
            column = _StoredColumn.plan(specs, lengths, int(ends[-1]))
            if column is None:
                return None
            exact = exact and column.exact
            columns[name] = column
        specs = None
        mjd = np.concatenate([p.mjd for p in preps])
        metas = [p.info(_Position(p.position)) for p in preps]
        store = cls(first.cls, first.survey, first.time_description,
                    [oid for oid, _ in items], ends, mjd, columns, names_of,
                    [(p.position, p.oid, p.meta) for p in preps],
                    (metas[0], _common_meta(metas)), exact)
        release = adopt is not None and exact
        if release:
            adopt(store)
            items.clear()
        del preps, first, metas
        # A batch of objects at a time (about _RELEASE_BYTES of data, so that a trim is
        # worth its few milliseconds): each column's part one concatenate into the store.
        bounds = [0, len(by_object)]
        if release:
            row_bytes = 8 + sum(c.data.itemsize + (c.mask is not None)
                                for c in columns.values())
            rows = max(1, _RELEASE_BYTES // row_bytes)
            cuts = np.searchsorted(ends, np.arange(rows, ends[-1], rows)).tolist()
            bounds = sorted({0, len(by_object), *cuts})
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
            part = by_object[start:stop]
            sizes = lengths[start:stop]
            piece = slice(int(ends[start]), int(ends[stop]))
            for name, specs in _by_name(names, part, len(orders) == 1):
                columns[name].fill(specs, sizes, piece)
            if release:
                specs = part = None
                by_object[start:stop] = [None] * (stop - start)
                _give_back_freed_memory()
        return store

    def shell(self, index):
        """The prepared light curve of object ``index``, its arrays held here."""
        position, oid, meta = self.objects[index]
        return _prepared_class()(self.cls, None, self.survey, None, position, oid, meta,
                                 self.time_description, held=(self, index))

    def length_of(self, index):
        return int(self.ends[index + 1] - self.ends[index])

    def mjd_of(self, index):
        return self.mjd[self.ends[index]:self.ends[index + 1]].copy()

    def columns_of(self, index):
        """Object ``index``'s columns as it was prepared, copies of its part of the store."""
        piece = slice(int(self.ends[index]), int(self.ends[index + 1]))
        out = {}
        for name in self.names_of[index]:
            column = self.columns[name]
            own = column.data.dtype if column.dtypes is None else column.dtypes[index]
            mask = None
            if column.masked is not None and column.masked[index]:
                mask = column.mask[piece].copy()
            out[name] = (column.data[piece].astype(own), mask, column.unit,
                         column.description)
        return out

    def table(self, *, copy=True):
        """The stack of every object: its columns copies of the store's (a stack sorted or
        changed in place must not change the result), or the store's own with ``copy=False``."""
        from ..lightcurve.timeseries import AlerceLightCurve

        time = self.shell(0).time(self.mjd)
        time.info.name = "time"
        time.info.description = self.time_description
        first, common = self.meta
        common = dict(common)
        if "coord" in common:
            from ..lightcurve.build import _skycoord

            common["coord"] = _skycoord(self.objects[0][0])
        columns = [time, _oid_column(self.oids, np.diff(self.ends), first)]
        columns += [c.stacked(name, copy=copy) for name, c in self.columns.items()]
        table = self.cls()
        make = getattr(Table, "_make_table_from_cols", None)
        if make is not None and issubclass(self.cls, AlerceLightCurve):
            # As lightcurve.build._assemble makes a light curve: the finished columns put in
            # at once (add_column checks the table's indices at every column).
            make(table, columns, verify=True)
            table._check_required_columns()
            table.add_index("time")
        else:
            for column in columns:
                table.add_column(column, name=column.info.name, copy=False)
        table.meta.clear()
        table.meta.update(common)
        return table


class _StoredColumn:
    """One column of a `_Store`: the values of every object end to end (a masked gap where an
    object lacks it), the mask (None when nothing is masked), and per object whether it had
    a mask and, where the objects' dtypes differ (text widths), its own dtype."""

    __slots__ = ("data", "mask", "unit", "description", "masked", "dtypes", "exact", "gaps")

    @classmethod
    def plan(cls, specs, lengths, total):
        """The column (its arrays made, not filled: see `fill`) from each object's ``(values,
        mask, unit, description)`` (None where it lacks it), or None when the objects'
        columns do not stack (as `_concatenate_column` would refuse them)."""
        present = [s for s in specs if s is not None]
        dtypes = set(map(_DTYPE, map(_VALUES, present)))
        common = _stackable(set(map(_UNIT, present)), dtypes)
        if common is None:
            return None
        unit, dtype, kinds = common
        self = cls()
        self.unit, self.description = unit, present[0][3]
        flags = [s is not None and s[1] is not None for s in specs]
        self.masked = np.array(flags) if any(flags) else None
        # np.empty: pages of memory are taken only as they are filled.
        self.data = np.empty(total, dtype=dtype)
        self.gaps = gaps = len(present) < len(specs)
        self.mask = np.empty(total, dtype=bool) if gaps or self.masked is not None else None
        self.dtypes = None
        if len(dtypes) > 1:
            self.dtypes = [None if s is None else s[0].dtype for s in specs]
        # Text of several widths comes back exactly (no value is wider than its own
        # width); numbers of several dtypes, or descriptions that differ, would not.
        self.exact = ((len(dtypes) == 1 or len(kinds) == 1 and kinds <= set("US"))
                      and len(set(map(_DESCRIPTION, present))) == 1)
        return self

    @classmethod
    def plan_runs(cls, runs, total):
        """The column of a join of runs of stores' objects (its arrays made, not filled: see
        `fill_run`) from each run's ``(column or None, which of its objects have it, start,
        stop)`` (see `_Store.present`), or None when the columns do not stack (as `plan`)."""
        present = [run for run in runs if run[1] is not False]
        dtypes = set()
        for column, _, start, stop in present:
            if column.dtypes is None:
                dtypes.add(column.data.dtype)
            else:
                dtypes.update(d for d in column.dtypes[start:stop] if d is not None)
        common = _stackable({column.unit for column, *_ in present}, dtypes)
        if common is None:
            return None
        unit, dtype, kinds = common
        self = cls()
        self.unit, self.description = unit, present[0][0].description
        flags = [np.zeros(stop - start, dtype=bool) if has is False or column.masked is None
                 else column.masked[start:stop] for column, has, start, stop in runs]
        self.masked = None
        if any(f.any() for f in flags):
            self.masked = np.concatenate(flags)
        self.data = np.empty(total, dtype=dtype)
        self.gaps = gaps = any(has is not True for _, has, _, _ in runs)
        self.mask = np.empty(total, dtype=bool) if gaps or self.masked is not None else None
        self.dtypes = None
        if len(dtypes) > 1:
            own = []
            for column, has, start, stop in runs:
                if has is False:
                    own += [None] * (stop - start)
                elif column.dtypes is not None:
                    own += column.dtypes[start:stop]
                elif has is True:
                    own += [column.data.dtype] * (stop - start)
                else:
                    own += [column.data.dtype if h else None for h in has]
            self.dtypes = own
        self.exact = ((len(dtypes) == 1 or len(kinds) == 1 and kinds <= set("US"))
                      and len({column.description for column, *_ in present}) == 1)
        return self

    def fill_run(self, source, rows, piece):
        """Put ``rows`` of a store's column ``source`` (None: the store has no such column,
        a masked gap) into ``piece`` of the column."""
        if piece.stop == piece.start:
            return
        if source is None:
            self.data[piece] = np.zeros(1, dtype=self.data.dtype)
            self.mask[piece] = True
            return
        self.data[piece] = source.data[rows]
        if self.mask is not None:
            self.mask[piece] = False if source.mask is None else source.mask[rows]

    def fill(self, specs, lengths, piece):
        """Put the values (and masks) of consecutive objects into ``piece`` of the column."""
        if piece.stop == piece.start:
            return
        top = max(lengths)
        if self.gaps:
            gap = np.zeros(top, dtype=self.data.dtype)
            values = [gap[:n] if s is None else s[0]
                      for s, n in zip(specs, lengths, strict=True)]
        else:
            values = list(map(_VALUES, specs))
        np.concatenate(values, out=self.data[piece])
        if self.mask is not None:
            zeros, ones = np.zeros(top, dtype=bool), np.ones(top, dtype=bool)
            np.concatenate([ones[:n] if s is None else zeros[:n] if s[1] is None else s[1]
                            for s, n in zip(specs, lengths, strict=True)],
                           out=self.mask[piece])

    def stacked(self, name, *, copy=True):
        """The column of the stack (``data`` or a copy), as `_concatenate_column` makes it."""
        from ..lightcurve.build import _qtable_column, _unit

        data, mask = self.data, self.mask
        if copy:
            data, mask = data.copy(), None if mask is None else mask.copy()
        if self.unit is None:  # a view made a column, as a light curve's are made
            return _qtable_column(name, data, mask, None, self.description)
        out = u.Quantity(data, _unit(self.unit), copy=False)
        if mask is not None:
            out = Masked(out, mask=mask)
        out.info.name = name
        out.info.description = self.description
        return out


def _present(name, sets, which):
    """Which objects of a run have column ``name``: True or False for all of them, else one
    flag each; ``sets`` the sets of names among them, ``which`` the set of each object (None
    when they all have the one set)."""
    if which is None:
        return name in sets[0]
    flags = np.array([name in names for names in sets])
    if flags.all() or not flags.any():
        return bool(flags[0])
    return flags[which]


def _stackable(units, dtypes):
    """``(unit, dtype, kinds)`` of a column joined from parts of these units and dtypes, or
    None where `_concatenate_column` would refuse them: units that differ, text mixed with
    numbers, or a unit on anything but numbers."""
    if len(units) != 1:
        return None
    unit = next(iter(units))
    kinds = {d.kind for d in dtypes}
    if len(kinds) > 1 and not kinds <= set("biuf"):
        return None
    dtype = np.result_type(*dtypes)
    if unit is not None and dtype.kind not in "biuf":
        return None
    return unit, dtype, kinds


def _by_name(names, by_object, one_order):
    """``(name, the objects' specs of that column)`` for each name: with one order of names
    for all objects, their columns are transposed in one go (no lookup per object)."""
    if one_order:
        return zip(names, zip(*map(dict.values, by_object), strict=True), strict=True)
    return ((name, [c.get(name) for c in by_object]) for name in names)


def _find_malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc's; absent elsewhere (musl)
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _find_malloc_trim()


def _give_back_freed_memory():
    """
    Hand the memory that was just freed back to the system (glibc ``malloc_trim``; nothing
    elsewhere).

    The prepared arrays of a bulk download are thousands of small blocks: freed, glibc keeps
    their pages, and the big arrays of the stack (mapped afresh) would come on top of them,
    the data held twice over at the peak. Trimmed as each batch is copied in, the peak stays
    near the size of the data.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


class _Position:
    """A mean position compared as its SkyCoord would be (equal when ra and dec are)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        if not isinstance(other, _Position) or (self.value is None) != (other.value is None):
            raise TypeError("a SkyCoord and None do not compare")
        return self.value == other.value

    __hash__ = None
