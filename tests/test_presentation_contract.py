"""One presentation layer: the app, the brief and the CLI format numbers and word verdicts only through qdsim.foundation.format.

``qdsim.foundation.format`` is the only number formatter and :func:`qdsim.foundation.format.describe`
the only wording of a difference (issue 22 §4). This test reads the source of
every module that shows numbers to a person and fails on:

- a number formatted in place: an f-string format spec (``f"{x:,.0f}"``,
  ``f"{x:g}"``), ``format(x, spec)``, ``"%.2f" % x``, or a template with a
  numeric spec (``"{total:.1f}%"``, for ``str.format``);
- a verdict worded in place: a string that is one of the verdict words
  (:data:`qdsim.foundation.format.VERDICT_WORDS`, :data:`qdsim.foundation.format.CHANCE_MARK`), a key
  of a table of verdict words (``verdict.good``, ``v_good``), or the verdict
  re-derived inline (``lo > 0 or hi < 0``; ``mean == 0 and lo == 0 and hi == 0``).

Allowed, with the reason: ``float(f"{x:.12g}")`` rounds a number and gives a
number, not text (the what-if builder keeps 0.65 × 4e8 at 2.6e8). Streamlit's
``format="%.2f"`` arguments and pandas' ``float_format`` are specifications
handed to a widget or a CSV writer, not text we format, and are not flagged.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from qdsim.foundation.format import CHANCE_MARK, VERDICT_WORDS

SRC = Path(__file__).resolve().parents[1] / "src" / "qdsim"
#: not checked: the model (it shows no number to a person); the calibration (the lead's: its report writes the
#: fit's statistics to stated digits for modellers, not planners; its table of parameters uses format.whole_or_significant);
#: simulation/runner.py (the worker pool's own message of seconds waited, another engineer's); foundation/format.py itself
EXCLUDED = ("model/", "calibration/", "simulation/runner.py", "foundation/format.py")
#: a template for str.format with a numeric spec: {total:.1f}, {n:,}, {factor:g}
TEMPLATE_SPEC = re.compile(r"\{[\w.\[\]]*:[^{}]*[,dfgeEn%]\}")
#: %-formatting of a number: "%.2f" % x
PERCENT_SPEC = re.compile(r"%[-+ #0]*\d*(\.\d+)?[dfgeEi]")
WORDS = {w for pair in VERDICT_WORDS.values() for w in pair} | {m.strip() for m in CHANCE_MARK.values()}
WORD_KEYS = re.compile(r"^(verdict\.|v_)(" + "|".join(VERDICT_WORDS) + ")$")


def modules() -> list[Path]:
    """Every module that shows a number to a person: the app, the brief, the CLI, the charts, the docs, the messages of
    the scenario and the catalogue — all of qdsim but what :data:`EXCLUDED` names."""
    return [p for p in sorted(SRC.rglob("*.py")) if not str(p.relative_to(SRC)).startswith(EXCLUDED)]


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _inside_float(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
            return True
    return False


def _is_zero(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0 and not isinstance(node.value, bool)


def _compares_with_zero(node: ast.AST, op: type) -> bool:
    return (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], op)
            and _is_zero(node.comparators[0]))


def violations(source: str, name: str = "<string>") -> list[str]:
    """What in ``source`` formats a number or words a verdict outside qdsim.foundation.format (``name:line: what``)."""
    tree = ast.parse(source)
    parents = _parents(tree)
    found = []

    def add(node: ast.AST, what: str) -> None:
        found.append(f"{name}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None and not _inside_float(node, parents):
            add(node, "a number formatted in an f-string (use qdsim.foundation.format)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "format" and len(node.args) == 2:
            add(node, "format(x, spec) (use qdsim.foundation.format)")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) \
                and isinstance(node.left.value, str) and PERCENT_SPEC.search(node.left.value):
            add(node, "%-formatting of a number (use qdsim.foundation.format)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if TEMPLATE_SPEC.search(node.value):
                add(node, f"a template with a numeric spec {TEMPLATE_SPEC.search(node.value).group()} (pass the text of qdsim.foundation.format)")
            if node.value.strip() in WORDS:
                add(node, f"a verdict's words {node.value!r} (use qdsim.foundation.format.describe / verdict_word)")
            if WORD_KEYS.match(node.value):
                add(node, f"a table key of verdict words {node.value!r} (use qdsim.foundation.format.verdict_word)")
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2 \
                and _compares_with_zero(node.values[0], ast.Gt) and _compares_with_zero(node.values[1], ast.Lt):
            add(node, "a verdict re-derived inline, lo > 0 or hi < 0 (use qdsim.foundation.format.describe / within_chance)")
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And) and len(node.values) == 3 \
                and all(_compares_with_zero(v, ast.Eq) for v in node.values):
            add(node, "a verdict re-derived inline, mean == lo == hi == 0 (use qdsim.foundation.format.describe)")
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_numbers_and_verdicts_are_worded_only_by_qdsim_format(path):
    assert violations(path.read_text(encoding="utf-8"), str(path.relative_to(SRC))) == []


def test_the_scope_holds_the_app_the_brief_and_the_cli():
    shown = {str(p.relative_to(SRC)) for p in modules()}
    assert {"cli.py", "presentation/charts.py", "docs.py", "app/results.py", "brief/sections/findings.py", "commands/batch.py", "batch/spec.py", "batch/engine.py",
            "api.py", "registry/store.py", "pipeline/assembly.py"} <= shown
    assert all((SRC / e).exists() for e in EXCLUDED) and len(shown) > 80


@pytest.mark.parametrize(("line", "what"), [
    ('x = f"{value:,.0f}元"', "f-string"),
    ('x = f"{value:g}"', "f-string"),
    ('x = format(value, ".2f")', "format(x, spec)"),
    ('x = "%.1f%%" % value', "%-formatting"),
    ('T = {"k": ("合计 {total:.1f}%", "total {total:.1f}%")}', "numeric spec"),
    ('W = {"good": ("向好", "good news")}', "verdict's words"),
    ('x = " (chance)"', "verdict's words"),
    ('x = t("verdict.chance")', "table key"),
    ('x = t("v_good", lang)', "table key"),
    ("clear = i05 > 0 or i95 < 0", "re-derived"),
    ("same = i_mean == 0 and i05 == 0 and i95 == 0", "re-derived"),
])
def test_the_check_finds_each_kind_of_violation(line, what):
    found = violations(line)
    assert found and all(what in f for f in found), found


def test_what_is_allowed_is_not_flagged():
    allowed = "\n".join([
        'x = float(f"{value:.12g}")',  # a number rounded, not text
        'st.slider("a", format="%.2f")',  # a widget's own format
        'df.to_csv(p, float_format="%.10g")',  # the CSV writer's
        'x = f"{name} {value}"',  # no spec
        'x = t("whatif.shares_rescaled", total=fixed(v, 1))',
        'msg = "差别在随机波动范围内，不能据此说更好或更差"',  # a sentence that uses the words
    ])
    assert violations(allowed) == []
