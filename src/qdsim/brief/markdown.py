"""The brief as Markdown, for pasting into a report or a wiki.

Images are linked from ``figures/`` beside the file when the writer is given
an image directory (:func:`qdsim.brief.write_briefs` does this); on its own
(:func:`qdsim.brief.render`) the Markdown says where to find the charts.
"""

from __future__ import annotations

from qdsim.brief.document import Brief, Bullets, Code, Figure, Heading, Paragraph, Table
from qdsim.brief.labels import t


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_md(brief: Brief, image_links: dict[str, str] | None = None) -> bytes:
    out = [f"# {brief.title}", "", brief.subtitle, ""]
    told = False
    for b in brief.blocks:
        if isinstance(b, Heading):
            out += ["#" * (b.level + 1) + " " + b.text, ""]
        elif isinstance(b, Paragraph):
            out += [f"*{b.text}*" if b.role in ("note", "meta") else f"**{b.text}**" if b.role == "warning" else b.text, ""]
        elif isinstance(b, Bullets):
            out += [f"- {item}" for item in b.items] + [""]
        elif isinstance(b, Table):
            if b.caption:
                out += [f"*{b.caption}*", ""]
            header = b.header if any(b.header) else [""] * len(b.header)
            out.append("| " + " | ".join(_cell(h) for h in header) + " |")
            out.append("|" + "|".join("---:" if i in b.numeric else "---" for i in range(len(header))) + "|")
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, Figure):
            if image_links and b.name in image_links:
                out += [f"![{b.caption}]({image_links[b.name]})", "", f"*{b.caption}*", ""]
            elif not told:
                out += [f"*{t('md_no_images', brief.lang)}*", ""]
                told = True
        elif isinstance(b, Code):
            out += ["```" + ("bibtex" if b.role == "bibtex" else "bash"), b.text, "```", ""]
    out += ["---", "", brief.footer, ""]
    return "\n".join(out).encode("utf-8")
