"""
`LsstStampSet`: the science, template and difference cutouts of one Rubin alert, each an
`~astropy.nddata.NDDataRef` in nJy with its variance, PSF and the cutout's real WCS.

Nothing here does network I/O; matplotlib is imported only by `LsstStampSet.plot`.
"""

import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.time import Time

from ..surveys import LSST
from .cutouts import STAMP_TYPES
from .lsst_cutouts import LsstCutout, make_lsst_stamp
from .lsst_wcs import north_up_transform, position_angle, transform_pixels
from .stampset import StampSet

__all__ = ["LsstStampSet", "make_lsst_stamp_set", "PIXEL_ORDER_LSST_NORTH_UP"]

#: ``meta["pixel_order"]`` of LSST stamps reordered by `LsstStampSet.north_up`.
PIXEL_ORDER_LSST_NORTH_UP = ("north as close to up and east to left as a reordering of the "
                             "pixels allows (flips/transpose; the rest of the rotation is in "
                             "the WCS)")
#: meta keys that belong to one image, not to the alert.
_PER_IMAGE = ("type", "pixel_order", "reference_pixel", "pixel_scale", "wcs_approximate",
              "psf", "header", "position_angle")


def make_lsst_stamp_set(cutouts, meta):
    """
    The `LsstStampSet` of an alert's three decoded cutouts.

    Parameters
    ----------
    cutouts : sequence of `~alerce_astro.stamps.lsst_cutouts.LsstCutout`
        Science, template, difference.
    meta : dict
        The alert: ``oid``, ``measurement_id``, ``ra``, ``dec`` (the diaSource), ``mjd`` (UTC),
        ``mjd_tai``, ``band``, ``band_id`` and provenance.

    Returns
    -------
    LsstStampSet
    """
    stamps = []
    for kind, cutout in zip(STAMP_TYPES, cutouts, strict=True):
        if not isinstance(cutout, LsstCutout):
            raise TypeError(f"the {kind} cutout is a {type(cutout).__name__}, not an LsstCutout")
        stamp = make_lsst_stamp(cutout, kind=kind, meta=meta)
        stamp.meta["position_angle"] = position_angle(stamp.wcs) * u.deg
        stamps.append(stamp)
    return LsstStampSet(*stamps, meta=dict(meta))


