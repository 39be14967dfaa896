"""Limitations: what the model leaves out and how far to trust it."""

from __future__ import annotations

from qdsim.brief.document import Bullets, Heading
from qdsim.brief.labels import t
from qdsim.brief.sections.context import Context


def add(ctx: Context) -> None:
    lang, m = ctx.lang, ctx.m
    ctx.brief.add(Heading(t("h_limitations", lang), 1, "limitations"))
    items = [t("l_model", lang), t("l_period", lang)]
    if float(m["scale"]) < 1:
        items.append(t("l_scale", lang, scale=ctx.scale_text()))
    if int(m["replicates"]) < 20:
        items.append(t("l_replicates", lang, n=m["replicates"]))
    if "assumption" not in ctx.d.intervals:
        items.append(t("l_chance_only", lang))
    else:
        items.append(t("l_assumption_draws", lang, n=m.get("assumption_draws") or "–"))
    n_assumed = sum(1 for p in m.get("parameters") or [] if p.get("status") == "assumption")
    if n_assumed:
        items.append(t("l_assumptions", lang, n=n_assumed))
    if not m.get("calibration"):
        items.append(t("l_calibration", lang))
    ctx.brief.add(Bullets(items, role="limitations"))
