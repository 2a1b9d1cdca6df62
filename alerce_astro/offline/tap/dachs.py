"""
The local GAVO DaCHS installation: where it is, whether it serves, starting it, loading data.

Everything here runs the ``dachs`` command line, as an administrator would; nothing imports
DaCHS (it lives in the system Python, not in a virtual environment). Installing DaCHS is the
job of ``.ci/dachs-setup`` (see ``docs/tap.rst``).
"""

import configparser
import os
import shutil
import subprocess
import time
from pathlib import Path

__all__ = ["DachsUnavailable", "dachs_command", "tap_url", "is_serving", "start", "reload",
           "import_resource", "inputs_dir"]

#: Where DaCHS keeps resource directories (``GAVO_INPUTSDIR`` overrides it, as for DaCHS).
DEFAULT_INPUTS = "/var/gavo/inputs"
DEFAULT_CONFIG = "/etc/gavo.rc"


class DachsUnavailable(RuntimeError):
    """DaCHS is not installed, not serving, or cannot be loaded by this user; the message says
    which and what to do."""


def dachs_command():
    """
    The path of the ``dachs`` command.

    Raises
    ------
    DachsUnavailable
        When DaCHS is not installed.
    """
    path = shutil.which("dachs")
    if path is None:
        raise DachsUnavailable(
            "GAVO DaCHS is not installed (no 'dachs' command): run .ci/dachs-setup as root "
            "(Debian/Ubuntu: PostgreSQL and gavodachs2-server), see docs/tap.rst")
    return path


def inputs_dir():
    """DaCHS's inputs directory (``/var/gavo/inputs`` unless ``GAVO_INPUTSDIR`` is set)."""
    return Path(os.environ.get("GAVO_INPUTSDIR", DEFAULT_INPUTS))


def tap_url(config=None):
    """
    The TAP URL of the local DaCHS, from its configuration (``[web] serverURL``).

    ``ALERCE_ASTRO_DACHS_URL`` (the server's root URL) overrides the configuration.

    Parameters
    ----------
    config : path-like, optional
        The DaCHS configuration file (default ``/etc/gavo.rc``, or ``GAVOSETTINGS``).

    Returns
    -------
    str
        ``<serverURL>/tap``.
    """
    root = os.environ.get("ALERCE_ASTRO_DACHS_URL")
    if not root:
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(config or os.environ.get("GAVOSETTINGS", DEFAULT_CONFIG))
        # DaCHS's own default when gavo.rc says nothing.
        root = parser.get("web", "serverURL", fallback="http://localhost:8080")
    return root.rstrip("/") + "/tap"


def is_serving(url, *, timeout=3.0):
    """Whether a TAP service answers its capabilities at ``url``."""
    import requests

    try:
        with requests.get(f"{url}/capabilities", timeout=timeout) as response:
            return response.status_code == 200
    except requests.RequestException:
        return False


def _run(args, *, what, timeout=600):
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DachsUnavailable(f"{what} failed: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise DachsUnavailable(f"{what} failed (exit {done.returncode}): {tail}")
    return done


def start(url, *, timeout=60.0):
    """
    Start the DaCHS server (``dachs serve start``) unless it serves, and wait until it answers.

    Raises
    ------
    DachsUnavailable
        When it cannot be started (not root, PostgreSQL down...) or does not answer in time.
    """
    if is_serving(url):
        return
    dachs = dachs_command()
    # A pid file left by a killed server makes `serve start` refuse: stop clears it.
    subprocess.run([dachs, "serve", "stop"], capture_output=True, timeout=60)
    _run([dachs, "serve", "start"], what="dachs serve start (needs root and a running "
         "PostgreSQL: see .ci/dachs-setup)", timeout=timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_serving(url):
            return
        time.sleep(0.3)
    raise DachsUnavailable(f"DaCHS was started but does not answer at {url} after "
                           f"{timeout:.0f} s (see /var/gavo/logs)")


def reload(url, *, timeout=60.0):
    """Make the running server forget the resource descriptors it read (after a reload of
    data whose descriptor changed), and wait until it answers again."""
    _run([dachs_command(), "serve", "reload"], what="dachs serve reload", timeout=timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_serving(url):
            return
        time.sleep(0.2)
    raise DachsUnavailable(f"DaCHS does not answer at {url} after a reload")


def import_resource(resdir):
    """
    ``dachs imp <resdir>/q``: create the tables of a resource descriptor and load its data.

    Parameters
    ----------
    resdir : str
        Name of the resource directory under `inputs_dir`.

    Raises
    ------
    DachsUnavailable
        With DaCHS's own message when the import fails.
    """
    # Rows go to PostgreSQL 10000 at a time: a third faster than DaCHS's default batches.
    _run([dachs_command(), "imp", "-b", "10000", f"{resdir}/q"],
         what=f"dachs imp {resdir}/q (needs root or DaCHS's administrator rights)")
