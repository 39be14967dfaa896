"""Build a brief's content from a run: its sections (:mod:`qdsim.brief.sections`), in order.

Every number that comes from ``summary.csv`` is written through
:meth:`~qdsim.brief.sections.context.Context.num` and recorded as a
:class:`~qdsim.brief.numbers.Trace`; nothing in the findings or the county
table is typed in.
"""

from __future__ import annotations

from datetime import date

from qdsim.brief.document import Brief
from qdsim.brief.sections import ORDER, Context
from qdsim.brief.sections.context import FINDINGS, brief_date, quantity
from qdsim.brief.source import load

__all__ = ["FINDINGS", "brief_date", "build", "quantity"]


def build(source, lang: str = "zh", *, today: date | None = None) -> Brief:
    """The brief of a run (a RunResult or a run directory) in one language."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    ctx = Context(load(source), lang, today)
    for section in ORDER:
        section.add(ctx)
    return ctx.brief
