"""The header: title, run ID, version, seed."""

from __future__ import annotations

from qdsim.brief.document import Paragraph
from qdsim.brief.labels import t
from qdsim.brief.sections.context import Context
from qdsim.foundation.format import CREDIBLE_REPLICATES


def add(ctx: Context) -> None:
    created = str(ctx.m.get("created", ""))[:19].replace("T", " ")
    ctx.brief.add(Paragraph(t("dateline", ctx.lang, date=ctx.brief.date, run_id=ctx.d.run_id, created=created or "–"), role="meta"))
    n = int(ctx.m["replicates"])
    if n < CREDIBLE_REPLICATES:
        ctx.brief.add(Paragraph(t("warn_replicates", ctx.lang, n=n), role="warning"))
    ctx.brief.footer = t("footer", ctx.lang, run_id=ctx.d.run_id, version=ctx.version, commit=ctx.short_commit,
                          seed=ctx.seed, sha=str(ctx.m.get("scenario_sha256", ""))[:16])
