"""
The plotting style: the one place for markers, image colour maps and colours that are not a
band's.

Band colours are facts of each survey's band table (`alerce_astro.surveys`: ZTF uses Paul
Tol's colour-blind-safe "bright" scheme, LSST Rubin's palette); `band_color` looks them up.
"""

#: Fallback colour for an unknown band.
OTHER_COLOR = "#BBBBBB"
#: Markers: detections, upper limits (downward triangles), negative-subtraction detections,
#: forced photometry.
MARKERS = {"detection": "o", "upper_limit": "v", "negative": "s", "forced": "D"}
#: Detection marker of each survey in a light curve that joins several (band names
#: ``ztf_g``, ``lsst_g``): the surveys' g bands differ in colour only slightly.
SURVEY_MARKERS = {"ztf": "o", "lsst": "h"}
#: Transparency of forced photometry (drawn lighter than alert detections).
FORCED_ALPHA = 0.35
#: Transparency of upper limits.
LIMIT_ALPHA = 0.5
#: Colour map of science and template stamps, and of the (signed) difference stamp.
IMAGE_CMAP = "gray"
DIFFERENCE_CMAP = "RdBu_r"
#: Colour of NaN (missing) pixels in stamps, distinct from both ends of the colour maps.
NAN_COLOR = "#DDAA33"
#: Marker style of a target position on images and charts.
TARGET_COLOR = "#EE3377"
#: Finder charts: arrows, scale bar and labels (drawn with a dark outline so that they read on
#: any background), and the background of parts of the field the image does not cover.
FINDER_ANNOTATION_COLOR = "#FFFFFF"
NO_DATA_COLOR = "#C8C8C8"
#: The dashed circle of a crossmatch's search radius.
SEARCH_RADIUS_COLOR = "0.5"
#: One colour and marker per catalog, cycled in this order. Every colour reads on white
#: (contrast at least 3:1: no light grey, yellow or cyan), and no marker is the target's
#: star.
CATALOG_COLORS = ["#4477AA", "#EE6677", "#228833", "#997700", "#009988", "#AA3377",
                  "#332288", "#000000"]
CATALOG_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "p"]
#: The target's marker on crossmatch plots (never one of CATALOG_MARKERS).
TARGET_MARKER = "*"


def band_color(band, survey=None):
    """
    The colour of a band, from its survey's band table.

    Parameters
    ----------
    band : str or int
        A band name (``"g"``) or wire code of ``survey``, or a ``<survey>_<band>`` name
        (``"lsst_g"``) of a light curve that joins several surveys.
    survey : str or `~alerce_astro.surveys.Survey`, optional
        The survey of plain names and codes.

    Returns
    -------
    str
        A matplotlib colour; `OTHER_COLOR` for a band no survey knows.

    Examples
    --------
    >>> band_color("r", survey="ztf"), band_color(1, survey="ztf"), band_color("lsst_u")
    ('#EE6677', '#228833', '#0c71ff')
    """
    from ..lightcurve.bands import find_band
    from ..surveys import get_survey

    found = find_band(band, None if survey is None else get_survey(survey))
    return found[1].color if found is not None else OTHER_COLOR
