"""The model's core type-checks: mypy on src/qdsim/model, with the configuration in pyproject.toml, finds nothing.

Every mechanism states the model (``model: DingxiModel``) and the arrays it works on; the year book's keys and
the random streams' names are typed, so a misspelt one is an error here, in CI, before any run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api", reason="mypy is in the test extra (pip install -e '.[test]')")

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "pyproject.toml")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """mypy's cache for this module's runs (NumPy's stubs are read once), never the repository's."""
    return str(tmp_path_factory.mktemp("mypy-cache"))


def _mypy(cache: str, *args: str) -> tuple[str, int]:
    out, err, status = api.run(["--config-file", CONFIG, "--cache-dir", cache, *args])
    return out + err, status


def test_the_model_type_checks_clean(cache):
    """src/qdsim/model, and the metric records and their derivation (foundation/metrics.py, results/derive.py)."""
    src = ROOT / "src" / "qdsim"
    report, status = _mypy(cache, str(src / "model"), str(src / "foundation" / "metrics.py"), str(src / "results" / "derive.py"))
    assert status == 0, f"mypy on src/qdsim/model, foundation/metrics.py, results/derive.py:\n{report}"
    assert "Success: no issues found in 22 source files" in report


#: lines that a run would only find wrong when it reached them, and the error mypy gives each
WRONG = [
    ('m.book.add_by_county("sales_showrooms", m.households.county, m.households.size)', "add_by_county"),  # a misspelt year-book key
    ('m.book.data["income_totl"]', "Invalid index type"),
    ('m.streams["labor"].random()', "Invalid index type"),  # a misspelt stream
    ("m.stochastic_round(1.5, 'enterprise')", "stochastic_round"),
    ("m.households.county = m.households.productivity", "Incompatible types in assignment"),  # an int8 column given floats
    ("labour.monthly(m)", "Missing positional argument"),
    ("farming.Harvest(marketable=m.households.size > 0, revenue=m.households.income[:, 0])", "Harvest"),  # a bool array as 元
    ("m.harvest.marketable.sum()", 'Item "None"'),  # the harvest exists only after farming.harvest: a reader must say so
]


def test_a_misspelt_key_or_a_wrong_array_is_a_type_error(tmp_path, cache):
    """The check is not vacuous: each wrong line, in a function of the model, is an error on its own line."""
    head = "from qdsim.model import farming, labour\nfrom qdsim.model.model import DingxiModel\n\n\n"
    body = "".join(f"def f{i}(m: DingxiModel) -> None:\n    {line}\n\n\n" for i, (line, _) in enumerate(WRONG))
    path = tmp_path / "wrong.py"
    path.write_text(head + body, encoding="utf-8")
    report, status = _mypy(cache, str(path))
    assert status == 1, report
    lines = (head + body).splitlines()
    for line, error in WRONG:
        n = lines.index(f"    {line}") + 1
        assert any(r.startswith(f"{path}:{n}: error:") and error in r for r in report.splitlines()), f"no error on {line!r}:\n{report}"
