"""
Many objects at once: concurrent, polite bulk queries that lose nothing.

`BulkResult` is what the bulk methods of `~alerce_astro.AlerceClass` (`get_lightcurves`,
``query_magstats_many`` and friends) return; `run_many` is the engine they share. The engine
sends requests (through the transport's request slots), so it is loaded only when used: the
result classes need no HTTP code.
"""

from .result import BulkFailureWarning, BulkResult, stack_prepared, stack_tables

__all__ = ["BulkResult", "BulkFailureWarning", "run_many", "stack_prepared", "stack_tables"]


def __getattr__(name):
    if name == "run_many":
        from .engine import run_many

        return run_many
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
