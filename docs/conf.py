"""
Sphinx configuration of the alerce_astro documentation.

Build with ``sphinx-build -W --keep-going -b html . _build/html`` (``tox -e build_docs``). The
build must give no warning; it works offline: intersphinx is used only when its inventories
can be reached, and every figure is drawn at build time by the matplotlib plot directive,
from code that runs against the offline sample server (`alerce_astro.offline.SampleServer`).
"""

import datetime
import importlib.util
import os
import socket
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Document the checkout beside this folder, not an older installed copy.
sys.path.insert(0, str(HERE.parent))

from sphinx_astropy.conf.v2 import *  # noqa: E402,F403
from sphinx_astropy.conf.v2 import extensions, intersphinx_mapping  # noqa: E402

import alerce_astro  # noqa: E402

# -- Project ---------------------------------------------------------------------------------
project = "alerce_astro"
author = "alerce_astro developers"
copyright = f"{datetime.date.today().year}, {author}"
version = alerce_astro.__version__.split("+")[0]
release = alerce_astro.__version__
html_title = f"{project} {release}"

# -- Extensions ------------------------------------------------------------------------------
# sphinx-astropy lists optional extensions (sphinx-copybutton); keep those that are installed,
# so the docs build in a plain ``.[docs]`` environment.
extensions = [e for e in extensions if importlib.util.find_spec(e.split(".")[0]) is not None]
for _needed in ("matplotlib.sphinxext.plot_directive", "sphinx_automodapi.automodapi"):
    if _needed not in extensions:
        extensions.append(_needed)

exclude_patterns = ["_build", "api/*.inc.rst", "**.ipynb_checkpoints"]

# automodapi: the API pages go to ``api/``; no inheritance diagrams (they need graphviz and
# show astroquery's internals more than ours).
automodapi_toctreedirnm = "api"
automodapi_inheritance_diagram = False
automodsumm_inherited_members = False
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

# -- Intersphinx, only when reachable --------------------------------------------------------
# Fetching an inventory offline is a warning, and the build treats warnings as errors. Keep the
# mappings (links to Python, numpy, astropy, matplotlib, astroquery) whose hosts answer, and
# build without the others. ALERCE_DOCS_INTERSPHINX=0 drops them all, =1 keeps them all.
intersphinx_mapping = dict(intersphinx_mapping)
intersphinx_mapping.update({
    "astroquery": ("https://astroquery.readthedocs.io/en/stable/", None),
})
for _unused in ("h5py", "scipy", "pythonloc", "astropy.org"):
    intersphinx_mapping.pop(_unused, None)


def _reachable(url, timeout=3.0):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


def _inventory_urls(entry):
    target, inventories = entry
    inventories = inventories if isinstance(inventories, tuple) else (inventories,)
    return [target if inv is None else inv for inv in inventories]


_choice = os.environ.get("ALERCE_DOCS_INTERSPHINX")
if _choice == "0":
    intersphinx_mapping = {}
elif _choice != "1":
    intersphinx_mapping = {name: entry for name, entry in intersphinx_mapping.items()
                           if all(_reachable(u) for u in _inventory_urls(entry))}
intersphinx_timeout = 10

# -- Cross-references ------------------------------------------------------------------------
# References that cannot be resolved (to a package whose inventory is not loaded) render as
# code. Nitpicky mode would turn each into a warning, and whether they resolve depends on the
# network: it stays off, so the build gives the same (no) warnings online and offline.
nitpicky = False

# -- HTML ------------------------------------------------------------------------------------
html_theme_options = {
    "collapse_navigation": True,
    "icon_links": [],
    "navigation_depth": 2,
    "show_nav_level": 2,
    "use_edit_page_button": False,
}
html_static_path = []
html_last_updated_fmt = None  # reproducible pages

# -- Figures (matplotlib plot directive) -----------------------------------------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.figsize": (7.0, 4.2), "savefig.bbox": "tight"}
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\n"
plot_apply_rcparams = True
