"""
The ``alerce-astro`` command line.

Every command prints a table (``--format table|csv|ecsv|votable|json``) or writes files, and
exits with one of the codes below. Errors are one line on standard error; ``--debug`` shows the
traceback instead. ``--offline`` runs any command against the embedded sample server, so the
whole command line can be tried (and tested) without a network.

Exit codes
----------
0 success · 1 unexpected error · 2 bad usage or invalid query · 3 object (or stamp, classifier)
not found · 4 the service failed or answered something unusable · 130 interrupted.
"""

import argparse
import contextlib
import io
import json
import math
import sys
import warnings
from pathlib import Path

__all__ = ["main", "build_parser", "EXIT_CODES"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_REMOTE = 4
EXIT_INTERRUPTED = 130
#: What each exit status means (documented in ``alerce-astro --help``).
EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_ERROR: "unexpected error (run again with --debug for the traceback)",
    EXIT_USAGE: "bad usage or invalid query",
    EXIT_NOT_FOUND: "object, stamp or classifier not found",
    EXIT_REMOTE: "the service failed or its answer was unusable",
    EXIT_INTERRUPTED: "interrupted",
}
FORMATS = ("table", "csv", "ecsv", "votable", "json")
_SUFFIX_FORMATS = {".ecsv": "ecsv", ".csv": "csv", ".xml": "votable", ".vot": "votable",
                   ".votable": "votable", ".json": "json", ".txt": "table"}


class CommandError(Exception):
    """A problem with the command's own work (a file that cannot be written), exit 1."""


