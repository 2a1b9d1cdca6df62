"""
The official ALeRCE client (``pip install alerce``), pointed at the benchmark server.

The official client reads its URLs from the JSON file named by the ``ALERCE_CONFIG_PATH``
environment variable (its own ``default_config.json`` otherwise), when a client is created.
We write a copy of its default configuration with the ZTF API URL replaced.
"""

import json
import os
from pathlib import Path


def official_available():
    """The version of the installed ``alerce`` package, or None."""
    try:
        from importlib.metadata import version

        return version("alerce")
    except Exception:
        return None


def official_client(ztf_url, folder):
    """
    An official `alerce.core.Alerce` whose ZTF API is ``ztf_url`` (``.../ztf/v1``).

    Parameters
    ----------
    ztf_url : str
        Base URL of the ZTF API v1 of the benchmark server.
    folder : path-like
        Where to write the configuration file.

    Returns
    -------
    alerce.core.Alerce
    """
    suffix = "/ztf/v1"
    if not ztf_url.endswith(suffix):
        raise ValueError(f"expected a ZTF API URL ending in {suffix}, got {ztf_url}")
    # The official routes start with /ztf/v1: its base URL is the host alone.
    return configured_official_client(folder, "alerce_config.json",
                                      ztf={"ZTF_API_URL": ztf_url[:-len(suffix)]})


def configured_official_client(folder, name, **sections):
    """
    An official `alerce.core.Alerce` made with a copy of its default configuration in which
    the entries of ``sections`` (``ztf={...}``, ``multisurvey={...}``) are replaced; the copy
    is ``folder/name``, named by ``ALERCE_CONFIG_PATH`` while the client is made.
    """
    import alerce

    config = json.loads(Path(alerce.__file__).with_name("default_config.json").read_text())
    for section, entries in sections.items():
        config[section].update(entries)
    path = Path(folder) / name
    path.write_text(json.dumps(config, indent=2))
    previous = os.environ.get("ALERCE_CONFIG_PATH")
    os.environ["ALERCE_CONFIG_PATH"] = str(path)
    try:
        from alerce.core import Alerce

        return Alerce()
    finally:
        if previous is None:
            del os.environ["ALERCE_CONFIG_PATH"]
        else:
            os.environ["ALERCE_CONFIG_PATH"] = previous
