"""
Alert image stamps: the science, template and difference cutouts of a ZTF alert as
`~astropy.nddata.NDData` with an approximate WCS (`StampSet`), the safe cutout reader and the
cutout WCS.

The query methods (`~alerce_astro.AlerceClass.get_stamps`, ``get_images``, ``get_avro_info``,
``plot_stamps``) are those of `~alerce_astro.AlerceClass`.
"""

from .cutouts import MAX_DECOMPRESSED_BYTES, STAMP_TYPES, Cutout, decompress, read_cutout
from .stampset import StampSet, make_stamp
from .wcs import (
    ACCURACY,
    CUTOUT_SIZE,
    ZTF_PIXEL_SCALE,
    cutout_wcs,
    locate_in_difference,
    reference_pixel,
)

__all__ = ["StampSet", "STAMP_TYPES", "Cutout", "read_cutout", "decompress",
           "MAX_DECOMPRESSED_BYTES", "make_stamp", "cutout_wcs", "reference_pixel",
           "locate_in_difference", "ZTF_PIXEL_SCALE", "CUTOUT_SIZE", "ACCURACY"]
