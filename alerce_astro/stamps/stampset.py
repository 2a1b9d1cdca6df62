"""
`StampSet`: the three image cutouts of one alert, as `~astropy.nddata.NDData` with a WCS.
"""

import textwrap

import numpy as np
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.nddata import NDDataRef
from astropy.time import Time

from ..exceptions import InvalidQueryError
from ..surveys import ZTF, get_survey, survey_of_oid
from .cutouts import STAMP_TYPES
from .wcs import ACCURACY, cutout_wcs, flip_reference

__all__ = ["StampSet", "make_stamp", "PIXEL_ORDER_FILE", "PIXEL_ORDER_NORTH_UP"]

#: ``meta["pixel_order"]`` of stamps in the alert's own pixel order.
PIXEL_ORDER_FILE = "as in the alert: north down, east left (FITS origin lower left)"
#: ``meta["pixel_order"]`` of stamps whose rows were reversed by `StampSet.north_up`.
PIXEL_ORDER_NORTH_UP = "north up, east left (rows reversed from the alert's order)"


def make_stamp(data, *, kind, meta, reference, unit=u.DN, north_up=False, header=None):
    """
    One stamp: an `~astropy.nddata.NDDataRef` with its approximate cutout WCS.

    Parameters
    ----------
    data : `numpy.ndarray`
        The image (2-D).
    kind : str
        ``"science"``, ``"template"`` or ``"difference"``.
    meta : dict
        The alert's metadata: at least ``ra`` and ``dec`` (degrees) of the candidate.
    reference : tuple of float
        0-based ``(x, y)`` pixel of the candidate in ``data``.
    unit : `~astropy.units.Unit`, optional
        Unit of the pixel values (``DN``, data numbers, for ZTF).
    north_up : bool, optional
        Whether ``data`` has north up (rows reversed from the alert's order).
    header : `~astropy.io.fits.Header`, optional
        The cutout file's header, kept in ``meta["header"]``.

    Returns
    -------
    `~astropy.nddata.NDDataRef`
        ``mask`` is True where the data is not finite (NaN pixels near CCD edges).

    Examples
    --------
    >>> import numpy as np
    >>> stamp = make_stamp(np.zeros((63, 63)), kind="science", meta={"ra": 10.0, "dec": -5.0},
    ...                    reference=(31.0, 31.0))
    >>> stamp.unit, stamp.meta["type"], stamp.meta["wcs_approximate"]
    (Unit("DN"), 'science', True)
    """
    data = np.asarray(data)
    wcs = cutout_wcs(meta["ra"], meta["dec"], data.shape, reference=reference,
                     north_up=north_up)
    stamp_meta = dict(meta)
    stamp_meta.update({
        "type": kind,
        "pixel_order": PIXEL_ORDER_NORTH_UP if north_up else PIXEL_ORDER_FILE,
        "reference_pixel": (float(reference[0]), float(reference[1])),
        "pixel_scale": ZTF.pixel_scale,
        "wcs_approximate": True,
        "wcs_accuracy": ACCURACY,
    })
    if header is not None:
        stamp_meta["header"] = header
    return NDDataRef(data, unit=unit, wcs=wcs, meta=stamp_meta, mask=~np.isfinite(data))


