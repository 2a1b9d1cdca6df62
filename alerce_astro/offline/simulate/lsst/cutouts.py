"""
Rubin alert cutouts: science, template and difference images of one diaSource.

What a real cutout is (checked on real alerts, ``lsst-alerts/README.md`` of the project):

* a FITS file of three HDUs as `astropy.nddata.CCDData.write` writes them: ``PRIMARY`` float32
  image in nJy (``BUNIT``), ``UNCERT`` float32 **variance** (``UTYPE='VarianceUncertainty'``),
  ``PSFIMAGE`` float64 PSF model summing to 1 (41 x 41 pixels for the science and difference
  images, larger for the template's coadd PSF);
* square, ``clip(bboxSize, 30, 102)`` pixels of 0.2 arcsec, cut from the detector at
  ``CUTMINX``/``CUTMINY``;
* a WCS with ``CRVAL`` = the diaSource's position, ``CRPIX`` = its pixel (``x - CUTMINX``) and
  a ``PC`` matrix in deg/pixel (a reflection by the visit's rotation: ``ROTPA`` is the position
  angle of the focal plane), but no ``CTYPE``/``CUNIT``; header values are written with 14
  significant digits; the three files of an alert share the header;
* images are background subtracted; the template is a deep coadd (about ten times less noisy),
  sometimes slightly misregistered, which leaves dipole residuals in the difference.

`cutout_fits_bytes` writes the bytes ``CCDData.write`` would write for the same content (a test
compares them), without depending on astropy's version for the formatting.
"""

import numpy as np

from ..cutouts import _disc, _moffat
from .constants import ZERO_POINT

__all__ = ["render_alert", "cutout_fits_bytes", "CUTOUT_MIN", "CUTOUT_MAX", "STAMP_TYPES"]

CUTOUT_MIN, CUTOUT_MAX = 30, 102
#: File suffixes of an alert's three cutouts, in the order they are written.
STAMP_TYPES = ("cutoutScience", "cutoutTemplate", "cutoutDifference")
_SCALE = 0.2  # arcsec per pixel
_PSF_SIDE = 41


def _sig14(x):
    """``x`` with 14 significant digits (how the cutouts' header values are written)."""
    return float(f"{float(x):.14g}")


def _band_mag(src, band):
    """A scene source's magnitude in any LSST band (u, z, y extrapolated from g, r, i)."""
    if band in src.mag:
        return src.mag[band]
    g, r, i = src.mag[1], src.mag[2], src.mag[3]
    if band == 6:
        return g + (0.8 + 1.0 * (g - r) if src.kind == "star" else 1.3)
    z = i - 0.25 * (r - i) - 0.02
    return z if band == 4 else z - 0.1 * (r - i) - 0.02


def _njy(mag):
    return 10.0 ** (-0.4 * (mag - ZERO_POINT))


def _psf_image(rng, fwhm, side):
    """A normalised PSF model image (float64), Moffat with a little model noise."""
    c = (side - 1) / 2.0
    yy, xx = np.mgrid[0:side, 0:side] * _SCALE
    psf = _moffat(xx, yy, c * _SCALE, c * _SCALE, fwhm)
    psf = psf + rng.normal(0.0, 2e-4 * psf.max(), psf.shape) * np.exp(-psf / psf.max())
    return psf / psf.sum()


