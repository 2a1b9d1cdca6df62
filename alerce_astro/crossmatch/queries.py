"""The methods of `~alerce_astro.AlerceClass` for this subpackage (a mixin)."""

__all__ = ["CrossmatchQueries"]


class CrossmatchQueries:
    """Methods of `~alerce_astro.AlerceClass` for crossmatch; see the class for settings."""
