"""The county table: the chosen metric and its impact in each county."""

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
    header = [t("c_county", lang), t("c_level", lang, year=ctx.year, unit=u), t("c_interval", lang),
              t("c_impact", lang, unit=u), t("c_interval", lang)]
    rows = []
    for cid in ["all"] + [c["id"] for c in ctx.reg.counties]:
        try:
            r = ctx.d.row(COUNTY_METRIC, cid, ctx.year)
        except KeyError:
            continue
        level = ctx.num(r, "mean", "plain", ctx.bare(show(float(r["mean"]), unit, lang), unit))
        rng = ctx.span(r, "p05", "p95", "plain", strip_unit=True)
        imp = ctx.num(r, "impact_mean", "signed", ctx.bare(show(float(r.impact_mean), unit, lang, "signed"), unit))
        if float(r.impact_p05) >= 0:
            irng = ctx.span(r, "impact_p05", "impact_p95", "plain", strip_unit=True)
        else:
            lo = ctx.num(r, "impact_p05", "signed", ctx.bare(show(float(r.impact_p05), unit, lang, "signed"), unit))
            hi = ctx.num(r, "impact_p95", "signed", ctx.bare(show(float(r.impact_p95), unit, lang, "signed"), unit))
            irng = f"{lo}{t('to', lang)}{hi}"
        rows.append([ctx.county_names[cid], level, rng, imp, irng])
    ctx.brief.add(Table(header, rows, role="counties", numeric=(1, 2, 3, 4)))
    ctx.brief.add(Paragraph(t("counties_note", lang), role="note"))
