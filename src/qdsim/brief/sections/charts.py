"""The charts: the app's figures, rendered for the document."""

from __future__ import annotations

from qdsim.brief import figures
from qdsim.brief.document import Figure, Heading
from qdsim.brief.labels import t
from qdsim.brief.sections.context import Context


def add(ctx: Context) -> None:
    lang = ctx.lang
    ctx.brief.add(Heading(t("h_charts", lang), 1, "charts"))
    key = (ctx.d.run_id, str(ctx.m.get("created", "")), ctx.d.scenario.sha256())
    against = t("vs_baseline_words" if ctx.d.paired else "vs_cf_words", lang)
    pngs = figures.render_all(ctx.d.summary, lang, ctx.county_names, ctx.year, scenario=ctx.d.scenario_id, paired=ctx.d.paired,
                              region=ctx.d.scenario.region, key=key)
    for n, (spec, png) in enumerate(pngs, 1):
        text = t(f"cap_{spec.name}", lang, year=ctx.year, against=against)
        ctx.brief.add(Figure(png, t("fig_caption", lang, n=n, text=text), spec.name))
