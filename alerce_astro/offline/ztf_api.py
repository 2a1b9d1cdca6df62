"""
The ZTF API v1 (``/ztf/v1``) of the sample server: a thin router over a dataset.

It answers like ALeRCE's ``alerts-api`` (a Flask-RESTX application over PostgreSQL) as recorded
on the wire. The framework's behaviour (routing, 308 redirects, argument parsing and its 400
messages, the "did you mean" 404 help, ``X-Fields`` masks, JSON framing) is
`alerce_astro.offline.flask_restx`; the database's (NULL and NaN ordering, LIKE, comparisons
with NULL, the cone search) is `alerce_astro.offline.postgres`. What is left here is the
service's own: its routes and their arguments, the ``/objects/`` query (outer join with the
probability table, LIKE/IN on ``oid``, the default classifier join, which columns have an index,
total capped at 50001) and the parser quirks of the service's code.

Pages of ``/objects/`` are ordered as PostgreSQL orders them: rows with equal ``order_by``
values (and NULLs) can come out in another order on the next page, so paging such a query
repeats some rows and never shows others, as the real service does.
"""

import math

from . import postgres
from .flask_restx import HTML, Arg, FlaskApp, Rule, json_response, masked, parse_args
from .tokens import Ralidator

__all__ = ["ZtfApi", "DEFAULT_CLASSIFIERS", "ORDER_BY_CHOICES", "URL_RULES"]

#: Mirrors the classifier table of the ALeRCE database as the service's ``/classifiers/``
#: answers it (the recorded exchange ``lists/classifiers.json``): served when a dataset has no
#: ``classifiers.json``.
DEFAULT_CLASSIFIERS = [
    {"classifier_name": "lc_classifier", "classifier_version": "hierarchical_random_forest_1.0.0",
     "classes": ["SNIa", "SNIbc", "SNII", "SLSN", "QSO", "AGN", "Blazar", "CV/Nova", "YSO", "LPV",
                 "E", "DSCT", "RRL", "CEP", "Periodic-Other"]},
    {"classifier_name": "lc_classifier", "classifier_version": "hierarchical_rf_1.1.0",
     "classes": ["SNIa", "SNIbc", "SNII", "SLSN", "QSO", "AGN", "Blazar", "CV/Nova", "YSO", "LPV",
                 "E", "DSCT", "RRL", "CEP", "Periodic-Other"]},
    {"classifier_name": "lc_classifier_periodic", "classifier_version": "hierarchical_rf_1.1.0",
     "classes": ["LPV", "E", "DSCT", "RRL", "CEP", "Periodic-Other"]},
    {"classifier_name": "lc_classifier_stochastic", "classifier_version": "hierarchical_rf_1.1.0",
     "classes": ["QSO", "AGN", "Blazar", "CV/Nova", "YSO"]},
    {"classifier_name": "lc_classifier_top", "classifier_version": "hierarchical_rf_1.1.0",
     "classes": ["Transient", "Stochastic", "Periodic"]},
    {"classifier_name": "lc_classifier_transient", "classifier_version": "hierarchical_rf_1.1.0",
     "classes": ["SNIa", "SNIbc", "SNII", "SLSN"]},
    {"classifier_name": "stamp_classifier", "classifier_version": "stamp_classifier_1.0.0",
     "classes": ["SN", "AGN", "VS", "asteroid", "bogus"]},
]

# The default list (no classifier filter) joins these probability rows: the service's
# default version is not the one the data carries, so class/classifier/probability are null.
DEFAULT_CLASSIFIER = "lc_classifier"
DEFAULT_VERSION = "hierarchical_random_forest_1.1.0"
DEFAULT_RANKING = 1

OBJECT_COLUMNS = ("oid", "ndet", "g_r_max", "g_r_max_corr", "g_r_mean", "g_r_mean_corr",
                  "meanra", "meandec", "sigmara", "sigmadec", "deltajd", "firstmjd", "lastmjd")
