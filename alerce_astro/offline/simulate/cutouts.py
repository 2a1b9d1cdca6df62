"""
ZTF alert image cutouts: science, template (reference) and difference images of one alert.

What a real cutout is (checked on real alerts, see ``alerce-api.md`` of the project):

* gzip-compressed single-HDU FITS, BITPIX -32, normally 63x63 pixels, smaller at CCD edges,
  sometimes with NaN pixels (masked or missing data);
* a six-card header ``SIMPLE, BITPIX, NAXIS, NAXIS1, NAXIS2, BUNIT='DN'`` with no WCS. The
  ``SIMPLE`` card has its ``T`` in column 12 instead of the fixed-format column 30 (which is why
  astropy complains when verifying it); `fits_bytes` writes the header byte for byte that way;
* the cutout is centred on the alert position; the pixel scale is 1.012 arcsec and, in FITS
  pixel order, north is down and east is left (viewers flip the rows to get north up).

The images are rendered from the object's scene (`~alerce_astro.offline.simulate.scene`):
sky background and noise of the exposure (``sky``, ``sigpix``), a Moffat PSF (beta = 3) of the
exposure's seeing, exponential-disc galaxies, the template deeper and with its own seeing, and
the difference equal to the science image minus the PSF-matched template: the alert's flux
``flux * 10**(0.4 zp)`` DN at the centre, small PSF-mismatch residuals of static sources, and
the noise of both images. Pixel values are quantised to 1/8 DN (far below the noise) so the
files compress to about half the size of real ones.
"""

import struct
import zlib

import numpy as np

from .cadence import PIXEL_SCALE

__all__ = ["render_cutouts", "fits_bytes", "gzip_bytes", "CUTOUT_SIZE"]

CUTOUT_SIZE = 63
_CENTRE = (CUTOUT_SIZE - 1) / 2.0  # 31: the alert position, 0-based pixel
_BETA = 3.0
_GAIN = 6.2  # e-/DN
_QUANTUM = 0.125


def _moffat(x, y, x0, y0, fwhm_px):
    alpha = fwhm_px / (2.0 * np.sqrt(2.0 ** (1.0 / _BETA) - 1.0))
    r2 = (x - x0) ** 2 + (y - y0) ** 2
    return (_BETA - 1.0) / (np.pi * alpha ** 2) * (1.0 + r2 / alpha ** 2) ** (-_BETA)


def _disc(x, y, x0, y0, h_px, q, pa_deg, fwhm_px):
    # exponential disc, seeing added in quadrature to the radius (a smooth approximation of
    # the convolution), normalised to unit total flux
    pa = np.radians(pa_deg)
    dx, dy = x - x0, y - y0
    # pixel axes: +x west, +y south; position angle measured east of north
    u = -dx * np.sin(pa) - dy * np.cos(pa)
    v = dx * np.cos(pa) - dy * np.sin(pa)
    s = fwhm_px / 2.3548
    r = np.sqrt(u ** 2 + (v / q) ** 2 + 2.0 * s ** 2)
    return np.exp(-r / h_px) / (2.0 * np.pi * h_px ** 2 * q)


def _to_pixels(east, north):
    # offsets on the sky (arcsec) to pixel offsets: east is left, north is down
    return -east / PIXEL_SCALE, -north / PIXEL_SCALE