# ---------------------------------------------------------------------------------------------
# Parser.
def build_parser():
    """
    The argument parser of ``alerce-astro``.

    Returns
    -------
    `argparse.ArgumentParser`
    """
    from . import __version__

    codes = "\n".join(f"  {code:<4}{text}" for code, text in EXIT_CODES.items())
    parser = argparse.ArgumentParser(
        prog="alerce-astro",
        description="The ALeRCE alert broker from the command line: objects, light curves, "
                    "stamps, crossmatches, finder charts, queries, an offline server and the "
                    "starter tour.",
        epilog=f"exit status:\n{codes}\n\nRun 'alerce-astro COMMAND --help' for a command's "
               f"options; 'alerce-astro tour --offline' takes the tour on the built-in sample.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("service")
    group.add_argument("--offline", action="store_true",
                       help="use the embedded offline sample server instead of ALeRCE")
    group.add_argument("--survey", choices=SURVEY_CHOICES,
                       help="the survey of the objects: ztf or lsst (default: lsst when every "
                            "id given is an LSST id, a 64-bit integer; else ztf)")
    group.add_argument("--data", metavar="PATH", action="append", type=Path,
                       help="with --offline: serve this dataset folder instead of the built-in "
                            "sample (repeatable)")
    group.add_argument("--server", metavar="URL",
                       help="base URL of a running 'alerce-astro serve' server")
    group.add_argument("--timeout", metavar="SECONDS", type=float,
                       help="time limit of each request")
    group.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    group.add_argument("--debug", action="store_true",
                       help="show the full traceback of an error")

    table_out = argparse.ArgumentParser(add_help=False)
    group = table_out.add_argument_group("output")
    group.add_argument("--format", "-f", choices=FORMATS,
                       help="output format (default: table, or from the --output suffix)")
    group.add_argument("--output", "-o", metavar="FILE", type=Path,
                       help="write the table to FILE (.ecsv, .csv, .xml, .json, .txt)")

    def add(name, help_, parents=(common,), **kw):
        p = sub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".",
                           parents=list(parents), **kw)
        return p

    p = add("object", "properties of one or more objects", parents=(common, table_out))
    p.add_argument("oid", nargs="+", help="ZTF object id(s), e.g. ZTF20aaelulu")
    p.set_defaults(func=cmd_object)

    p = add("magstats", "per-band statistics of an object", parents=(common, table_out))
    p.add_argument("oid", help="object id (such as ZTF20aaelulu)")
    p.set_defaults(func=cmd_magstats)

    p = add("lightcurve", "the light curve of an object: detections and upper limits",
            parents=(common,))
    p.add_argument("oid", help="object id (such as ZTF20aaelulu)")
    p.add_argument("--plot", metavar="FILE", type=Path,
                   help="draw the light curve to FILE (.png, .pdf, .svg)")
    p.add_argument("--output", "-o", metavar="FILE", type=Path,
                   help="write the light curve to FILE (.ecsv keeps units and times)")
    p.add_argument("--format", "-f", choices=FORMATS,
                   help="format of the table (default: table, or from the --output suffix)")
    p.add_argument("--forced", action="store_true",
                   help="add the forced photometry (ZTF: light curve API v2; LSST: always "
                        "complete)")
    p.add_argument("--both-surveys", action="store_true",
                   help="join the other survey's counterpart (nearest within 2 arcsec): one "
                        "light curve in uJy with bands ztf_g, lsst_g...")
    p.set_defaults(func=cmd_lightcurve)

    p = add("stamps", "the image stamps (science, template, difference) of an alert",
            parents=(common,))
    p.add_argument("oid", help="object id (such as ZTF20aaelulu)")
    p.add_argument("--candid", help="the alert (default: the object's latest alert with stamps; "
                                    "LSST: its measurement_id, default the has_stamp one)")
    p.add_argument("--plot", metavar="FILE", type=Path, help="draw the three stamps to FILE")
    p.add_argument("--output", "-o", metavar="DIR", type=Path,
                   help="write the three stamps as FITS files into DIR")
    p.set_defaults(func=cmd_stamps)

    p = add("crossmatch", "catsHTM catalogs around an object or a position",
            parents=(common, table_out))
    p.add_argument("target", nargs="+", metavar="OID|RA DEC",
                   help="an object id, or a position (degrees or sexagesimal)")
    p.add_argument("--radius", default="20 arcsec",
                   help="search radius with its unit (default: '20 arcsec')")
    p.add_argument("--catalog", metavar="NAME",
                   help="only this catalog, with all its columns (e.g. GAIA/DR2, SpecSDSS)")
    p.add_argument("--summary", action="store_true",
                   help="one row per catalog: number of sources, nearest separation")
    p.add_argument("--plot", metavar="FILE", type=Path,
                   help="draw the matches around the target to FILE")
    p.set_defaults(func=cmd_crossmatch)

    p = add("finder", "a finder chart of an object", parents=(common,))
    p.add_argument("target", nargs="+", metavar="OID|RA DEC",
                   help="an object id, or a position")
    p.add_argument("--output", "-o", metavar="FILE", type=Path, required=True,
                   help="the chart's file (.pdf, .png, .svg)")
    p.add_argument("--radius", help="half the side of the field, e.g. '30 arcsec' (default: "
                                    "the whole image)")
    p.add_argument("--image", metavar="FITS", type=Path,
                   help="a FITS image with a WCS as background (default: the object's "
                        "template stamp; needed for a position)")
    p.add_argument("--no-catalogs", action="store_true",
                   help="do not overlay the catsHTM sources")
    p.set_defaults(func=cmd_finder)

    p = add("query", "objects matching criteria (class, detections, dates, position)",
            parents=(common, table_out))
    p.add_argument("--class", dest="class_name", metavar="CLASS", help="class name, e.g. SNIa")
    p.add_argument("--classifier", help="classifier name, e.g. lc_classifier")
    p.add_argument("--classifier-version", metavar="VERSION", help="classifier version")
    p.add_argument("--ranking", type=int, help="rank of the class (1 = most probable)")
    p.add_argument("--probability", type=float, help="minimum probability of the class")
    for name, what in (("ndet", "number of detections"), ("firstmjd", "MJD of the first "
                       "detection"), ("lastmjd", "MJD of the last detection")):
        p.add_argument(f"--{name}", nargs=2, metavar=("MIN", "MAX"),
                       help=f"range of the {what}; 'any' leaves an end open")
    p.add_argument("--oid", nargs="+", help="exact ids, or one pattern with * (ZTF20aa*)")
    p.add_argument("--position", nargs="+", metavar="RA DEC",
                   help="cone search around this position (with --radius)")
    p.add_argument("--radius", default="30 arcsec", help="cone radius (default: '30 arcsec')")
    p.add_argument("--order-by", metavar="COLUMN", help="sort by this column")
    p.add_argument("--order-mode", choices=("ASC", "DESC"), help="sort direction")
    p.add_argument("--limit", type=int, metavar="N",
                   help="at most N rows (default: the configured row_limit; -1 for all)")
    p.set_defaults(func=cmd_query)

    p = add("probabilities", "classification probabilities of an object",
            parents=(common, table_out))
    p.add_argument("oid", help="object id (such as ZTF20aaelulu)")
    p.add_argument("--classifier", help="only this classifier")
    view = p.add_mutually_exclusive_group()
    view.add_argument("--summary", action="store_true",
                      help="the most probable class of each classifier")
    view.add_argument("--hierarchy", action="store_true",
                      help="the hierarchical light-curve classification")
    p.set_defaults(func=cmd_probabilities)

    p = add("features", "light-curve features of an object", parents=(common, table_out))
    p.add_argument("oid", nargs="+", help="object id(s)")
    p.add_argument("--wide", action="store_true",
                   help="one row per object with <name>_<fid> columns")
    p.set_defaults(func=cmd_features)

    p = add("classifiers", "the classifiers, versions and classes ALeRCE runs",
            parents=(common, table_out))
    p.set_defaults(func=cmd_classifiers)

    p = add("explorer", "the ALeRCE explorer link of objects", parents=())
    p.add_argument("oid", nargs="+", help="object id(s)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("--survey", choices=SURVEY_CHOICES,
                   help="the survey of the objects (default: from the ids)")
    p.set_defaults(func=cmd_explorer, offline=False, server=None, data=None, no_cache=False,
                   timeout=None, client=False)

    p = sub.add_parser("serve", help="run the offline ALeRCE server",
                       description="Run the offline ALeRCE server (the built-in sample or "
                                   "dataset folders) until interrupted.")
    p.add_argument("--data", metavar="PATH", action="append", type=Path,
                   help="dataset folder to serve (repeatable; default: the built-in sample)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=0,
                   help="port to listen on (default: a free port, printed at start)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(func=cmd_serve, offline=False, server=None, no_cache=False, timeout=None,
                   client=False)

    from .cli_tap import add_tap_command

    add_tap_command(sub, table_out=table_out)

    p = add("tour", "ALeRCE's starter tour: every table (ECSV) and figure (PNG) of it, and "
                    "an index.html that shows them")
    p.add_argument("--output", "-o", metavar="DIR", type=Path, default=Path("alerce_tour"),
                   help="folder to write (default: alerce_tour)")
    p.add_argument("--oid", help="the object to visit (default: the notebook's ZTF20aaelulu "
                                 "on ALeRCE; the sample's most probable SN Ia with stamps "
                                 "with --offline or --server)")
    p.set_defaults(func=cmd_tour)
    return parser


