"""
On-disk cache of successful answers.

Each entry is one file named by a hash of the request (method, URL and parameters: never a
credential). A file holds a one-line JSON header (format version, URL, length and SHA-256 of the
body) followed by the body. Writes go to a temporary file in the same folder and are moved into
place with `os.replace`, so a reader never sees half an entry, even with many threads or
processes. An entry whose header, length or checksum does not match is deleted and treated as a
miss. Only answers that parsed are stored: the transport calls `ResponseCache.put` after the
caller's parser accepted the body.

The cache is an optimisation, never a reason for a query to fail. Nothing here raises
`OSError`: a folder that cannot be created or written, an entry that cannot be read or is not a
regular file (a named pipe, a directory, a symbolic link: such entries are never opened for
reading, so they cannot block or redirect a read), a file deleted by `ResponseCache.clear` in
another thread or process while it was being written or read, all end in a miss or an entry not
written. Lasting problems are reported by a `CacheProblems` with one
`~alerce_astro.exceptions.CacheWarning` per client and folder (one more if clearing it fails),
not one per call.
"""

import errno
import hashlib
import json
import os
import stat
import tempfile
import threading
import time
import warnings
from pathlib import Path

from .exceptions import CacheWarning

__all__ = ["ResponseCache", "CacheProblems", "request_key"]

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


class CacheProblems:
    """
    Reports what goes wrong with a cache folder: the first problem of using it (reading or
    writing), and the first of clearing it, once each per folder.

    A client keeps one (its transport's ``cache_problems``), so that a read-only cache gives
    its user one `~alerce_astro.exceptions.CacheWarning`, not one per query. Thread-safe.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._seen = set()

    def report(self, kind, directory, message):
        """
        Warn ``message`` unless a problem of the same kind (``"clear"``, or any other: using
        the cache) was reported for ``directory``.
        """
        key = ("clear" if kind == "clear" else "use", str(directory))
        with self._lock:
            if key in self._seen:
                return
            self._seen.add(key)
        warnings.warn(f"{message} (this warning is shown once per client)", CacheWarning,
                      stacklevel=3)


# Open entries without following a symbolic link, and without waiting for a writer if the entry
# is a named pipe (then refused: only regular files are read).
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class ResponseCache:
    """
    A folder of cached answers.

    Parameters
    ----------
    directory : str or `~pathlib.Path` or None
        Where entries are written (created when first needed); `None` when no folder could be
        found (nothing is read or written, and that is reported).
    problems : `CacheProblems`, optional
        Where lasting failures are reported (a new one by default: once per cache object).

    Examples
    --------
    >>> import tempfile
    >>> cache = ResponseCache(tempfile.mkdtemp())
    >>> cache.put("k", b"body", url="https://x")
    True
    >>> cache.get("k", max_age=None)
    b'body'
    """

    def __init__(self, directory, *, problems=None):
        self.directory = Path(directory) if directory is not None else None
        self.problems = problems if problems is not None else CacheProblems()

    def _path(self, key):
        return self.directory / (key + _SUFFIX)

    def get(self, key, *, max_age):
        """
        The cached body, or `None` if absent, expired, damaged (then deleted) or unreadable.

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
        if self.directory is None:
            return None
        path = self._path(key)
        raw = self._read(path, max_age)
        if raw is None:
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

    def _read(self, path, max_age):
        """The bytes of a regular file ``path`` younger than ``max_age``, else `None`."""
        try:
            fd = os.open(path, _READ_FLAGS)
        except (FileNotFoundError, NotADirectoryError):
            return None  # a miss (or an entry another thread or process just removed)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
                self._not_regular(path, "a symbolic link")
            else:
                self._cannot(path, "read", exc)
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                self._not_regular(path, "a directory" if stat.S_ISDIR(info.st_mode) else
                                  "a named pipe" if stat.S_ISFIFO(info.st_mode) else
                                  "a special file")
                return None
            if max_age is not None and time.time() - info.st_mtime > max_age:
                return None
            chunks = []
            while True:
                chunk = os.read(fd, max(info.st_size, 65536))
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        except OSError as exc:
            self._cannot(path, "read", exc)
            return None
        finally:
            os.close(fd)

    def put(self, key, body, *, url):
        """
        Store a body atomically; never raises `OSError`.

        Parameters
        ----------
        key : str
            From `request_key`.
        body : bytes
            The answer's body, already checked by its parser.
        url : str
            The request URL, kept in the header for people inspecting the cache.

        Returns
        -------
        bool
            Whether the entry was written (a failure that lasts is reported once).
        """
        if self.directory is None:
            self.problems.report("folder", None, "no cache folder could be found or created: "
                                 "answers are not cached")
            return False
        header = {"format": _FORMAT, "url": url, "length": len(body),
                  "sha256": hashlib.sha256(body).hexdigest(), "stored": time.time()}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=_SUFFIX)
        except OSError as exc:
            self._cannot(self.directory, "write", exc)
            return False
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(json.dumps(header).encode() + b"\n" + body)
            os.replace(tmp, self._path(key))
        except FileNotFoundError:
            # clear() removed the temporary file (or the folder) meanwhile, in this process or
            # another: the entry is simply not written.
            self._discard(Path(tmp))
            return False
        except OSError as exc:
            self._discard(Path(tmp))
            self._cannot(self._path(key), "write", exc)
            return False
        except BaseException:
            self._discard(Path(tmp))
            raise
        return True

    def clear(self):
        """
        Delete every entry (and any temporary file left by an interrupted write, or being
        written now: that write is then dropped). Files that cannot be deleted are reported.
        """
        if self.directory is None:
            return
        try:
            paths = list(self.directory.glob("*" + _SUFFIX))
        except OSError:
            return
        failed = None
        for path in paths:
            try:
                path.unlink()
            except FileNotFoundError:
                pass  # removed meanwhile (a damaged entry discarded, another clear)
            except OSError as exc:
                failed = failed or exc
        if failed is not None:
            self._cannot(self.directory, "clear", failed)

    def __contains__(self, key):
        """Whether an entry is stored under ``key`` (whatever its age; not read or checked)."""
        if self.directory is None:
            return False
        try:  # a regular file, not a link to one (such an entry is never read)
            return stat.S_ISREG(os.lstat(self._path(key)).st_mode)
        except OSError:
            return False

    def __len__(self):
        if self.directory is None or not self.directory.is_dir():
            return 0
        return sum(1 for _ in self.directory.glob("[!.]*" + _SUFFIX))

    def _cannot(self, path, action, exc):
        where = self.directory
        what = {"read": "could not be read from", "write": "could not be cached in",
                "clear": "could not all be deleted from"}[action]
        self.problems.report(action, where, f"cache entries {what} {where} "
                             f"({exc.strerror or exc}"
                             f"{'' if path == where else ': ' + Path(path).name}); clear or "
                             f"move the cache (cache_location) to keep caching")

    def _not_regular(self, path, kind):
        self.problems.report("read", self.directory,
                             f"the cache entry {Path(path).name} in {self.directory} is {kind}, "
                             f"not a regular file: ignored")

    @staticmethod
    def _discard(path):
        try:
            path.unlink()
        except OSError:
            pass
