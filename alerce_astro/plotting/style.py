"""
The plotting style: the one place for band colours, markers and image colour maps.

Band colours are from Paul Tol's colour-blind-safe "bright" scheme (Tol 2021, "Colour
Schemes", SRON/EPS/TN/09-002): g blue-green, r red-pink, i yellow-brown, chosen so the three
bands stay distinct for the common forms of colour blindness and in greyscale print.
"""

#: Colour of each ZTF band (by name).
BAND_COLORS = {"g": "#228833", "r": "#EE6677", "i": "#CCBB44"}
#: Fallback colour for an unknown band.
OTHER_COLOR = "#BBBBBB"
#: Markers: detections, upper limits (downward triangles), negative-subtraction detections,
#: forced photometry.
MARKERS = {"detection": "o", "upper_limit": "v", "negative": "s", "forced": "D"}
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
#: One colour and marker per catalog, cycled in this order.
CATALOG_COLORS = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377",
                  "#BBBBBB", "#000000"]
CATALOG_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def band_color(band):
    """
    The colour of a band, given by name (``"g"``) or ZTF filter id (``1``).

    Examples
    --------
    >>> band_color("r"), band_color(1)
    ('#EE6677', '#228833')
    """
    from ..surveys.ztf import band_name

    if not isinstance(band, str):
        band = band_name(band)
    return BAND_COLORS.get(band, OTHER_COLOR)
