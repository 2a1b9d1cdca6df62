"""
Light curves of ALeRCE objects as astropy time series, flux first and survey-agnostic.

- `AlerceLightCurve`: a `~astropy.timeseries.TimeSeries` of detections, upper limits and forced
  photometry with the canonical columns (`CANONICAL_COLUMNS`: time, kind, band, band_id, flux,
  flux_err, mag, mag_err, limiting_mag, detection_id), with selections, fluxes, apparent
  magnitudes, folding, a multiband periodogram, SEDs, plotting and ECSV/FITS round trips.
- `build_lightcurve`: the same from a survey's photometry rows and its `PhotometryMap` (the
  maps live in the API packages, e.g. `alerce_astro.apis.ztf_v1.photometry`).

The methods that fetch them (``get_lightcurve``, ``query_detections``,
``query_non_detections``, ``query_forced_photometry``) are those of `~alerce_astro.AlerceClass`.
"""

from .build import build_lightcurve
from .flux import flux_to_mag, mag_to_flux
from .periodogram import MultibandPeriodogram
from .photometry import CANONICAL_COLUMNS, CANONICAL_NAMES, KINDS, Extra, KindMap, PhotometryMap
from .timeseries import AlerceLightCurve

__all__ = ["AlerceLightCurve", "MultibandPeriodogram", "build_lightcurve",
           "PhotometryMap", "KindMap", "Extra", "CANONICAL_COLUMNS", "CANONICAL_NAMES",
           "mag_to_flux", "flux_to_mag", "KINDS"]
