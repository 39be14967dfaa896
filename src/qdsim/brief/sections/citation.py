"""Citation: run ID, version, commit, date, the command that reruns it, BibTeX."""

from __future__ import annotations

import re

from qdsim.brief.document import Code, Heading, Paragraph, Table
from qdsim.brief.labels import t
from qdsim.brief.sections.context import Context


def add(ctx: Context) -> None:
    lang, m, sc = ctx.lang, ctx.m, ctx.d.scenario
    ctx.brief.add(Heading(t("h_citation", lang), 1, "citation"))
    ctx.brief.add(Paragraph(t("cite_intro", lang)))
    seed_text = t("seed_line", lang, seed=ctx.seed, n=m["replicates"])
    env = ", ".join(f"{k.removesuffix('_version')} {m[k]}" for k in ("python_version", "mesa_version", "numpy_version") if k in m)
    rows = [
        [t("k_run_id", lang), ctx.d.run_id],
        [t("k_scenario", lang), f"{sc.id} — {sc.title.zh if lang == 'zh' else sc.title.en}"],
        [t("k_version", lang), ctx.version],
        [t("k_commit", lang), ctx.commit],
        [t("k_scenario_sha", lang), str(m.get("scenario_sha256", ""))],
        [t("k_params_sha", lang), str(m.get("parameters_sha256", ""))],
        [t("k_seed", lang), seed_text],
        [t("k_replicates", lang), str(m["replicates"])],
        [t("k_scale", lang), str(m["scale"])],
        [t("k_created", lang), str(m.get("created", ""))],
        [t("k_date", lang), ctx.brief.date],
        [t("k_versions", lang), env],
    ]
    ctx.brief.add(Table(["", ""], rows, role="citation"))
    ctx.brief.add(Paragraph(t("rerun_intro", lang, version=ctx.version, commit=ctx.short_commit)))
    rerun = str(m.get("rerun") or f"qdsim run scenario.yaml --replicates {m['replicates']} --seed {ctx.seed} --scale {m['scale']}")
    if m.get("assumption_draws") and "--assumptions" not in rerun:
        rerun += f" --assumptions {m['assumption_draws']}"
    out = f"runs/{ctx.d.run_id}"
    lines = []
    if ctx.commit not in ("unknown", ""):
        lines.append(f"git checkout {ctx.commit.removesuffix('-dirty')}")
    lines.append(f"{rerun} --out {out}")
    lines.append(f"qdsim brief {out}")
    ctx.brief.add(Code("\n".join(lines), role="rerun"))
    if ctx.commit.endswith("-dirty"):
        ctx.brief.add(Paragraph(t("dirty", lang), role="note"))
    ctx.brief.add(Paragraph(t("bibtex_intro", lang)))
    ctx.brief.add(Code(bibtex(ctx), role="bibtex"))
    ctx.brief.add(Paragraph(t("software", lang, version=ctx.version), role="note"))


def bibtex(ctx: Context) -> str:
    sc, m = ctx.d.scenario, ctx.m
    year = str(m.get("created", ctx.brief.date))[:4]
    title = ctx.brief.title.replace("{", "").replace("}", "")
    key = "qdsim_" + re.sub(r"[^A-Za-z0-9]+", "_", ctx.d.run_id)
    note = (f"Run {ctx.d.run_id}; scenario {sc.id}, sha256 {m.get('scenario_sha256', '')}; seed {ctx.seed}; "
            f"{m['replicates']} replicates; scale {m['scale']}. Rerun: {m.get('rerun', '')}")
    return (
        f"@misc{{{key},\n"
        f"  title        = {{{{{title}}}}},\n"
        f"  author       = {{{{qdsim developers}}}},\n"
        f"  year         = {{{year}}},\n"
        f"  howpublished = {{qdsim {ctx.version}, commit {ctx.commit}}},\n"
        f"  note         = {{{note}}},\n"
        f"}}"
    )
