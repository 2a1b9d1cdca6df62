"""
Layers point one way (PLAN.md): every import of every module of the package, read with `ast`
(imports inside functions included), goes to a layer no higher than the importer's.

    0 facts     surveys, schema, exceptions, validation, positions (and the package's conf)
    1 data      lightcurve, stamps, crossmatch (results), bulk.result/progress, plotting
    2 wire      transport, cache, apis
    3 client    client, bulk (engine), classification
    4 products  cli, tour, offline, testing

The data model and plotting import neither HTTP libraries nor the transport, the APIs or the
client; plotting draws and never fetches; the command line never imports the test package.
"""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import alerce_astro

PACKAGE = Path(alerce_astro.__file__).resolve().parent
ROOT = "alerce_astro"

#: Module prefixes and their layer; the longest matching prefix wins.
LAYERS = {
    "alerce_astro": 0,  # the package itself: conf, __version__ (its lazy Alerce: see below)
    "alerce_astro._json": 0,
    "alerce_astro.exceptions": 0,
    "alerce_astro.surveys": 0,
    "alerce_astro.schema": 0,
    "alerce_astro.validation": 0,
    "alerce_astro.positions": 0,
    "alerce_astro.redaction": 0,
    "alerce_astro.lightcurve": 1,
    "alerce_astro.stamps": 1,
    "alerce_astro.crossmatch": 1,
    "alerce_astro.bulk.result": 1,
    "alerce_astro.bulk.progress": 1,
    "alerce_astro.plotting": 1,
    "alerce_astro.transport": 2,
    "alerce_astro.cache": 2,
    "alerce_astro.apis": 2,
    "alerce_astro.bulk": 3,
    "alerce_astro.client": 3,
    "alerce_astro.classification": 3,
    "alerce_astro.cli": 4,
    "alerce_astro.cli_tap": 4,
    "alerce_astro.tour": 4,
    "alerce_astro.offline": 4,
    "alerce_astro.testing": 4,
}
NAMES = {0: "facts", 1: "data model / plotting", 2: "wire", 3: "client", 4: "products"}

#: Names the package exports lazily, and the module that defines each.
ROOT_EXPORTS = {"Alerce": "alerce_astro.client", "AlerceClass": "alerce_astro.client"}

#: Arrows that point up and are allowed, each with its reason.
ALLOWED = {
    # The package's lazy export of the client (``from alerce_astro import Alerce``): the
    # facade that makes the client reachable, loaded on first use only.
    ("alerce_astro", "alerce_astro.client"): "the package's lazy public export",
}
#: Arrows that point up and are tolerated for a while; each entry must still exist (a stale
#: entry fails), so the list only shrinks. Empty: no arrow points up.
KNOWN = {}

#: Third-party modules that mean HTTP: never below the wire layer.
HTTP_MODULES = ("requests", "urllib3", "http.client")


def _modules():
    """Every module of the package: dotted name -> (path, is package)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        found[name] = (path, is_package)
    return found


MODULES = _modules()


def layer_of(module):
    """The layer of a module of the package (None for any other module)."""
    prefixes = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(prefixes, key=len)] if prefixes else None


def _imports(name, path, is_package):
    """``(target, line)`` for every import in a module: package modules resolved to the module
    (or, for a name of the package root, the module that defines it), others as written."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                if candidate in MODULES:
                    yield candidate, node.lineno
                elif source == ROOT and alias.name in ROOT_EXPORTS:
                    yield ROOT_EXPORTS[alias.name], node.lineno
                else:
                    yield source, node.lineno


def _arrows():
    for name, (path, is_package) in MODULES.items():
        for target, line in _imports(name, path, is_package):
            yield name, target, f"{path.relative_to(PACKAGE.parent)}:{line}"


ARROWS = list(_arrows())


