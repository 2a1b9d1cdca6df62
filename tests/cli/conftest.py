"""Fixtures of the command-line tests: one sample server for the module, and a runner."""

import pytest


@pytest.fixture(scope="module")
def cli_server():
    """A sample server the commands reach with ``--server``."""
    from alerce_astro.offline import SampleServer

    with SampleServer() as server:
        yield server


@pytest.fixture(scope="module")
def sample_oid(cli_server):
    """The sample's most probable SN Ia with stamps (what the offline tour visits)."""
    from alerce_astro.tour import choose_object

    return choose_object(cli_server.client(), offline=True)


@pytest.fixture
def run(capsys, cli_server, tmp_path):
    """
    Run ``alerce-astro`` in-process against ``cli_server``: ``run("object", oid)`` returns
    ``(status, stdout, stderr)``. ``server=False`` leaves out ``--server`` (for commands that
    take none, or to test ``--offline``).
    """
    from alerce_astro.cli import main

    def runner(*argv, server=True):
        argv = [str(a) for a in argv]
        if server:
            argv += ["--server", cli_server.url, "--no-cache"]
        status = main(argv)
        out, err = capsys.readouterr()
        return status, out, err

    return runner
