"""
Seeded simulation of ALeRCE/LSST data: a dataset folder the offline multisurvey service serves.

The generator makes believable Rubin alert-stream data of its own (no real values are copied):
the classes of the ZTF generator (supernovae of four types, periodic variable stars, AGN and
quasars, artefacts) drawn from the population Rubin finds, observed with a six-band Rubin-like
cadence from Cerro Pachón (TAI MJDs in 2026), measured in nJy on difference images, with
forced photometry, the production stamp classifiers' probabilities and three-HDU cutouts with
Rubin's header layout, all written in the exact shapes of ALeRCE's multisurvey API.

Public API
----------
`generate_lsst_dataset`
    Write a dataset folder.
`lsst_sample_dataset_path`
    The built-in LSST sample (generated once per package and generator version, then cached),
    with three counterparts of ZTF built-in sample objects.
`unpack_measurement_id`, `is_simulated_id`
    Ids are Rubin-like (see `~alerce_astro.offline.simulate.lsst.ids`): simulated ones have
    the prefix 3 and decode to their visit and detector.
"""

from .cache import LSST_SAMPLE_OBJECTS, LSST_SAMPLE_SEED, lsst_sample_dataset_path
from .constants import GENERATOR_VERSION
from .ids import is_simulated_id, unpack_measurement_id
from .writer import generate_lsst_dataset

__all__ = ["generate_lsst_dataset", "lsst_sample_dataset_path", "is_simulated_id",
           "unpack_measurement_id", "GENERATOR_VERSION", "LSST_SAMPLE_OBJECTS",
           "LSST_SAMPLE_SEED"]
