"""
The one declared base of the client's parts: settings, transport and the request helpers.

Every part of `~alerce_astro.AlerceClass` (objects, light curves, stamps, crossmatch, bulk)
derives from `AlerceBase` and uses only what it declares here:

- settings read at call time (`urls`, `_setting`, `_request_settings`): a keyword of the call
  beats the instance's setting, which beats `alerce_astro.conf`;
- ``self.survey`` (an `alerce_astro.surveys.Survey`: ids, bands, explorer links) and
  ``self.service`` (the `alerce_astro.apis.service.Service` adapter of the APIs serving it:
  routes, schemas, pager, error dialects, quirks, photometry map);
- the request helpers `_route`, `_payload`, `_get`, `_get_json`, `_meta`, and `_cache_for` /
  `_is_cached` (the cache through its public methods only);
- `_oid_or_position` (an argument that may be an object id or a position);
- the table helpers of one object's resources: `_object_table`, `_with_object_id`,
  `_band_column`.

A part never reaches into another part's privates: it calls its public methods through
``self`` (``self.query_object``, ``self.get_stamps``...).
"""

import contextlib
import contextvars
import functools
import inspect
import warnings
from datetime import datetime, timezone
from urllib.parse import urlsplit

import numpy as np
from astropy.table import Column
from astroquery import cache_conf
from astroquery.query import BaseQuery

from .. import conf
from ..apis import API_SERVERS, SERVICES, service_for
from ..cache import ResponseCache, request_key
from ..exceptions import (
    InvalidQueryError,
    NoResultsWarning,
    ObjectNotFoundError,
    ResponseFormatError,
)
from ..surveys import get_survey, survey_of_oid
from ..transport import RequestSettings, Transport, parse_json
from ..validation import (
    check_bool,
    check_choice,
    check_int,
    check_probability,
    check_setting,
    check_url,
    parse_coordinates,
    parse_range,
)
from .not_found import object_not_found

__all__ = ["AlerceBase"]

#: The service keys of ``urls`` before they named APIs.
_RENAMED = {"ztf": "ztf_v1", "lightcurve": "lightcurve_v2"}
#: The constructor's settings, in order: what a copy made by calling an instance keeps.
_SETTINGS = ("survey", "urls", "timeout", "row_limit", "page_size", "max_retries",
             "max_workers", "token", "cache_location")


