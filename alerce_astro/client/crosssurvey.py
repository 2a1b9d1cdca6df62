"""
One transient, both surveys: `get_lightcurve_multisurvey` finds an object's ZTF and LSST
counterparts (by position or by the ids given), fetches both light curves completely (forced
photometry included) and joins them in one flux frame with
`~alerce_astro.lightcurve.combine.combine_lightcurves`; `plot_lightcurve_multisurvey` plots it.

Each survey is asked through a client of that survey made from this one (``self(survey=...)``:
same URLs, cache and settings), so every rule of each service (ZTF's cone quirks, LSST's
several-oid path) applies unchanged.
"""


from astropy import units as u
from astropy.coordinates import SkyCoord

from ..exceptions import InvalidQueryError, NoResultsWarning, ObjectNotFoundError
from ..lightcurve.combine import COMBINED_FLUX_UNIT, combine_lightcurves
from ..surveys import LSST, ZTF
from ..validation import parse_coordinates, parse_radius
from .base import AlerceBase, silenced

__all__ = ["CrossSurveyQueries", "MATCH_RADIUS", "SURVEY_ORDER"]

#: Default radius of the cone that finds the other survey's object: 2 arcsec (ZTF's
#: positions are good to about 0.1-0.3 arcsec, Rubin's better; ALeRCE's own crossmatches of
#: alerts to objects use 1.5 arcsec).
MATCH_RADIUS = 2 * u.arcsec
#: The surveys joined, in the order their points are labelled and plotted.
SURVEY_ORDER = (ZTF, LSST)