def test_the_walk_sees_the_package():
    assert len(MODULES) > 80
    # relative, absolute and in-function imports are all resolved
    assert ("alerce_astro.client.base", "alerce_astro.transport") in {
        (a, b) for a, b, _ in ARROWS}
    assert ("alerce_astro.cli", "alerce_astro.offline") in {(a, b) for a, b, _ in ARROWS}
    assert ("alerce_astro.offline.server", "alerce_astro.client") in {
        (a, b) for a, b, _ in ARROWS}  # SampleServer.client(): from alerce_astro import ...


def test_no_arrow_points_up():
    up = []
    seen_known = set()
    for source, target, where in ARROWS:
        if not target.startswith(ROOT):
            continue
        if layer_of(target) <= layer_of(source) or (source, target) in ALLOWED:
            continue
        if (source, target) in KNOWN:
            seen_known.add((source, target))
            continue
        up.append(f"{where}: {source} ({NAMES[layer_of(source)]}) imports {target} "
                  f"({NAMES[layer_of(target)]})")
    assert up == []
    assert seen_known == set(KNOWN), f"stale KNOWN entries: {set(KNOWN) - seen_known}"


def test_no_http_below_the_wire():
    found = [f"{where}: {source} imports {target}" for source, target, where in ARROWS
             if layer_of(source) < 2 and target.split(".")[0] in ("requests", "urllib3")
             or layer_of(source) < 2 and target in HTTP_MODULES]
    assert found == []


def test_the_command_line_never_imports_the_test_package():
    assert [where for source, target, where in ARROWS
            if source == "alerce_astro.cli" and target.startswith("alerce_astro.testing")] == []


def test_data_packages_export_no_client_parts():
    import alerce_astro.bulk
    import alerce_astro.lightcurve
    import alerce_astro.stamps

    for module in (alerce_astro.lightcurve, alerce_astro.stamps, alerce_astro.bulk):
        assert [n for n in module.__all__ if n.endswith("Queries")] == []


def test_plotting_never_fetches():
    import inspect

    from alerce_astro.plotting.finder import plot_finder_chart
    from alerce_astro.plotting.stamps import plot_stamps

    # No client argument: the functions draw what they are given.
    for function in (plot_finder_chart, plot_stamps):
        assert "client" not in inspect.signature(function).parameters
    assert [where for source, target, where in ARROWS
            if source.startswith("alerce_astro.plotting") and (layer_of(target) or 0) > 1] == []


def test_reading_an_ecsv_light_curve_imports_no_http(tmp_path):
    """In a fresh interpreter: build nothing, just read a light curve written as ECSV."""
    from alerce_astro.apis.ztf_v1.photometry import lightcurve_from_json

    lc = lightcurve_from_json({"detections": [
        {"mjd": 58900.5, "candid": "1101542291015015004", "fid": 1, "magpsf": 18.5,
         "sigmapsf": 0.1, "diffmaglim": 20.0, "isdiffpos": "t", "ra": 10.0, "dec": 20.0}],
        "non_detections": [{"mjd": 58899.5, "fid": 2, "diffmaglim": 19.5}]},
        oid="ZTF20aaelulu")
    path = tmp_path / "lc.ecsv"
    lc.write(path)
    code = textwrap.dedent(f"""
        import sys
        from alerce_astro.lightcurve import AlerceLightCurve
        lc = AlerceLightCurve.read({str(path)!r})
        assert len(lc) == 2, len(lc)
        http = sorted(m for m in sys.modules if m.split(".")[0] in ("requests", "urllib3"))
        ours = sorted(m for m in sys.modules if m.startswith(("alerce_astro.transport",
                      "alerce_astro.apis", "alerce_astro.client", "alerce_astro.cache")))
        print(http, ours)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PACKAGE.parent)
    http, ours = out.stdout.strip().split("] [")
    assert http == "["
    loaded = [m.strip(" '") for m in ours.rstrip("]").split(",") if m.strip()]
    assert loaded == []


@pytest.mark.parametrize("module", ["alerce_astro.plotting.finder", "alerce_astro.stamps",
                                    "alerce_astro.crossmatch.result",
                                    "alerce_astro.bulk"])
def test_data_and_plotting_modules_load_without_http(module):
    code = (f"import sys, {module}; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] == 'requests'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"
