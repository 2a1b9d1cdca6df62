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

__all__ = ["sample_dataset_path", "SAMPLE_OBJECTS", "SAMPLE_SEED"]

#: Number of objects of the built-in sample (every class and quirk is covered).
SAMPLE_OBJECTS = 40
SAMPLE_SEED = 0


def _package_version():
    try:
        from alerce_astro import __version__
    except ImportError:  # pragma: no cover - partial checkouts
        try:
            from importlib.metadata import version
            return version("alerce_astro")
        except Exception:
            return "unknown"
    return str(__version__)


def _source_hash():
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for p in sorted(here.glob("*.py")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def sample_key():
    """The name of the sample folder for this package and generator."""
    version = "".join(c if c.isalnum() or c in ".-_+" else "_" for c in _package_version())
    return f"sample-{version}-g{GENERATOR_VERSION}-{_source_hash()}"


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
    if cache_dir is None:
        from astropy.config import get_cache_dir

        cache_dir = Path(get_cache_dir()) / "alerce_astro"
    base = Path(cache_dir)
    final = base / sample_key()
    if (final / "manifest.json").is_file():
        return final
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=base))
    try:
        generate_dataset(tmp, SAMPLE_OBJECTS, seed=SAMPLE_SEED)
        try:
            os.rename(tmp, final)
        except OSError:
            # another process got there first (or a broken folder is in the way)
            if not (final / "manifest.json").is_file():
                shutil.rmtree(final, ignore_errors=True)
                os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final
