"""Sources: every reported figure used, each row with its own reference and link; then the statistical sources of the parameters."""

from __future__ import annotations

from qdsim.brief.document import Bullets, Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.sections.context import _KIND_KEYS, Context, quantity


def reference(src: dict, lang: str) -> str:
    """'title，outlet，date，url' (zh) or 'title. outlet, date. url' (en): one source, whole, with its link when it has one."""
    url = src.get("url") or ""
    if lang == "zh":
        text = "，".join(x for x in (src.get("title", ""), src.get("outlet", ""), str(src.get("date", ""))) if x)
        return text + (f"，{url}" if url else "")
    text = f"{src.get('title', '')}. {src.get('outlet', '')}, {src.get('date', '')}."
    return text + (f" {url}" if url else "")


def add(ctx: Context) -> None:
    lang = ctx.lang
    ctx.brief.add(Heading(t("h_sources", lang), 1, "sources"))
    figs = ctx.m.get("sources") or []
    if not figs:
        ctx.brief.add(Paragraph(t("src_none", lang)))
        return
    rows = []
    for f in figs:
        fig = ctx.reg.figures.get(f.get("id", ""))
        label = (fig.label_zh if lang == "zh" else fig.label_en) if fig else f.get("id", "")
        kind = str(f.get("kind", ""))
        src = dict(f.get("source") or {})
        known = ctx.reg.sources.get(src.get("key", ""))
        if known is not None and not src.get("url"):
            src["url"] = known.url  # a manifest from before sources had links: the catalogue's
        rows.append([label, quantity(float(f["value"]), str(f.get("unit", "")), lang), str(f.get("period", "")),
                     t(f"kind_{kind}", lang) if f"kind_{kind}" in _KIND_KEYS else kind, reference(src, lang)])
    ctx.brief.add(Paragraph(t("src_intro", lang)))
    ctx.brief.add(Table([t("src_figure", lang), t("src_value", lang), t("src_period", lang), t("src_kind", lang), t("src_ref", lang)],
                         rows, role="sources", numeric=(1,)))
    used = sorted({p.get("source") for p in ctx.m.get("parameters") or [] if p.get("status") in ("statistic", "reported", "literature")} - {None})
    refs = [reference(s.__dict__, lang) for key in used if (s := ctx.reg.sources.get(key)) is not None]
    if refs:
        ctx.brief.add(Paragraph(t("src_stats", lang), role="lead"))
        ctx.brief.add(Bullets(refs, role="references"))
