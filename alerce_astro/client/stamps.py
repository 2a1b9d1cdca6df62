"""
The stamp part of `~alerce_astro.AlerceClass`: `get_stamps`, `get_images`, `get_avro_info`
and `plot_stamps` (fetch, then draw with `alerce_astro.plotting.plot_stamps`).

How a stamp set is fetched:

1. the alert: without ``candid``, the object's latest detection that has stamps (the ALeRCE
   tutorial's documented behaviour; ``candid="first"`` for the discovery alert); with it,
   that detection. Both come from one ``/objects/{oid}/detections`` request, which also gives the
   candidate's position, time and band. A candid that is not among the object's detections is
   looked up in the stamp service's alert record (``/get_avro_info``). What was found for a
   candid is cached for good (it never changes), so asking again for the same candid sends no
   request at all;
2. the three cutouts, fetched at once (one thread each), each cached for good by candid;
3. decoding (`~alerce_astro.stamps.cutouts.read_cutout`) and the approximate WCS
   (`~alerce_astro.stamps.wcs.cutout_wcs`).
"""

import collections
import contextvars
import json
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from astropy import units as u
from astropy.time import Time

from ..cache import request_key
from ..exceptions import (
    AlerceWarning,
    InvalidQueryError,
    ObjectNotFoundError,
    RemoteServiceError,
    ResponseFormatError,
)
from ..schema import convert_values
from ..stamps.cutouts import STAMP_TYPES
from ..stamps.lsst_cutouts import LsstCutout
from ..stamps.lsst_stampset import make_lsst_stamp_set
from ..stamps.stampset import StampSet, make_stamp
from ..stamps.wcs import locate_in_difference, reference_pixel
from ..surveys.base import validate_int64_id
from ..transport import parse_json
from .base import AlerceBase

__all__ = ["StampQueries"]
#: Which alert ``candid=None`` means: ``"last"``, the latest alert with stamps, as the ALeRCE
#: tutorial documents it (``"first"``, the discovery alert the stamp classifier saw, on request).
DEFAULT_ALERT = "last"
_WHICH = ("first", "last")


