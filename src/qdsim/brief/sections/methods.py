"""Methods: model, households simulated, replicates, interval method, calibration."""

from __future__ import annotations

import math

from qdsim.brief.document import Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.numbers import compact, show
from qdsim.brief.sections.context import KNOWN_COUNTERFACTUAL, Context, quantity
from qdsim.foundation.format import fixed, percent, plain


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
             one_in=fixed(one_in, 0, grouped=True) if math.isfinite(one_in) else "–", households=_households(ctx),
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


#: the order a reader meets the classes and roles (behavioural evidence first: only it counts as fit)
CLASSES = ("behavioural", "accounting", "input_echo")
ROLES = ("fit", "holdout", "check")


def calibration_rows(targets: list[dict], lang: str) -> list[dict]:
    """The calibration record's targets as a reader sees them: label, reported, model (90% interval), error, class and role.

    Shared by the brief and the app's method page. A target of an older record
    without ``class``/``role`` is shown as not classified (and never counted as
    evidence of fit).
    """
    rows = []
    order = {c: i for i, c in enumerate(CLASSES)}
    for x in sorted(targets, key=lambda x: (order.get(x.get("class"), 9), ROLES.index(x["role"]) if x.get("role") in ROLES else 9)):
        unit = str(x.get("unit", ""))
        label = x.get("label")
        name = (label.get(lang) or label.get("en")) if isinstance(label, dict) else str(label or x.get("figure", ""))
        model = show(float(x["model_mean"]), unit, lang)
        if "model_p05" in x and "model_p95" in x:
            lo, hi = compact(show(float(x["model_p05"]), unit, lang), show(float(x["model_p95"]), unit, lang))
            model += f"（{lo}–{hi}）" if lang == "zh" else f" ({lo}–{hi})"
        klass, role = x.get("class"), x.get("role")
        ok = x.get("within_tolerance")
        rows.append({
            "figure": name, "reported": quantity(float(x["reported"]), unit, lang), "model": model, "error": percent(x.get("error"), signed=True),
            "class": t(f"class_{klass}", lang) if klass in CLASSES else t("class_none", lang),
            "role": t(f"role_{role}", lang) if role in ROLES else "–",
            "ok": "–" if ok is None else t("yes" if ok else "no", lang),
            "klass": klass, "role_id": role, "within": ok,
        })
    return rows


def fit_claim(targets: list[dict], lang: str) -> str:
    """The claim of fit, counting only behavioural evidence: fitted and held out, within tolerance or not."""
    behavioural = [x for x in targets if x.get("class") == "behavioural"]
    fit = [x for x in behavioural if x.get("role") == "fit"]
    held = [x for x in behavioural if x.get("role") == "holdout"]
    other = [x for x in targets if x.get("class") in ("accounting", "input_echo")]
    if not behavioural:
        return t("calib_unclassified", lang, n=len(targets))
    within = lambda xs: sum(1 for x in xs if x.get("within_tolerance"))  # noqa: E731
    return t("calib_claim", lang, n_fit=len(fit), ok_fit=within(fit), n_held=len(held), ok_held=within(held), n_other=len(other))


def _calibration_fit(ctx: Context, cal: dict, targets: list[dict]) -> tuple[str, list[Table]]:
    """The record ``qdsim calibrate`` writes: method, date, every target classified, and a claim of fit from behavioural evidence only."""
    lang = ctx.lang
    settings = cal.get("settings") or {}
    text = t("calib_fit", lang, date=str(cal.get("date", "–"))[:10], version=cal.get("qdsim_version", "–"),
             commit=str(cal.get("commit", "–"))[:12], n_targets=len(targets), n_params=len(cal.get("parameters") or []),
             replicates=settings.get("replicates", cal.get("replicates", "–")), claim=fit_claim(targets, lang))
    header = [t(k, lang) for k in ("ct_figure", "ct_class", "ct_role", "ct_reported", "ct_model", "ct_error", "ct_within")]
    rows = [[r["figure"], r["class"], r["role"], r["reported"], r["model"], r["error"], r["ok"]] for r in calibration_rows(targets, lang)]
    return text, [Table(header, rows, caption=t("calib_table_fit", lang), role="calibration", numeric=(3, 4, 5))]


def _calibration_generic(ctx: Context, cal: dict) -> tuple[str, list[Table]]:
    items, tables = [], []
    for k, v in cal.items():
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            cols = list(dict.fromkeys(c for x in v for c in x))
            tables.append(Table(cols, [[plain(x.get(c, "")) for c in cols] for x in v], caption=t("calib_table", ctx.lang, name=k), role="calibration"))
        elif isinstance(v, dict):
            items.append(f"{k}: " + ", ".join(f"{a} {plain(b)}" for a, b in v.items() if not isinstance(b, (dict, list))))
        else:
            items.append(f"{k}: {plain(v)}")
    sep = "；" if ctx.lang == "zh" else "; "
    return t("calib_some", ctx.lang, items=sep.join(items) if items else "–"), tables
