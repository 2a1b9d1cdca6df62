"""
`AlerceLightCurve`: an ALeRCE light curve as an astropy `~astropy.timeseries.TimeSeries`.

One row per photometric point, sorted by time, with a ``kind`` column telling alert
detections, upper limits (non-detections) and forced photometry apart. Methods return new
light curves (in the style of lightkurve), so they chain::

    lc.detections().select_band("g").fold(0.5 * u.d).plot()

Every light curve, of any survey, has the canonical columns of
`alerce_astro.lightcurve.photometry` first; the survey's own columns follow (for ZTF see
`alerce_astro.apis.ztf_v1.photometry`). Everything here reads only canonical columns and the
survey's facts (`meta["survey"]`), except `apparent`, which uses the ``mag_corr`` columns of
surveys whose broker computes apparent magnitudes (ZTF).
"""

import warnings

import numpy as np
from astropy import units as u
from astropy.table import QTable, Table
from astropy.time import Time
from astropy.timeseries import TimeSeries
from astropy.utils.masked import Masked

from ..exceptions import AlerceWarning
from ..surveys import SURVEYS
from . import io as _io
from ._arrays import mask_of, values_of
from .bands import band_sort_key, find_band, survey_of
from .flux import mag_to_flux

__all__ = ["AlerceLightCurve"]


