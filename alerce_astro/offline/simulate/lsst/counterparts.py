"""
LSST objects at the positions of objects of the ZTF built-in sample (the two-survey case).

Three objects of the ZTF sample (`~alerce_astro.offline.simulate.sample_dataset_path`: seed
``SAMPLE_SEED``, ``SAMPLE_OBJECTS`` objects) get an LSST counterpart at their true position,
simulated from the very model the ZTF generator drew for them:

* a Type Ia supernova: ZTF saw it before 2024, long faded when Rubin looks, so Rubin's object
  there is a *sibling*, a new Type Ia supernova in the same host galaxy at the same place
  (same redshift and host; see `~alerce_astro.offline.simulate.lsst.models.sibling_transient`);
* an eclipsing binary: the same period, epoch, eclipse depths and mean magnitudes, so both
  surveys' points fold on one light curve;
* a quasar: the same mean magnitudes and damped-random-walk parameters (a new stretch of its
  random walk).

The ZTF objects are recomputed from the ZTF generator (nothing is read from a cached sample),
so the pairing never depends on what is on disk.
"""

import copy

from ..cache import SAMPLE_OBJECTS, SAMPLE_SEED
from ..constants import TRANSIENTS
from ..writer import _population, simulate_object

__all__ = ["ZTF_COUNTERPARTS", "ZtfSource", "ztf_sources", "counterpart_model"]

#: (index in the ZTF sample, its class): objects without the sample's server quirks, whose
#: positions Rubin reaches (declination below +20 deg) and not so bright that Rubin's 30 s
#: visits would saturate them (the sample's variables at 14-15 mag would).
ZTF_COUNTERPARTS = ((0, "SNIa"), (33, "E"), (38, "QSO"))


class ZtfSource:
    """A ZTF sample object an LSST object is paired with."""

    def __init__(self, index, oid, cls, ra, dec, gal_b, model):
        self.index = index
        self.oid = oid
        self.cls = cls
        self.ra = ra
        self.dec = dec
        self.gal_b = gal_b
        self.model = model


def ztf_sources():
    """
    The ZTF sample objects that get LSST counterparts, with their models.

    Returns
    -------
    list of ZtfSource

    Raises
    ------
    RuntimeError
        If the ZTF sample no longer has the expected classes there (the ZTF generator
        changed: `ZTF_COUNTERPARTS` must be chosen again).
    """
    cls, ra, dec, quirks, sky = _population(SAMPLE_SEED, SAMPLE_OBJECTS, None)
    out = []
    for index, expected in ZTF_COUNTERPARTS:
        if cls[index] != expected:
            raise RuntimeError(f"ZTF sample object {index} is a {cls[index]}, not a {expected}")
        obj = simulate_object(index, cls[index], float(ra[index]), float(dec[index]), SAMPLE_SEED,
                              quirks=quirks[index], forced=False, catalogs=False, sky=sky[index])
        out.append(ZtfSource(index, obj.oid, obj.cls, obj.ra, obj.dec, obj.gal_b, obj.model))
    return out


def counterpart_model(source, rng, t_range):
    """
    The six-band model of the LSST counterpart of a ZTF sample object.

    Parameters
    ----------
    source : ZtfSource
    rng : numpy.random.Generator
        The LSST object's generator (the ZTF model is not changed).
    t_range : (float, float)
        TAI MJD range of the LSST survey.

    Returns
    -------
    `~alerce_astro.offline.simulate.models.Model`
    """
    from .models import add_lsst_bands, sibling_transient

    if source.cls in TRANSIENTS:
        return sibling_transient(source.model, rng, t_range)
    return add_lsst_bands(copy.deepcopy(source.model), rng)
