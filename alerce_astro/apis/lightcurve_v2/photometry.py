"""
ZTF forced photometry of the light curve API v2 -> light-curve columns.

``/forced-photometry/{oid}`` sends one row per forced measurement, with the survey pipeline's
extra values nested in an ``extra_fields`` object (`flatten_forced_photometry` moves them up).
`FORCED` says which key feeds which column; `alerce_astro.apis.ztf_v1.photometry` puts it in
the ZTF map next to the alert detections and upper limits.

================== ================== =====================================================
column             wire key           notes
================== ================== =====================================================
time               mjd                UTC
band_id            fid                1 = g, 2 = r, 3 = i
mag, mag_err       mag, e_mag         difference magnitude; flux derived with isdiffpos
limiting_mag       diffmaglim         (in ``extra_fields``)
detection_id       --                 masked: a forced point is no alert
forced_candid      candid             the point's id, a string (object id and pid)
mag_corr...        mag_corr, e_mag_corr, e_mag_corr_ext
================== ================== =====================================================

then ``ra``, ``dec``, ``has_stamp``, ``corrected``, ``dubious``, ``pid``, ``parent_candid``,
``tid`` and every ``extra_fields`` value under its own name. ``oid`` is left out (it is
``meta["oid"]``).
"""

import json

from ...lightcurve.photometry import KindMap
from . import columns

__all__ = ["FORCED", "flatten_forced_photometry"]

#: Forced photometry rows (flattened) -> light-curve columns.
FORCED = KindMap("forced", columns.FORCED_PHOTOMETRY, {
    "time": "mjd", "band_id": "fid", "mag": "mag", "mag_err": "e_mag",
    "limiting_mag": "diffmaglim", "isdiffpos": "isdiffpos", "mag_corr": "mag_corr",
    "mag_corr_err": "e_mag_corr", "mag_corr_err_ext": "e_mag_corr_ext",
    "forced_candid": "candid", "ra": "ra", "dec": "dec", "has_stamp": "has_stamp",
    "corrected": "corrected", "dubious": "dubious", "pid": "pid",
    "parent_candid": "parent_candid", "tid": "tid",
}, sign="isdiffpos", ignore=("oid",))


def flatten_forced_photometry(rows):
    """
    Forced-photometry rows with their nested ``extra_fields`` moved to the top level.

    A key of ``extra_fields`` that is also a top-level key is kept as ``extra_<key>``.

    Parameters
    ----------
    rows : list of dict
        The rows of ``/forced-photometry/{oid}`` as the service sent them.

    Returns
    -------
    list of dict

    Raises
    ------
    TypeError
        If a row is not an object.

    Examples
    --------
    >>> flatten_forced_photometry([{"mjd": 1.0, "extra_fields": {"field": 5, "mjd": 2}}])
    [{'mjd': 1.0, 'field': 5, 'extra_mjd': 2}]
    """
    out = []
    for row in rows:
        if not isinstance(row, dict):
            raise TypeError(f"forced photometry: expected a list of objects, got an item of "
                            f"type {type(row).__name__}")
        flat = {k: v for k, v in row.items() if k != "extra_fields"}
        extra = row.get("extra_fields")
        if isinstance(extra, str):  # some serialisations send the object as a JSON string
            try:
                extra = json.loads(extra)
            except ValueError:
                extra = {"extra_fields": extra}
        if isinstance(extra, dict):
            for key, value in extra.items():
                flat[f"extra_{key}" if key in flat else key] = value
        out.append(flat)
    return out
