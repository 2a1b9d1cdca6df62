"""
The TAP methods of `~alerce_astro.AlerceClass` (a mixin): ADQL on ALeRCE's TAP service.

ALeRCE's bulk path past per-object REST is its TAP service (GAVO DaCHS over ALeRCE's
databases: schema ``alerce_tap``, the multisurvey database with LSST; schema ``ztf``, the legacy
ZTF database). These methods reach it through pyvo, with the client's time limit and retries,
and answer astropy tables with units.

The mixin uses only ``self._setting(name, value=None)``, ``self._request_settings(timeout)``,
``self.cache_location`` and ``conf.tap_server``. The service's URL is, in order: the call's
``url``, the instance's ``tap_server`` attribute, ``conf.tap_server``. pyvo is imported on first
use, so importing the package stays fast. Imports are absolute so that this module also
imports (and its examples are collected) before ``alerce_astro.client`` is a package.
"""

import hashlib
from pathlib import Path

from alerce_astro.exceptions import InvalidQueryError

__all__ = ["TapQueries"]

#: The ALeRCE TAP service, for a configuration without ``tap_server``.
DEFAULT_TAP_SERVER = "https://tap.alerce.online/tap"


class TapQueries:
    """TAP methods of `~alerce_astro.AlerceClass`; see the class for settings."""

    #: TAP service URL of this instance (`None`: ``conf.tap_server``).
    tap_server = None

    # ----------------------------------------------------------------------------------------
    def _tap_url(self, url=None):
        from alerce_astro import conf

        if url is not None:
            return str(url).rstrip("/")
        mine = getattr(self, "tap_server", None)
        if mine is not None:
            return str(mine).rstrip("/")
        return str(getattr(conf, "tap_server", DEFAULT_TAP_SERVER)).rstrip("/")

    def _tap_session(self, timeout=None, *, pool_size=8):
        from alerce_astro.apis.tap.session import TapSession

        return TapSession.from_settings(self._request_settings(timeout), pool_size=pool_size)

    # ----------------------------------------------------------------------------------------
    def query_tap(self, adql, *, maxrec=None, async_=None, uploads=None, timeout=None,
                  wait_timeout=None, progress=None, output=None, overwrite=False, url=None,
                  get_query_payload=False):
        """
        Run an ADQL query on ALeRCE's TAP service; return an astropy Table with units.

        Small queries run synchronously; a query still running after 25 s (ALeRCE's service
        drops sync queries after about 30 s) is sent again as an async job, whose phase a
        progress bar shows and which is aborted and deleted on Ctrl-C. Units the service's
        ``TAP_SCHEMA`` leaves out are filled in (nJy on LSST fluxes, days on MJDs), text NULLs
        are masked and 64-bit ids stay exact.

        Parameters
        ----------
        adql : str
            The query (schemas ``alerce_tap`` and ``ztf``; see `list_tap_tables`).
        maxrec : int, optional
            Most rows to return (default: the service's limit). A result cut there warns
            `~alerce_astro.exceptions.MaxResultsWarning`.
        async_ : bool or None, optional
            `True`: an async job; `False`: sync only; `None` (default): sync, then async if
            the sync query takes more than 25 s.
        uploads : dict, optional
            Tables to join with, ``{name: table}``, queried as ``TAP_UPLOAD.<name>``; a list of
            ids becomes a one-column table ``id`` (int64 for LSST ids, exactly). Do not name an
            uploaded column ``oid``: the service renames it.
        timeout : float, optional
            Seconds allowed for each request (default: the client's ``timeout``).
        wait_timeout : float, optional
            Most seconds to wait for an async job; no limit by default (Ctrl-C stops it).
        progress : bool or None, optional
            Show an async job's progress (by default when someone can see it).
        output : str or path-like, optional
            Also write the table there (format from the extension: ``.ecsv``, ``.fits``,
            ``.parquet``, ``.vot``...).
        overwrite : bool, optional
            Replace ``output`` if it exists.
        url : str, optional
            Another TAP service (default: ``tap_server``, else ``conf.tap_server``).
        get_query_payload : bool, optional
            Return what would be sent instead of sending it.

        Returns
        -------
        `~astropy.table.Table`
            ``meta`` holds ``url``, ``query``, ``mode`` (sync or async), ``query_status``,
            ``maxrec`` and ``retrieved``.

        Raises
        ------
        InvalidQueryError
            For a query the service refused (an ADQL error), with the service's message and
            the line and column where it stopped.
        RemoteServiceError
            When the service fails.

        Examples
        --------
        >>> from alerce_astro import Alerce
        >>> table = Alerce.query_tap(
        ...     "SELECT TOP 5 oid, meanra, meandec, n_det FROM alerce_tap.object "
        ...     "WHERE tid = 1 ORDER BY n_det DESC")  # doctest: +SKIP
        """
        url = self._tap_url(url)
        if get_query_payload:
            return _payload(url, adql, maxrec=maxrec, async_=async_, uploads=uploads)
        from alerce_astro.apis.tap.query import run_query

        with self._tap_session(timeout) as session:
            table = run_query(url, adql, session=session, maxrec=maxrec, async_=async_,
                              uploads=uploads, wait_timeout=wait_timeout, progress=progress)
        if output is not None:
            table.write(output, overwrite=overwrite)
        return table

    def download_tap(self, adql, path, *, maxrec=None, async_=False, uploads=None,
                     timeout=None, wait_timeout=None, progress=None, url=None):
        """
        Write a query's answer straight to a VOTable file, without holding it in memory.

        For results too large for memory; the file is astropy-readable
        (``Table.read(path)``). The answer's status is checked: an error raises (and leaves no
        file), a cut result warns `~alerce_astro.exceptions.MaxResultsWarning`.

        Parameters
        ----------
        adql : str
            The query.
        path : str or path-like
            The VOTable file to write.
        maxrec, uploads, timeout, wait_timeout, progress, url
            As for `query_tap` (the progress bar counts bytes).
        async_ : bool, optional
            Run the query as an async job (for long queries).

        Returns
        -------
        `~pathlib.Path`
        """
        from alerce_astro.apis.tap.query import stream_votable

        with self._tap_session(timeout) as session:
            return stream_votable(self._tap_url(url), adql, path, session=session,
                                  maxrec=maxrec, uploads=uploads, progress=progress,
                                  async_=bool(async_), wait_timeout=wait_timeout)

    # ----------------------------------------------------------------------------------------
    def list_tap_tables(self, *, schema=None, timeout=None, url=None):
        """
        The tables of ALeRCE's TAP service, with their descriptions.

        Parameters
        ----------
        schema : str, optional
            Only this schema's tables (``alerce_tap`` or ``ztf``).
        timeout, url
            As for `query_tap`.

        Returns
        -------
        `~astropy.table.Table`
            ``schema_name``, ``table_name`` (as ADQL writes it), ``table_type``,
            ``description``.
        """
        from alerce_astro.apis.tap.metadata import list_tables

        with self._tap_session(timeout) as session:
            return list_tables(self._tap_url(url), session=session, schema=schema)

    def list_tap_columns(self, table, *, timeout=None, url=None):
        """
        The columns of one TAP table, with units and descriptions.

        Parameters
        ----------
        table : str
            ``schema.table``, e.g. ``alerce_tap.lsst_detection``.
        timeout, url
            As for `query_tap`.

        Returns
        -------
        `~astropy.table.Table`
            ``column_name``, ``datatype``, ``unit`` (filled in where the service's
            ``TAP_SCHEMA`` omits it: nJy on LSST fluxes), ``service_unit`` (what the service
            says), ``ucd``, ``description``, ``indexed``, ``principal``.
        """
        if not isinstance(table, str) or "." not in table:
            raise InvalidQueryError(f"table must be 'schema.table', got {table!r}")
        from alerce_astro.apis.tap.metadata import list_columns

        with self._tap_session(timeout) as session:
            return list_columns(self._tap_url(url), table, session=session)

    # ----------------------------------------------------------------------------------------
    def query_objects_tap(self, classifier, class_name=None, *, survey="lsst", ranking=1,
                          probability=None, n_det=None, firstmjd=None, lastmjd=None,
                          coordinates=None, radius=None, maxrec=None, timeout=None,
                          async_=None, url=None, get_query_payload=False):
        """
        Objects by classifier and class, from the multisurvey database (LSST by default).

        What the REST API cannot do well for LSST: every object a classifier put in a class,
        filtered by probability, number of detections, first and last detection, and a cone,
        most probable first. Class names come from the classifier's own taxonomy (class ids
        are reused by different classifiers: the query joins on both keys).

        Parameters
        ----------
        classifier : str
            Classifier name (see `list_tap_classifiers`).
        class_name : str, optional
            The class (``SN``, ``AGN``...); every class when not given.
        survey : str, optional
            ``lsst`` (default) or ``ztf``.
        ranking : int or None, optional
            1 (default): objects whose most probable class it is; `None`: any rank.
        probability : float or (float, float), optional
            Minimum probability, or a (min, max) range.
        n_det, firstmjd, lastmjd : number or (number, number), optional
            Minimum or (min, max) of the number of detections and of the first and last
            detection's MJD.
        coordinates : `~astropy.coordinates.SkyCoord` or str, optional
            Centre of a cone (needs ``radius``).
        radius : `~astropy.units.Quantity` or str, optional
            Radius of the cone (``"30 arcsec"``).
        maxrec, timeout, async_, url, get_query_payload
            As for `query_tap`.

        Returns
        -------
        `~astropy.table.Table`
            ``oid`` (int64), position, times, ``n_det``, ``classifier_name``,
            ``classifier_version``, ``class_name``, ``probability``, ``ranking``.
        """
        from alerce_astro.apis.tap import adql

        cone = None
        if coordinates is not None or radius is not None:
            cone = _cone(coordinates, radius)
        query = adql.objects_by_class(classifier, class_name, survey=survey, ranking=ranking,
                                      probability=probability, n_det=n_det,
                                      firstmjd=firstmjd, lastmjd=lastmjd, cone=cone)
        return self.query_tap(query, maxrec=maxrec, timeout=timeout, async_=async_, url=url,
                              get_query_payload=get_query_payload)

    def list_tap_classifiers(self, *, timeout=None, url=None):
        """
        The classifiers of the multisurvey database (never hard-coded: ALeRCE adds some).

        Returns
        -------
        `~astropy.table.Table`
            ``classifier_id``, ``classifier_name``, ``classifier_version``, ``tid``, and
            ``survey`` (``lsst`` or ``ztf``, from ``tid``).
        """
        from alerce_astro.apis.tap import adql

        table = self.query_tap(adql.classifiers(), async_=False, timeout=timeout, url=url)
        import numpy as np
        from astropy.table import Column

        surveys = np.array(["ztf" if t == 0 else "lsst" for t in table["tid"]])
        table.add_column(Column(surveys, name="survey",
                                description="Survey of the objects the classifier classifies"))
        return table

    def list_tap_classes(self, classifier=None, *, timeout=None, url=None):
        """
        The classes of each classifier (or of one), in taxonomy order.

        Parameters
        ----------
        classifier : str, optional
            Only this classifier's classes.

        Returns
        -------
        `~astropy.table.Table`
            ``classifier_name``, ``classifier_version``, ``class_id``, ``class_name``,
            ``order``.
        """
        from alerce_astro.apis.tap import adql

        return self.query_tap(adql.classes(classifier), async_=False, timeout=timeout, url=url)

    # ----------------------------------------------------------------------------------------
    def get_lightcurves_tap(self, oids, *, survey=None, chunk_size=None, method="upload",
                            max_workers=None, output_dir=None, file_format=None,
                            overwrite=False, progress=None, timeout=None, url=None,
                            get_query_payload=False):
        """
        Light curves of many objects in a few TAP queries: chunked, resumable, streamable.

        The objects are cut into chunks; one query per part of the light curve (detections,
        forced photometry, and ZTF non-detections) fetches a whole chunk at once, joining an
        uploaded id list (``method="upload"``) or using an ``IN`` list (``"in"``). Finished
        chunks are kept on disk, so a run that stops (Ctrl-C, a failing service) resumes
        where it stopped when called again with the same objects.

        Parameters
        ----------
        oids : iterable
            LSST object ids (integers) or ZTF names; repeats are fetched once.
        survey : str, optional
            ``lsst`` (schema ``alerce_tap``) or ``ztf`` (schema ``ztf``); guessed from the ids.
        chunk_size : int, optional
            Objects per chunk (default 200).
        method : str, optional
            ``upload`` (default) or ``in``.
        max_workers : int, optional
            Chunks fetched at once (default 2: a shared service).
        output_dir : str or path-like, optional
            Stream the light curves to this folder, one file per chunk, instead of memory,
            and return a `~alerce_astro.apis.tap.lightcurves.ChunkedLightCurves`.
        file_format : str, optional
            ``parquet`` (default when pyarrow is installed) or ``ecsv``.
        overwrite : bool, optional
            Replace the chunks of another run found in ``output_dir``.
        progress : bool or None, optional
            Show a progress bar (objects done).
        timeout, url
            As for `query_tap`.
        get_query_payload : bool, optional
            Return the first chunk's queries instead of sending them.

        Returns
        -------
        `~alerce_astro.apis.tap.lightcurves.TapLightCurves` or `~alerce_astro.apis.tap.lightcurves.ChunkedLightCurves`
            In memory: a `~alerce_astro.bulk.BulkResult`, object id -> its table (rows of
            every kind, a ``kind`` column ``detection``/``forced``/``upper_limit``, units);
            objects without any row are in ``.failed``.
        """  # noqa: E501 (a type reference cannot be split)
        from alerce_astro.apis.tap import adql, lightcurves

        url = self._tap_url(url)
        size = lightcurves.CHUNK_SIZE if chunk_size is None else chunk_size
        survey, ids = lightcurves._check_survey_oids(oids, survey)
        if get_query_payload:
            first = ids[:size] if isinstance(size, int) and size > 0 else ids
            return [_payload(url, adql.lightcurve_chunk(survey, kind, first, method=method),
                             uploads={adql.UPLOAD_NAME: first} if method == "upload" else None)
                    for kind in adql.LIGHTCURVE_KINDS[survey]]
        workers = 2 if max_workers is None else int(max_workers)
        output = output_dir is not None
        if output:
            folder = Path(output_dir)
        else:
            key = hashlib.sha256(f"{url}\n{survey}\n{size}\n".encode()
                                 + "\n".join(map(str, ids)).encode()).hexdigest()[:20]
            folder = Path(self.cache_location) / "tap_lightcurves" / key
        with self._tap_session(timeout, pool_size=max(8, workers)) as session:
            return lightcurves.fetch_lightcurves(
                url, ids, session=session, survey=survey, chunk_size=size, method=method,
                max_workers=workers, folder=folder, output=output, file_format=file_format,
                overwrite=overwrite, progress=progress)


def _payload(url, adql, *, maxrec=None, async_=None, uploads=None):
    mode = {True: "async", False: "sync"}.get(async_, "sync, then async if slow")
    payload = {"url": url, "mode": mode,
               "params": {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": adql}}
    if maxrec is not None:
        payload["params"]["MAXREC"] = maxrec
    if uploads:
        payload["params"]["UPLOAD"] = ";".join(f"{name},param:{name}" for name in uploads)
        payload["uploads"] = {name: (len(v) if hasattr(v, "__len__") else v)
                              for name, v in uploads.items()}
    return payload


def _cone(coordinates, radius):
    from astropy import units as u

    from alerce_astro.validation import parse_coordinates, parse_radius

    if coordinates is None or radius is None:
        raise InvalidQueryError("a cone needs both coordinates and radius")
    coord = parse_coordinates(coordinates)
    rad = parse_radius(radius)
    icrs = coord.icrs
    return (float(icrs.ra.deg), float(icrs.dec.deg), float(u.Quantity(rad).to_value(u.deg)))