class LsstStampSet(StampSet):
    """
    The science, template and difference cutouts of one Rubin (LSST) alert.

    Each is an `~astropy.nddata.NDDataRef` with ``data`` in nJy (float32, NaN where the
    cutout has no data, ``mask`` True there), ``uncertainty`` a
    `~astropy.nddata.VarianceUncertainty` (nJy**2, Rubin's per-pixel variance), ``wcs`` the
    cutout's own celestial WCS (its header's ``CRVAL``/``CRPIX``/``PC``, with only the missing
    ``CTYPE``/``CUNIT`` added: ``meta["wcs_approximate"]`` is False) and ``meta`` with ``psf``
    (the PSF model image at the source), ``header`` (as sent), ``position_angle`` (of the
    image's +y axis, east of north: it varies from visit to visit) and the alert's keys
    (``oid``, ``measurement_id``, ``band``, ``mjd`` in UTC, ``mjd_tai`` as Rubin gives it,
    ``ra``/``dec`` of the diaSource).

    The pixels are in the alert's order; `north_up` reorders them (no resampling) and `plot`
    shows that, with sky axes drawn from the real WCS, so rotated alerts are shown right.

    Examples
    --------
    >>> stamps = alerce_lsst.get_stamps(313897383979122767)   # doctest: +SKIP
    >>> stamps.science.unit, stamps.science.uncertainty.uncertainty_type   # doctest: +SKIP
    (Unit("nJy"), 'var')
    """

    survey = LSST
    #: What the alert's id is called (titles, summaries).
    id_label = "measurement_id"

    def __init__(self, science, template, difference, *, meta=None):
        if meta is None:
            meta = {k: v for k, v in science.meta.items() if k not in _PER_IMAGE}
        super().__init__(science, template, difference, meta=meta)

    def __repr__(self):
        shapes = ", ".join(f"{k} {'x'.join(map(str, s.data.shape[::-1]))}"
                           for k, s in self.items())
        return (f"<LsstStampSet {self.oid} measurement_id={self.measurement_id} "
                f"band={self.band or '?'} mjd={self.mjd:.5f} UTC: {shapes}>")

    @property
    def measurement_id(self):
        """The alert's triggering diaSourceId (a Python int: exact)."""
        return self.meta.get("measurement_id")

    @property
    def candid(self):
        """The alert's detection id: the `measurement_id` (the name shared with ZTF)."""
        return self.measurement_id

    @property
    def fid(self):
        """The LSST band code (u is 6)."""
        return self.meta.get("band_id")

    @property
    def time(self):
        """The time of the observation as `~astropy.time.Time` (UTC, converted exactly from
        Rubin's TAI)."""
        if self.meta.get("mjd_tai") is not None:
            return Time(self.meta["mjd_tai"], format="mjd", scale="tai").utc
        return Time(self.mjd, format="mjd", scale="utc")

    @property
    def psf(self):
        """The PSF model image of the science cutout (`numpy.ndarray`)."""
        return self.science.meta.get("psf")

    @property
    def is_north_up(self):
        """Whether `north_up` already reordered the pixels."""
        return self.science.meta.get("pixel_order") == PIXEL_ORDER_LSST_NORTH_UP

    def north_up(self):
        """
        A copy with each image's pixels reordered (flips and/or a transpose, never a
        resampling) to bring north closest to up and east to left, the WCS moved along.

        A Rubin image can be rotated by any angle; what a reordering cannot remove (up to 45
        degrees) stays in the WCS, and the plot's sky axes show it.

        Returns
        -------
        LsstStampSet
        """
        if self.is_north_up:
            return self
        images = []
        for kind, stamp in self.items():
            order = north_up_transform(stamp.wcs, stamp.data.shape)
            data, wcs = transform_pixels(stamp.data, stamp.wcs, order)
            variance = (None if stamp.uncertainty is None
                        else transform_pixels(stamp.uncertainty.array, stamp.wcs, order)[0])
            meta = {k: v for k, v in stamp.meta.items() if k not in _PER_IMAGE}
            cutout = LsstCutout(data=data, variance=variance, psf=stamp.meta.get("psf"),
                                header=stamp.meta.get("header", fits.Header()))
            new = make_lsst_stamp(cutout, kind=kind, meta=meta, wcs=wcs,
                                  pixel_order=PIXEL_ORDER_LSST_NORTH_UP)
            new.meta["position_angle"] = position_angle(wcs) * u.deg
            images.append(new)
        return LsstStampSet(*images, meta=self.meta)

    def to_hdulists(self):
        """
        The three images as FITS, one `~astropy.io.fits.HDUList` each: the image (``BUNIT``
        nJy) with the real WCS and the alert's cards (``OBJECT``, ``MEASID``, ``FILTER``,
        ``MJD-OBS`` in UTC, ``CANDRA``/``CANDDEC``), then ``UNCERT`` (variance) and
        ``PSFIMAGE`` as Rubin sends them.

        Returns
        -------
        list of `~astropy.io.fits.HDUList`
        """
        return [_hdulist(kind, stamp) for kind, stamp in self.items()]


_STRUCTURAL = {"SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "EXTEND", "END"}


def _hdulist(kind, stamp):
    header = fits.Header()
    for card in (stamp.meta.get("header") or fits.Header()).cards:
        if card.keyword not in _STRUCTURAL and not card.keyword.startswith(("CTYPE", "CUNIT",
                                                                           "CRPIX", "PC")):
            header.append(card)
    header.update(stamp.wcs.to_header())
    header["BUNIT"] = (stamp.unit.to_string("fits"), "pixel unit")
    header["STAMPTYP"] = (kind, "cutout type: science, template or difference")
    cards = (("OBJECT", "oid", "LSST diaObjectId"),
             ("MEASID", "measurement_id", "diaSourceId of the alert"),
             ("FILTER", "band", "LSST band"),
             ("MJD-OBS", "mjd", "[d] MJD (UTC) of the observation"),
             ("CANDRA", "ra", "[deg] diaSource right ascension (ICRS)"),
             ("CANDDEC", "dec", "[deg] diaSource declination (ICRS)"))
    for card, key, comment in cards:
        value = stamp.meta.get(key)
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            header[card] = (value, comment)
    header["WCSAPPRX"] = (False, "the WCS is the cutout's own")
    hdus = [fits.PrimaryHDU(data=np.asarray(stamp.data), header=header)]
    if stamp.uncertainty is not None:
        hdus.append(fits.ImageHDU(np.asarray(stamp.uncertainty.array), name="UNCERT"))
    if stamp.meta.get("psf") is not None:
        hdus.append(fits.ImageHDU(np.asarray(stamp.meta["psf"]), name="PSFIMAGE"))
    return fits.HDUList(hdus)
