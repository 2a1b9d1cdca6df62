"""
The contract every survey's client keeps, for every public query method: the documented
return type, units on every physical column, an id column of the survey's type, and (for light
curves) the canonical columns of PLAN.md.

The suite is parametrized over `alerce_astro.surveys.SURVEYS` (see conftest.py); a public
method of `~alerce_astro.AlerceClass` without an entry in `CALLS` fails
`test_every_public_method_has_a_contract`.
"""

import re
import warnings

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from astropy.table import Table
from astropy.time import Time
from astroquery.query import BaseQuery

from alerce_astro import AlerceClass
from alerce_astro.bulk import BulkResult
from alerce_astro.crossmatch import CrossmatchResult, Redshift
from alerce_astro.crossmatch.catalogs import find_catalog
from alerce_astro.exceptions import InvalidQueryError, MaxResultsWarning, NoResultsWarning
from alerce_astro.lightcurve import AlerceLightCurve
from alerce_astro.stamps import StampSet

# ------------------------------------------------------------------------------------------
# What each public method is called with, and what it returns.


def _figure(value):
    from matplotlib.figure import Figure

    return isinstance(value, Figure)


def _axes(value):
    from matplotlib.axes import Axes

    return isinstance(value, Axes)


def _hdulists(value):
    return (isinstance(value, list) and len(value) == 3
            and all(isinstance(h, fits.HDUList) for h in value))


def _strings(value):
    return isinstance(value, list) and value and all(isinstance(v, str) for v in value)


def _redshift(value):
    return value is None or isinstance(value, Redshift)


#: method -> (call, documented return type or a check of it)
CALLS = {
    "query_object": (lambda c, k: c.query_object(k.oid), Table),
    "query_objects": (lambda c, k: c.query_objects(classifier=k.classifier, row_limit=5),
                      Table),
    "query_region": (lambda c, k: c.query_region(k.position, radius="1 arcmin"), Table),
    "limit_values": (lambda c, k: c.limit_values(), Table),
    "query_magstats": (lambda c, k: c.query_magstats(k.oid), Table),
    "query_probabilities": (lambda c, k: c.query_probabilities(k.oid), Table),
    "query_features": (lambda c, k: c.query_features(k.oid), Table),
    "list_classifiers": (lambda c, k: c.list_classifiers(), Table),
    "list_classes": (lambda c, k: c.list_classes(k.classifier, k.classifier_version), Table),
    "explorer_url": (lambda c, k: c.explorer_url(k.oid), str),
    "explorer_urls": (lambda c, k: c.explorer_urls(k.oids), _strings),
    "get_lightcurve": (lambda c, k: c.get_lightcurve(k.oid, forced_photometry=True),
                       AlerceLightCurve),
    "query_detections": (lambda c, k: c.query_detections(k.oid), Table),
    "query_non_detections": (lambda c, k: c.query_non_detections(k.oid), Table),
    "query_forced_photometry": (lambda c, k: c.query_forced_photometry(k.oid), Table),
    "get_stamps": (lambda c, k: c.get_stamps(k.oid), StampSet),
    "get_images": (lambda c, k: c.get_images(k.oid), _hdulists),
    "get_avro_info": (lambda c, k: c.get_avro_info(c.get_stamps(k.oid).candid, oid=k.oid),
                      dict),
    "plot_stamps": (lambda c, k: c.plot_stamps(k.oid), _figure),
    "list_catalogs": (lambda c, k: c.list_catalogs(), Table),
    "query_catalogs": (lambda c, k: c.query_catalogs(k.oid, radius="30 arcsec"),
                       CrossmatchResult),
    "query_nearest": (lambda c, k: c.query_nearest(k.oid), Table),
    "get_redshift": (lambda c, k: c.get_redshift(k.oid), _redshift),
    "plot_finder": (lambda c, k: c.plot_finder(k.oid, radius="30 arcsec"), _axes),
    "query_many": (lambda c, k: c.query_many("query_magstats", k.oids), BulkResult),
    "get_lightcurves": (lambda c, k: c.get_lightcurves(k.oids), BulkResult),
    "query_magstats_many": (lambda c, k: c.query_magstats_many(k.oids), BulkResult),
    "query_probabilities_many": (lambda c, k: c.query_probabilities_many(k.oids), BulkResult),
    "query_features_many": (lambda c, k: c.query_features_many(k.oids), BulkResult),
    "get_stamps_many": (lambda c, k: c.get_stamps_many(k.oids), BulkResult),
}

