"""What the answer rests on: the assumptions a what-if's difference from its baseline depends on most.

Read from the run's ``attribution.csv`` (:mod:`qdsim.results.attribution`), present when the run drew parameter sets
(``qdsim run --assumptions N``) and has a baseline. For each metric, the parameter with the largest
first-order share of the difference's variance, when that share can be told from chance; otherwise the
brief says that no single assumption can be.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from qdsim.brief.document import Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.sections.context import Context
from qdsim.foundation.format import difference, fixed, interval, planner_number
from qdsim.foundation.metrics import catalogue


def statements(df: pd.DataFrame, lang: str, *, name: Callable[[str], str], param_label: Callable[[str], str]) -> list[str]:
    """One sentence per metric: the parameter its difference rests on most, or that none can be told from chance
    (the brief's section and the app's result both say it so)."""
    cat = catalogue()
    out = []
    for metric, part in df.groupby("metric", sort=False):
        unit = cat[metric].unit
        top = part.sort_values("rank").iloc[0]
        lead = part[part["distinguishable"].astype(str).str.lower() == "true"].sort_values("rank")
        if lead.empty:
            out.append(t("att_none", lang, metric=name(metric), diff=difference(float(top["difference_mean"]), unit, lang)))
            continue
        r = lead.iloc[0]
        p_unit = str(r["unit"])
        out.append(t("att_lead", lang, metric=name(metric), diff=difference(float(r["difference_mean"]), unit, lang),
                     param=param_label(str(r["parameter"])), share=fixed(float(r['share']), 2),
                     lo_value=planner_number(float(r["value_low"]), p_unit, lang), lo=difference(float(r["low_end"]), unit, lang),
                     hi_value=planner_number(float(r["value_high"]), p_unit, lang), hi=difference(float(r["high_end"]), unit, lang)))
    return out


def add(ctx: Context) -> None:
    df = ctx.d.attribution
    if df is None or df.empty:
        return
    lang = ctx.lang
    ctx.brief.add(Heading(t("h_attribution", lang), 1, "attribution"))
    ctx.brief.add(Paragraph(t("att_intro", lang, n=int(df["n_draws"].iloc[0]), year=int(df["year"].iloc[0]))))
    for text in statements(df, lang, name=ctx.name, param_label=ctx.param_label):
        ctx.brief.add(Paragraph(text))
    rows = []
    for metric, part in df.groupby("metric", sort=False):
        unit = ctx.cat[metric].unit
        for _, r in part.sort_values("rank").head(3).iterrows():
            rows.append([ctx.name(metric), ctx.param_label(str(r["parameter"])), ctx.status(str(r["status"])),
                         f"{fixed(float(r['share']), 2)}（{fixed(float(r['share_p05']), 2)}–{fixed(float(r['share_p95']), 2)}）" if lang == "zh"
                         else f"{fixed(float(r['share']), 2)} ({fixed(float(r['share_p05']), 2)}–{fixed(float(r['share_p95']), 2)})",
                         interval(float(r["low_end"]), float(r["high_end"]), unit, lang, signed=True)])
    ctx.brief.add(Table([t("att_metric", lang), t("att_param", lang), t("att_status", lang), t("att_share", lang), t("att_ends", lang)],
                        rows, role="attribution", numeric=(3,)))
    ctx.brief.add(Paragraph(t("att_note", lang), role="note"))
