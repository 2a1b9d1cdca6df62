"""
The light-curve features of ALeRCE's classifier (``lc_classifier_1.2.1-P``), computed from the
simulated detections.

Names, band codes (``fid`` 1 g, 2 r, 0 band-independent, 12 a g-r combination) and row order
are those of ALeRCE's feature set (Sánchez-Sáez et al. 2021, AJ 161, 141, Table 2 and
appendix). Most values are computed from the light curve with the published definitions
(FATS, Nun et al. 2015, arXiv:1506.00010; Kim et al. 2011, ApJ 735, 68): amplitude, moments,
percentiles, Stetson K, von Neumann eta, structure of the upper limits, colours, Fourier fits at
the period. Those that need an expensive fit (damped random walk likelihood, Mexican-hat power
spectrum, supernova model fit, structure-function fit) take the simulation's true parameters
with noise, which is what a converged fit would give.

Bands with fewer than 6 detections get no features, as in ALeRCE; fits that did not converge
give NaN (the service then sends a bare ``NaN``).

For periodic variables ``Multiband_period`` (``fid`` 12) and ``Period_band`` hold the true
period, so a periodogram of the detections recovers it.
"""

import math

import numpy as np

from .constants import FEATURE_VERSION, PERIODIC, STOCHASTIC, TRANSIENTS

__all__ = ["feature_rows", "MIN_DETECTIONS"]

#: Detections a band needs for its features to be computed.
MIN_DETECTIONS = 6

_PER_BAND_MAIN = (
    "Amplitude", "AndersonDarling", "Autocor_length", "Beyond1Std", "Con", "Eta_e", "Gskew",
    "MaxSlope", "Mean", "Meanvariance", "MedianAbsDev", "MedianBRP", "PairSlopeTrend",
    "PercentAmplitude", "Q31", "Rcs", "Skew", "SmallKurtosis", "Std", "StetsonK", "Pvar",
    "ExcessVar", "SF_ML_amplitude", "SF_ML_gamma", "IAR_phi", "LinearTrend",
)
_PER_BAND_DETECTIONS = (
    "delta_mag_fid", "delta_mjd_fid", "first_mag", "mean_mag", "min_mag", "n_det", "n_neg",
    "n_pos", "positive_fraction", "n_non_det_before_fid", "max_diffmaglim_before_fid",
    "median_diffmaglim_before_fid", "last_diffmaglim_before_fid", "last_mjd_before_fid",
    "dmag_non_det_fid", "dmag_first_det_fid", "n_non_det_after_fid", "max_diffmaglim_after_fid",
    "median_diffmaglim_after_fid",
)
_SPM = ("SPM_A", "SPM_t0", "SPM_gamma", "SPM_beta", "SPM_tau_rise", "SPM_tau_fall", "SPM_chi")
_MHPS = ("MHPS_ratio", "MHPS_low", "MHPS_high", "MHPS_non_zero", "MHPS_PN_flag")
_HARMONICS = tuple(f"Harmonics_mag_{k}" for k in range(1, 8)) + tuple(
    f"Harmonics_phase_{k}" for k in range(2, 8)) + ("Harmonics_mse",)
_POWER_RATES = ("Power_rate_1/4", "Power_rate_1/3", "Power_rate_1/2", "Power_rate_2",
                "Power_rate_3", "Power_rate_4")


def _erfc(x):
    return np.array([math.erfc(v) for v in np.ravel(x)]).reshape(np.shape(x))


def _anderson_darling(m):
    # A^2 against a normal with the sample's mean and variance (FATS squashes it to 0..1)
    n = m.size
    z = np.sort((m - m.mean()) / (m.std(ddof=1) or 1.0))
    cdf = np.clip(0.5 * _erfc(-z / math.sqrt(2.0)), 1e-12, 1 - 1e-12)
    i = np.arange(1, n + 1)
    a2 = -n - np.sum((2 * i - 1) * (np.log(cdf) + np.log(1.0 - cdf[::-1]))) / n
    a2 *= 1.0 + 0.75 / n + 2.25 / n ** 2
    return float(1.0 / (1.0 + math.exp(-10.0 * (a2 - 0.3))))


def _autocor_length(m):
    x = m - m.mean()
    n = x.size
    f = np.fft.rfft(x, 2 * n)
    ac = np.fft.irfft(f * np.conj(f))[:n]
    if ac[0] <= 0:
        return 1.0
    ac = ac / ac[0]
    below = np.flatnonzero(ac < math.exp(-1.0))
    return float(below[0]) if below.size else float(n)


