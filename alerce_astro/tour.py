"""
ALeRCE's starter tour, in astropy terms: every step of ALeRCE's "client starter" notebook,
done with `alerce_astro`, written to a folder of ECSV tables and PNG figures with an
``index.html`` that shows them.

`run_tour` is what ``alerce-astro tour`` runs. Each step is a small function. A step that
cannot be done for this object (no stamps, no probabilities, a service that failed) is
skipped, and the page and `TourResult.skipped` say which and why: the tour carries on and
always writes ``index.html``, never skipping in silence.
"""

import html
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import numpy as np
from astropy import units as u

__all__ = ["run_tour", "TourResult", "TourStep", "TUTORIAL_OID", "TUTORIAL_OID_LSST",
           "choose_object", "STEPS", "LSST_STEPS", "steps_for",
           "SkippedStep"]

#: The object of ALeRCE's starter notebook, visited when the tour runs against ALeRCE itself.
TUTORIAL_OID = "ZTF20aaelulu"
#: The LSST object visited on ALeRCE itself: a real Rubin diaObject (an AGN candidate of the
#: 2026-03-06 alerts, one of the seven of the test data).
TUTORIAL_OID_LSST = 313897383979122767
#: The class the offline LSST tour looks for (the stamp classifiers' supernova class).
LSST_TOUR_CLASS = "SN"
#: Radius of the catsHTM search around the object.
CROSSMATCH_RADIUS = 20 * u.arcsec
#: How many of the most probable SNe Ia the class query asks for, per ranking.
TOP_N = 200
#: Rankings of the SN Ia query (1: SN Ia is the most probable class; 2: the second).
RANKINGS = (1, 2)
#: Rows of each table shown in index.html (the ECSV files hold every row).
PREVIEW_ROWS = 10


class SkippedStep(Exception):
    """A step that cannot be done for this object (e.g. it has no stamps): expected, so the
    tour says why and carries on."""


@dataclass
class TourStep:
    """One step of the tour: what it does, the code that does it, and the files it wrote."""

    key: str
    title: str
    text: str
    code: str = ""
    #: (file name, caption) pairs, figures and tables, in order
    files: list = field(default_factory=list)
    #: extra HTML (links), already escaped
    extra_html: str = ""
    seconds: float = 0.0
    #: why the step was skipped (or stopped part way); empty when it was done
    skipped: str = ""


@dataclass
class TourResult:
    """What `run_tour` wrote."""

    oid: str
    output: Path
    index: Path
    steps: list
    offline: bool

    @property
    def skipped(self):
        """``(title, reason)`` of each step skipped (or stopped part way), in order."""
        return [(step.title, step.skipped) for step in self.steps if step.skipped]

    @property
    def files(self):
        """Every file written, index.html included."""
        return [self.output / name for step in self.steps for name, _ in step.files] + [
            self.index]

    def __repr__(self):
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        return (f"<TourResult {self.oid}: {len(self.steps)} steps{skipped}, "
                f"{len(self.files)} files in {self.output}>")


class _Tour:
    """The state shared by the steps: the client, the object, the output folder, tables."""

    def __init__(self, alerce, output, oid, offline):
        self.alerce = alerce
        self.output = output
        self.oid = oid
        self.offline = offline
        self.tables = {}
        self.coord = None  # set by the object step
        self.snia = None  # set by the SN Ia step

    def table(self, step, name, table, caption):
        """Write ``table`` as ECSV and register it with its step."""
        path = self.output / f"{name}.ecsv"
        with warnings.catch_warnings():
            # Metadata ECSV cannot represent exactly (e.g. nested provenance) is stringified.
            warnings.simplefilter("ignore", UserWarning)
            table.write(path, format="ascii.ecsv", overwrite=True)
        self.tables[path.name] = table
        step.files.append((path.name, caption))

    def figure(self, step, name, fig_or_ax, caption):
        """Save a figure (given as Figure, Axes or array of Axes) as PNG and close it."""
        import matplotlib.pyplot as plt

        figure = _figure_of(fig_or_ax)
        path = self.output / f"{name}.png"
        figure.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(figure)
        step.files.append((path.name, caption))


def _figure_of(obj):
    if hasattr(obj, "savefig"):
        return obj
    if hasattr(obj, "figure") and hasattr(obj.figure, "savefig"):
        return obj.figure
    if hasattr(obj, "flat"):
        return obj.flat[0].figure
    if isinstance(obj, (list, tuple)) and obj:
        return _figure_of(obj[0])
    raise TypeError(f"not a matplotlib figure or axes: {type(obj).__name__}")


