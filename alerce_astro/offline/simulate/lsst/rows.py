"""
The light-curve API's rows of one object: diaSources (102 keys) and diaForcedSources (14 keys).

Each detection row carries what Rubin's diaSource record holds (schema v10), with ALeRCE's
conventions (``alerce-lsst-api.md``, "Sentinels"): ``parentDiaSourceId`` 0, ``psfFlux_flag``
and its two companions as 0/1 integers, the other flags booleans, ``ssObjectId`` 0 on the
alert's own diaSource and null on its history, fields Rubin does not fill null (``psfLnL``,
trail and dipole errors, ``timeWithdrawnMjdTai``), the trail fit null where the shape fit failed
(``shape_flag``), the dipole fit only for dipoles. Forced photometry rows sit at the diaObject's
position as it was when they were measured (the running mean of the detections so far).
"""

import numpy as np

from ..sky import offset_position
from .constants import BAND_MAP_JSON, DETECTION_KEYS, FORCED_KEYS, SURVEY_ID
from .ids import detection_counter, forced_counter, pack_measurement_id
from .wire import f32, f64, ints

__all__ = ["Detections", "measure_detections", "detection_rows", "forced_rows"]

_PSF_NDATA = 1681  # a 41 x 41 pixel PSF fit
_N_DETECTORS = 189