def _chi2_sf_normal(chi2, dof):
    # Wilson-Hilferty: P(X > chi2) for X ~ chi2(dof), via a normal tail
    if dof <= 0:
        return float("nan")
    z = ((chi2 / dof) ** (1.0 / 3.0) - (1.0 - 2.0 / (9.0 * dof))) / math.sqrt(2.0 / (9.0 * dof))
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _harmonics(t, m, e, period, nh=7):
    w = 2.0 * np.pi / period
    cols = [np.ones_like(t)]
    for k in range(1, nh + 1):
        cols += [np.sin(k * w * t), np.cos(k * w * t)]
    a = np.stack(cols, axis=1) / e[:, None]
    coef, *_ = np.linalg.lstsq(a, m / e, rcond=None)
    model = (a * e[:, None]) @ coef
    s, c = coef[1::2], coef[2::2]
    amp = np.hypot(s, c)
    phase = np.arctan2(c, s)
    rel = (phase[1:] - (np.arange(2, nh + 1)) * phase[0]) % (2.0 * np.pi)
    mse = float(np.mean((m - model) ** 2))
    return amp, rel, mse


def _sorted_median(srt):
    n = srt.size
    h = n // 2
    return float(srt[h]) if n % 2 else 0.5 * float(srt[h - 1] + srt[h])


def _sorted_percentile(srt, q):
    # linear interpolation between closest ranks (numpy's default)
    pos = (srt.size - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, srt.size - 1)
    return float(srt[lo] + (srt[hi] - srt[lo]) * (pos - lo))


