"""
The progress bar of bulk work: `tqdm`, shown only where someone can see it.

``progress=None`` (the default) shows a bar when standard error is a terminal or the code runs
in a Jupyter kernel, and only once the work has lasted `DELAY` seconds, so short calls and
scripts whose output goes to a file or a pipe stay quiet. ``progress=True`` forces a bar,
``progress=False`` hides it.
"""

import sys

__all__ = ["progress_bar", "wants_progress", "DELAY"]

#: Seconds of work before a bar appears: calls shorter than this never show one.
DELAY = 0.5


class _NoBar:
    """Stands in for a bar when none is shown (and keeps tqdm unimported)."""

    def update(self, n=1):
        pass

    def set_postfix_str(self, text, refresh=True):
        pass

    def close(self):
        pass


def _in_notebook():
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    try:
        ip = shell.get_ipython()
    except Exception:  # an IPython too old or half-imported: no bar rather than an error
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def wants_progress(progress):
    """
    Whether a bar should be shown.

    Parameters
    ----------
    progress : bool or None
        `True` or `False` decide; `None` means "if someone can see it": standard error is a
        terminal, or the code runs in a Jupyter kernel.

    Returns
    -------
    bool

    Examples
    --------
    >>> wants_progress(False)
    False
    >>> wants_progress(True)
    True
    """
    if progress is not None:
        return bool(progress)
    stream = sys.stderr
    try:
        tty = stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        tty = False
    return tty or _in_notebook()


def progress_bar(total, *, progress=None, description=None, unit="obj"):
    """
    A `tqdm.auto.tqdm` bar, or a silent stand-in with the same methods.

    Parameters
    ----------
    total : int
        Number of steps.
    progress : bool or None, optional
        See `wants_progress`.
    description : str, optional
        Text before the bar.
    unit : str, optional
        Name of one step.

    Returns
    -------
    object
        Has ``update(n)``, ``set_postfix_str(text)`` and ``close()``.

    Examples
    --------
    >>> bar = progress_bar(10, progress=False)
    >>> bar.update(3); bar.close()
    """
    if not wants_progress(progress):
        return _NoBar()
    from tqdm.auto import tqdm  # imported here: the import costs ~0.1 s and most calls need none

    return tqdm(total=total, desc=description, unit=unit, delay=0 if progress else DELAY,
                dynamic_ncols=True, leave=True)
