"""
The stamps of the multisurvey API (``stamps_api/stamp``) for Rubin alerts: the query of one
cutout, its body, and which detections have cutouts.

Wire facts (``alerce-fixtures/lsst-recorded/exchanges/stamps/``):

- ``GET /stamps_api/stamp?oid&measurement_id&stamp_type&file_format&survey_id``, with
  ``stamp_type`` one of ``cutoutScience``, ``cutoutTemplate``, ``cutoutDifference`` and
  ``file_format`` ``fits``: a gzip-wrapped FITS file (``application/gzip``) with three HDUs,
  ``PRIMARY`` (image, nJy), ``UNCERT`` (variance) and ``PSFIMAGE`` (the PSF);
- only the alert's triggering detection has cutouts (``has_stamp`` true on its detection row);
  any other ``measurement_id`` is a plain-text 500, so the client picks the detection first;
- ``stamps_api/avro`` answers 500 for LSST: no alert packet is served.
"""

from ...exceptions import ObjectNotFoundError
from ...stamps.lsst_cutouts import read_lsst_cutout
from ..answers import fits_body
from . import DIALECT
from .quirks import UNSUPPORTED

__all__ = ["STAMP_TYPE", "FILE_FORMAT", "NO_ALERT_PACKETS", "stamp_params", "parse_cutout",
           "stamp_records", "parse_alert", "record_from_alert", "position_in_image"]

#: Our stamp kind -> ``stamp_type`` of the wire.
STAMP_TYPE = {"science": "cutoutScience", "template": "cutoutTemplate",
              "difference": "cutoutDifference"}
#: ``file_format`` asked for (``png`` is a 389x389 rendering without WCS or units).
FILE_FORMAT = "fits"
#: Why there is no alert packet to ask for (the service's rule, kept in `quirks`).
NO_ALERT_PACKETS = UNSUPPORTED["avro"]



def stamp_params(oid, measurement_id, kind):
    """
    The query of one FITS cutout (in the order the recorded exchanges send it; the route adds
    ``survey_id``).

    Parameters
    ----------
    oid : int
        The diaObjectId.
    measurement_id : int
        The diaSourceId of the alert's triggering detection.
    kind : str
        ``"science"``, ``"template"`` or ``"difference"``.

    Returns
    -------
    list of (str, str)

    Examples
    --------
    >>> stamp_params(313897383979122767, 170094456251351059, "science")
    [('oid', '313897383979122767'), ('measurement_id', '170094456251351059'), \
('stamp_type', 'cutoutScience'), ('file_format', 'fits')]
    """
    return [("oid", str(int(oid))), ("measurement_id", str(int(measurement_id))),
            ("stamp_type", STAMP_TYPE[kind]), ("file_format", FILE_FORMAT)]


def parse_cutout(answer):
    """
    One ``stamps_api/stamp`` body as an `~alerce_astro.stamps.lsst_cutouts.LsstCutout`.

    Raises
    ------
    ResponseFormatError
        If the body is not a (gzip-wrapped) FITS file; the message quotes what the service
        said when it sent text.
    """
    return read_lsst_cutout(fits_body(answer, DIALECT), source=f"GET {answer.url}")


def stamp_records(rows):
    """
    What a stamp needs of each detection row: ``candid`` (the measurement_id), ``mjd`` (TAI,
    as sent), ``ra``, ``dec``, ``fid`` (the band code), ``has_stamp``.

    Rows without a measurement_id or position are left out. ``isdiffpos`` is None: the sign of
    an LSST detection is that of its ``psfFlux``, given as ``isdiffpos`` (1 or -1) when known.

    Parameters
    ----------
    rows : list of dict
        The JSON rows of ``lightcurve_api/detections``.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> stamp_records([{"measurement_id": 170094456251351059, "mjd": 61105.09, "ra": 1.5,
    ...                 "dec": -2.0, "band": 3, "has_stamp": True, "psfFlux": -12.5}])
    [{'candid': 170094456251351059, 'mjd': 61105.09, 'ra': 1.5, 'dec': -2.0, 'fid': 3, \
'isdiffpos': -1, 'has_stamp': True}]
    """
    records = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        mid, mjd, ra, dec = (row.get(k) for k in ("measurement_id", "mjd", "ra", "dec"))
        if mid is None or mjd is None or ra is None or dec is None:
            continue
        band = row.get("band")
        flux = row.get("psfFlux")
        records.append({
            "candid": int(mid), "mjd": float(mjd), "ra": float(ra), "dec": float(dec),
            "fid": None if band is None else int(band),
            "isdiffpos": None if not flux else (1 if float(flux) > 0 else -1),
            "has_stamp": bool(row.get("has_stamp") or False)})
    return records


def parse_alert(answer):
    """Never called: there are no LSST alert packets (`NO_ALERT_PACKETS`)."""
    raise ObjectNotFoundError(NO_ALERT_PACKETS)


def record_from_alert(alert, oid, detection_id):
    """Never called: there are no LSST alert packets (`NO_ALERT_PACKETS`)."""
    raise ObjectNotFoundError(NO_ALERT_PACKETS)


def position_in_image(alert):
    """Nothing: the cutout's own WCS places the diaSource (``CRPIX``)."""
    return {}
