"""
The object row, the diaObject summary and the magstats answer of a simulated LSST object.

* ``object`` (the common table, ALeRCE's magstats step): ``meanra``/``meandec`` are the
  detections' positions weighted by ``1/raErr**2`` and ``1/decErr**2``, ``sigmara``/``sigmadec``
  ``sqrt(1 / sum(w))`` (deg); first and last detection times; ``n_forced`` the forced rows
  stored; ``n_non_det`` 0 (Rubin sends no upper limits); ``created_date`` the alert's day.
* ``object_extra`` adds Rubin's diaObject record as the alert carried it: the mean position of
  the detections, and per-band flux statistics (inverse-variance weighted means, scatter,
  extremes, steepest slope between consecutive detections in nJy/day) **for the band of the
  alert's visit only**, the other bands null with ``Ndata`` 0, as in the real alerts ALeRCE
  serves (Rubin's Alert Production updates the summary of the visit's band);
  ``fpFluxMean``, ``firstDiaSourceMjdTai`` and ``lastDiaSourceMjdTai`` null as there.
* ``magstats`` is that record with every float rounded to 3 decimals.
"""

import datetime

import numpy as np

from .constants import (
    BANDS,
    CREATED_TIME,
    DIA_OBJECT_KEYS,
    MAGSTATS_KEYS,
    OBJECT_EXTRA_KEYS,
    OBJECT_KEYS,
    SID_DIA,
    TID,
)
from .wire import f32, round3

__all__ = ["object_row", "dia_object", "object_extra_row", "magstats_rows", "created_date"]

_MJD_EPOCH = datetime.date(1858, 11, 17)


def created_date(mjd):
    """``YYYY-MM-DDT00:00:00`` of the UTC day of a TAI MJD."""
    day = int(np.floor(mjd - 37.0 / 86400.0))
    return (_MJD_EPOCH + datetime.timedelta(days=day)).isoformat() + CREATED_TIME


def _weighted_position(ra, dec, ra_err, dec_err):
    w_ra = 1.0 / ra_err ** 2
    w_dec = 1.0 / dec_err ** 2
    ra0 = ra[0]
    dra = (ra - ra0 + 180.0) % 360.0 - 180.0  # no jump at ra = 0
    mean_ra = (ra0 + np.sum(w_ra * dra) / np.sum(w_ra)) % 360.0
    mean_dec = np.sum(w_dec * dec) / np.sum(w_dec)
    return (float(mean_ra), float(mean_dec), float(np.sqrt(1.0 / np.sum(w_ra))),
            float(np.sqrt(1.0 / np.sum(w_dec))))


def object_row(d, n_forced):
    """
    The ``/object_api/object`` body.

    Parameters
    ----------
    d : `~alerce_astro.offline.simulate.lsst.rows.Detections`
    n_forced : int

    Returns
    -------
    dict
    """
    ra_err = np.asarray(f32(d.ra_err), float)
    dec_err = np.asarray(f32(d.dec_err), float)
    meanra, meandec, sigmara, sigmadec = _weighted_position(d.ra, d.dec, ra_err, dec_err)
    first, last = float(d.mjd[0]), float(d.mjd[-1])
    values = (d.oid, TID, SID_DIA, meanra, meandec, sigmara, sigmadec, first, last, last - first,
              int(d.n), int(n_forced), 0, created_date(d.mjd[d.trigger]), None)
    return dict(zip(OBJECT_KEYS, values, strict=True))


def _band_stats(d, band):
    sel = d.band == band
    n = int(sel.sum())
    flux = np.asarray(f32(d.flux[sel]), float)
    err = np.asarray(f32(d.err[sel]), float)
    sci = np.asarray(f32(d.sci[sel]), float)
    sci_err = np.asarray(f32(d.sci_err[sel]), float)
    t = d.mjd[sel]
    w = 1.0 / err ** 2
    ws = 1.0 / sci_err ** 2
    slope = None
    if n > 1:
        dt = np.diff(t)
        ok = dt > 0
        if ok.any():
            slope = float(np.max(np.abs(np.diff(flux)[ok] / dt[ok])))
    return {
        "psfFluxMean": float(np.sum(w * flux) / np.sum(w)),
        "psfFluxMeanErr": float(np.sqrt(1.0 / np.sum(w))),
        "psfFluxSigma": float(np.std(flux, ddof=1)) if n > 1 else None,
        "psfFluxNdata": n,
        "fpFluxMean": None,
        "fpFluxMeanErr": None,
        "scienceFluxMean": float(np.sum(ws * sci) / np.sum(ws)),
        "scienceFluxMeanErr": float(np.sqrt(1.0 / np.sum(ws))),
        "psfFluxMin": float(flux.min()),
        "psfFluxMax": float(flux.max()),
        "psfFluxMaxSlope": slope,
        "psfFluxErrMean": float(err.mean()),
    }


def dia_object(d, rng):
    """
    Rubin's diaObject record (the fields after ``oid``), values as the service writes them.

    Parameters
    ----------
    d : `~alerce_astro.offline.simulate.lsst.rows.Detections`
    rng : numpy.random.Generator

    Returns
    -------
    dict
        Keys of `~alerce_astro.offline.simulate.lsst.constants.DIA_OBJECT_KEYS`.
    """
    ra0 = d.ra[0]
    ra = float((ra0 + np.mean((d.ra - ra0 + 180.0) % 360.0 - 180.0)) % 360.0)
    dec = float(np.mean(d.dec))
    ra_err = np.asarray(f32(d.ra_err), float)
    dec_err = np.asarray(f32(d.dec_err), float)
    out = {
        "validityStartMjdTai": float(d.mjd[d.trigger] + rng.uniform(2.3, 3.0) / 1440.0),
        "ra": ra,
        "raErr": f32([np.sqrt(np.mean(ra_err ** 2))])[0],
        "dec": dec,
        "decErr": f32([np.sqrt(np.mean(dec_err ** 2))])[0],
        "ra_dec_Cov": f32([np.mean(d.cov)])[0],
    }
    alert_band = int(d.band[d.trigger])
    stats = {b: _band_stats(d, b) if b == alert_band else None for b in BANDS}
    float32_stats = ("psfFluxMean", "psfFluxMeanErr", "psfFluxSigma", "scienceFluxMean",
                     "scienceFluxMeanErr", "psfFluxMin", "psfFluxMax", "psfFluxMaxSlope",
                     "psfFluxErrMean")

    def value(b, name):
        s = stats[b]
        if s is None:
            return 0 if name == "psfFluxNdata" else None
        v = s[name]
        return f32([v])[0] if (name in float32_stats and v is not None) else v

    code = {name: b for b, name in BANDS.items()}
    for key in DIA_OBJECT_KEYS[6:-3]:  # the per-band fields
        band, name = key.split("_", 1)
        out[key] = value(code[band], name)
    out["firstDiaSourceMjdTai"] = None
    out["lastDiaSourceMjdTai"] = None
    out["nDiaSources"] = int(d.n)
    return out


def object_extra_row(obj_row, dia):
    """The ``/object_api/object?...&return_survey_extra=true`` body."""
    values = dict(obj_row)
    values.update(dia)
    return {k: values[k] for k in OBJECT_EXTRA_KEYS}


def magstats_rows(oid, dia):
    """The ``/magstat_api/magstats`` body: the diaObject record, floats rounded to 3 decimals."""
    values = dict(dia, oid=oid)
    return [{k: round3(values[k]) for k in MAGSTATS_KEYS}]