# index in the probability tuples of the dataset
PROB_COLUMNS = {"classifier_name": 0, "classifier_version": 1, "class_name": 2,
                "probability": 3, "ranking": 4}
ORDER_BY_CHOICES = OBJECT_COLUMNS + ("class_name", "classifier_name", "classifier_version",
                                     "probability", "ranking")
TOTAL_CAP = 50001
#: Object columns with a btree index in ALeRCE's database (db-plugins' ``object`` table: the
#: primary key and six indexes): ordering by one of them may read the index instead of sorting.
INDEXED_COLUMNS = ("oid", "ndet", "firstmjd", "g_r_max", "g_r_mean_corr", "meanra", "meandec")

# URL rules of the application, in registration order (what flask-restx's 404 help sees).
URL_RULES = (
    "/", "/swagger.json", "/swaggerui/<path:filename>", "/static/<path:filename>",
    "/healthcheck", "/metrics",
    "/objects/", "/objects/<id>", "/objects/limit_values", "/objects/<id>/lightcurve",
    "/objects/<id>/detections", "/objects/<id>/non_detections", "/objects/<id>/magstats",
    "/objects/<id>/probabilities", "/classifiers/",
    "/classifiers/<classifier_name>/<classifier_version>/classes",
    "/objects/<id>/features", "/objects/<id>/features/<name>",
)

#: The resources that require a permission of the token (``basic_user`` or ``admin``).
LIGHTCURVE_RULES = ("/objects/<id>/lightcurve", "/objects/<id>/detections",
                    "/objects/<id>/non_detections")


def str2bool(value):
    """The service's boolean parser (its error path is broken: that message is what it says)."""
    if value.lower() in ("yes", "true", "t", "y", "1"):
        return True
    if value.lower() in ("no", "false", "f", "n", "0"):
        return False
    raise AttributeError("module 'flask_restx.reqparse' has no attribute 'ArgumentTypeError'")


# ------------------------------------------------------------------ argument specs
OBJECT_LIST_ARGS = (
    # filter parser
    Arg("oid", str, "Object id", action="append"),
    Arg("classifier", str, "classifier name"),
    Arg("classifier_version", str, "classifier version"),
    Arg("class", str, "class name"),
    Arg("ranking", int, "Class ordering by probability from highest to lowest. (Default 1)"),
    Arg("ndet", int, "Range of detections.", action="append"),
    Arg("probability", float, "Minimum probability."),
    Arg("firstmjd", float, "First detection date range in mjd.", action="append"),
    Arg("lastmjd", float, "Last detection date range in mjd.", action="append"),
    # conesearch parser
    Arg("ra", float, "Ra in degrees for conesearch."),
    Arg("dec", float, "Dec in degrees for conesearch."),
    Arg("radius", float, "Radius in arcsec for conesearch. (Default: 30 arcsec)"),
    # pagination parser
    Arg("page", int, "Page or offset to retrieve.", default=1),
    Arg("page_size", int, "Number of objects to retrieve in each page.", default=10),
    Arg("count", str2bool, "Whether to count total objects or not.", default=False),
    # order parser
    Arg("order_by", str, "Column used for ordering", choices=ORDER_BY_CHOICES),
    Arg("order_mode", str, "Ordering could be ascendent or descendent", choices=("ASC", "DESC")),
)
SURVEY_ARGS = (Arg("survey_id", str, None, default="ztf", choices=("ztf", "atlas")),)
PROBABILITY_ARGS = (Arg("classifier", str, "Classifier name"),
                    Arg("classifier_version", str, "Classifier version"))
FEATURE_ARGS = (Arg("fid", int, "Feature fid number"), Arg("version", str, "Feature version"))


def _permission_required(auth, endpoint):
    def checked(request, *variables):
        auth.check_permissions(request)
        return endpoint(request, *variables)
    return checked