class AlerceBase(BaseQuery):
    """
    Settings, transport and request helpers shared by every part of the client.

    Its parameters are those of `~alerce_astro.AlerceClass`, documented there once.

    Raises
    ------
    InvalidQueryError
        For an unknown survey, a survey no API adapter serves yet, or unknown ``urls`` keys.
    """

    def __init_subclass__(cls, **kwargs):
        # Every boolean argument of every public method accepts only True and False (issue
        # 17.9: forced_photometry="no" was taken as true), checked in one place for all the
        # parts of the client, those written later included.
        super().__init_subclass__(**kwargs)
        for name in dir(cls):
            method = getattr(cls, name, None)
            if name.startswith("_") or not inspect.isfunction(method) \
                    or getattr(method, "_checks_booleans", False):
                continue
            flags = _boolean_parameters(method)
            if flags:
                setattr(cls, name, _checking_booleans(method, flags))

    def __init__(self, *, survey=None, urls=None, timeout=None, row_limit=None,
                 page_size=None, max_retries=None, max_workers=None, token=None,
                 cache_location=None):
        super().__init__()
        # astroquery's response hook logs request headers at DEBUG level, which would write the
        # AUTH-TOKEN to logs: this class logs nothing of the headers.
        self._session.hooks["response"] = []
        self.survey = get_survey("ztf" if survey is None else survey)
        # Without a survey chosen, an id that can only be another survey's picks that survey
        # (`_client_for`): Alerce.get_lightcurve(313897383979122767) is an LSST light curve.
        self._survey_chosen = survey is not None
        self._other_surveys = {}
        self.service = service_for(self.survey)
        self._urls = _checked_urls(urls)
        # Checked here, where they are given, not at the first request (issue 17.7).
        given = {"timeout": timeout, "row_limit": row_limit, "page_size": page_size,
                 "max_retries": max_retries, "max_workers": max_workers}
        for name, value in given.items():
            if value is not None:
                check_setting(name, value)
        self.timeout = timeout
        self.row_limit = row_limit
        self.page_size = page_size
        self.max_retries = max_retries
        self.max_workers = max_workers
        self._token = token
        if cache_location is not None:
            self.cache_location = cache_location
        self._transport = Transport(self._session)

    def __call__(self, **kwargs):
        """
        A configured copy: every setting of this instance, with those given replaced (``urls``
        given are merged into this instance's).

        Examples
        --------
        >>> from alerce_astro import Alerce
        >>> patient = Alerce(timeout=300)
        >>> patient(max_retries=8).timeout, patient.survey.name
        (300, 'ztf')
        """
        unknown = sorted(set(kwargs) - set(_SETTINGS))
        if unknown:
            raise TypeError(f"unexpected settings {unknown}; settings are {list(_SETTINGS)}")
        settings = {"survey": self.survey if self._survey_chosen else None,
                    "urls": dict(self._urls), "timeout": self.timeout,
                    "row_limit": self.row_limit, "page_size": self.page_size,
                    "max_retries": self.max_retries, "max_workers": self.max_workers,
                    "token": self._token, "cache_location": self._cache_location}
        if kwargs.get("urls") is not None:
            kwargs["urls"] = {**settings["urls"], **_checked_urls(kwargs["urls"])}
        settings.update(kwargs)
        return super().__call__(**settings)

    def __repr__(self):
        # Never show the token.
        main = next(iter(self.service.apis))
        return (f"<{type(self).__name__} survey={self.survey.name!r} "
                f"{main}={self.urls[main]!r}>")

    # ----------------------------------------------------------------------------------------
    # Settings, read at call time.
    @property
    def urls(self):
        """Base URL of each API now in force (instance setting, else `~alerce_astro.conf`)."""
        return self._urls_in(_conf_section())

    def _urls_in(self, section):
        """`urls`, with ``conf``'s items read from ``section`` (see `_conf_value`)."""
        current = {api: _conf_value(item, section) for api, item in API_SERVERS.items()}
        current.update(self._urls)
        return current

    def _setting(self, name, value=None, section=False):
        """``value`` if given, else this instance's setting, else ``conf``'s (read from
        ``section`` when given, see `_conf_value`)."""
        if value is not None:
            return value
        mine = getattr(self, name, None)
        return mine if mine is not None else _conf_value(name, section)

    def _request_settings(self, timeout=None):
        section = _conf_section()
        token = self._token if self._token is not None else (_conf_value("token", section)
                                                             or None)
        # The section is found once per request: finding it is most of a setting's read.
        urls = self._urls_in(section)
        hosts = _token_hosts(tuple(urls[api] for api in self.service.token_apis))
        if timeout is not None:
            check_setting("timeout", timeout)
        # conf items are checked when set; these also catch a bad configuration file.
        numbers = (self._setting("timeout", timeout, section),
                   self._setting("max_retries", section=section),
                   _conf_value("backoff_factor", section),
                   _conf_value("max_retry_delay", section))
        try:
            checked = _checked_numbers(*numbers)
        except TypeError:  # an unhashable value: checked (and refused) without the memo
            checked = _checked_numbers.__wrapped__(*numbers)
        timeout, max_retries, backoff_factor, max_retry_delay = checked
        return RequestSettings(timeout=timeout, max_retries=max_retries,
                               backoff_factor=backoff_factor, max_retry_delay=max_retry_delay,
                               token=token, token_hosts=hosts)

    def _cache_for(self, cache, *, static=False):
        """The cache to use and the age limit of its entries, or (None, None)."""
        active = cache_conf.cache_active if cache is None else bool(cache)
        if not active:
            return None, None
        if static:
            return self._response_cache(), None
        max_age = float(_conf_value("cache_timeout"))
        if max_age <= 0:
            return None, None
        return self._response_cache(), max_age

    def _response_cache(self):
        # astroquery's cache_location creates the folder: one that cannot be created costs the
        # cache, not the query (the cache reports it once per client, through the transport).
        try:
            folder = self.cache_location
        except OSError:
            folder = self._cache_location
        return ResponseCache(folder, problems=self._transport.cache_problems)

    def _is_cached(self, route, cache):
        """Whether the answer of ``route`` is in the cache of answers kept for good."""
        store, _ = self._cache_for(cache, static=True)
        return store is not None and request_key("GET", route.url, list(route.params)) in store

    def clear_cache(self):
        """
        Delete every answer this client cached (stamps included), from
        `~astroquery.query.BaseQuery.cache_location`.
        """
        self._response_cache().clear()
        with contextlib.suppress(OSError):  # a folder that cannot be created holds nothing
            super().clear_cache()

    # ----------------------------------------------------------------------------------------
    # Requests.
    def _route(self, name, /, **path):
        """The `~alerce_astro.apis.routing.Route` of a route of this client's service."""
        return self.service.route(self.urls, name, **path)

    def _payload(self, route):
        """What ``get_query_payload=True`` returns for one request."""
        return {"method": "GET", "url": route.url, "params": list(route.params)}

    def _get(self, route, *, cache=None, static=False, parse=None, headers=None,
             timeout=None, no_retry=()):
        """
        Send ``route`` through the transport with this client's settings, cache and the
        error dialect of the route's API; return what ``parse`` made of the answer
        (``no_retry``: statuses raised at once, see `~alerce_astro.transport.Transport.get`).
        """
        store, max_age = self._cache_for(cache, static=static)
        try:
            return self._transport.get(route.url, list(route.params),
                                       settings=self._request_settings(timeout), parse=parse,
                                       cache=store, max_age=max_age, headers=headers,
                                       dialect=self.service.dialect(route.api),
                                       no_retry=no_retry)
        except ObjectNotFoundError as exc:  # "no object X at ALeRCE", not Flask's text
            missing = exc
        # Raised outside the handler: no chained context (it may have carried a token).
        raise object_not_found(self.survey, route.url, missing)

    def _get_json(self, route, *, what, expect=list, cache=None, parse=None):
        """
        A JSON answer and its provenance: ``(data, meta)``.

        Rows (a list body) must be JSON objects; the check runs before the body is cached.
        """
        def rows(answer):
            data = parse_json(answer, expect=expect, what=what)
            if isinstance(data, list):
                bad = sorted({type(r).__name__ for r in data if not isinstance(r, dict)})
                if bad:
                    raise ResponseFormatError(
                        f"GET {answer.url}: expected a list of objects for the {what}, got "
                        f"items of type {', '.join(bad)}")
            return data

        data = self._get(route, cache=cache, parse=parse or rows)
        return data, self._meta(route)

    def _client_for(self, oid):
        """
        This client, or a copy for another survey when no survey was chosen and ``oid`` can
        only be that survey's id (an integer is LSST's): the survey follows the id.
        """
        if self._survey_chosen or self.survey.is_oid(oid):
            return self
        other = survey_of_oid(oid)
        if other is None or other is self.survey or other.name not in SERVICES:
            return self
        if other.name not in self._other_surveys:
            self._other_surveys[other.name] = self(survey=other.name)
        return self._other_surveys[other.name]

    # ----------------------------------------------------------------------------------------
    # What the survey's service cannot answer.
    @property
    def _multisurvey(self):
        """Whether this client's survey is served by the multisurvey API (LSST)."""
        return "multisurvey" in self.service.apis

    def _refuse(self, what):
        """Raise `InvalidQueryError` with the service's reason when it cannot answer ``what``
        (``features``, ``avro``, ``limit_values``, ``stamps``...)."""
        message = getattr(self.service, "unsupported", {}).get(what)
        if message:
            raise InvalidQueryError(message)

    # ----------------------------------------------------------------------------------------
    # Arguments.
    def _measure_criteria(self, *, ranking=None, probability=None, ndet=None, firstmjd=None,
                          lastmjd=None, order_by=None, order_mode=None):
        """The query parameters of the list criteria that every survey's lists share
        (ranking, probability, detection and time ranges, order), checked, under the service's
        names; the service's quirks say how times and orders are sent."""
        quirks, wire = self.service.quirks, self.service.criteria
        params = []
        if ranking is not None:
            params.append((wire["ranking"], check_int(ranking, argument="ranking", minimum=1)))
        if probability is not None:
            params.append((wire["probability"], check_probability(probability)))
        for argument, value, kind in (("ndet", ndet, "int"), ("firstmjd", firstmjd, "mjd"),
                                      ("lastmjd", lastmjd, "mjd")):
            if kind == "mjd" and value is not None:
                value = quirks.mjd_range_on_wire(value)
            values = parse_range(value, argument=argument, kind=kind)
            params.extend((wire[argument], v) for v in values or [])
        if order_mode is not None:
            check_choice(order_mode, self.service.order_modes, argument="order_mode")
            if order_by is None:
                raise InvalidQueryError("order_mode needs order_by")
        if order_by is not None:
            check_choice(order_by, self.service.order_by_choices, argument="order_by")
        return params + quirks.order_params(order_by, order_mode)

    def _oid_or_position(self, target, *, argument="target"):
        """
        ``(oid, None)`` when ``target`` is an object id of this client's survey, else
        ``(None, position)``. A one-word string that is neither is reported as a malformed
        id (with the survey's hint: ``did you mean 'ZTF20aaelulu'?``).
        """
        text = target.strip() if isinstance(target, str) else target
        if self.survey.is_oid(text):
            return self.survey.validate_oid(text, argument=argument), None
        try:
            return None, parse_coordinates(target, argument=argument)
        except InvalidQueryError:
            if isinstance(text, str) and text and len(text.split()) == 1:
                self.survey.validate_oid(text, argument=argument)  # raises, with a hint
            raise

    # ----------------------------------------------------------------------------------------
    # Tables of one object's resources, shared by the parts.
    def _object_table(self, name, schema, oid, params=(), *, what, cache, get_query_payload,
                      expect=list, warn_empty=True):
        """The rows of one object's resource (route ``name``) as a table with ``oid`` first."""
        oid = self.survey.validate_oid(oid)
        route = self._route(name, oid=oid).with_params(params)
        if get_query_payload:
            return self._payload(route)
        data, meta = self._get_json(route, what=what, expect=expect, cache=cache)
        meta["oid"] = oid
        table = self._with_object_id(schema.table(data or [], meta=meta), oid)
        if not len(table) and warn_empty:
            warn(f"no {what} for {oid}", NoResultsWarning)
        return table

    def _band_column(self, codes):
        """The band names of wire band codes (``fid``), as a column."""
        names = self.survey.band_names
        listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
        return Column([self.survey.band_name(c) if c is not np.ma.masked else "" for c in codes],
                      dtype=f"U{max(len(n) for n in names)}", name="band",
                      description=f"Band name: {listed}")

    def _with_object_id(self, table, oid):
        """The rows of one object's resource with an ``oid`` column first: the id asked for. An
        ``oid`` the service sent in the rows (a column the schema does not know) is replaced."""
        if "oid" in table.colnames:
            table.remove_column("oid")
        dtype = str if self.survey.id_dtype == "str" else self.survey.id_dtype
        table.add_column(Column([oid] * len(table), dtype=dtype, name="oid",
                                description=self.survey.id_description), index=0)
        return table

    def _meta(self, route, **extra):
        """Provenance of a result: service, survey, the request and when it was answered."""
        meta = {"service": "ALeRCE", "survey": self.survey.name, "url": route.shown,
                "retrieved": _utc_now_isot()}
        meta.update(extra)
        return meta


