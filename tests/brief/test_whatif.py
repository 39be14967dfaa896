"""The brief of a what-if: it leads with the difference from the baseline, every number traced; units in the reader's language."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from qdsim.brief import build, render
from qdsim.brief.document import Bullets, Figure, Heading, Paragraph
from qdsim.foundation.format import interval, verdict

from .helpers import docx_text, html_text
from .test_content import FINDINGS, csv_value

#: English units and words that must not appear in a Chinese brief
ENGLISH_UNITS = ("CNY", "person-times", "people", "households", "percentage points", "per month", "per year", "jin/mu", "(share)",
                 "share of", " mu", "bn", "within chance")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_what_if_brief_leads_with_its_difference_from_the_baseline(whatif_briefs, whatif_run_dir, lang):
    b = whatif_briefs[lang]
    anchors = [x.anchor for x in b.blocks if isinstance(x, Heading) and x.level == 1]
    assert anchors[:3] == ["answer", "findings", "cost"]  # the baseline first, no cooperation second
    (answer,) = [x for x in b.section("answer") if isinstance(x, Bullets)]
    summary = pd.read_csv(whatif_run_dir / "summary.csv")
    year = int(summary.year.max())
    lead = ("务工就业人数（协作带来的新增就业）", "农村居民人均可支配收入") if lang == "zh" else ("workers in wage employment", "rural disposable income")
    for name, line in zip(lead, answer.items[:2], strict=True):  # it leads with added employment and income: % and cumulative totals
        assert name in line and ("为基准水平的" in line and "年累计" in line if lang == "zh" else "of the baseline's level" in line)
    assert "baseline" not in answer.items[0] + answer.items[1] or lang == "en"
    for metric, line in zip([m for m in FINDINGS if m != "rural_income_per_capita"], answer.items[2:], strict=True):
        row = summary[(summary.scenario == "stop-after-2025") & (summary.metric == metric) & (summary.county == "all") & (summary.year == year)].iloc[0]
        meaning = verdict(metric, row.vs_baseline_mean, row.vs_baseline_p05, row.vs_baseline_p95)
        if meaning == "same":
            continue
        lo, hi = interval(row.vs_baseline_p05, row.vs_baseline_p95, row.unit, lang, signed=True).split(" 至 " if lang == "zh" else " to ")
        assert lo in line and hi in line, (metric, line)
        chance = "在随机波动范围内" if lang == "zh" else "within chance variation"
        assert (chance in line) == (meaning == "chance"), line
    assert [f.name for f in b.blocks if isinstance(f, Figure)][0] == "income-vs-baseline"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_number_of_a_what_if_brief_traces_to_its_run(whatif_briefs, whatif_run_dir, lang):
    b = whatif_briefs[lang]
    assert any(t.stat.startswith("vs_baseline") for t in b.traces)
    assert any(t.source == "cost.csv" and t.metric.startswith("baseline:") for t in b.traces)
    for tr in b.traces:
        assert csv_value(whatif_run_dir, tr) == tr.value, tr


def test_a_brief_from_few_replicates_says_so(whatif_briefs):
    (warning,) = [x for x in whatif_briefs["zh"].blocks if isinstance(x, Paragraph) and x.role == "warning"]
    assert "只基于2次重复" in warning.text and "至少20次" in warning.text


def test_a_chinese_brief_has_no_english_units(whatif_run_dir, tmp_path):
    for fmt, read in (("html", html_text), ("docx", docx_text)):
        path = tmp_path / f"b.{fmt}"
        path.write_bytes(render(whatif_run_dir, lang="zh", fmt=fmt))
        text = read(path)
        body = text.split("BibTeX")[0]  # the citation's BibTeX and command lines are code
        found = [u for u in ENGLISH_UNITS if u in body]
        assert not found, found
        assert not re.search(r"\d\.?\d*e[+-]\d", body)  # no e-notation


def test_sources_each_give_their_reference_and_link(whatif_briefs, whatif_run_dir):
    from qdsim.foundation.catalogue import load_catalogue

    (table,) = [x for x in whatif_briefs["zh"].section("sources") if hasattr(x, "rows")]
    urls = {s.url for s in load_catalogue().sources.values() if s.url}
    assert all("，" in r[-1] for r in table.rows)  # title，outlet，date on every row
    assert any(u in r[-1] for r in table.rows for u in urls)
    html = render(whatif_run_dir, lang="zh", fmt="html").decode("utf-8")
    assert any(f'<a href="{u}">' in html for u in urls)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_channel_that_gains_while_another_loses_is_named(whatif_run_dir, tmp_path, lang):
    """Showroom sales up (interval clear of zero) while procurement sales fall: the answer says that part of the gain
    came from the other channel; with only losses (the run as it is) it says nothing of the kind."""
    def answer(run_dir):
        (bullets,) = [x for x in build(run_dir, lang).section("answer") if isinstance(x, Bullets)]
        return bullets.items

    marker = "取自其他渠道" if lang == "zh" else "taken from other channels"
    assert not any(marker in line for line in answer(whatif_run_dir))
    run = tmp_path / "shifted"
    shutil.copytree(whatif_run_dir, run)
    summary = pd.read_csv(run / "summary.csv")
    year = int(summary.year.max())
    at = (summary.county == "all") & (summary.year == year) & (summary.scenario == "stop-after-2025")
    for metric, values in (("consumption_sales_showroom", (1.2e8, 0.9e8, 1.5e8)), ("consumption_sales_procurement", (-3e7, -5e7, -1e7))):
        rows = at & (summary.metric == metric)
        summary.loc[rows, ["vs_baseline_mean", "vs_baseline_p05", "vs_baseline_p95"]] = values
    for metric in ("consumption_sales_canteen", "consumption_sales_warehouse", "consumption_sales_event", "consumption_sales_enclave"):
        summary.loc[at & (summary.metric == metric), ["vs_baseline_mean", "vs_baseline_p05", "vs_baseline_p95"]] = (0.0, -1.0, 1.0)
    summary.to_csv(run / "summary.csv", index=False)
    (line,) = [x for x in answer(run) if marker in x]
    assert ("+1.2亿元" in line and "-3,000万元" in line) if lang == "zh" else ("showrooms" in line and "procurement" in line), line
