"""Many objects at once (a mixin of `~alerce_astro.AlerceClass`)."""

__all__ = ["BulkQueries"]


class BulkQueries:
    """Bulk methods of `~alerce_astro.AlerceClass`."""
