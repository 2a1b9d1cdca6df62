"""The bodies of the stamp service: FITS cutouts and alert packets, checked before caching."""

from ...stamps.cutouts import read_cutout
from ...transport import parse_json
from ..answers import fits_body
from . import DIALECT

__all__ = ["parse_cutout", "parse_alert"]



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
    return read_cutout(fits_body(answer, DIALECT), source=f"GET {answer.url}")


def parse_alert(answer):
    """The ``/get_avro_info`` body: a JSON object."""
    return parse_json(answer, expect=dict, what="alert")
