"""Start-up: `qdsim --help` and `qdsim validate` import no pandas, SciPy, Streamlit or model; `import qdsim.api` no scipy.optimize.

Each check runs in a fresh process and reads ``sys.modules`` after the
command has done its work, so an import hidden inside a function the
command calls is caught as well. The times are measured in
benchmarks/run.py, section (g).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import SCENARIOS

HEAVY = ("pandas", "scipy", "streamlit", "mesa", "qdsim.model", "pyarrow", "matplotlib", "altair")

PROBE = """
import json, sys
from qdsim.cli import app
try:
    app({args!r})
except SystemExit as e:
    code = e.code
print(json.dumps({{"code": code, "heavy": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def imported_by(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args), heavy=HEAVY)], capture_output=True, text=True, timeout=120)
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [
    ["--help"],
    ["validate", "--help"],
    ["validate", "baseline", "what-ifs"],  # a shipped scenario and a shipped batch
    ["validate", str(SCENARIOS / "stop-after-2025.yaml")],  # extends the baseline
    ["validate", str(SCENARIOS / "batches" / "labour-grid.yaml")],
])
def test_help_and_validate_import_nothing_heavy(args):
    got = imported_by(*args)
    assert got["code"] == 0 and got["heavy"] == [], got


def test_validate_of_a_broken_file_imports_nothing_heavy_either(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: {zh: 坏, en: bad}\nlevers: {funds: {fiscl: 5亿元}}\n", encoding="utf-8")
    got = imported_by("validate", "--lang", "zh", str(bad))
    assert got["code"] == 2 and got["heavy"] == [], got


def test_importing_the_api_does_not_import_scipy_optimize():
    code = "import sys, qdsim.api; print(sorted(m for m in ('scipy.optimize', 'scipy.stats', 'streamlit', 'qdsim.calibration') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stdout + proc.stderr
