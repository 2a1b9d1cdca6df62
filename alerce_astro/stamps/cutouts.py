"""
Decoding alert cutouts: gzip-compressed single-image FITS files, read safely.

A ZTF cutout is a gzip-compressed FITS file with one 2-D image (BITPIX -32) and a six-card
header (``SIMPLE, BITPIX, NAXIS, NAXIS1, NAXIS2, BUNIT``) whose ``SIMPLE`` card is not written
the standard way. The reader here:

- decompresses in bounded chunks, so a hostile or broken answer (a "gzip bomb") cannot expand
  without limit;
- parses the header with `astropy.io.fits.Header` and the pixels with numpy directly, instead of
  ``fits.open``: ``fits.open`` warns about the non-standard ``SIMPLE`` card on every cutout
  (even with ``ignore_missing_simple=True``), and silencing that with
  `warnings.catch_warnings` is not safe in the worker threads that fetch the three images at
  once (the filters are process-wide state);
- checks the size the header announces against the bytes received, so a truncated file is an
  error, not a short array;
- turns every problem into `~alerce_astro.exceptions.ResponseFormatError` naming the source.

Nothing here does network I/O or imports matplotlib.
"""

import gzip
import io
import re
import zlib
from dataclasses import dataclass

import numpy as np
from astropy.io import fits
from astropy.io.fits.verify import VerifyError

from ..exceptions import ResponseFormatError

__all__ = ["STAMP_TYPES", "MAX_DECOMPRESSED_BYTES", "MAX_SIDE", "Cutout", "decompress",
           "read_cutout"]

#: The three images of an alert, in the order every result gives them.
STAMP_TYPES = ("science", "template", "difference")
#: Largest decompressed cutout accepted (a ZTF cutout is about 20 kB).
MAX_DECOMPRESSED_BYTES = 16 * 2**20
#: Largest image side accepted, in pixels (a ZTF cutout is 63).
MAX_SIDE = 4096

_BLOCK = 2880
_CARD = 80
_GZIP_MAGIC = b"\x1f\x8b"
_DTYPES = {8: ">u1", 16: ">i2", 32: ">i4", 64: ">i8", -32: ">f4", -64: ">f8"}
#: A header card: 80 bytes of printable ASCII (FITS standard, section 4.1).
_PRINTABLE = re.compile(rb"[\x20-\x7e]{80}")
#: Keywords whose cards carry text, not ``= value`` (astropy's commentary cards and CONTINUE).
_TEXT_KEYWORDS = frozenset({b"", b"COMMENT", b"HISTORY", b"CONTINUE"})
#: Header blocks searched for the END card before giving up (a cutout has one).
_MAX_HEADER_BLOCKS = 64


@dataclass
class Cutout:
    """
    One decoded cutout.

    Attributes
    ----------
    data : `numpy.ndarray`
        The image, 2-D, native byte order, in the file's pixel order (row 0 is the bottom row
        of FITS images: ``data[y, x]``). Floating point; NaN where the file has NaN (or
        ``BLANK`` for integer images).
    header : `astropy.io.fits.Header`
        The file's header cards, as sent.
    """

    data: np.ndarray
    header: fits.Header

    @property
    def shape(self):
        """``(rows, columns)`` of the image."""
        return self.data.shape

    def copy(self):
        """A copy whose arrays and header can be changed without touching this one."""
        return Cutout(self.data.copy(), self.header.copy())

    @property
    def unit(self):
        """The ``BUNIT`` card (``"DN"`` for ZTF), or `None`."""
        value = str(self.header.get("BUNIT", "")).strip()
        return value or None


