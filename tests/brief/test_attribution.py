"""The brief's section on what a what-if's answer rests on (attribution.csv), from a real run with assumption draws."""

from __future__ import annotations

import pytest

from qdsim import api, brief


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    s = api.baseline().with_changes({"levers.funds.fiscal.2026": "2.28亿元"}, id="halve-funds-attribution")
    result = api.run(s, replicates=2, scale=0.003, assumption_draws=16, counterfactual=False)
    out = tmp_path_factory.mktemp("run") / "halve"
    result.write(out)
    return result, out


def test_the_run_writes_its_attribution_and_the_difference_across_the_assumptions(run):
    result, out = run
    df = result.attribution
    assert set(df.metric) == {"rural_income_per_capita", "wage_employment", "consumption_sales", "monitored_share"}
    assert (df.n_draws == 16).all() and (df.share >= 0).all() and (df.share_p05 <= df.share_p95 + 1e-12).all()
    assert (out / "attribution.csv").is_file()
    row = result.summary[(result.summary.metric == "rural_income_per_capita") & (result.summary.county == "all") & (result.summary.year == 2030)].iloc[0]
    assert row.vs_baseline_assumption_p05 <= row.vs_baseline_assumption_p95
    assert api.RunResult.read(out).attribution is not None  # read back from the folder


@pytest.mark.parametrize(("lang", "heading"), [("zh", "结论取决于哪些假设"), ("en", "What the answer rests on")])
def test_the_brief_says_what_the_answer_rests_on(run, lang, heading):
    _, out = run
    text = brief.render(out, lang=lang, fmt="md").decode("utf-8")
    assert heading in text
    assert ("不能归结为某一个假设" in text or "主要取决于" in text) if lang == "zh" else ("cannot be put down" in text or "rests mainly on" in text)


def test_a_run_without_draws_has_no_attribution_section(tmp_path):
    result = api.run(api.baseline().with_changes({"levers.funds.fiscal.2026": "2.28亿元"}, id="halve-no-draws"), replicates=2, scale=0.003,
                     counterfactual=False)
    assert result.attribution is None
    assert "What the answer rests on" not in brief.render(result, lang="en", fmt="md").decode("utf-8")
