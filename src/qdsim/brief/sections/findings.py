"""Against no cooperation: each headline metric's impact with its interval, the county spread, and the headline caveats.

In a what-if's brief this comes second, after the answer against the
baseline (:mod:`qdsim.brief.sections.answer`).
"""

from __future__ import annotations

import math

from qdsim.brief.document import Bullets, Heading, Paragraph
from qdsim.brief.labels import t
from qdsim.brief.sections.context import COUNTY_METRIC, FINDINGS, Context, quantity
from qdsim.foundation.format import within_chance


def add(ctx: Context) -> None:
    lang = ctx.lang
    ctx.brief.add(Heading(t("h_findings_cf" if ctx.d.paired else "h_findings", lang), 1, "findings"))
    items = [f for f in (finding(ctx, m) for m in FINDINGS) if f]
    cf = county_finding(ctx)
    if cf:
        items.append(cf)
    ctx.brief.add(Bullets(items, role="findings"))
    note = t("findings_note", lang)
    if "assumption" in ctx.d.intervals:
        note += t("findings_assumption_interval", lang)
    ctx.brief.add(Paragraph(note, role="note"))
    ctx.brief.add(Paragraph(t("caveats", lang), role="lead"))
    ctx.brief.add(Bullets(caveats(ctx), role="caveats"))


def caveats(ctx: Context) -> list[str]:
    """What the headline numbers are: which income series, and what stable employment counts (with the additional employment)."""
    lang = ctx.lang
    targets = (ctx.m.get("calibration") or {}).get("targets") or []
    level = next((x for x in targets if x.get("metric") == "rural_income_per_capita" and x.get("role") == "fit"
                  and str(x.get("reading", "")).isdigit()), None)
    if level is not None:  # the calibration fitted the level to Dingxi's own figure
        items = [t("caveat_income_fitted", lang, year=level["reading"], value=quantity(float(level["reported"]), "元/人", lang))]
    else:
        items = [t("caveat_income", lang)]
    try:
        row = ctx.d.row("wage_employment", "all", ctx.year)
    except KeyError:
        return items + [t("caveat_employment", lang, extra="")]
    d, lo, hi = ctx.diff(row, "impact")
    return items + [t("caveat_employment", lang, extra=t("caveat_additional", lang, year=ctx.year, d=d, lo=lo, hi=hi))]


def finding(ctx: Context, metric: str) -> str | None:
    lang = ctx.lang
    try:
        row = ctx.d.row(metric, "all", ctx.year)
        cf = ctx.d.row(metric, "all", ctx.year, counterfactual=True)
    except KeyError:
        return None
    if any(math.isnan(float(row[c])) for c in ("mean", "p05", "p95", "impact_mean", "impact_p05", "impact_p95")):
        return None
    kind = ctx.cat[metric].kind
    unit = row["unit"]
    level = ctx.num(row, "mean")
    lo_hi = ctx.span(row, "p05", "p95", "plain")
    lo, hi = lo_hi.split("–", 1)
    base = {"year": ctx.year, "name": ctx.name(metric), "level": level, "lo": lo, "hi": hi}
    words = ctx.words(row, metric, "impact")
    i_mean, i05, i95 = words.mean, words.lo, words.hi
    if words.verdict == "same":
        return t("f_same", lang, **base)
    if float(cf["mean"]) == 0 and float(cf["p95"]) == 0 and i_mean > 0:
        return t("f_all_coop", lang, **base)
    diff_how = "pp" if unit == "share" else "abs"
    if not words.chance:
        up = i_mean > 0
        words = ("higher", "lower") if kind in ("ratio",) else ("more", "less")
        d = ctx.num(row, "impact_mean", diff_how)
        lo_stat, hi_stat = ("impact_p05", "impact_p95") if up else ("impact_p95", "impact_p05")
        dlo, dhi = ctx.span(row, lo_stat, hi_stat, diff_how).split("–", 1)
        return t("f_impact", lang, **base, dir=t(words[0] if up else words[1], lang), d=d, dlo=dlo, dhi=dhi, extra=_assumption_span(ctx, row, up, diff_how))
    if unit == "share":  # a share difference either way: percentage points with their sign
        sign = lambda v: "-" if v < 0 else "+"  # noqa: E731
        d = sign(i_mean) + ctx.num(row, "impact_mean", "pp")
        dlo = sign(i05) + ctx.num(row, "impact_p05", "pp")
        dhi = sign(i95) + ctx.num(row, "impact_p95", "pp")
    else:
        d = ctx.num(row, "impact_mean", "signed")
        dlo, dhi = ctx.num(row, "impact_p05", "signed"), ctx.num(row, "impact_p95", "signed")
    return t("f_unclear", lang, **base, d=d, dlo=dlo, dhi=dhi)


def _assumption_span(ctx: Context, row, up: bool, how: str) -> str:
    """'；参数假设区间 a–b' when the run drew parameter sets and the interval keeps one sign."""
    a05, a95 = (float(row.get(c, math.nan)) for c in ("impact_assumption_p05", "impact_assumption_p95"))
    if math.isnan(a05) or math.isnan(a95) or within_chance(a05, a95) or (a05 > 0) != up:
        return ""
    lo, hi = ("impact_assumption_p05", "impact_assumption_p95") if up else ("impact_assumption_p95", "impact_assumption_p05")
    return t("assumption_interval", ctx.lang, span=ctx.span(row, lo, hi, how))


def county_finding(ctx: Context) -> str | None:
    rows = []
    for c in ctx.reg.counties:
        try:
            rows.append(ctx.d.row(COUNTY_METRIC, c["id"], ctx.year))
        except KeyError:
            return None
    rows = [r for r in rows if not math.isnan(float(r.impact_mean))]
    if len(rows) < 2:
        return None
    low = min(rows, key=lambda r: float(r.impact_mean))
    high = max(rows, key=lambda r: float(r.impact_mean))
    return t("f_counties", ctx.lang, year=ctx.year, name=ctx.name(COUNTY_METRIC),
             low_county=ctx.county_names[low.county], low=ctx.num(low, "impact_mean", "signed"),
             high_county=ctx.county_names[high.county], high=ctx.num(high, "impact_mean", "signed"))
