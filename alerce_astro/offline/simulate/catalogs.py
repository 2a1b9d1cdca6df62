"""
catsHTM catalogs of the neighbourhoods of simulated objects.

Each catalog file is ``{"name", "display_name", "columns": [{"name", "units"}], "rows"}`` with
the column names and unit strings catsHTM uses (Soumagnac & Ofek 2018, PASP 130, 075002),
including the ones astropy cannot parse (``JYear``, ``JD``, ``MJD``, ``magAB``,
``nanomaggies``, ``FeH``, ``logg``, the typo ``arcse`` and the dimensionless ``" "``). Missing
values are JSON null (the server turns them into the ``"null"`` strings of the real service).

Rows come from each object's scene (`~alerce_astro.offline.simulate.scene`): a source appears in
a catalog when it is bright enough for the survey and inside its footprint, with the survey's
astrometric scatter. Magnitudes in other systems use simple colour relations (Gaia G from g and
r, Jordi et al. 2010, A&A 523, A48; 2MASS and WISE Vega magnitudes from typical colours of
stars, galaxies and quasars; AB offsets of WISE from Jarrett et al. 2011, ApJ 735, 112), good to
a few tenths of a magnitude. Hosts of extragalactic transients have a spectroscopic redshift in
SpecSDSS or NEDz for some objects and a photometric one (``zphot``, in SWIREz) otherwise.
"""

import numpy as np

from .sky import offset_position

__all__ = ["CATALOGS", "catalog_rows", "catalog_files", "Neighbours"]

