"""Fingerprints of the model's outputs, to prove a speed-up changed no result.

``python benchmarks/fingerprint.py --write`` stores, for every shipped
scenario at a few scales and seeds, the SHA-256 of the metrics array of the
scenario and of its counterfactual (the raw replicate values every output is
derived from: summary.csv, the charts, the brief) in
``benchmarks/fingerprints.json``; ``--check`` recomputes them with the
current code and lists every one that differs (exit status 1).

A performance change must leave every fingerprint as it was; a change to the
model (a new mechanism, a recalibration) changes them on purpose, and is
followed by ``--write``. ``--full`` adds the full-scale baseline (about a
minute).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from qdsim.api import load_scenario, plan
from qdsim.simulation.runner import run_simulations

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "src" / "qdsim" / "data" / "scenarios"
FILE = Path(__file__).resolve().parent / "fingerprints.json"
#: (scale, seed, replicates): small and medium scales, the shipped seed and another, two replicates
CASES = ((0.01, None, 2), (0.03, 7, 1))
FULL = ((1.0, None, 1),)


def fingerprint(values: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(values, dtype=np.float64).tobytes()).hexdigest()[:16]


def compute(full: bool = False) -> dict[str, str]:
    out = {}
    for path in sorted(SCENARIOS.glob("*.yaml")):
        for scale, seed, replicates in CASES + (FULL if full else ()):
            if scale == 1.0 and path.stem != "baseline":
                continue
            scenario = load_scenario(path).with_settings(scale=scale, replicates=replicates, assumption_draws=0,
                                                         **({"seed": seed} if seed is not None else {}))
            tasks = plan(scenario)
            for (variant, r, _), values in zip(tasks, run_simulations([t for _, _, t in tasks], workers=1), strict=True):
                key = f"{path.stem} scale={scale} seed={scenario.seed} {variant} r={r}"
                out[key] = fingerprint(values)
                print(key, out[key], file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="store the current code's fingerprints")
    mode.add_argument("--check", action="store_true", help="compare the current code's fingerprints with the stored ones")
    ap.add_argument("--full", action="store_true", help="include the full-scale baseline")
    args = ap.parse_args(argv)
    got = compute(args.full)
    if args.write:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        FILE.write_text(json.dumps({"commit": commit, "fingerprints": got}, indent=1) + "\n", encoding="utf-8")
        print(f"{len(got)} fingerprints written to {FILE}")
        return 0
    stored = json.loads(FILE.read_text(encoding="utf-8"))["fingerprints"]
    differ = [k for k in got if k in stored and stored[k] != got[k]]
    missing = [k for k in got if k not in stored]
    for k in differ:
        print(f"DIFFERENT  {k}")
    unchecked = [k for k in stored if k not in got and (args.full or "scale=1.0" not in k)]  # a case renamed or dropped
    for k in missing + unchecked:
        print(f"NOT COMPARED  {k}")
    print(f"{len(got) - len(differ) - len(missing)} identical, {len(differ)} different, {len(missing)} not stored, {len(unchecked)} stored but not computed")
    return 1 if differ or missing or unchecked else 0


if __name__ == "__main__":
    sys.exit(main())