class StampQueries(AlerceBase):
    """Methods of `~alerce_astro.AlerceClass` for alert image stamps; see the class for
    settings."""

    def get_stamps(self, oid, candid=None, *, subpixel=False, cache=None,
                   get_query_payload=False):
        """
        The science, template and difference cutouts of an alert, with sky coordinates.

        For LSST (``survey="lsst"``) only the alert's triggering detection has cutouts (its
        ``has_stamp``): that one is the default, and the result is an
        `~alerce_astro.stamps.lsst_stampset.LsstStampSet` (nJy, variance, PSF and the
        cutout's own WCS; see :doc:`/lsst`).

        Parameters
        ----------
        oid : str or int
            A ZTF object id, or an LSST diaObjectId.
        candid : int, str, optional
            The alert (detection) whose stamps to get, or ``"last"`` (the default: the
            object's latest detection that has stamps, as the ALeRCE tutorial documents) or
            ``"first"`` (its discovery alert, the one the stamp classifier saw). For LSST, a
            ``measurement_id``; a detection without ``has_stamp`` is refused before any
            request.
        subpixel : bool, optional
            Also fetch the alert's record (`get_avro_info`: one more request, sent together
            with the images and cached for good) to place the candidate at its sub-pixel
            position in the WCS: about 0.05 pixel instead of up to 0.5 pixel. Ignored for
            LSST, whose cutouts carry an exact WCS.
        cache : bool, optional
            Use the cache (default: astroquery's ``cache_conf.cache_active``). Stamps never
            change and are kept for good; see `clear_cache`.
        get_query_payload : bool, optional
            Return the requests instead of sending them (a list of dicts: the detections
            request, then the three images' requests when ``candid`` is given).

        Returns
        -------
        `~alerce_astro.stamps.StampSet`
            Three `~astropy.nddata.NDData` (``science``, ``template``, ``difference``), each
            with ``data`` in the alert's pixel order, ``unit`` DN, an approximate ``wcs`` and
            ``meta``.

        Raises
        ------
        InvalidQueryError
            For a malformed oid or candid, or a candid that belongs to another object.
        ObjectNotFoundError
            If the object does not exist, has no detection with stamps, or the stamp service
            has no stamps for the candid.
        ResponseFormatError
            If the service sent something that is not a FITS cutout.

        Examples
        --------
        >>> stamps = alerce.get_stamps("ZTF18aaqfhlj")   # doctest: +SKIP
        >>> stamps.science.wcs.pixel_to_world(31, 31)      # doctest: +SKIP
        """
        self._refuse("stamps")
        oid = self.survey.validate_oid(oid)
        candid, which = _candid_argument(candid)
        if not isinstance(subpixel, bool):
            raise InvalidQueryError(f"subpixel must be True or False, got {subpixel!r}")
        if get_query_payload:
            payloads = [self._payload(self._route("detections", oid=oid))]
            if candid is not None:
                payloads += [self._payload(self._stamp_route(oid, candid, kind))
                             for kind in STAMP_TYPES]
            return payloads
        record = self._stamp_record(oid, candid, which, cache)
        return self._stamp_set(oid, record, subpixel=subpixel, cache=cache)

    def get_images(self, oid, candid=None, *, subpixel=False, cache=None,
                   get_query_payload=False):
        """
        The cutouts of an alert as FITS: a list of three `~astropy.io.fits.HDUList`.

        The astroquery form of `get_stamps` (same arguments): science, template, difference,
        each one primary HDU with the pixels in the alert's order and a header carrying the
        approximate WCS (``WCSNAME``, ``WCSAPPRX`` and ``COMMENT`` say so), ``STAMPTYP``,
        ``OBJECT``, ``CANDID``, ``FILTER``, ``MJD-OBS`` and the candidate's position.

        Returns
        -------
        list of `~astropy.io.fits.HDUList`

        Examples
        --------
        >>> science, template, difference = alerce.get_images("ZTF18aaqfhlj")  # doctest: +SKIP
        >>> science[0].header["STAMPTYP"]                                     # doctest: +SKIP
        'science'
        """
        stamps = self.get_stamps(oid, candid=candid, subpixel=subpixel, cache=cache,
                                 get_query_payload=get_query_payload)
        if get_query_payload:
            return stamps
        return stamps.to_hdulists()

    def get_avro_info(self, candid, *, oid=None, cache=None, get_query_payload=False):
        """
        The alert packet of a candid without its cutouts, as the stamp service gives it.

        Parameters
        ----------
        candid : int or str
            The alert's candid.
        oid : str, optional
            Its object id (the service does not need it).
        cache : bool, optional
            Use the cache (alerts never change: kept for good).
        get_query_payload : bool, optional
            Return the request instead of sending it.

        Returns
        -------
        dict
            The alert as JSON: ``objectId``, ``candid``, ``candidate`` (every column of the
            ZTF alert schema: ``ra``, ``dec``, ``jd``, ``fid``, ``xpos``, ``ypos``,
            ``magpsf``...), ``prv_candidates`` and more. candids are exact Python ints.

        Raises
        ------
        InvalidQueryError
            For a malformed candid or oid.
        ObjectNotFoundError
            If the service has no alert with that candid.

        Examples
        --------
        >>> alert = alerce.get_avro_info(1786550031115010000)   # doctest: +SKIP
        >>> alert["candidate"]["magpsf"]                         # doctest: +SKIP
        """
        self._refuse("avro")
        candid = _validate_candid(candid)
        params = [("candid", candid)]
        if oid is not None:
            params.append(("oid", self.survey.validate_oid(oid)))
        route = self._route("avro_info").with_params(params)
        if get_query_payload:
            return self._payload(route)
        try:
            return self._get(route, cache=cache, static=True,
                             parse=self.service.parse_alert)
        except ObjectNotFoundError as exc:
            raise ObjectNotFoundError(
                f"the stamp service has no alert with candid {candid} ({exc})") from None

    def plot_stamps(self, oid, candid=None, *, subpixel=False, cache=None, **kwargs):
        """
        Fetch an alert's stamps and plot them: `get_stamps` then
        `alerce_astro.plotting.plot_stamps`.

        Parameters
        ----------
        oid : str or int
            A ZTF object id, or an LSST diaObjectId.
        candid : int or str, optional
            The alert, ``"last"`` (default) or ``"first"``: as for `get_stamps`.
        subpixel, cache
            As for `get_stamps`.
        **kwargs
            Passed to `alerce_astro.plotting.plot_stamps` (``fig``, ``figsize``...).

        Returns
        -------
        `~matplotlib.figure.Figure`

        Examples
        --------
        >>> fig = alerce.plot_stamps("ZTF18aaqfhlj")   # doctest: +SKIP
        """
        from ..plotting.stamps import plot_stamps

        stamps = self.get_stamps(oid, candid=candid, subpixel=subpixel, cache=cache)
        return plot_stamps(stamps, **kwargs)

    # -- the alert behind the stamps --------------------------------------------------------
    def _stamp_route(self, oid, candid, kind):
        return self._route("stamp").with_params(self.service.stamp_params(oid, candid, kind))

    def _record_url(self):
        # Not a real URL: the name of the cache entries holding what was found for a candid.
        return self._route("stamp").url + "#alert-record"

    def _record_key(self, oid, candid):
        return request_key("GET", self._record_url(), [("oid", oid), ("candid", str(candid))])

    def _stamp_record(self, oid, candid, which, cache):
        """candid, ra, dec, mjd, fid, isdiffpos (and maybe xpos/ypos) of the alert."""
        store, _ = self._cache_for(cache, static=True)
        if candid is not None and store is not None:
            body = store.get(self._record_key(oid, candid), max_age=None)
            record = _load_record(body)
            if record is not None:
                return record
        record = self._record_from_detections(oid, candid, which, cache)
        if record is None and getattr(self.service, "no_alert_packets", None):
            raise ObjectNotFoundError(f"{oid} has no detection with measurement_id {candid}: "
                                      f"stamps exist only for an alert's triggering detection "
                                      f"(has_stamp true in query_detections)")
        if record is None:  # a candid that is not among the object's detections
            alert = self.get_avro_info(candid, oid=oid, cache=cache)
            record = self.service.record_from_alert(alert, oid, candid)
        if store is not None:
            key = self._record_key(oid, record["candid"])
            # An alert never changes: write its record once, not on every call.
            if _load_record(store.get(key, max_age=None)) is None:
                store.put(key, json.dumps(record).encode(), url=self._record_url())
        return record

    def _record_from_detections(self, oid, candid, which, cache):
        route = self._route("detections", oid=oid)
        schema = self.service.columns.DETECTION
        own_records = getattr(self.service, "stamp_records", None)  # the wire's own columns

        def parse(answer):
            # The records of the same answer (a cached one, read again) are made once.
            key = (answer.url, bytes(answer.body))
            found = _RECORDS.get(key)
            if found is None:
                rows = parse_json(answer, expect=list, what="detections")
                bad = sorted({type(r).__name__ for r in rows if not isinstance(r, dict)})
                if bad:
                    raise ResponseFormatError(
                        f"GET {answer.url}: expected a list of objects for the detections, "
                        f"got items of type {', '.join(bad)}")
                found = (own_records(rows) if own_records is not None
                         else _detection_records(schema, rows))
                _RECORDS.put(key, found)
            return [dict(r) for r in found]  # the caller's to change

        # 404: no object (the message names it)
        records, _ = self._get_json(route, what="detections", cache=cache, parse=parse)
        if candid is not None:
            found = next((r for r in records if r["candid"] == candid), None)
            if (found is not None and not found["has_stamp"]
                    and getattr(self.service, "no_alert_packets", None)):
                # LSST: only the triggering detection has cutouts; the service would say 500.
                raise ObjectNotFoundError(
                    f"{oid}: detection {candid} has no stamps (has_stamp is false: only an "
                    f"alert's triggering detection has cutouts; those of {oid}: "
                    f"{[r['candid'] for r in records if r['has_stamp']]})")
            return found
        with_stamps = [r for r in records if r["has_stamp"]]
        if not with_stamps:
            detail = (f"none of its {len(records)} detections has stamps (has_stamp is false: "
                      f"they came with later alerts as previous candidates)" if records
                      else "it has no detections")
            raise ObjectNotFoundError(f"{oid} has no stamps: {detail}")
        pick = min if which == "first" else max
        return pick(with_stamps, key=lambda r: (r["mjd"], r["candid"]))

    def _alert_meta(self, oid, record):
        fid = record.get("fid")
        mjd = record["mjd"]
        return {
            "oid": oid,
            "candid": int(record["candid"]),
            "mjd": mjd,
            "date": Time(mjd, format="mjd", scale=self.survey.time_scale).utc.isot,
            "fid": fid,
            "band": self.survey.band_name(fid) if fid is not None else None,
            "ra": record["ra"],
            "dec": record["dec"],
            "isdiffpos": record.get("isdiffpos"),
        }

    # -- the images -------------------------------------------------------------------------
    def _stamps_cached(self, oid, candid, cache):
        """Whether the three cutouts of ``candid`` are in the cache (then no threads)."""
        return all(self._is_cached(self._stamp_route(oid, candid, kind), cache)
                   for kind in STAMP_TYPES)

    def _decoded_cutout(self, oid, candid, kind, fetch):
        """A cached cutout, decoded once per process (stamps never change): a copy of the
        decoded one, or ``fetch(kind)`` the first time. Only asked for once the cache holds
        the stamp, so that a cleared cache is never answered from memory."""
        route = self._stamp_route(oid, candid, kind)
        key = (str(self.cache_location), route.url, tuple(map(tuple, route.params)))
        cutout = _DECODED.get(key)
        if cutout is None:
            cutout = fetch(kind)
            _DECODED.put(key, cutout)
        # Copies: what a caller does to its stamps never reaches the next caller.
        return cutout.copy()

    def _stamp_set(self, oid, record, *, subpixel, cache):
        candid = record["candid"]
        # LSST cutouts carry their own WCS (and there is no alert packet): nothing to add.
        want_alert = (subpixel and record.get("xpos") is None
                      and not getattr(self.service, "no_alert_packets", None))

        def fetch_image(kind):
            return self._get(self._stamp_route(oid, candid, kind), cache=cache, static=True,
                             parse=self.service.parse_cutout)

        jobs = {kind: (fetch_image, kind) for kind in STAMP_TYPES}
        if want_alert:
            jobs["alert"] = (lambda _: self.get_avro_info(candid, oid=oid, cache=cache), None)
        outcome = {}
        if self._stamps_cached(oid, candid, cache) and not want_alert:
            # Everything is on disk: reading three files needs no threads, and cutouts
            # decoded before need not be read nor decoded again.
            for name, (func, arg) in jobs.items():
                try:
                    outcome[name] = self._decoded_cutout(oid, candid, arg, func)
                except RemoteServiceError as exc:
                    outcome[name] = exc
        else:
            with ThreadPoolExecutor(max_workers=len(jobs),
                                    thread_name_prefix="alerce-stamps") as pool:
                # Each job runs in a copy of this context: in a bulk run its request then
                # waits for one of the run's request slots like any other.
                futures = {name: pool.submit(contextvars.copy_context().run, func, arg)
                           for name, (func, arg) in jobs.items()}
            for name, future in futures.items():
                try:
                    outcome[name] = future.result()
                except RemoteServiceError as exc:
                    outcome[name] = exc
        for kind in STAMP_TYPES:
            if isinstance(outcome[kind], Exception):
                raise _stamp_error(outcome[kind], oid, candid, kind, record)
        record = dict(record)
        if want_alert:
            alert = outcome["alert"]
            position = ({} if isinstance(alert, Exception)
                        else self.service.position_in_image(alert))
            record.update(position)
            if not position:
                reason = alert if isinstance(alert, Exception) else "it has no xpos/ypos"
                warnings.warn(f"subpixel=True: the alert record of candid {candid} could not "
                              f"be used ({reason}); the candidate is placed at the centre of "
                              f"its pixel (within 0.5 pixel)", AlerceWarning)
        cutouts = [outcome[kind] for kind in STAMP_TYPES]
        if all(isinstance(c, LsstCutout) for c in cutouts):
            return self._lsst_stamp_set(oid, record, cutouts)
        clipped = any(None in reference_pixel(c.shape) for c in cutouts)
        if clipped and record.get("xpos") is None and "alert" not in outcome:
            # Which side of a clipped cutout is missing is told by the alert's xpos/ypos.
            try:
                record.update(self.service.position_in_image(
                    self.get_avro_info(candid, oid=oid, cache=cache)))
            except RemoteServiceError:
                pass  # fall back on the difference image below
        meta = self._meta(self._stamp_route(oid, candid, STAMP_TYPES[0]))
        meta.update(self._alert_meta(oid, record))
        stamps = []
        for kind, cutout in zip(STAMP_TYPES, cutouts, strict=True):
            reference, origin = _reference(cutout, cutouts[2], record)
            stamp_meta = dict(meta, reference_pixel_from=origin)
            unit = u.Unit(cutout.unit or "DN", parse_strict="silent")
            stamps.append(make_stamp(cutout.data, kind=kind, meta=stamp_meta,
                                     reference=reference, unit=unit, header=cutout.header))
        return StampSet(*stamps, meta=meta)

    def _lsst_stamp_set(self, oid, record, cutouts):
        """Rubin cutouts: nJy, variance, PSF and the cutout's own WCS."""
        meta = self._meta(self._stamp_route(oid, record["candid"], STAMP_TYPES[0]))
        meta.update(self._alert_meta(oid, record))
        mjd_tai = meta["mjd"]
        time = Time(mjd_tai, format="mjd", scale=self.survey.time_scale).utc
        meta.update({"measurement_id": meta.pop("candid"), "band_id": meta.pop("fid"),
                     "mjd": float(time.mjd), "mjd_tai": mjd_tai, "date": time.isot})
        return make_lsst_stamp_set(cutouts, meta)


