"""
Offline testing tools: a loopback HTTP server that behaves like the ALeRCE services.

`SampleServer` serves dataset folders (see `load_dataset`) as the ZTF API v1, the light curve
API v2 (forced photometry), the stamp service and catsHTM, and LSST dataset folders as
ALeRCE's multisurvey API (`alerce_astro.offline.multisurvey`), with optional latency,
deterministic fault injection and load shedding. ``generate_dataset`` and
``sample_dataset_path`` (the seeded sample-data generator) are loaded on first use. The
pytest plugin (`alerce_astro.testing.pytest_plugin`) provides the ``alerce_server`` and
``alerce_client`` fixtures.

Importing this module is cheap: it imports neither numpy, nor astropy, nor matplotlib.
"""

from .dataset import Dataset, load_dataset
from .server import SampleServer, serve

__all__ = ["SampleServer", "Dataset", "load_dataset", "serve", "generate_dataset",
           "sample_dataset_path"]

_LAZY = ("generate_dataset", "sample_dataset_path")


def __getattr__(name):
    if name in _LAZY:
        from . import simulate

        return getattr(simulate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