def render_cutouts(rng, scene, *, fid, zp, offset, flux_dn, obj_ref_dn, seeing, sky, sigpix,
                   kind, shape=None, nan_mask=None):
    """
    Render the three cutouts of one alert.

    Parameters
    ----------
    rng : numpy.random.Generator
    scene : list of `~alerce_astro.offline.simulate.scene.Source`
        The object's neighbourhood; a point-source counterpart (the variable star or quasar
        itself) is drawn from ``obj_ref_dn`` instead of its catalogue magnitude, an AGN host
        from its ``host_mag``.
    fid : int
        Band.
    zp : float
        Zero point of the exposure (mag of 1 DN).
    offset : (float, float)
        Object position relative to the alert position (east, north arcsec): the measured
        position scatters around the true one.
    flux_dn : float
        The alert's difference flux (DN), negative for isdiffpos -1.
    obj_ref_dn : float
        Flux of the object itself in the reference image (DN): the star's mean flux for
        variables, 0 (or some supernova light) for transients.
    seeing : float
        FWHM of the science image (arcsec).
    sky, sigpix : float
        Sky level and noise of the science image (DN).
    kind : str
        ``transient``, ``variable`` or ``bogus``.
    shape : (int, int), optional
        ``(rows, cols)`` of a cutout cut by a CCD edge (the first rows or columns, those
        beyond the edge, are missing; the alert position stays at pixel 31 of the full
        cutout); default 63x63.
    nan_mask : str, optional
        ``edge`` (missing rows or columns at one side), ``block`` (a masked rectangle) or
        ``column`` (a bad column).

    Returns
    -------
    science, template, difference : numpy.ndarray
        float32 images.
    """
    n = CUTOUT_SIZE
    y, x = np.mgrid[0:n, 0:n].astype(float)
    fw_s = seeing / PIXEL_SCALE
    fw_t = rng.uniform(1.8, 2.3) / PIXEL_SCALE
    sig_t = sigpix / rng.uniform(3.0, 6.0)
    ox, oy = _to_pixels(*offset)
    x_obj, y_obj = _CENTRE + ox, _CENTRE + oy
    static_s = np.zeros((n, n))
    static_t = np.zeros((n, n))
    for src in scene:
        point_self = src.role == "counterpart" and src.kind in ("star", "qso")
        if point_self:
            continue
        dx, dy = _to_pixels(src.east + offset[0], src.north + offset[1])
        xs, ys = _CENTRE + dx, _CENTRE + dy
        if not (-15 < xs < n + 15 and -15 < ys < n + 15):
            continue
        mag = src.host_mag[fid] if src.host_mag else src.mag[fid]
        f = 10.0 ** (-0.4 * (mag - zp))
        if src.kind == "galaxy" and src.size > 0:
            h = max(src.size / PIXEL_SCALE, 0.4)
            static_s += f * _disc(x, y, xs, ys, h, src.axis_ratio, src.pa, fw_s)
            static_t += f * _disc(x, y, xs, ys, h, src.axis_ratio, src.pa, fw_t)
        else:
            static_s += f * _moffat(x, y, xs, ys, fw_s)
            static_t += f * _moffat(x, y, xs, ys, fw_t)
    if obj_ref_dn > 0:
        static_s += obj_ref_dn * _moffat(x, y, x_obj, y_obj, fw_s)
        static_t += obj_ref_dn * _moffat(x, y, x_obj, y_obj, fw_t)
    psf_obj = _moffat(x, y, x_obj, y_obj, fw_s)
    var_signal = np.zeros((n, n))
    if kind == "bogus":
        art = rng.choice(["cosmic", "dipole", "hot"])
        if art == "dipole":
            core = 0.03 * max(abs(flux_dn), 1.0) * 20.0
            static_s += core * _moffat(x, y, x_obj, y_obj, fw_s)
            static_t += core * _moffat(x, y, x_obj, y_obj, fw_t)
            ang = rng.uniform(0, 2 * np.pi)
            sx, sy = 0.7 * np.cos(ang), 0.7 * np.sin(ang)
            signal = flux_dn * (_moffat(x, y, x_obj + sx, y_obj + sy, fw_s)
                                - _moffat(x, y, x_obj - sx, y_obj - sy, fw_s))
            signal += flux_dn * psf_obj * 0.3
        else:
            width = 0.45 if art == "cosmic" else 0.3
            g = np.exp(-0.5 * ((x - round(x_obj)) ** 2 + (y - round(y_obj)) ** 2) / width ** 2)
            signal = abs(flux_dn) * g / g.sum() * 1.5
            if art == "cosmic":
                ang = rng.uniform(0, np.pi)
                for t in (-1.0, 1.0):
                    gx = round(x_obj + t * np.cos(ang))
                    gy = round(y_obj + t * np.sin(ang))
                    signal += 0.4 * abs(flux_dn) * (np.abs(x - gx) < 0.5) * (np.abs(y - gy) < 0.5)
        sci_signal = signal if art != "dipole" else np.maximum(signal, 0.0)
    else:
        signal = flux_dn * psf_obj
        sci_signal = signal
        var_signal = np.maximum(signal, 0.0)
    science_model = sky + static_s + sci_signal
    sky_t = sky * rng.uniform(0.98, 1.02)
    template_model = sky_t + static_t
    var_s = sigpix ** 2 + np.maximum(static_s + var_signal, 0.0) / _GAIN
    noise_s = rng.normal(size=(n, n)) * np.sqrt(var_s)
    noise_t = rng.normal(size=(n, n)) * sig_t
    science = science_model + noise_s
    template = template_model + noise_t
    # PSF matching leaves a few per cent of the static sources' structure
    residual = 0.05 * (static_s - static_t)
    difference = signal + residual + noise_s - noise_t + rng.normal(0.0, 0.3)
    images = [science, template, difference]
    if nan_mask:
        mask = np.zeros((n, n), bool)
        if nan_mask == "edge":
            k = int(rng.integers(5, 16))
            side = rng.integers(4)
            if side == 0:
                mask[:k] = True
            elif side == 1:
                mask[-k:] = True
            elif side == 2:
                mask[:, :k] = True
            else:
                mask[:, -k:] = True
        elif nan_mask == "block":
            h, w = int(rng.integers(5, 12)), int(rng.integers(8, 20))
            r0 = int(rng.choice([rng.integers(0, 10), rng.integers(n - 20, n - h)]))
            c0 = int(rng.integers(0, n - w))
            mask[r0:r0 + h, c0:c0 + w] = True
        else:
            c = int(rng.choice([rng.integers(3, 20), rng.integers(43, 60)]))
            mask[:, c] = True
        images = [np.where(mask, np.nan, im) for im in images]
    images = [np.round(im / _QUANTUM) * _QUANTUM for im in images]
    if shape is not None and tuple(shape) != (n, n):
        # the CCD edge is on the low-index side: the first rows or columns are missing
        rows, cols = shape
        images = [im[n - rows:, n - cols:] for im in images]
    return tuple(im.astype(np.float32) for im in images)


