"""
Offline testing tools: a loopback HTTP server that behaves like the ALeRCE services.

`SampleServer` serves dataset folders (see `load_dataset`) as the ZTF API v1, the light curve
API v2 (forced photometry), the stamp service and catsHTM, with optional latency and
deterministic fault injection. ``generate_dataset`` and ``sample_dataset_path`` (the seeded
sample-data generator) and their LSST twins ``generate_lsst_dataset`` and
``lsst_sample_dataset_path`` are loaded on first use. The pytest plugin
(`alerce_astro.testing.pytest_plugin`) provides the ``alerce_server`` and ``alerce_client``
fixtures.

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
