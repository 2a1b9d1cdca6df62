"""
Checks of the client's settings (time limits, retries, concurrency, row limits, service URLs),
the same wherever a setting is given: the client's constructor and its copies, the keyword of a
call, and the `~alerce_astro.conf` items (checked when set; a value read from a configuration
file is checked where it is used). A bad value fails where it is given with an
`~astroquery.exceptions.InvalidQueryError` naming the setting and what it accepts, never as a raw
error of requests, urllib3 or ``time.sleep`` at the first request.

This module is imported with the package (its `CheckedConfigItem` makes `~alerce_astro.conf`),
so it imports nothing heavy: astroquery's exception is imported when one is raised.
"""

import math
import numbers
from urllib.parse import urlsplit

import numpy as np
from astropy.config import ConfigItem

__all__ = ["SETTING_RULES", "check_setting", "check_url", "CheckedConfigItem"]


def _refuse(message):
    from .exceptions import InvalidQueryError

    return InvalidQueryError(message)


# all checked with the same rules, so a bad value fails where it is given, naming it, instead
# of as a raw error of requests, urllib3 or time.sleep at the first request.

#: What each numeric setting accepts: (kind, minimum, maximum, minimum is exclusive, special
#: values allowed). Times are finite seconds.
SETTING_RULES = {
    "timeout": ("seconds", 0.0, None, True, ()),
    "backoff_factor": ("seconds", 0.0, None, False, ()),
    "max_retry_delay": ("seconds", 0.0, None, False, ()),
    "cache_timeout": ("seconds", 0.0, None, False, ()),
    "max_retries": ("int", 0, 100, False, ()),
    "max_workers": ("int", 1, 32, False, ()),
    "row_limit": ("int", 1, None, False, (-1,)),
    "page_size": ("int", 1, None, False, ()),
}


def _accepted(name):
    kind, low, high, open_low, special = SETTING_RULES[name]
    if kind == "seconds":
        return (f"a finite number of seconds {'>' if open_low else '>='} {low:g}")
    text = (f"a whole number from {low} to {high}" if high is not None
            else f"a whole number >= {low}")
    return text + "".join(f" or {s}" for s in special)


def check_setting(name, value, *, where=""):
    """
    Return a setting's value checked (and as float or int), or raise naming it.

    Parameters
    ----------
    name : str
        A key of `SETTING_RULES` (``timeout``, ``max_retries``...).
    value : object
        The value given.
    where : str, optional
        Prefix of the name in messages (``"conf."`` for a configuration item).

    Returns
    -------
    float or int

    Raises
    ------
    InvalidQueryError
        Naming the setting and what it accepts: NaN, infinities, zero or negative time
        limits, text, booleans and out-of-range counts are refused.

    Examples
    --------
    >>> check_setting("timeout", 30)
    30.0
    >>> check_setting("timeout", float("nan"))
    Traceback (most recent call last):
    ...
    astroquery.exceptions.InvalidQueryError: timeout=nan is not accepted: use a finite number ...
    """
    kind, low, high, open_low, special = SETTING_RULES[name]
    problem = f"{where}{name}={value!r} is not accepted: use {_accepted(name)}"
    if isinstance(value, (bool, np.bool_)):
        raise _refuse(problem)
    if kind == "seconds":
        if not isinstance(value, (numbers.Real, np.number)):
            raise _refuse(problem)
        value = float(value)
        if not math.isfinite(value) or value < low or (open_low and value == low):
            raise _refuse(problem)
        return value
    if not isinstance(value, (numbers.Integral, np.integer)):
        raise _refuse(problem)
    value = int(value)
    if value in special:
        return value
    if value < low or (high is not None and value > high):
        raise _refuse(problem)
    return value


def check_url(value, *, argument):
    """
    Return a service base URL, checked: a string ``http://`` or ``https://`` URL with a host.

    Examples
    --------
    >>> check_url("http://127.0.0.1:8000/ztf/v1", argument="urls['ztf_v1']")
    'http://127.0.0.1:8000/ztf/v1'
    >>> check_url(None, argument="urls['ztf_v1']")
    Traceback (most recent call last):
    ...
    astroquery.exceptions.InvalidQueryError: urls['ztf_v1']=None is not accepted: use an http:// ...
    """
    problem = (f"{argument}={value!r} is not accepted: use an http:// or https:// URL with a "
               f"host name")
    if not isinstance(value, str) or value != value.strip() or any(c.isspace() for c in value):
        raise _refuse(problem)
    try:
        parts = urlsplit(value)
        port = parts.port  # a port that is not a number raises here
    except ValueError:
        raise _refuse(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise _refuse(problem)
    return value


class CheckedConfigItem(ConfigItem):
    """
    A `~astropy.config.ConfigItem` whose value is checked when it is set (``conf.timeout =
    ...``, ``conf.set_temp``), with the rules of `check_setting` (or `check_url` for
    ``check="url"``); a value read from a configuration file is checked where it is used.

    Parameters
    ----------
    defaultvalue, description, cfgtype :
        As for `~astropy.config.ConfigItem`.
    check : str
        ``"url"`` or a key of `SETTING_RULES`.
    module : str
        The configuration section (the package): given, because the automatic lookup of
        `~astropy.config.ConfigItem` would name this module.
    """

    def __init__(self, defaultvalue, description, *, check, module, cfgtype=None):
        self.check = check
        super().__init__(defaultvalue, description, cfgtype=cfgtype, module=module)

    def set(self, value):
        where = f"conf.{self.name}"
        try:
            converted = self._validate_val(value)
        except Exception:  # noqa: BLE001 - configobj's own errors: said our way
            converted = value  # e.g. 'x' for an integer: refused below, naming the item
        if self.check == "url":
            check_url(converted, argument=where)
        else:
            check_setting(self.check, converted, where="conf.")
        super().set(converted)
