"""
Plots of light curves, stamps, crossmatches and finder charts.

matplotlib is imported only when a plot is drawn. Every function takes ``ax=None`` (or makes its
own figure for multi-panel plots) and returns the `~matplotlib.axes.Axes` or
`~matplotlib.figure.Figure`. The style (band colours, markers) lives in
`alerce_astro.plotting.style`.
"""

__all__ = ["plot_lightcurve", "plot_stamps", "plot_crossmatches", "plot_finder_chart"]

_WHERE = {
    "plot_lightcurve": ".lightcurve",
    "plot_stamps": ".stamps",
    "plot_crossmatches": ".crossmatch",
    "plot_finder_chart": ".finder",
}


def __getattr__(name):
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
