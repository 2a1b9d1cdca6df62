"""Shared names of the reliability suites (a plain module: conftest files are not imported)."""

import collections

#: Counters shown in the terminal summary ("reliability figures").
FIGURES = collections.Counter()

#: An object of the recorded data with every resource (58 detections, 2 magstats...).
OID = "ZTF20aaelulu"
#: The magstats route of `OID`, as a regular expression for ``SampleServer.inject``.
MAGSTATS = rf"/objects/{OID}/magstats$"


def count(kind, n=1):
    """Add ``n`` to one of the reported figures."""
    FIGURES[kind] += n