class _DecodedCutouts:
    """The last ``size`` things decoded from cached answers (cutouts, alert records), by
    key; what is kept is never changed (copies are handed out)."""

    def __init__(self, size):
        self.size = size
        self.items = collections.OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            cutout = self.items.get(key)
            if cutout is not None:
                self.items.move_to_end(key)
            return cutout

    def put(self, key, cutout):
        with self.lock:
            self.items[key] = cutout
            while len(self.items) > self.size:
                self.items.popitem(last=False)


#: 64 cutouts: the three images of the last ~20 alerts, ~1 MB.
_DECODED = _DecodedCutouts(64)
#: The alert records of the last 16 detections answers read, by URL and body.
_RECORDS = _DecodedCutouts(16)


def _candid_argument(candid):
    """``(candid or None, "first"/"last")`` from the ``candid`` argument."""
    if candid is None:
        return None, DEFAULT_ALERT
    if isinstance(candid, str) and candid.strip().lower() in _WHICH:
        return None, candid.strip().lower()
    if isinstance(candid, str) and not candid.strip().isdigit():
        raise InvalidQueryError(f"candid={candid!r} is neither a candid (a positive integer) "
                                f"nor one of {_WHICH}")
    return _validate_candid(candid), None


def _validate_candid(candid):
    """A detection id: exact, never through a float."""
    return validate_int64_id(candid, argument="candid", what="a detection id (candid)")


