"""
Exceptions and warnings of `alerce_astro`.

They derive from astroquery's, so code written for astroquery (``except RemoteServiceError``)
works unchanged; the finer classes say more about what went wrong.
"""

from astroquery.exceptions import (
    InvalidQueryError,
    MaxResultsWarning,
    NoResultsWarning,
    RemoteServiceError,
)

__all__ = [
    "InvalidQueryError",
    "MaxResultsWarning",
    "NoResultsWarning",
    "RemoteServiceError",
    "ObjectNotFoundError",
    "ServiceUnavailableError",
    "ResponseFormatError",
    "TokenRefusedError",
    "AlerceWarning",
    "CacheWarning",
]


class ObjectNotFoundError(RemoteServiceError, LookupError):
    """The service answered 404: the object, candid or classifier asked for does not exist."""


class ServiceUnavailableError(RemoteServiceError):
    """The service kept failing (5xx, 429, dropped connections) after every retry."""


class ResponseFormatError(RemoteServiceError):
    """The service answered something that is not the documented format (bad JSON, an error
    string with status 200, an HTML page, an undecodable stamp)."""


class TokenRefusedError(RemoteServiceError):
    """The service refused the ``AUTH-TOKEN`` given to the client (expired, invalid or without
    the permission): a 401 or 403 to a request that carried it, or a 500 that the same request
    without the token does not give. Never retried; the message never shows the token."""


class AlerceWarning(UserWarning):
    """Something in the answer deserves the user's attention (an approximation, a drift of the
    service's schema) but did not stop the query."""


class CacheWarning(AlerceWarning):
    """The cache could not be read or written (a read-only or missing folder, an entry that is
    not a regular file): the query answered without it. Shown once per client and problem."""