def _band_features(t, m, e, rng, truth_spm, model_cls, drw):
    n = m.size
    out = {}
    srt = np.sort(m)
    k5 = max(1, int(math.ceil(0.05 * n)))
    out["Amplitude"] = 0.5 * (_sorted_median(srt[-k5:]) - _sorted_median(srt[:k5]))
    out["AndersonDarling"] = _anderson_darling(m)
    out["Autocor_length"] = _autocor_length(m)
    mean = float(m.mean())
    c = m - mean
    c2 = c * c
    m2 = float(c2.sum()) / n
    std = math.sqrt(m2 * n / (n - 1))
    w_e = 1.0 / (e * e)
    wmean = float((m * w_e).sum() / w_e.sum())
    out["Beyond1Std"] = float(np.count_nonzero(np.abs(m - wmean) > std)) / n
    if n >= 3:
        hi = np.abs(c) > 2.0 * std
        out["Con"] = float(np.count_nonzero(hi[:-2] & hi[1:-1] & hi[2:])) / (n - 2)
    else:
        out["Con"] = 0.0
    dt = np.maximum(np.diff(t), 1e-4)
    dm = np.diff(m)
    w = 1.0 / (dt * dt)
    sw = float(w.sum())
    eta = (sw / w.size * (t[-1] - t[0]) ** 2 * float((w * dm * dm).sum())
           / (std ** 2 * sw * n ** 2)) if std > 0 else 0.0
    out["Eta_e"] = float(eta)
    k3 = max(1, int(round(0.03 * n)))
    med = _sorted_median(srt)
    out["Gskew"] = _sorted_median(srt[-k3:]) + _sorted_median(srt[:k3]) - 2.0 * med
    out["MaxSlope"] = float((np.abs(dm) / dt).max())
    out["Mean"] = mean
    out["Meanvariance"] = std / mean
    dev = np.abs(m - med)
    out["MedianAbsDev"] = _sorted_median(np.sort(dev))
    amp_full = float(srt[-1] - srt[0])
    out["MedianBRP"] = float(np.count_nonzero(dev < amp_full / 10.0)) / n
    last = dm[-30:]
    out["PairSlopeTrend"] = float(np.count_nonzero(last > 0)) / last.size if last.size else 0.0
    out["PercentAmplitude"] = float(dev.max()) / med
    out["Q31"] = _sorted_percentile(srt, 75) - _sorted_percentile(srt, 25)
    cs = np.cumsum(c) / (n * std) if std > 0 else np.zeros(n)
    out["Rcs"] = float(cs.max() - cs.min())
    out["Skew"] = float((c2 * c).sum() / n / m2 ** 1.5) if m2 > 0 else 0.0
    if n > 3 and std > 0:
        s4 = float((c2 * c2).sum()) / std ** 4
        out["SmallKurtosis"] = float(n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * s4
                                     - 3.0 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
    else:
        out["SmallKurtosis"] = 0.0
    out["Std"] = std
    delta = math.sqrt(n / (n - 1)) * c / e
    out["StetsonK"] = float(np.abs(delta).sum() / n / math.sqrt(float((delta * delta).sum()) / n))
    chi2 = float(((m - wmean) ** 2 * w_e).sum())
    out["Pvar"] = float(1.0 - _chi2_sf_normal(chi2, n - 1))
    out["ExcessVar"] = float((m2 - float((e * e).mean())) / mean ** 2)
    if drw is not None:
        tau, sf = drw
        out["SF_ML_amplitude"] = float(sf * math.exp(rng.normal(0.0, 0.15)))
        out["SF_ML_gamma"] = float(np.clip(0.5 + rng.normal(0.0, 0.12), 0.05, 1.5))
    else:
        out["SF_ML_amplitude"] = float(max(std, 1e-3) * math.exp(rng.normal(0.0, 0.3)))
        out["SF_ML_gamma"] = float(np.clip(rng.normal(0.4, 0.25), 0.0, 2.0))
    # irregular autoregressive coefficient: lag-one correlation scaled by the median step
    if n > 2 and std > 0:
        a, b = c[:-1], c[1:]
        den = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
        r1 = float((a * b).sum()) / den if den > 0 else 0.0
        step = max(_sorted_median(np.sort(dt)), 1e-3)
        out["IAR_phi"] = float(min(max(abs(r1), 1e-6), 0.9999) ** (1.0 / step))
    else:
        out["IAR_phi"] = float("nan")
    tt = t - t[0]
    tc = tt - tt.mean()
    den = float((tc * tc).sum())
    out["LinearTrend"] = float((tc * c).sum()) / den if n > 1 and den > 0 else 0.0
    # Mexican-hat power spectrum (Arevalo et al. 2012): low/high frequency variance
    var = max(m2, 1e-6)
    low = var * (0.6 + 0.4 * rng.uniform()) * (30.0 if model_cls in STOCHASTIC else 5.0)
    high = var * rng.uniform(0.2, 1.2)
    out["MHPS_ratio"] = low / high
    out["MHPS_low"] = low
    out["MHPS_high"] = high
    out["MHPS_non_zero"] = float(n - int(rng.integers(0, max(1, n // 5))))
    out["MHPS_PN_flag"] = 0.0
    out["iqr"] = out["Q31"]
    out["SPM"] = _spm_features(t, m, rng, truth_spm, model_cls)
    return out


def _spm_features(t, m, rng, truth_spm, model_cls):
    vals = {}
    if truth_spm is not None:
        # converged fit: the truth with small errors (times relative to the first detection)
        noise = lambda s: math.exp(rng.normal(0.0, s))  # noqa: E731
        vals["SPM_A"] = truth_spm["amplitude"] * 10 ** (0.4 * 23.9) * noise(0.05)  # uJy
        vals["SPM_t0"] = truth_spm["t0"] - t[0] + rng.normal(0.0, 1.0)
        vals["SPM_gamma"] = truth_spm["gamma"] * noise(0.1)
        vals["SPM_beta"] = float(np.clip(truth_spm["beta"] * noise(0.1), 0.0, 1.0))
        vals["SPM_tau_rise"] = truth_spm["tau_rise"] * noise(0.15)
        vals["SPM_tau_fall"] = truth_spm["tau_fall"] * noise(0.1)
        vals["SPM_chi"] = float(rng.uniform(0.5, 3.0))
    else:
        flux = 10 ** (-0.4 * (m - 23.9))
        vals["SPM_A"] = float(flux.max() * rng.uniform(1.0, 1.5))
        vals["SPM_t0"] = float(rng.uniform(-50.0, 50.0))
        vals["SPM_gamma"] = float(rng.uniform(1.0, 120.0))
        vals["SPM_beta"] = float(rng.uniform(0.0, 1.0))
        vals["SPM_tau_rise"] = float(rng.uniform(0.5, 50.0))
        vals["SPM_tau_fall"] = float(rng.uniform(0.5, 100.0))
        vals["SPM_chi"] = float(rng.uniform(5.0, 5000.0) if model_cls not in TRANSIENTS else 1.0)
    return vals


def _nondet_features(t_det, m_det, isdiffpos, nd_t, nd_lim):
    out = {}
    first_t, first_m = t_det[0], m_det[0]
    before = nd_t < first_t
    after = nd_t > first_t
    lb = nd_lim[before]
    la = nd_lim[after]
    lbs, las = np.sort(lb), np.sort(la)
    nan = float("nan")
    out["delta_mag_fid"] = float(m_det.max() - m_det.min())
    out["delta_mjd_fid"] = float(t_det[-1] - t_det[0])
    out["first_mag"] = float(first_m)
    out["mean_mag"] = float(m_det.mean())
    out["min_mag"] = float(m_det.min())
    out["n_det"] = float(m_det.size)
    out["n_neg"] = float(np.count_nonzero(isdiffpos < 0))
    out["n_pos"] = float(np.count_nonzero(isdiffpos > 0))
    out["positive_fraction"] = out["n_pos"] / out["n_det"]
    out["n_non_det_before_fid"] = float(lb.size)
    out["max_diffmaglim_before_fid"] = float(lbs[-1]) if lb.size else nan
    out["median_diffmaglim_before_fid"] = _sorted_median(lbs) if lb.size else nan
    out["last_diffmaglim_before_fid"] = float(lb[-1]) if lb.size else nan
    out["last_mjd_before_fid"] = float(nd_t[before][-1]) if lb.size else nan
    out["dmag_non_det_fid"] = (out["median_diffmaglim_before_fid"] - out["min_mag"]
                               if lb.size else nan)
    out["dmag_first_det_fid"] = out["last_diffmaglim_before_fid"] - first_m if lb.size else nan
    out["n_non_det_after_fid"] = float(la.size)
    out["max_diffmaglim_after_fid"] = float(las[-1]) if la.size else nan
    out["median_diffmaglim_after_fid"] = _sorted_median(las) if la.size else nan
    return out


def _row(name, value, fid):
    if value is not None:
        value = float(value)
    return {"name": name, "value": value, "fid": fid, "version": FEATURE_VERSION}


def feature_rows(lc, model, rng, *, gal_l, gal_b, sgscore1, wise=None):
    """
    The ``/objects/{oid}/features`` body of a simulated object.

    Parameters
    ----------
    lc : `~alerce_astro.offline.simulate.photometry.LightCurve`
    model : `~alerce_astro.offline.simulate.models.Model`
    rng : numpy.random.Generator
    gal_l, gal_b : float
        Galactic coordinates (deg).
    sgscore1 : float
        Pan-STARRS star/galaxy score of the nearest source.
    wise : dict, optional
        W1, W2, W3 magnitudes of the WISE counterpart (colour features are null without).

    Returns
    -------
    list of dict
        Empty when no band has enough detections.
    """
    d = lc.d
    ep = lc.epochs
    bands = {}
    for fid in (1, 2):
        sel = np.flatnonzero(d["fid"] == fid)
        if sel.size >= MIN_DETECTIONS:
            bands[fid] = sel
    if not bands:
        return []
    use_corr = bool(d["corrected"][0])
    cls = model.cls
    drw = None
    if cls in STOCHASTIC:
        drw = (model.tau, model.sf[2])
    feats = {}
    nd = lc.nondet
    for fid, sel in bands.items():
        t = d["mjd"][sel]
        if use_corr:
            m = d["magpsf_corr"][sel]
            e = d["sigmapsf_corr_ext"][sel]
            ok = (m < 100) & (e < 100) & (e > 0)
            if ok.sum() < MIN_DETECTIONS:
                m, e, ok = d["magpsf"][sel], d["sigmapsf"][sel], np.ones(sel.size, bool)
            t, m, e = t[ok], m[ok], e[ok]
        else:
            m, e = d["magpsf"][sel], d["sigmapsf"][sel]
        e = np.maximum(e, 1e-3)
        spm = getattr(model, "spm", None)
        f = _band_features(t, m, e, rng, spm[fid] if spm else None, cls, drw)
        ndsel = nd[ep.fid[nd] == fid]
        f.update(_nondet_features(d["mjd"][sel], d["magpsf"][sel], d["isdiffpos"][sel],
                                  ep.mjd[ndsel], np.round(ep.lim[ndsel], 4)))
        feats[fid] = (t, m, e, f)
    # period: the truth for periodic variables, a spurious periodogram peak otherwise
    if cls in PERIODIC:
        period = model.period
        ppe = float(rng.uniform(0.0, 0.02))
    else:
        period = float(math.exp(rng.uniform(math.log(0.05), math.log(500.0))))
        ppe = float(rng.uniform(0.02, 0.3))
    rows = []
    gm = {fid: feats[fid][1] for fid in feats}
    g = d["magpsf"][d["fid"] == 1]
    r = d["magpsf"][d["fid"] == 2]
    both = g.size > 0 and r.size > 0
    rows.append(_row("gal_b", gal_b, 0))
    rows.append(_row("gal_l", gal_l, 0))
    rows.append(_row("g-r_max", g.min() - r.min() if both else None, 12))
    rows.append(_row("g-r_mean", g.mean() - r.mean() if both else None, 12))
    if use_corr and 1 in gm and 2 in gm:
        rows.append(_row("g-r_max_corr", gm[1].min() - gm[2].min(), 12))
        rows.append(_row("g-r_mean_corr", gm[1].mean() - gm[2].mean(), 12))
    else:
        rows.append(_row("g-r_max_corr", None, 12))
        rows.append(_row("g-r_mean_corr", None, 12))
    rows.append(_row("rb", _sorted_median(np.sort(d["rb"])), 0))
    for fid in feats:
        for name in _MHPS:
            rows.append(_row(name, feats[fid][3][name], fid))
    for fid in feats:
        rows.append(_row("iqr", feats[fid][3]["iqr"], fid))
    for fid in feats:
        for name in _PER_BAND_MAIN:
            rows.append(_row(name, feats[fid][3][name], fid))
    for fid in feats:
        for name in _PER_BAND_DETECTIONS:
            rows.append(_row(name, feats[fid][3][name], fid))
    for fid in feats:
        for name in _SPM:
            rows.append(_row(name, feats[fid][3]["SPM"][name], fid))
    rows.append(_row("Multiband_period", period, 12))
    rows.append(_row("PPE", ppe, 12))
    for fid in feats:
        rows.append(_row("Period_band", period * (1.0 + rng.normal(0.0, 1e-5))
                         if cls in PERIODIC else period * rng.uniform(0.5, 2.0), fid))
        rows.append(_row("delta_period", abs(rng.normal(0.0, 1e-4 * period))
                         if cls in PERIODIC else rng.uniform(0.0, period), fid))
    for name in _POWER_RATES:
        rows.append(_row(name, rng.uniform(0.05, 1.0), 12))
    harm = {}
    for fid in feats:
        t, m, e, f = feats[fid]
        fold = ((t - t[0]) / period) % 1.0
        o = np.argsort(fold)
        mf = m[o]
        std = f["Std"] or 1.0
        cs = np.cumsum(mf - mf.mean()) / (mf.size * std)
        psi_cs = float(cs.max() - cs.min())
        psi_eta = float(np.sum(np.diff(mf) ** 2) / ((mf.size - 1) * std ** 2)) if std else 0.0
        rows.append(_row("Psi_CS", psi_cs, fid))
        rows.append(_row("Psi_eta", psi_eta, fid))
        nh = 7 if t.size > 16 else max(1, (t.size - 2) // 2)
        amp, rel, mse = _harmonics(t, m, e, period, nh)
        amp = amp.tolist() + [float("nan")] * (7 - amp.size)
        rel = rel.tolist() + [float("nan")] * (6 - rel.size)
        harm[fid] = (amp, rel, mse)
    for fid in feats:
        amp, rel, mse = harm[fid]
        for k in range(7):
            rows.append(_row(f"Harmonics_mag_{k + 1}", amp[k], fid))
        for k in range(6):
            rows.append(_row(f"Harmonics_phase_{k + 2}", rel[k], fid))
        rows.append(_row("Harmonics_mse", mse, fid))
    for fid in feats:
        if drw is not None:
            sigma, tau = drw[1] ** 2 / 2.0 * math.exp(rng.normal(0, 0.2)), drw[0] * math.exp(
                rng.normal(0, 0.3))
        else:
            sigma, tau = feats[fid][3]["Std"] ** 2 * rng.uniform(0.5, 2.0), rng.uniform(1.0, 300.0)
        if rng.uniform() < 0.08:
            tau = float("nan")  # the Gaussian-process fit did not converge
        rows.append(_row("GP_DRW_sigma", sigma, fid))
        rows.append(_row("GP_DRW_tau", tau, fid))
    rows.append(_row("sgscore1", sgscore1, 0))
    gmean = float(g.mean()) if g.size else None
    rmean = float(r.mean()) if r.size else None
    if wise:
        w1, w2, w3 = wise.get("W1"), wise.get("W2"), wise.get("W3")
        rows.append(_row("W1-W2", w1 - w2 if None not in (w1, w2) else None, 0))
        rows.append(_row("W2-W3", w2 - w3 if None not in (w2, w3) else None, 0))
        rows.append(_row("g-W2", gmean - w2 if None not in (gmean, w2) else None, 0))
        rows.append(_row("g-W3", gmean - w3 if None not in (gmean, w3) else None, 0))
        rows.append(_row("r-W2", rmean - w2 if None not in (rmean, w2) else None, 0))
        rows.append(_row("r-W3", rmean - w3 if None not in (rmean, w3) else None, 0))
    else:
        for name in ("W1-W2", "W2-W3", "g-W2", "g-W3", "r-W2", "r-W3"):
            rows.append(_row(name, None, 0))
    return rows
