"""
The offline multisurvey (LSST) API: ALeRCE's ``api-lsst`` services over dataset folders.

`MultisurveyGateway` is the host (``/<svc>_api/...``: object, lightcurve, magstat, probability,
classifier, stamps, crossmatch), one small module per app, each modelling the service's rules
(SQL semantics, defaults, error texts) over the tables of a `MultisurveyDataset`.
`~alerce_astro.offline.SampleServer` mounts it at the root of its host
(``server.urls["multisurvey"]``) when it is given multisurvey dataset folders::

    SampleServer(["lsst-recorded", "lsst-alerts/cutouts"])

See `alerce_astro.offline.multisurvey.dataset` for the dataset layout.
"""

from .dataset import MultisurveyDataset, load_multisurvey, split_data
from .gateway import MultisurveyGateway

__all__ = ["MultisurveyGateway", "MultisurveyDataset", "load_multisurvey", "split_data"]
