"""
Testing your own code against ALeRCE, offline.

The pytest plugin (`alerce_astro.testing.pytest_plugin`, registered as a ``pytest11`` entry
point) provides the ``alerce_server`` and ``alerce_client`` fixtures. The server itself is
`alerce_astro.offline.SampleServer`; it is re-exported here because test code reaches for
``alerce_astro.testing`` first.
"""

__all__ = ["SampleServer"]


def __getattr__(name):
    if name == "SampleServer":
        from ..offline import SampleServer

        return SampleServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
