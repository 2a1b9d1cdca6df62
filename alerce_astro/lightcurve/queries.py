"""The methods of `~alerce_astro.AlerceClass` for this subpackage (a mixin)."""

__all__ = ["LightCurveQueries"]


class LightCurveQueries:
    """Methods of `~alerce_astro.AlerceClass` for lightcurve; see the class for settings."""
