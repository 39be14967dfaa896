"""The library's pages run: every ```python block of docs/api.md and docs/ema.md, top to bottom, in one session each.

A page whose example no longer runs fails here, so the pages cannot drift
from the library. Each page runs in an empty temporary folder (what it
writes stays there) with the run registry in a temporary home.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks(page: str) -> list[str]:
    return BLOCK.findall((ROOT / "docs" / page).read_text(encoding="utf-8"))


def run_page(page: str, tmp_path: Path, monkeypatch) -> dict:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": f"docs.{page}"}
    for i, code in enumerate(blocks(page), start=1):
        try:
            exec(compile(code, f"docs/{page} (block {i})", "exec"), namespace)  # noqa: S102 - the page's own examples
        except Exception as e:
            raise AssertionError(f"docs/{page}, python block {i} failed: {type(e).__name__}: {e}\n{code}") from e
    return namespace


def test_the_api_page_has_examples_for_each_part_of_the_api():
    code = "\n".join(blocks("api.md"))
    for name in ("qdsim.load(", "api.baseline()", "with_changes(", "api.run(", ".outcomes(", ".tidy()", ".to_xarray()", ".warnings",
                 "cost.vs_baseline", "api.move_funds(", "api.rank(", "api.compare(", "RunResult.read(", "qdsim.parameters()", "salib_problem("):
        assert name in code, name


def test_the_api_page_runs(tmp_path, monkeypatch):
    ns = run_page("api.md", tmp_path, monkeypatch)
    assert ns["result"].cost.vs_baseline.start == 2026  # the page's what-if: half the funds from 2026
    assert len(ns["y"]) == 4 and (tmp_path / "runs" / "half-funds-2026" / "cost.csv").exists()


@pytest.mark.slow
def test_the_ema_page_runs(tmp_path, monkeypatch):
    """50 LHS experiments under the multiprocessing evaluator at a tiny scale (0.2%, 1 replicate), feature scores and a PRIM box.

    Calibrated parameters come from the posterior (one of its sets per
    experiment), and no outcome is NaN, so feature scoring runs on all of them.
    """
    import numpy as np

    from qdsim import ema

    ns = run_page("ema.md", tmp_path, monkeypatch)
    experiments, outcomes, x = ns["experiments"], ns["outcomes"], ns["x"]
    assert len(experiments) == 50 and experiments["calibration_draw"].nunique() > 25
    names, sets = ema.posterior_sets()
    drawn = x[names].to_numpy()
    assert all(any(np.array_equal(row, s) for s in sets) for row in drawn)  # every experiment is a whole posterior set
    assert all(np.isfinite(v).all() for v in outcomes.values())
    assert set(ns["scores"].index) >= {"assist_reach", "wage_qingdao", "levers_funds_fiscal_2026", "levers_consumption_showrooms_2026"}
    assert ns["box"].stats["coverage"] > 0
    assert (experiments["levers_consumption_showrooms_2026"] % 1 == 0).all()  # counts are whole
