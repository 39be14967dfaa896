"""Free text in the brief: the escaping of :mod:`qdsim.presentation.text`, applied to every piece of text a brief shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from qdsim.brief.document import Brief, Bullets, Code, Figure, Heading, Paragraph, Table
from qdsim.presentation.text import fence, markdown, one_line, plain

__all__ = ["fence", "map_text", "markdown", "one_line", "plain"]


def map_text(brief: Brief, fn: Callable[[str], str]) -> Brief:
    """A copy of ``brief`` with ``fn`` applied to every piece of text it shows."""

    def block(b):
        if isinstance(b, Heading):
            return replace(b, text=fn(b.text))
        if isinstance(b, Paragraph):
            return replace(b, text=fn(b.text))
        if isinstance(b, Bullets):
            return replace(b, items=[fn(x) for x in b.items])
        if isinstance(b, Table):
            return replace(b, header=[fn(x) for x in b.header], rows=[[fn(str(c)) for c in row] for row in b.rows], caption=fn(b.caption))
        if isinstance(b, Figure):
            return replace(b, caption=fn(b.caption))
        if isinstance(b, Code):
            return replace(b, text=fn(b.text))
        return b

    return replace(brief, title=fn(brief.title), subtitle=fn(brief.subtitle), footer=fn(brief.footer), keywords=fn(brief.keywords),
                   blocks=[block(b) for b in brief.blocks])
