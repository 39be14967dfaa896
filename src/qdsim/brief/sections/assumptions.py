"""Assumptions: the parameters by status, and the sensitivity ranking when there is one."""

from __future__ import annotations

import math
from pathlib import Path

from qdsim.brief.document import Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.sections.context import Context
from qdsim.foundation.format import parameter_text, plain, short


def add(ctx: Context) -> None:
    lang = ctx.lang
    ctx.brief.add(Heading(t("h_assumptions", lang), 1, "assumptions"))
    params = ctx.m.get("parameters") or []
    by_status: dict[str, int] = {}
    for p in params:
        by_status[p.get("status", "?")] = by_status.get(p.get("status", "?"), 0) + 1
    n_assumed = by_status.get("assumption", 0)
    overrides = ctx.d.scenario.overrides
    sens = ctx.d.sensitivity
    if sens is not None:
        _sensitivity(ctx, sens)
    else:
        ctx.brief.add(Paragraph(t("a_nosens", lang)))
    ctx.brief.add(Paragraph(t("a_table", lang, overrides=t("a_with_overrides", lang) if overrides else "", n=n_assumed)))
    cal = ctx.m.get("calibration") if isinstance(ctx.m.get("calibration"), dict) else {}
    fitted = {x.get("id"): x for x in cal.get("parameters") or [] if isinstance(x, dict)}
    compat = any(isinstance(x.get("compatible_range"), list) for x in fitted.values())
    rows = []
    for p in params:
        if p.get("status") == "calibrated" or p.get("id") in overrides:
            lo, hi = (p.get("range") or [math.nan, math.nan])[:2]
            status = ctx.status(p.get("status", ""))
            if p.get("id") in overrides:
                status += ("；" if lang == "zh" else "; ") + t("st_override", lang, default=plain(p.get("default")))
            unit = str(p.get("unit", ""))
            row = [ctx.param_label(p["id"]), parameter_value(p.get("value"), unit, lang), f"{parameter_value(lo, unit, lang)}–{parameter_value(hi, unit, lang)}"]
            if compat:
                cr = fitted.get(p["id"], {}).get("compatible_range")
                row.append(f"{parameter_value(cr[0], unit, lang)}–{parameter_value(cr[1], unit, lang)}" if isinstance(cr, list) and len(cr) == 2 else "–")
            rows.append(row + [status])
    if rows:
        header = [t("p_param", lang), t("p_value", lang), t("p_range", lang)]
        header += [t("p_compatible", lang)] if compat else []
        ctx.brief.add(Table(header + [t("p_status", lang)], rows, role="parameters", numeric=(1, 2) + ((3,) if compat else ())))
    parts = ("、" if lang == "zh" else ", ").join(f"{ctx.status(s)} {n}" for s, n in sorted(by_status.items()))
    ctx.brief.add(Paragraph(t("a_counts", lang, total=len(params), parts=parts), role="note"))


def parameter_value(value, unit: str, lang: str) -> str:
    """A parameter's value with its unit where it is a planner's unit (format.parameter_text); non-numbers as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return plain(value)
    return parameter_text(float(value), unit, lang)


def _sensitivity(ctx: Context, sens) -> None:
    lang = ctx.lang
    src = Path(sens.source)
    where = f"{src.parent.name}/{src.name}" if src.parent.name else src.name
    method = t(f"method_{sens.method}", lang) if sens.method in ("sobol", "morris") else (sens.method or "–")
    how = t("a_sens_how", lang, replicates=sens.replicates, scale=short(float(sens.scale) * 100) + "%") if sens.replicates and sens.scale else ""
    ctx.brief.add(Paragraph(t("a_sens", lang, method=method, runs=sens.runs if sens.runs is not None else "–", how=how, file=where)))
    outputs = sens.outputs()
    focus = [o for o in ("rural_income_per_capita", "monitored_share") if o in outputs] or outputs[:1]
    for o in focus:
        text = (sens.ranking.get(o) or {}).get(lang)
        if text:
            ctx.brief.add(Paragraph(text))
        rows = sens.indices[sens.indices.output == o] if not sens.indices.empty else sens.indices
        if rows.empty:
            continue
        top = rows.sort_values("index", ascending=False).head(5)
        table = []
        for _, r in top.iterrows():
            label = r[f"label_{lang}"] or ctx.param_label(r.factor)
            conf = "" if math.isnan(float(r["conf"])) else f" ± {short(float(r['conf']), 2)}"
            table.append([label, r[f"range_{lang}"] or "–", f"{r['stat']} = {short(float(r['index']), 3)}{conf}"])
        name = ctx.cat[o].name(lang) if o in ctx.cat else o
        ctx.brief.add(Table([t("s_factor", lang), t("s_range", lang), t("s_index", lang)], table,
                             caption=t("s_caption", lang, name=name), role="sensitivity", numeric=(2,)))
