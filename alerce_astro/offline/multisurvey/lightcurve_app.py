"""
``/lightcurve_api``: detections, non-detections, forced photometry and cone searches.

One oid and several oids take different paths in the service, and so here:

* **one oid**: the oid text is compared with the bigint column (a non-numeric oid is an SQL
  error: 500; a ZTF object needs its master id); forced photometry is ``LIMIT 10`` without
  ``ORDER BY`` (the first ten rows in storage order); ZTF non-detections are the last ten by
  mjd; ZTF forced photometry fails (500);
* **several oids** (``oid=a&oid=b``, or the same oid twice): each oid goes through
  ``catalog_oid_to_masterid`` first (Python's ``int()`` error text is a 400; ZTF names are
  accepted), then ``oid IN (...)``: every row of every object, in storage order, no cap.

LSST has no non-detections (always ``[]``). ``/conesearch/*`` takes radii in degrees.
"""

from ..fastapi import FastAPIApp, HTTPException, Model, Param, Route, Uncaught
from .common import any_error, healthcheck, metrics_route, openapi_route, root, survey_of_sid
from .ids import catalog_oid_to_masterid, ztf_name
from .sql import INT64_MAX, SQLError, cast_bigint, q3c_dist_deg, within

__all__ = ["make_app"]

SURVEYS = ("ztf", "lsst")
LIST_PARAMS = (Param("survey_id", required=True), Param("oid", many=True, required=True))
COORD_PARAMS = (Param("ra", "float", required=True), Param("dec", "float", required=True),
                Param("radius", "float", required=True),
                Param("neighbors", "int", required=True))
OID_PARAMS = (Param("oid", required=True), Param("survey", required=True),
              Param("radius", "float", required=True), Param("neighbors", "int", required=True))
#: Fields of the base row models (what ``lightcurve_by_oid``'s response model keeps).
BASE_DETECTION = ("band_map", "band", "mjd", "survey_id", "ra", "dec")
BASE_POINT = ("band_map", "band", "mjd", "survey_id")
_TYPES = {"band_map": "dict[str]", "band": "int", "mjd": "float", "survey_id": "str",
          "ra": "float", "dec": "float"}
#: The response models of the conesearch routes.
API_OBJECT = Model("ApiObject", [("objectId", "str"), ("survey_id", "str"), ("ra", "float"),
                                 ("dec", "float")])
LIGHTCURVE = Model("Lightcurve", [
    ("detections", ("list", Model("BaseDetection", [(k, _TYPES[k]) for k in BASE_DETECTION]))),
    ("non_detections", ("list", Model("BaseNonDetection", [(k, _TYPES[k]) for k in BASE_POINT]))),
    ("forced_photometry", ("list", Model("BaseForcedPhotometry",
                                         [(k, _TYPES[k]) for k in BASE_POINT])))])


def make_app(ds):
    """The ``lightcurve_api`` FastAPI app over a multisurvey dataset."""
    s = LightcurveService(ds)
    holder = []
    app = FastAPIApp([
        metrics_route(),
        root("this is the lightcurve module"),
        Route("/healthcheck", healthcheck),
        Route("/detections", s.detections, LIST_PARAMS),
        Route("/non_detections", s.non_detections, LIST_PARAMS),
        Route("/forced-photometry", s.forced_photometry, LIST_PARAMS),
        Route("/lightcurve", s.lightcurve, LIST_PARAMS),
        Route("/conesearch/objects_by_oid", s.objects_by_oid, OID_PARAMS, name="conesearch",
              response_model=("list", API_OBJECT)),
        Route("/conesearch/objects_by_coordinates", s.objects_by_coordinates, COORD_PARAMS,
              name="conesearch_coordinates"),
        Route("/conesearch/lightcurve_by_oid", s.lightcurve_by_oid, OID_PARAMS,
              name="conesearch_oid_lightcurve", response_model=LIGHTCURVE),
        openapi_route(holder),
    ], openapi_url="/v2/lightcurve/openapi.json")
    holder.append(app)
    return app


