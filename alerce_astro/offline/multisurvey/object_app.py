"""
``/object_api``: ``list_objects`` and ``object`` of the multisurvey API.

``list_objects`` is the service's SQL: the probability table inner-joined with the objects that
have a row in the survey's table (``lsst_dia_object`` for ``survey=lsst``), so only classified
objects appear, once per probability row that passes ``ranking`` (default 1) and
``probability`` (minimum, default 0). ``classifier`` and ``class_name`` are looked up in the
LSST classifier table first (an unknown classifier is a 500, an unknown class is dropped from
the query). The page is ``ORDER BY <order_by> <mode>, oid <mode> LIMIT page_size + 1 OFFSET
(page - 1) * page_size``: ``has_next`` says whether the extra row came, ``total`` is the number
of rows fetched (at most ``page_size + 1``). ``order_by=oid_list`` orders nothing and limits
nothing: every row is fetched and the last one is dropped when there are more than
``page_size``. Rows in storage order feed the sort, which, like Postgres' quicksort, keeps no
particular order among ties.
"""

from ..fastapi import FastAPIApp, HTTPException, Param, Route, parse_int
from .common import (
    any_error,
    healthcheck,
    metrics_route,
    root,
    survey_model,
)
from .dataset import LSST_DIA_COLUMNS, OBJECT_COLUMNS
from .pgsort import pg_sort
from .sql import INT64_MAX, SQLError, cast_bigint, cast_smallint, pg_ge, pg_le, sort_key, within

__all__ = ["make_app", "LIST_PARAMS"]

LIST_PARAMS = tuple(Param(*args, nullable=True, **kw) for args, kw in (
    (("class_name",), {}), (("oid",), {"many": True}), (("survey",), {}),
    (("classifier",), {}), (("ranking", "int"), {"default": 1}),
    (("n_det", "int"), {"many": True}), (("probability", "float"), {"default": 0}),
    (("firstmjd", "float"), {"many": True}), (("lastmjd", "float"), {"many": True}),
    (("dec", "float"), {}), (("ra", "float"), {}), (("radius", "float"), {}),
    (("page", "int"), {"default": 1}), (("page_size", "int"), {"default": 10}),
    (("count", "bool"), {"default": False}), (("order_by",), {"default": "probability"}),
    (("order_mode",), {"default": "DESC"})))
OBJECT_PARAMS = (Param("oid", required=True), Param("survey_id", required=True),
                 Param("return_survey_extra", "bool", default=False))

#: Columns of the probability table (first in the select, so first to name a column).
PROBABILITY_COLUMNS = ("oid", "sid", "classifier_id", "classifier_version", "class_id",
                       "probability", "ranking", "lastmjd")
#: Object columns of the items of ``list_objects`` (then ``stellar`` and the class columns).
ITEM_COLUMNS = OBJECT_COLUMNS[:13]
#: Attributes of a SQLAlchemy model class that are not columns: ``.desc()`` fails on them.
_NOT_COLUMNS = frozenset(("metadata", "registry", "__table__", "__tablename__", "__mapper__",
                          "__table_args__", "__n_partitions__", "__partition_on__",
                          "__create_partitions__", "__init__", "__class__", "__dict__",
                          "__doc__", "__module__", "__weakref__", "__repr__", "__getattr__"))
#: Columns of the ``ztf_object`` table.
ZTF_OBJECT_COLUMNS = ("g_r_max", "g_r_max_corr", "g_r_mean", "g_r_mean_corr", "corrected",
                      "stellar", "reference_change", "diffpos", "ndethist", "ncovhist",
                      "mjdstarthist", "mjdendhist", "created_date")


def make_app(ds):
    """The ``object_api`` FastAPI app over a multisurvey dataset."""
    service = ObjectService(ds)
    return FastAPIApp([
        metrics_route(),
        root("this is the object module"),
        Route("/healthcheck", healthcheck),
        Route("/list_objects", service.list_objects, LIST_PARAMS),
        Route("/object", service.object, OBJECT_PARAMS, name="get_object"),
    ])


def _pydantic_int(text):
    # Filters(oids=...) is a pydantic model with list[int]: lax int parsing of each oid
    try:
        return parse_int(text)
    except ValueError as error:
        raise any_error() from error


