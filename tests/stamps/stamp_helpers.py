"""Helpers of the stamp tests: reading the real alerts, making ZTF-style cutouts and small
hand-made datasets for the cases the real data lacks (clipped cutouts, missing alert records)."""

import gzip
import json

import numpy as np


def alert_folders(alerts_dir):
    """Every alert folder of the dataset, sorted."""
    return sorted(p for p in (alerts_dir / "stamps").iterdir() if p.is_dir())


def read_alert(folder):
    return json.loads((folder / "alert.json").read_text())


def ztf_fits(data):
    """FITS bytes written the way ZTF writes cutouts: six cards, SIMPLE's T in column 12."""
    ny, nx = data.shape
    cards = ["SIMPLE  =  T", "BITPIX  =                  -32",
             "NAXIS   =                    2", f"NAXIS1  = {nx:20d}", f"NAXIS2  = {ny:20d}",
             "BUNIT   = 'DN      '", "END"]
    header = "".join(c.ljust(80) for c in cards).ljust(2880).encode("ascii")
    pixels = np.asarray(data, dtype=">f4").tobytes()
    return header + pixels + bytes(-len(pixels) % 2880)


def ztf_cutout(data):
    """A gzip-compressed ZTF-style cutout."""
    return gzip.compress(ztf_fits(data))


#: The hand-made object: a fading source (isdiffpos -1) at a CCD corner.
MADE_OID = "ZTF21aaaaaaa"
MADE_CANDID = 1500000000015015001
MADE_RA, MADE_DEC = 150.25, 2.5
MADE_MJD = 59300.25


def star(shape, x, y, flux, sigma=1.0):
    """A Gaussian source of total ``flux`` at 0-based pixel ``(x, y)``."""
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    return flux / (2 * np.pi * sigma**2) * np.exp(-((xx - x)**2 + (yy - y)**2) / (2 * sigma**2))


def make_dataset(root, *, shape=(63, 51), xpos=10.4, ypos=1500.2, with_alert=True,
                 has_stamp=True, isdiffpos=-1, listed=True):
    """
    A dataset folder with one object and one alert whose cutouts are ``shape`` (clipped at
    the CCD's low-x edge by default), the candidate at the place ``xpos``/``ypos`` give it,
    a NaN corner, and a second, stamp-less detection. ``listed=False`` leaves the alert's
    detection out of the object's detections.
    """
    from alerce_astro.stamps.wcs import reference_pixel

    ref_x, ref_y = reference_pixel(shape, xpos=xpos, ypos=ypos)
    difference = star(shape, ref_x, ref_y, 500.0 * isdiffpos)
    science = 100.0 + star(shape, ref_x, ref_y, 800.0)
    template = 100.0 + star(shape, ref_x, ref_y, 300.0)
    for image in (science, template, difference):
        image[:3, :4] = np.nan
    folder = root / "stamps" / f"{MADE_OID}_{MADE_CANDID}"
    folder.mkdir(parents=True)
    for kind, image in (("science", science), ("template", template),
                        ("difference", difference)):
        (folder / f"{kind}.fits.gz").write_bytes(ztf_cutout(image))
    if with_alert:
        candidate = {"candid": MADE_CANDID, "ra": MADE_RA, "dec": MADE_DEC,
                     "jd": MADE_MJD + 2400000.5, "fid": 1, "xpos": xpos, "ypos": ypos,
                     "isdiffpos": "t" if isdiffpos > 0 else "f", "magpsf": 18.5}
        (folder / "alert.json").write_text(json.dumps(
            {"objectId": MADE_OID, "candid": MADE_CANDID, "candidate": candidate,
             "prv_candidates": []}))
    detection = {"tid": "ztf", "mjd": MADE_MJD, "candid": str(MADE_CANDID), "fid": 1,
                 "isdiffpos": isdiffpos, "ra": MADE_RA, "dec": MADE_DEC, "magpsf": 18.5,
                 "sigmapsf": 0.1, "has_stamp": has_stamp, "parent_candid": None}
    earlier = dict(detection, mjd=MADE_MJD - 3, candid="1497000000015015001",
                   has_stamp=False, parent_candid=MADE_CANDID)
    objects = root / "objects"
    objects.mkdir()
    (objects / f"{MADE_OID}.json").write_text(json.dumps({
        "object": {"oid": MADE_OID, "ndet": 2, "meanra": MADE_RA, "meandec": MADE_DEC,
                   "firstmjd": MADE_MJD - 3, "lastmjd": MADE_MJD},
        "lightcurve": {"detections": [earlier] + ([detection] if listed else []),
                       "non_detections": []},
        "magstats": [], "probabilities": [], "features": []}))
    return root