class StampSet:
    """
    The science, template and difference cutouts of one ZTF alert.

    Each is an `~astropy.nddata.NDDataRef` (an `~astropy.nddata.NDData` with slicing and
    arithmetic) with ``data`` (floating point, NaN where the cutout has no data, ``mask`` True
    there), ``unit`` (DN), ``wcs`` (an approximate TAN WCS centred on the candidate, see
    ``meta["wcs_accuracy"]``) and ``meta`` (``oid``, ``candid``, ``type``, ``mjd``, ``date``,
    ``fid``, ``band``, ``ra``, ``dec``, ``isdiffpos``, ``pixel_order``, ...).

    The pixels are in the alert's own order (what every ZTF tool reads from the alert: in FITS
    terms, origin lower left, north is down and east is left); the WCS says so. `north_up`
    gives a copy with the rows reversed (north up, east left), and `plot` always shows that.

    A `StampSet` is indexable by position or name and iterates in the order science,
    template, difference.

    Parameters
    ----------
    science, template, difference : `~astropy.nddata.NDData`
        The three images.
    meta : dict, optional
        What the three share (oid, candid, position...); by default the science stamp's
        ``meta`` without the per-image keys.

    Examples
    --------
    >>> stamps = alerce.get_stamps("ZTF18aaqfhlj")   # doctest: +SKIP
    >>> science, template, difference = stamps        # doctest: +SKIP
    >>> stamps["difference"] is stamps[2]            # doctest: +SKIP
    True
    """

    types = STAMP_TYPES

    def __init__(self, science, template, difference, *, meta=None):
        self._images = (science, template, difference)
        if meta is None:
            meta = {k: v for k, v in science.meta.items() if k not in _PER_IMAGE}
        self.meta = dict(meta)

    # -- container ---------------------------------------------------------------------------
    @property
    def science(self):
        """The science cutout (the new image)."""
        return self._images[0]

    @property
    def template(self):
        """The template cutout (the reference image, resampled to the science image)."""
        return self._images[1]

    @property
    def difference(self):
        """The difference cutout (science minus template)."""
        return self._images[2]

    def __getitem__(self, key):
        if isinstance(key, str):
            if key not in STAMP_TYPES:
                raise KeyError(f"{key!r}: the stamps are {', '.join(STAMP_TYPES)}")
            return self._images[STAMP_TYPES.index(key)]
        return self._images[key]

    def __iter__(self):
        return iter(self._images)

    def __len__(self):
        return len(self._images)

    def keys(self):
        """The stamp types, in order: ``('science', 'template', 'difference')``."""
        return STAMP_TYPES

    def items(self):
        """``(type, stamp)`` pairs, in order."""
        return list(zip(STAMP_TYPES, self._images, strict=True))

    def __repr__(self):
        shapes = ", ".join(f"{k} {'x'.join(map(str, s.data.shape[::-1]))}"
                           for k, s in self.items())
        band = self.band or "?"
        return (f"<StampSet {self.oid} candid={self.candid} band={band} "
                f"mjd={self.mjd:.5f}: {shapes}>")

    # -- the alert ---------------------------------------------------------------------------
    @property
    def oid(self):
        """The object id."""
        return self.meta.get("oid")

    @property
    def candid(self):
        """The alert's candid (a Python int: exact)."""
        return self.meta.get("candid")

    @property
    def mjd(self):
        """MJD (UTC) of the observation."""
        return self.meta.get("mjd", np.nan)

    @property
    def time(self):
        """The time of the observation as `~astropy.time.Time`."""
        return Time(self.mjd, format="mjd", scale="utc")

    @property
    def band(self):
        """Band name: ``"g"``, ``"r"`` or ``"i"``."""
        return self.meta.get("band")

    @property
    def fid(self):
        """ZTF filter id: 1 g, 2 r, 3 i."""
        return self.meta.get("fid")

    @property
    def position(self):
        """The candidate's position (the cutouts' centre) as `~astropy.coordinates.SkyCoord`."""
        return SkyCoord(self.meta["ra"] * u.deg, self.meta["dec"] * u.deg, frame="icrs")

    @property
    def is_north_up(self):
        """Whether the rows were reversed to put north up (see `north_up`)."""
        return self.science.meta.get("pixel_order") == PIXEL_ORDER_NORTH_UP

    # -- conversions -------------------------------------------------------------------------
    def north_up(self):
        """
        A copy with each image's rows reversed: north up, east left with ``origin="lower"``.

        The WCS is rebuilt for the new order (CD = diag(-s, +s)), so sky positions are the
        same. Calling it on a north-up set returns the set itself.

        Returns
        -------
        StampSet

        Examples
        --------
        >>> up = stamps.north_up()                                 # doctest: +SKIP
        >>> (up.science.data == stamps.science.data[::-1]).all()   # doctest: +SKIP
        True
        """
        if self.is_north_up:
            return self
        flipped = []
        for kind, stamp in self.items():
            meta = {k: v for k, v in stamp.meta.items() if k not in _PER_IMAGE}
            reference = flip_reference(stamp.meta["reference_pixel"], stamp.data.shape)
            flipped.append(make_stamp(stamp.data[::-1].copy(), kind=kind, meta=meta,
                                      reference=reference, unit=stamp.unit, north_up=True,
                                      header=stamp.meta.get("header")))
        return StampSet(*flipped, meta=self.meta)

    def to_hdulists(self):
        """
        The three images as FITS, one `~astropy.io.fits.HDUList` each (see
        `~alerce_astro.AlerceClass.get_images`).

        Each primary header has the approximate WCS (``WCSNAME`` says it is approximate,
        ``COMMENT`` cards give its accuracy), ``STAMPTYP`` (science, template or difference),
        ``OBJECT`` (the oid), ``CANDID``, ``FILTER``/``FILTERID``, ``MJD-OBS``/``DATE-OBS``,
        ``CANDRA``/``CANDDEC`` (the candidate's position) and ``BUNIT``.

        Returns
        -------
        list of `~astropy.io.fits.HDUList`
        """
        return [_hdulist(kind, stamp) for kind, stamp in self.items()]

    def plot(self, **kwargs):
        """
        The three panels, north up and east left, with sky axes; see
        `alerce_astro.plotting.plot_stamps` for the options.

        Returns
        -------
        `~matplotlib.figure.Figure`
        """
        from ..plotting.stamps import plot_stamps

        return plot_stamps(self, **kwargs)


