"""The brief as Markdown, for pasting into a report or a wiki.

Images are linked from ``figures/`` beside the file when the writer is given
an image directory (:func:`qdsim.brief.write_briefs` does this); on its own
(:func:`qdsim.brief.render`) the Markdown says where to find the charts.
"""

from __future__ import annotations

from qdsim.brief.document import Brief, Bullets, Code, Figure, Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.text import fence, markdown, plain


def render_md(brief: Brief, image_links: dict[str, str] | None = None) -> bytes:
    """The brief as Markdown; every piece of text escaped (:func:`qdsim.brief.text.markdown`): a title's
    ``<script>``, ``![image](http://…)`` or newline shows as written, never as markup."""
    m = markdown
    out = [f"# {m(brief.title)}", "", m(brief.subtitle), ""]
    told = False
    for b in brief.blocks:
        if isinstance(b, Heading):
            out += ["#" * (b.level + 1) + " " + m(b.text), ""]
        elif isinstance(b, Paragraph):
            out += [f"*{m(b.text)}*" if b.role in ("note", "meta") else f"**{m(b.text)}**" if b.role == "warning" else m(b.text), ""]
        elif isinstance(b, Bullets):
            out += [f"- {m(item)}" for item in b.items] + [""]
        elif isinstance(b, Table):
            if b.caption:
                out += [f"*{m(b.caption)}*", ""]
            header = b.header if any(b.header) else [""] * len(b.header)
            out.append("| " + " | ".join(m(h) for h in header) + " |")
            out.append("|" + "|".join("---:" if i in b.numeric else "---" for i in range(len(header))) + "|")
            out += ["| " + " | ".join(m(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, Figure):
            if image_links and b.name in image_links:
                out += [f"![{m(b.caption)}]({image_links[b.name]})", "", f"*{m(b.caption)}*", ""]
            elif not told:
                out += [f"*{m(t('md_no_images', brief.lang))}*", ""]
                told = True
        elif isinstance(b, Code):
            text = plain(b.text)
            out += [fence(text) + ("bibtex" if b.role == "bibtex" else "bash"), text, fence(text), ""]
    out += ["---", "", m(brief.footer), ""]
    return "\n".join(out).encode("utf-8")
