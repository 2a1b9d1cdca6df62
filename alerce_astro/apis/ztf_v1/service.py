"""
The service of the ZTF survey: ZTF API v1 for objects, light curves, statistics and classes,
the light curve API v2 for forced photometry, the stamp service for cutouts and catsHTM for
crossmatches.
"""

from ...surveys import ZTF
from .. import catshtm, lightcurve_v2, stamps, ztf_v1
from ..lightcurve_v2 import columns as forced_columns
from ..lightcurve_v2.parse import parse_forced_photometry
from ..service import Service
from ..stamps import columns as stamp_columns
from ..stamps import parse as stamp_parse
from ..stamps import routes as stamp_routes
from . import columns, quirks, routes
from .parse import parse_lightcurve, parse_object

__all__ = ["ZtfService", "SERVICE"]


class ZtfService(Service):
    """The ALeRCE APIs that serve ZTF, as one adapter."""

    survey = ZTF
    apis = {"ztf_v1": ztf_v1, "lightcurve_v2": lightcurve_v2, "stamps": stamps,
            "catshtm": catshtm}
    token_apis = ("ztf_v1", "lightcurve_v2")
    pager = ztf_v1.PAGER
    columns = columns
    forced_columns = forced_columns
    quirks = quirks
    explorer_conf = "explorer_url"
    criteria = routes.CRITERIA
    order_by_choices = routes.ORDER_BY_CHOICES
    order_modes = routes.ORDER_MODES
    parse_object = staticmethod(parse_object)
    parse_lightcurve = staticmethod(parse_lightcurve)
    parse_forced_photometry = staticmethod(parse_forced_photometry)
    # Stamps.
    stamp_params = staticmethod(stamp_routes.stamp_params)
    parse_cutout = staticmethod(stamp_parse.parse_cutout)
    parse_alert = staticmethod(stamp_parse.parse_alert)
    record_from_alert = staticmethod(stamp_columns.record_from_alert)
    position_in_image = staticmethod(stamp_columns.position_in_image)

    def lightcurve(self, data, *, oid, forced=None, non_detections=True, meta=None):
        from .photometry import lightcurve_from_json

        return lightcurve_from_json(data, oid=oid, forced=forced,
                                    non_detections=non_detections, meta=meta)

    def prepared_lightcurve(self, data, *, oid, forced=None, non_detections=True, meta=None):
        from .photometry import prepared_lightcurve_from_json

        return prepared_lightcurve_from_json(data, oid=oid, forced=forced,
                                             non_detections=non_detections, meta=meta)

    def prepared_lightcurves(self, answers, *, non_detections=True, warn_as=None):
        from .photometry import prepared_lightcurves_from_json

        return prepared_lightcurves_from_json(answers, non_detections=non_detections,
                                              warn_as=warn_as)

    def forced_photometry_rows(self, rows):
        from ..lightcurve_v2.photometry import flatten_forced_photometry

        return flatten_forced_photometry(rows)


#: The one instance.
SERVICE = ZtfService()