class CrossSurveyQueries(AlerceBase):
    """Methods of `~alerce_astro.AlerceClass` that join the surveys; see the class for
    settings."""

    def get_lightcurve_multisurvey(self, target, *, ztf_oid=None, lsst_oid=None,
                                   radius=MATCH_RADIUS, forced_photometry=True,
                                   non_detections=True, unit=COMBINED_FLUX_UNIT, cache=None):
        """
        The light curve of one transient seen by ZTF and LSST, both surveys joined.

        ``target`` is a ZTF object id, an LSST object id or a position. The object of the
        survey it names is fetched; the other survey's object is the one nearest to its mean
        position within ``radius`` (a cone search on that survey), unless given
        (``ztf_oid``/``lsst_oid``). A position is searched on both surveys.

        Parameters
        ----------
        target : str, int or `~astropy.coordinates.SkyCoord`
            ``"ZTF20aaelulu"``, ``313897383979122767`` or a position (``"185.7 15.8"``).
        ztf_oid, lsst_oid : str, int, optional
            The other survey's object id, when known (no cone search then).
        radius : `~astropy.units.Quantity` or str, optional
            Cone radius for the other survey's object (default 2 arcsec).
        forced_photometry : bool, optional
            Include each survey's forced photometry (default: yes; LSST's is always complete,
            fetched through the several-oid path).
        non_detections : bool, optional
            Keep ZTF's upper limits (LSST has none).
        unit : `~astropy.units.Unit`, optional
            Flux unit of the joined light curve (default µJy).
        cache : bool, optional
            Use the cache.

        Returns
        -------
        `~alerce_astro.lightcurve.AlerceLightCurve`
            Canonical columns plus ``survey``; bands ``ztf_g``, ``lsst_g``...; fluxes in
            ``unit``; ``meta["oid"]`` the object of this client's survey, ``meta["oids"]``
            that of each survey, ``meta["separation"]``
            between their mean positions, ``meta["matched_by"]`` how each was found.

        Raises
        ------
        InvalidQueryError
            For a target that is neither an id nor a position, or a bad radius.
        ObjectNotFoundError
            If a survey has no object within ``radius``.

        Notes
        -----
        The surveys' passbands differ (``ztf_g`` is not ``lsst_g``) and each survey's
        difference fluxes are measured against its own reference image: an offset between
        the surveys' fluxes of a source that varied between the two references is not a
        change of the source (see `~alerce_astro.lightcurve.combine`).

        Examples
        --------
        >>> both = alerce.get_lightcurve_multisurvey("ZTF00aaaaabh")   # doctest: +SKIP
        >>> both.meta["oids"]                                          # doctest: +SKIP
        {'ztf': 'ZTF00aaaaabh', 'lsst': 458439280229875715}
        """
        angle = parse_radius(radius, maximum=1 * u.arcmin)
        given = {"ztf": ztf_oid, "lsst": lsst_oid}
        for survey in SURVEY_ORDER:
            if given[survey.name] is not None:
                given[survey.name] = survey.validate_oid(given[survey.name],
                                                         argument=f"{survey.name}_oid")
        position = None
        owner = _survey_of_target(target)
        if owner is not None:
            oid = owner.validate_oid(target, argument="target")
            if given[owner.name] is not None and given[owner.name] != oid:
                raise InvalidQueryError(f"target={target!r} and {owner.name}_oid="
                                        f"{given[owner.name]!r} name two objects")
            given[owner.name] = oid
        else:
            position = parse_coordinates(target, argument="target")
        clients = {s.name: self if self.survey.name == s.name else self(survey=s.name)
                   for s in SURVEY_ORDER}
        curves, matched = {}, {}
        # The surveys whose object is known first: their position finds the others.
        for survey in sorted(SURVEY_ORDER, key=lambda s: given[s.name] is None):
            client = clients[survey.name]
            oid = given[survey.name]
            if oid is None:
                where = position if position is not None else _position_of(curves)
                oid, separation = _nearest(client, where, angle, cache)
                matched[survey.name] = f"nearest within {angle} ({separation:.3f})"
            else:
                matched[survey.name] = "id given"
            curves[survey.name] = client.get_lightcurve(
                oid, forced_photometry=forced_photometry, non_detections=non_detections,
                cache=cache)
        # This client's survey first: meta["oid"] is then an id of its own survey.
        order = sorted(curves, key=lambda name: name != self.survey.name)
        joined = combine_lightcurves(*(curves[name] for name in order), unit=unit)
        joined.meta["matched_by"] = matched
        return joined

    def plot_lightcurve_multisurvey(self, target, *, ztf_oid=None, lsst_oid=None,
                                    radius=MATCH_RADIUS, forced_photometry=True,
                                    cache=None, ax=None, flux=True, **kwargs):
        """
        Fetch both surveys' light curve (`get_lightcurve_multisurvey`) and plot it.

        Each band in its survey's colour, each survey with its own detection marker and
        legend label; fluxes (µJy) by default, since both surveys' difference fluxes share
        that frame.

        Parameters
        ----------
        target, ztf_oid, lsst_oid, radius, forced_photometry, cache
            As for `get_lightcurve_multisurvey`.
        ax : `~matplotlib.axes.Axes`, optional
            Where to draw.
        flux : bool, optional
            Plot fluxes (default) or magnitudes.
        **kwargs
            Passed to `alerce_astro.plotting.plot_lightcurve`.

        Returns
        -------
        `~matplotlib.axes.Axes`

        Examples
        --------
        >>> ax = alerce.plot_lightcurve_multisurvey("ZTF00aaaaabh")   # doctest: +SKIP
        """
        joined = self.get_lightcurve_multisurvey(target, ztf_oid=ztf_oid, lsst_oid=lsst_oid,
                                                 radius=radius,
                                                 forced_photometry=forced_photometry,
                                                 cache=cache)
        kwargs.setdefault("title", " + ".join(str(oid) for oid in joined.meta["oids"].values()))
        return joined.plot(ax=ax, flux=flux, **kwargs)


def _survey_of_target(target):
    """The survey an id can only belong to, or None (a position)."""
    for survey in SURVEY_ORDER:
        try:
            if survey.is_oid(target.strip() if isinstance(target, str) else target):
                return survey
        except (TypeError, ValueError):
            continue
    return None


def _position_of(curves):
    for lc in curves.values():
        if lc.meta.get("coord") is not None:
            return lc.meta["coord"]
    raise ObjectNotFoundError("no position to search the other survey at: the object has no "
                              "detections; give the other survey's id (ztf_oid=/lsst_oid=)")


def _nearest(client, where, angle, cache):
    """The oid of the object of ``client``'s survey nearest to ``where`` within ``angle``."""
    # Said below, as an error. Never warnings.catch_warnings: it swaps the process-wide
    # filters under other threads; `silenced` holds for this thread's calls only.
    with silenced(NoResultsWarning):
        table = client.query_region(where, radius=angle, cache=cache)
    if not len(table):
        coord = where if isinstance(where, SkyCoord) else parse_coordinates(where)
        raise ObjectNotFoundError(
            f"no {client.survey.title} object within {angle} of "
            f"{coord.to_string('decimal', precision=6)}; give its id if you know it "
            f"({client.survey.name}_oid=), or widen radius=")
    best = int(table["separation"].argmin())
    oid = table["oid"][best]
    oid = str(oid) if client.survey.id_dtype == "str" else int(oid)
    return oid, table["separation"].quantity[best].to(u.arcsec)
