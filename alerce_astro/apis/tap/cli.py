"""
``alerce-astro tap "SELECT ..."``: an ADQL query from the command line.

`add_tap_command` adds the ``tap`` sub-command to the ``alerce-astro`` parser; its handler
`cmd_tap` takes the client the command line built (an object with ``query_tap`` and
``download_tap``, the `~alerce_astro.client.tap.TapQueries` methods) and the parsed arguments.
A VOTable written to a file (``--format votable --output F``) is streamed straight to disk,
without building the table in memory; other formats go through an astropy table (units kept
in ECSV, VOTable and JSON).
"""

import argparse
import io
import json
import math
import sys
import warnings
from pathlib import Path

__all__ = ["add_tap_command", "cmd_tap", "render", "FORMATS"]

FORMATS = ("table", "csv", "ecsv", "votable", "json")
_SUFFIXES = {".csv": "csv", ".ecsv": "ecsv", ".vot": "votable", ".xml": "votable",
             ".votable": "votable", ".json": "json", ".txt": "table"}


def add_tap_command(subparsers, *, parents=(), emit=None):
    """
    Add the ``tap`` command to an ``alerce-astro`` sub-parser collection.

    Parameters
    ----------
    subparsers : `argparse._SubParsersAction`
        What ``parser.add_subparsers()`` returned.
    parents : sequence of `argparse.ArgumentParser`, optional
        Parents whose options the command shares (the command line's ``--timeout``,
        ``--debug``...); options they already define are not added again.
    emit : callable, optional
        ``emit(table, args)`` to print or write a table the command line's way; by default
        `render` is used.

    Returns
    -------
    `argparse.ArgumentParser`
        The command's parser (its ``func`` default is `cmd_tap`).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="alerce-astro")
    >>> p = add_tap_command(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["tap", "SELECT TOP 1 oid FROM alerce_tap.object",
    ...                           "--format", "csv", "--maxrec", "10"])
    >>> args.maxrec, args.format
    (10, 'csv')
    """
    description = ("Run an ADQL query on ALeRCE's TAP service (schemas alerce_tap and ztf) and "
                   "print or write the table.")
    p = subparsers.add_parser(
        "tap", help="an ADQL query on ALeRCE's TAP service", description=description,
        parents=list(parents),
        epilog='example: alerce-astro tap "SELECT TOP 10 oid, meanra, meandec FROM '
               'alerce_tap.object WHERE tid = 1" --format csv',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    known = {opt for parent in parents for opt in parent._option_string_actions}

    def add(*names, **kwargs):
        if not any(n in known for n in names):
            p.add_argument(*names, **kwargs)

    p.add_argument("adql", help="the ADQL query (quote it), or @FILE to read it from FILE")
    add("--format", "-f", choices=FORMATS,
        help="output format (default: table, or from the --output suffix)")
    add("--output", "-o", metavar="FILE", type=Path,
        help="write to FILE (.csv, .ecsv, .vot/.xml, .json, .txt); a VOTable is streamed to "
             "disk")
    add("--maxrec", metavar="N", type=int, help="most rows to return (default: the "
        "service's limit; a cut result warns)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--async", dest="async_", action="store_const", const=True,
                      help="run the query as an async job (long queries)")
    mode.add_argument("--sync", dest="async_", action="store_const", const=False,
                      help="run it synchronously only (default: sync, then async if slow)")
    add("--upload", metavar="NAME=FILE", action="append", default=None,
        help="upload a table (any format astropy reads) as TAP_UPLOAD.NAME; repeatable")
    add("--tap-url", metavar="URL", help="the TAP service (default: conf.tap_server)")
    add("--timeout", metavar="SECONDS", type=float, help="time limit of each request")
    add("--debug", action="store_true", help="show the full traceback of an error")
    p.set_defaults(func=cmd_tap, tap_emit=emit, async_=None)
    return p


def _query_text(arg):
    if arg.startswith("@"):
        return Path(arg[1:]).read_text(encoding="utf-8")
    return arg


def _uploads(items):
    from astropy.table import Table

    from ...exceptions import InvalidQueryError

    if not items:
        return None
    out = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise InvalidQueryError(f"--upload {item!r}: give NAME=FILE")
        out[name] = Table.read(path)
    return out


def _format(args):
    from ...exceptions import InvalidQueryError

    fmt = getattr(args, "format", None)
    output = getattr(args, "output", None)
    if fmt is None and output is not None:
        fmt = _SUFFIXES.get(Path(output).suffix.lower())
        if fmt is None:
            raise InvalidQueryError(f"--output {output}: unknown suffix; use one of "
                                    f"{', '.join(_SUFFIXES)} or give --format")
    return fmt or "table"


def cmd_tap(alerce, args):
    """
    Run the ``tap`` command.

    Parameters
    ----------
    alerce : object
        The client (with ``query_tap`` and ``download_tap``).
    args : `argparse.Namespace`
        From the parser of `add_tap_command`.

    Returns
    -------
    int
        0 (errors are raised for the command line's error handling).
    """
    adql = _query_text(args.adql)
    fmt = _format(args)
    output = getattr(args, "output", None)
    url = getattr(args, "tap_url", None)
    timeout = getattr(args, "timeout", None)
    uploads = _uploads(getattr(args, "upload", None))
    if fmt == "votable" and output is not None:
        path = alerce.download_tap(adql, output, maxrec=args.maxrec,
                                   async_=bool(args.async_), uploads=uploads, timeout=timeout,
                                   url=url)
        print(f"wrote {path}", file=sys.stderr)
        return 0
    table = alerce.query_tap(adql, maxrec=args.maxrec, async_=args.async_, uploads=uploads,
                             timeout=timeout, url=url)
    emit = getattr(args, "tap_emit", None)
    if emit is not None:
        emit(table, args)
        return 0
    text = render(table, fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output} ({len(table)} rows)", file=sys.stderr)
    return 0


def render(table, fmt):
    """
    A TAP result table as text: ``table``, ``csv``, ``ecsv``, ``votable`` or ``json``.

    Examples
    --------
    >>> from astropy.table import Table
    >>> print(render(Table({"oid": [313897383979122767]}), "csv").strip())
    oid
    313897383979122767
    """
    if fmt == "table":
        return "\n".join(table.pformat(max_lines=-1, max_width=-1)) + "\n"
    if fmt in ("csv", "ecsv"):
        buffer = io.StringIO()
        table.write(buffer, format=f"ascii.{fmt}")
        return buffer.getvalue()
    if fmt == "votable":
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # meta entries VOTable cannot keep
            table.write(buffer, format="votable")
        return buffer.getvalue().decode("utf-8")
    if fmt == "json":
        return _json(table) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def _json(table):
    import numpy as np

    columns = [{"name": n, "unit": str(table[n].unit) if table[n].unit else None,
                "description": table[n].info.description} for n in table.colnames]
    rows = []
    for i in range(len(table)):
        row = {}
        for name in table.colnames:
            value = table[name][i]
            if np.ma.is_masked(value):
                value = None
            elif isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            row[name] = value  # ints stay ints: 64-bit ids exact in JSON
        rows.append(row)
    meta = json.loads(json.dumps(dict(table.meta), default=str))
    return json.dumps({"columns": columns, "rows": rows, "meta": meta}, indent=1)
