"""
The client: `AlerceClass`, the astroquery-style query class, and `Alerce`, its ready instance.

`AlerceClass` is composed of parts, one per kind of question, all derived from one declared
base (`alerce_astro.client.base.AlerceBase`: settings, transport, request helpers, the survey
and its API service):

- `~alerce_astro.client.objects.ObjectQueries`: objects, statistics, probabilities, features,
  classifiers, explorer links;
- `~alerce_astro.client.lightcurves.LightCurveQueries`: light curves and photometry tables;
- `~alerce_astro.client.stamps.StampQueries`: alert stamps (and ``plot_stamps``);
- `~alerce_astro.client.crossmatch.CrossmatchQueries`: catsHTM crossmatches, redshifts and
  finder charts (``plot_finder``);
- `~alerce_astro.client.bulk.BulkQueries`: the same for many objects at once;
- `~alerce_astro.client.crosssurvey.CrossSurveyQueries`: one transient seen by ZTF and LSST,
  both light curves joined (``get_lightcurve_multisurvey``).

Every request goes through one `~alerce_astro.transport.Transport` (time limits, retries,
caching) and every result is built through the column schemas of the API that answered.
"""

from .base import AlerceBase
from .bulk import BulkQueries
from .crossmatch import CrossmatchQueries
from .crosssurvey import CrossSurveyQueries
from .formats import refuse_format_keyword
from .lightcurves import LightCurveQueries
from .objects import ObjectQueries
from .stamps import StampQueries
from .tap import TapQueries

__all__ = ["AlerceClass", "Alerce", "AlerceBase"]


@refuse_format_keyword  # the official client's format="pandas": the astropy way (16.7)
class AlerceClass(ObjectQueries, LightCurveQueries, StampQueries, CrossmatchQueries,
                  TapQueries, BulkQueries, CrossSurveyQueries):
    """
    Query the ALeRCE broker; answers are astropy objects.

    An instance is one survey served by its APIs (ZTF by default). Every setting can be given
    here, for this instance, or left to `~alerce_astro.conf`, which is read at each call. A
    method's keyword beats the instance, which beats ``conf``. Calling an instance gives a
    configured copy that keeps every setting not given (``Alerce(timeout=120)``).

    Parameters
    ----------
    survey : str or `~alerce_astro.surveys.Survey`, optional
        The survey whose objects this client queries: ``"ztf"`` (default) or ``"lsst"``
        (Rubin, through ALeRCE's multisurvey API). Without it, an id that can only be
        another survey's (an LSST integer) is sent to that survey.
    urls : dict, optional
        Base URLs of the APIs to use instead of the configured ones, with keys among
        ``ztf_v1``, ``lightcurve_v2``, ``stamps``, ``catshtm``, ``multisurvey``, ``tap`` (an
        offline server's ``urls``).
    timeout : float, optional
        Seconds allowed for each request.
    row_limit : int, optional
        Most rows a list query returns; -1 for all.
    page_size : int, optional
        Rows per request when paging.
    max_retries : int, optional
        Retries of a request that failed with 5xx, 429 or a dropped connection.
    max_workers : int, optional
        Concurrent requests of bulk methods.
    token : str, optional
        An ALeRCE ``AUTH-TOKEN``, sent only to the ALeRCE API hosts; never cached or shown.
    cache_location : str or `~pathlib.Path`, optional
        Folder of the cache (default: astropy's cache folder, ``astroquery/Alerce``).

    Examples
    --------
    >>> from alerce_astro.offline import SampleServer
    >>> with SampleServer() as server:
    ...     alerce = server.client()
    ...     obj = alerce.query_object("ZTF00aaaaaab")
    >>> obj["meanra"].unit
    Unit("deg")

    Rubin's LSST, from the same offline server:

    >>> with SampleServer() as server:
    ...     lsst = server.client(survey="lsst")
    ...     objects = lsst.query_objects(row_limit=-1)
    ...     lc = lsst.get_lightcurve(objects["oid"][0], forced_photometry=True)
    >>> objects["oid"].dtype, len(objects), lc["flux"].unit, lc.time.scale
    (dtype('int64'), 15, Unit("nJy"), 'utc')
    """


#: A ready instance: ``from alerce_astro import Alerce``.
Alerce = AlerceClass()
