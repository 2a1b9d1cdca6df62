"""
Bands of a light curve, read from its survey's band table.

A light curve of one survey names its bands as the survey does (``"g"``); a light curve that
joins two surveys names them ``<survey>_<band>`` (``"ztf_g"``, ``"lsst_g"``), because ZTF g
and LSST g are different passbands. These helpers find the `~alerce_astro.surveys.Band` of
either kind of name, so that ordering, selections, SEDs and colours work for any survey.
"""

from ..exceptions import InvalidQueryError
from ..surveys import SURVEYS, get_survey, survey_of_oid

__all__ = ["survey_of", "find_band", "band_sort_key"]


def survey_of(meta):
    """
    The survey of a light curve from its ``meta``: ``meta["survey"]``, else the survey its
    ``oid`` can only belong to; None when neither says, and None for a light curve joining
    several surveys (``meta["surveys"]`` lists them).

    Examples
    --------
    >>> survey_of({"survey": "lsst"}).name, survey_of({"oid": "ZTF20aaelulu"}).name
    ('lsst', 'ztf')
    """
    if len(meta.get("surveys") or ()) > 1:
        return None
    name = meta.get("survey")
    if name is not None:
        try:
            return get_survey(name)
        except InvalidQueryError:
            return None
    oid = meta.get("oid")
    return survey_of_oid(oid) if oid is not None else None


def find_band(band, survey=None):
    """
    The survey and `~alerce_astro.surveys.Band` of a band name or code, or None.

    Parameters
    ----------
    band : str or int
        A band name of ``survey`` (``"g"``), a ``<survey>_<band>`` name (``"lsst_u"``), or a
        code of ``survey`` (LSST u is 6).
    survey : `~alerce_astro.surveys.Survey`, optional
        The survey of plain names and codes.

    Returns
    -------
    tuple of (`~alerce_astro.surveys.Survey`, `~alerce_astro.surveys.Band`) or None

    Examples
    --------
    >>> from alerce_astro.surveys import ZTF
    >>> find_band("lsst_u")[1].code, find_band(2, ZTF)[1].name, find_band("q", ZTF)
    (6, 'r', None)
    """
    if isinstance(band, str):
        prefix, _, rest = band.partition("_")
        if rest and prefix.lower() in SURVEYS:
            survey, band = SURVEYS[prefix.lower()], rest
    if survey is None:
        return None
    try:
        return survey, survey.band(band)
    except InvalidQueryError:
        return None


def band_sort_key(name, survey=None):
    """A sort key putting band names in wavelength order, names of no known band last."""
    found = find_band(name, survey)
    if found is None:
        return (1, 0.0, str(name))
    return (0, float(found[1].wavelength.to_value("AA")), str(name))