#: Warning categories the current call says nothing of. A context variable (per thread and
#: task), because `warnings.catch_warnings` swaps the process-wide filter list and corrupts it
#: when threads overlap (issue 17.2): a method that calls another and handles its empty
#: result itself silences the other's warning with `silenced`, and the warnings of the
#: client go through `warn`.
_SILENCED = contextvars.ContextVar("alerce_astro_silenced", default=())


@contextlib.contextmanager
def silenced(*categories):
    """Say nothing of warnings of these categories given through `warn`, in this context."""
    token = _SILENCED.set(_SILENCED.get() + tuple(categories))
    try:
        yield
    finally:
        _SILENCED.reset(token)


def warn(message, category):
    """`warnings.warn`, unless the category is `silenced` here."""
    if not issubclass(category, _SILENCED.get()):
        warnings.warn(message, category, stacklevel=3)


#: Boolean arguments whose None means "the default" (the cache setting, a progress bar shown
#: when someone can see it).
_OPTIONAL_BOOLEANS = frozenset({"cache", "progress"})


def _boolean_parameters(function):
    """``{name: (position or None, None allowed)}`` of the boolean parameters of a method: those
    with a True/False default, and `_OPTIONAL_BOOLEANS`."""
    flags = {}
    for index, param in enumerate(inspect.signature(function).parameters.values()):
        optional = param.name in _OPTIONAL_BOOLEANS and param.default is None
        if isinstance(param.default, bool) or optional:
            positional = param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD)
            flags[param.name] = (index if positional else None, optional)
    return flags


