"""
``python -m alerce_astro.offline.tap``: load datasets into the local DaCHS and print its TAP URL.

Examples::

    python -m alerce_astro.offline.tap --sample               # the built-in ZTF sample
    python -m alerce_astro.offline.tap --ztf DIR --lsst DIR   # your own dataset folders
"""

import argparse
import sys

from .dachs import DachsUnavailable
from .load import ensure_service


def main(argv=None):
    """Run the command; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m alerce_astro.offline.tap",
        description="Load dataset folders into the local GAVO DaCHS in ALeRCE's TAP layout "
                    "(schemas ztf and alerce_tap), starting it if needed; print the TAP URL.")
    parser.add_argument("--sample", action="store_true",
                        help="load the built-in ZTF sample into schema ztf")
    parser.add_argument("--ztf", metavar="DIR", action="append", default=[],
                        help="a ZTF dataset folder for schema ztf (repeatable)")
    parser.add_argument("--lsst", metavar="DIR", action="append", default=[],
                        help="an LSST dataset folder for schema alerce_tap (repeatable)")
    args = parser.parse_args(argv)
    ztf = list(args.ztf)
    if args.sample:
        from ..simulate import sample_dataset_path

        ztf.insert(0, sample_dataset_path())
    try:
        result = ensure_service(ztf=ztf, lsst=args.lsst,
                                log=lambda text: print(text, file=sys.stderr))
    except DachsUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(result["url"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
