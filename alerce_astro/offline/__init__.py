"""
Offline testing tools: a loopback HTTP server that behaves like the ALeRCE services.

`SampleServer` serves dataset folders (see `load_dataset`; each names its survey) as the ZTF
API v1, the light curve API v2 (forced photometry), the stamp service and catsHTM, with
optional latency, deterministic fault injection and ``AUTH-TOKEN`` checking; one mount table
(`alerce_astro.offline.server.MOUNTS`) gives each service's path prefix and its key in
``SampleServer.urls`` (``ztf_v1``, ``lightcurve_v2``, ``stamps``, ``catshtm``, and
``multisurvey`` at the host root, where LSST dataset folders are served as ALeRCE's
multisurvey API, `alerce_astro.offline.multisurvey`, with optional load shedding).
``generate_dataset`` and ``sample_dataset_path`` (the seeded sample-data generator) and their
LSST twins ``generate_lsst_dataset`` and ``lsst_sample_dataset_path`` are loaded on first use.
The pytest plugin (`alerce_astro.testing.pytest_plugin`) provides the ``alerce_server`` and
``alerce_client`` fixtures.

Modules, one job each:

==================  ============================================================
``server``          the HTTP server, the mount table, request log and injections
``dataset``         dataset folders: their survey, loading and indexing ZTF data
``flask_restx``     Flask/Flask-RESTX behaviour shared by the Flask services
``fastapi``         FastAPI/Starlette behaviour shared by the FastAPI services
``postgres``        PostgreSQL semantics (NULLs, LIKE, the order of tied rows)
``tokens``          the ZTF API v1's ``AUTH-TOKEN`` checking, its bug included
``faults``          deterministic latency, failures, drops and truncations
``ztf_api``         the ZTF API v1 routes over a dataset
``lightcurve_api``  the light curve API v2 (forced photometry)
``stamps_api``      the stamp service
``catshtm_api``     the catsHTM service
``multisurvey``     the multisurvey (LSST) API over LSST dataset folders
``tap``             a real local TAP service (DaCHS) loaded with dataset folders
``simulate``        the seeded sample-data generator
==================  ============================================================

Importing this module is cheap: it imports neither numpy, nor astropy, nor matplotlib.
"""

from .dataset import Dataset, load_dataset
from .server import SampleServer, serve

__all__ = ["SampleServer", "Dataset", "load_dataset", "serve", "generate_dataset",
           "sample_dataset_path", "generate_lsst_dataset", "lsst_sample_dataset_path"]

_LAZY = ("generate_dataset", "sample_dataset_path", "generate_lsst_dataset",
         "lsst_sample_dataset_path")


def __getattr__(name):
    if name in _LAZY:
        from . import simulate

        return getattr(simulate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