# ------------------------------------------------------------------------------------------
# Physical columns: what a name says its unit must measure.

_TIME = re.compile(r"(^|_)(mjd|jd|deltajd|mjdstarthist|mjdendhist|exptime)($|_)|mjd$")
_ANGLE = re.compile(r"^(ra|dec|meanra|meandec|sigmara|sigmadec|e_ra|e_dec|ranr|decnr|"
                    r"separation|distance|sciinpseeing|default_radius)$")
_MAG = re.compile(r"mag|^g_r_|^sigmapsf|^sigmagap|^e_mag|^limiting")
_FLUX = re.compile(r"^flux(_err)?$")


def _expected(name):
    """The physical type a column name promises, or None."""
    if _FLUX.search(name):
        return "spectral flux density"
    if _MAG.search(name):
        return "mag"
    if _TIME.search(name):
        return "time"
    if _ANGLE.search(name):
        return "angle"
    return None


def _unit_problems(table, *, extra_angles=()):
    """Every physical column whose unit is missing or measures something else."""
    problems = []
    for name in table.colnames:
        column = table[name]
        if isinstance(column, Time) or name == "coord":
            continue
        if getattr(getattr(column, "dtype", None), "kind", "") not in "fiu":
            continue
        wanted = "angle" if name in extra_angles else _expected(name)
        if wanted is None:
            continue
        unit = getattr(column, "unit", None)
        if unit is None:
            problems.append(f"{name}: no unit (expected {wanted})")
        elif wanted == "mag":
            if not unit.is_equivalent(u.mag):
                problems.append(f"{name}: {unit} is not a magnitude")
        elif unit.physical_type != wanted:
            problems.append(f"{name}: {unit} is a {unit.physical_type}, not a {wanted}")
    return problems


def _id_problems(table, survey):
    """The ``oid`` column must hold the survey's id type (str-like for a str id)."""
    if "oid" not in table.colnames:
        return []
    kind = np.asarray(table["oid"]).dtype
    if survey.id_dtype == "str":
        ok = kind.kind in "US" or (kind.kind == "O" and all(isinstance(v, str)
                                                          for v in table["oid"]))
    else:
        ok = kind == np.dtype(survey.id_dtype)
    return [] if ok else [f"oid is {kind}, not {survey.id_dtype}"]


def _tables_of(value):
    """The tables a result holds, by label."""
    if isinstance(value, Table):
        return {"result": value}
    if isinstance(value, CrossmatchResult):
        return {f"catalog {name}": table for name, table in value.items()}
    if isinstance(value, BulkResult):
        tables = {str(oid): v for oid, v in value.items() if isinstance(v, Table)}
        if tables:
            tables["stack"] = value.stack()
        return tables
    if isinstance(value, StampSet):
        return {}
    return {}


def _call(case, method):
    call, _ = CALLS[method]
    with warnings.catch_warnings():
        # An object without a redshift or a cut list is a valid answer here.
        warnings.simplefilter("ignore", NoResultsWarning)
        warnings.simplefilter("ignore", MaxResultsWarning)
        return call(case.client, case)


# ------------------------------------------------------------------------------------------
#: What a survey's services cannot answer: the method must refuse with an
#: `InvalidQueryError` saying why (matching this pattern), before any request, rather than
#: return a confusing result or pass on a server error.
NOT_APPLICABLE = {
    "lsst": {
        "limit_values": "no limit-values route",
        "query_features": "no light-curve features",
        "query_features_many": "no light-curve features",
        "get_avro_info": "no alert packets|stamps of LSST alerts",
    },
}
#: Methods that need an alert's stamps: refused while the survey's service says it has none
#: (``service.unsupported["stamps"]``), held to the full contract once it has them.
NEEDS_STAMPS = ("get_stamps", "get_images", "plot_stamps", "get_stamps_many", "plot_finder")