_COLS = {
    "GAIADR2": ("GAIA/DR2", [
        ("RA", "deg"), ("Dec", "deg"), ("Epoch", "JYear"), ("ErrRA", "mas"), ("ErrDec", "mas"),
        ("Plx", "mas"), ("ErrPlx", "mas"), ("PMRA", "mas/yr"), ("ErrPMRA", "mas/yr"),
        ("PMDec", "mas/yr"), ("ErrPMDec", "mas/yr"), ("RA_Dec_Corr", " "),
        ("ExcessNoise", "mas"), ("ExcessNoiseSig", " "), ("Mag_G", "mag"), ("MagErr_G", "mag"),
        ("Mag_BP", "mag"), ("MagErr_BP", "mag"), ("Mag_RP", "mag"), ("MagErr_RP", "mag"),
        ("RV", "km/s"), ("ErrRV", "km/s"), ("Teff", "K"), ("Teff_low", "K"),
        ("Teff_high", "K"), ("A_G", "mag"), ("VarFlag", " ")]),
    "TMASS": ("2MASS", [
        ("RA", "deg"), ("Dec", "deg"), ("Epoch", "JD"), ("ErrMaj", "arcsec"), ("Mag_J", "mag"),
        ("MagErr_J", "mag"), ("Mag_H", "mag"), ("MagErr_H", "mag"), ("Mag_K", "mag"),
        ("MagErr_K", "mag")]),
    "WISE": ("WISE", [
        ("RA", "deg"), ("Dec", "deg"), ("ErrRA", "arcsec"), ("ErrDec", "arcse"),
        ("Mag_W1", "mag"), ("MagErr_W1", "mag"), ("Mag_W2", "mag"), ("MagErr_W2", "mag"),
        ("Mag_W3", "mag"), ("MagErr_W3", "mag"), ("Mag_W4", "mag"), ("MagErr_W4", "mag"),
        ("Mag_J", "mag"), ("MagErr_J", "mag"), ("Mag_H", "mag"), ("MagErr_H", "mag"),
        ("Mag_K", "mag"), ("MagErr_K", "mag"), ("Dist_2MASS", "arcsec"), ("PA_2MASS", "deg"),
        ("MeanMJD_W1", "MJD"), ("SNR_W1", " "), ("SNR_W2", " "), ("Sky_W1", "DN"),
        ("VarL_W1", " ")]),
    "unWISE": ("unWISE", [
        ("RA", "deg"), ("Dec", "deg"), ("MagAB_w1", "magAB"), ("ErrMag_w1", "magAB"),
        ("MagAB_w2", "magAB"), ("ErrMag_w2", "magAB"), ("SkyMag_w1", "magAB"),
        ("SkyMag_w2", "magAB"), ("N_w1", " "), ("N_w2", " "), ("Flags_w1", " "),
        ("Flags_w2", " "), ("FlagsAdd_w1", " "), ("FlagsAdd_w2", " ")]),
    "SDSSDR10": ("SDSS/DR10", [
        ("RA", "deg"), ("Dec", "deg"), ("type", " "), ("flags", " "), ("modelMag_u", "mag"),
        ("modelMagErr_u", "mag"), ("modelMag_g", "mag"), ("modelMagErr_g", "mag"),
        ("modelMag_r", "mag"), ("modelMagErr_r", "mag"), ("modelMag_i", "mag"),
        ("modelMagErr_i", "mag"), ("modelMag_z", "mag"), ("modelMagErr_z", "mag"),
        ("V", "deg/day"), ("Verr", "deg/day")]),
    "SpecSDSS": ("SpecSDSS", [
        ("RA", "deg"), ("Dec", "deg"), ("Class", " "), ("subClass", " "), ("z", " "),
        ("zErr", " "), ("zWarning", " "), ("plate", " "), ("fiberID", " "), ("mjd", "MJD"),
        ("modelMag_u", "mag"), ("modelMagErr_u", "mag"), ("modelMag_g", "mag"),
        ("modelMagErr_g", "mag"), ("modelMag_r", "mag"), ("modelMagErr_r", "mag"),
        ("modelMag_i", "mag"), ("modelMagErr_i", "mag"), ("modelMag_z", "mag"),
        ("modelMagErr_z", "mag"), ("velDisp", "km/s"), ("velDispErr", "km/s"),
        ("snMedian_r", " "), ("rChi2", " "), ("DOF", " "), ("elodieBV", "mag"),
        ("elodieFeH", "FeH"), ("elodieLogG", "logg"), ("elodieTEff", "K")]),
    "NEDz": ("NEDz", [
        ("RA", "deg"), ("Dec", "deg"), ("z", " "), ("Velocity", "km/s"), ("ObjType", " "),
        ("RedshiftType", " "), ("Mag", "mag"), ("Filter", " ")]),
    "SWIREz": ("SWIREz", [
        ("RA", "deg"), ("Dec", "deg"), ("zphot", " "), ("zphotErr", " "), ("Mag_r", "mag")]),
    "AAVSO_VSX": ("AAVSO_VSX", [
        ("RA", "deg"), ("Dec", "deg"), ("period", "d"), ("Epoch", "d"), ("MaxMag", "mag"),
        ("MinMag", "mag"), ("VarFlag", " ")]),
    "DECaLS": ("DECaLS", [
        ("RA", "deg"), ("Dec", "deg"), ("ErrRA", "arcsec"), ("ErrDec", "arcsec"), ("Type", " "),
        ("DeltaChi2", " "), ("Flux_u", "nanomaggies"), ("FluxErr_u", "nanomaggies"),
        ("Flux_g", "nanomaggies"), ("FluxErr_g", "nanomaggies"), ("Flux_r", "nanomaggies"),
        ("FluxErr_r", "nanomaggies"), ("Flux_i", "nanomaggies"), ("FluxErr_i", "nanomaggies"),
        ("Flux_z", "nanomaggies"), ("FluxErr_z", "nanomaggies"), ("Flux_y", "nanomaggies"),
        ("FluxErr_y", "nanomaggies"), ("Flux_W1", "nanomaggies"),
        ("FluxErr_W1", "nanomaggies"), ("Flux_W2", "nanomaggies"),
        ("FluxErr_W2", "nanomaggies")]),
}

#: catsHTM request name -> (display name, [(column, unit), ...])
CATALOGS = _COLS


def _r(x, nd):
    return None if x is None else float(round(float(x), nd))


def _mag_err(m, lim, floor=0.01):
    return floor + 0.2 * 10 ** (0.4 * (m - lim))


class Neighbours:
    """What the alert pipeline and the features need from the catalogs of one object."""

    def __init__(self):
        self.wise = None  # {"W1", "W2", "W3"} of the counterpart
        self.ps1 = []  # three nearest PS1 sources: dicts g, r, i, z, sgscore, dist, id
        self.gaia = {"dist": -999.0, "dist_bright": -999.0, "mag": -999.0, "mag_bright": -999.0}
        self.sgscore1 = 0.5
        self.ref_position = None  # (ra, dec) of the nearest reference source


def _in_sdss(dec, gal_b):
    return bool(dec > -11.0 and abs(gal_b) > 25.0)


