"""The committed example brief (docs/examples) quotes its committed run exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qdsim.brief import sections
from qdsim.brief.numbers import show
from qdsim.brief.source import from_dir

from .helpers import docx_text, html_text

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
RUN = EXAMPLES / "baseline-run"

pytestmark = pytest.mark.skipif(not (RUN / "summary.csv").is_file(), reason="no committed example run")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_example_brief_quotes_its_run(lang):
    data = from_dir(RUN)
    b = sections.Context(data, lang, None)  # the sections that quote summary.csv, without drawing charts
    sections.findings.add(b)
    sections.counties.add(b)
    sections.methods.add(b)
    summary = pd.read_csv(RUN / "summary.csv")
    traces = b.brief.traces
    assert len(traces) > 60
    html = html_text(EXAMPLES / f"baseline-brief-{lang}.html")
    word = docx_text(EXAMPLES / f"baseline-brief-{lang}.docx")
    for tr in traces:
        row = summary[(summary.scenario == tr.scenario) & (summary.metric == tr.metric) & (summary.county == tr.county) & (summary.year == tr.year)]
        assert show(float(row.iloc[0][tr.stat]), tr.unit, lang, tr.how) == tr.full
        assert tr.text in html and tr.text in word, tr
    assert data.run_id in html and data.run_id in word
