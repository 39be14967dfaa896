"""Scenario files as Chinese users type them: accepted when unambiguous, otherwise an error that says what to type.

Each case goes through the three doors a file comes in by: the loader
(``loads_scenario``), the app's upload handler (``qdsim.app.state.parse_upload``)
and ``qdsim validate`` — which share the loader, so they must agree.
"""

from __future__ import annotations

import re
import textwrap

import pytest
from typer.testing import CliRunner

from qdsim.app import state
from qdsim.cli import app
from qdsim.scenario import ScenarioError, loads_scenario
from qdsim.scenario.messages import zh
from qdsim.validate import validate_file

from ..reliability.helpers import BATCH_CORPUS, SCENARIO_CORPUS

runner = CliRunner()
HEAD = "id: typed\ntitle: {zh: 按中文习惯填写, en: As typed}\n"


def scenario(body: str) -> str:
    return HEAD + textwrap.dedent(body)


def through_every_door(text: str, tmp_path):
    """The scenario the loader and the upload read (they must agree), after `qdsim validate` said ok."""
    path = tmp_path / "typed.yaml"
    path.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 0, r.output
    loaded, uploaded = loads_scenario(text, "typed.yaml"), state.parse_upload("typed.yaml", text.encode("utf-8"))
    assert loaded == uploaded
    return loaded


def problems_at_every_door(text: str, tmp_path) -> list:
    """The problems of a file: the same from the loader, the upload and `qdsim validate` (English and Chinese)."""
    path = tmp_path / "typed.yaml"
    path.write_text(text, encoding="utf-8")
    found = validate_file(path)
    assert found
    with pytest.raises(ScenarioError) as up:
        state.parse_upload("typed.yaml", text.encode("utf-8"))
    assert [(p.line, p.field, p.message) for p in up.value.problems] == [(p.line, p.field, p.message) for p in found]
    en, cn = (runner.invoke(app, ["validate", str(path), *lang]) for lang in ([], ["--lang", "zh"]))
    assert en.exit_code == cn.exit_code == 2
    assert [str(p) for p in found] == en.output.strip().splitlines()
    assert [p.text("zh") for p in found] == cn.output.strip().splitlines()
    return found


# -- accepted and normalised ------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "check"), [
    ('levers: {funds: {fiscal: {"2026": 5亿元}}}', lambda s: s.levers.funds.fiscal == {2026: 5e8}),  # a quoted year key
    ("levers: {funds: {fiscal: {'2026': '5 亿元'}}}", lambda s: s.levers.funds.fiscal == {2026: 5e8}),
    ("levers: {funds: {fiscal: 5 亿}}", lambda s: s.levers.funds.fiscal == {0: 5e8}),  # 5 亿 on money is 5亿元
    ("levers: {funds: {donations: 5万}}", lambda s: s.levers.funds.donations == {0: 5e4}),
    ("levers: {funds: {fiscal: 4.05亿元/年}}", lambda s: s.levers.funds.fiscal == {0: 4.05e8}),  # money levers are a year
    ("levers: {labour: {subsidy_per_worker: 0.1万}}", lambda s: s.levers.labour.subsidy_per_worker == {0: 1000}),
    ("levers: {consumption: {canteen_share: ３０％}}", lambda s: s.levers.consumption.canteen_share == {0: 0.3}),  # full width
    ("levers: {consumption: {showrooms: {２０２６: ４０}}}", lambda s: s.levers.consumption.showrooms == {2026: 40}),
    ("levers: {funds: {fiscal: ５亿元}}\nreplicates: １０\n", lambda s: s.levers.funds.fiscal == {0: 5e8} and s.replicates == 10),
    ('levers: {funds: {fiscal: {2026: "50,000万元"}}}', lambda s: s.levers.funds.fiscal == {2026: 5e8}),  # quoted, as the hint says
    ("levers:\n  funds:\n    fiscal: 50,000万元\n", lambda s: s.levers.funds.fiscal == {0: 5e8}),  # outside {…} YAML keeps it whole
    ("levers: {funds: {fiscal: {2026: ５０，０００万元}}}", lambda s: s.levers.funds.fiscal == {2026: 5e8}),  # a full-width comma is no separator
    ("horizon: {mode: ｓｔｏｐ, after: ２０２５}", lambda s: (s.horizon.mode, s.horizon.after) == ("stop", 2025)),
])
def test_what_is_unambiguous_is_accepted_and_normalised(body, check, tmp_path):
    s = through_every_door(scenario(body), tmp_path)
    assert check(s), s.levers
    assert loads_scenario(s.to_yaml(), "again.yaml") == s  # written back in plain form, it reads the same


