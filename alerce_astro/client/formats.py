"""
The official ALeRCE client's ``format="pandas"|"json"|"votable"`` argument, answered with the
astropy way instead of a bare `TypeError`: every result here is an astropy table (or light
curve, or image), which converts and writes itself.
"""

import functools
import inspect
import types

from ..exceptions import InvalidQueryError

__all__ = ["refuse_format_keyword", "ASTROPY_WAY"]

#: What to do instead of ``format=<key>``.
ASTROPY_WAY = {
    "pandas": "call .to_pandas() on the result (pip install 'alerce_astro[pandas]')",
    "json": "write the result with .write('result.ecsv') (keeps units), or "
            ".to_pandas().to_json(); the command line has --format json",
    "votable": "write the result with .write('result.xml', format='votable')",
    "csv": "write the result with .write('result.csv', format='ascii.csv')",
    "astropy": "leave format out: the result already is an astropy object",
}


def _refusal(method, value):
    way = ASTROPY_WAY.get(str(value).lower() if isinstance(value, str) else value,
                          "convert or write the result: .to_pandas(), "
                          ".write('result.ecsv'), .write('result.xml', format='votable')")
    return InvalidQueryError(
        f"{method}() has no format= argument: alerce_astro always answers with astropy "
        f"objects (Table, TimeSeries); for format={value!r}, {way}")


def _wrap(name, function):
    @functools.wraps(function)
    def method(self, *args, **kwargs):
        if "format" in kwargs:
            raise _refusal(name, kwargs["format"])
        return function(self, *args, **kwargs)

    return method


def refuse_format_keyword(cls):
    """
    Class decorator: the public methods of ``cls`` that take no ``format`` argument refuse
    one with an `InvalidQueryError` naming the astropy way, before any request.

    Examples
    --------
    >>> from alerce_astro import Alerce
    >>> Alerce.query_objects(format="pandas")
    Traceback (most recent call last):
    ...
    astroquery.exceptions.InvalidQueryError: query_objects() has no format= argument: ...
    """
    for name in dir(cls):
        if name.startswith("_"):
            continue
        function = inspect.getattr_static(cls, name)
        if not isinstance(function, types.FunctionType):
            continue  # properties, static and class methods
        if "format" in inspect.signature(function).parameters:
            continue
        setattr(cls, name, _wrap(name, function))
    return cls