def _card(text):
    return text.ljust(80).encode("ascii")


def fits_bytes(image):
    """
    The bytes of a ZTF cutout FITS file (uncompressed) holding ``image``.

    The header is the six cards real cutouts have, with ``SIMPLE`` written as they write it
    (``SIMPLE  =  T``), then ``END``, padded to 2880 bytes with spaces; the data are big-endian
    float32, padded with zeros.

    Parameters
    ----------
    image : numpy.ndarray
        2-D image, ``(NAXIS2, NAXIS1)``.

    Returns
    -------
    bytes
    """
    ny, nx = image.shape
    header = b"".join([
        _card("SIMPLE  =  T"),
        _card(f"BITPIX  = {-32:>20d}"),
        _card(f"NAXIS   = {2:>20d}"),
        _card(f"NAXIS1  = {nx:>20d}"),
        _card(f"NAXIS2  = {ny:>20d}"),
        _card("BUNIT   = 'DN      '"),
        _card("END"),
    ])
    header += b" " * (-len(header) % 2880)
    data = np.ascontiguousarray(image, dtype=">f4").tobytes()
    data += b"\0" * (-len(data) % 2880)
    return header + data


def gzip_bytes(data, mtime):
    """
    Gzip ``data`` deterministically (default compression level, Unix, like the archive's).

    Parameters
    ----------
    data : bytes
    mtime : int
        Modification time written in the gzip header (seconds since 1970).

    Returns
    -------
    bytes
    """
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = comp.compress(data) + comp.flush()
    head = b"\x1f\x8b\x08\x00" + struct.pack("<I", int(mtime) & 0xFFFFFFFF) + b"\x00\x03"
    tail = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return head + body + tail
