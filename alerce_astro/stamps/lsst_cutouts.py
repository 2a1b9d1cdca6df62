"""
Decoding Rubin (LSST) alert cutouts into `~astropy.nddata.NDDataRef` stamps.

A Rubin cutout (as ALeRCE's ``stamps_api/stamp`` serves it, gzip-wrapped by default) is a FITS
file written by `astropy.nddata.CCDData.write` with three HDUs:

- ``PRIMARY``: the image, float32, in nJy (``BUNIT``), with a WCS that lacks ``CTYPE``;
- ``UNCERT``: the **variance** of each pixel (``UTYPE = 'VarianceUncertainty'``), nJy**2;
- ``PSFIMAGE``: the PSF model at the source (float64, its own size, sum close to 1).

`read_lsst_cutout` reads the three with a size cap on decompression, and `make_lsst_stamp`
builds the stamp: data in nJy, ``uncertainty`` a `~astropy.nddata.VarianceUncertainty`, the
real WCS (`~alerce_astro.stamps.lsst_wcs.lsst_cutout_wcs`), the PSF in ``meta["psf"]`` and the
header in ``meta["header"]``.

Nothing here does network I/O or imports matplotlib.
"""

import io
from dataclasses import dataclass

import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.nddata import NDDataRef, VarianceUncertainty

from ..exceptions import ResponseFormatError
from .cutouts import MAX_DECOMPRESSED_BYTES, MAX_SIDE, decompress
from .lsst_wcs import lsst_cutout_wcs

__all__ = ["LsstCutout", "read_lsst_cutout", "make_lsst_stamp", "PIXEL_ORDER_LSST"]

#: ``meta["pixel_order"]`` of LSST stamps as the alert has them.
PIXEL_ORDER_LSST = "as in the alert (orientation given by the WCS: it varies with the visit)"


@dataclass
class LsstCutout:
    """
    One decoded Rubin cutout.

    Attributes
    ----------
    data : `numpy.ndarray`
        The image (float32, native byte order).
    variance : `numpy.ndarray` or None
        Per-pixel variance, same shape (None if the file has no ``UNCERT`` HDU).
    psf : `numpy.ndarray` or None
        The PSF image (None if the file has no ``PSFIMAGE`` HDU).
    header : `~astropy.io.fits.Header`
        The primary header, as sent.
    """

    data: np.ndarray
    variance: np.ndarray | None
    psf: np.ndarray | None
    header: fits.Header

    def copy(self):
        """A copy whose arrays and header can be changed without touching this one."""
        return LsstCutout(self.data.copy(),
                          None if self.variance is None else self.variance.copy(),
                          None if self.psf is None else self.psf.copy(), self.header.copy())

    @property
    def unit(self):
        """The pixel unit from ``BUNIT`` (nJy for Rubin), or `None`."""
        text = str(self.header.get("BUNIT", "")).strip()
        try:
            return u.Unit(text) if text else None
        except ValueError:
            return None


def _native(array):
    array = np.asarray(array)
    return array.astype(array.dtype.newbyteorder("="), copy=True)