def render_alert(rng, *, scene, model, band, diff, template_flux, seeing, sigma, e_per_njy,
                 ra_det, dec_det, ra_true, dec_true, x, y, bbox, kind):
    """
    Render the three cutouts of an alert and their shared header.

    Parameters
    ----------
    rng : numpy.random.Generator
    scene : list of `~alerce_astro.offline.simulate.scene.Source`
        The object's neighbourhood (counterpart first, if any).
    model : `~alerce_astro.offline.simulate.models.Model`
    band : int
        Band code of the visit.
    diff : float
        True difference flux of the object (nJy).
    template_flux : float
        PSF flux of the static source under the object (nJy).
    seeing : float
        PSF FWHM of the visit (arcsec).
    sigma : float
        Noise of a PSF flux on the difference image from the sky (nJy).
    e_per_njy : float
        Electrons per nJy (photon noise).
    ra_det, dec_det : float
        The diaSource's position (the cutout's reference point).
    ra_true, dec_true : float
        The object's true position.
    x, y : float
        The diaSource's position on the detector (pixels).
    bbox : int
        The diaSource's footprint size (pixels).
    kind : str
        ``transient``, ``star``, ``galaxy`` (an AGN) or ``bogus``.

    Returns
    -------
    header : dict
        Header values (see `cutout_fits_bytes`).
    images : dict
        Stamp type -> ``(image, variance, psf)``.
    truth : dict
        ``template_offset_arcsec``: the template's misregistration (east, north).
    """
    n = int(np.clip(bbox, CUTOUT_MIN, CUTOUT_MAX))
    cutminx, cutminy = int(np.floor(x)) - n // 2, int(np.floor(y)) - n // 2
    crpix1, crpix2 = _sig14(x - cutminx), _sig14(y - cutminy)
    phi = rng.uniform(0.0, 2.0 * np.pi)
    scale = _SCALE / 3600.0 * (1.0 + rng.normal(0.0, 3e-4))
    c, s = np.cos(phi), np.sin(phi)
    pc = np.array([[_sig14(scale * c), _sig14(scale * s)], [_sig14(scale * s), _sig14(-scale * c)]])
    header = {
        "CUTMINX": cutminx, "CUTMINY": cutminy,
        "ROTPA": round(float((180.0 - np.degrees(phi) + rng.normal(0.0, 0.3)) % 360.0), 12),
        "CRPIX1": crpix1, "CRPIX2": crpix2,
        "PC1_1": pc[0, 0], "PC1_2": pc[0, 1], "PC2_1": pc[1, 0], "PC2_2": pc[1, 1],
        "CRVAL1": _sig14(ra_det), "CRVAL2": _sig14(dec_det),
    }
    # sky offsets (arcsec, east and north of the reference point) of every pixel centre
    jj, ii = np.mgrid[0:n, 0:n].astype(float)
    px, py = ii - (crpix1 - 1.0), jj - (crpix2 - 1.0)
    east = (pc[0, 0] * px + pc[0, 1] * py) * 3600.0
    north = (pc[1, 0] * px + pc[1, 1] * py) * 3600.0
    area = (scale * 3600.0) ** 2
    e0 = (((ra_true - ra_det + 180.0) % 360.0) - 180.0) * np.cos(np.radians(dec_det)) * 3600.0
    n0 = (dec_true - dec_det) * 3600.0
    fw_s = seeing
    fw_t = max(seeing * rng.uniform(0.7, 0.92), 0.55)
    # the template sometimes misregistered by a fraction of a pixel
    shift = rng.normal(0.0, 0.15 if rng.uniform() < 0.2 else 0.01, 2)

    def point(e, nn, fwhm, de=0.0, dn=0.0):
        return _moffat(-east, -north, -(e + de), -(nn + dn), fwhm) * area

    # static light: in the science image, in the template, and in the template once matched
    # to the science PSF (keeping the template's misregistration)
    static_s = np.zeros((n, n))
    static_t = np.zeros((n, n))
    static_m = np.zeros((n, n))
    for src in scene:
        if src.role == "counterpart" and src.kind in ("star", "qso"):
            continue  # the object itself, drawn below at its template flux
        mag = src.host_mag.get(band) if src.host_mag else None
        if mag is None:
            mag = _band_mag(src, band)
        f = _njy(mag)
        se, sn = e0 + src.east, n0 + src.north
        if src.kind == "galaxy" and src.size > 0:
            h = max(src.size, 0.08)

            def disc(fwhm, de=0.0, dn=0.0, h=h, src=src, se=se, sn=sn):
                return area * _disc(-east, -north, -(se + de), -(sn + dn), h, src.axis_ratio,
                                    src.pa, fwhm)

            static_s += f * disc(fw_s)
            static_t += f * disc(fw_t, *shift)
            static_m += f * disc(fw_s, *shift)
        else:
            static_s += f * point(se, sn, fw_s)
            static_t += f * point(se, sn, fw_t, *shift)
            static_m += f * point(se, sn, fw_s, *shift)
    # the object's own static light: a star or quasar, an AGN's nucleus (a host galaxy is in
    # the scene); a transient has none (or a little of itself in the template)
    own = template_flux if kind in ("star", "galaxy") else 0.0
    if kind == "galaxy" and model.counterpart is not None:
        own = float(model.ref[band]) * 10.0 ** (0.4 * ZERO_POINT)
    if kind == "transient" and getattr(model, "contamination", 0.0):
        own = model.contamination * model.spm[band]["amplitude"] * 10.0 ** (0.4 * ZERO_POINT)
    if own > 0:
        static_s += own * point(e0, n0, fw_s)
        static_t += own * point(e0, n0, fw_t, *shift)
        static_m += own * point(e0, n0, fw_s, *shift)
    signal = diff * point(e0, n0, fw_s)
    if kind == "bogus":
        signal = _artefact(rng, east - e0, north - n0, diff, fw_s, area)
    sig_px = sigma / (1.05 * np.sqrt(4.0 * np.pi) * fw_s / 2.3548 / _SCALE)
    sig_t = sig_px / rng.uniform(6.0, 12.0)
    var_s = sig_px ** 2 + np.maximum(static_s + np.maximum(signal, 0.0), 0.0) / e_per_njy
    var_t = sig_t ** 2 + np.maximum(static_t, 0.0) / (e_per_njy * 60.0)
    noise_s = rng.normal(size=(n, n)) * np.sqrt(var_s)
    noise_t = rng.normal(size=(n, n)) * np.sqrt(var_t)
    level = rng.normal(0.0, 0.15 * sig_px)  # background-subtraction residual
    science = static_s + signal + noise_s + level
    template = static_t + noise_t + 0.3 * level
    # science minus the matched template (its noise smoothed by the matching kernel): the
    # object's change, plus dipoles of static sources where the template is misregistered
    difference = science - static_m - 0.6 * noise_t - 0.9 * level
    var_d = var_s + 0.36 * var_t
    psf_s = _psf_image(rng, fw_s, _PSF_SIDE)
    psf_t = _psf_image(rng, fw_t, int(rng.choice([51, 55])))
    images = {
        "cutoutScience": (science, var_s, psf_s),
        "cutoutTemplate": (template, var_t, psf_t),
        "cutoutDifference": (difference, var_d, psf_s),
    }
    images = {k: (im.astype(np.float32), v.astype(np.float32), p)
              for k, (im, v, p) in images.items()}
    return header, images, {"template_offset_arcsec": [round(float(v), 5) for v in shift]}


