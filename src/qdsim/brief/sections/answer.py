"""The answer: the what-if against its baseline — each headline metric's difference with its interval, and whether it is within chance.

This is what a planner asked ("what if Qingdao halves its funds from 2026?"),
so it leads the brief, and it leads with the two numbers asked about most:
the employment the change adds or loses (wage employment, not the
programme's gross count of stable employment) and rural income, each with
its change as a percentage of the baseline's level and its total over the
years from the change to the end (the sum of the yearly differences). The
difference from no cooperation comes second
(:mod:`qdsim.brief.sections.findings`). A baseline brief has no such section.
"""

from __future__ import annotations

import math

from qdsim.brief.document import Bullets, Heading, Paragraph
from qdsim.brief.labels import t
from qdsim.brief.sections.context import FINDINGS, Context
from qdsim.foundation.format import fixed, planner_number, within_chance
from qdsim.model.buyers import MODES

#: what the answer leads with: the employment added (or lost) and rural income
LEAD = ("wage_employment", "rural_income_per_capita")
#: consumption sales by channel (metrics), in the order of the buyers' modes
CHANNELS = tuple(f"consumption_sales_{m}" for m in MODES)
#: the unit of a yearly stock summed over years
_SUMMED_UNIT = {"人": "人年"}


def change_year(ctx: Context) -> int:
    """The first year the scenario differs from its baseline (cost.csv's window), else the first year."""
    row = ctx.d.cost_row("baseline", "extra_spending")
    return int(row["start"]) if row is not None else ctx.first_year


def lead_line(ctx: Context, metric: str) -> str | None:
    """'到2030年，务工就业人数（协作新增的就业）较基准情景 -2,555人（90%区间 …），为基准水平的 -3.1%；2026–2030年累计 -6,200人年…'"""
    try:
        row = ctx.d.row(metric, "all", ctx.year)
    except KeyError:
        return None
    values = [float(row[f"vs_baseline_{s}"]) for s in ("mean", "p05", "p95")]
    if any(math.isnan(v) for v in values):
        return None
    words = ctx.words(row, metric, "vs_baseline")
    name = t(f"lead_{metric}", ctx.lang)
    if words.verdict == "same":
        return t("a_same", ctx.lang, year=ctx.year, name=name)
    d, lo, hi = ctx.diff(row, "vs_baseline")
    level = float(row["mean"]) - values[0]
    pct = values[0] / level * 100 if level else math.nan
    pct_text = "–" if math.isnan(pct) else fixed(pct, 1 if abs(pct) >= 0.1 else 2, signed=True) + "%"
    start = change_year(ctx)
    total = 0.0
    for year in ctx.d.years:
        if start <= year <= ctx.year:
            total += float(ctx.d.row(metric, "all", year)["vs_baseline_mean"])
    unit = _SUMMED_UNIT.get(row["unit"], row["unit"])
    total_text = planner_number(total, unit, ctx.lang, signed=True) if unit in ("元/人", "人年") else planner_number(total, row["unit"], ctx.lang, signed=True)
    sep = "，" if ctx.lang == "zh" else ", "
    return t("lead_line", ctx.lang, year=ctx.year, name=name, d=d, lo=lo, hi=hi, pct=pct_text, start=start, total=total_text,
             meaning=sep + words.meaning)


def add(ctx: Context) -> None:
    if not ctx.d.paired:
        return
    lang, base = ctx.lang, ctx.m["baseline"]
    ctx.brief.add(Heading(t("h_answer", lang), 1, "answer"))
    title = ctx.d.scenario.title.zh if lang == "zh" else ctx.d.scenario.title.en
    ctx.brief.add(Paragraph(t("answer_intro", lang, title=title, baseline=base.get("scenario_id", "baseline"), run_id=base.get("run_id", "–"),
                              year=ctx.year), role="lead"))
    lead = [x for x in (lead_line(ctx, m) for m in LEAD) if x]
    items = [x for x in (difference_line(ctx, m) for m in FINDINGS if m not in LEAD) if x]
    shift = displacement_line(ctx)
    if shift:
        items.append(shift)
    ctx.brief.add(Bullets(lead + items, role="answer"))
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
    words = ctx.words(row, metric, "vs_baseline")
    if words.verdict == "same":
        return t("a_same", ctx.lang, year=ctx.year, name=ctx.name(metric))
    d, lo, hi = ctx.diff(row, "vs_baseline")
    sep = "，" if ctx.lang == "zh" else ", "
    return t("a_line", ctx.lang, year=ctx.year, name=ctx.name(metric), d=d, lo=lo, hi=hi, meaning=sep + words.meaning)


def displacement_line(ctx: Context) -> str | None:
    """Where one channel gains sales while another loses them (each interval clear of zero): say that part of the gain
    was taken from the other channels (buyers of different channels compete for the same suppliers and harvest).

    '到2030年，消费帮扶销售额（展销馆、电商馆） +1.2亿元，而消费帮扶销售额（政府采购） -0.30亿元：新增的销售有一部分取自其他渠道。'
    """
    gained, lost = [], []
    for metric in CHANNELS:
        try:
            row = ctx.d.row(metric, "all", ctx.year)
        except KeyError:
            continue
        mean, lo, hi = (float(row[f"vs_baseline_{s}"]) for s in ("mean", "p05", "p95"))
        if any(math.isnan(v) for v in (mean, lo, hi)) or within_chance(lo, hi):
            continue
        (gained if mean > 0 else lost).append((metric, row))
    if not gained or not lost:
        return None  # nothing formatted (every number formatted is traced into the brief)

    def said(rows: list) -> str:
        return ("、" if ctx.lang == "zh" else "; ").join(f"{ctx.name(m)} {ctx.num(r, 'vs_baseline_mean', 'signed')}" for m, r in rows)

    return t("a_displaced", ctx.lang, year=ctx.year, gained=said(gained), lost=said(lost))