# ---------------------------------------------------------------------------------------------
# Entry point.
def main(argv=None):
    """
    Run ``alerce-astro`` with the given arguments.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status (see `EXIT_CODES`).

    Examples
    --------
    >>> from alerce_astro.cli import main
    >>> main(["explorer", "ZTF20aaelulu"])
    https://alerce.online/object/ZTF20aaelulu
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    # The loggers of astropy and astroquery replace warnings.showwarning when first imported:
    # import them now, so that the one-line display below wins over theirs.
    import astropy  # noqa: F401
    import astroquery  # noqa: F401

    with warnings.catch_warnings():
        # Warnings are part of the answer (no results, a cut list, an approximate WCS): one
        # line each on standard error, never an exception.
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning):
            warnings.simplefilter("ignore", category)
        warnings.showwarning = _show_warning
        try:
            return _run(args)
        except KeyboardInterrupt:
            _error("interrupted")
            return EXIT_INTERRUPTED
        except Exception as exc:  # noqa: BLE001 - every error becomes one line and a status
            if args.debug:
                raise
            status, message = _describe(exc)
            _error(message)
            return status


def _run(args):
    from astroquery import cache_conf

    if getattr(args, "offline", False) and getattr(args, "server", None):
        raise _usage("--offline and --server cannot be used together")
    if getattr(args, "data", None) and not getattr(args, "offline", False) \
            and args.command != "serve":
        raise _usage("--data needs --offline")
    if not getattr(args, "client", True):
        return args.func(None, args) or EXIT_OK
    with contextlib.ExitStack() as stack:
        if args.no_cache:
            stack.enter_context(cache_conf.set_temp("cache_active", False))
        alerce = stack.enter_context(_client(args))
        return args.func(alerce, args) or EXIT_OK


@contextlib.contextmanager
def _client(args):
    """The query object for the command: live ALeRCE, a server URL, or an embedded server."""
    from . import AlerceClass

    settings = {"timeout": args.timeout, "survey": _survey(args)}
    if args.offline:
        import tempfile

        from .offline import SampleServer

        # The sample's answers go to a cache of their own, never into the user's cache.
        with SampleServer(data=_data_argument(args.data)) as server, \
                tempfile.TemporaryDirectory(prefix="alerce-astro-") as cache:
            yield server.client(cache_location=cache, **settings)
    elif args.server:
        yield AlerceClass(urls=_server_urls(args.server), **settings)
    else:
        yield AlerceClass(**settings)


#: ``--survey`` choices.
SURVEY_CHOICES = ("ztf", "lsst")


def _survey(args):
    """``--survey``, else ``lsst`` when every id among the arguments can only be LSST's."""
    from .surveys import LSST

    if getattr(args, "survey", None):
        return args.survey
    ids = []
    for name in ("oid", "target"):
        value = getattr(args, name, None)
        if isinstance(value, str):
            ids.append(value)
        elif isinstance(value, list):
            ids.extend(value)
    if ids and all(LSST.is_oid(v) for v in ids) and not (
            getattr(args, "command", None) in ("crossmatch", "finder") and len(ids) == 2):
        return "lsst"
    return "ztf"


