"""The committed example brief (docs/examples) quotes its committed run exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from qdsim.brief import sections
from qdsim.brief.numbers import show
from qdsim.brief.source import from_dir

from .helpers import docx_text, html_text
from .test_content import csv_value

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
#: the example runs and the stem of their briefs: the baseline, and the planner's question (halve the funds from 2026)
RUNS = {"baseline-run": "baseline", "halve-funds-run": "halve-funds-2026"}

pytestmark = pytest.mark.skipif(not all((EXAMPLES / r / "summary.csv").is_file() for r in RUNS), reason="no committed example run")


@pytest.mark.parametrize("run", list(RUNS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_example_brief_quotes_its_run(run, lang):
    data = from_dir(EXAMPLES / run)
    b = sections.Context(data, lang, None)  # the sections that quote summary.csv and cost.csv, without drawing charts
    for section in (sections.answer, sections.findings, sections.cost, sections.counties, sections.methods):
        section.add(b)
    traces = b.brief.traces
    assert len(traces) > 60
    assert any(t.stat.startswith("vs_baseline") for t in traces) == (run != "baseline-run")
    html = html_text(EXAMPLES / f"{RUNS[run]}-brief-{lang}.html")
    word = docx_text(EXAMPLES / f"{RUNS[run]}-brief-{lang}.docx")
    for tr in traces:
        assert show(csv_value(EXAMPLES / run, tr), tr.unit, lang, tr.how) == tr.full
        assert tr.text in html and tr.text in word, tr
    assert data.run_id in html and data.run_id in word
