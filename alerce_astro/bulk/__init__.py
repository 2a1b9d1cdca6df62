"""
Many objects at once: concurrent, polite bulk queries that lose nothing.

`BulkQueries` is the mixin of `~alerce_astro.AlerceClass` with `get_lightcurves`,
``query_magstats_many`` and friends; `run_many` is the engine they share and `BulkResult` what
they return.
"""

from .engine import run_many
from .queries import MAX_WORKERS, BulkQueries
from .result import BulkFailureWarning, BulkResult, stack_tables

__all__ = ["BulkQueries", "BulkResult", "BulkFailureWarning", "run_many", "stack_tables",
           "MAX_WORKERS"]
