"""Sources: every reported figure used, with its reference."""

from __future__ import annotations

from qdsim.brief.document import Bullets, Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.sections.context import _KIND_KEYS, Context, quantity


def add(ctx: Context) -> None:
    lang = ctx.lang
    ctx.brief.add(Heading(t("h_sources", lang), 1, "sources"))
    figs = ctx.m.get("sources") or []
    if not figs:
        ctx.brief.add(Paragraph(t("src_none", lang)))
        return
    refs: dict[str, int] = {}
    ref_text: list[str] = []

    def ref(src: dict) -> str:
        key = src.get("key") or src.get("title", "?")
        if key not in refs:
            refs[key] = len(refs) + 1
            ref_text.append(f"[{refs[key]}] {src.get('title', '')}，{src.get('outlet', '')}，{src.get('date', '')}" if lang == "zh"
                            else f"[{refs[key]}] {src.get('title', '')}. {src.get('outlet', '')}, {src.get('date', '')}.")
        return f"[{refs[key]}]"

    rows = []
    for f in figs:
        fig = ctx.reg.figures.get(f.get("id", ""))
        label = (fig.label_zh if lang == "zh" else fig.label_en) if fig else f.get("id", "")
        kind = str(f.get("kind", ""))
        rows.append([label, quantity(float(f["value"]), str(f.get("unit", "")), lang), str(f.get("period", "")),
                     t(f"kind_{kind}", lang) if f"kind_{kind}" in _KIND_KEYS else kind, ref(f.get("source") or {})])
    ctx.brief.add(Paragraph(t("src_intro", lang)))
    ctx.brief.add(Table([t("src_figure", lang), t("src_value", lang), t("src_period", lang), t("src_kind", lang), t("src_ref", lang)],
                         rows, role="sources", numeric=(1,)))
    used = sorted({p.get("source") for p in ctx.m.get("parameters") or [] if p.get("status") in ("statistic", "reported", "literature")} - {None})
    for key in used:
        s = ctx.reg.sources.get(key)
        if s is not None:
            ref({"key": s.key, "title": s.title, "outlet": s.outlet, "date": s.date})
    ctx.brief.add(Paragraph(t("src_refs", lang) + ("：" if lang == "zh" else ":"), role="lead"))
    ctx.brief.add(Bullets(ref_text, role="references"))
