"""The county table: rural income in each county, its difference (from the baseline in a what-if, else from no
cooperation) with its interval, and whether that difference is within chance."""

from __future__ import annotations

from qdsim.brief.document import Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.numbers import show
from qdsim.brief.sections.context import COUNTY_METRIC, Context


def add(ctx: Context) -> None:
    lang = ctx.lang
    ctx.brief.add(Heading(t("h_counties", lang), 1, "counties"))
    unit = ctx.cat[COUNTY_METRIC].unit
    u = ctx.unit_label(unit)
    prefix = "vs_baseline" if ctx.d.paired else "impact"
    header = [t("c_county", lang), t("c_level", lang, year=ctx.year, unit=u), t("c_interval", lang),
              t(f"c_{prefix}", lang, unit=u), t("c_interval", lang), t("c_meaning", lang)]
    rows = []
    for cid in ["all"] + [c["id"] for c in ctx.reg.counties]:
        try:
            r = ctx.d.row(COUNTY_METRIC, cid, ctx.year)
        except KeyError:
            continue
        level = ctx.num(r, "mean", "plain", ctx.bare(show(float(r["mean"]), unit, lang), unit))
        rng = ctx.span(r, "p05", "p95", "plain", strip_unit=True)
        d, lo, hi = (ctx.num(r, f"{prefix}_{s}", "signed", ctx.bare(show(float(r[f"{prefix}_{s}"]), unit, lang, "signed"), unit))
                     for s in ("mean", "p05", "p95"))
        rows.append([ctx.county_names[cid], level, rng, d, f"{lo}{t('to', lang)}{hi}", ctx.words(r, COUNTY_METRIC, prefix).meaning])
    ctx.brief.add(Table(header, rows, role="counties", numeric=(1, 2, 3, 4)))
    ctx.brief.add(Paragraph(t("counties_note", lang), role="note"))
