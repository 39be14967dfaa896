"""Check an input file, scenario or batch, as ``qdsim validate`` does: every problem, nothing run.

It sits above both :mod:`qdsim.scenario` and :mod:`qdsim.batch` (a batch
file names scenario files), so that neither has to import the other to tell
which kind a file is.
"""

from __future__ import annotations

import os
from pathlib import Path

from qdsim.batch.spec import load_batch
from qdsim.scenario import shipped
from qdsim.scenario.loader import loads_scenario
from qdsim.scenario.yamlfile import Problem, ScenarioError, parse_yaml, read_bytes


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem in a scenario or batch file, or a shipped one by name (empty list when it is valid).

    Raises:
        ScenarioError: (an :class:`~qdsim.foundation.errors.InputError`) ``path`` is not a path or a name.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ScenarioError([Problem(repr(path)[:60], 0, "(file)", f"expected a file path or a shipped scenario's name, got {type(path).__name__}")])
    path = shipped.locate(path)
    if not Path(path).exists():
        path = shipped.locate(path, "batch")
    try:
        raw = read_bytes(path)
        data, _ = parse_yaml(raw, str(path))
        if isinstance(data, dict) and "batch" in data:
            load_batch(path)  # batch files have their own schema
        else:
            loads_scenario(raw, str(path))
    except ScenarioError as e:
        return e.problems
    return []
