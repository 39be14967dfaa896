"""The docs stay true to the code: ODD covers every process and parameter; tables are current."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import qdsim
from qdsim.docs import main, parameters_markdown
from qdsim.foundation.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
MODEL_SRC = Path(qdsim.__file__).parent / "model"
ODD = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def processes_called_by_the_schedule() -> set[str]:
    """`module.function` calls in DingxiModel.step / start_year / end_year."""
    tree = ast.parse((MODEL_SRC / "model.py").read_text())
    calls = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in ("step", "start_year", "end_year"):
            for c in ast.walk(node):
                if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute) and isinstance(c.func.value, ast.Name):
                    if c.func.value.id in {"labour", "farming", "markets", "enterprises", "villages", "ecology", "shocks", "funds"}:
                        calls.add(f"{c.func.value.id}.{c.func.attr}")
    return calls


def test_odd_names_every_scheduled_process():
    calls = processes_called_by_the_schedule()
    assert len(calls) >= 15
    missing = sorted(c for c in calls if c not in ODD)
    assert not missing, f"processes run by the model but not in docs/model.md: {missing}"


def test_odd_names_no_process_the_code_does_not_run():
    named = set(re.findall(r"\b(labour|farming|markets|enterprises|villages|ecology|shocks|funds)\.([a-z_]+)\b", ODD))
    named = {(m, f) for m, f in named if f != "py"}  # file names like labour.py
    calls = processes_called_by_the_schedule()
    stale = sorted(f"{m}.{f}" for m, f in named if f"{m}.{f}" not in calls)
    assert not stale, f"docs/model.md describes processes the schedule does not call: {stale}"


def test_odd_covers_every_parameter_the_model_reads():
    used = set()
    for f in MODEL_SRC.glob("*.py"):
        used |= set(re.findall(r"\bp(?:arams)?\.([a-z][a-z0-9_]+)", f.read_text()))
    reg = load_catalogue()
    used &= set(reg.parameters)
    # drought sensitivities are described together as drought_sensitivity_*
    derived = ("_area", "_yield", "_price", "_cost", "_cost_per_cycle", "_revenue_per_cycle", "_net")
    missing = sorted(u for u in used if u not in ODD and not u.startswith("drought_sensitivity_") and not u.endswith(derived))
    assert not missing, f"parameters read by the model but not in docs/model.md: {missing}"


def test_parameter_table_is_current():
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == parameters_markdown(), "docs/parameters.md is stale: run `python -m qdsim.docs`"


def test_the_readme_test_command_is_what_ci_runs():
    """CI runs the README's test command, word for word (lint included), so the README never drifts from CI."""
    ci = [line for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines() if line and not line.startswith(("#", "set ", "cd "))]
    assert ci == ["bash scripts/setup --test && .venv/bin/ruff check && .venv/bin/python -m pytest -q"]
    assert f"```bash\n{ci[0]}\n```" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_parameter_table_writer_takes_no_option_for_a_file(tmp_path, monkeypatch, capsys):
    """`python -m qdsim.docs --help` printed 'wrote --help' and left a file named --help; now it prints its usage."""
    monkeypatch.chdir(tmp_path)
    assert main(["--help"]) == 0 and main(["-x"]) == 2 and main(["a.md", "b.md"]) == 2
    assert "usage" in capsys.readouterr().err and list(tmp_path.iterdir()) == []
    assert main(["t.md"]) == 0 and (tmp_path / "t.md").read_text(encoding="utf-8") == parameters_markdown()