def _data_argument(paths):
    if not paths:
        return None
    for path in paths:
        if not path.is_dir():
            raise _usage(f"--data {path}: no such folder")
    return [str(p) for p in paths] if len(paths) > 1 else str(paths[0])


def _server_urls(base):
    """The API URLs of an ``alerce-astro serve`` server at ``base``."""
    from .offline.server import SERVICE_PREFIXES

    base = base.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise _usage(f"--server {base!r}: give a URL such as http://127.0.0.1:8000")
    return {name: base + prefix for name, prefix in SERVICE_PREFIXES.items()}


# ---------------------------------------------------------------------------------------------
# Errors and warnings.
def _usage(message):
    from .exceptions import InvalidQueryError

    return InvalidQueryError(message)


def _describe(exc):
    """The exit status and the one-line message of an exception."""
    from .exceptions import (
        InvalidQueryError,
        ObjectNotFoundError,
        RemoteServiceError,
        ResponseFormatError,
        ServiceUnavailableError,
    )

    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, InvalidQueryError):
        return EXIT_USAGE, text
    if isinstance(exc, ObjectNotFoundError):
        return EXIT_NOT_FOUND, f"not found: {text}"
    if isinstance(exc, ServiceUnavailableError):
        return EXIT_REMOTE, f"service unavailable: {text}"
    if isinstance(exc, ResponseFormatError):
        return EXIT_REMOTE, f"unusable answer: {text}"
    if isinstance(exc, RemoteServiceError):
        return EXIT_REMOTE, f"service error: {text}"
    if isinstance(exc, CommandError):
        return EXIT_ERROR, text
    if isinstance(exc, OSError):
        return EXIT_ERROR, text
    return EXIT_ERROR, (f"internal error: {type(exc).__name__}: {text} "
                        f"(run again with --debug for the traceback)")


