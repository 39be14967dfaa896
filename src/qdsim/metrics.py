"""The metric catalogue: identifiers, units, zh/en names and definitions of every output.

They live in ``data/metrics.yaml``; :mod:`qdsim.derive` computes them from a
run's year book. This module reads only that file, so that the command line,
the app and the brief can name metrics without importing the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Metric:
    id: str
    unit: str
    kind: str  # flow | stock | ratio
    zh: str
    en: str
    definition: str

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@cache
def catalogue() -> dict[str, Metric]:
    path = Path(str(resources.files("qdsim") / "data" / "metrics.yaml"))
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {k: Metric(id=k, **v) for k, v in data.items()}


METRIC_IDS = tuple(catalogue())