def read_lsst_cutout(body, *, source="the stamp", limit=MAX_DECOMPRESSED_BYTES):
    """
    Decode a Rubin cutout: gzip-compressed or plain FITS bytes with the image, its variance
    and the PSF.

    Parameters
    ----------
    body : bytes
        What the stamp service sent.
    source : str, optional
        What the bytes are, for error messages.
    limit : int, optional
        Most bytes the decompressed file may have.

    Returns
    -------
    LsstCutout

    Raises
    ------
    ResponseFormatError
        If the bytes are not such a FITS file.

    Examples
    --------
    >>> import io
    >>> import numpy as np
    >>> from astropy.io import fits
    >>> buffer = io.BytesIO()
    >>> fits.HDUList([fits.PrimaryHDU(np.ones((30, 30), "f4")),
    ...               fits.ImageHDU(np.ones((30, 30), "f4"), name="UNCERT"),
    ...               fits.ImageHDU(np.ones((5, 5)), name="PSFIMAGE")]).writeto(buffer)
    >>> cutout = read_lsst_cutout(buffer.getvalue())
    >>> cutout.data.shape, cutout.variance.shape, cutout.psf.shape
    ((30, 30), (30, 30), (5, 5))
    """
    body = bytes(body)
    raw = decompress(body, limit=limit, source=source) if body[:2] == b"\x1f\x8b" else body
    if raw[:6] != b"SIMPLE":
        raise ResponseFormatError(
            f"{source} is not a FITS file ({len(body)} bytes, starting {body[:20]!r})")
    try:
        with fits.open(io.BytesIO(raw), memmap=False, lazy_load_hdus=False) as hdus:
            primary = hdus[0]
            if primary.data is None or primary.data.ndim != 2:
                raise ResponseFormatError(f"{source} has no 2-D image in its primary HDU")
            if max(primary.data.shape) > MAX_SIDE:
                raise ResponseFormatError(f"{source}: image of {primary.data.shape} pixels is "
                                          f"larger than any cutout")
            names = {hdu.name: hdu for hdu in hdus[1:]}
            variance = names.get("UNCERT")
            psf = names.get("PSFIMAGE")
            cutout = LsstCutout(
                data=_native(primary.data),
                variance=None if variance is None or variance.data is None
                else _native(variance.data),
                psf=None if psf is None or psf.data is None else _native(psf.data),
                header=primary.header.copy())
    except ResponseFormatError:
        raise
    except (OSError, ValueError, TypeError, IndexError) as exc:
        raise ResponseFormatError(f"{source} is not a readable FITS file: {exc}") from None
    if cutout.variance is not None and cutout.variance.shape != cutout.data.shape:
        raise ResponseFormatError(f"{source}: the variance image has shape "
                                  f"{cutout.variance.shape}, the image {cutout.data.shape}")
    return cutout


def make_lsst_stamp(cutout, *, kind, meta, wcs=None, data=None, variance=None,
                    pixel_order=PIXEL_ORDER_LSST):
    """
    One LSST stamp as an `~astropy.nddata.NDDataRef`.

    Parameters
    ----------
    cutout : LsstCutout
        The decoded file.
    kind : str
        ``"science"``, ``"template"`` or ``"difference"``.
    meta : dict
        The alert's metadata (``oid``, ``measurement_id``, ``ra``, ``dec``, ``mjd``, ...).
    wcs : `~astropy.wcs.WCS`, optional
        The WCS (default: from the cutout's header).
    data, variance : `numpy.ndarray`, optional
        Pixels to use instead of the cutout's (a reordered copy).
    pixel_order : str, optional
        What ``meta["pixel_order"]`` says.

    Returns
    -------
    `~astropy.nddata.NDDataRef`
        ``data`` in the cutout's unit (nJy), ``uncertainty`` a
        `~astropy.nddata.VarianceUncertainty` (nJy**2), ``mask`` True where the image is not
        finite, ``wcs`` the cutout's real WCS, ``meta`` with ``psf`` (the PSF image),
        ``header``, ``type``, ``reference_pixel`` (0-based pixel of the WCS reference point,
        the diaSource), ``pixel_scale`` and ``wcs_approximate`` False.
    """
    data = cutout.data if data is None else data
    variance = cutout.variance if variance is None else variance
    if wcs is None:
        wcs = lsst_cutout_wcs(cutout.header, shape=data.shape)
    unit = cutout.unit or u.nJy
    uncertainty = (None if variance is None
                   else VarianceUncertainty(variance, unit=unit ** 2))
    stamp_meta = dict(meta)
    scale = np.sqrt(abs(np.linalg.det(wcs.wcs.get_pc() * wcs.wcs.get_cdelt()[:, None])))
    stamp_meta.update({
        "type": kind,
        "pixel_order": pixel_order,
        "reference_pixel": (float(wcs.wcs.crpix[0] - 1), float(wcs.wcs.crpix[1] - 1)),
        "pixel_scale": (scale * u.deg).to(u.arcsec),
        "wcs_approximate": False,
        "psf": cutout.psf,
        "header": cutout.header,
    })
    return NDDataRef(data, unit=unit, uncertainty=uncertainty, wcs=wcs, meta=stamp_meta,
                     mask=~np.isfinite(data))
