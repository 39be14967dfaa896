"""Cost and effectiveness: what the scenario spends, and what its money buys against its baseline and no cooperation.

Every number is a row of the run's ``cost.csv`` (:mod:`qdsim.results.cost`), traced
as the summary's numbers are.
"""

from __future__ import annotations

from qdsim.brief.document import Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.sections.context import Context

#: the measures shown, in order, for each comparison
MEASURES = ("spending", "extra_spending", "income_gain", "employment_gain", "income_per_100m", "employment_per_1m")


def add(ctx: Context) -> None:
    lang = ctx.lang
    total = ctx.d.cost_row("", "spending")
    if total is None:
        return
    ctx.brief.add(Heading(t("h_cost", lang), 1, "cost"))
    ctx.brief.add(Paragraph(t("cost_total", lang, start=int(total["start"]), end=int(total["end"]), spent=ctx.num(total, "mean"),
                              lo=ctx.num(total, "p05"), hi=ctx.num(total, "p95"))))
    rows = []
    for against in ("baseline", "counterfactual"):
        if ctx.d.cost_row(against, "spending") is None:
            continue
        for measure in MEASURES:
            r = ctx.d.cost_row(against, measure)
            if r is None:
                if measure in ("income_per_100m", "employment_per_1m"):
                    rows.append([t(f"cost_vs_{against}", lang), t(f"m_{measure}", lang), t("cost_no_ratio", lang), "–"])
                continue
            how = "plain" if measure == "spending" else "signed"
            value = ctx.num(r, "mean", how)
            span = f"{ctx.num(r, 'p05', how)}{t('to', lang)}{ctx.num(r, 'p95', how)}"
            window = f"{int(r['start'])}–{int(r['end'])}"
            extra = ctx.d.cost_row(against, "extra_spending")
            cut = measure in ("income_per_100m", "employment_per_1m") and extra is not None and float(extra["mean"]) < 0
            rows.append([t(f"cost_vs_{against}", lang) + f"（{window}）" if lang == "zh" else t(f"cost_vs_{against}", lang) + f" ({window})",
                         t(f"m_{measure}_cut" if cut else f"m_{measure}", lang), value, span])
    if rows:
        ctx.brief.add(Table([t("cost_against", lang), t("cost_measure", lang), t("cost_value", lang), t("c_interval", lang)], rows,
                            role="cost", numeric=(2, 3)))
    ctx.brief.add(Paragraph(t("cost_note", lang), role="note"))
