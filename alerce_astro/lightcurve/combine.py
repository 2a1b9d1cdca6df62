"""
One transient seen by two surveys: `combine_lightcurves` joins the light curves of ZTF and
LSST (any surveys) into one `~alerce_astro.lightcurve.AlerceLightCurve` in one flux frame.

What the joined light curve is:

- the canonical columns of each input (``time`` in UTC, ``kind``, ``band``, ``band_id``,
  ``flux``, ``flux_err``, ``mag``, ``mag_err``, ``limiting_mag``, ``detection_id``) and a
  ``survey`` column, rows sorted by time; the surveys' own columns stay in the input light
  curves (they differ from survey to survey);
- bands named ``<survey>_<band>`` (``ztf_g``, ``lsst_g``): ZTF g and LSST g are different
  passbands, so they are never merged; ``select_band("g")`` selects both, and the plot gives
  each survey its own marker and legend label (band colours from each survey's band table);
- fluxes in one unit (µJy by default: ZTF's; LSST's nJy are divided by 1000), magnitudes AB;
- ``meta``: ``oid`` (the first light curve's id), ``oids`` (survey -> the object id in that
  survey, exact: a ZTF name, an LSST int64), ``surveys`` (so ``survey`` is None),
  ``coord`` (of the first light curve with one), ``flux_unit``, ``separation`` (between
  the inputs' mean positions, when both have one) and the provenance of each input under
  ``sources``; no ``survey``: a light curve of several surveys.

Caveats, said again in the docs (``docs/lsst.rst``):

- **different passbands**: ZTF g/r/i and LSST u/g/r/i/z/y have different throughputs, so the
  same source has slightly different AB fluxes in ``ztf_g`` and ``lsst_g`` (colour terms of
  a few hundredths of a magnitude for ordinary spectra; more for strong emission lines);
- **different references**: both fluxes are *difference* fluxes, measured against each
  survey's own reference (template) image, taken at different times. A source that varied
  between the two references (a variable star, an AGN) has an offset between the surveys'
  difference fluxes that is not a change of the source. Compare shapes and timing, or add
  each survey's reference flux (ZTF's ``apparent()``; LSST's ``templateFlux``) first;
- ZTF sends upper limits, LSST does not (Rubin alerts carry none); LSST forced photometry
  is on every visit after the first detection.

Nothing here does network I/O: fetching both light curves is
`~alerce_astro.AlerceClass.get_lightcurve_multisurvey`.
"""

import numpy as np
from astropy import units as u
from astropy.table import vstack

from .photometry import CANONICAL_NAMES
from .timeseries import AlerceLightCurve

__all__ = ["combine_lightcurves", "COMBINED_FLUX_UNIT"]

#: The default flux unit of a joined light curve (ZTF's; 1 µJy = 1000 nJy).
COMBINED_FLUX_UNIT = u.uJy


def _survey_name(lc):
    survey = lc.survey
    if survey is None:
        raise ValueError("combine_lightcurves joins light curves of one survey each "
                         "(meta['survey'] 'ztf', 'lsst'); this one has none (already joined?)")
    return survey.name


def combine_lightcurves(*lightcurves, unit=COMBINED_FLUX_UNIT):
    """
    Join light curves of one object from several surveys into one light curve.

    Parameters
    ----------
    *lightcurves : `~alerce_astro.lightcurve.AlerceLightCurve`
        One per survey (ZTF and LSST), not folded.
    unit : `~astropy.units.Unit`, optional
        Flux-density unit of the joined ``flux``/``flux_err`` (default µJy).

    Returns
    -------
    `~alerce_astro.lightcurve.AlerceLightCurve`
        The canonical columns plus ``survey``, bands ``<survey>_<band>``, sorted by time.

    Raises
    ------
    ValueError
        For fewer than two light curves, two of the same survey, a folded one or a flux unit
        that is not a flux density.

    Examples
    --------
    >>> from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
    >>> from alerce_astro.apis.multisurvey.photometry import lightcurve_from_rows
    >>> ztf = lightcurve_from_json({"detections": [
    ...     {"mjd": 61000.5, "fid": 1, "magpsf": 18.9, "sigmapsf": 0.05, "isdiffpos": 1,
    ...      "candid": "2000000000000000001"}]}, oid="ZTF20aaaaaaa")
    >>> lsst = lightcurve_from_rows([
    ...     {"mjd": 61001.5, "band": 1, "psfFlux": 100000.0, "psfFluxErr": 900.0,
    ...      "measurement_id": 170094456251351059, "band_map": {"1": "g"}}], None,
    ...     oid=313897383979122767)
    >>> both = combine_lightcurves(ztf, lsst)
    >>> both["band"].tolist(), both["survey"].tolist()
    (['ztf_g', 'lsst_g'], ['ztf', 'lsst'])
    >>> both["flux"].unit, round(float(both["flux"][1].value), 3)
    (Unit("uJy"), 100.0)
    >>> both.meta["oids"]
    {'ztf': 'ZTF20aaaaaaa', 'lsst': 313897383979122767}
    """
    if len(lightcurves) < 2:
        raise ValueError(f"combine_lightcurves needs light curves of at least two surveys, "
                         f"got {len(lightcurves)}")
    unit = u.Unit(unit)
    if not unit.is_equivalent(u.Jy):
        raise ValueError(f"unit={unit} is not a flux-density unit (e.g. u.uJy)")
    names = [_survey_name(lc) for lc in lightcurves]
    if len(set(names)) != len(names):
        raise ValueError(f"one light curve per survey: got surveys {names}")
    parts = []
    for name, lc in zip(names, lightcurves, strict=True):
        if lc.is_folded:
            raise ValueError(f"the {name} light curve is folded: join light curves in time, "
                             f"then fold the joined one")
        part = lc.to_flux(unit=unit)[list(CANONICAL_NAMES)]
        bands = np.asarray(part["band"]).astype(str)
        part["band"] = np.char.add(f"{name}_", bands)
        part["band"][bands == ""] = ""
        part["survey"] = np.full(len(part), name)
        part["survey"].info.description = "Survey of the point"
        parts.append(part)
    joined = vstack(parts, join_type="exact", metadata_conflicts="silent")
    joined.sort("time")
    out = AlerceLightCurve(joined)
    out["band"].info.description = ("Band, named <survey>_<band>: the surveys' passbands "
                                    "differ (ztf_g is not lsst_g)")
    out.meta.clear()
    out.meta.update(_meta(names, lightcurves, unit))
    return out


def _meta(names, lightcurves, unit):
    coords = [lc.meta.get("coord") for lc in lightcurves]
    known = [c for c in coords if c is not None]
    meta = {
        "oid": lightcurves[0].oid,  # the first survey's id, of its type (str or int)
        "oids": {name: lc.oid for name, lc in zip(names, lightcurves, strict=True)},
        "surveys": list(names),
        "coord": known[0] if known else None,
        "flux_unit": unit.to_string(),
        "magnitudes": "difference",
        "sources": {name: {k: lc.meta[k] for k in ("service", "url", "retrieved")
                           if k in lc.meta}
                    for name, lc in zip(names, lightcurves, strict=True)},
    }
    if len(known) >= 2:
        meta["separation"] = known[0].separation(known[1]).to(u.arcsec)
    return meta
