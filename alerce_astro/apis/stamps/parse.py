"""The bodies of the stamp service: FITS cutouts and alert packets, checked before caching."""

from ...exceptions import ResponseFormatError
from ...stamps.cutouts import read_cutout
from ...transport import parse_json
from . import DIALECT

__all__ = ["parse_cutout", "parse_alert"]

_GZIP_MAGIC = b"\x1f\x8b"


def parse_cutout(answer):
    """
    One ``/get_stamp`` body as a `~alerce_astro.stamps.Cutout`.

    An error page sent with status 200 is told apart first, so that the message quotes what the
    service said instead of a byte dump.

    Raises
    ------
    ResponseFormatError
        If the body is not a (gzip-compressed) FITS image.
    """
    body = bytes(answer.body)
    source = f"GET {answer.url}"
    if body[:2] != _GZIP_MAGIC and body[:6] != b"SIMPLE":
        raise ResponseFormatError(
            f"{source} is not a gzip-compressed FITS file ({len(body)} bytes); the service "
            f"said: {DIALECT.message(body)}")
    return read_cutout(body, source=source)


def parse_alert(answer):
    """The ``/get_avro_info`` body: a JSON object."""
    return parse_json(answer, expect=dict, what="alert")
