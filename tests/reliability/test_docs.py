"""docs/reliability.md stays true: every test it names exists."""

from __future__ import annotations

import ast
import re

from .helpers import HERE

ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "reliability.md"


def test_every_test_named_in_docs_reliability_exists():
    named = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", DOC.read_text(encoding="utf-8"))
    assert len(named) >= 40
    missing = []
    for file, test in named:
        path = ROOT / file
        tests = {n.name for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.FunctionDef)} if path.exists() else set()
        if test not in tests:
            missing.append(f"{file}::{test}")
    assert not missing, missing


def test_every_reliability_test_is_in_the_doc():
    text = DOC.read_text(encoding="utf-8")
    ours = [p for p in HERE.glob("test_*.py") if p.name != "test_docs.py"]
    missing = [f"{p.name}::{n.name}" for p in ours for n in ast.parse(p.read_text(encoding="utf-8")).body
               if isinstance(n, ast.FunctionDef) and n.name.startswith("test_") and f"{p.name}::{n.name}" not in text]
    assert not missing, missing