# ---------------------------------------------------------------------------------------------
# Choosing the object.
def choose_object(alerce, *, offline, candidates=25):
    """
    The object the tour visits.

    Against ALeRCE itself, the starter notebook's object (`TUTORIAL_OID`). Against a sample
    server, the most probable SN Ia (``lc_classifier``, ranking 1) whose first alert has
    stamps, so that every step has something to show.

    Parameters
    ----------
    alerce : `~alerce_astro.AlerceClass`
        The client.
    offline : bool
        Whether ``alerce`` is pointed at a sample server.
    candidates : int, optional
        How many of the most probable SNe Ia to try.

    Returns
    -------
    str

    Raises
    ------
    LookupError
        If no SN Ia of the sample has stamps.
    """
    if alerce.survey.name == "lsst":
        return _choose_lsst_object(alerce, offline=offline, candidates=candidates)
    if not offline:
        return TUTORIAL_OID
    from .exceptions import NoResultsWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoResultsWarning)
        best = alerce.query_objects(classifier="lc_classifier", class_name="SNIa",
                                    order_by="probability", order_mode="DESC",
                                    row_limit=candidates)
        for oid in best["oid"]:
            detections = alerce.query_detections(str(oid))
            if len(detections) and "has_stamp" in detections.colnames and any(
                    bool(v) for v in detections["has_stamp"] if v is not None):
                return str(oid)
    raise LookupError("no SN Ia of the sample has an alert with stamps: the tour needs one "
                      "(pass --oid)")


