"""Methods: model, households simulated, replicates, interval method, calibration."""

from __future__ import annotations

import math

from qdsim.brief.document import Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.numbers import compact, show
from qdsim.brief.sections.context import KNOWN_COUNTERFACTUAL, Context, _g, _pct, quantity


def add(ctx: Context) -> None:
    lang, m = ctx.lang, ctx.m
    ctx.brief.add(Heading(t("h_methods", lang), 1, "methods"))
    scale = float(m["scale"])
    one_in = 1 / scale if scale > 0 else float("nan")
    interval = t("interval_known", lang)
    if "assumption" in ctx.d.intervals:
        interval += t("interval_assumption", lang, n=m.get("assumption_draws") or "–")
    cfm = str(m.get("counterfactual", KNOWN_COUNTERFACTUAL))
    counterfactual = t("counterfactual_known", lang) if cfm == KNOWN_COUNTERFACTUAL else cfm
    text = t("methods", lang, mesa=m.get("mesa_version", "3"), start=ctx.first_year, end=ctx.year, scale=ctx.scale_text(),
             one_in=f"{one_in:,.0f}" if math.isfinite(one_in) else "–", households=_households(ctx),
             replicates=m["replicates"], counterfactual=counterfactual, interval=interval)
    ctx.brief.add(Paragraph(text))
    cal_text, cal_tables = _calibration(ctx)
    ctx.brief.add(Paragraph(cal_text))
    ctx.brief.add(*cal_tables)


def _households(ctx: Context) -> str:
    try:
        row = ctx.d.row("households", "all", ctx.first_year)
    except KeyError:
        return "–"
    return ctx.num(row, "mean")


def _calibration(ctx: Context) -> tuple[str, list[Table]]:
    cal = ctx.m.get("calibration") or {}
    if not isinstance(cal, dict) or not cal:
        return t("calib_none", ctx.lang), []
    targets = cal.get("targets")
    if isinstance(targets, list) and targets and all(isinstance(x, dict) and "reported" in x and "model_mean" in x for x in targets):
        try:
            return _calibration_fit(ctx, cal, targets)
        except (KeyError, TypeError, ValueError):
            pass  # a record of another shape: list it as it is
    return _calibration_generic(ctx, cal)


def _calibration_fit(ctx: Context, cal: dict, targets: list[dict]) -> tuple[str, list[Table]]:
    """The record ``qdsim calibrate`` writes: method, date, targets (reported vs model), fitted parameters."""
    lang = ctx.lang
    tol = float(cal.get("tolerance", 0.05))
    fitted = [x for x in targets if x.get("fitted", True)]
    ok = (cal.get("fit") or {}).get("all_within_tolerance")
    if ok is None:
        ok = all(abs(float(x.get("error", 0))) <= tol for x in fitted)
    text = t("calib_fit", lang, date=str(cal.get("date", "–"))[:10], version=cal.get("qdsim_version", "–"),
             commit=str(cal.get("commit", "–"))[:12], n_targets=len(fitted), n_params=len(cal.get("parameters") or []),
             replicates=cal.get("replicates", "–"), tol=f"{tol:.0%}",
             verdict=t("calib_ok" if ok else "calib_miss", lang, tol=f"{tol:.0%}"))
    header = [t("ct_figure", lang), t("ct_reported", lang), t("ct_model", lang), t("ct_error", lang), t("ct_holdout", lang)]
    rows = []
    for x in targets:
        unit = str(x.get("unit", ""))
        label = x.get("label")
        name = (label.get(lang) or label.get("en")) if isinstance(label, dict) else str(label or x.get("figure", ""))
        if not x.get("fitted", True):
            name += t("ct_checked", lang)
        model = f"{show(float(x['model_mean']), unit, lang)}"
        if "model_p05" in x and "model_p95" in x:
            lo, hi = compact(show(float(x["model_p05"]), unit, lang), show(float(x["model_p95"]), unit, lang))
            model += f"（{lo}–{hi}）" if lang == "zh" else f" ({lo}–{hi})"
        err = x.get("error")
        hold = x.get("holdout_error")
        rows.append([name, quantity(float(x["reported"]), unit, lang), model, _pct(err), _pct(hold)])
    return text, [Table(header, rows, caption=t("calib_table_fit", lang), role="calibration", numeric=(1, 2, 3, 4))]


def _calibration_generic(ctx: Context, cal: dict) -> tuple[str, list[Table]]:
    items, tables = [], []
    for k, v in cal.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            cols = list(dict.fromkeys(c for x in v for c in x))
            tables.append(Table(cols, [[_g(x.get(c, "")) for c in cols] for x in v], caption=t("calib_table", ctx.lang, name=k), role="calibration"))
        elif isinstance(v, dict):
            items.append(f"{k}: " + ", ".join(f"{a} {_g(b)}" for a, b in v.items() if not isinstance(b, (dict, list))))
        else:
            items.append(f"{k}: {_g(v)}")
    sep = "；" if ctx.lang == "zh" else "; "
    return t("calib_some", ctx.lang, items=sep.join(items) if items else "–"), tables
