"""
The Legacy Survey of Space and Time (Rubin Observatory) as ALeRCE serves it: the facts (`LSST`).

An object id is Rubin's ``diaObjectId`` (or, for known solar-system objects, the
``ssObjectId``): a positive 64-bit integer, beyond 2**53, so never a float. Six bands, whose
wire codes are not in wavelength order (u is 6). Fluxes are nJy, times are TAI MJDs, cutouts
are 30-102 pixels of 0.2 arcsec with their own WCS.
"""

from astropy import units as u

from .base import Band, Survey, validate_int64_id

__all__ = ["LSST"]


class _LsstSurvey(Survey):
    def validate_oid(self, oid, *, argument="oid"):
        return validate_int64_id(oid, argument=argument,
                                 what="an LSST object id (diaObjectId or ssObjectId)")


#: The facts of Rubin's LSST. Effective wavelengths are those of the LSST baseline throughputs;
#: colours are Rubin's colour-blind-friendly palette for light backgrounds (RTN-045).
LSST = _LsstSurvey(
    name="lsst",
    title="Rubin LSST",
    bands=(Band(6, "u", 3671.0 * u.AA, "#0c71ff"),
           Band(1, "g", 4827.0 * u.AA, "#49be61"),
           Band(2, "r", 6223.0 * u.AA, "#c61c00"),
           Band(3, "i", 7546.0 * u.AA, "#ffc200"),
           Band(4, "z", 8691.0 * u.AA, "#f341a2"),
           Band(5, "y", 9712.0 * u.AA, "#5d0000")),
    id_dtype="int64",
    id_description="LSST object identifier (Rubin diaObjectId or ssObjectId)",
    id_example=313897383979122767,
    native_quantity="flux",
    flux_unit=u.nJy,
    zero_point=31.4,
    time_scale="tai",
    pixel_scale=0.2 * u.arcsec,
    cutout_size=(30, 102),
    explorer_object="{base}/object/{oid}?survey=lsst",
    explorer_list="{base}/?oid={oids}&survey=lsst",
    explorer_base="https://lsst.alerce.online",
    explorer_joiner=",",
    explorer_max_oids=200,
)
