"""
The PNG rendering of a cutout, shaped like the stamp service's matplotlib figure.

The service draws the primary image with ``imshow`` (``Greys_r``, nearest neighbour, origin
upper) in a default 6.4x4.8 inch figure at 100 dpi, axes off, saved with
``bbox_inches="tight"`` and a transparent background: a 389x389 RGBA PNG whose square image
spans 369.6 px after a 10 px margin. The grey scale runs from ``min + 0.2 * MAD`` of the image
to the maximum of its central 4x4 pixels, as the service computes it. This is a faithful shape,
not matplotlib's exact pixels.
"""

import struct
import zlib

__all__ = ["render_stamp_png", "PNG_SIZE"]

PNG_SIZE = 389
_MARGIN = 10.0
_SPAN = 369.6


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def render_stamp_png(fits_bytes, window=2):
    """
    A 389x389 RGBA PNG of the primary image of ``fits_bytes``.

    Parameters
    ----------
    fits_bytes : bytes
        A FITS file (the cutout).
    window : int
        Half size of the central box whose maximum is white.

    Returns
    -------
    bytes
    """
    import io

    import numpy as np
    from astropy.io import fits

    with fits.open(io.BytesIO(fits_bytes)) as hdus:
        data = np.asarray(hdus[0].data, dtype=float)
    rows, cols = data.shape
    x, y = rows // 2, cols // 2
    with np.errstate(all="ignore"):
        center = data[x - window:x + window, y - window:y + window]
        finite = data[np.isfinite(data)]
        vmax = float(np.max(center[np.isfinite(center)])) if np.isfinite(center).any() else 1.0
        if finite.size:
            median = float(np.median(finite))
            vmin = float(np.min(finite)) + 0.2 * float(np.median(np.abs(finite - median)))
        else:
            vmin = 0.0
        scale = (data - vmin) / ((vmax - vmin) or 1.0)
        grey = np.clip(np.round(np.nan_to_num(scale, nan=0.0) * 255), 0, 255).astype(np.uint8)
    image = np.zeros((PNG_SIZE, PNG_SIZE, 4), dtype=np.uint8)
    centers = np.arange(PNG_SIZE) + 0.5 - _MARGIN
    inside = (centers >= 0) & (centers < _SPAN)
    r_idx = np.clip((centers * rows / _SPAN).astype(int), 0, rows - 1)
    c_idx = np.clip((centers * cols / _SPAN).astype(int), 0, cols - 1)
    block = grey[np.ix_(r_idx[inside], c_idx[inside])]
    valid = np.isfinite(data)[np.ix_(r_idx[inside], c_idx[inside])]
    sub = image[np.ix_(np.flatnonzero(inside), np.flatnonzero(inside))]
    sub[..., 0] = sub[..., 1] = sub[..., 2] = block
    sub[..., 3] = np.where(valid, 255, 0)
    image[np.ix_(np.flatnonzero(inside), np.flatnonzero(inside))] = sub
    raw = b"".join(b"\x00" + image[i].tobytes() for i in range(PNG_SIZE))
    header = struct.pack(">IIBBBBB", PNG_SIZE, PNG_SIZE, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b""))
