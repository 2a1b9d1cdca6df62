"""
Light curves of ALeRCE objects as astropy time series.

- `AlerceLightCurve`: a `~astropy.timeseries.TimeSeries` of detections, upper limits and forced
  photometry, with selections, fluxes, apparent magnitudes, folding, a multiband periodogram,
  SEDs, plotting and ECSV/FITS round trips.
- `build_lightcurve`: the same from the service's JSON (for bulk work and tests).

The methods that fetch them (``get_lightcurve``, ``query_detections``,
``query_non_detections``, ``query_forced_photometry``) are those of `~alerce_astro.AlerceClass`.
"""

from .build import KINDS, build_lightcurve, flatten_forced_photometry, lightcurve_columns
from .flux import flux_to_mag, mag_to_flux
from .periodogram import MultibandPeriodogram
from .sed import ZTF_EFFECTIVE_WAVELENGTHS
from .timeseries import AlerceLightCurve

__all__ = ["AlerceLightCurve", "MultibandPeriodogram", "build_lightcurve",
           "flatten_forced_photometry", "lightcurve_columns", "mag_to_flux", "flux_to_mag",
           "KINDS", "ZTF_EFFECTIVE_WAVELENGTHS"]
