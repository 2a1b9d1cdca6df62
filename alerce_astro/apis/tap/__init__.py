"""
ALeRCE's TAP service (GAVO DaCHS, ``https://tap.alerce.online/tap``), through pyvo.

The bulk path past per-object REST: ADQL queries over ALeRCE's databases (schemas ``alerce_tap``
and ``ztf``), answered as astropy tables with units and descriptions.

Modules: `~alerce_astro.apis.tap.columns` (the tables' columns), `~alerce_astro.apis.tap.quirks`
(what the service leaves out and the client fills in), `~alerce_astro.apis.tap.session` (the
HTTP session with the package's time limits and retries), `~alerce_astro.apis.tap.query`
(`run_query`: sync or async, uploads, errors, overflow), `~alerce_astro.apis.tap.adql` (the
ready-made queries), `~alerce_astro.apis.tap.lightcurves` (light curves of many objects in
chunked, resumable queries) and `~alerce_astro.apis.tap.photometry` (TAP rows -> the REST
APIs' rows -> the canonical light curve). The command ``alerce-astro tap`` is the command
line's (`alerce_astro.cli_tap`).

Importing this package does not import pyvo; the modules that talk to the service do.
"""
