"""
alerce_astro: the ALeRCE alert broker, in astropy terms.

An astroquery-style client (`AlerceClass`, a ready instance `Alerce` and the configuration
`conf`) whose answers are astropy objects: `~astropy.table.Table` with units, light curves as
`~astropy.timeseries.TimeSeries`, stamps as `~astropy.nddata.NDData` with a cutout WCS,
crossmatches with `~astropy.coordinates.SkyCoord`.

Importing the package does no network I/O and does not import matplotlib; the query class is
loaded on first use.
"""

from astropy import config as _config

from .redaction import SecretConfigItem as _SecretConfigItem
from .settings import CheckedConfigItem as _Checked

__version__ = "0.1.dev0"

__all__ = ["Alerce", "AlerceClass", "conf", "Conf", "__version__"]


class Conf(_config.ConfigNamespace):
    """
    Configuration parameters for `alerce_astro`.

    Every item is read when a query runs, never frozen at import, so
    ``conf.timeout = 120`` (or ``with conf.set_temp("timeout", 120):``) takes effect at once.
    A keyword given to a call beats the instance's setting, which beats ``conf``.
    """

    ztf_server = _Checked(
        "https://api.alerce.online/ztf/v1",
        "Base URL of the ALeRCE ZTF API v1 (the client's urls['ztf_v1']).",
        check='url', module=__name__)
    lightcurve_server = _Checked(
        "https://api.alerce.online/v2/lightcurve",
        "Base URL of the ALeRCE light curve API v2, forced photometry (urls['lightcurve_v2']).",
        check='url', module=__name__)
    stamps_server = _Checked(
        "https://avro.alerce.online",
        "Base URL of the ALeRCE stamp (alert cutout) service (urls['stamps']).",
        check='url', module=__name__)
    catshtm_server = _Checked(
        "https://catshtm.alerce.online",
        "Base URL of the ALeRCE catsHTM crossmatch service (urls['catshtm']).",
        check='url', module=__name__)
    multisurvey_server = _Checked(
        "https://api-lsst.alerce.online",
        "Base URL of the ALeRCE multisurvey API, which serves LSST (urls['multisurvey']).",
        check='url', module=__name__)
    tap_server = _Checked(
        "https://tap.alerce.online/tap", "Base URL of the ALeRCE TAP service (urls['tap']).",
        check='url', module=__name__)
    explorer_url = _Checked(
        "https://alerce.online", "Base URL of the ALeRCE explorer web pages (links only).",
        check='url', module=__name__)
    timeout = _Checked(
        60.0, "Time limit in seconds for each HTTP request.", cfgtype="float",
        check='timeout', module=__name__)
    row_limit = _Checked(
        1000, "Maximum number of rows a list query returns; -1 for no limit.", cfgtype="integer",
        check='row_limit', module=__name__)
    page_size = _Checked(
        500, "Rows asked for per page when a list query pages through the service.",
        cfgtype="integer",
        check='page_size', module=__name__)
    max_retries = _Checked(
        4, "How many times a request that failed with 5xx, 429 or a dropped connection is retried.",
        cfgtype="integer",
        check='max_retries', module=__name__)
    backoff_factor = _Checked(
        0.5, "Seconds of the first retry delay; each later retry waits twice as long.",
        cfgtype="float",
        check='backoff_factor', module=__name__)
    max_retry_delay = _Checked(
        30.0, "Longest wait in seconds between two tries, even if the server asks for more.",
        cfgtype="float",
        check='max_retry_delay', module=__name__)
    max_workers = _Checked(
        10, "Most requests in flight at once in bulk work (get_lightcurves and friends): the "
        "number of connections a requests session keeps per host.", cfgtype="integer",
        check='max_workers', module=__name__)
    cache_timeout = _Checked(
        3600.0, "Seconds a cached answer that can change (objects, light curves, probabilities) "
        "stays valid; 0 disables caching of those. Stamps are cached for good.", cfgtype="float",
        check='cache_timeout', module=__name__)
    # Its value is never shown (print(conf), conf.help(), repr): see alerce_astro.redaction.
    token = _SecretConfigItem(
        "", "Optional ALeRCE AUTH-TOKEN (JWT), sent only to the ALeRCE API hosts.")


conf = Conf()


def __getattr__(name):
    # The query class pulls in astroquery and requests: load it on first use so that
    # ``import alerce_astro`` stays fast.
    if name in ("Alerce", "AlerceClass"):
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
