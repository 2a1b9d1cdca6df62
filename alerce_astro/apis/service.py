"""
The adapter seam between the client and the wire: a `Service` tells a client of one survey
which API answers each route, in which words it fails (dialect), how it pages lists (pager),
what its columns are (schemas), the rules it has (quirks) and how its photometry becomes a
light curve.

The client never imports an API package itself: it asks ``self.service``. A new survey is one
`Service` subclass (``apis/<api>/service.py``) and one line in `alerce_astro.apis.SERVICES`.
"""

import importlib

from .dialects import GENERIC

__all__ = ["Service"]


class Service:
    """
    What a client of one survey asks of the ALeRCE APIs that serve it.

    Subclasses set the class attributes and write the methods that are wire knowledge.

    Attributes
    ----------
    survey : `~alerce_astro.surveys.Survey`
        The survey served.
    apis : dict
        API name (a key of the client's ``urls``) -> its package (with ``NAME``, ``DIALECT``
        and a ``routes`` module whose ``route(urls, name, **path)`` builds a
        `~alerce_astro.apis.routing.Route`).
    token_apis : tuple of str
        APIs whose hosts may receive the ``AUTH-TOKEN``.
    pager : `~alerce_astro.apis.paging.Pager`
        How the object list pages.
    columns : module
        The wire column schemas (``OBJECT``, ``DETECTION``...).
    quirks : module
        The rules of the services (cone, order, caps, classifier hierarchy).
    explorer_conf : str or None
        The item of `alerce_astro.conf` holding the explorer's base URL (None: the survey's
        ``explorer_base``).
    criteria : dict
        The query parameter of each list criterion of the client (``class_name``,
        ``ndet``...).
    order_by_choices, order_modes : tuple of str
        What the object list can be ordered by, and the directions.
    """

    survey = None
    explorer_conf = None
    criteria = {}
    order_by_choices = ()
    order_modes = ()
    apis = {}
    token_apis = ()
    pager = None
    columns = None
    quirks = None

    def __init__(self):
        self._routes, self._route_modules = {}, {}
        for api, package in self.apis.items():
            routes = importlib.import_module(package.__name__ + ".routes")
            self._route_modules[api] = routes
            for name in routes.ROUTES:
                if name in self._routes:
                    raise ValueError(f"route {name!r} of {api} is also a route of "
                                     f"{self._routes[name]}")
                self._routes[name] = api

    def __repr__(self):
        return f"<{type(self).__name__} {self.survey.name}: {', '.join(self.apis)}>"

    @property
    def routes(self):
        """Every route name -> the API that answers it."""
        return dict(self._routes)

    def route(self, urls, name, /, **path):
        """
        The request of a route: `~alerce_astro.apis.routing.Route` (url, params, api).

        Parameters
        ----------
        urls : mapping
            The client's base URL of each API.
        name : str
            A route name (see `routes`).
        **path
            Path parameters (ids...), escaped by the API.
        """
        try:
            api = self._routes[name]
        except KeyError:
            raise ValueError(f"no route {name!r} in {self!r}") from None
        return self._route_modules[api].route(urls, name, **path)

    def dialect(self, api):
        """The error dialect of an API (the generic one for an API this service does not
        know, such as TAP)."""
        package = self.apis.get(api)
        return package.DIALECT if package is not None else GENERIC

    # Bodies, checked in the transport's parse step (before caching).
    @staticmethod
    def parse_object(answer, *, oid):
        """One object's record (the ``object`` route): a JSON object whose ``oid`` is the one
        asked for (`alerce_astro.apis.answers.check_record`); APIs add the keys their route
        always sends."""
        from ..transport import parse_json
        from .answers import check_record

        return check_record(parse_json(answer, expect=dict, what="object"), url=answer.url,
                            what="object", id_key="oid", expected=oid)

    @staticmethod
    def parse_lightcurve(answer):
        """An object's photometry body (the ``lightcurve`` route)."""
        raise NotImplementedError

    @staticmethod
    def parse_forced_photometry(answer):
        """An object's forced-photometry body (the ``forced_photometry`` route)."""
        raise NotImplementedError

    # Stamps: the query of one cutout, its body, and the alert packet behind it.
    @staticmethod
    def stamp_params(oid, detection_id, kind):
        """The query parameters of one cutout of kind ``science``/``template``/``difference``."""
        raise NotImplementedError

    @staticmethod
    def parse_cutout(answer):
        """A cutout body as a `~alerce_astro.stamps.Cutout`."""
        raise NotImplementedError

    @staticmethod
    def parse_alert(answer):
        """An alert packet body (a dict)."""
        raise NotImplementedError

    @staticmethod
    def record_from_alert(alert, oid, detection_id):
        """What a stamp needs of an alert packet: position, time, band, sign."""
        raise NotImplementedError

    @staticmethod
    def position_in_image(alert):
        """The candidate's pixel position in the science image, when the alert has it."""
        raise NotImplementedError

    # The photometry map: wire photometry -> the light curve's columns.
    def lightcurve(self, data, *, oid, forced=None, non_detections=True, meta=None):
        """The `~alerce_astro.lightcurve.AlerceLightCurve` of an object's wire photometry."""
        raise NotImplementedError

    def forced_photometry_rows(self, rows):
        """Forced-photometry rows as the forced-photometry schema reads them."""
        raise NotImplementedError
