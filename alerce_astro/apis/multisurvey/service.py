"""
The service of Rubin's LSST survey: ALeRCE's multisurvey API (objects, light curves, diaObject
summaries, probabilities, classifiers) and catsHTM for crossmatches by position.

The client's route names are those of the ZTF service where the question is the same
(``objects`` is the multisurvey ``list_objects``); every multisurvey route gets
``survey``/``survey_id`` ``lsst`` from here, so the client never names the survey on the wire.
"""

from ...surveys import LSST
from .. import catshtm, multisurvey
from ..routing import Route
from ..service import Service
from . import columns, parse, quirks, routes
from . import stamps as stamp_wire
from .photometry import LSST_PHOTOMETRY, lightcurve_from_rows

__all__ = ["LsstService", "SERVICE", "ALIASES", "CRITERIA"]

#: Client route name -> multisurvey route name, where the client's word differs.
ALIASES = {"objects": "list_objects"}

#: The query parameter of each list criterion of the client (``list_objects``); ranges
#: repeat the parameter: ``[min]`` or ``[min, max]``.
CRITERIA = {
    "classifier": "classifier",
    "class_name": "class_name",
    "ranking": "ranking",
    "probability": "probability",
    "ndet": "n_det",
    "firstmjd": "firstmjd",
    "lastmjd": "lastmjd",
}


class LsstService(Service):
    """
    The ALeRCE APIs that serve Rubin's LSST, as one adapter.

    Examples
    --------
    >>> SERVICE
    <LsstService lsst: multisurvey, catshtm>
    >>> SERVICE.route({"multisurvey": "https://api-lsst.alerce.online"}, "objects").shown
    'https://api-lsst.alerce.online/object_api/list_objects?survey=lsst'
    """

    survey = LSST
    apis = {"multisurvey": multisurvey, "catshtm": catshtm}
    token_apis = ()
    pager = multisurvey.PAGER
    columns = columns
    quirks = quirks
    photometry = LSST_PHOTOMETRY
    criteria = CRITERIA
    order_by_choices = routes.ORDER_BY_CHOICES
    order_modes = routes.ORDER_MODES
    #: Light curves are fetched for several oids in one request (the only complete path).
    several_oids = True
    #: oids per several-oid request of bulk work.
    batch_oids = quirks.BATCH_OIDS
    parse_lightcurve = staticmethod(parse.parse_lightcurve)
    parse_forced_photometry = staticmethod(parse.parse_forced_photometry)
    parse_rows = staticmethod(parse.parse_rows)
    parse_object = staticmethod(parse.parse_object)
    # Stamps (stamps_api): the triggering detection's three cutouts, with their own WCS.
    stamp_params = staticmethod(stamp_wire.stamp_params)
    parse_cutout = staticmethod(stamp_wire.parse_cutout)
    stamp_records = staticmethod(stamp_wire.stamp_records)
    parse_alert = staticmethod(stamp_wire.parse_alert)
    record_from_alert = staticmethod(stamp_wire.record_from_alert)
    position_in_image = staticmethod(stamp_wire.position_in_image)
    #: Why ``get_avro_info`` has nothing to ask for.
    no_alert_packets = stamp_wire.NO_ALERT_PACKETS
    #: What the client refuses to ask, with the reason (`quirks.UNSUPPORTED`).
    unsupported = dict(quirks.UNSUPPORTED)

    def __init__(self):
        super().__init__()
        for alias, name in ALIASES.items():
            self._routes[alias] = self._routes[name]

    def route(self, urls, name, /, **params):
        """
        The request of a route: `~alerce_astro.apis.routing.Route`.

        Multisurvey routes take their ids as query parameters (a list repeats one), with the
        survey added; catsHTM routes are built by that API.
        """
        try:
            api = self._routes[name]
        except KeyError:
            raise ValueError(f"no route {name!r} in {self!r}") from None
        if api != multisurvey.NAME:
            return self._route_modules[api].route(urls, name, **params)
        wire = ALIASES.get(name, name)
        url, pairs = routes.route(urls, wire, survey=self.survey.name, **params)
        return Route(url, tuple(pairs), multisurvey.NAME)

    def lightcurve(self, data, *, oid, forced=None, non_detections=True, meta=None):
        """An LSST light curve from detection rows (``data``) and forced rows."""
        return lightcurve_from_rows(data, forced, oid=oid, meta=meta)

    def prepared_lightcurve(self, data, *, oid, forced=None, non_detections=True, meta=None):
        """`lightcurve` up to the astropy objects: a
        `~alerce_astro.lightcurve.build.PreparedLightCurve` (what bulk downloads keep)."""
        from .photometry import prepared_lightcurve_from_rows

        return prepared_lightcurve_from_rows(data, forced, oid=oid, meta=meta)

    def prepared_lightcurves(self, detections, forced=None, *, meta=None):
        """Prepared light curves of the objects of one several-oid answer (oid -> rows),
        converted together."""
        from .photometry import prepared_lightcurves_from_rows

        return prepared_lightcurves_from_rows(detections, forced, meta=meta)

    def forced_photometry_rows(self, rows):
        """Forced-photometry rows without their ``band_map`` (checked)."""
        return quirks.check_band_map(list(rows))


#: The one instance.
SERVICE = LsstService()
