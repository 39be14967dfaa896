"""The sections of a brief, one module each, in the order a brief shows them.

Each module's ``add(ctx)`` appends its blocks to ``ctx.brief``; what they
share — the run, the language, and how a number is shown — is
:class:`~qdsim.brief.sections.context.Context`.
"""

from qdsim.brief.sections import answer, appendix, assumptions, attribution, charts, citation, cost, counties, findings, header, limitations, methods, scenario, sources
from qdsim.brief.sections.context import Context

#: the sections in the order of the brief
ORDER = (header, answer, findings, cost, attribution, charts, counties, scenario, methods, assumptions, limitations, sources, citation, appendix)

__all__ = ["ORDER", "Context"]