def _choose_lsst_object(alerce, *, offline, candidates):
    """The real AGN candidate on ALeRCE; offline, the most probable supernova of the sample
    that ZTF saw too (so that the two-survey step has both surveys)."""
    if not offline:
        return TUTORIAL_OID_LSST
    from .client.crosssurvey import MATCH_RADIUS
    from .exceptions import NoResultsWarning

    ztf = alerce(survey="ztf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoResultsWarning)
        listed = alerce.query_objects(row_limit=-1)
        supernovae = listed[np.asarray(listed["class_name"]) == LSST_TOUR_CLASS]
        supernovae.sort("probability", reverse=True)
        for row in supernovae[:candidates]:
            if len(ztf.query_region(row["coord"], radius=MATCH_RADIUS)):
                return int(row["oid"])
    raise LookupError(f"no {LSST_TOUR_CLASS} of the LSST sample has a ZTF counterpart: the "
                      f"tour needs one (pass --oid)")


# ---------------------------------------------------------------------------------------------
# The steps. Each fills its TourStep and may use tables of earlier steps.
def _step_object(tour, step):
    alerce, oid = tour.alerce, tour.oid
    obj = alerce.query_object(oid)
    tour.table(step, "object", obj, "The object's properties (one row; units; a SkyCoord)")
    tour.coord = obj["coord"][0]
    row = obj[0]
    ndet = row["n_det"] if "n_det" in obj.colnames else row["ndet"]  # LSST: n_det
    step.extra_html = (
        f"<p>{html.escape(str(oid))} at "
        f"{html.escape(tour.coord.to_string('hmsdms', precision=2))}"
        f" (ICRS): {_shown(ndet, 'd')} detections between MJD "
        f"{_shown(row['firstmjd'], '.2f')} and {_shown(row['lastmjd'], '.2f')}.</p>")
    magstats = alerce.query_magstats(oid)  # last: the object's row is kept without them
    tour.table(step, "magstats", magstats, "Statistics of the detections, one row per band")


def _shown(value, spec):
    """A number of the object's row for the page; "unknown" where the service sent none."""
    if np.ma.is_masked(value) or value is None:
        return "unknown"
    return format(int(value) if spec == "d" else float(value), spec)


def _step_lightcurve(tour, step):
    import matplotlib.pyplot as plt

    alerce, oid = tour.alerce, tour.oid
    detections = alerce.query_detections(oid)
    non_detections = alerce.query_non_detections(oid)
    tour.table(step, "detections", detections, "Detections (alerts): PSF magnitudes per band")
    tour.table(step, "non_detections", non_detections,
               "Non-detections: 5-sigma upper limits (diffmaglim)")
    lc = alerce.get_lightcurve(oid)
    tour.table(step, "lightcurve", lc,
               "The light curve as a TimeSeries: detections and upper limits together")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    lc.plot(ax=ax)
    tour.figure(step, "lightcurve", fig, "Light curve: bands in colour, upper limits as "
                "downward triangles, magnitudes increasing downwards")


def _step_stamps(tour, step):
    stamps = tour.alerce.get_stamps(tour.oid)
    tour.stamps = stamps
    tour.figure(step, "stamps", stamps.plot(),
                "Science, template and difference stamps of the latest alert with stamps "
                "(approximate WCS: north up, east left)")


def _step_crossmatch(tour, step):
    from astropy.table import Table

    from .plotting import plot_crossmatches

    alerce = tour.alerce
    if tour.coord is None:
        raise SkippedStep("it needs the object's position, which step 1 could not get")
    result = alerce.query_catalogs(tour.coord, radius=CROSSMATCH_RADIUS)
    tour.table(step, "crossmatch_summary", result.summary(),
               f"catsHTM catalogs with sources within {CROSSMATCH_RADIUS:.0f} of the object")
    tour.table(step, "crossmatch", result.sources(),
               "Every source found, nearest first (the catalogs' own columns are in "
               "result[catalog])")
    with warnings.catch_warnings():
        from .exceptions import NoResultsWarning

        warnings.simplefilter("ignore", NoResultsWarning)
        redshift = alerce.get_redshift(tour.coord)
    if redshift is not None:
        z = Table(rows=[(redshift.z, np.nan if redshift.error is None else redshift.error,
                         redshift.catalog, redshift.column, redshift.spectroscopic,
                         redshift.separation.to_value(u.arcsec))],
                  names=["z", "z_error", "catalog", "column", "spectroscopic", "separation"])
        z["separation"].unit = u.arcsec
        tour.table(step, "redshift", z, "The redshift of the nearest catalog source that has "
                   "one (spectroscopic first)")
        step.extra_html = f"<p>Redshift: {html.escape(repr(redshift))}</p>"
    else:
        step.extra_html = "<p>No catalog gives a redshift near this object.</p>"
    tour.figure(step, "crossmatch", plot_crossmatches(result, target=tour.coord),
                "Catalog sources around the object, with their redshifts")


def _step_finder(tour, step):
    tour.figure(step, "finder", tour.alerce.plot_finder(tour.oid),
                "Finder chart: the object, its stamp and the catalog sources around it")


def _step_features(tour, step):
    from .classification import features_to_wide

    features = tour.alerce.query_features(tour.oid)
    tour.table(step, "features", features, "Features, one row per feature and band")
    tour.table(step, "features_wide", features_to_wide(features),
               "The same features pivoted to one row, columns <name>_<fid>")


def _step_probabilities(tour, step):
    from .classification import probabilities_summary

    alerce = tour.alerce
    classifiers = alerce.list_classifiers()
    tour.table(step, "classifiers", classifiers, "Classifiers, versions and classes")
    from .exceptions import NoResultsWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoResultsWarning)  # said below, as a skip
        probabilities = alerce.query_probabilities(tour.oid)
    if not len(probabilities):
        raise SkippedStep(f"ALeRCE has no classification probabilities for {tour.oid}")
    tour.table(step, "probabilities", probabilities,
               "Probabilities of every classifier and class")
    tour.table(step, "probabilities_summary", probabilities_summary(probabilities),
               "The most probable class of each classifier")
    names = set(str(n) for n in probabilities["classifier_name"])
    if "lc_classifier_top" in names:
        from .classification import probabilities_hierarchy

        tour.table(step, "probabilities_hierarchy", probabilities_hierarchy(probabilities),
                   "The hierarchical classification: branch x class within the branch")
    tour.figure(step, "probabilities", plot_probabilities(probabilities),
                "Probabilities of each classifier's classes")


