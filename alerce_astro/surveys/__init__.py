"""
Surveys as facts: one `~alerce_astro.surveys.base.Survey` per survey ALeRCE serves (`ZTF`,
`LSST`), holding its id rule, band table, photometry, time scale, cutout geometry and explorer
links. Nothing here does HTTP or builds tables.
"""

from ..exceptions import InvalidQueryError
from .base import Band, Survey
from .lsst import LSST
from .ztf import ZTF

__all__ = ["Band", "Survey", "ZTF", "LSST", "SURVEYS", "get_survey", "survey_of_oid"]

#: Every registered survey by name.
SURVEYS = {s.name: s for s in (ZTF, LSST)}


def get_survey(survey):
    """
    A survey by name (``"ztf"``, ``"lsst"``; case-insensitive) or the survey itself.

    Raises
    ------
    InvalidQueryError
        For an unknown name.

    Examples
    --------
    >>> get_survey("LSST").title
    'Rubin LSST'
    """
    if isinstance(survey, Survey):
        return survey
    if isinstance(survey, str) and survey.strip().lower() in SURVEYS:
        return SURVEYS[survey.strip().lower()]
    raise InvalidQueryError(
        f"survey={survey!r} is not a survey ALeRCE serves: use one of {sorted(SURVEYS)}")


def survey_of_oid(oid):
    """
    The survey an object id can only belong to, or `None` when it fits none or several.

    A ``ZTF...`` string is ZTF's; a positive 64-bit integer is LSST's.

    Examples
    --------
    >>> survey_of_oid("ZTF20aaelulu").name, survey_of_oid(313897383979122767).name
    ('ztf', 'lsst')
    """
    matches = [s for s in SURVEYS.values() if s.is_oid(oid)]
    return matches[0] if len(matches) == 1 else None
