"""
``alerce-astro tap "SELECT ..."``: an ADQL query on ALeRCE's TAP service from the command line.

The command layer of the TAP path (`alerce_astro.client.tap` does the work): `add_tap_command`
adds the ``tap`` sub-command to the ``alerce-astro`` parser, `cmd_tap` runs it. The table is
printed or written the command line's way (`alerce_astro.cli.emit`: ``table``, ``csv``,
``ecsv``, ``votable``, ``json`` with exact ids); a VOTable written to a file
(``--format votable --output F``) is streamed straight to disk, never held in memory.

The command talks to a TAP service only, so it takes none of the REST commands' service
options (``--server``, ``--data``, ``--no-cache``). ``--offline`` is refused with what to do
instead: the embedded sample server has no TAP service; a local DaCHS loaded with the same
sample has (``python -m alerce_astro.offline.tap --sample``), reached with ``--tap-url``.
"""

import argparse
from pathlib import Path

__all__ = ["add_tap_command", "cmd_tap", "OFFLINE_MESSAGE"]

#: Why ``alerce-astro tap --offline`` is refused, and what to do instead.
OFFLINE_MESSAGE = (
    "alerce-astro tap has no --offline: the embedded sample server answers the REST APIs, not "
    "TAP. Start a local DaCHS TAP service loaded with the same sample (as root: "
    "'python -m alerce_astro.offline.tap --sample'; see the TAP page of the documentation) and "
    "pass --tap-url http://127.0.0.1:8089/tap")


def add_tap_command(subparsers, *, table_out):
    """
    Add the ``tap`` command to the ``alerce-astro`` sub-parsers.

    Parameters
    ----------
    subparsers : `argparse._SubParsersAction`
        What ``parser.add_subparsers()`` returned.
    table_out : `argparse.ArgumentParser`
        The command line's output options (``--format``, ``--output``), shared with the other
        table commands.

    Returns
    -------
    `argparse.ArgumentParser`
        The command's parser.

    Examples
    --------
    >>> import argparse
    >>> from alerce_astro.cli import build_parser
    >>> args = build_parser().parse_args(["tap", "SELECT TOP 1 oid FROM alerce_tap.object",
    ...                                   "--format", "csv", "--maxrec", "10"])
    >>> args.maxrec, args.format, args.async_
    (10, 'csv', None)
    """
    p = subparsers.add_parser(
        "tap", help="an ADQL query on ALeRCE's TAP service", parents=[table_out],
        description="Run an ADQL query on ALeRCE's TAP service (schemas alerce_tap and ztf) "
                    "and print or write the table.",
        epilog='example: alerce-astro tap "SELECT TOP 10 oid, meanra, meandec FROM '
               'alerce_tap.object WHERE tid = 1" --format csv',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("adql", help="the ADQL query (quote it), or @FILE to read it from FILE")
    p.add_argument("--maxrec", metavar="N", type=int,
                   help="most rows to return (default: the service's limit; a cut result "
                        "warns)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--async", dest="async_", action="store_const", const=True,
                      help="run the query as an async job (long queries)")
    mode.add_argument("--sync", dest="async_", action="store_const", const=False,
                      help="run it synchronously only (default: sync, then async if slow)")
    p.add_argument("--upload", metavar="NAME=FILE", action="append",
                   help="upload a table (any format astropy reads) as TAP_UPLOAD.NAME; "
                        "repeatable")
    p.add_argument("--tap-url", metavar="URL",
                   help="the TAP service (default: conf.tap_server, ALeRCE's)")
    p.add_argument("--timeout", metavar="SECONDS", type=float,
                   help="time limit of each request")
    p.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    # Accepted only to be refused with a useful message (see OFFLINE_MESSAGE).
    p.add_argument("--offline", action="store_true", help=argparse.SUPPRESS)
    # client=False: the command makes its own client (cmd_tap); the REST service options
    # other commands have do not apply.
    p.set_defaults(func=cmd_tap, async_=None, client=False, server=None, data=None,
                   no_cache=False)
    return p


def _query_text(arg):
    if arg.startswith("@"):
        return Path(arg[1:]).read_text(encoding="utf-8")
    return arg


def _uploads(items):
    from astropy.table import Table

    from .exceptions import InvalidQueryError

    if not items:
        return None
    out = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise InvalidQueryError(f"--upload {item!r}: give NAME=FILE")
        out[name] = Table.read(path)
    return out


def cmd_tap(client, args):
    """
    Run the ``tap`` command.

    Parameters
    ----------
    client : object or None
        A client with ``query_tap`` and ``download_tap``; `None` (the command line): one is
        made with ``--timeout``.
    args : `argparse.Namespace`
        From the parser of `add_tap_command`.

    Returns
    -------
    int
        0 (errors are raised for the command line's error handling).

    Raises
    ------
    InvalidQueryError
        For ``--offline`` (`OFFLINE_MESSAGE`), a bad ``--upload`` or ``--output``.
    """
    import sys

    from .cli import _format_for, emit
    from .exceptions import InvalidQueryError

    if args.offline:
        raise InvalidQueryError(OFFLINE_MESSAGE)
    if client is None:
        from . import AlerceClass

        client = AlerceClass(timeout=args.timeout)
    adql = _query_text(args.adql)
    fmt = _format_for(args)
    uploads = _uploads(args.upload)
    if fmt == "votable" and args.output is not None:
        path = client.download_tap(adql, args.output, maxrec=args.maxrec,
                                   async_=bool(args.async_), uploads=uploads,
                                   timeout=args.timeout, url=args.tap_url)
        print(f"wrote {path}", file=sys.stderr)
        return 0
    table = client.query_tap(adql, maxrec=args.maxrec, async_=args.async_, uploads=uploads,
                             timeout=args.timeout, url=args.tap_url)
    emit(table, args)
    return 0