def _stamp_error(exc, oid, candid, kind, record):
    what = f"the {kind} stamp of {oid} (candid {candid})"
    if isinstance(exc, ObjectNotFoundError):
        hint = ""
        if record.get("has_stamp") is False:
            hint = (" This detection has has_stamp false: it came with a later alert as a "
                    "previous candidate and has no cutouts of its own.")
        return ObjectNotFoundError(f"the stamp service has no {kind} stamp for {oid} "
                                   f"candid {candid}.{hint} ({exc})")
    if isinstance(exc, ResponseFormatError):
        return ResponseFormatError(f"{what} could not be decoded: {exc}")
    return type(exc)(f"{what}: {exc}")


def _detection_records(schema, rows):
    """The `_row_record` of each detection row the service sent, straight from its JSON.

    Only the seven columns a record needs are converted (with the schema's types and rules,
    `alerce_astro.schema.convert_values`), not the whole detections table.
    """
    if type(rows) is not list or not all(type(row) is dict for row in rows):
        schema.table(rows)  # raises the schema's error for anything but objects
        rows = list(rows)
    values = {}
    for name in _RECORD_COLUMNS:
        field = schema[name]
        key = field.wire_key
        data, mask = convert_values([row.get(key) for row in rows], field.dtype)
        values[name] = [None if m else v for v, m in zip(data.tolist(), mask.tolist(),
                                                          strict=True)]
    return [r for r in map(_row_record, _rows_of(values, len(rows))) if r is not None]