def _hash_join_order(rows):
    """
    The output order of the database's hash join of objects with probability rows.

    With ``ranking = 1`` the rank-1 partial index drives the join and rows come in the
    probability table's order; otherwise the probability rows are the hashed side, and a hash
    bucket's chain is last in, first out: each object's rows come last-inserted first (the
    recorded ``ranking=2`` and ``probability=0.5`` pages show both). ``rows`` are grouped by
    object; each group is reversed.
    """
    out = []
    start = 0
    for end in range(1, len(rows) + 1):
        if end == len(rows) or rows[end][0] != rows[start][0]:
            out.extend(reversed(rows[start:end]))
            start = end
    return out


# ------------------------------------------------------------------ the application
class ZtfApi:
    """
    The ZTF API v1 over a `~alerce_astro.offline.dataset.Dataset`.

    Parameters
    ----------
    dataset : `~alerce_astro.offline.dataset.Dataset`
        The data.
    tokens : `~alerce_astro.offline.tokens.TokenTable`, optional
        Check the ``AUTH-TOKEN`` header as the service's token library does
        (`alerce_astro.offline.tokens`); None ignores it.
    """

    def __init__(self, dataset, tokens=None):
        self.ds = dataset
        self._default_rows = None
        self._outer_rows = None
        self._pairs = None
        self._keys = {}
        self._pair_index = None
        # build the join indexes now rather than in the first list query
        self._default_join()
        self._prob_pairs()
        endpoints = {
            "/healthcheck": self.route_healthcheck,
            "/objects/": self.route_object_list,
            "/objects/<id>": self.route_object,
            "/objects/limit_values": self.route_limit_values,
            "/objects/<id>/lightcurve": self.route_lightcurve,
            "/objects/<id>/detections": self.route_detections,
            "/objects/<id>/non_detections": self.route_non_detections,
            "/objects/<id>/magstats": self.route_magstats,
            "/objects/<id>/probabilities": self.route_probabilities,
            "/classifiers/": self.route_classifiers,
            "/classifiers/<classifier_name>/<classifier_version>/classes": self.route_classes,
            "/objects/<id>/features": self.route_features,
            "/objects/<id>/features/<name>": self.route_feature,
        }
        hooks = {}
        if tokens is not None:
            auth = Ralidator(tokens)
            hooks = {"before_request": [auth.before_request],
                     "after_request": [auth.after_request]}
            # the light curve resources require a permission
            for rule in LIGHTCURVE_RULES:
                endpoints[rule] = _permission_required(auth, endpoints[rule])
        # the health check is a plain Flask route, the others Flask-RESTX resources
        self.app = FlaskApp([Rule(r, endpoints.get(r), restx=r != "/healthcheck")
                             for r in URL_RULES], **hooks)

    def handle(self, request):
        """Answer ``request`` (path relative to ``/ztf/v1``): ``(status, headers, body)``."""
        return self.app.handle(request)

    # ---------------------------------------------------------------- simple routes
    def route_healthcheck(self, request):
        return 200, [("Content-Type", HTML)], b"OK"

    def route_classifiers(self, request):
        return json_response(200, self._classifier_table())

    def _classifier_table(self):
        return self.ds.classifiers if self.ds.classifiers is not None else DEFAULT_CLASSIFIERS

    def route_classes(self, request, name, version):
        for entry in self._classifier_table():
            if entry.get("classifier_name") == name and entry.get("classifier_version") == version:
                return json_response(200, [{"name": c} for c in entry.get("classes") or []])
        return self.app.not_found(request)

    def route_limit_values(self, request):
        def extreme(column, pick):
            values = [r.get(column) for r in self.ds.rows]
            values = [v for v in values if v is not None]
            return pick(values, key=postgres.sort_key) if values else None
        return json_response(200, {
            "min_ndet": extreme("ndet", min), "max_ndet": extreme("ndet", max),
            "min_firstmjd": extreme("firstmjd", min), "max_firstmjd": extreme("firstmjd", max),
        })

    # ---------------------------------------------------------------- one object
    def route_object(self, request, oid):
        data = self.ds.object_data(oid)
        row = data.get("object") if data else None
        if not isinstance(row, dict):
            return self.app.not_found(request, "Object not found")
        return json_response(200, masked(request, row))

    def _object_or_404(self, request, oid):
        data = self.ds.object_data(oid)
        if data is None:
            return None, self.app.not_found(request)
        return data, None

    def route_lightcurve(self, request, oid):
        args = parse_args(SURVEY_ARGS, request.args)
        data, error = self._object_or_404(request, oid)
        if error:
            return error
        if args["survey_id"] != "ztf":
            return json_response(200, {"detections": [], "non_detections": []})
        return json_response(200, data.get("lightcurve"))

    def _lightcurve_list(self, request, oid, key):
        args = parse_args(SURVEY_ARGS, request.args)
        data, error = self._object_or_404(request, oid)
        if error:
            return error
        if args["survey_id"] != "ztf":
            return json_response(200, [])
        rows = (data.get("lightcurve") or {}).get(key) or []
        # marshalled with skip_none: keys holding null are left out
        return json_response(200, [{k: v for k, v in r.items() if v is not None} for r in rows])

    def route_detections(self, request, oid):
        return self._lightcurve_list(request, oid, "detections")

    def route_non_detections(self, request, oid):
        return self._lightcurve_list(request, oid, "non_detections")

    def route_magstats(self, request, oid):
        data, error = self._object_or_404(request, oid)
        if error:
            return error
        return json_response(200, data.get("magstats") or [])

    def route_probabilities(self, request, oid):
        data, error = self._object_or_404(request, oid)
        if error:
            return error
        args = parse_args(PROBABILITY_ARGS, request.args)
        rows = data.get("probabilities") or []
        if args["classifier"]:
            rows = [r for r in rows if r.get("classifier_name") == args["classifier"]]
        if args["classifier_version"]:
            rows = [r for r in rows if r.get("classifier_version") == args["classifier_version"]]
        return json_response(200, rows)

    def route_features(self, request, oid, name=None):
        args = parse_args(FEATURE_ARGS, request.args)
        data, error = self._object_or_404(request, oid)
        if error:
            return error
        rows = data.get("features") or []
        fid, version = args["fid"], args["version"]
        if name is None and fid is None and version is None:
            return json_response(200, rows)
        rows = [r for r in rows
                if (name is None or r.get("name") == name)
                and (fid is None or r.get("fid") == fid)
                and (version is None or r.get("version") == version)]
        # a filtered query is answered through the (oid, name, fid, version) index: in order
        rows.sort(key=lambda r: (str(r.get("name")), r.get("fid") or 0, str(r.get("version"))))
        return json_response(200, rows)

    def route_feature(self, request, oid, name):
        return self.route_features(request, oid, name)

    # ---------------------------------------------------------------- /objects/
    def _default_join(self):
        """Rows of the default list: each object outer-joined with its default-classifier
        probability rows (none in practice: class/classifier/probability null)."""
        if self._default_rows is None:
            rows = []
            for i, probs in enumerate(self.ds.probs):
                matched = [p for p in probs if p[0] == DEFAULT_CLASSIFIER
                           and p[1] == DEFAULT_VERSION and p[4] == DEFAULT_RANKING]
                if matched:
                    rows.extend((i, p) for p in matched)
                else:
                    rows.append((i, None))
            self._default_rows = rows
        return self._default_rows

    def _outer_join(self):
        """Rows of the outer join with the whole probability table, in hash join order (see
        `_hash_join_order`)."""
        if self._outer_rows is None:
            rows = []
            for i, probs in enumerate(self.ds.probs):
                if probs:
                    rows.extend((i, p) for p in reversed(probs))  # hash join order
                else:
                    rows.append((i, None))
            self._outer_rows = rows
        return self._outer_rows

    def _prob_pairs(self, classifier=None, ranking=None):
        """Rows of the inner join: all, or those of one classifier and/or ranking, in the
        probability table's order (objects in physical order, an object's rows in file
        order)."""
        if self._pairs is None:
            pairs = []
            index = {}
            for i, probs in enumerate(self.ds.probs):
                for p in probs:
                    ip = (i, p)
                    pairs.append(ip)
                    index.setdefault((p[0], None), []).append(ip)
                    index.setdefault((None, p[4]), []).append(ip)
                    index.setdefault((p[0], p[4]), []).append(ip)
            self._pairs, self._pair_index = pairs, index
        if classifier is None and ranking is None:
            return self._pairs
        try:
            return self._pair_index.get((classifier, ranking), [])
        except TypeError:  # unhashable: cannot happen with parsed arguments
            return [ip for ip in self._pairs if ip[1][0] == classifier]

    def _column_keys(self, column):
        """Sort keys of an object column, one per object (cached)."""
        keys = self._keys.get(column)
        if keys is None:
            keys = [postgres.sort_key(r.get(column)) for r in self.ds.rows]
            self._keys[column] = keys
        return keys

    def _object_mask(self, args):
        """Which objects pass the object filters (a list of bools), or None for all."""
        tests = []
        for column in ("ndet", "firstmjd", "lastmjd"):
            bounds = args[column]
            if bounds:
                low = bounds[0]
                high = bounds[1] if len(bounds) > 1 else None
                tests.append(lambda r, c=column, lo=low, hi=high: postgres.ge(r.get(c), lo) and (
                    hi is None or postgres.le(r.get(c), hi)))
        oids = args["oid"]
        if oids:
            if len(oids) == 1:
                regex = postgres.like_to_regex(oids[0].replace("*", "%"))
                tests.append(lambda r: isinstance(r.get("oid"), str)
                             and regex.fullmatch(r["oid"]) is not None)
            else:
                wanted = set(oids)
                tests.append(lambda r: r.get("oid") in wanted)
        ra, dec, radius = args["ra"], args["dec"], args["radius"]
        if radius is None:
            radius = 30.0
        if ra and dec and radius:  # the service skips the cone when any of them is 0
            radius_deg = radius / 3600.0

            def cone(r):
                mra, mdec = r.get("meanra"), r.get("meandec")
                if not isinstance(mra, (int, float)) or not isinstance(mdec, (int, float)):
                    return False
                try:
                    return postgres.angular_distance_deg(ra, dec, mra, mdec) <= radius_deg
                except (ValueError, OverflowError):
                    return False
            tests.append(cone)
        if not tests:
            return None
        return [all(t(r) for t in tests) for r in self.ds.rows]

    @staticmethod
    def _prob_conditions(args):
        """The probability-table conditions of a list query (None when none applies)."""
        classifier, class_ = args["classifier"], args["class"]
        version, ranking, probability = (args["classifier_version"], args["ranking"],
                                         args["probability"])
        if not ranking and (classifier or class_ or version):
            ranking = 1  # the default ranking
        if not (classifier or class_ or version or ranking or probability):
            return None
        return classifier or None, class_ or None, version or None, ranking or None, \
            probability or None

    @staticmethod
    def _filter_probs(rows, classifier, class_, version, ranking, probability):
        """Apply the probability-table conditions (rows come from `_prob_pairs`)."""
        if classifier:
            rows = [ip for ip in rows if ip[1][0] == classifier]
        if class_:
            rows = [ip for ip in rows if ip[1][2] == class_]
        if version:
            rows = [ip for ip in rows if ip[1][1] == version]
        if ranking:
            rows = [ip for ip in rows if postgres.eq(ip[1][4], ranking)]
        if probability:
            if probability != probability:  # NaN: only NaN is >= NaN in Postgres
                rows = [ip for ip in rows if ip[1][3] != ip[1][3]]
            else:
                try:
                    rows = [ip for ip in rows if (x := ip[1][3]) is not None
                            and (x != x or x >= probability)]
                except TypeError:
                    rows = [ip for ip in rows if postgres.ge(ip[1][3], probability)]
        return rows

    def select(self, args):
        """
        The rows of a list query before ordering.

        Returns
        -------
        rows : list of tuple
            ``(object index, probability tuple or None)`` in scan order: the table's physical
            order (the dataset's object order), an object's probability rows in file order.
        conditions : bool
            Whether a condition (a filter or a classifier join) applies: the planner then
            sorts rather than reading an index.
        """
        use_default = all(args[k] is None for k in
                          ("classifier", "classifier_version", "ranking", "probability", "class"))
        mask = self._object_mask(args)
        conditions = None if use_default else self._prob_conditions(args)
        if use_default:
            selected = self._default_join()
        elif conditions is None:  # e.g. ranking=0: outer join without condition
            selected = self._outer_join()
        else:
            classifier, class_, version, ranking, probability = conditions
            if isinstance(ranking, int):
                # start from the rows of this classifier and ranking (both already tested)
                source = self._prob_pairs(classifier, ranking)
                selected = self._filter_probs(source, None, class_, version, None, probability)
            else:
                source = self._prob_pairs(classifier, None)
                selected = self._filter_probs(source, None, class_, version, ranking,
                                              probability)
            if ranking != 1:
                selected = _hash_join_order(selected)
        if mask is not None:
            selected = [ip for ip in selected if mask[ip[0]]]
        return selected, not (use_default and mask is None)

    def page(self, args, selected, conditions, offset, limit):
        """
        The rows of one page (``OFFSET offset LIMIT limit``) of the selected rows, in the order
        PostgreSQL returns them (`alerce_astro.offline.postgres.page_order`): tied rows may be
        ordered differently on another page of the same query.
        """
        order_by = args["order_by"]
        if order_by:
            if order_by in PROB_COLUMNS:
                col = PROB_COLUMNS[order_by]
                keys = [postgres.sort_key(p[col] if p is not None else None)
                        for _, p in selected]
            else:
                column_keys = self._column_keys(order_by)
                keys = [column_keys[i] for i, _ in selected]
            index_scan = (order_by in INDEXED_COLUMNS and not conditions
                          and postgres.prefers_index_scan(len(self.ds.rows), offset + limit))
            positions = postgres.page_order(keys, descending=args["order_mode"] == "DESC",
                                            offset=offset, limit=limit, index_scan=index_scan)
        elif args["oid"]:
            # ORDER BY oid != 'first', oid != 'second', ...: the requested order first
            wanted = {}
            for n, oid in enumerate(args["oid"]):
                wanted.setdefault(oid, n)
            last = len(args["oid"])
            rows_of = self.ds.rows
            keys = [wanted.get(rows_of[i].get("oid"), last) for i, _ in selected]
            positions = postgres.page_order(keys, offset=offset, limit=limit)
        else:  # no ORDER BY: scan order
            return selected[offset:offset + limit]
        return [selected[j] for j in positions]

    @staticmethod
    def list_item(row, prob):
        item = {}
        for key, value in row.items():
            if key == "step_id_corr":
                continue
            item[key] = value
        item["class"] = prob[2] if prob is not None else None
        item["classifier"] = prob[0] if prob is not None else None
        item["probability"] = prob[3] if prob is not None else None
        item["step_id_corr"] = row.get("step_id_corr")
        return item

    def route_object_list(self, request):
        args = parse_args(OBJECT_LIST_ARGS, request.args)
        selected, conditions = self.select(args)
        page, per_page, count = args["page"], args["page_size"], args["count"]
        if page < 1:
            page = 1
        if per_page < 0:
            per_page = 10
        items = self.page(args, selected, conditions, (page - 1) * per_page, per_page)
        total = min(len(selected), TOTAL_CAP) if count else None
        pages = 0 if (per_page == 0 or total is None) else math.ceil(total / per_page)
        has_next = page < pages
        has_prev = page > 1
        rows_of = self.ds.rows
        envelope = {
            "total": total,
            "page": None,
            "next": page + 1 if has_next else None,
            "has_next": has_next,
            "prev": page - 1 if has_prev else None,
            "has_prev": has_prev,
            "items": [self.list_item(rows_of[i], p) for i, p in items],
        }
        return json_response(200, masked(request, envelope))

