"""
The built-in sample dataset, generated once and cached per user.

The folder is ``<astropy cache dir>/alerce_astro/sample-<package version>-g<generator
version>-<source hash>``: a new package or generator version (or an edited generator) makes a
new folder, so a stale sample is never served. The dataset is written to a temporary folder
beside it and renamed into place, so concurrent processes never see half a dataset; the first
rename wins and the others discard their copy.
"""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from .constants import GENERATOR_VERSION
from .writer import generate_dataset

__all__ = ["sample_dataset_path", "cached_dataset", "source_hash", "package_version",
           "SAMPLE_OBJECTS", "SAMPLE_SEED"]

#: Number of objects of the built-in sample (every class and quirk is covered).
SAMPLE_OBJECTS = 40
SAMPLE_SEED = 0


def package_version():
    """The installed package's version (``"unknown"`` in a bare checkout)."""
    try:
        from alerce_astro import __version__
    except ImportError:  # pragma: no cover - partial checkouts
        try:
            from importlib.metadata import version
            return version("alerce_astro")
        except Exception:
            return "unknown"
    return str(__version__)


def source_hash(*folders):
    """
    A short hash of the Python sources of ``folders`` (default: this generator's folder).

    An edited generator gets a new hash, so its cached sample is made again.
    """
    h = hashlib.sha256()
    for here in folders or (Path(__file__).resolve().parent,):
        for p in sorted(Path(here).glob("*.py")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:10]


def _safe_version():
    return "".join(c if c.isalnum() or c in ".-_+" else "_" for c in package_version())


def sample_key():
    """The name of the sample folder for this package and generator."""
    return f"sample-{_safe_version()}-g{GENERATOR_VERSION}-{source_hash()}"


def cached_dataset(name, build, cache_dir=None, *, marker="manifest.json"):
    """
    A dataset folder ``name`` of the cache, written by ``build(path)`` on first use.

    The dataset is written to a temporary folder beside the final one and renamed into place,
    so concurrent processes never see half a dataset; the first rename wins and the others
    discard their copy.

    Parameters
    ----------
    name : str
        Folder name (it should change whenever the content would).
    build : callable
        ``build(path)`` writes the dataset into the empty folder ``path``.
    cache_dir : path-like, optional
        Default ``alerce_astro`` in astropy's cache folder (`astropy.config.get_cache_dir`).
    marker : str, optional
        The file ``build`` writes last: a folder without it is incomplete.

    Returns
    -------
    pathlib.Path
    """
    if cache_dir is None:
        from astropy.config import get_cache_dir

        cache_dir = Path(get_cache_dir()) / "alerce_astro"
    base = Path(cache_dir)
    final = base / name
    if (final / marker).is_file():
        return final
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=base))
    try:
        build(tmp)
        try:
            os.rename(tmp, final)
        except OSError:
            # another process got there first (or a broken folder is in the way)
            if not (final / marker).is_file():
                shutil.rmtree(final, ignore_errors=True)
                os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def sample_dataset_path(cache_dir=None):
    """
    The built-in sample dataset folder, generated on first use.

    The sample has `SAMPLE_OBJECTS` objects of seed `SAMPLE_SEED` with cutouts, catalogs and
    forced photometry; it covers every simulated class and every quirk of the service that
    the generator reproduces. It takes a second or two to generate and about 4.5 MB on disk.

    Parameters
    ----------
    cache_dir : path-like, optional
        Where to keep it; default ``alerce_astro`` in astropy's cache folder
        (`astropy.config.get_cache_dir`).

    Returns
    -------
    pathlib.Path
    """
    return cached_dataset(sample_key(),
                          lambda path: generate_dataset(path, SAMPLE_OBJECTS, seed=SAMPLE_SEED),
                          cache_dir)
