"""Smoke test of the benchmarks: ``benchmarks/run.py --quick`` runs, and qdsim agrees with per-agent Mesa.

Only that it completes and that the two implementations of the labour month
give the same outcomes on the same random numbers — never the timings (the
figures are in docs/performance.md, measured with ``python benchmarks/run.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_completes_and_the_implementations_agree(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["quick"] and res["a"], res
    for case in res["a"]:
        # every compared quantity identical: worker states, employers, training, subsidies, help, months
        # employed and assisted, stable marks, household wages and earnings, firm hires, labour funds,
        # subsidies paid, the stable count by destination
        assert case["identical"], case["compared"]
        assert all(case["compared"].values()) and len(case["compared"]) == 19
        # and the months did something: workers moved, were hired, trained, helped, counted and paid
        act = case["activity_over_the_months"]
        assert act["workers_changing_state"] > 0 and act["newly_trained"] > 0 and act["subsidy_paid_yuan"] > 0
        assert act["newly_assisted"] > 0 and act["newly_counted_stable"] > 0 and all(act["stable_by_destination"].values())
    assert res["c"]["simulated"] == res["c"]["replicates"] and res["c"]["baseline_reused"]  # only the what-if ran
    assert res["e"]["seconds"] > 0 and res["f"]["seconds"] > 0 and res["f"]["peak_gib"] > 0
    assert all(res["g"][k]["median_s"] > 0 for k in ("help", "validate", "import_api"))
    assert "qdsim benchmarks" in proc.stdout