class Detections:
    """Per-detection columns (time ordered) and the object's id; see `measure_detections`."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def measure_detections(lc, rng, *, index, ra, dec, kind):
    """
    Measure every detection: ids, positions, shapes, flags.

    Parameters
    ----------
    lc : `~alerce_astro.offline.simulate.lsst.photometry.LsstLightCurve`
    rng : numpy.random.Generator
    index : int
        Object index (names the object's sources in the ids).
    ra, dec : float
        True position (deg).
    kind : str
        ``transient``, ``star``, ``galaxy`` (an AGN) or ``bogus``.

    Returns
    -------
    Detections
        Columns as numpy arrays, with ``oid`` (the first detection's id), ``trigger`` (the
        position of the alert's detection in the columns) and ``detector``/``x``/``y`` of every
        visit.
    """
    v = lc.visits
    nv = len(v)
    # where the object fell on the focal plane at each visit
    detector_v = rng.integers(0, _N_DETECTORS, nv)
    x_v = rng.uniform(20.0, 4050.0, nv)
    y_v = rng.uniform(20.0, 3980.0, nv)
    det = lc.det
    n = det.size
    snr = lc.snr[det]
    err = lc.flux_err[det]
    fwhm = v.seeing[det]
    bogus = kind == "bogus"
    pos_err = np.hypot(0.6 * fwhm / snr, 0.005) + (0.08 if bogus else 0.0)  # arcsec
    east = rng.normal(size=n) * pos_err
    north = rng.normal(size=n) * pos_err
    ras, decs = offset_position(ra, dec, east, north)
    ra_err = pos_err * rng.uniform(0.95, 1.05, n) / 3600.0
    dec_err = pos_err * rng.uniform(0.95, 1.05, n) / 3600.0
    counter = np.full(n, detection_counter(index))
    mid = pack_measurement_id(v.day[det], v.seq[det], detector_v[det], counter)
    flag = rng.uniform(size=n) < 0.008
    shape_flag = rng.uniform(size=n) < np.where(snr < 7.0, 0.12, 0.04)
    p_dipole = {"transient": 0.15, "galaxy": 0.12, "star": 0.05}.get(kind, 0.0)
    artefact = lc.artefact[det]
    dipole = (rng.uniform(size=n) < p_dipole) | (artefact == "dipole")
    sigma_psf = fwhm / 2.3548
    d = Detections(
        det=det, n=n, index=index, mjd=v.mjd[det], band=v.band[det], visit=v.visit[det],
        detector=detector_v[det], x=x_v[det], y=y_v[det], ra=ras, dec=decs, ra_err=ra_err,
        dec_err=dec_err, cov=rng.normal(0.0, 0.08, n) * ra_err * dec_err, mid=mid,
        flux=lc.det_flux[det], err=err, sci=lc.sci[det], sci_err=lc.sci_err[det],
        tmpl=lc.tmpl[det], tmpl_err=lc.tmpl_err[det], snr=snr, flag=flag,
        ap=lc.det_flux[det] + rng.normal(size=n) * 1.2 * err,
        ap_err=err * rng.uniform(1.4, 2.4, n),
        chi2=_PSF_NDATA * rng.uniform(0.95, 1.15, n) + (snr / 10.0) ** 2 * rng.uniform(5, 40, n),
        shape_flag=shape_flag,
        trail_flux=lc.det_flux[det] * rng.uniform(0.95, 1.08, n),
        trail_err=err * rng.uniform(0.005, 0.03, n),
        trail_ra=ras + rng.normal(0.0, 1e-7, n), trail_dec=decs + rng.normal(0.0, 1e-7, n),
        trail_length=rng.uniform(0.4, 1.8, n), trail_angle=rng.uniform(-180.0, 180.0, n),
        dipole=dipole, dip_mean=lc.sci[det] * rng.uniform(0.85, 1.05, n),
        dip_mean_err=err * rng.uniform(0.45, 0.55, n), dip_len=rng.uniform(0.0003, 0.13, n),
        dip_angle=rng.uniform(-180.0, 180.0, n),
        dip_chi2=np.exp(rng.normal(np.log(2000.0), 1.0, n)),
        dip_ndata=rng.integers(200, 4200, n),
        ixx_psf=sigma_psf ** 2 * rng.uniform(0.9, 1.1, n),
        iyy_psf=sigma_psf ** 2 * rng.uniform(0.9, 1.1, n), ixy_psf=rng.normal(0.0, 0.03, n),
        ixx=sigma_psf ** 2 * rng.uniform(0.5, 1.5, n),
        iyy=sigma_psf ** 2 * rng.uniform(0.5, 1.5, n),
        ixy=rng.normal(0.0, 0.05, n), moments_null=shape_flag & (rng.uniform(size=n) < 0.9),
        extendedness=rng.beta(0.6, 2.5 if kind != "transient" else 1.5, n),
        reliability=np.clip(rng.beta(1.2, 5.0, n) if bogus else rng.beta(6.0, 1.5, n),
                            0.01, 0.9999999),
        processed=v.mjd[det] + rng.uniform(2.2, 3.0, n) / 1440.0,
        late=rng.uniform(size=n) < 0.03, late_days=rng.uniform(1.0, 50.0, n),
        bbox=np.clip(np.round(12.0 + 5.0 * np.log2(np.maximum(snr, 5.0) / 5.0)
                              + rng.normal(0.0, 2.0, n)), 9, 140).astype(np.int64),
        bad=rng.uniform(size=n) < 0.005, artefact=artefact,
        streak=(artefact == "streak") | (rng.uniform(size=n) < 0.002),
        streak_centre=rng.uniform(size=n) < 0.5,
        detector_v=detector_v, x_v=x_v, y_v=y_v,
    )
    trig_mjd = lc.visits.mjd[lc.trigger]
    d.processed = np.where(d.late, np.minimum(d.processed + d.late_days, trig_mjd), d.processed)
    d.trigger = int(np.flatnonzero(det == lc.trigger)[0])
    d.processed[d.trigger] = v.mjd[lc.trigger] + rng.uniform(2.2, 3.0) / 1440.0
    d.oid = int(mid[0])
    return d


def _null_where(values, mask):
    return [None if m else x for x, m in zip(values, mask.tolist(), strict=True)]


def detection_rows(d):
    """
    The detection rows of the light-curve API (the alert's own diaSource first, then the
    history by time, as ALeRCE inserted them).

    Parameters
    ----------
    d : Detections

    Returns
    -------
    list of dict
    """
    n = d.n
    none = [None] * n
    zeros = [0] * n
    false = [False] * n
    oid = d.oid
    has = np.zeros(n, bool)
    has[d.trigger] = True
    ss = [None] * n
    ss[d.trigger] = 0
    flag = d.flag.tolist()
    flag_int = d.flag.astype(int).tolist()
    sf = d.shape_flag
    dip = ~d.dipole
    ra_err, dec_err = f32(d.ra_err), f32(d.dec_err)
    saturated = (np.asarray(d.sci) > 3.0e6).tolist()
    cr = (d.artefact == "cosmic").tolist()
    cols = [
        [BAND_MAP_JSON] * n, ints(d.band), f64(d.mjd), [SURVEY_ID] * n, f64(d.ra), f64(d.dec),
        [oid] * n, ints(d.mid), zeros, [oid] * n, f32(d.flux), f32(d.err), flag_int, zeros,
        zeros, f32(d.sci), f32(d.sci_err), has.tolist(), ints(d.visit), ints(d.detector), ss,
        ra_err, dec_err, f32(d.cov), f32(d.x), f32(np.asarray(ra_err, float) * 3600.0 / 0.2),
        f32(d.y), f32(np.asarray(dec_err, float) * 3600.0 / 0.2), flag, f32(d.ap),
        f32(d.ap_err), flag, false, (d.flux < 0).tolist(), f32(d.snr), none, f32(d.chi2),
        [_PSF_NDATA] * n, _null_where(f32(d.trail_flux), sf), _null_where(f32(d.trail_err), sf),
        _null_where(f64(d.trail_ra), sf), none, _null_where(f64(d.trail_dec), sf), none,
        _null_where(f32(d.trail_length), sf), none, _null_where(f32(d.trail_angle), sf), none,
        none, zeros, false, _null_where(f32(d.dip_mean), dip),
        _null_where(f32(d.dip_mean_err), dip), _null_where([0.0] * n, dip),
        _null_where(f32(2.0 * d.dip_mean_err), dip), _null_where(f32(d.dip_len), dip),
        _null_where(f32(d.dip_angle), dip), _null_where(f32(d.dip_chi2), dip),
        np.where(d.dipole, d.dip_ndata, 0).tolist(), flag, false, false, f32(d.tmpl),
        f32(d.tmpl_err), _null_where(f32(d.ixx), d.moments_null),
        _null_where(f32(d.iyy), d.moments_null), _null_where(f32(d.ixy), d.moments_null),
        f32(d.ixx_psf), f32(d.iyy_psf), f32(d.ixy_psf), sf.tolist(), false, false, false,
        _null_where(f32(d.extendedness), sf), f32(d.reliability), d.dipole.tolist(),
        d.dipole.tolist(), f64(d.processed), none, ints(d.bbox), false, d.bad.tolist(), cr, cr,
        false, false, false, d.bad.tolist(), false, false, saturated, saturated, false, false,
        d.streak.tolist(), (d.streak & d.streak_centre).tolist(), false, false, false, false,
        (d.artefact == "streak").tolist(),
    ]
    rows = [dict(zip(DETECTION_KEYS, row, strict=True)) for row in zip(*cols, strict=True)]
    order = [d.trigger] + [i for i in range(n) if i != d.trigger]
    return [rows[i] for i in order]


def forced_rows(lc, d, *, index):
    """
    The forced-photometry rows (every one, in time order).

    Parameters
    ----------
    lc : `~alerce_astro.offline.simulate.lsst.photometry.LsstLightCurve`
    d : Detections
    index : int
        Object index.

    Returns
    -------
    list of dict
    """
    v = lc.visits
    f = lc.forced
    n = f.size
    # the diaObject's position when each row was measured: the weighted mean of the
    # detections up to then (at least the first one: precovery rows come at creation)
    w_ra = 1.0 / np.asarray(f32(d.ra_err), float) ** 2
    w_dec = 1.0 / np.asarray(f32(d.dec_err), float) ** 2
    ra0 = d.ra[0]
    dra = (d.ra - ra0 + 180.0) % 360.0 - 180.0
    c_ra = np.cumsum(w_ra * dra) / np.cumsum(w_ra)
    c_dec = np.cumsum(w_dec * d.dec) / np.cumsum(w_dec)
    k = np.maximum(np.searchsorted(d.mjd, v.mjd[f], side="right") - 1, 0)
    ras = (ra0 + c_ra[k]) % 360.0
    decs = c_dec[k]
    mid = pack_measurement_id(v.day[f], v.seq[f], d.detector_v[f],
                              np.full(n, forced_counter(index)))
    cols = [
        [BAND_MAP_JSON] * n, ints(v.band[f]), f64(v.mjd[f]), [SURVEY_ID] * n, [d.oid] * n,
        ints(mid), f64(ras), f64(decs), ints(v.visit[f]), ints(d.detector_v[f]),
        f32(lc.flux[f]), f32(lc.flux_err[f]), f32(lc.sci[f]), f32(lc.sci_err[f]),
    ]
    return [dict(zip(FORCED_KEYS, row, strict=True)) for row in zip(*cols, strict=True)]
