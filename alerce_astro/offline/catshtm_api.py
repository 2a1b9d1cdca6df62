"""
The catsHTM service (``/catshtm``) of the sample server, and the catsHTM catalog table.

Routes (``ra``, ``dec`` in degrees, ``radius`` in arcsec):

* ``/conesearch?catalog&ra&dec&radius`` -> ``{"<display name>": {"<column>": {"units",
  "values"}}}`` or ``{}``;
* ``/conesearch_all?ra&dec&radius`` -> ``{"catalogs": [{"<display name>": {...}}, ...]}``
  (catalogs without a source left out);
* ``/crossmatch?catalog&ra&dec[&radius]`` -> the closest source, flat with singular keys
  ``{"<column>": {"unit", "value"}, ..., "distance": {"unit": "arcsec", "value"}}`` or ``{}``;
* ``/crossmatch_all?ra&dec[&radius]`` -> ``[{"<display name>": {...}}, ...]`` with ``{}`` for
  the catalogs without a match.

Missing values are the string ``"null"``, infinities ``"infinity"``; the dimensionless unit is
``" "``. Bad or missing ``ra``/``dec``/``radius`` give HTTP 200 with the JSON string
``"Request contains one or more invalid arguments."``. It is a Flask application
(`alerce_astro.offline.flask_restx`: unknown paths are Flask's HTML 404). Recorded answers of
the dataset (``index.json``) are replayed first, byte for byte; otherwise answers are computed
from the dataset's ``catalogs/<request name>.json``.
"""

import math

from ..crossmatch.catalogs import CATALOGS, default_radius, display_name
from ..crossmatch.catalogs import DEFAULT_RADIUS_ARCSEC as DEFAULT_CROSSMATCH_RADIUS
from .flask_restx import FlaskApp, Rule, json_response
from .postgres import angular_distance_deg

__all__ = ["CATSHTM_CATALOGS", "CATALOG_DISPLAY_NAMES", "CATALOG_REQUEST_NAMES",
           "DEFAULT_CROSSMATCH_RADIUS", "default_radius", "display_name", "request_name",
           "CatshtmApi", "INVALID_ARGUMENTS"]

INVALID_ARGUMENTS = "Request contains one or more invalid arguments."

# The catalog table (request name, display name, default radius, answer order) has one home,
# alerce_astro.crossmatch.catalogs, shared with the client. The server keeps unknown names as
# they are (the client refuses them), so its name functions are lenient.

#: The catalogs of the ALeRCE catsHTM service: (request name, display name in answers,
#: default crossmatch radius in arcsec), in the service's answer order.
CATSHTM_CATALOGS = tuple((c.name, c.display_name, c.default_radius) for c in CATALOGS)
#: display name -> request name
CATALOG_REQUEST_NAMES = {disp: req for req, disp, _ in CATSHTM_CATALOGS}
#: request name -> display name
CATALOG_DISPLAY_NAMES = {req: disp for req, disp, _ in CATSHTM_CATALOGS}
_ORDER = {req: n for n, (req, _, _) in enumerate(CATSHTM_CATALOGS)}


def request_name(name):
    """catsHTM request name of a display name (or of a request name); unknown names are kept."""
    return CATALOG_REQUEST_NAMES.get(name, name)


ROUTE_PARAMS = {
    "/conesearch": ("catalog", "ra", "dec", "radius"),
    "/conesearch_all": ("ra", "dec", "radius"),
    "/crossmatch": ("catalog", "ra", "dec", "radius"),
    "/crossmatch_all": ("ra", "dec", "radius"),
}


def _wire(value):
    if value is None:
        return "null"
    if isinstance(value, float):
        if value != value:
            return "null"
        if value == math.inf:
            return "infinity"
        if value == -math.inf:
            return "-infinity"
    return value


def _unit(unit):
    return unit if isinstance(unit, str) and unit else " "


def _same(a, b):
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)
    if x != x or y != y:
        return x != x and y != y
    return abs(x - y) <= 1e-9


