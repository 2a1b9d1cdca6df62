"""
The built-in LSST sample dataset, generated once and cached per user like the ZTF one.

The folder is ``<astropy cache dir>/alerce_astro/lsst-sample-<package version>-g<LSST generator
version>-<source hash>``, the hash covering the ZTF generator too (the sample's counterparts are
drawn from it). It is written beside its final place and renamed into it
(`~alerce_astro.offline.simulate.cache.cached_dataset`).
"""

from pathlib import Path

from ..cache import cached_dataset, package_version, source_hash
from .constants import GENERATOR_VERSION
from .writer import generate_lsst_dataset

__all__ = ["lsst_sample_dataset_path", "LSST_SAMPLE_OBJECTS", "LSST_SAMPLE_SEED"]

#: Objects of the built-in LSST sample: the three counterparts of ZTF sample objects, then one
#: of every simulated class (one of them in a deep-drilling-like field).
LSST_SAMPLE_OBJECTS = 15
LSST_SAMPLE_SEED = 0


def lsst_sample_key():
    """The name of the LSST sample folder for this package and generator."""
    here = Path(__file__).resolve().parent
    version = "".join(c if c.isalnum() or c in ".-_+" else "_" for c in package_version())
    return f"lsst-sample-{version}-g{GENERATOR_VERSION}-{source_hash(here.parent, here)}"


def lsst_sample_dataset_path(cache_dir=None):
    """
    The built-in LSST sample dataset folder, generated on first use.

    `LSST_SAMPLE_OBJECTS` objects of seed `LSST_SAMPLE_SEED` with their cutouts: the first
    three are the LSST counterparts of three objects of the ZTF built-in sample
    (`~alerce_astro.offline.simulate.sample_dataset_path`) at the same positions, the others
    cover every simulated class. It takes about a second to generate and 4 MB on disk.

    Parameters
    ----------
    cache_dir : path-like, optional
        Where to keep it; default ``alerce_astro`` in astropy's cache folder
        (`astropy.config.get_cache_dir`).

    Returns
    -------
    pathlib.Path
    """
    return cached_dataset(
        lsst_sample_key(),
        lambda path: generate_lsst_dataset(path, LSST_SAMPLE_OBJECTS, seed=LSST_SAMPLE_SEED,
                                           ztf_counterparts=True),
        cache_dir)