def decompress(body, *, limit=MAX_DECOMPRESSED_BYTES, source="the stamp"):
    """
    Decompress gzip bytes, refusing to produce more than ``limit`` bytes.

    Parameters
    ----------
    body : bytes
        gzip data (several gzip members are read in turn, as `gzip` does).
    limit : int, optional
        Most bytes the result may have.
    source : str, optional
        What the bytes are, for error messages (e.g. the URL).

    Returns
    -------
    bytes

    Raises
    ------
    ResponseFormatError
        If the data is not valid gzip, is truncated, or expands beyond ``limit``.

    Examples
    --------
    >>> import gzip
    >>> decompress(gzip.compress(b"SIMPLE"))
    b'SIMPLE'
    >>> decompress(gzip.compress(bytes(1000)), limit=100)
    Traceback (most recent call last):
    ...
    alerce_astro.exceptions.ResponseFormatError: the stamp expands to more than 100 bytes ...
    """
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body), mode="rb") as stream:
            while True:
                # Read at most one byte past the limit: enough to know it was exceeded.
                chunk = stream.read(min(65536, limit + 1 - len(out)))
                if not chunk:
                    break
                out += chunk
                if len(out) > limit:
                    raise ResponseFormatError(
                        f"{source} expands to more than {limit} bytes when decompressed; "
                        f"refusing to read it (a cutout is about 20 kB)")
    except ResponseFormatError:
        raise
    except (OSError, EOFError, zlib.error) as exc:
        raise ResponseFormatError(
            f"{source} is not valid gzip data ({len(body)} bytes): {exc}") from None
    return bytes(out)


def read_cutout(body, *, source="the stamp", limit=MAX_DECOMPRESSED_BYTES):
    """
    Decode a cutout: gzip-compressed (or plain) FITS bytes with one 2-D image.

    Parameters
    ----------
    body : bytes
        What the stamp service sent.
    source : str, optional
        What the bytes are, for error messages (e.g. ``"GET <url>"``).
    limit : int, optional
        Most bytes the decompressed file may have.

    Returns
    -------
    Cutout
        The image (native byte order, floating point) and the header.

    Raises
    ------
    ResponseFormatError
        If the bytes are not a gzip-compressed FITS image (an error page, JSON, a truncated
        or oversized file, a header without ``END``, an image that is not 2-D).

    Examples
    --------
    >>> import gzip, io
    >>> import numpy as np
    >>> from astropy.io import fits
    >>> buffer = io.BytesIO()
    >>> fits.PrimaryHDU(np.ones((3, 4), dtype=">f4")).writeto(buffer)
    >>> cutout = read_cutout(gzip.compress(buffer.getvalue()))
    >>> cutout.shape, cutout.data.dtype.str
    ((3, 4), '<f4')
    """
    body = bytes(body)
    if body[:2] == _GZIP_MAGIC:
        raw = decompress(body, limit=limit, source=source)
    elif body[:6] == b"SIMPLE":
        raw = body  # already decompressed by something on the way
    else:
        raise ResponseFormatError(
            f"{source} is not a gzip-compressed FITS file ({len(body)} bytes); it starts "
            f"with: {_preview(body)}")
    if raw[:6] != b"SIMPLE":
        raise ResponseFormatError(
            f"{source} decompresses to something that is not FITS ({len(raw)} bytes, "
            f"starting {raw[:20]!r})")
    header, data_start = _read_header(raw, source)
    data = _read_image(raw, header, data_start, source)
    return Cutout(data, header)


def _preview(body, limit=200):
    """The start of an answer that is not a cutout (an error page, JSON), as one short line.

    (Plain text only: the data model does not import the transport's error dialects.)"""
    text = " ".join(body[:4 * limit].decode("utf-8", errors="replace").split())
    return (text[:limit] + "...") if len(text) > limit else (text or "(empty body)")


def _read_header(raw, source):
    """The header cards up to END, and where the data starts (a multiple of 2880)."""
    for block in range(_MAX_HEADER_BLOCKS):
        start = block * _BLOCK
        if start + _BLOCK > len(raw):
            break
        for offset in range(start, start + _BLOCK, _CARD):
            if raw[offset:offset + 8] == b"END     ":
                return _parse_cards(raw[:offset + _CARD], source), start + _BLOCK
    raise ResponseFormatError(f"{source}: the FITS header has no END card "
                              f"({len(raw)} bytes; truncated?)")


