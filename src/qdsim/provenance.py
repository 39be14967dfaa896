"""Versions, commit and run identity: what a manifest needs to make a number citable."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from functools import cache
from pathlib import Path

import mesa
import numpy as np

import qdsim


@cache
def commit() -> str:
    """The git commit of the qdsim source, or 'unknown' outside a checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        if out.returncode == 0:
            dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=5)
            return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return "unknown"


def versions() -> dict[str, str]:
    return {
        "qdsim": qdsim.__version__,
        "commit": commit(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": np.__version__,
    }


def run_id(*, scenario_sha: str, params_sha: str, seed: int, replicates: int, scale: float) -> str:
    """Deterministic identity of a run: the same inputs and version give the same ID."""
    blob = json.dumps(
        {"scenario": scenario_sha, "params": params_sha, "seed": seed, "replicates": replicates, "scale": scale, "version": qdsim.__version__},
        sort_keys=True,
    )
    return "qd-" + hashlib.sha256(blob.encode()).hexdigest()[:12]
