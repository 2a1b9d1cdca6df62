"""
On-disk cache of successful answers.

Each entry is one file named by a hash of the request (method, URL and parameters: never a
credential). A file holds a one-line JSON header (format version, URL, length and SHA-256 of the
body) followed by the body. Writes go to a temporary file in the same folder and are moved into
place with `os.replace`, so a reader never sees half an entry, even with many threads or
processes. An entry whose header, length or checksum does not match is deleted and treated as a
miss. Only answers that parsed are stored: the transport calls `ResponseCache.put` after the
caller's parser accepted the body.
"""

import hashlib
import json
import os
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["ResponseCache", "request_key"]

_SUFFIX = ".alerce"
_FORMAT = 1


def request_key(method, url, params=None):
    """
    A stable hash naming the cache entry of a request.

    Parameters
    ----------
    method : str
        HTTP method.
    url : str
        Full URL without query string.
    params : sequence of (str, str) pairs, optional
        Query parameters, in order (order matters for repeated keys such as ``oid``).

    Returns
    -------
    str
        A 64-character hexadecimal digest.

    Examples
    --------
    >>> request_key("GET", "https://x/a", [("oid", "ZTF20aaelulu")])[:12]
    '8a2abc3b944c'
    """
    text = json.dumps([method.upper(), url, [list(map(str, p)) for p in (params or [])]])
    return hashlib.sha256(text.encode()).hexdigest()


class ResponseCache:
    """
    A folder of cached answers.

    Parameters
    ----------
    directory : str or `~pathlib.Path`
        Where entries are written (created when first needed).

    Examples
    --------
    >>> import tempfile
    >>> cache = ResponseCache(tempfile.mkdtemp())
    >>> cache.put("k", b"body", url="https://x")
    >>> cache.get("k", max_age=None)
    b'body'
    """

    def __init__(self, directory):
        self.directory = Path(directory)
        self._lock = threading.Lock()

    def _path(self, key):
        return self.directory / (key + _SUFFIX)

    def get(self, key, *, max_age):
        """
        The cached body, or `None` if absent, expired or damaged (a damaged entry is deleted).

        Parameters
        ----------
        key : str
            From `request_key`.
        max_age : float or None
            Seconds an entry stays valid; `None` for ever.

        Returns
        -------
        bytes or None
        """
        path = self._path(key)
        try:
            if max_age is not None and time.time() - path.stat().st_mtime > max_age:
                return None
            raw = path.read_bytes()
        except OSError:
            return None
        newline = raw.find(b"\n")
        try:
            header = json.loads(raw[:newline])
            body = raw[newline + 1:]
            ok = (newline > 0 and header.get("format") == _FORMAT
                  and header.get("length") == len(body)
                  and header.get("sha256") == hashlib.sha256(body).hexdigest())
        except (ValueError, AttributeError, TypeError, RecursionError):
            ok = False
        if not ok:
            self._discard(path)
            return None
        return body

    def put(self, key, body, *, url):
        """
        Store a body atomically.

        Parameters
        ----------
        key : str
            From `request_key`.
        body : bytes
            The answer's body, already checked by its parser.
        url : str
            The request URL, kept in the header for people inspecting the cache.
        """
        header = {"format": _FORMAT, "url": url, "length": len(body),
                  "sha256": hashlib.sha256(body).hexdigest(), "stored": time.time()}
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(json.dumps(header).encode() + b"\n" + body)
            os.replace(tmp, self._path(key))
        except BaseException:
            self._discard(Path(tmp))
            raise

    def clear(self):
        """Delete every entry (and any temporary file left by an interrupted write)."""
        if not self.directory.is_dir():
            return
        for path in self.directory.glob("*" + _SUFFIX):
            self._discard(path)
        for path in self.directory.glob(".tmp-*" + _SUFFIX):
            self._discard(path)

    def __contains__(self, key):
        """Whether an entry is stored under ``key`` (whatever its age; not read or checked)."""
        return self._path(key).is_file()

    def __len__(self):
        if not self.directory.is_dir():
            return 0
        return sum(1 for _ in self.directory.glob("[!.]*" + _SUFFIX))

    @staticmethod
    def _discard(path):
        try:
            path.unlink()
        except OSError:
            pass