def _artefact(rng, de, dn, flux, fwhm, area):
    """The difference-image signal of an artefact: a dipole, a cosmic ray or a hot pixel."""
    art = rng.choice(["dipole", "cosmic", "hot"])
    if art == "dipole":
        ang = rng.uniform(0.0, 2.0 * np.pi)
        sx, sy = 0.15 * np.cos(ang), 0.15 * np.sin(ang)
        return flux * 3.0 * area * (_moffat(de, dn, sx, sy, fwhm) - _moffat(de, dn, -sx, -sy, fwhm))
    width = 0.09 if art == "cosmic" else 0.06
    g = np.exp(-0.5 * (de ** 2 + dn ** 2) / width ** 2)
    return abs(flux) * g / g.sum() * 1.5


# ---------------------------------------------------------------------------- FITS bytes
def _card(key, value=None, comment=None):
    if value is None:
        text = key
    else:
        if isinstance(value, bool):
            v = f"{'T' if value else 'F':>20}"
        elif isinstance(value, int):
            v = f"{value:>20d}"
        elif isinstance(value, float):
            s = str(value).replace("e", "E")
            v = f"{s:>20}"
        else:
            s = "'" + f"{value:8}" + "'"
            v = f"{s:20}"
        text = f"{key:8}= {v}"
        if comment:
            text += f" / {comment}"
    if len(text) > 80:  # pragma: no cover - every card here fits
        raise ValueError(f"card too long: {text!r}")
    return text.ljust(80).encode("ascii")


def _block(cards):
    data = b"".join(cards) + _card("END")
    return data + b" " * (-len(data) % 2880)


def _data(array, dtype):
    raw = np.ascontiguousarray(array, dtype=dtype).tobytes()
    return raw + b"\0" * (-len(raw) % 2880)


