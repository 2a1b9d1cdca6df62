"""
The approximate world coordinate system of a ZTF alert cutout.

ZTF cutouts carry no WCS. What is known about them (checked on the real alerts of the test
data, see ``docs/stamps.rst``):

- the cutout is cut on whole pixels of the science image around the candidate: the candidate
  lies in the centre pixel of a 63 x 63 cutout, within half a pixel of that pixel's centre;
  its exact sub-pixel place is given by the fractional part of the alert's ``xpos``/``ypos``,
  whose axes are the cutout's axes;
- near an edge of the CCD readout channel the cutout is clipped (e.g. 58 x 63): the columns or
  rows beyond the edge are missing, so the candidate is off the array's centre, towards the
  clipped side;
- in the file's pixel order (FITS origin at the lower left), north is down and east is left
  (the image is mirror-reversed); reversing the rows gives north up, east left;
- ZTF pixels are 1.01 arcsec, and a full cutout is 63 pixels on a side (both facts of
  `alerce_astro.surveys.ZTF`: ``pixel_scale``, ``cutout_size``).

`cutout_wcs` turns this into a gnomonic (TAN) WCS: reference point the candidate's ra/dec,
reference pixel the candidate's pixel, CD = diag(-s, -s) in the file's pixel order (or
diag(-s, +s) with the rows reversed), s = 1.01 arcsec. It ignores the small rotation between
the detector rows and the RA axis and the variation of the pixel scale across the camera:
see `ACCURACY`.
"""

import numpy as np
from astropy import units as u
from astropy.wcs import WCS

from ..surveys import ZTF

__all__ = ["WCS_NAME", "ACCURACY", "reference_pixel", "locate_in_difference", "cutout_wcs",
           "flip_reference"]

# Side of a full ZTF cutout, in pixels (ZTF cutouts are square: smallest = largest side).
_FULL = ZTF.cutout_size[1]
#: ``WCSNAME`` of the cutout WCS: says in every header that it is an approximation.
WCS_NAME = "APPROXIMATE ZTF CUTOUT WCS"
#: What the approximation is worth; also in every stamp's ``meta["wcs_accuracy"]``.
ACCURACY = (
    "Approximate WCS built by alerce_astro (ZTF cutouts carry none): TAN projection with the "
    "candidate's ra/dec at the candidate's pixel, 1.01 arcsec pixels, pixel axes along RA and "
    "Dec. The candidate's pixel is placed to within 0.5 pixel (about 0.05 pixel when the "
    "alert's xpos/ypos are used). Neglected: the rotation between the pixel axes and north, "
    "near zero in the middle of a ZTF field and growing to about 3.75 deg x tan|dec| at its "
    "east and west edges (1 deg at |dec| = 15, 3.75 deg at 45, 6.5 deg at 60), which moves a "
    "position 30 pixels from the candidate by 0.5 arcsec per degree; and the variation of the "
    "pixel scale (below 1 percent). Good for positions near the candidate and for sky axes; "
    "not for astrometry.")

#: ZTF readout-channel images are 3072 x 3080 pixels: a candidate nearer than this to the low
#: edge of an axis had its cutout clipped on that side.
_HALF_CHANNEL = 1536


def _axis_reference(n, position, subpixel, full):
    """0-based place of the candidate along one axis of ``n`` pixels, or None if unknown."""
    centre = (full - 1) / 2
    if n >= full:
        base = (n - 1) / 2
    elif position is None:
        return None
    elif position < _HALF_CHANNEL:
        base = centre - (full - n)  # clipped at the low edge: the missing pixels were first
    else:
        base = centre
    if subpixel and position is not None:
        base += position - np.floor(position + 0.5)
    return float(base)


def reference_pixel(shape, *, xpos=None, ypos=None, subpixel=True, full=_FULL):
    """
    Where the candidate lies in a cutout, in the cutout's own pixel order.

    Parameters
    ----------
    shape : tuple of int
        ``(rows, columns)`` of the cutout.
    xpos, ypos : float, optional
        The alert's ``xpos``/``ypos`` (the candidate's place in the science image). Needed to
        tell which side of a clipped cutout is missing, and used for the sub-pixel place.
    subpixel : bool, optional
        Add the fractional part of ``xpos``/``ypos`` (when given).
    full : int, optional
        The side of an unclipped cutout.

    Returns
    -------
    tuple
        ``(x, y)``, 0-based pixel coordinates (``data[y, x]``); an element is `None` when the
        cutout is clipped along that axis and the alert's position is not known.

    Examples
    --------
    >>> reference_pixel((63, 63))
    (31.0, 31.0)
    >>> reference_pixel((63, 58), xpos=12.3, ypos=1500.0)   # clipped at the CCD's left edge
    (26.3, 31.0)
    >>> reference_pixel((63, 58))
    (None, 31.0)
    """
    ny, nx = (int(n) for n in shape)
    return (_axis_reference(nx, xpos, subpixel, full), _axis_reference(ny, ypos, subpixel, full))


