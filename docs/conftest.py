"""
pytest settings for the examples of the documentation (``python -m pytest docs``).

Every page starts its own `~alerce_astro.offline.SampleServer`; this file only keeps the
examples from touching the user's environment: the astropy cache is a temporary folder for the
session (the clients the examples make cache there, and the built-in sample is generated
there once), matplotlib draws off screen, and retries wait milliseconds.
"""

import matplotlib
import pytest

matplotlib.use("Agg")

# Built pages, generated API stubs and the Sphinx configuration are not examples.
collect_ignore = ["conf.py"]
collect_ignore_glob = ["_build/*", "api/*"]


@pytest.fixture(scope="session", autouse=True)
def _docs_cache(tmp_path_factory):
    from astropy.config import paths

    with paths.set_temp_cache(tmp_path_factory.mktemp("docs-cache")):
        yield


@pytest.fixture(autouse=True)
def _docs_environment():
    from alerce_astro import conf

    with conf.set_temp("backoff_factor", 0.01), conf.set_temp("max_retry_delay", 0.05):
        yield
    import matplotlib.pyplot as plt

    plt.close("all")