_PRIMARY_COMMENTS = {
    "ROTPA": "Pos angle in deg of focal plane +Y wrt North",
    "CRPIX": "Pixel coordinate of reference point",
    "PC": "Coordinate transformation matrix element",
    "CDELT": "Coordinate increment at reference point",
    "CRVAL": "Coordinate value at reference point",
}


def cutout_fits_bytes(header, image, variance, psf):
    """
    The bytes of a Rubin cutout FITS file (uncompressed), three HDUs.

    The layout is that of `astropy.nddata.CCDData.write` for an image in nJy with a
    `~astropy.nddata.VarianceUncertainty`, a PSF and a WCS without ``CTYPE``: header cards in
    its order with its comments, big-endian data padded to 2880 bytes.

    Parameters
    ----------
    header : dict
        ``CUTMINX``, ``CUTMINY`` (int), ``ROTPA``, ``CRPIX1``, ``CRPIX2``, ``PC1_1``,
        ``PC1_2``, ``PC2_1``, ``PC2_2``, ``CRVAL1``, ``CRVAL2`` (float).
    image, variance : numpy.ndarray
        float32, square.
    psf : numpy.ndarray
        float64.

    Returns
    -------
    bytes
    """
    ny, nx = image.shape
    h = header
    primary = _block([
        _card("SIMPLE", True, "conforms to FITS standard"),
        _card("BITPIX", -32, "array data type"),
        _card("NAXIS", 2, "number of array dimensions"),
        _card("NAXIS1", nx), _card("NAXIS2", ny), _card("EXTEND", True),
        _card("CUTMINX", int(h["CUTMINX"])), _card("CUTMINY", int(h["CUTMINY"])),
        _card("ROTPA", float(h["ROTPA"]), _PRIMARY_COMMENTS["ROTPA"]),
        _card("BUNIT", "nJy"),
        _card("WCSAXES", 2, "Number of coordinate axes"),
        _card("CRPIX1", float(h["CRPIX1"]), _PRIMARY_COMMENTS["CRPIX"]),
        _card("CRPIX2", float(h["CRPIX2"]), _PRIMARY_COMMENTS["CRPIX"]),
        *(_card(k, float(h[k]), _PRIMARY_COMMENTS["PC"])
          for k in ("PC1_1", "PC1_2", "PC2_1", "PC2_2")),
        _card("CDELT1", 1.0, _PRIMARY_COMMENTS["CDELT"]),
        _card("CDELT2", 1.0, _PRIMARY_COMMENTS["CDELT"]),
        _card("CRVAL1", float(h["CRVAL1"]), _PRIMARY_COMMENTS["CRVAL"]),
        _card("CRVAL2", float(h["CRVAL2"]), _PRIMARY_COMMENTS["CRVAL"]),
        _card("LATPOLE", 90.0, "[deg] Native latitude of celestial pole"),
        _card("MJDREF", 0.0, "[d] MJD of fiducial time"),
    ])
    vy, vx = variance.shape
    uncert = _block([
        _card("XTENSION", "IMAGE", "Image extension"),
        _card("BITPIX", -32, "array data type"),
        _card("NAXIS", 2, "number of array dimensions"),
        _card("NAXIS1", vx), _card("NAXIS2", vy),
        _card("PCOUNT", 0, "number of parameters"), _card("GCOUNT", 1, "number of groups"),
        _card("UTYPE", "VarianceUncertainty"),
        _card("EXTNAME", "UNCERT", "extension name"),
    ])
    py_, px_ = psf.shape
    psf_header = _block([
        _card("XTENSION", "IMAGE", "Image extension"),
        _card("BITPIX", -64, "array data type"),
        _card("NAXIS", 2, "number of array dimensions"),
        _card("NAXIS1", px_), _card("NAXIS2", py_),
        _card("PCOUNT", 0, "number of parameters"), _card("GCOUNT", 1, "number of groups"),
        _card("EXTNAME", "PSFIMAGE", "extension name"),
    ])
    return (primary + _data(image, ">f4") + uncert + _data(variance, ">f4") + psf_header
            + _data(psf, ">f8"))