def locate_in_difference(difference, sign=1, *, full=_FULL):
    """
    The candidate's pixel in a clipped cutout, found from the difference image.

    An alert is a detection in the difference image at the candidate's position, so of the
    places the candidate can have in a clipped cutout (the missing pixels were on one side or
    the other), the one with the most (signed) difference flux is taken. Used only when the
    alert's ``xpos``/``ypos`` cannot be had.

    Parameters
    ----------
    difference : array-like
        The difference cutout, 2-D, in the file's pixel order.
    sign : {1, -1}, optional
        ``isdiffpos`` of the detection: -1 when the source faded (a negative blob).
    full : int, optional
        The side of an unclipped cutout.

    Returns
    -------
    tuple of float
        ``(x, y)``, 0-based.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((63, 50))
    >>> image[31, 18] = 10.0         # the source, 13 columns missing on the left
    >>> locate_in_difference(image)
    (18.0, 31.0)
    """
    image = np.nan_to_num(np.asarray(difference, dtype=float) * (1 if sign >= 0 else -1))
    ny, nx = image.shape
    centre = (full - 1) / 2

    def options(n):
        return [(n - 1) / 2] if n >= full else sorted({centre, centre - (full - n)})

    def flux(x, y):
        xi, yi = int(round(x)), int(round(y))
        return image[max(yi - 1, 0):yi + 2, max(xi - 1, 0):xi + 2].sum()

    best = max(((x, y) for x in options(nx) for y in options(ny)), key=lambda p: flux(*p))
    return float(best[0]), float(best[1])


def flip_reference(reference, shape):
    """
    The reference pixel after reversing the rows of an image of ``shape``.

    Examples
    --------
    >>> flip_reference((31.0, 20.5), (63, 63))
    (31.0, 41.5)
    """
    return reference[0], (shape[0] - 1) - reference[1]


def cutout_wcs(ra, dec, shape, *, reference=None, north_up=False, scale=ZTF.pixel_scale):
    """
    The approximate TAN WCS of a ZTF cutout.

    Parameters
    ----------
    ra, dec : float or `~astropy.units.Quantity`
        The candidate's position (ICRS; degrees if plain numbers).
    shape : tuple of int
        ``(rows, columns)`` of the cutout.
    reference : tuple of float, optional
        0-based ``(x, y)`` pixel of the candidate in the image the WCS is for (see
        `reference_pixel`); the middle of the image by default.
    north_up : bool, optional
        False (default) for the file's pixel order (north down, east left:
        CD = diag(-s, -s)); True for an image whose rows were reversed (north up, east left:
        CD = diag(-s, +s)).
    scale : `~astropy.units.Quantity`, optional
        Pixel size.

    Returns
    -------
    `~astropy.wcs.WCS`
        With ``wcs.name`` (``WCSNAME``) saying it is approximate and ``pixel_shape`` set.

    Examples
    --------
    >>> w = cutout_wcs(217.7966664, 23.219131, (63, 63))
    >>> sky = w.pixel_to_world(31, 31)
    >>> print(sky.to_string("decimal", precision=7))
    217.7966664 23.2191310
    >>> bool(w.pixel_to_world(31, 41).dec < sky.dec)    # +y is south in the file's order
    True
    """
    ny, nx = (int(n) for n in shape)
    if reference is None:
        reference = ((nx - 1) / 2, (ny - 1) / 2)
    s = u.Quantity(scale, u.arcsec).to_value(u.deg)
    w = WCS(naxis=2)
    w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    w.wcs.cunit = ["deg", "deg"]
    w.wcs.crval = [u.Quantity(ra, u.deg).to_value(u.deg), u.Quantity(dec, u.deg).to_value(u.deg)]
    w.wcs.crpix = [reference[0] + 1, reference[1] + 1]  # FITS pixels count from 1
    # CDELT with an identity PC matrix: the same as CD = diag(-s, -/+s), and the header
    # astropy writes from it reads plainly (CDELT1, CDELT2 and no PC cards).
    w.wcs.cdelt = [-s, s if north_up else -s]
    w.wcs.radesys = "ICRS"
    w.wcs.name = WCS_NAME
    w.pixel_shape = (nx, ny)
    w.wcs.set()
    return w
