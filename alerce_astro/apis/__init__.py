"""
The wire: one package per ALeRCE API, each owning its routes (URL and query parameters), wire
column schemas, pager, error dialect and quirks. Nothing here knows a survey's facts beyond
what its wire needs; those live in `alerce_astro.surveys`.
"""