def _checking_booleans(function, flags):
    @functools.wraps(function)
    def method(*args, **kwargs):
        for name, (position, optional) in flags.items():
            if name in kwargs:
                check_bool(kwargs[name], argument=name, allow_none=optional)
            elif position is not None and position < len(args):
                check_bool(args[position], argument=name, allow_none=optional)
        return function(*args, **kwargs)

    method._checks_booleans = True
    return method


# Settings are read on every request: astropy's ConfigItem validates the stored value on each
# read (a tenth of a request's CPU time for the ~12 items a request reads). `_conf_value` reads
# the stored value as it is and validates each distinct one once; what `conf.x = ...`,
# ``set_temp``, ``reset`` or a configuration file put there is read again on the next call.
_VALIDATED = {}


def _conf_section():
    """The configuration section of `~alerce_astro.conf`'s items, or None (then read slowly)."""
    from astropy.config import get_config

    item = type(conf).timeout
    section = get_config(item.module, rootname=item.rootname)
    return None if getattr(section.main, "interpolation", True) else section


def _conf_value(name, section=False):
    """``getattr(conf, name)``, without validating a stored value already validated once."""
    if section is False:
        section = _conf_section()
    item = getattr(type(conf), name)
    if section is None or item.aliases or name not in section:
        return getattr(conf, name)
    raw = dict.__getitem__(section, name)
    try:
        key = (name, type(raw), raw)
        return _VALIDATED[key]
    except TypeError:  # an unhashable stored value: astropy's own read
        return getattr(conf, name)
    except KeyError:
        pass
    value = getattr(conf, name)
    if len(_VALIDATED) < 256:
        _VALIDATED[key] = value
    return value


