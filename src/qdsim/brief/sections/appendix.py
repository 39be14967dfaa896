"""Appendix: every parameter the run used."""

from __future__ import annotations

import math

from qdsim.brief.document import Heading, Table
from qdsim.brief.labels import t
from qdsim.brief.sections.context import Context, _g


def add(ctx: Context) -> None:
    lang = ctx.lang
    assumed = [p for p in ctx.m.get("parameters") or [] if p.get("status") == "assumption"]
    if not assumed:
        return
    ctx.brief.add(Heading(t("h_appendix", lang), 1, "appendix"))
    rows = []
    for p in assumed:
        lo, hi = (p.get("range") or [math.nan, math.nan])[:2]
        rows.append([ctx.param_label(p["id"]), _g(p.get("value")), f"{_g(lo)}–{_g(hi)}", str(p.get("unit", ""))])
    ctx.brief.add(Table([t("p_param", lang), t("p_value", lang), t("p_range", lang), t("p_unit", lang)], rows, role="appendix", numeric=(1, 2)))
