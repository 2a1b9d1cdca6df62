"""Helpers of the light-curve tests: simulated bodies and plain views of columns."""

import json

import numpy as np

#: A synthetic object with forced photometry, served from a dataset written at test time.
FORCED_OID = "ZTF21aaaaaaa"


def num(value):
    """A float from a (masked) quantity or number."""
    value = getattr(value, "unmasked", value)
    return float(getattr(value, "value", value))


def maskof(col):
    """The mask of any column as a list of bools."""
    from alerce_astro.lightcurve._arrays import mask_of

    return mask_of(col).tolist()


def recorded_object(fixtures_dir, oid):
    """The recorded JSON bodies of one object (``{"object", "lightcurve", ...}``)."""
    with open(fixtures_dir / "recorded" / "objects" / f"{oid}.json", encoding="utf-8") as f:
        return json.load(f)


def periodic_detections(period, *, n=400, span=900.0, seed=1, amplitude=0.4, noise=0.03,
                        bands=(1, 2), start=58500.0):
    """
    A ``/lightcurve`` body of a simulated periodic variable (numpy only).

    The star has a constant reference magnitude per band and a sinusoidal magnitude; the
    detections carry the signed difference magnitude (``magpsf`` with ``isdiffpos``) and the
    apparent one (``magpsf_corr``), as ALeRCE serves a variable star on a reference source.
    """
    rng = np.random.default_rng(seed)
    mjd = np.sort(start + rng.uniform(0, span, n))
    fid = rng.choice(bands, n)
    ref_mag = np.where(fid == 1, 17.0, 16.6)
    phase = 2 * np.pi * (mjd - start) / period
    true_mag = ref_mag + amplitude * np.sin(phase) + np.where(fid == 1, 0.1, 0.0)
    flux = 10 ** (-0.4 * (true_mag - 23.9))
    ref = 10 ** (-0.4 * (ref_mag - 23.9))
    diff = flux - ref + rng.normal(0, noise * ref, n)
    magpsf = 23.9 - 2.5 * np.log10(np.abs(diff))
    sigmapsf = 1.0857 * noise * ref / np.abs(diff)
    apparent = 23.9 - 2.5 * np.log10(ref + diff)
    rows = []
    for i in range(n):
        rows.append({
            "tid": "ztf", "mjd": float(mjd[i]), "candid": str(1000000000000000000 + i),
            "fid": int(fid[i]), "pid": 100000 + i, "diffmaglim": 20.5,
            "isdiffpos": 1 if diff[i] > 0 else -1, "magpsf": float(magpsf[i]),
            "sigmapsf": float(min(sigmapsf[i], 5.0)), "magpsf_corr": float(apparent[i]),
            "sigmapsf_corr": 100.0, "sigmapsf_corr_ext": float(1.0857 * noise * ref[i]
                                                              / (ref[i] + diff[i])),
            "ra": 150.0 + rng.normal(0, 1e-5), "dec": 2.0 + rng.normal(0, 1e-5),
            "rb": 0.9, "drb": 0.99, "has_stamp": i % 10 == 0, "corrected": True,
            "dubious": False, "parent_candid": None,
        })
    return {"detections": rows, "non_detections": [
        {"tid": "ztf", "mjd": start - 5.0 - k, "fid": 1 + k % 2, "diffmaglim": 20.0}
        for k in range(5)]}


def forced_rows(oid, *, n=12, start=59300.0):
    """Forced-photometry rows in the v2 shape (nested ``extra_fields``), numpy-made."""
    rows = []
    for i in range(n):
        detected = i % 3 != 0
        rows.append({
            "candid": f"{oid}{2000000000000 + i}", "tid": "ztf", "sid": "ztf", "aid": None,
            "pid": 2000000000000 + i, "oid": oid, "mjd": start + 1.5 * i, "fid": 1 + i % 2,
            "ra": 150.0, "e_ra": 0.0, "dec": 2.0, "e_dec": 0.0,
            "mag": 18.0 + 0.1 * i if detected else 21.5,
            "e_mag": 0.05 if detected else 1.5,
            "mag_corr": None, "e_mag_corr": None, "e_mag_corr_ext": None,
            "isdiffpos": 1 if i != 4 else -1, "corrected": False, "dubious": False,
            "parent_candid": None, "has_stamp": False,
            "extra_fields": {"field": 600, "rcid": 12, "rfid": 600120112,
                             "diffmaglim": 20.2 + 0.01 * i, "programid": 1,
                             "procstatus": "0", "magzpsci": 26.1, "exptime": 30.0,
                             "sciinpseeing": 2.1},
        })
    return rows