def _in_decals(dec, gal_b):
    return bool(dec < 32.5 and abs(gal_b) > 18.0)


def catalog_rows(rng, scene, ra, dec, model, *, gal_b, want_rows=True):
    """
    Catalog rows of the sources of one object's scene.

    Parameters
    ----------
    rng : numpy.random.Generator
    scene : list of `~alerce_astro.offline.simulate.scene.Source`
    ra, dec : float
        Object position (deg).
    model : `~alerce_astro.offline.simulate.models.Model`
    gal_b : float
        Galactic latitude of the object (deg): the survey footprints avoid the plane.
    want_rows : bool
        Build the catalog rows (otherwise only the `Neighbours`, which do not depend on it).

    Returns
    -------
    rows : dict
        catsHTM name -> list of rows (lists in column order).
    neighbours : Neighbours
    """
    rows = {name: [] for name in CATALOGS}
    nb = Neighbours()
    # catalog measurement noise has its own stream: the neighbours do not depend on it
    rrng = np.random.default_rng(rng.integers(0, 2 ** 63))
    sdss = _in_sdss(dec, gal_b)
    decals = _in_decals(dec, gal_b)
    ps1_list = []
    for k, src in enumerate(scene):
        sra, sdec = offset_position(ra, dec, src.east, src.north)
        sra, sdec = float(sra), float(sdec)
        g, r, i = src.mag[1], src.mag[2], src.mag[3]
        gr = g - r
        z_mag = i - (0.15 if src.kind != "star" else 0.1 + 0.15 * max(gr, 0.0))
        u_mag = g + (0.25 if src.kind == "qso" else (1.6 if src.kind == "galaxy" else 1.0 + gr))
        counterpart = src.role == "counterpart"
        # near-infrared (Vega)
        if src.kind == "star":
            jmag = r - 0.9 - 1.1 * gr
            hmag, kmag = jmag - 0.35 * max(gr, 0.1) - 0.1, jmag - 0.45 * max(gr, 0.1) - 0.15
            w1, w2, w3 = kmag - 0.05, kmag - 0.1, kmag - 0.15
        elif src.kind == "qso":
            jmag = r - 1.0
            hmag, kmag = jmag - 0.7, jmag - 1.5
            w1 = kmag - 1.0
            w2, w3 = w1 - rng.uniform(0.8, 1.3), w1 - rng.uniform(3.5, 4.5)
        else:
            jmag = r - 1.6
            hmag, kmag = jmag - 0.7, jmag - 1.0
            w1 = kmag - 0.3
            agn = counterpart and model.cls == "AGN"
            w2 = w1 - (rng.uniform(0.6, 1.1) if agn else rng.uniform(-0.1, 0.3))
            w3 = w2 - rng.uniform(1.5, 3.5)
        jitter = lambda s: rrng.normal(0.0, s, 2)  # noqa: E731
        # PS1 (used by the alert packets)
        if r < 23.0:
            sg = (rng.uniform(0.9, 1.0) if src.kind in ("star", "qso")
                  else rng.uniform(0.0, 0.15 if src.size > 0.8 else 0.45))
            ps1_list.append(dict(g=g, r=r, i=i, z=z_mag, sgscore=sg, dist=src.separation,
                                 ra=sra, dec=sdec))
        # Gaia DR2: compact sources to G ~ 20.8
        gmag = r + 0.05 - 0.35 * gr - (0.0 if src.kind != "galaxy" else -0.4)
        compact = src.kind in ("star", "qso") or src.size < 0.8
        in_gaia = compact and gmag < 20.8 and (src.kind != "galaxy" or rng.uniform() < 0.3)
        if in_gaia and want_rows:
            e = jitter(0.0002)
            star = src.kind == "star"
            err = 0.02 * 10 ** (0.2 * (gmag - 15.0))
            plx = rrng.uniform(0.05, 2.0) if star else 0.0
            rows["GAIADR2"].append([
                _r(sra + e[0] / 3600.0, 9), _r(sdec + e[1] / 3600.0, 9), 2015.5,
                _r(err, 4), _r(err * 0.9, 4), _r(plx + rrng.normal(0, 1.2 * err), 4),
                _r(1.2 * err, 4), _r(rrng.normal(0, 6.0) if star else rrng.normal(0, err), 4),
                _r(2.0 * err, 4), _r(rrng.normal(-3.0, 6.0) if star else rrng.normal(0, err), 4),
                _r(2.0 * err, 4), _r(rrng.uniform(-0.5, 0.5), 4),
                _r(rrng.uniform(0.0, 0.3) if star else rrng.uniform(0.5, 3.0), 4),
                _r(rrng.uniform(0.0, 3.0) if star else rrng.uniform(5.0, 40.0), 3),
                _r(gmag, 6), _r(0.001 + 0.003 * 10 ** (0.4 * (gmag - 17.0)), 6),
                _r(gmag + 0.3 + 0.5 * gr, 6), _r(0.005 + 0.02 * 10 ** (0.4 * (gmag - 17.0)), 6),
                _r(gmag - 0.5 - 0.35 * gr, 6), _r(0.004 + 0.015 * 10 ** (0.4 * (gmag - 17.0)), 6),
                None, None,
                _r(rrng.uniform(4000, 7000), 1) if star and gmag < 17.0 else None,
                None, None, None,
                1.0 if (counterpart and model.period is not None and gmag < 19.0) else 0.0])
        if in_gaia:
            d = src.separation
            if d < nb.gaia["dist"] or nb.gaia["dist"] < 0:
                nb.gaia["dist"], nb.gaia["mag"] = d, gmag
            if gmag < 14.0 and (d < nb.gaia["dist_bright"] or nb.gaia["dist_bright"] < 0):
                nb.gaia["dist_bright"], nb.gaia["mag_bright"] = d, gmag
        # 2MASS point/extended photometry to J ~ 16.8
        if jmag < 16.8 and want_rows:
            e = jitter(0.08)
            rows["TMASS"].append([
                _r(sra + e[0] / 3600.0, 6), _r(sdec + e[1] / 3600.0, 6),
                _r(2451000.5 + rrng.uniform(0, 1000), 4), _r(rrng.uniform(0.06, 0.35), 2),
                _r(jmag, 3), _r(_mag_err(jmag, 17.5, 0.02), 3),
                _r(hmag, 3) if hmag < 16.2 else None,
                _r(_mag_err(hmag, 16.8, 0.02), 3) if hmag < 16.2 else None,
                _r(kmag, 3) if kmag < 15.6 else None,
                _r(_mag_err(kmag, 16.2, 0.02), 3) if kmag < 15.6 else None])
        # AllWISE to W1 ~ 17
        wrow = {"W1": w1, "W2": w2 if w2 < 15.8 else None, "W3": w3 if w3 < 12.5 else None}
        if w1 < 17.0 and counterpart:
            nb.wise = wrow
        if w1 < 17.0 and want_rows:
            e = jitter(0.15)
            w4 = w3 - (2.0 if src.kind != "star" else 0.1)
            rows["WISE"].append([
                _r(sra + e[0] / 3600.0, 7), _r(sdec + e[1] / 3600.0, 7),
                _r(0.05 + 0.3 * 10 ** (0.4 * (w1 - 16.0)), 4),
                _r(0.05 + 0.3 * 10 ** (0.4 * (w1 - 16.0)), 4),
                _r(w1, 3), _r(_mag_err(w1, 17.5, 0.02), 3),
                _r(wrow["W2"], 3), _r(_mag_err(w2, 16.3, 0.02), 3) if wrow["W2"] else None,
                _r(wrow["W3"], 3), _r(_mag_err(w3, 13.0, 0.03), 3) if wrow["W3"] else None,
                _r(w4, 3) if w4 < 9.0 else None, _r(_mag_err(w4, 9.5, 0.05), 3) if w4 < 9.0
                else None,
                _r(jmag, 3) if jmag < 16.8 else None,
                _r(_mag_err(jmag, 17.5, 0.02), 3) if jmag < 16.8 else None,
                _r(hmag, 3) if jmag < 16.8 else None,
                _r(_mag_err(hmag, 16.8, 0.02), 3) if jmag < 16.8 else None,
                _r(kmag, 3) if jmag < 16.8 else None,
                _r(_mag_err(kmag, 16.2, 0.02), 3) if jmag < 16.8 else None,
                _r(rrng.uniform(0.05, 0.5), 3) if jmag < 16.8 else None,
                _r(rrng.uniform(0, 360), 1) if jmag < 16.8 else None,
                _r(55350.0 + rrng.uniform(0, 200), 8),
                _r(1.0857 / _mag_err(w1, 17.5, 0.02), 1), _r(1.0857 / _mag_err(w2, 16.3), 1),
                _r(rrng.uniform(5, 40), 3),
                _r(float(rrng.integers(0, 10)) if counterpart and model.period else 0.0, 1)])
        # unWISE (AB) to W1_AB ~ 20.7
        w1ab, w2ab = w1 + 2.699, w2 + 3.339
        if w1ab < 20.7 and want_rows:
            e = jitter(0.2)
            rows["unWISE"].append([
                _r(sra + e[0] / 3600.0, 8), _r(sdec + e[1] / 3600.0, 8),
                _r(w1ab, 6), _r(_mag_err(w1ab, 21.0, 0.003), 6),
                _r(w2ab, 6) if w2ab < 20.3 else None,
                _r(_mag_err(w2ab, 20.5, 0.005), 6) if w2ab < 20.3 else None,
                _r(rrng.uniform(24.5, 25.3), 6), _r(rrng.uniform(24.8, 25.5), 6),
                float(rrng.integers(60, 200)), float(rrng.integers(60, 200)), 0.0, 0.0, 0.0, 0.0])
        # SDSS DR10 photometry to r ~ 22.5 in the footprint
        mags5 = (u_mag, g, r, i, z_mag)
        lims5 = (22.0, 22.2, 22.2, 21.3, 20.5)
        if sdss and r < 22.5 and want_rows:
            e = jitter(0.07)
            row = [_r(sra + e[0] / 3600.0, 9), _r(sdec + e[1] / 3600.0, 9),
                   3.0 if src.kind == "galaxy" else 6.0,
                   float(68987912192 if rrng.uniform() < 0.5 else 268500992)]
            for m, lim in zip(mags5, lims5, strict=True):
                row += [_r(m + rrng.normal(0, 0.02), 5), _r(_mag_err(m, lim, 0.004), 6)]
            row += [_r(abs(rrng.normal(0, 0.002)), 6), _r(rrng.uniform(0.002, 0.006), 6)]
            rows["SDSSDR10"].append(row)
        # redshifts
        zsrc = getattr(src, "z", None)
        z_kind = None
        if want_rows and src.kind in ("galaxy", "qso") and zsrc is not None:
            if counterpart and model.cls in ("SNIa", "SNII", "SNIbc", "SLSN", "AGN", "QSO"):
                u = rrng.uniform()
                z_kind = "spec" if u < 0.35 else ("ned" if u < 0.6 else "phot")
                if model.cls == "QSO" and z_kind == "phot":
                    z_kind = "spec"
            elif src.kind == "galaxy" and r < 17.77 and sdss:
                z_kind = "spec"
            elif src.kind == "galaxy" and r < 18.5 and rrng.uniform() < 0.3:
                z_kind = "ned"
            elif src.kind == "galaxy" and rrng.uniform() < 0.3:
                z_kind = "phot"
        if z_kind == "spec":
            e = jitter(0.07)
            qso = src.kind == "qso" or (counterpart and model.cls == "QSO")
            row = [_r(sra + e[0] / 3600.0, 6), _r(sdec + e[1] / 3600.0, 6),
                   2.0 if qso else 1.0, float(rrng.integers(0, 200)),
                   _r(zsrc + rrng.normal(0, 2e-5), 7), _r(rrng.uniform(1e-5, 5e-5), 7), 0.0,
                   float(rrng.integers(266, 3000)), float(rrng.integers(1, 640)),
                   float(rrng.integers(51600, 56700))]
            for m, lim in zip(mags5, lims5, strict=True):
                row += [_r(m + rrng.normal(0, 0.02), 5), _r(_mag_err(m, lim, 0.004), 6)]
            row += [_r(rrng.uniform(80, 300), 4) if not qso else 0.0,
                    _r(rrng.uniform(3, 15), 4) if not qso else 0.0,
                    _r(rrng.uniform(5, 40), 5), _r(rrng.uniform(0.9, 1.3), 6),
                    float(rrng.integers(3000, 3900)), 0.0, 0.0, 0.0, 0.0]
            rows["SpecSDSS"].append(row)
        elif z_kind == "ned":
            e = jitter(0.5)
            rows["NEDz"].append([
                _r(sra + e[0] / 3600.0, 5), _r(sdec + e[1] / 3600.0, 5), _r(zsrc, 6),
                _r(zsrc * 299792.458, 0), 11.0 if src.kind == "galaxy" else 13.0, 1.0,
                _r(r + rrng.normal(0, 0.1), 1), 16.0])
        elif z_kind == "phot":
            e = jitter(0.3)
            zp_ = max(0.005, zsrc + rrng.normal(0, 0.03 * (1 + zsrc)))
            rows["SWIREz"].append([
                _r(sra + e[0] / 3600.0, 6), _r(sdec + e[1] / 3600.0, 6), _r(zp_, 4),
                _r(0.03 * (1 + zp_), 4), _r(r, 3)])
        # known variables
        if want_rows and counterpart and src.variable_period is not None and (
                model.cls == "LPV" or rrng.uniform() < 0.7):
            e = jitter(0.3)
            lo, hi = src.variable_range
            rows["AAVSO_VSX"].append([
                _r(sra + e[0] / 3600.0, 6), _r(sdec + e[1] / 3600.0, 6),
                _r(src.variable_period, 7 if src.variable_period < 10 else 3),
                _r(2455000.0 + rrng.uniform(0, 2000), 4), _r(lo, 2), _r(hi, 2), 0.0])
        # DECaLS (Legacy Surveys) in its footprint to r ~ 23.5
        if decals and r < 23.5 and want_rows:
            e = jitter(0.01)
            nmgy = lambda m: 10 ** (-0.4 * (m - 22.5))  # noqa: E731
            fl = {b: nmgy(m) for b, m in (("g", g), ("r", r), ("z", z_mag), ("W1", w1ab),
                                           ("W2", w2ab))}
            row = [_r(sra + e[0] / 3600.0, 9), _r(sdec + e[1] / 3600.0, 9),
                   _r(rrng.uniform(0.001, 0.05), 6), _r(rrng.uniform(0.001, 0.05), 6),
                   1.0 if src.kind != "galaxy" else 3.0, _r(-rrng.uniform(10, 5000), 4),
                   None, None]
            for b in ("g", "r"):
                row += [_r(fl[b] * (1 + rrng.normal(0, 0.01)), 6), _r(0.02 * fl[b] + 0.05, 6)]
            row += [None, None]
            row += [_r(fl["z"] * (1 + rrng.normal(0, 0.01)), 6), _r(0.02 * fl["z"] + 0.2, 6)]
            row += [None, None]
            for b in ("W1", "W2"):
                row += [_r(fl[b] * (1 + rrng.normal(0, 0.03)), 6), _r(0.05 * fl[b] + 1.0, 6)]
            rows["DECaLS"].append(row)
        if k == 0 or nb.ref_position is None:
            if r < 21.5 and (nb.ref_position is None):
                nb.ref_position = (sra, sdec)
    ps1_list.sort(key=lambda p: p["dist"])
    for j in range(3):
        if j < len(ps1_list):
            p = ps1_list[j]
            zone = int((p["dec"] + 90.0) * 120.0)
            pid = zone * 10 ** 13 + int(p["ra"] * 1e6) * 10 ** 4 + int(rng.integers(0, 10 ** 4))
            nb.ps1.append({k: float(np.float32(p[k])) for k in ("g", "r", "i", "z", "sgscore",
                                                                  "dist")} | {"id": pid})
        else:
            nb.ps1.append(dict(g=-999.0, r=-999.0, i=-999.0, z=-999.0, sgscore=-999.0,
                               dist=-999.0, id=0))
    if ps1_list:
        nb.sgscore1 = float(np.float32(ps1_list[0]["sgscore"]))
    if nb.gaia["dist"] >= 0:
        nb.gaia = {k: float(np.float32(v)) for k, v in nb.gaia.items()}
    return rows, nb


def catalog_files(rows):
    """
    The catalog file bodies from rows gathered over all objects.

    Parameters
    ----------
    rows : dict
        catsHTM name -> list of rows.

    Returns
    -------
    dict
        catsHTM name -> body (``name``, ``display_name``, ``columns``, ``rows``).
    """
    out = {}
    for name, (display, cols) in CATALOGS.items():
        out[name] = {
            "name": name,
            "display_name": display,
            "columns": [{"name": c, "units": u} for c, u in cols],
            "rows": rows.get(name, []),
        }
    return out