@functools.lru_cache(maxsize=64)
def _token_hosts(urls):
    return frozenset(urlsplit(url).hostname for url in urls)


@functools.lru_cache(maxsize=64, typed=True)
def _checked_numbers(timeout, max_retries, backoff_factor, max_retry_delay):
    """The numeric settings of a request, checked (once per distinct set of values)."""
    return (check_setting("timeout", timeout), check_setting("max_retries", max_retries),
            check_setting("backoff_factor", backoff_factor, where="conf."),
            check_setting("max_retry_delay", max_retry_delay, where="conf."))


def _checked_urls(urls):
    """The ``urls`` given, their keys checked (the former service names get a hint)."""
    if urls is None:
        return {}
    try:
        urls = dict(urls)
    except (TypeError, ValueError):
        raise InvalidQueryError(f"urls must be a dict of API name -> base URL, got "
                                f"{type(urls).__name__}") from None
    unknown = sorted(set(urls) - set(API_SERVERS), key=str)
    if unknown:
        renamed = [f"{old!r} is now {new!r}" for old, new in _RENAMED.items() if old in unknown]
        hint = f" ({'; '.join(renamed)})" if renamed else ""
        raise InvalidQueryError(f"urls has unknown services {unknown}{hint}; use keys among "
                                f"{list(API_SERVERS)}")
    for name, url in urls.items():
        check_url(url, argument=f"urls[{name!r}]")
    return urls


def _utc_now_isot():
    """The time now, UTC, as ``Time.now().isot`` writes it (a twentieth of its cost, which
    counts once per object in bulk work)."""
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="milliseconds")
