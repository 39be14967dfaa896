"""Appendix: every parameter the run used."""

from __future__ import annotations

import math

from qdsim.brief.document import Heading, Table
from qdsim.brief.labels import t
from qdsim.brief.sections.assumptions import parameter_value
from qdsim.brief.sections.context import Context


def add(ctx: Context) -> None:
    lang = ctx.lang
    assumed = [p for p in ctx.m.get("parameters") or [] if p.get("status") == "assumption"]
    if not assumed:
        return
    ctx.brief.add(Heading(t("h_appendix", lang), 1, "appendix"))
    rows = []
    for p in assumed:
        lo, hi = (p.get("range") or [math.nan, math.nan])[:2]
        unit = str(p.get("unit", ""))
        rows.append([ctx.param_label(p["id"]), parameter_value(p.get("value"), unit, lang), f"{parameter_value(lo, unit, lang)}–{parameter_value(hi, unit, lang)}"])
    ctx.brief.add(Table([t("p_param", lang), t("p_value", lang), t("p_range", lang)], rows, role="appendix", numeric=(1, 2)))