def _refusal(case, method):
    """The pattern of the refusal ``method`` owes for ``case``'s survey, or None."""
    reasons = dict(NOT_APPLICABLE.get(case.survey.name, {}))
    if "stamps" in getattr(case.client.service, "unsupported", {}):
        reasons.update({name: "stamps of LSST alerts" for name in NEEDS_STAMPS})
    return reasons.get(method)


@pytest.fixture
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# ------------------------------------------------------------------------------------------
#: The TAP methods: their contracts (Tables with units, int64 ids, canonical light curves) are
#: checked against a real DaCHS in tests/tap, not against the REST offline server.
TAP_METHODS = {"query_tap", "download_tap", "list_tap_tables", "list_tap_columns",
               "query_objects_tap", "list_tap_classifiers", "list_tap_classes",
               "get_lightcurves_tap"}


def test_every_public_method_has_a_contract():
    inherited = set(dir(BaseQuery))
    public = {name for name in dir(AlerceClass)
              if not name.startswith("_") and name not in inherited
              and callable(getattr(AlerceClass, name))}
    assert public - TAP_METHODS == set(CALLS)
    assert TAP_METHODS <= public


@pytest.mark.parametrize("method", sorted(CALLS))
def test_contract(case, method, close_figures):
    refusal = _refusal(case, method)
    if refusal is not None:
        with pytest.raises(InvalidQueryError, match=refusal):
            _call(case, method)
        return
    value = _call(case, method)
    _, expected = CALLS[method]
    if isinstance(expected, type):
        assert isinstance(value, expected), f"{method} returned {type(value).__name__}"
    else:
        assert expected(value), f"{method} returned {value!r:.200}"
    problems = []
    for label, table in _tables_of(value).items():
        angles = ()
        if label.startswith("catalog "):
            info = find_catalog(label[len("catalog "):])
            angles = (info.ra_column, info.dec_column) if info is not None else ("RA", "Dec")
        problems += [f"{label}: {p}" for p in _unit_problems(table, extra_angles=angles)]
        problems += [f"{label}: {p}" for p in _id_problems(table, case.survey)]
    if isinstance(value, AlerceLightCurve):
        problems += _unit_problems(value)
        meta_oid = value.meta.get("oid")
        id_type = str if case.survey.id_dtype == "str" else int
        if not isinstance(meta_oid, id_type):
            problems.append(f"meta oid {meta_oid!r} is not {id_type.__name__}")
    if isinstance(value, StampSet):
        for kind, stamp in value.items():
            if stamp.unit is None:
                problems.append(f"{kind} stamp has no unit")
            if stamp.wcs is None or not stamp.wcs.has_celestial:
                problems.append(f"{kind} stamp has no celestial WCS")
    assert problems == []


#: PLAN.md's canonical light curve: the first columns, in this order, of every light curve.
CANONICAL = ["time", "kind", "band", "band_id", "flux", "flux_err", "mag", "mag_err",
             "limiting_mag", "detection_id"]


def test_lightcurve_canonical_columns(case):
    lc = _call(case, "get_lightcurve")
    assert lc.colnames[:len(CANONICAL)] == CANONICAL
    assert isinstance(lc["time"], Time) and lc["time"].scale == "utc"
    assert lc["time"].format == "mjd"
    assert set(lc["kind"]) <= {"detection", "upper_limit", "forced"}
    assert set(lc["band"]) <= set(case.survey.band_names)
    assert lc["band_id"].dtype == np.int16
    assert {case.survey.band(b).code for b in set(lc["band"])} == set(lc["band_id"].tolist())
    for name in ("flux", "flux_err"):
        assert lc[name].unit.is_equivalent(case.survey.flux_unit)
    for name in ("mag", "mag_err", "limiting_mag"):
        assert lc[name].unit.is_equivalent(u.mag)
    assert np.asarray(lc["detection_id"]).dtype == np.int64
    assert lc.meta["survey"] == case.survey.name