class _BadRequest(Exception):
    """A ValueError of the service: its text is the 400 detail."""


def _validate_survey(survey_id):
    if survey_id not in SURVEYS:
        raise _BadRequest(f"Invalid survey ID '{survey_id}'. Allowed surveys are: "
                          f"{', '.join(SURVEYS)}")


def _convert(survey_id, oids):
    """The several-oid path's ``convert_oid_list_to_int``."""
    try:
        return [catalog_oid_to_masterid(survey_id, oid) for oid in oids]
    except ValueError as error:
        raise _BadRequest(str(error)) from error
    except OverflowError as error:
        raise any_error() from error


class LightcurveService:
    """Endpoints of ``lightcurve_api``."""

    def __init__(self, ds):
        self.ds = ds

    # ------------------------------------------------------------------ tables
    def _objects(self, survey, oids):
        """Objects of ``survey`` whose oid is in ``oids``, in storage order."""
        found = {self.ds.objects.get(oid) for oid in oids}
        return sorted((o for o in found if o is not None and o.survey == survey),
                      key=lambda o: o.seq)

    def _single(self, survey, text):
        try:
            oid = cast_bigint(text)
        except SQLError as error:
            raise any_error() from error
        return self._objects(survey, [oid])

    def _detections(self, objs):
        return [row for o in objs for row in self.ds.detections(o)]

    def _forced(self, objs):
        return [row for o in objs for row in self.ds.forced_photometry(o)]

    def _non_detections(self, objs):
        return [row for o in objs for row in self.ds.non_detections(o)]

    # single-oid path
    def single_detections(self, survey, oid):
        return self._detections(self._single(survey, oid))

    def single_non_detections(self, survey, oid):
        if survey == "lsst":
            return []
        rows = self._non_detections(self._single(survey, oid))
        rows.sort(key=lambda r: r.get("mjd") or 0.0, reverse=True)
        return rows[:10]

    def single_forced(self, survey, oid):
        if survey != "lsst":
            raise any_error()  # "Survey not supported ztf", raised inside the DB session
        return self._forced(self._single(survey, oid))[:10]

    # several-oid path
    def multi_detections(self, survey, oids):
        return self._detections(self._objects(survey, _convert(survey, oids)))

    def multi_non_detections(self, survey, oids):
        objs = self._objects(survey, _convert(survey, oids))
        return [] if survey != "ztf" else self._non_detections(objs)

    def multi_forced(self, survey, oids):
        return self._forced(self._objects(survey, _convert(survey, oids)))

    # ------------------------------------------------------------------ routes
    def _route(self, survey_id, oid, single, multi):
        try:
            _validate_survey(survey_id)
            if len(oid) == 1:
                return single(survey_id, oid[0])
            return multi(survey_id, oid)
        except _BadRequest as error:
            raise HTTPException(400, str(error)) from error

    def detections(self, request, *, survey_id, oid):
        return self._route(survey_id, oid, self.single_detections, self.multi_detections)

    def non_detections(self, request, *, survey_id, oid):
        return self._route(survey_id, oid, self.single_non_detections,
                           self.multi_non_detections)

    def forced_photometry(self, request, *, survey_id, oid):
        return self._route(survey_id, oid, self.single_forced, self.multi_forced)

    def lightcurve(self, request, *, survey_id, oid):
        def single(survey, one):
            return {"detections": self.single_detections(survey, one),
                    "non_detections": self.single_non_detections(survey, one),
                    "forced_photometry": self.single_forced(survey, one)}

        def multi(survey, oids):
            return {"detections": self.multi_detections(survey, oids),
                    "non_detections": self.multi_non_detections(survey, oids),
                    "forced_photometry": self.multi_forced(survey, oids)}

        return self._route(survey_id, oid, single, multi)

    # ------------------------------------------------------------------ conesearch
    @staticmethod
    def _api_object(obj):
        row = obj.row
        survey = survey_of_sid(row.get("sid"))
        name = ztf_name(obj.oid) if survey == "ztf" else str(obj.oid)
        if row.get("meanra") is None or row.get("meandec") is None:
            raise ValueError("ApiObject needs ra and dec")
        return {"objectId": name, "survey_id": survey, "ra": row["meanra"],
                "dec": row["meandec"]}

    def _same_oid(self, masterid):
        """``dummy_conesearch_oid``: the object itself (every sid), whatever the radius."""
        found = [o for o in self.ds.objects.values() if o.oid == masterid]
        found.sort(key=lambda o: (o.part8, o.seq))
        return found

    def objects_by_coordinates(self, request, *, ra, dec, radius, neighbors):
        try:
            if ra < 0 or ra > 360:
                raise _BadRequest("RA must be greater than 0 and lower than 360")
            if dec < -90 or dec > 90:
                raise _BadRequest("Dec must be greater than -90 and lower than 90")
            if radius <= 0:
                raise _BadRequest("Radius must be greater than 0")
            if neighbors <= 0:
                raise _BadRequest("Neighbors must be greater than 0")
            if neighbors > INT64_MAX:
                raise SQLError("bigint out of range")
            found = []
            for obj in self.ds.objects.values():
                row = obj.row
                if within(row.get("meanra"), row.get("meandec"), ra, dec, radius):
                    found.append((q3c_dist_deg(row["meanra"], row["meandec"], ra, dec),
                                  obj.part8, obj.seq, obj))
            found.sort(key=lambda f: f[:3])
            return [self._api_object(f[3]) for f in found[:neighbors]]
        except _BadRequest as error:
            raise HTTPException(400, str(error)) from error
        except (SQLError, KeyError, ValueError) as error:
            raise any_error() from error

    def _conesearch_oid(self, masterid, radius, neighbors):
        if radius <= 0:
            raise _BadRequest("Radius must be greater than 0")
        if neighbors <= 0:
            raise _BadRequest("Neighbors must be greater than 0")
        return [self._api_object(o) for o in self._same_oid(masterid)]

    def objects_by_oid(self, request, *, oid, survey, radius, neighbors):
        try:
            masterid = catalog_oid_to_masterid(survey, oid, True)
        except ValueError as error:
            raise HTTPException(400, str(error)) from error
        except OverflowError as error:
            raise Uncaught(str(error)) from error
        try:
            return self._conesearch_oid(masterid, radius, neighbors)
        except _BadRequest as error:
            raise HTTPException(400, str(error)) from error
        except (KeyError, ValueError) as error:
            raise any_error() from error

    def lightcurve_by_oid(self, request, *, oid, survey, radius, neighbors):
        try:
            try:
                masterid = catalog_oid_to_masterid(survey, oid, True)
            except ValueError as error:
                raise _BadRequest(str(error)) from error
            objects = self._conesearch_oid(masterid, radius, neighbors)
            first = objects[0]
            oids, survey_id = [first["objectId"]], first["survey_id"]
            detections = self.multi_detections(survey_id, oids)
            non_detections = self.multi_non_detections(survey_id, oids)
            forced = self.multi_forced(survey_id, oids)
            if forced and survey_id != "lsst":
                raise AttributeError("ZtfForcedPhotometry has no psfFlux")
            forced = [r for r in forced if r.get("psfFlux") != 0.0]
        except _BadRequest as error:
            raise HTTPException(400, str(error)) from error
        except (KeyError, ValueError, IndexError, AttributeError, OverflowError) as error:
            raise any_error() from error
        return {"detections": [{k: r.get(k) for k in BASE_DETECTION} for r in detections],
                "non_detections": [{k: r.get(k) for k in BASE_POINT} for r in non_detections],
                "forced_photometry": [{k: r.get(k) for k in BASE_POINT} for r in forced]}
