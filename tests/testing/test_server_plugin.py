"""The pytest fixtures, the package namespace and serve()."""

import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

import alerce_astro.offline as testing
from alerce_astro.offline import server as server_module


def _has_sample():
    try:
        simulate = importlib.import_module("alerce_astro.offline.simulate")
    except Exception:  # noqa: BLE001 - missing or half-written: no built-in sample
        return False
    return hasattr(simulate, "sample_dataset_path")


HAS_SAMPLE = _has_sample()


def test_import_is_cheap():
    code = ("import sys; import alerce_astro.offline; "
            "print('matplotlib' in sys.modules, 'alerce_astro.offline.simulate' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_namespace():
    assert {"SampleServer", "load_dataset", "Dataset", "serve"} <= set(testing.__all__)
    assert "generate_dataset" in dir(testing)
    with pytest.raises(AttributeError):
        testing.no_such_thing  # noqa: B018


@pytest.mark.skipif(not HAS_SAMPLE, reason="alerce_astro.offline.simulate not available yet")
def test_alerce_server_fixture(alerce_server):
    assert alerce_server.running
    r = requests.get(alerce_server.urls["ztf_v1"] + "/objects/?count=true", timeout=30)
    assert r.status_code == 200 and r.json()["total"] > 0
    assert len(alerce_server.dataset) == r.json()["total"]


@pytest.mark.skipif(not HAS_SAMPLE, reason="alerce_astro.offline.simulate not available yet")
def test_alerce_client_fixture(alerce_client):
    from alerce_astro import AlerceClass

    assert isinstance(alerce_client, AlerceClass)


def test_fixtures_in_a_user_test_suite(tmp_path, recorded_dir):
    """The plugin's fixtures, as a user's suite sees them (built-in sample = recorded data)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(textwrap.dedent(f"""
        import alerce_astro.offline.server as server
        server._builtin_sample_path = lambda: {str(recorded_dir)!r}
    """))
    (tmp_path / "test_user.py").write_text(textwrap.dedent("""
        import requests

        def test_server(alerce_server):
            r = requests.get(alerce_server.urls["ztf_v1"] + "/objects/?count=true", timeout=30)
            assert r.json()["total"] == 249

        def test_client(alerce_server, alerce_client):
            from alerce_astro import AlerceClass
            assert isinstance(alerce_client, AlerceClass)
            assert alerce_client.urls["ztf_v1"] == alerce_server.urls["ztf_v1"]

        def test_same_server(alerce_server, request):
            assert request.getfixturevalue("alerce_server") is alerce_server
    """))
    repo = str(Path(testing.__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (repo, os.environ.get("PYTHONPATH")) if p))
    # block the installed entry point (if any) and load the plugin module explicitly
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:alerce_astro",
         "-p", "alerce_astro.testing.pytest_plugin", "-W", "error", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_server_lifecycle(recorded_dir):
    server = testing.SampleServer(recorded_dir)
    with pytest.raises(RuntimeError, match="not running"):
        server.url  # noqa: B018
    server.start()
    try:
        assert server.start() is server
        url = server.url
        assert requests.get(url + "/ztf/v1/healthcheck", timeout=30).text == "OK"
    finally:
        server.stop()
    server.stop()  # twice is harmless
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/ztf/v1/healthcheck", timeout=5)


def test_serve_prints_urls(recorded_dir, monkeypatch, capsys):
    def interrupt():
        raise KeyboardInterrupt

    monkeypatch.setattr(server_module, "_block", interrupt)
    assert server_module.serve(recorded_dir, latency=0.0) == 0
    out = capsys.readouterr().out
    assert "ALeRCE sample server running at http://127.0.0.1:" in out
    for suffix in ("/ztf/v1", "/v2/lightcurve", "/stamps", "/catshtm"):
        assert suffix in out
