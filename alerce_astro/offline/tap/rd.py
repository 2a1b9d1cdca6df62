"""
DaCHS resource descriptors for ALeRCE's TAP schemas, generated from the column tables.

One resource descriptor (RD) per schema. Each table is declared ``onDisk`` and ``adql`` (so DaCHS
fills ``TAP_SCHEMA`` with it) with typed columns, descriptions and units *as ALeRCE's service
serves them* (`alerce_astro.apis.tap.quirks.served_unit`: LSST fluxes without their nJy), an index
on the join keys, and a q3c index on the main position of object tables (ADQL ``CONTAINS`` cone
queries then use it). Each table is filled by an embedded grammar that reads JSON lines: NULLs
stay NULL and 64-bit ids stay exact, which CSV would not promise.
"""

from xml.sax.saxutils import escape, quoteattr

from ...apis.tap.columns import SCHEMAS
from ...apis.tap.quirks import served_unit

__all__ = ["resource_descriptor", "RESERVED_WORDS"]

#: Column names that are SQL/ADQL reserved words and must be declared as delimited identifiers
#: (``quoted/order``); users then write them in double quotes in ADQL.
RESERVED_WORDS = frozenset({"order", "value", "group", "select", "from", "where", "table",
                            "user", "date", "time", "timestamp", "size", "position", "level",
                            "section", "zone", "count", "first", "last", "year", "month",
                            "day", "hour", "minute", "second"})

# The iterator runs inside DaCHS: one JSON object per line, keys = column names.
_GRAMMAR = """    <embeddedGrammar>
      <iterator>
        <code>
          import json
          with open(self.sourceToken, encoding="utf-8") as f:
            for line in f:
              yield json.loads(line)
        </code>
      </iterator>
    </embeddedGrammar>"""


def _column(col):
    name = f"quoted/{col.name}" if col.name in RESERVED_WORDS else col.name
    attrs = [f"name={quoteattr(name)}", f"type={quoteattr(col.type)}"]
    unit = served_unit(col)
    if unit:
        attrs.append(f"unit={quoteattr(unit)}")
    if col.ucd:
        attrs.append(f"ucd={quoteattr(col.ucd)}")
    if col.required:
        attrs.append('required="True"')
    attrs.append(f"description={quoteattr(col.description)}")
    return f"    <column {' '.join(attrs)}/>"


def _table(t):
    mixin = ' mixin="//scs#q3cindex"' if t.position else ""
    lines = [f'  <table id="{t.name}" onDisk="True" adql="True"{mixin}>',
             f'    <meta name="description">{escape(t.description)}</meta>']
    lines += [f'    <index columns="{c}"/>' for c in t.indexes]
    lines += [_column(c) for c in t.columns]
    lines.append("  </table>")
    return "\n".join(lines)


def _data(t, source):
    return "\n".join([
        f'  <data id="import_{t.name}">',
        f'    <sources pattern="{source}"/>',
        _GRAMMAR,
        f'    <make table="{t.name}"/>',
        "  </data>"])


def resource_descriptor(schema, tables, *, sources, description_suffix=""):
    """
    The XML text of the resource descriptor of one schema.

    Parameters
    ----------
    schema : str
        ``ztf`` or ``alerce_tap``.
    tables : sequence of `~alerce_astro.apis.tap.columns.TapTable`
        The tables to declare (those that have data).
    sources : dict
        Table name -> path of its JSON-lines file, relative to the resource directory.
    description_suffix : str, optional
        Appended to the schema's description (the loader records its content hash there,
        where a TAP query can read it back from ``TAP_SCHEMA.schemas``).

    Returns
    -------
    str

    Examples
    --------
    >>> from alerce_astro.apis.tap.columns import table
    >>> rd = resource_descriptor("ztf", [table("ztf.non_detection")],
    ...                          sources={"non_detection": "data/non_detection.jsonl"})
    >>> '<column name="mjd" type="double precision" unit="d"' in rd
    True
    """
    description = SCHEMAS[schema] + description_suffix
    parts = [
        # resdir ".": data paths are relative to the descriptor's directory (DaCHS's default
        # would be a directory named like the schema).
        f'<resource schema="{schema}" resdir=".">',
        f'  <meta name="title">ALeRCE TAP schema {schema} (alerce_astro offline copy)</meta>',
        f'  <meta name="description">{escape(description)}</meta>',
        '  <meta name="creationDate">2026-01-01T00:00:00Z</meta>',
        '  <meta name="subject">Transients</meta>',
        '  <meta name="creator.name">alerce_astro.offline.tap</meta>',
    ]
    parts += [_table(t) for t in tables]
    parts += [_data(t, sources[t.name]) for t in tables]
    parts.append("</resource>\n")
    return "\n".join(parts)
