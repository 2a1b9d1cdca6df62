"""
Seeded simulation of ALeRCE/ZTF data: a dataset folder the test server serves.

The generator makes believable ZTF alert-stream data of its own (no real values are copied):
supernovae, periodic variable stars, AGN and quasars, and bogus alerts, observed with a
ZTF-like cadence, classified, with features, forced photometry, image cutouts and catsHTM
neighbours, all written in the exact JSON shapes of the ALeRCE ZTF API v1.

Public API
----------
`generate_dataset`
    Write a dataset folder.
`sample_dataset_path`
    The built-in sample (generated once per package and generator version, then cached).
`simulated_oid`
    The object id of the i-th simulated object (``ZTF00`` + seven letters: never a real id).
`generate_lsst_dataset`, `lsst_sample_dataset_path`
    The same for Rubin/LSST data as ALeRCE's multisurvey API serves it
    (`alerce_astro.offline.simulate.lsst`); the LSST sample has counterparts of ZTF sample
    objects at the same positions.
"""

from .cache import sample_dataset_path
from .constants import GENERATOR_VERSION, SIMULATED_CLASSES
from .ids import simulated_oid
from .lsst import generate_lsst_dataset, lsst_sample_dataset_path
from .writer import generate_dataset

__all__ = ["generate_dataset", "sample_dataset_path", "simulated_oid", "GENERATOR_VERSION",
           "SIMULATED_CLASSES", "generate_lsst_dataset", "lsst_sample_dataset_path"]
