"""
A real local TAP service in ALeRCE's layout: GAVO DaCHS loaded with dataset folders.

ALeRCE's TAP service is GAVO DaCHS over its PostgreSQL databases. This package loads the
package's dataset folders (the built-in ZTF sample, recorded data, generated LSST samples) into a
local DaCHS in the same layout: schema ``ztf`` (the legacy ZTF tables) and schema ``alerce_tap``
(the multisurvey tables), with the same column names, types, units (and the same omission: no
nJy on LSST fluxes), so that TAP code is tested against the real software.

- `ensure_service`: make the local DaCHS serve some datasets (loading only what changed);
- `alerce_astro.offline.tap.testing.dachs_service`: a pytest fixture doing that for the sample;
- ``python -m alerce_astro.offline.tap``: the same from a shell.

DaCHS itself is installed by ``.ci/dachs-setup`` (Debian's ``gavodachs2-server``, as root); see
``docs/tap.rst``. Importing this package imports neither pyvo nor DaCHS.
"""

from .dachs import DachsUnavailable, tap_url
from .load import ensure_service

__all__ = ["ensure_service", "DachsUnavailable", "tap_url"]