def _error(message):
    from .redaction import redact  # no AUTH-TOKEN in any form, whatever a server echoed

    print(f"alerce-astro: error: {redact(message)}", file=sys.stderr)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    from .redaction import redact

    text = redact(" ".join(str(message).split()))
    print(f"alerce-astro: warning: {text}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Output.
def _format_for(args):
    fmt = getattr(args, "format", None)
    output = getattr(args, "output", None)
    if fmt is None and output is not None:
        fmt = _SUFFIX_FORMATS.get(output.suffix.lower())
        if fmt is None:
            raise _usage(f"--output {output}: unknown suffix {output.suffix!r}; use one of "
                         f"{', '.join(_SUFFIX_FORMATS)} or give --format")
    return fmt or "table"


def flatten_table(table):
    """
    A plain copy of ``table`` for formats without astropy's mixin columns.

    `~astropy.time.Time` columns become MJD (UTC) floats, `~astropy.coordinates.SkyCoord`
    columns become ``<name>_ra`` and ``<name>_dec`` in degrees, quantities become columns with
    a unit.

    Parameters
    ----------
    table : `~astropy.table.Table`

    Returns
    -------
    `~astropy.table.Table`
    """
    import numpy as np
    from astropy import units as u
    from astropy.coordinates import SkyCoord
    from astropy.table import Column, MaskedColumn, Table
    from astropy.time import Time

    from .tables import position_columns

    out = Table(meta=dict(table.meta))
    for name in table.colnames:
        col = table[name]
        description = getattr(col.info, "description", None)
        if isinstance(col, Time):
            out[name] = Column(col.utc.mjd, unit=u.d,
                               description=(description or name) + " (MJD, UTC)")
        elif isinstance(col, SkyCoord):
            for column in position_columns(name, col):
                out[column.name] = column
        elif isinstance(col, u.Quantity):
            # A masked quantity's .value holds placeholders (0.0, 1e20): keep its mask.
            mask = getattr(col, "mask", None)
            if mask is not None and np.any(mask):
                out[name] = MaskedColumn(np.asarray(col.unmasked.value), mask=np.array(mask),
                                         unit=col.unit, description=description)
            else:
                out[name] = Column(np.asarray(getattr(col, "unmasked", col).value),
                                   unit=col.unit, description=description)
        elif isinstance(col, MaskedColumn):
            out[name] = col.copy()
        elif isinstance(col, Column):
            out[name] = col.copy()
        else:  # another mixin: its text form
            out[name] = Column([str(v) for v in col], description=description)
    return out


def table_to_json(table):
    """
    ``table`` as a JSON document: ``{"columns": [...], "rows": [...], "meta": {...}}``.

    Each column entry gives ``name``, ``unit`` and ``description``; rows are objects keyed by
    column name; masked values, NaN and infinities are ``null`` (strict JSON).

    Parameters
    ----------
    table : `~astropy.table.Table`

    Returns
    -------
    str
    """
    import numpy as np

    flat = flatten_table(table)
    columns = [{"name": name, "unit": str(flat[name].unit) if flat[name].unit else None,
                "description": flat[name].info.description} for name in flat.colnames]
    rows = []
    for i in range(len(flat)):
        row = {}
        for name in flat.colnames:
            value = flat[name][i]
            if np.ma.is_masked(value):
                value = None
            elif isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            row[name] = value
        rows.append(row)
    return json.dumps({"columns": columns, "rows": rows, "meta": _jsonable(flat.meta)},
                      indent=1, default=str)


def _jsonable(meta):
    return json.loads(json.dumps(dict(meta), default=str))


def render_table(table, fmt):
    """
    ``table`` as text in one of the command line's formats.

    Parameters
    ----------
    table : `~astropy.table.Table`
    fmt : {'table', 'csv', 'ecsv', 'votable', 'json'}

    Returns
    -------
    str
    """
    if fmt == "table":
        if len(table) == 1 and len(table.colnames) > 6:
            return _vertical(table)
        return "\n".join(table.pformat(max_lines=-1, max_width=-1)) + "\n"
    if fmt == "json":
        return table_to_json(table) + "\n"
    if fmt == "ecsv":
        buffer = io.StringIO()
        table.write(buffer, format="ascii.ecsv")
        return buffer.getvalue()
    flat = flatten_table(table)
    if fmt == "csv":
        buffer = io.StringIO()
        flat.write(buffer, format="ascii.csv")
        return buffer.getvalue()
    if fmt == "votable":
        buffer = io.BytesIO()
        for name in flat.colnames:
            if flat[name].dtype.kind == "b" and hasattr(flat[name], "mask"):
                flat[name] = flat[name].filled(False)  # VOTable booleans cannot be masked
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # meta values VOTable cannot keep
            flat.write(buffer, format="votable")
        return buffer.getvalue().decode("utf-8")
    raise _usage(f"unknown format {fmt!r}")


def _vertical(table):
    """One row as ``name  value  unit`` lines: readable for wide single-row tables."""
    import numpy as np

    row = table[0]
    width = max(len(n) for n in table.colnames)
    lines = []
    for name in table.colnames:
        value = row[name]
        unit = getattr(table[name], "unit", None)
        if np.ma.is_masked(value):
            text = "--"
        elif hasattr(value, "to_string"):
            text = value.to_string()
        elif hasattr(value, "isot") and hasattr(value, "mjd"):
            text = f"{value.mjd} ({value.isot})"
        else:
            text = str(value)
        if unit is not None and not hasattr(value, "unit"):
            text += f"  {unit}"
        lines.append(f"{name:<{width}}  {text}")
    return "\n".join(lines) + "\n"


def emit(table, args):
    """Print ``table`` or write it to ``args.output``, in the chosen format."""
    fmt = _format_for(args)
    text = render_table(table, fmt)
    output = getattr(args, "output", None)
    if output is None:
        sys.stdout.write(text)
        return
    _write_text(output, text)
    print(f"wrote {output} ({len(table)} rows)", file=sys.stderr)


def _write_text(path, text):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None


def _save_figure(figure_or_axes, path):
    figure = getattr(figure_or_axes, "figure", figure_or_axes)
    if isinstance(figure_or_axes, (list, tuple)) or hasattr(figure_or_axes, "flat"):
        first = figure_or_axes[0] if isinstance(figure_or_axes, (list, tuple)) else \
            figure_or_axes.flat[0]
        figure = first.figure
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=110, bbox_inches="tight")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    except ValueError as exc:  # unknown file format
        raise _usage(f"cannot draw to {path}: {exc}") from None
    finally:
        import matplotlib.pyplot as plt

        plt.close(figure)
    print(f"wrote {path}", file=sys.stderr)