def test_titles_keep_their_full_width_punctuation(tmp_path):
    s = through_every_door("id: typed\ntitle: {zh: 情景（２０２６年起）：协作, en: typed}\n", tmp_path)
    assert s.title.zh == "情景（２０２６年起）：协作"


# -- refused with what to type ------------------------------------------------------------------------

def test_a_thousands_separator_inside_braces_gets_the_hint_to_quote_it(tmp_path):
    (p,) = problems_at_every_door(scenario("levers: {funds: {fiscal: {2021: 4亿元, 2026: 50,000万元}}}\n"), tmp_path)
    assert (p.line, p.field) == (3, "levers.funds.fiscal.2026")
    assert p.message.endswith('write "50,000万元" in quotes, or 50000万元')
    assert '请加引号写成 "50,000万元"，或写成 50000万元' in p.zh


def test_a_split_million_is_shown_whole(tmp_path):
    (p,) = problems_at_every_door(scenario("levers: {funds: {donations: {2021: 1,000,000, 2022: 2000000}}}\n"), tmp_path)
    assert p.field == "levers.funds.donations.2021" and '"1,000,000"' in p.message


def test_a_list_of_plain_numbers_is_not_taken_for_a_split_one(tmp_path):
    batch = tmp_path / "b.yaml"
    (tmp_path / "typed.yaml").write_text(scenario("levers: {}\n"), encoding="utf-8")
    batch.write_text("batch: {id: b}\nbase: typed.yaml\ngrid:\n  levers.consumption.showrooms: [100,200,300]\n", encoding="utf-8")
    assert validate_file(batch) == []
    batch.write_text("batch: {id: b}\nbase: typed.yaml\ngrid:\n  levers.funds.fiscal: [1,000万元, 2,000万元]\n", encoding="utf-8")
    assert [p.message.split(" was split")[0] for p in validate_file(batch)] == ["1,000万元", "2,000万元"]


@pytest.mark.parametrize(("body", "field", "en", "cn"), [
    ("levers: {funds: {fiscal: 5 亩}}", "levers.funds.fiscal",
     "wrong unit '亩': write an amount in 元, 万元 or 亿元, e.g. 4.05亿元 or 500万元", "单位“亩”用错了：应为以 元、万元 或 亿元 为单位的金额"),
    ("levers: {funds: {donations: -2.5亿元}}", "levers.funds.donations",
     "-2.5亿元 is outside the allowed range [0元, 1,000亿元]", "-2.5亿元 超出允许范围 [0元, 1,000亿元]"),
    ("levers: {consumption: {canteen_share: 150%}}", "levers.consumption.canteen_share",
     "150% is outside the allowed range [0%, 100%]", "150% 超出允许范围 [0%, 100%]"),
    ("levers: {consumption: {canteen_share: 三成}}", "levers.consumption.canteen_share",
     "cannot read '三成': write a share as a percentage or a fraction, e.g. 30% or 0.3", "无法读取“三成”：应为百分数或小数，如 30% 或 0.3"),
    ("levers: {funds: {fiscl: 5亿元}}", "levers.funds.fiscl", "unknown field (did you mean 'fiscal'?)", "未知字段（是否应为“fiscal”？）"),
    ("levers: {labuor: {}}", "levers.labour".replace("labour", "labuor"), "unknown field (did you mean 'labour'?)", "是否应为“labour”"),
    ("replicats: 3", "replicats", "unknown field (did you mean 'replicates'?)", "是否应为“replicates”"),
    ("overrides: {qingdao_fricton: 4}", "overrides.qingdao_fricton", "unknown parameter (did you mean 'qingdao_friction'?)",
     "参数目录中没有此参数（是否应为“qingdao_friction”？）"),
    ("overrides: {wage_qingdao: 1000000000000}", "overrides.wage_qingdao",
     "1,000,000,000,000 is far outside the plausible range [4,000, 5,500]", "远超合理范围"),
])
def test_what_cannot_be_accepted_says_what_to_type_in_english_and_chinese(body, field, en, cn, tmp_path):
    (p,) = problems_at_every_door(scenario(body + "\n"), tmp_path)
    assert p.field == field and p.message == en and cn in p.zh


def test_no_problem_shows_money_in_exponent_form_and_every_one_has_chinese():
    """The whole corpus of broken files: amounts as 亿元/万元, never 2.5e+08; a Chinese wording for every problem."""
    for path in SCENARIO_CORPUS + BATCH_CORPUS:
        for p in validate_file(path):
            assert not re.search(r"\de[+-]?\d", p.message), str(p)
            assert p.zh and not p.zh.startswith("请检查此项"), f"no Chinese wording for: {p.message}"


def test_an_unknown_message_keeps_its_english_behind_a_chinese_lead():
    assert zh("something new went wrong") == "请检查此项：something new went wrong"