class AlerceLightCurve(TimeSeries):
    """
    The light curve of one ALeRCE object: a `~astropy.timeseries.TimeSeries` of its
    detections, upper limits and (optionally) forced photometry.

    Get one with `Alerce.get_lightcurve <alerce_astro.AlerceClass.get_lightcurve>`, or read
    one written before with ``AlerceLightCurve.read("file.ecsv")`` (ECSV or FITS).

    The canonical columns come first, for every survey: ``time`` (`~astropy.time.Time`, MJD,
    UTC), ``kind`` (``detection``, ``upper_limit`` or ``forced``), ``band`` (name) and
    ``band_id`` (the wire code), ``flux``/``flux_err`` (signed difference flux density in the
    survey's unit: µJy for ZTF, nJy for LSST), ``mag``/``mag_err`` (difference magnitudes, AB;
    masked where the flux is <= 0 for surveys that send fluxes), ``limiting_mag`` and
    ``detection_id`` (exact 64-bit integer, masked where there is none). The survey's own
    columns follow (ZTF: ``isdiffpos``, ``mag_corr`` and its errors, ``forced_candid``,
    ``ra``, ``dec``, ``rb``, ``drb``, ``has_stamp``...), then every other column the service
    sends. Missing values are masked.

    ``meta`` holds ``oid``, ``survey`` (``"ztf"``, ``"lsst"``), ``coord`` (the mean position
    of the detections, a `~astropy.coordinates.SkyCoord`, or `None` without detections),
    ``magnitudes`` (``"difference"``, or ``"apparent"`` after `apparent`) and the provenance
    of the data (``service``, ``url``, ``retrieved``).

    Examples
    --------
    >>> from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
    >>> lc = lightcurve_from_json({"detections": [
    ...     {"mjd": 59000.5, "fid": 1, "magpsf": 18.0, "sigmapsf": 0.1, "isdiffpos": 1,
    ...      "candid": "1234567890123456789", "diffmaglim": 20.0}],
    ...     "non_detections": [{"mjd": 58990.5, "fid": 2, "diffmaglim": 19.5}]},
    ...     oid="ZTF20aaaaaaa")
    >>> len(lc), lc.bands, lc.survey.name
    (2, ['g', 'r'], 'ztf')
    >>> lc.detections()["detection_id"][0]
    np.int64(1234567890123456789)
    """

    def __init__(self, data=None, *args, **kwargs):
        if (isinstance(data, Table) and "time" in data.colnames and kwargs.get("time") is None
                and isinstance(data["time"], u.Quantity)):
            # A light curve folded with normalize_phase=True: its time column is a phase
            # (a dimensionless quantity), which TimeSeries would try to read as a Time when
            # copying. Build it as the table it is instead.
            QTable.__init__(self, data, *args, **kwargs)
            return
        super().__init__(data, *args, **kwargs)

    # ----------------------------------------------------------------------------------------
    # Reading and writing: ECSV and other formats are astropy's; FITS goes through
    # alerce_astro.lightcurve.io so that meta, masked booleans and the MJD format survive.
    @classmethod
    def read(cls, filename, *args, format=None, **kwargs):
        """
        Read a light curve written by `write` (ECSV, FITS, or any format astropy reads).

        Parameters
        ----------
        filename : str or path-like
            The file.
        format : str, optional
            ``"ascii.ecsv"``, ``"fits"``...; guessed from the file name by default.
        *args, **kwargs
            Passed to the reader (see `astropy.timeseries.TimeSeries.read`).

        Returns
        -------
        `AlerceLightCurve`

        Examples
        --------
        >>> lc = AlerceLightCurve.read("ZTF20aaelulu.ecsv")   # doctest: +SKIP
        """
        if _io.is_fits_target(filename, format, mode="read"):
            return cls(_io.read_fits(filename, *args, **kwargs))
        return super().read(filename, *args, format=format, **kwargs)

    def write(self, *args, format=None, **kwargs):
        """
        Write the light curve, keeping units, masks, 64-bit ids and ``meta``.

        ECSV (``"x.ecsv"``) keeps everything natively; FITS (``"x.fits"``) stores ``meta`` as
        YAML in COMMENT cards. Other formats are astropy's (see `astropy.table.Table.write`).

        Parameters
        ----------
        *args
            The file name, then anything astropy's writer takes.
        format : str, optional
            The format; guessed from the file name by default.
        **kwargs
            Passed to the writer (``overwrite=True``...).

        Examples
        --------
        >>> lc.write("ZTF20aaelulu.ecsv", overwrite=True)    # doctest: +SKIP
        """
        if args and _io.is_fits_target(args[0], format, mode="write"):
            return _io.write_fits(self, *args, **kwargs)
        return super().write(*args, format=format, **kwargs)

    def to_pandas(self):
        """
        The light curve as a `pandas.DataFrame` (needs ``pip install "alerce_astro[pandas]"``).

        astropy makes the ``time`` column a datetime index; an ``mjd`` column (UTC, days) is
        added first so the MJD the service gave is still there. Integer ids (``detection_id``)
        stay exact 64-bit integers (pandas' nullable ``Int64`` where masked), never floats.

        Returns
        -------
        `pandas.DataFrame`

        Examples
        --------
        >>> df = lc.to_pandas()                            # doctest: +SKIP
        >>> df[["mjd", "band", "mag", "detection_id"]]     # doctest: +SKIP
        """
        frame = super().to_pandas()
        if "time" in self.colnames and isinstance(self["time"], Time) and "mjd" not in frame:
            frame.insert(0, "mjd", self["time"].utc.mjd)
        return frame

    # ----------------------------------------------------------------------------------------
    # Properties.
    @property
    def oid(self):
        """The object id (``meta["oid"]``: a `str` for ZTF, an `int` for LSST)."""
        return self.meta.get("oid")

    @property
    def survey(self):
        """The `~alerce_astro.surveys.Survey` of the light curve (``meta["survey"]``), or None."""
        return survey_of(self.meta)

    @property
    def coord(self):
        """The mean position of the detections, a `~astropy.coordinates.SkyCoord` or None."""
        return self.meta.get("coord")

    @property
    def bands(self):
        """The bands present, in wavelength order (``['g', 'r']``; ``['u', 'g', ...]``)."""
        survey = self.survey
        present = set(np.asarray(self["band"]).tolist()) - {""}
        return sorted(present, key=lambda name: band_sort_key(name, survey))

    @property
    def magnitudes(self):
        """``"difference"`` (difference-image magnitudes) or ``"apparent"``."""
        return self.meta.get("magnitudes", "difference")

    @property
    def is_folded(self):
        """Whether ``time`` is a phase (after `fold`) rather than a `~astropy.time.Time`."""
        return not isinstance(self["time"], Time)

    # ----------------------------------------------------------------------------------------
    # Selections.
    def _kind(self, kind):
        return self[np.asarray(self["kind"]) == kind]

    def detections(self):
        """
        The alert detections only.

        Returns
        -------
        `AlerceLightCurve`
        """
        return self._kind("detection")

    def upper_limits(self):
        """
        The upper limits (non-detections) only; their value is ``limiting_mag``.

        Returns
        -------
        `AlerceLightCurve`
        """
        return self._kind("upper_limit")

    def forced(self):
        """
        The forced-photometry points only (present if the light curve was fetched with
        ``forced_photometry=True``).

        Returns
        -------
        `AlerceLightCurve`
        """
        return self._kind("forced")

    def select_band(self, band):
        """
        The points of one band or of several.

        Parameters
        ----------
        band : str, int or list
            Band names of the light curve's survey (``"g"``; LSST also ``"u"``, ``"z"``,
            ``"y"``), their wire codes (ZTF 1, 2, 3; LSST u is 6), names as the light curve
            has them (``"lsst_g"`` in a two-survey light curve, where ``"g"`` selects both
            surveys' g), or a list of them.

        Returns
        -------
        `AlerceLightCurve`

        Raises
        ------
        ValueError
            For a band the survey does not have.

        Examples
        --------
        >>> from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
        >>> lc = lightcurve_from_json({"non_detections": [
        ...     {"mjd": 1.0, "fid": 1, "diffmaglim": 20.0},
        ...     {"mjd": 2.0, "fid": 2, "diffmaglim": 19.0}]}, oid="ZTF20aaaaaaa")
        >>> list(lc.select_band("r")["limiting_mag"].value)
        [np.float64(19.0)]
        """
        wanted = [band] if isinstance(band, (str, int, np.integer)) else list(band)
        names = np.asarray(self["band"])
        present = set(names.tolist())
        survey = self.survey
        selected = np.zeros(len(self), dtype=bool)
        for b in wanted:
            if isinstance(b, str) and b in present:
                selected |= names == b
                continue
            found = None if isinstance(b, bool) else find_band(b, survey)
            if found is not None:
                qualified = f"{found[0].name}_{found[1].name}"
                selected |= (names == qualified) if qualified.lower() == str(b).lower() \
                    else (names == found[1].name) | (names == qualified)
                continue
            # A light curve of several surveys: "g" is each survey's g ("ztf_g", "lsst_g").
            either = [f"{name}_{b}" for name in SURVEYS if isinstance(b, str)
                      and find_band(f"{name}_{b}") is not None] if survey is None else []
            if not either:
                raise ValueError(self._band_error(b, survey))
            selected |= np.isin(names, [find_band(q)[0].name + "_" + find_band(q)[1].name
                                        for q in either])
        return self[selected]

    def _band_error(self, band, survey):
        if survey is None:
            return (f"band={band!r} is not a band of this light curve: use one of "
                    f"{self.bands}")
        codes = ", ".join(str(b.code) for b in survey.bands)
        return (f"band={band!r} is not a {survey.title} band: use "
                f"{', '.join(repr(n) for n in survey.band_names)} or the codes {codes}")

    # ----------------------------------------------------------------------------------------
    # Photometry.
    def to_flux(self, *, unit=None):
        """
        The light curve with its fluxes in ``unit`` and the flux of its upper limits.

        ``flux`` is the signed *difference* flux: positive where the source is brighter than
        in the reference image, negative where fainter (for ZTF, the sign of ``isdiffpos``).
        After `apparent` it is the source's total flux. This adds ``limiting_flux``, the
        flux density of ``limiting_mag``, and records the unit in ``meta["flux_unit"]``.

        Parameters
        ----------
        unit : `~astropy.units.Unit`, optional
            A flux-density unit (default: the survey's, µJy for ZTF and nJy for LSST).

        Returns
        -------
        `AlerceLightCurve`
            With ``flux``, ``flux_err`` in ``unit`` and a ``limiting_flux`` column (replaced
            if present).

        Examples
        --------
        >>> from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json
        >>> lc = lightcurve_from_json({"detections": [
        ...     {"mjd": 1.0, "fid": 1, "magpsf": 21.4, "sigmapsf": 0.1, "isdiffpos": -1}]},
        ...     oid="ZTF20aaaaaaa")
        >>> lc.to_flux()["flux"][0]
        <MaskedQuantity -10. uJy>
        >>> lc.to_flux(unit=u.nJy)["flux"][0]
        <MaskedQuantity -10000. nJy>
        """
        unit = u.Unit(unit) if unit is not None else self["flux"].unit
        out = self.copy()
        for name in ("flux", "flux_err"):
            description = self[name].info.description
            out[name] = Masked(_values(self[name], unit) * unit, mask=_mask(self[name]))
            out[name].info.description = description
        limit, _ = mag_to_flux(self["limiting_mag"], unit=unit)
        if "limiting_flux" in out.colnames:
            out.remove_column("limiting_flux")
        out["limiting_flux"] = limit
        out["limiting_flux"].info.description = "Flux density of limiting_mag (5-sigma limit)"
        out.meta["flux_unit"] = unit.to_string()
        return out

    def apparent(self, *, error="mag_corr_err_ext"):
        """
        Switch ``mag``/``mag_err`` to ALeRCE's apparent (corrected) magnitudes.

        ALeRCE corrects the difference magnitudes of objects that sit on a source of the
        reference image (a variable star, a nucleus) by adding the reference flux. Points
        without a corrected magnitude get a masked ``mag``, and a warning says how many.
        ``flux``/``flux_err`` become the source's total flux, from the apparent magnitudes.
        The difference magnitudes stay in ``mag_diff``/``mag_diff_err`` and the difference
        fluxes in ``flux_diff``/``flux_diff_err``; ``limiting_mag`` keeps the difference
        image's depth. Only light curves with the ``mag_corr`` columns (ZTF's) have apparent
        magnitudes.

        Parameters
        ----------
        error : {'mag_corr_err_ext', 'mag_corr_err'}, optional
            The error to use: ``mag_corr_err_ext`` (the difference-flux error, defined
            wherever the magnitude is; default) or ``mag_corr_err`` (ALeRCE's point-source
            error, often undefined).

        Returns
        -------
        `AlerceLightCurve`
            With ``meta["magnitudes"] = "apparent"``.

        Raises
        ------
        ValueError
            For another ``error``, or a light curve without apparent magnitudes.

        Warns
        -----
        AlerceWarning
            When some detections or forced points have no corrected magnitude.
        """
        if error not in ("mag_corr_err_ext", "mag_corr_err"):
            raise ValueError(f"error={error!r} is not accepted: use 'mag_corr_err_ext' or "
                             f"'mag_corr_err'")
        out = self.copy()
        if self.magnitudes == "apparent":
            return out
        if "mag_corr" not in self.colnames or error not in self.colnames:
            survey = self.survey
            raise ValueError(f"this {survey.title + ' ' if survey else ''}light curve has no "
                             f"apparent magnitudes (no mag_corr/{error} columns)")
        measured = np.isin(np.asarray(self["kind"]), ["detection", "forced"])
        corr = self["mag_corr"]
        available = measured & ~_mask(corr)
        missing = int(measured.sum() - available.sum())
        if missing:
            warnings.warn(
                f"{self.oid}: {missing} of {int(measured.sum())} detections and forced points "
                f"have no apparent magnitude (ALeRCE corrects only objects on a source of the "
                f"reference image); their mag is masked", AlerceWarning, stacklevel=2)
        out["mag_diff"] = self["mag"]
        out["mag_diff"].info.description = "Difference-image magnitude (before apparent())"
        out["mag_diff_err"] = self["mag_err"]
        out["mag_diff_err"].info.description = "1-sigma error of mag_diff"
        values = np.where(available, _values(corr, u.mag), np.nan)
        errors = np.where(available, _values(self[error], u.mag), np.nan)
        if error == "mag_corr_err_ext" and "mag_corr_err" in self.colnames:
            # Fall back on the point-source error where the extended one is missing.
            fallback = np.isnan(errors) & available
            errors[fallback] = _values(self["mag_corr_err"], u.mag)[fallback]
        out["mag"] = Masked(values * u.mag, mask=~available)
        out["mag"].info.description = "Apparent magnitude (ALeRCE's corrected magnitude)"
        out["mag_err"] = Masked(np.nan_to_num(errors, nan=0.0) * u.mag,
                                mask=~available | np.isnan(errors))
        out["mag_err"].info.description = f"1-sigma error of mag (from {error})"
        flux_unit = self["flux"].unit
        out["flux_diff"] = self["flux"]
        out["flux_diff"].info.description = "Difference flux density (before apparent())"
        out["flux_diff_err"] = self["flux_err"]
        out["flux_diff_err"].info.description = "1-sigma error of flux_diff"
        flux, flux_err = mag_to_flux(out["mag"], out["mag_err"], unit=flux_unit)
        out["flux"] = flux
        out["flux"].info.description = "Flux density of the source (from the apparent magnitude)"
        out["flux_err"] = flux_err
        out["flux_err"].info.description = "1-sigma error of flux"
        out.meta["magnitudes"] = "apparent"
        return out

    # ----------------------------------------------------------------------------------------
    # Time analysis.
    def fold(self, period, epoch_time=None, *, epoch_phase=0, wrap_phase=None,
             normalize_phase=False):
        """
        Fold the light curve on a period.

        Parameters
        ----------
        period : `~astropy.units.Quantity`, `~astropy.time.TimeDelta` or float
            The period (a number is taken as days).
        epoch_time : `~astropy.time.Time` or float, optional
            The time of phase 0 (a number is an MJD); by default the brightest detection,
            so that phase 0 is the maximum of a variable star or of a transient.
        epoch_phase, wrap_phase, normalize_phase
            As in `astropy.timeseries.TimeSeries.fold`: with ``normalize_phase=True`` the
            phase is a fraction of the period in [-0.5, 0.5).

        Returns
        -------
        `AlerceLightCurve`
            ``time`` is the phase (a `~astropy.time.TimeDelta`, or a dimensionless quantity
            if normalised); ``time_original`` keeps the times; ``meta`` records ``period``
            and ``epoch_time``.

        Raises
        ------
        ValueError
            If the period is not a positive time, or the light curve is already folded.
        """
        from .periodogram import _period

        if self.is_folded:
            raise ValueError("this light curve is already folded")
        period = _period(period, "period")
        if epoch_time is None:
            epoch_time = self._brightest_time()
        elif not isinstance(epoch_time, Time):
            if isinstance(epoch_time, bool) or not isinstance(epoch_time,
                                                              (int, float, np.number)):
                raise ValueError(f"epoch_time={epoch_time!r} must be a Time or an MJD number")
            epoch_time = Time(float(epoch_time), format="mjd", scale="utc")
        original = self["time"].copy()
        folded = super().fold(period=period, epoch_time=epoch_time, epoch_phase=epoch_phase,
                              wrap_phase=wrap_phase, normalize_phase=normalize_phase)
        folded["time_original"] = original
        folded["time_original"].info.description = "Time of the observation before folding"
        folded["time"].info.description = (
            "Phase as a fraction of the period" if normalize_phase else
            "Time since the nearest epoch of phase 0")
        folded.meta["period"] = period
        folded.meta["epoch_time"] = epoch_time.utc
        folded.meta["normalize_phase"] = bool(normalize_phase)
        return folded

    def _brightest_time(self):
        if not len(self):
            return Time(51544.5, format="mjd", scale="utc")  # J2000: any epoch will do
        measured = np.isin(np.asarray(self["kind"]), ["detection", "forced"]) & \
            ~_mask(self["mag"])
        if not measured.any():
            return self.time[0]
        mags = np.where(measured, _values(self["mag"], u.mag), np.inf)
        return self.time[int(np.argmin(mags))]

    def periodogram(self, *, use="flux", kinds=("detection",), minimum_period=0.05 * u.d,
                    maximum_period=None, samples_per_peak=5, method="fast",
                    nterms_base=1, nterms_band=1):
        """
        The multiband Lomb-Scargle periodogram of all bands together.

        Uses astropy's `~astropy.timeseries.LombScargleMultiband`: one periodic model shared
        by the bands, each with its own offset.

        Parameters
        ----------
        use : {'flux', 'mag'}, optional
            Analyse the flux (default: the signed difference flux, which follows the source's
            brightness linearly even when it crosses the reference level, or the apparent
            flux after `apparent`) or the magnitudes in ``mag``.
        kinds : tuple of str, optional
            Which points: ``("detection",)`` (default), ``("forced",)`` or both.
        minimum_period, maximum_period : `~astropy.units.Quantity` or float, optional
            The period range searched (numbers are days). Defaults: 0.05 d to the time span
            of the data.
        samples_per_peak : float, optional
            Frequency grid density (the grid step is ``1 / (samples_per_peak * span)``); the
            best peak is then refined on a grid 40 times finer.
        method : {'fast', 'flexible'}, optional
            astropy's multiband method: ``fast`` combines single-band periodograms (about
            0.6 s for 600 points and 200,000 frequencies), ``flexible`` fits all bands
            jointly (several times slower).
        nterms_base, nterms_band : int, optional
            Fourier terms of the shared model and of each band's (``flexible`` only).

        Returns
        -------
        `~alerce_astro.lightcurve.periodogram.MultibandPeriodogram`
            With ``frequency``, ``power``, ``best_period`` and ``plot()``.

        Raises
        ------
        ValueError
            For too few points, a folded light curve or a bad period range.
        """
        from .periodogram import multiband_periodogram

        return multiband_periodogram(self, use=use, kinds=kinds, minimum_period=minimum_period,
                                     maximum_period=maximum_period,
                                     samples_per_peak=samples_per_peak, method=method,
                                     nterms_base=nterms_base, nterms_band=nterms_band)

    def sed(self, time, *, window=1 * u.d, kinds=("detection", "forced"), unit=None):
        """
        The flux density in each band near a time, as a `specutils.Spectrum`.

        In each band, the points within ``window`` of ``time`` are averaged (inverse-variance
        weights); the spectral axis is the bands' effective wavelengths, from the survey's
        band table (`alerce_astro.surveys`). Fluxes are difference
        fluxes, or the source's flux after `apparent`. Bands with nothing in the window are
        left out. Needs the optional specutils (``pip install "alerce_astro[specutils]"``).

        Parameters
        ----------
        time : `~astropy.time.Time` or float
            The time (a number is an MJD).
        window : `~astropy.units.Quantity` or float, optional
            Largest distance in time of the points used (default 1 d; numbers are days).
        kinds : tuple of str, optional
            ``"detection"`` and/or ``"forced"`` points.
        unit : `~astropy.units.Unit`, optional
            Flux-density unit (default: the light curve's, µJy for ZTF and nJy for LSST).

        Returns
        -------
        `specutils.Spectrum`
            Flux with a `~astropy.nddata.StdDevUncertainty`; ``meta`` says which bands, how
            many points and which time.

        Raises
        ------
        ImportError
            Without specutils.
        ValueError
            If no band has a point within the window.
        """
        from .sed import spectral_energy_distribution

        return spectral_energy_distribution(self, time, window=window, kinds=kinds, unit=unit)

    # ----------------------------------------------------------------------------------------
    # Plotting.
    def plot(self, ax=None, **kwargs):
        """
        Plot the light curve; see `alerce_astro.plotting.plot_lightcurve` for the options.

        Returns
        -------
        `~matplotlib.axes.Axes`
        """
        from ..plotting.lightcurve import plot_lightcurve

        return plot_lightcurve(self, ax=ax, **kwargs)


_mask = mask_of
_values = values_of
