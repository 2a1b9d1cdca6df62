"""The methods of `~alerce_astro.AlerceClass` for this subpackage (a mixin)."""

__all__ = ["StampQueries"]


class StampQueries:
    """Methods of `~alerce_astro.AlerceClass` for stamps; see the class for settings."""