def _parse_cards(cards, source):
    """
    The header from its cards (END included), checked first so that astropy never warns.

    `fits.Header.fromstring` warns (AstropyUserWarning) about a card that is not ASCII or
    whose keyword it cannot place, and that warning would reach the user: silencing it with
    `warnings.catch_warnings` is not thread-safe, so such cards are refused here instead.
    """
    for number, offset in enumerate(range(0, len(cards) - _CARD, _CARD), start=1):
        card = cards[offset:offset + _CARD]
        if not _PRINTABLE.fullmatch(card):
            raise ResponseFormatError(
                f"{source}: unreadable FITS header (card {number} is not printable ASCII: "
                f"{card[:20]!r}...)")
        keyword = card[:8].rstrip().upper()
        equals = card.find(b"=")
        # astropy reads a value card when "=" is within the first nine bytes, a HIERARCH card
        # when it has "=" anywhere, and commentary cards as text; anything else it warns about.
        if not (keyword in _TEXT_KEYWORDS or 0 <= equals <= 8
                or (keyword == b"HIERARCH" and card[8:9] == b" " and equals > 0)):
            raise ResponseFormatError(
                f"{source}: unreadable FITS header (card {number} is neither a value nor a "
                f"commentary card: {card[:20]!r}...)")
    try:
        # Bytes after END on its card are ignored (astropy's own reader blanks them too).
        text = cards[:-_CARD].decode("ascii") + "END".ljust(_CARD)
        header = fits.Header.fromstring(text)
        for card in header.cards:
            card.value  # noqa: B018 -- parse every value now: astropy parses lazily
    except (ValueError, TypeError, VerifyError) as exc:
        raise ResponseFormatError(f"{source}: unreadable FITS header ({exc})") from None
    return header


def _card_int(header, key, source):
    value = header.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ResponseFormatError(f"{source}: the FITS header's {key} is {value!r}, "
                                  f"not an integer")
    return int(value)


def _read_image(raw, header, data_start, source):
    naxis = _card_int(header, "NAXIS", source)
    if naxis != 2:
        raise ResponseFormatError(f"{source}: expected a 2-D image, the header says "
                                  f"NAXIS = {naxis}")
    bitpix = _card_int(header, "BITPIX", source)
    if bitpix not in _DTYPES:
        raise ResponseFormatError(f"{source}: BITPIX = {bitpix} is not a FITS pixel type")
    nx = _card_int(header, "NAXIS1", source)
    ny = _card_int(header, "NAXIS2", source)
    if not (0 < nx <= MAX_SIDE and 0 < ny <= MAX_SIDE):
        raise ResponseFormatError(f"{source}: the image is {nx} x {ny} pixels; expected "
                                  f"between 1 and {MAX_SIDE} on each side")
    dtype = np.dtype(_DTYPES[bitpix])
    size = nx * ny * dtype.itemsize
    if len(raw) < data_start + size:
        raise ResponseFormatError(
            f"{source} is truncated: the header announces {size} bytes of pixels, "
            f"{max(0, len(raw) - data_start)} arrived")
    pixels = np.frombuffer(raw, dtype=dtype, count=nx * ny, offset=data_start).reshape(ny, nx)
    if bitpix < 0:
        data = pixels.astype(dtype.newbyteorder("="))
    else:
        data = pixels.astype(np.float64)
        blank = header.get("BLANK")
        if isinstance(blank, (int, np.integer)) and not isinstance(blank, bool):
            data[pixels == blank] = np.nan
    bscale, bzero = header.get("BSCALE", 1), header.get("BZERO", 0)
    if bscale != 1 or bzero != 0:
        data = data * bscale + bzero
    return data
