"""qdsim — an agent-based model of the Qingdao–Dingxi East–West cooperation.

青岛—定西东西部协作的主体模型. The public entry points live in
:mod:`qdsim.api`; the app and the command line call nothing else. For a
modeller's session, two shortcuts (see docs/api.md)::

    import qdsim
    s = qdsim.load("baseline")          # a shipped scenario, or a file
    catalogue = qdsim.parameters()      # every parameter, with the values runs use

Bad input anywhere raises :class:`qdsim.InputError` (a ValueError naming the
path, the field, the message in Chinese and English, and a suggestion).

This module imports nothing heavy: ``qdsim --help`` starts from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qdsim.foundation.errors import InputError

if TYPE_CHECKING:
    from qdsim.foundation.catalogue import Catalogue
    from qdsim.scenario.schema import Scenario

__version__ = "0.1.0"
__all__ = ["InputError", "load", "parameters"]


def load(scenario: str = "baseline") -> Scenario:
    """A scenario: a shipped one by name (``"baseline"``, ``"stop-after-2025"``) or a YAML file.

    Raises:
        ScenarioError: (an :class:`InputError`) every problem in the file, as ``file:line: field: message``.
    """
    from qdsim.scenario.loader import load_scenario

    return load_scenario(scenario)


def parameters(region: str = "dingxi") -> Catalogue:
    """The parameter catalogue (参数目录) of a region, with the values runs use (fitted values for calibrated parameters).

    ``parameters().salib_problem()`` and ``qdsim.ema.parameters()`` export it
    for SALib and EMA Workbench.
    """
    from qdsim.foundation.catalogue import load_catalogue

    return load_catalogue(region)
