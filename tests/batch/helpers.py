"""A tiny scenario and batch files for the batch, registry and sensitivity tests (runs take well under a second)."""

from __future__ import annotations

import textwrap
from pathlib import Path

TINY_YAML = """\
# A tiny scenario: three years, 0.1% of households, one replicate.
id: tiny
title: {zh: 小测试情景, en: Tiny test scenario}
period: {start: 2021, end: 2023}
levers:
  funds:
    fiscal: 4 亿元
    donations: 0.5 亿元
  labour: {subsidy_per_worker: 935, training_places: 5000, free_train: 1, qingdao_job_quota: 20000}
  consumption: {canteen_share: 30%, showrooms: 20, warehouses: 2, price_premium: 35%}
  technology: {potato_demo_area: 10000}
  pairings: {villages: 400, hospitals: 83}
scale: 0.001
replicates: 1
seed: 7
"""


def write_tiny(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tiny.yaml"
    path.write_text(TINY_YAML, encoding="utf-8")
    return path


def write_batch(folder: Path, body: str, name: str = "batch.yaml") -> Path:
    """A batch file next to tiny.yaml (written too); ``body`` is dedented."""
    write_tiny(folder)
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def grid_batch(folder: Path, subsidies: list, wages: list, replicates: int | None = 1, name: str = "grid.yaml", extra: str = "") -> Path:
    """A grid over the labour subsidy and the Qingdao wage: len(subsidies) × len(wages) runs (replicates=None with adaptive:)."""
    body = textwrap.dedent(
        f"""\
        batch: {{id: grid-test, title: {{zh: 测试网格, en: Test grid}}}}
        base: tiny.yaml
        grid:
          levers.labour.subsidy_per_worker: {subsidies}
          overrides.wage_qingdao: {wages}
        scale: 0.001
        seed: 7
        """
    ) + (f"replicates: {replicates}\n" if replicates is not None else "")
    return write_batch(folder, body + textwrap.dedent(extra), name)
