"""
The wire: one package per ALeRCE API, each with the same module names (``routes``,
``columns``, ``parse``, ``quirks``...), its error dialect (`alerce_astro.apis.dialects`) and its
pager (`alerce_astro.apis.paging`). Nothing here knows a survey's facts beyond what its wire
needs; those live in `alerce_astro.surveys`.

A survey is served to the client by a *service* (`alerce_astro.apis.service.Service`): the
adapter that tells the client which routes, schemas, pager, dialects and photometry map to use.
`service_for` finds it; adding a survey is one entry in `SERVICES` and one adapter module.
"""

import importlib

__all__ = ["API_SERVERS", "SERVICES", "service_for"]

#: Every API the client may talk to: its key in the client's ``urls``, and the item of
#: `alerce_astro.conf` holding its default base URL.
API_SERVERS = {
    "ztf_v1": "ztf_server",
    "lightcurve_v2": "lightcurve_server",
    "stamps": "stamps_server",
    "catshtm": "catshtm_server",
    "multisurvey": "multisurvey_server",
    "tap": "tap_server",
}

#: The module holding the ``SERVICE`` adapter of each survey that has one.
SERVICES = {
    "ztf": "alerce_astro.apis.ztf_v1.service",
    "lsst": "alerce_astro.apis.multisurvey.service",
}


def service_for(survey):
    """
    The service adapter of a survey.

    Parameters
    ----------
    survey : `~alerce_astro.surveys.Survey`
        A registered survey.

    Returns
    -------
    `~alerce_astro.apis.service.Service`

    Raises
    ------
    InvalidQueryError
        If no adapter serves that survey yet.

    Examples
    --------
    >>> from alerce_astro.surveys import ZTF
    >>> service_for(ZTF)
    <ZtfService ztf: ztf_v1, lightcurve_v2, stamps, catshtm>
    """
    module = SERVICES.get(survey.name)
    if module is None:
        from ..exceptions import InvalidQueryError

        raise InvalidQueryError(
            f"survey={survey.name!r} ({survey.title}) is not served by this version of "
            f"alerce_astro: its API adapter (the multisurvey API) is not written yet; "
            f"surveys with a client: {sorted(SERVICES)}")
    return importlib.import_module(module).SERVICE