class CatshtmApi:
    """The catsHTM routes over a `~alerce_astro.offline.dataset.Dataset`."""

    def __init__(self, dataset):
        self.ds = dataset
        self.app = FlaskApp([Rule(route, self.route) for route in ROUTE_PARAMS])

    @staticmethod
    def _json(data):
        return json_response(200, data)

    def handle(self, request):
        """Answer ``request`` (path relative to the service root): ``(status, headers, body)``."""
        return self.app.handle(request)

    def route(self, request):
        """Any of the four routes: the arguments are read by hand, as the service does."""
        route = request.path
        params = {}
        for key, value in request.args:
            params.setdefault(key, value)
        replay = self._replay(route, params)
        if replay is not None:
            return 200, [("Content-Type", "application/json")], replay
        try:
            ra = float(params["ra"])
            dec = float(params["dec"])
        except (KeyError, ValueError):
            return self._json(INVALID_ARGUMENTS)
        radius = params.get("radius")
        catalog = params.get("catalog")
        if route.startswith("/conesearch"):
            try:
                radius = float(radius)
            except (TypeError, ValueError):
                return self._json(INVALID_ARGUMENTS)
        else:
            try:
                radius = float(radius)
            except (TypeError, ValueError):
                radius = None  # the catalog's default
        if route in ("/conesearch", "/crossmatch") and not catalog:
            return self._json(INVALID_ARGUMENTS)
        if route == "/conesearch":
            return self._json(self.conesearch(catalog, ra, dec, radius))
        if route == "/conesearch_all":
            out = []
            for name in self.catalog_names():
                found = self.conesearch(name, ra, dec, radius)
                if found:
                    out.append(found)
            return self._json({"catalogs": out})
        if route == "/crossmatch":
            return self._json(self.crossmatch(catalog, ra, dec, radius))
        return self._json([{display_name(name): self.crossmatch(name, ra, dec, radius)}
                           for name in self.catalog_names()])

    # ------------------------------------------------------------------ replay
    def _replay(self, route, params):
        wanted = ROUTE_PARAMS[route]
        for r, recorded, path in self.ds.catshtm_replays:
            if r != route:
                continue
            ok = True
            for key in wanted:
                if (key in recorded) != (key in params):
                    ok = False
                    break
                if key in recorded:
                    same = (recorded[key] == params[key]) if key == "catalog" else _same(
                        recorded[key], params[key])
                    if not same:
                        ok = False
                        break
            if ok and path.is_file():
                return path.read_bytes()
        return None

    # ------------------------------------------------------------------ computed answers
    def catalog_names(self):
        """Request names of the dataset's catalogs, in the service's order."""
        names = list(self.ds.catalog_files)
        return sorted(names, key=lambda n: (_ORDER.get(n, len(_ORDER)), n))

    def _sources(self, name, ra, dec, radius):
        """Columns, display name and ``(distance arcsec, row)`` of the sources in the cone."""
        cat = self.ds.catalog(name)
        if not cat:
            return None, None, []
        columns = cat.get("columns") or []
        names = [c.get("name") for c in columns]
        lower = [str(n).lower() for n in names]
        try:
            ira, idec = lower.index("ra"), lower.index("dec")
        except ValueError:
            return columns, None, []
        found = []
        for row in cat.get("rows") or []:
            try:
                d = angular_distance_deg(ra, dec, float(row[ira]), float(row[idec])) * 3600.0
            except (TypeError, ValueError, IndexError):
                continue
            if d <= radius:
                found.append((d, row))
        disp = cat.get("display_name") or display_name(name)
        found.sort(key=lambda dr: _sort_dec(dr[1][idec]))
        return columns, disp, found

    def conesearch(self, name, ra, dec, radius):
        columns, disp, found = self._sources(name, ra, dec, radius)
        if not found:
            return {}
        order = sorted(range(len(columns)), key=lambda i: str(columns[i].get("name")))
        body = {}
        for i in order:
            col = columns[i]
            body[col.get("name")] = {"units": _unit(col.get("units")),
                                     "values": [_wire(row[i]) for _, row in found]}
        return {disp: body}

    def crossmatch(self, name, ra, dec, radius=None):
        if radius is None:
            radius = default_radius(name)
        columns, disp, found = self._sources(name, ra, dec, radius)
        if not found:
            return {}
        distance, row = min(found, key=lambda dr: dr[0])
        order = sorted(range(len(columns)), key=lambda i: str(columns[i].get("name")))
        body = {}
        for i in order:
            col = columns[i]
            body[col.get("name")] = {"unit": _unit(col.get("units")), "value": _wire(row[i])}
        body["distance"] = {"unit": "arcsec", "value": distance}
        return body


def _sort_dec(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.inf