def _pyplot():
    """pyplot on a non-interactive backend: the command line only writes files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _target(words):
    """An object id or a position, as one string: the client tells them apart."""
    return " ".join(words)


# ---------------------------------------------------------------------------------------------
# Commands. Each takes the query object and the parsed arguments and returns an exit status.
def cmd_object(alerce, args):
    oids = args.oid
    table = alerce.query_object(oids[0] if len(oids) == 1 else oids)
    emit(table, args)


def cmd_magstats(alerce, args):
    emit(alerce.query_magstats(args.oid), args)


def cmd_lightcurve(alerce, args):
    if args.both_surveys:
        lc = alerce.get_lightcurve_multisurvey(args.oid, forced_photometry=args.forced)
    else:
        lc = alerce.get_lightcurve(args.oid, forced_photometry=args.forced)
    if args.plot:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 4.5))
        lc.plot(ax=ax)
        _save_figure(fig, args.plot)
    if args.output is not None or not args.plot:
        emit(lc, args)


def cmd_stamps(alerce, args):
    stamps = alerce.get_stamps(args.oid, candid=args.candid)
    if args.plot:
        _pyplot()
        _save_figure(stamps.plot(), args.plot)
    if args.output:
        try:
            args.output.mkdir(parents=True, exist_ok=True)
            for (kind, _), hdulist in zip(stamps.items(), stamps.to_hdulists(), strict=True):
                path = args.output / f"{stamps.oid}_{stamps.candid}_{kind}.fits"
                hdulist.writeto(path, overwrite=True)
                print(f"wrote {path}", file=sys.stderr)
        except OSError as exc:
            raise CommandError(f"cannot write into {args.output}: {exc.strerror or exc}") \
                from None
    if not args.plot and not args.output:
        sys.stdout.write(render_table(_stamp_summary(stamps), "table"))


def _stamp_summary(stamps):
    """One row per image: type, size, and the alert it comes from."""
    import numpy as np
    from astropy.table import Table

    rows = [(kind, stamp.data.shape[1], stamp.data.shape[0],
             int(np.isnan(stamp.data).sum()) if stamp.data.dtype.kind == "f" else 0)
            for kind, stamp in stamps.items()]
    table = Table(rows=rows, names=["type", "width", "height", "nan_pixels"])
    table.meta.update({"oid": stamps.oid, "candid": stamps.candid, "band": stamps.band,
                       "mjd": stamps.mjd})
    lsst = stamps.science.meta.get("wcs_approximate") is False  # Rubin: the cutout's own WCS
    print(f"{stamps.oid} {'measurement_id' if lsst else 'candid'} {stamps.candid}, band "
          f"{stamps.band}, MJD {stamps.mjd:.5f} UTC, "
          f"{'diaSource at' if lsst else 'centred on'} "
          f"{stamps.position.to_string('decimal', precision=6)} "
          f"({'the cutout' + chr(39) + 's own WCS' if lsst else 'approximate WCS'})")
    return table


def cmd_crossmatch(alerce, args):
    target = _target(args.target)
    result = alerce.query_catalogs(target, radius=args.radius, catalogs=args.catalog)
    if args.plot:
        _pyplot()
        from .plotting import plot_crossmatches

        _save_figure(plot_crossmatches(result, target=result.target), args.plot)
    if args.output is not None or not args.plot:
        if args.catalog:
            table = result[args.catalog]
        elif args.summary:
            table = result.summary()
        else:
            table = result.sources()
        emit(table, args)


def cmd_finder(alerce, args):
    _pyplot()
    target = _target(args.target)
    image = str(args.image) if args.image else None
    catalogs = False if args.no_catalogs else None
    ax = alerce.plot_finder(target, image=image, radius=args.radius, catalogs=catalogs)
    _save_figure(ax, args.output)


def cmd_query(alerce, args):
    criteria = {}
    for name in ("class_name", "classifier", "classifier_version", "ranking", "probability",
                 "order_by", "order_mode"):
        value = getattr(args, name)
        if value is not None:
            criteria[name] = value
    for name in ("ndet", "firstmjd", "lastmjd"):
        value = getattr(args, name)
        if value is not None:
            criteria[name] = tuple(_open_end(v, name) for v in value)
    if args.limit is not None:
        criteria["row_limit"] = args.limit
    if args.position:
        if args.oid:
            raise _usage("--oid and --position cannot be used together")
        table = alerce.query_region(" ".join(args.position), radius=args.radius, **criteria)
    else:
        if args.oid:
            criteria["oid"] = args.oid[0] if len(args.oid) == 1 else args.oid
        table = alerce.query_objects(**criteria)
    emit(table, args)


def _open_end(text, name):
    if text.lower() in ("any", "none", "-", "*", ""):
        return None
    try:
        return int(text) if name == "ndet" else float(text)
    except ValueError:
        raise _usage(f"--{name} {text!r}: expected a number or 'any'") from None


def cmd_probabilities(alerce, args):
    from .classification import probabilities_hierarchy, probabilities_summary

    table = alerce.query_probabilities(args.oid, classifier=args.classifier)
    if args.summary:
        table = probabilities_summary(table)
    elif args.hierarchy:
        table = probabilities_hierarchy(table)
    emit(table, args)


def cmd_features(alerce, args):
    from .classification import features_to_wide

    tables = [alerce.query_features(oid) for oid in args.oid]
    if args.wide:
        table = features_to_wide(tables)
    else:
        from astropy.table import vstack

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # meta conflicts between objects
            table = tables[0] if len(tables) == 1 else vstack(tables,
                                                              metadata_conflicts="silent")
    emit(table, args)


def cmd_classifiers(alerce, args):
    emit(alerce.list_classifiers(), args)


def cmd_explorer(alerce, args):
    from . import Alerce  # links only: no request, no server

    for url in Alerce(survey=_survey(args)).explorer_urls(args.oid):
        print(url)


def cmd_serve(alerce, args):
    from .offline import server as server_module

    server_module.serve(data=_data_argument(args.data), host=args.host, port=args.port)


def cmd_tour(alerce, args):
    from .tour import run_tour

    _pyplot()
    # A --server is an ``alerce-astro serve`` sample server: tour it as the offline sample.
    offline = bool(args.offline or args.server)
    result = run_tour(alerce, args.output, oid=args.oid, offline=offline)
    for title, reason in result.skipped:  # expected conditions: said, never an error
        _show_warning(f"tour step {title!r} skipped: {reason}", UserWarning, "", 0)
    print(f"tour of {result.oid}: {len(result.files)} files in {result.output}; open "
          f"{result.index}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