def _step_snia(tour, step):
    from astropy.table import Column, vstack

    from .exceptions import MaxResultsWarning, NoResultsWarning

    alerce = tour.alerce
    tables = []
    with warnings.catch_warnings():
        # The list is cut at TOP_N on purpose, and a ranking may have no SN Ia at all.
        warnings.simplefilter("ignore", MaxResultsWarning)
        warnings.simplefilter("ignore", NoResultsWarning)
        for ranking in RANKINGS:
            t = alerce.query_objects(classifier="lc_classifier", class_name="SNIa",
                                     ranking=ranking, order_by="probability",
                                     order_mode="DESC", row_limit=TOP_N)
            t.add_column(Column([ranking] * len(t), name="ranking", dtype=int,
                                description="Rank of SNIa among the object's classes"),
                         index=t.colnames.index("probability") + 1)
            tables.append(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # metadata of the two queries differ (their URLs)
        snia = vstack(tables, metadata_conflicts="silent")
    if not len(snia):
        raise LookupError("the service lists no SN Ia (lc_classifier): nothing to histogram")
    tour.snia = snia
    tour.table(step, "snia", snia, f"The {TOP_N} most probable SNe Ia at each ranking "
               f"({', '.join(map(str, RANKINGS))})")
    tour.figure(step, "snia_probabilities", plot_probability_histogram(snia),
                "Probability of the SN Ia class, by ranking")


def _step_explorer(tour, step):
    alerce = tour.alerce
    one = alerce.explorer_url(tour.oid)
    snia = tour.snia
    top = [str(o) for o in snia["oid"][snia["ranking"] == 1]][:10] if snia is not None else []
    if not top:
        (tour.output / "explorer.txt").write_text(f"{one}\n", encoding="utf-8")
        step.files.append(("explorer.txt", "The explorer link"))
        step.extra_html = f'<p>The object: <a href="{html.escape(one)}">{html.escape(one)}</a></p>'
        raise SkippedStep("the link to the most probable SNe Ia needs step 8, which found none")
    many = alerce.explorer_url(top) if len(top) > 1 else alerce.explorer_url(top[0])
    (tour.output / "explorer.txt").write_text(f"{one}\n{many}\n", encoding="utf-8")
    step.files.append(("explorer.txt", "The two explorer links"))
    note = (" (these objects are simulated: the links show how links are built, the "
            "explorer does not know them)" if tour.offline else "")
    step.extra_html = (f'<p>The object: <a href="{html.escape(one)}">{html.escape(one)}</a>'
                       f'</p><p>The ten most probable SNe Ia: <a href="{html.escape(many)}">'
                       f'{len(top)} objects</a>{html.escape(note)}</p>')


#: The steps in order: key, title, explanation, code, function.
STEPS = [
    ("object", "1. The object and its statistics",
     "query_object gives the object's row with units and a SkyCoord column; query_magstats "
     "its per-band statistics.",
     "obj = Alerce.query_object(oid)\nstats = Alerce.query_magstats(oid)", _step_object),
    ("lightcurve", "2. Detections, non-detections and the light curve",
     "Detections and upper limits as tables, and together as an AlerceLightCurve "
     "(an astropy TimeSeries) that plots itself.",
     "det = Alerce.query_detections(oid)\nnon = Alerce.query_non_detections(oid)\n"
     "lc = Alerce.get_lightcurve(oid)\nlc.plot()", _step_lightcurve),
    ("stamps", "3. Image stamps",
     "The science, template and difference cutouts of an alert, as NDData with an "
     "approximate WCS built from the candidate position.",
     "stamps = Alerce.get_stamps(oid)\nstamps.plot()", _step_stamps),
    ("crossmatch", "4. Crossmatch with the catsHTM catalogs",
     "Every catsHTM catalog around the object, matches with their separations, and the "
     "redshifts found.",
     "xm = Alerce.query_catalogs(oid, radius=20 * u.arcsec)\n"
     "xm.summary(); xm.sources()\nz = Alerce.get_redshift(oid)\n"
     "plot_crossmatches(xm, target=xm.target)",
     _step_crossmatch),
    ("finder", "5. A finder chart",
     "Going further than the notebook: a chart of the field for the observing run.",
     "Alerce.plot_finder(oid)", _step_finder),
    ("features", "6. Features",
     "The light-curve features ALeRCE computes, long and pivoted to one row.",
     "feats = Alerce.query_features(oid)\nwide = features_to_wide(feats)", _step_features),
    ("probabilities", "7. Classifiers and probabilities",
     "The classifiers with their versions and classes, the object's probabilities, a "
     "summary and the hierarchy of the light-curve classifier.",
     "Alerce.list_classifiers()\nprobs = Alerce.query_probabilities(oid)\n"
     "probabilities_summary(probs)\nprobabilities_hierarchy(probs)", _step_probabilities),
    ("snia", "8. The most probable SNe Ia",
     f"The {TOP_N} objects with the highest SN Ia probability, for SN Ia ranked first and "
     f"second, and a histogram of those probabilities per ranking.",
     f"Alerce.query_objects(classifier='lc_classifier', class_name='SNIa', ranking=1,\n"
     f"                     order_by='probability', order_mode='DESC', row_limit={TOP_N})",
     _step_snia),
    ("explorer", "9. Explorer links",
     "Links to the ALeRCE explorer, for one object and for a list.",
     "Alerce.explorer_url(oid)\nAlerce.explorer_url(list_of_oids)", _step_explorer),
]


# ---------------------------------------------------------------------------------------------
# The LSST tour: the same notebook steps where the multisurvey API has the data; forced
# photometry instead of upper limits (Rubin sends none), the two-survey light curve instead of
# features (none are served for LSST), the object's own top class instead of SN Ia.
def _step_lsst_lightcurve(tour, step):
    import matplotlib.pyplot as plt

    alerce, oid = tour.alerce, tour.oid
    tour.table(step, "detections", alerce.query_detections(oid),
               "Detections (diaSources): PSF fluxes in nJy, exact 64-bit measurement ids")
    tour.table(step, "forced_photometry", alerce.query_forced_photometry(oid),
               "Forced photometry, complete (the several-oid path: never cut at 10 rows)")
    lc = alerce.get_lightcurve(oid, forced_photometry=True)
    tour.table(step, "lightcurve", lc, "The light curve as a TimeSeries: flux in nJy, "
               "magnitudes derived (31.4 - 2.5 log10 f/nJy), times TAI made UTC")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    lc.plot(ax=ax, flux=True)
    tour.figure(step, "lightcurve", fig, "Light curve in difference flux (nJy): six bands in "
                "Rubin's colours, forced photometry as small diamonds")


def _step_lsst_stamps(tour, step):
    stamps = tour.alerce.get_stamps(tour.oid)
    tour.stamps = stamps
    tour.figure(step, "stamps", stamps.plot(),
                f"Science, template and difference cutouts of the alert (measurement_id "
                f"{stamps.measurement_id}): nJy, the cutout's own WCS, "
                f"{stamps.science.meta['position_angle']:.1f} position angle")


def _step_both_surveys(tour, step):
    from .exceptions import ObjectNotFoundError

    try:
        both = tour.alerce.get_lightcurve_multisurvey(tour.oid)
    except ObjectNotFoundError as exc:  # a valid answer: ZTF never saw it
        step.extra_html = f"<p>No ZTF counterpart: {html.escape(str(exc))}</p>"
        return
    tour.table(step, "lightcurve_both_surveys", both,
               "ZTF and LSST joined: flux in uJy, bands ztf_g, lsst_g...")
    tour.figure(step, "lightcurve_both_surveys", both.plot(flux=True),
                "One transient, both surveys: each band in its survey's colour, each survey "
                "its own marker")
    oids = both.meta["oids"]
    step.extra_html = (f"<p>ZTF {html.escape(str(oids['ztf']))} and LSST "
                       f"{html.escape(str(oids['lsst']))}, "
                       f"{both.meta['separation'].to_value(u.arcsec):.3f} arcsec apart.</p>")


def _step_lsst_probabilities(tour, step):
    from .classification import probabilities_summary

    alerce = tour.alerce
    tour.table(step, "classifiers", alerce.list_classifiers(),
               "Classifiers, versions and classes (LSST)")
    probabilities = alerce.query_probabilities(tour.oid)
    tour.table(step, "probabilities", probabilities,
               "Probabilities of every classifier and class")
    summary = probabilities_summary(probabilities)
    tour.table(step, "probabilities_summary", summary,
               "The most probable class of each classifier")
    tour.top = (str(summary["classifier_name"][0]), str(summary["class_name"][0]))
    tour.figure(step, "probabilities", plot_probabilities(probabilities),
                "Probabilities of each classifier's classes")


def _step_lsst_class(tour, step):
    from astropy.table import Column, vstack

    from .exceptions import MaxResultsWarning, NoResultsWarning

    classifier, class_name = tour.top
    tables = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MaxResultsWarning)
        warnings.simplefilter("ignore", NoResultsWarning)
        for ranking in RANKINGS:
            t = tour.alerce.query_objects(classifier=classifier, class_name=class_name,
                                          ranking=ranking, order_by="probability",
                                          order_mode="DESC", row_limit=TOP_N)
            if "ranking" not in t.colnames:
                t.add_column(Column([ranking] * len(t), name="ranking", dtype=int))
            tables.append(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # metadata of the two queries differ (their URLs)
        listed = vstack(tables, metadata_conflicts="silent")
    if not len(listed):
        raise LookupError(f"the service lists no {class_name} ({classifier})")
    tour.snia = listed
    tour.table(step, "class_objects", listed, f"The {TOP_N} most probable {class_name} of "
               f"{classifier} at each ranking ({', '.join(map(str, RANKINGS))})")
    tour.figure(step, "class_probabilities",
                plot_probability_histogram(listed, label=f"probability of {class_name} "
                                                         f"({classifier})"),
                f"Probability of the {class_name} class, by ranking")


#: The LSST tour's steps, in order (same shape as `STEPS`).
LSST_STEPS = [
    STEPS[0],
    ("lightcurve", "2. Detections, forced photometry and the light curve",
     "Detections and the complete forced photometry as tables, and together as an "
     "AlerceLightCurve in nJy (Rubin sends no upper limits).",
     "lsst = Alerce(survey='lsst')\ndet = lsst.query_detections(oid)\n"
     "forced = lsst.query_forced_photometry(oid)\n"
     "lc = lsst.get_lightcurve(oid, forced_photometry=True)\nlc.plot(flux=True)",
     _step_lsst_lightcurve),
    ("stamps", "3. Image stamps",
     "The science, template and difference cutouts of the alert that has stamps, as NDData "
     "in nJy with their variance, PSF and the cutout's own WCS.",
     "stamps = lsst.get_stamps(oid)\nstamps.plot()", _step_lsst_stamps),
    STEPS[3],
    STEPS[4],
    ("both_surveys", "6. One transient, both surveys",
     "Instead of features (none are served for LSST): the ZTF counterpart found by position "
     "and both light curves joined in uJy.",
     "both = lsst.get_lightcurve_multisurvey(oid)\nboth.plot(flux=True)", _step_both_surveys),
    ("probabilities", "7. Classifiers and probabilities",
     "The LSST classifiers with their versions and classes, the object's probabilities and "
     "a summary.",
     "lsst.list_classifiers()\nprobs = lsst.query_probabilities(oid)\n"
     "probabilities_summary(probs)", _step_lsst_probabilities),
    ("class", "8. The most probable objects of its class",
     f"The {TOP_N} objects most probably of the object's top class, ranked first and "
     f"second, and a histogram of those probabilities per ranking.",
     "lsst.query_objects(classifier=name, class_name=top_class, ranking=1,\n"
     "                   order_by='probability', order_mode='DESC')", _step_lsst_class),
    STEPS[8],
]


def steps_for(survey):
    """The tour's steps for a survey: `STEPS` (ZTF) or `LSST_STEPS`."""
    return LSST_STEPS if survey.name == "lsst" else STEPS


# ---------------------------------------------------------------------------------------------
# The tour's own figures.
def plot_probabilities(probabilities, *, ax=None):
    """
    Horizontal bars of each classifier's class probabilities (latest version of each).

    Parameters
    ----------
    probabilities : `~astropy.table.Table`
        From `~alerce_astro.AlerceClass.query_probabilities`, for one object.
    ax : None
        Not accepted: the figure has one panel per classifier.

    Returns
    -------
    `~matplotlib.figure.Figure`
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if ax is not None:
        raise TypeError("plot_probabilities draws one panel per classifier: it takes no ax")
    groups = {}
    for row in probabilities:
        key = str(row["classifier_name"])
        version = str(row["classifier_version"])
        groups.setdefault(key, {}).setdefault(version, []).append(
            (str(row["class_name"]), float(row["probability"])))
    preferred = [n for n in ("lc_classifier_top", "lc_classifier", "stamp_classifier")
                 if n in groups]
    names = preferred or sorted(groups)
    if not names:
        raise ValueError("no probabilities to plot")
    heights = [len(groups[n][sorted(groups[n])[-1]]) for n in names]
    tallest = max(heights)
    fig, axes = plt.subplots(1, len(names), figsize=(3.3 * len(names), 0.28 * tallest + 1.4),
                             squeeze=False)
    for ax_, name in zip(axes[0], names, strict=True):
        version = sorted(groups[name])[-1]
        rows = sorted(groups[name][version], key=lambda r: -r[1])  # most probable on top
        labels = [r[0] for r in rows]
        values = np.array([r[1] for r in rows])
        colors = ["#EE6677" if v == values.max() else "#4477AA" for v in values]
        # Bars of the same thickness in every panel: short panels leave empty rows below.
        ax_.barh(np.arange(len(rows)), values, height=0.7, color=colors)
        ax_.set_yticks(np.arange(len(rows)), labels)
        ax_.set_ylim(tallest - 0.4, -0.6)
        ax_.set_xlim(0, 1)
        ax_.set_xlabel("probability")
        ax_.set_title(f"{name}\n{version}", fontsize=9)
    fig.tight_layout()
    return fig


def plot_probability_histogram(objects, *, ax=None, bins=20,
                               label="probability of SNIa (lc_classifier)"):
    """
    Histogram of the class probability of listed objects, one histogram per ranking.

    Parameters
    ----------
    objects : `~astropy.table.Table`
        Rows of `~alerce_astro.AlerceClass.query_objects` with ``probability`` and
        ``ranking`` columns.
    ax : `~matplotlib.axes.Axes`, optional
        Where to draw (default: a new figure).
    bins : int, optional
        Number of bins between 0 and 1.
    label : str, optional
        The x-axis label.

    Returns
    -------
    `~matplotlib.axes.Axes`
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    edges = np.linspace(0, 1, bins + 1)
    colors = {1: "#EE6677", 2: "#4477AA", 3: "#228833"}
    for ranking in sorted(set(int(r) for r in objects["ranking"])):
        p = np.ma.filled(np.asarray(objects["probability"][objects["ranking"] == ranking],
                                    dtype=float), np.nan)
        p = p[np.isfinite(p)]
        ax.hist(p, bins=edges, histtype="stepfilled", alpha=0.55,
                color=colors.get(ranking, "#BBBBBB"), label=f"ranking {ranking} ({len(p)})")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(label)
    ax.set_ylabel("objects")
    ax.legend()
    return ax


# ---------------------------------------------------------------------------------------------
# The page.
def _preview(table):
    """An HTML preview of a table: the first rows, or a name/value list for one wide row."""
    import numpy as np

    if len(table) == 1 and len(table.colnames) > 12:
        rows = []
        for name in table.colnames[:40]:
            value = table[name][0]
            if np.ma.is_masked(value):
                text = "--"
            elif isinstance(value, (float, np.floating)):
                text = f"{value:.8g}"
            else:
                text = str(value)
            unit = getattr(table[name], "unit", None)
            rows.append(f"<tr><th>{html.escape(name)}</th><td>{html.escape(text)}</td>"
                        f"<td>{html.escape(str(unit) if unit else '')}</td></tr>")
        more = (f"<p class='more'>… and {len(table.colnames) - 40} more columns</p>"
                if len(table.colnames) > 40 else "")
        return f"<table class='data'>{''.join(rows)}</table>{more}"
    shown = table[:PREVIEW_ROWS].copy()
    for name in shown.colnames:
        # Readable numbers on the page; the ECSV files keep every digit.
        if getattr(shown[name], "dtype", None) is not None and shown[name].dtype.kind == "f" \
                and not hasattr(shown[name], "to_value"):
            shown[name].info.format = ".8g"
    lines = shown.pformat(html=True, max_lines=-1, max_width=-1, tableclass="data")
    more = (f"<p class='more'>{PREVIEW_ROWS} of {len(table)} rows shown</p>"
            if len(table) > PREVIEW_ROWS else "")
    return "\n".join(lines) + more


def _count(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def _write_index(tour, steps, result_oid):
    template = Template(_template_text())
    sections, nav = [], []
    for step in steps:
        parts = [f"<h2>{html.escape(step.title)}</h2>", f"<p>{html.escape(step.text)}</p>"]
        if step.code:
            parts.append(f"<pre><code>{html.escape(step.code)}</code></pre>")
        if step.skipped:
            parts.append(f"<p class='skipped'><strong>Skipped:</strong> "
                         f"{html.escape(step.skipped)}</p>")
        parts.append(step.extra_html)
        for name, caption in step.files:
            if name.endswith(".png"):
                parts.append(f"<figure><img src='{html.escape(name)}' alt='"
                             f"{html.escape(caption)}'><figcaption>{html.escape(caption)} "
                             f"(<a href='{html.escape(name)}'>{html.escape(name)}</a>)"
                             f"</figcaption></figure>")
            elif name.endswith(".ecsv"):
                table = tour.tables[name]
                parts.append(f"<h3>{html.escape(caption)} — <a href='{html.escape(name)}'>"
                             f"{html.escape(name)}</a> ({_count(len(table), 'row')}, "
                             f"{_count(len(table.colnames), 'column')})</h3>")
                parts.append(f"<div class='scroll'>{_preview(table)}</div>")
        sections.append(f"<section id='{step.key}'>{''.join(parts)}</section>")
        nav.append(f"<a href='#{step.key}'>{html.escape(step.title.split('. ', 1)[-1])}</a>")
    from . import __version__

    where = ("the offline sample server (simulated objects)" if tour.offline
             else "the ALeRCE services")
    page = template.substitute(
        title=html.escape(f"ALeRCE starter tour: {result_oid}"),
        oid=html.escape(str(result_oid)), where=html.escape(where),
        version=html.escape(__version__), nav=" · ".join(nav),
        sections="\n".join(sections),
        date=html.escape(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    path = tour.output / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _template_text():
    from importlib.resources import files

    return (files("alerce_astro") / "data" / "tour.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
def run_tour(alerce=None, output="alerce_tour", *, oid=None, offline=False, progress=None):
    """
    Run ALeRCE's starter tour and write its tables, figures and ``index.html``.

    Parameters
    ----------
    alerce : `~alerce_astro.AlerceClass`, optional
        The client (default: `~alerce_astro.Alerce`, the ALeRCE services). For the offline
        tour, a client of a `~alerce_astro.offline.SampleServer` with ``offline=True``.
    output : str or `~pathlib.Path`, optional
        The folder to write (created; files of an earlier tour are replaced).
    oid : str, optional
        The object to visit (default: see `choose_object`).
    offline : bool, optional
        Whether ``alerce`` serves the simulated sample (chooses the object and labels the
        page).
    progress : bool or None, optional
        Show a progress bar (default: when standard error is a terminal).

    Returns
    -------
    `TourResult`

    Raises
    ------
    Exception
        An unexpected error of a step (a bug), after every other step has run and
        ``index.html`` is written. Expected conditions (no stamps, no probabilities, an
        object or a service missing: `SkippedStep`, `LookupError`,
        `~astroquery.exceptions.RemoteServiceError`) skip the step instead, and
        `TourResult.skipped` says why.

    Examples
    --------
    >>> import tempfile
    >>> from alerce_astro.offline import SampleServer
    >>> from alerce_astro.tour import run_tour
    >>> with SampleServer() as server, tempfile.TemporaryDirectory() as folder:  # doctest: +SKIP
    ...     result = run_tour(server.client(), folder, offline=True)
    ...     figures = sorted(p.name for p in result.files if p.suffix == ".png")
    >>> figures  # doctest: +SKIP
    ['crossmatch.png', 'finder.png', 'lightcurve.png', 'probabilities.png',
     'snia_probabilities.png', 'stamps.png']
    """
    if alerce is None:
        from . import Alerce as alerce
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise NotADirectoryError(f"{output} exists and is not a folder")
    output.mkdir(parents=True, exist_ok=True)
    # The page is written last, and an earlier one removed first: an interrupted tour never
    # leaves a page that looks complete.
    (output / "index.html").unlink(missing_ok=True)
    # Figures are made with pyplot and closed once saved, so that nothing is shown (in a
    # notebook or a script) and the backend in use is left alone.
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    try:
        return _run_steps(alerce, output, oid, offline, progress)
    except BaseException:
        for number in set(plt.get_fignums()) - before:  # figures of the failed step
            plt.close(number)
        raise


def _run_steps(alerce, output, oid, offline, progress):
    from .bulk.progress import progress_bar

    if oid is None:
        oid = choose_object(alerce, offline=offline)
    else:
        oid = alerce.survey.validate_oid(oid)
    import matplotlib.pyplot as plt

    from .exceptions import NoResultsWarning

    tour = _Tour(alerce, output, oid, offline)
    tour.figures_before = set(plt.get_fignums())
    expected = _expected_errors()
    steps, unexpected = [], None
    chosen = steps_for(alerce.survey)
    bar = progress_bar(len(chosen), progress=progress, description="tour", unit="step")
    try:
        for key, title, text, code, function in chosen:
            bar.set_postfix_str(key)
            step = TourStep(key, title, text, code=code)
            start = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    # "Nothing here" is a reason to skip the step, said on the page.
                    warnings.simplefilter("error", NoResultsWarning)
                    function(tour, step)
            except expected as exc:
                step.skipped = _reason(exc)
            except Exception as exc:  # noqa: BLE001 - a bug: the page first, then raised
                step.skipped = f"failed: {type(exc).__name__}: {exc}"
                unexpected = unexpected or exc
            finally:
                _close_new_figures(tour)
            step.seconds = time.perf_counter() - start
            steps.append(step)
            bar.update(1)
    finally:
        bar.close()
    index = _write_index(tour, steps, oid)
    if unexpected is not None:
        raise unexpected
    return TourResult(oid=oid, output=output, index=index, steps=steps, offline=offline)


def _expected_errors():
    """The exceptions of conditions a tour meets on real data: the step is skipped."""
    from astroquery.exceptions import NoResultsWarning, RemoteServiceError

    return (SkippedStep, LookupError, RemoteServiceError, NoResultsWarning)


def _reason(exc):
    """One line saying why a step was skipped."""
    from astroquery.exceptions import RemoteServiceError

    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, (SkippedStep, Warning)):
        return text
    if isinstance(exc, LookupError) or "404" in text:
        return f"not found: {text}"
    if isinstance(exc, RemoteServiceError):
        return f"the service failed: {text}"
    return text


def _close_new_figures(tour):
    """Close the figures a step left open (it stopped between drawing and saving)."""
    import matplotlib.pyplot as plt

    for number in set(plt.get_fignums()) - tour.figures_before:
        plt.close(number)