class ObjectService:
    """Endpoints of ``object_api``."""

    def __init__(self, ds):
        self.ds = ds

    # ------------------------------------------------------------------ list_objects
    def lsst_classes(self):
        """The classifier/class table of LSST classifiers (``get_all_classifiers``)."""
        out = []
        for c in sorted((c for c in self.ds.classifiers if c["tid"] == 1),
                        key=lambda c: c["classifier_name"]):
            for class_id, class_name in enumerate(c["classes"]):
                out.append((c, class_id, class_name))
        return out

    def list_objects(self, request, *, class_name, oid, survey, classifier, ranking, n_det,
                     probability, firstmjd, lastmjd, dec, ra, radius, page, page_size, count,
                     order_by, order_mode):
        if n_det is not None and len(n_det) == 2 and n_det[0] > n_det[1]:
            raise HTTPException(422, {"detections_container":
                                      "Min value can't be greater than max."})
        if order_mode not in ("DESC", "ASC"):
            raise HTTPException(422, {"search_filters": "Order can be only DESC or ASC."})
        try:
            return self._list(oid, survey, classifier, class_name, ranking, n_det, probability,
                              firstmjd, lastmjd, ra, dec, radius, page, page_size, order_by,
                              order_mode)
        except (SQLError, ValueError) as error:
            raise any_error() from error

    def _list(self, oids, survey, classifier, class_name, ranking, n_det, probability,
              firstmjd, lastmjd, ra, dec, radius, page, page_size, order_by, order_mode):
        if oids:
            oids = [_pydantic_int(o) for o in oids]
        classes = self.lsst_classes()
        classifier_id = class_id = None
        class_filter = class_name
        if classifier is not None:
            for entry, cid, cname in classes:
                if entry["classifier_name"] == classifier:
                    classifier_id = entry["classifier_id"]
                    if cname == class_name:
                        class_id = cid
                        break
            if classifier_id is None:
                raise ValueError(f"Classifier name '{classifier}' not found.")
            class_filter = class_id if class_name is not None else None
        elif class_name is not None:
            # no classifier: the class name is compared with the smallint class_id as it is
            class_filter = cast_smallint(class_name)
        table = survey_model(survey)
        if table is None:
            raise SQLError("Can't join table/selectable 'object' to itself")
        if page < 1:
            page = 1
        if page_size < 0:
            page_size = 10
        if ra is not None and dec is not None:
            cone = (ra, dec, (30.0 if radius is None else radius) / 3600.0)
        else:
            cone = None

        objects = self._objects(table, oids, n_det, firstmjd, lastmjd, cone)
        rows = [r for r in self.ds.probability_rows if r.obj.oid in objects
                and (classifier_id is None or r.classifier_id == classifier_id)
                and (class_filter is None or r.class_id == class_filter)
                and (probability is None or pg_ge(r.probability32, probability))
                and (ranking is None or r.ranking == ranking)]
        # probability rows an error answer stands for (a ZTF classifier's): their values are
        # unknown, so they pass any filter but a classifier's and cannot be serialised
        opaque = [] if classifier_id is not None or class_filter is not None else [
            _OPAQUE for oid in objects if self.ds.objects[oid].probs_broken]
        if order_by == "oid_list":
            fetched = rows + opaque
        else:
            offset = (page - 1) * page_size
            if offset > INT64_MAX or page_size + 1 > INT64_MAX:
                raise SQLError("bigint out of range")
            bound = offset + page_size + 1
            rows = self._order(rows, table, order_by, order_mode == "DESC", bound) + opaque
            fetched = rows[offset:bound]
        has_next = len(fetched) > page_size
        page_rows = fetched[:-1] if has_next else fetched
        items = [self._item(r, survey) for r in page_rows]
        return {"total": len(fetched), "next": page + 1 if has_next else None,
                "has_next": has_next, "prev": page - 1 if page > 1 else None,
                "has_prev": page > 1, "current_page": page, "items": items,
                "info_message": None if items else "Empty query"}

    def _objects(self, table, oids, n_det, firstmjd, lastmjd, cone):
        """oids of the objects subquery (object joined with the survey table, filtered)."""
        wanted = set(oids) if oids else None
        out = set()
        for obj in self.ds.objects.values():
            row = obj.row
            if not obj.has_survey_row or obj.survey != table:
                continue
            if wanted is not None and obj.oid not in wanted:
                continue
            if not (_in_range(row.get("n_det"), n_det) and _in_range(row.get("firstmjd"), firstmjd)
                    and _in_range(row.get("lastmjd"), lastmjd)):
                continue
            if cone is not None and not within(row.get("meanra"), row.get("meandec"), *cone):
                continue
            out.add(obj.oid)
        return out

    def _order(self, rows, table, order_by, descending, bound):
        column = self._column(order_by, table)
        if column is None or column[1] == "oid":
            # ORDER BY oid alone: the join key, so Postgres sorts the objects and fetches each
            # object's probability rows in storage order (a nested loop), not a sort of rows
            return sorted(rows, key=lambda r: r.obj.oid, reverse=descending)
        values = [_value(r, *column) for r in rows]
        keys = [(v is None, sort_key(v) if v is not None else (0, 0), r.obj.oid)
                for r, v in zip(rows, values, strict=True)]
        order = pg_sort(range(len(rows)), keys, descending, bound)
        return [rows[i] for i in order]

    @staticmethod
    def _column(name, table):
        """Which table's column ``order_by`` names: the first entity of the select that has it
        (``lastmjd`` is always the object's), or None (then only ``oid`` orders)."""
        if name in _NOT_COLUMNS or (name.startswith("__") and name.endswith("__")
                                    and hasattr(object, name)):
            raise SQLError(f"cannot order by {name!r}")
        if name == "lastmjd":
            return "object", name
        if name in PROBABILITY_COLUMNS:
            return "probability", name
        if name in OBJECT_COLUMNS:
            return "object", name
        if name in (LSST_DIA_COLUMNS if table == "lsst" else ZTF_OBJECT_COLUMNS):
            return "survey", name
        return None

    def _item(self, r, survey):
        if r is _OPAQUE or survey != "lsst":
            # the ZTF item model requires class columns the LSST classifier table cannot
            # give a ZTF probability; other names have no model at all
            raise any_error()
        row = r.obj.row
        item = {k: row.get(k) for k in ITEM_COLUMNS}
        for key in ("oid", "tid", "sid", "meanra", "meandec", "firstmjd", "lastmjd",
                    "deltamjd", "n_det", "n_forced", "n_non_det"):
            if item[key] is None:
                raise any_error()  # a required field of the item model
        item["stellar"] = None
        entry = self.ds.classifier_by_id.get(r.classifier_id)
        if entry is not None and entry["tid"] == 1 and r.class_id is not None:
            item["class_name"] = entry["classes"][r.class_id]
            item["classifier_name"] = entry["classifier_name"]
            item["classifier_version"] = entry["classifier_version"]
        else:
            item["class_name"] = item["classifier_name"] = None
            item["classifier_version"] = str(r.classifier_version)
        item["probability"] = r.probability
        item["ranking"] = r.ranking
        return item

    # ------------------------------------------------------------------ object
    def object(self, request, *, oid, survey_id, return_survey_extra):
        table = survey_model(survey_id)
        try:
            if table is None:
                raise SQLError("Can't join table/selectable 'object' to itself")
            wanted = cast_bigint(oid)
        except SQLError as error:
            raise any_error() from error
        obj = self.ds.objects.get(wanted)
        if obj is None or obj.survey != table or not obj.has_survey_row:
            raise any_error()  # NoResultFound
        if survey_id not in ("lsst", "ztf"):
            raise any_error()  # no output model for this spelling of the survey
        row = obj.row
        if not return_survey_extra:
            return {k: row.get(k) for k in OBJECT_COLUMNS}
        out = {k: row.get(k) for k in OBJECT_COLUMNS[:13]}
        out.update(obj.survey_row)
        if table == "lsst" and "nDiaSources" not in out:
            raise any_error()  # a required field of the model
        out["created_date"] = row.get("created_date")
        return out


#: stands for a probability row known only from an error answer
_OPAQUE = object()


def _in_range(value, bounds):
    if not bounds:
        return True
    if not pg_ge(value, bounds[0]):
        return False
    return len(bounds) < 2 or pg_le(value, bounds[1])


def _value(r, source, name):
    if source == "probability":
        return {"oid": r.obj.oid, "sid": r.obj.sid, "classifier_id": r.classifier_id,
                "classifier_version": r.classifier_version, "class_id": r.class_id,
                "probability": r.probability32, "ranking": r.ranking,
                "lastmjd": r.obj.row.get("lastmjd")}[name]
    if source == "object":
        return r.obj.row.get(name)
    return r.obj.survey_row.get(name)