_RECORD_COLUMNS = ("candid", "mjd", "ra", "dec", "fid", "isdiffpos", "has_stamp")


def _rows_of(values, n):
    return ({name: values[name][i] for name in _RECORD_COLUMNS} for i in range(n))


def _row_record(row):
    """The stamp-relevant part of one detection row, or None if it lacks what is needed."""
    def value(name):
        v = row[name]
        return None if v is None or v is np.ma.masked else v

    candid, mjd, ra, dec = (value(name) for name in ("candid", "mjd", "ra", "dec"))
    if candid is None or mjd is None or ra is None or dec is None:
        return None
    fid, isdiffpos = value("fid"), value("isdiffpos")
    return {"candid": int(candid), "mjd": float(mjd), "ra": float(ra), "dec": float(dec),
            "fid": None if fid is None else int(fid),
            "isdiffpos": None if isdiffpos is None else int(isdiffpos),
            "has_stamp": bool(value("has_stamp") or False)}


def _load_record(body):
    if body is None:
        return None
    try:
        record = json.loads(body)
    except ValueError:
        return None
    needed = ("candid", "mjd", "ra", "dec")
    if not isinstance(record, dict) or not all(k in record for k in needed):
        return None
    return record


def _reference(cutout, difference, record):
    """The candidate's pixel in one cutout, and where that came from."""
    x, y = record.get("xpos"), record.get("ypos")
    if x is not None and y is not None:
        return reference_pixel(cutout.shape, xpos=x, ypos=y), "alert xpos/ypos"
    ref = reference_pixel(cutout.shape)
    if None not in ref:
        return ref, "cutout centre"
    if difference.shape == cutout.shape:
        return (locate_in_difference(difference.data, record.get("isdiffpos") or 1),
                "difference image (clipped cutout; the alert's xpos/ypos were not available)")
    return ((cutout.shape[1] - 1) / 2, (cutout.shape[0] - 1) / 2), "array centre (unknown)"
