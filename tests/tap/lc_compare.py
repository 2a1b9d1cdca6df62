"""Comparing two light curves column by column: names, order, units, types, masks, values."""

import numpy as np
from astropy.time import Time


def _order(lc):
    """Rows by time, kind and id: the REST APIs and TAP agree on time order, but points of
    equal time (ZTF detections of one image) come in the database's order, which neither
    promises."""
    ids = lc["detection_id"]
    ids = np.asarray(ids.filled(0) if hasattr(ids, "filled") else ids)
    return np.lexsort((ids, np.asarray(lc["kind"]), lc["time"].mjd))


def _plain(col):
    mask = np.ma.getmaskarray(col) if hasattr(col, "mask") else np.zeros(len(col), bool)
    value = getattr(col, "value", col)
    value = getattr(value, "unmasked", value)
    value = value.data if isinstance(value, np.ma.MaskedArray) else value
    return np.asarray(value), np.asarray(mask)


def assert_same_lightcurve(rest, tap, *, rtol=0.0):
    """
    ``tap`` has the columns of ``rest`` in the same order, with the same units, types and
    masks, and the same values: exactly, or floats within ``rtol`` (for sample values with
    more digits than the database's float32 columns hold). Returns the number of values
    compared.
    """
    assert tap.colnames == rest.colnames
    assert len(tap) == len(rest)
    a_rows, b_rows = _order(rest), _order(tap)
    compared = 0
    for name in rest.colnames:
        a, b = rest[name][a_rows], tap[name][b_rows]
        if isinstance(a, Time):
            assert isinstance(b, Time) and a.scale == b.scale == "utc" and a.format == b.format
            assert (a.jd1 == b.jd1).all() and (a.jd2 == b.jd2).all(), name
            compared += len(a)
            continue
        assert getattr(a, "unit", None) == getattr(b, "unit", None), name
        (av, am), (bv, bm) = _plain(a), _plain(b)
        assert av.dtype == bv.dtype, (name, av.dtype, bv.dtype)
        assert (am == bm).all(), (name, "mask")
        keep = ~am
        if av.dtype.kind == "f" and rtol:
            np.testing.assert_allclose(bv[keep], av[keep], rtol=rtol, err_msg=name)
        else:
            assert (av[keep] == bv[keep]).all(), (name, av[keep][av[keep] != bv[keep]][:3],
                                                  bv[keep][av[keep] != bv[keep]][:3])
        compared += int(keep.sum())
    for key in ("oid", "survey"):
        assert tap.meta[key] == rest.meta[key]
    coords = rest.meta.get("coord"), tap.meta.get("coord")
    if coords[0] is None:
        assert coords[1] is None
    else:
        assert coords[0].separation(coords[1]).arcsec < 1e-9
    return compared
