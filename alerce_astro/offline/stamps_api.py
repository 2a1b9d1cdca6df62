"""
The stamp service (``/stamps``) of the sample server.

* ``/get_stamp?candid&type=science|template|difference&format=fits|png[&oid]``: the cutout
  ``.fits.gz`` bytes verbatim (``application/fits+gzip``, attachment
  ``<oid>_<candid>_<type>.fits.gz``), or a 389x389 grayscale PNG rendering of it.
* ``/get_avro_info?candid[&oid]``: the alert (``alert.json``) as JSON, cutouts left out.
* ``/get_avro?candid[&oid]``: the raw Avro alert. Datasets hold the alert as JSON, not Avro:
  the bytes of ``alert.avro`` are served when the alert folder has that file (content type
  ``app/avro+binary``, as the service labels it); otherwise the answer is the service's 404
  ``{"message": "AVRO not found. ..."}``. No Avro file is made up from the JSON.

It is a Flask-RESTX application (`alerce_astro.offline.flask_restx`): bad or missing parameters
give the 400 ``{"errors": ..., "message": "Input payload validation failed"}``; an unknown
candid gives 404 ``{"message": "AVRO not found. ..."}`` with the "did you mean" help.
"""

import gzip
import json
import struct
import zlib

from .flask_restx import Arg, FlaskApp, Rule, json_response, parse_args

__all__ = ["StampsApi", "fits_image", "render_png"]

STAMP_TYPES = ("science", "template", "difference")
PNG_SIZE = 389
URL_RULES = ("/", "/swagger.json", "/swaggerui/<path:filename>", "/static/<path:filename>",
             "/get_stamp", "/get_avro_info", "/put_avro", "/get_avro")

STAMP_ARGS = (
    Arg("oid", str, "Object ID"),
    Arg("candid", int, "Alert id", required=True),
    Arg("type", str, "Stamp type", choices=STAMP_TYPES, required=True),
    Arg("format", str, "Stamp type", choices=("png", "fits"), required=True),
)
AVRO_ARGS = (
    Arg("oid", str, "Object ID"),
    Arg("candid", int, "Alert id", required=True),
)


def fits_image(raw):
    """``(rows, columns, values)`` of the primary image of a (gzipped) FITS file.

    ``values`` is a flat list of floats in FITS order (first row = bottom row).
    """
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    cards = {}
    offset = 0
    end = False
    while not end and offset + 2880 <= len(raw):
        block = raw[offset:offset + 2880]
        offset += 2880
        for i in range(0, 2880, 80):
            card = block[i:i + 80].decode("ascii", "replace")
            key = card[:8].strip()
            if key == "END":
                end = True
                break
            if card[8:10] == "= ":
                value = card[10:].split("/")[0].strip()
                cards[key] = value
    bitpix = int(cards.get("BITPIX", -32))
    naxis1 = int(cards.get("NAXIS1", 0))
    naxis2 = int(cards.get("NAXIS2", 0))
    bscale = float(cards.get("BSCALE", 1.0))
    bzero = float(cards.get("BZERO", 0.0))
    fmt = {-32: "f", -64: "d", 8: "B", 16: "h", 32: "i", 64: "q"}[bitpix]
    n = naxis1 * naxis2
    values = struct.unpack(f">{n}{fmt}", raw[offset:offset + n * struct.calcsize(fmt)])
    if bscale != 1.0 or bzero != 0.0:
        values = [v * bscale + bzero for v in values]
    return naxis2, naxis1, list(values)


def _png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def render_png(raw, size=PNG_SIZE):
    """A ``size`` x ``size`` 8-bit grayscale PNG of a FITS cutout (north up: rows flipped)."""
    rows, cols, values = fits_image(raw)
    finite = sorted(v for v in values if v == v and v not in (float("inf"), float("-inf")))
    if finite:
        lo = finite[int(0.005 * (len(finite) - 1))]
        hi = finite[int(0.995 * (len(finite) - 1))]
    else:
        lo, hi = 0.0, 1.0
    span = (hi - lo) or 1.0
    pixels = []
    for v in values:
        if v != v or v in (float("inf"), float("-inf")):
            pixels.append(0)
        else:
            pixels.append(max(0, min(255, int(round((v - lo) / span * 255)))))
    col_index = [min(cols - 1, (x * cols) // size) for x in range(size)] if cols else []
    lines = []
    for y in range(size):
        src = rows - 1 - min(rows - 1, (y * rows) // size) if rows else 0
        base = src * cols
        lines.append(b"\x00" + bytes(pixels[base + c] for c in col_index) if cols
                     else b"\x00" + bytes(size))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"".join(lines), 6)) + _png_chunk(b"IEND", b""))


class StampsApi:
    """The stamp service over a `~alerce_astro.offline.dataset.Dataset`."""

    def __init__(self, dataset):
        self.ds = dataset
        endpoints = {"/get_stamp": self.get_stamp, "/get_avro_info": self.get_avro_info,
                     "/get_avro": self.get_avro}
        self.app = FlaskApp([Rule(r, endpoints.get(r)) for r in URL_RULES])

    def handle(self, request):
        """Answer ``request`` (path relative to the service root): ``(status, headers, body)``."""
        return self.app.handle(request)

    def _not_found(self, request):
        return self.app.not_found(request, "AVRO not found")

    def get_stamp(self, request):
        args = parse_args(STAMP_ARGS, request.args)
        found = self.ds.stamp_folder(args["candid"])
        if found is None:
            return self._not_found(request)
        oid, folder = found
        path = folder / f"{args['type']}.fits.gz"
        if not path.is_file():
            return self._not_found(request)
        raw = path.read_bytes()
        name = f"{args['oid'] or oid}_{args['candid']}_{args['type']}"
        if args["format"] == "fits":
            return 200, [("Content-Type", "application/fits+gzip"),
                         ("Content-Disposition", f"attachment; filename={name}.fits.gz")], raw
        return 200, [("Content-Type", "image/png"),
                     ("Content-Disposition", f"attachment; filename={name}.png")], render_png(raw)

    def get_avro_info(self, request):
        args = parse_args(AVRO_ARGS, request.args)
        found = self.ds.stamp_folder(args["candid"])
        if found is None:
            return self._not_found(request)
        oid, folder = found
        path = folder / "alert.json"
        if not path.is_file():
            return self._not_found(request)
        alert = json.loads(path.read_bytes())
        if isinstance(alert, dict):
            for key in ("cutoutScience", "cutoutTemplate", "cutoutDifference"):
                alert.pop(key, None)
        return json_response(200, alert, newline=True)

    def get_avro(self, request):
        args = parse_args(AVRO_ARGS, request.args)
        found = self.ds.stamp_folder(args["candid"])
        if found is None:
            return self._not_found(request)
        oid, folder = found
        path = folder / "alert.avro"
        if not path.is_file():
            return self._not_found(request)
        name = f"{args['candid']}.avro"
        return 200, [("Content-Type", "app/avro+binary"),
                     ("Content-Disposition", f"attachment; filename={name}")], path.read_bytes()
