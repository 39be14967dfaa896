"""The answer: the what-if against its baseline — each headline metric's difference with its interval, and whether it is within chance.

This is what a planner asked ("what if Qingdao halves its funds from 2026?"),
so it leads the brief; the difference from no cooperation comes second
(:mod:`qdsim.brief.sections.findings`). A baseline brief has no such section.
"""

from __future__ import annotations

import math

from qdsim.brief.document import Bullets, Heading, Paragraph
from qdsim.brief.labels import t
from qdsim.brief.sections.context import FINDINGS, Context
from qdsim.format import verdict


def add(ctx: Context) -> None:
    if not ctx.d.paired:
        return
    lang, base = ctx.lang, ctx.m["baseline"]
    ctx.brief.add(Heading(t("h_answer", lang), 1, "answer"))
    title = ctx.d.scenario.title.zh if lang == "zh" else ctx.d.scenario.title.en
    ctx.brief.add(Paragraph(t("answer_intro", lang, title=title, baseline=base.get("scenario_id", "baseline"), run_id=base.get("run_id", "–"),
                              year=ctx.year), role="lead"))
    items = [x for x in (difference_line(ctx, m) for m in FINDINGS) if x]
    ctx.brief.add(Bullets(items, role="answer"))
    ctx.brief.add(Paragraph(t("answer_note", lang), role="note"))


def difference_line(ctx: Context, metric: str) -> str | None:
    """'到2030年，农村居民人均可支配收入比基准情景 -83元/人（90%区间 -350元/人 至 +180元/人），在随机波动范围内。'"""
    try:
        row = ctx.d.row(metric, "all", ctx.year)
    except KeyError:
        return None
    values = [float(row[f"vs_baseline_{s}"]) for s in ("mean", "p05", "p95")]
    if any(math.isnan(v) for v in values):
        return None
    meaning = verdict(metric, *values)
    if meaning == "same":
        return t("a_same", ctx.lang, year=ctx.year, name=ctx.name(metric))
    d, lo, hi = ctx.diff(row, "vs_baseline")
    sep = "，" if ctx.lang == "zh" else ", "
    return t("a_line", ctx.lang, year=ctx.year, name=ctx.name(metric), d=d, lo=lo, hi=hi, meaning=sep + t(f"v_{meaning}", ctx.lang))