#: meta keys that belong to one image, not to the alert.
_PER_IMAGE = ("type", "pixel_order", "reference_pixel", "pixel_scale", "wcs_approximate",
              "wcs_accuracy", "header")
#: Cards the stamp headers get from the alert: (card, meta key, comment); "{survey}" and
#: "{codes}" are the survey's title and band codes.
_CARDS = (
    ("OBJECT", "oid", "{survey} object id"),
    ("CANDID", "candid", "alert candidate id"),
    ("FILTERID", "fid", "{survey} band code: {codes}"),
    ("MJD-OBS", "mjd", "[d] MJD (UTC) of the observation"),
    ("DATE-OBS", "date", "date of the observation (UTC)"),
    ("CANDRA", "ra", "[deg] candidate right ascension (ICRS)"),
    ("CANDDEC", "dec", "[deg] candidate declination (ICRS)"),
)


def _hdulist(kind, stamp):
    header = fits.Header()
    original = stamp.meta.get("header")
    if original is not None:
        structural = {"SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "EXTEND", "END"}
        for card in original.cards:
            if card.keyword not in structural:
                header.append(card)
    if stamp.unit is not None:
        header["BUNIT"] = (stamp.unit.to_string("fits") if stamp.unit != u.DN else "DN",
                           "pixel unit (data numbers)")
    header["STAMPTYP"] = (kind, "cutout type: science, template or difference")
    survey = _survey(stamp.meta)
    codes = ", ".join(f"{b.code} {b.name}" for b in sorted(survey.bands, key=lambda b: b.code))
    band = stamp.meta.get("band")
    if band:
        header["FILTER"] = (f"{survey.name.upper()}_{band}", f"{survey.title} band")
    for card, key, comment in _CARDS:
        value = stamp.meta.get(key)
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            header[card] = (value, comment.format(survey=survey.title, codes=codes))
    header.update(stamp.wcs.to_header())
    header["WCSAPPRX"] = (True, "the WCS is approximate: see COMMENT")
    for line in textwrap.wrap(ACCURACY, 70):
        header.add_comment(line)
    return fits.HDUList([fits.PrimaryHDU(data=np.asarray(stamp.data), header=header)])


def _survey(meta):
    """The survey of a stamp: ``meta["survey"]``, else that of its oid; ZTF alerts otherwise
    (the stamps this module reads are ZTF's)."""
    try:
        if meta.get("survey") is not None:
            return get_survey(meta["survey"])
    except InvalidQueryError:
        pass
    return survey_of_oid(meta.get("oid")) or ZTF
