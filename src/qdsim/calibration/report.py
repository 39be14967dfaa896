"""What a calibration leaves behind: calibrated.yaml (point, posterior, provenance), the report, the docs summary.

The record written to ``calibrated.yaml`` is the single source of the
numbers: the report's tables and the summary block of
``docs/calibration.md`` are rendered from it, so they cannot disagree.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

from qdsim.calibration.abc import CONVERGED_EPSILON, CONVERGED_ESS, HOLDOUT_SEED
from qdsim.calibration.calibrate import CalibrationResult
from qdsim.calibration.targets import TOLERANCE
from qdsim.foundation.catalogue import load_catalogue, region_dir
from qdsim.foundation.format import planner_number
from qdsim.foundation.format import whole_or_significant as _param  # a parameter's value in the table below
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.model.streams import replicate_seeds
from qdsim.pipeline import simulate_at
from qdsim.results.provenance import versions
from qdsim.scenario.ranges import lever_levels

HEADER = """\
# Calibrated parameter values for the Dingxi region — written by `qdsim calibrate`; do not edit by hand.
# `values`: the point runs use for the parameters with status `calibrated` (qdsim.foundation.catalogue.load_catalogue
# overlays them on parameters.yaml); `posterior`: the weighted parameter sets of the last ABC-SMC generation,
# from which the assumption interval draws; `provenance`: how they were fitted and how well every
# target is reproduced (class: behavioural / accounting / input_echo; role: fit / holdout / check);
# `lever_range`: the 2021-2024 range of the baseline's levers (qdsim.calibration.range_warnings).
# See docs/calibration.md.
"""
DOC_START = "<!-- calibration-summary:start (written by `qdsim calibrate`) -->"
DOC_END = "<!-- calibration-summary:end -->"
CLASS_NAMES = {
    "behavioural": ("behavioural evidence", "行为证据"),
    "accounting": ("accounting (holds by construction)", "会计恒等（构造决定）"),
    "input_echo": ("input echo", "输入回显"),
}
ROLE_NAMES = {"fit": "fitted", "holdout": "held out", "check": "checked"}


def calibrated_path(region: str = "dingxi") -> Path:
    return region_dir(region) / "calibrated.yaml"


def _num(x: float, digits: int = 6) -> float:
    return float(f"{x:.{digits}g}")


def build_record(result: CalibrationResult) -> dict:
    """The content of calibrated.yaml."""
    reg = load_catalogue(result.scenario.region)
    v = versions()
    s = result.settings
    targets = [
        {
            "figure": c.target.figure,
            "label": {"zh": c.target.label(reg, "zh"), "en": c.target.label(reg, "en")},
            "source": reg.figures[c.target.figure].source,
            "metric": "+".join(c.target.metrics),
            "reading": c.target.reading,
            "unit": c.target.unit,
            "class": c.target.klass,
            "role": c.target.role,
            "tolerance": c.target.tolerance,
            "reported": _num(c.reported),
            "model_mean": _num(c.mean),
            "model_p05": _num(c.p05),
            "model_p95": _num(c.p95),
            "error": round(c.error, 4),
            "holdout_error": round(c.holdout_error, 4),
            "full_scale_error": None if c.full_scale_error is None else round(c.full_scale_error, 4),
            "within_tolerance": bool(c.ok),
            "predictive_p05": _num(result.predictive[c.target.figure]["p05"]) if result.predictive else None,
            "predictive_p95": _num(result.predictive[c.target.figure]["p95"]) if result.predictive else None,
            "inside_predictive": result.predictive[c.target.figure]["inside"] if result.predictive else None,
            "independent": c.target.independent,
            "depends_on": c.target.depends_on,
            "note": c.target.note,
        }
        for c in result.checks
    ]
    parameters = []
    for p in result.space.params:
        ident = result.identification[p.id]
        parameters.append({
            "id": p.id,
            "label": {"zh": p.label_zh, "en": p.label_en},
            "value": result.values[p.id],
            "prior": result.prior[p.id],
            "unit": p.unit,
            "range": list(p.range),
            "posterior_median": _num(ident["median"], 5),
            "posterior_p05": _num(ident["p05"], 5),
            "posterior_p95": _num(ident["p95"], 5),
            "width_share_of_prior": ident["width_share_of_prior"],
            "identification": ident["identification"],
        })
    return {
        "values": dict(result.values),
        "posterior": result.posterior.to_record(),
        "provenance": {
            "method": (
                "Approximate Bayesian computation, replenishment sequential Monte Carlo (Drovandi & Pettitt 2011): uniform priors "
                "across each calibrated parameter's plausible range (log scale for positive ranges), sampled on the logistic scale; "
                "distance = root mean square over the fitted targets of ln(model / reported) in units of each target's tolerance; "
                f"a particle's value is the mean of {s.get('per_particle', 1)} simulations on fresh seeds; each generation keeps "
                "the better half of the particles, copies kept ones into the other half and moves the copies by ABC-MCMC steps at "
                "the new threshold; particles and chains are seeded by (seed, generation, index), so the result does not depend on "
                "the workers or the cluster; once ε is reached, while fewer than half the particles are distinct in effect (effective "
                "sample size), every particle is moved again by the same kernel at that ε (at most three rounds); the last "
                "generation's equally weighted particles are the posterior. "
                f"Converged when the last ε ≤ {CONVERGED_EPSILON} and its effective sample size ≥ {CONVERGED_ESS}. The point runs use "
                "is the weighted posterior median of each parameter; it is verified on the baseline's seed and a hold-out seed, and "
                "a posterior predictive check draws parameter sets from the posterior."
            ),
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "qdsim_version": v["qdsim"],
            "commit": v["commit"],
            "scenario": {"id": result.scenario.id, "sha256": result.scenario.sha256(), "period": s["period"]},
            "settings": s,
            "seeds": {"root": result.scenario.seed, "holdout_root": HOLDOUT_SEED},
            "simulations": result.simulations,
            "seconds": round(result.seconds, 1),
            "all_within_tolerance": result.ok,
            "converged": result.posterior.converged(),
            "targets": targets,
            "parameters": parameters,
        },
        "lever_range": lever_levels(result.scenario),
    }


def write_calibrated(record: dict, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = HEADER + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=200)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def read_calibrated(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# -- text ------------------------------------------------------------------------
def _value(x: float, unit: str) -> str:
    return f"{x:+.1%}" if unit == "share" and abs(x) < 0.2 else planner_number(x, unit, "en")


def _err(t: dict) -> str:
    return f"{t['error'] * 100:+.1f} pp" if t["reading"].startswith("growth") else f"{t['error']:+.1%}"


def _share(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def summary_markdown(record: dict) -> str:
    """The tables shared by the report and docs/calibration.md (rendered from the record only)."""
    prov = record["provenance"]
    s = prov["settings"]
    behavioural_fit = [t for t in prov["targets"] if t["class"] == "behavioural" and t["role"] == "fit"]
    full_scale = any(t.get("full_scale_error") is not None for t in prov["targets"])  # an older record has none
    generations = [g for g in record["posterior"]["generations"] if "generation" in g]
    abc_seconds = sum(g.get("seconds", 0.0) for g in record["posterior"]["generations"])
    abc = (f"ABC-SMC with {len(record['posterior']['samples'])} particles, {len(generations)} generations, "
           f"{sum(g['simulations'] for g in generations)} simulations in {abc_seconds:.0f} s")
    if s.get("posterior_reused"):
        kept = str(s.get("point", "")).startswith("kept")
        abc += (f" (a posterior reused{', its point kept and re-verified on the current model' if kept else ''}; this run's "
                f"{'checks' if kept else 'point and checks'}: {prov['simulations']} simulations in {prov['seconds']:.0f} s)")
    else:
        abc += f"; {prov['simulations']} simulations in {prov['seconds']:.0f} s in all"
    last = generations[-1] if generations else {}
    converged = (f"**Converged**: the last ε is {last.get('epsilon')} (≤ {CONVERGED_EPSILON}) with an effective sample size of "
                 f"{last.get('ess')} (≥ {CONVERGED_ESS})." if prov.get("converged") else
                 f"**Not converged**: the last generation's ε is {last.get('epsilon', '–')} (target ≤ {CONVERGED_EPSILON}), its effective "
                 f"sample size {last.get('ess', 'not recorded')} (target ≥ {CONVERGED_ESS}).")
    lines = [
        f"Calibration of {prov['date']} (qdsim {prov['qdsim_version']}, commit `{prov['commit'][:12]}`): baseline {s['period']}, "
        f"scale {s['scale']}, {abc}; checked on {s['replicates']} replicates of seed "
        f"{prov['seeds']['root']} (the shipped baseline) and of the hold-out seed {prov['seeds']['holdout_root']}"
        + (f", and at full scale ({s['full_scale_replicates']} replicates of the baseline's seed with every household simulated; shown, not required). "
           if s.get("full_scale_replicates") else ". ")
        + f"{len(behavioural_fit)} behavioural figures are fitted by {len(prov['parameters'])} parameters; "
        + ("every fitted and accounting target is within its tolerance." if prov["all_within_tolerance"]
           else "**some fitted or accounting targets miss their tolerance.**") + " " + converged,
        "",
        "| generation | ε | simulations | MCMC steps | moves accepted | effective sample size | seconds |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *(f"| {g['generation']}{' (all moved again)' if g.get('rejuvenation') else ''} "
          f"| {g['epsilon']} | {g['simulations']} | {g.get('steps', '–')} | {_share(g.get('move_rate'))} "
          f"| {g.get('ess', '–')} | {g.get('seconds', '–')} |" for g in generations),
        "",
        "| figure | source | reading | class | role | reported | model (mean, 5–95%) | error | hold-out seed "
        + ("| full scale " if full_scale else "") + "| tolerance | posterior predictive 5–95% | independent of the fit |",
        "|---|---|---|---|---|---:|---:|---:|---:|" + ("---:|" if full_scale else "") + "---:|---:|---|",
    ]
    for t in prov["targets"]:
        unit = t["unit"]
        mark = "" if t["within_tolerance"] else " ✗"
        predictive = "–"
        if t.get("predictive_p05") is not None:
            predictive = (f"{_value(t['predictive_p05'], unit)} – {_value(t['predictive_p95'], unit)}"
                          + ("" if t.get("inside_predictive") else " (figure outside)"))
        independent = "–" if t["role"] != "holdout" else ("yes" if t.get("independent") else f"no: {t.get('depends_on', '')}")
        lines.append(
            f"| {t['label']['en']} ({t['label']['zh']}) | `{t['source']}` | {t['reading']} | {CLASS_NAMES[t['class']][0]} | {ROLE_NAMES[t['role']]} | "
            f"{_value(t['reported'], unit)} | {_value(t['model_mean'], unit)} ({_value(t['model_p05'], unit)} – {_value(t['model_p95'], unit)}) | "
            f"{_err(t)}{mark} | {_err({**t, 'error': t['holdout_error']})} | "
            + (f"{_err({**t, 'error': t['full_scale_error']})} | " if full_scale else "")
            + f"±{t['tolerance']:.0%} | {predictive} | {independent} |"
        )
    lines += [
        "",
        "| parameter | value runs use | posterior median (5–95%) | prior (parameters.yaml) | plausible range | identification (posterior 5–95% width / prior) |",
        "|---|---:|---:|---:|---|---|",
    ]
    for p in prov["parameters"]:
        lines.append(
            f"| `{p['id']}` — {p['label']['en']} | {_param(p['value'])} {p['unit']} | {_param(p['posterior_median'])} "
            f"({_param(p['posterior_p05'])} – {_param(p['posterior_p95'])}) | {_param(p['prior'])} | {_param(p['range'][0])} – {_param(p['range'][1])} | "
            f"{p['identification']} ({p['width_share_of_prior']:.2f}) |"
        )
    return "\n".join(lines)


def update_docs(record: dict, doc: Path) -> bool:
    """Replace the summary block of docs/calibration.md; False if the markers are missing."""
    doc = Path(doc)
    if not doc.exists():
        return False
    text = doc.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(DOC_START) + r".*?" + re.escape(DOC_END), re.S)
    if not pattern.search(text):
        return False
    block = f"{DOC_START}\n{summary_markdown(record)}\n{DOC_END}"
    doc.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")
    return True


def docs_block(doc: Path) -> str | None:
    text = Path(doc).read_text(encoding="utf-8")
    m = re.search(re.escape(DOC_START) + r"\n(.*?)\n" + re.escape(DOC_END), text, re.S)
    return m.group(1) if m else None


# -- figures -----------------------------------------------------------------------
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for font in ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei"):
        if font in names:
            plt.rcParams["font.family"] = ["sans-serif"]
            plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
            break
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def plot_targets(record: dict, path: Path) -> Path:
    """Error of every target, coloured by class, with its tolerance."""
    plt = _plt()
    ts = record["provenance"]["targets"]
    colours = {"behavioural": "#1f77b4", "accounting": "#999999", "input_echo": "#bbbbbb"}
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(ts) + 1.2))
    y = np.arange(len(ts))[::-1]
    err = [t["error"] * 100 for t in ts]
    ax.barh(y, err, color=[colours[t["class"]] for t in ts], hatch=None)
    for yi, t in zip(y, ts, strict=True):
        ax.plot([-t["tolerance"] * 100, t["tolerance"] * 100], [yi, yi], color="black", lw=0.6, alpha=0.4)
    ax.set_yticks(y, [f"{t['figure']} ({ROLE_NAMES[t['role']]})" for t in ts], fontsize=7)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("model vs published figure, % (growth: percentage points); grey line: tolerance")
    ax.set_title("Calibration: blue behavioural, grey accounting or input echo", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_posterior(record: dict, path: Path) -> Path:
    """Marginal posterior of each parameter over its prior range."""
    plt = _plt()
    post = record["posterior"]
    params = record["provenance"]["parameters"]
    samples = np.array(post["samples"])
    w = np.array(post["weights"])
    n = len(params)
    cols = 3
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(9, 2.2 * rows), squeeze=False)
    for j, p in enumerate(params):
        ax = axes.flat[j]
        lo, hi = p["range"]
        logx = lo > 0
        bins = np.geomspace(lo, hi, 16) if logx else np.linspace(lo, hi, 16)
        ax.hist(samples[:, j], bins=bins, weights=w, color="#1f77b4", alpha=0.8)
        ax.axvline(p["value"], color="black", lw=1)
        if logx:
            ax.set_xscale("log")
        ax.set_title(p["id"], fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("Posterior (histogram, weighted) over each prior range; black: the value runs use", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_paths(paths: dict[str, np.ndarray], years: list[int], published: dict[str, dict[int, float]], path: Path) -> Path:
    """Annual model paths (mean and 5–95%) of sales and stable employment against the published annual figures."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(paths), figsize=(5 * len(paths), 3.2), squeeze=False)
    for ax, (metric, arr) in zip(axes.flat, paths.items(), strict=True):
        ax.fill_between(years, np.percentile(arr, 5, axis=0), np.percentile(arr, 95, axis=0), alpha=0.25)
        ax.plot(years, arr.mean(axis=0), label="model")
        pts = published.get(metric, {})
        ax.plot(list(pts), list(pts.values()), "o", color="black", label="published (annual)")
        ax.set_title(metric, fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def write_report(result: CalibrationResult, record: dict, out_dir: Path, calibrated_file: Path | None, paths: dict[str, np.ndarray] | None = None) -> Path:
    """report.md, targets.png, posterior.png, paths.png (when given), targets.csv and the record under ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plot_targets(record, out / "targets.png")
    plot_posterior(record, out / "posterior.png")
    if paths:
        reg = load_catalogue(result.scenario.region)
        f = reg.figures
        published = {
            "consumption_sales": {2021: f["consumption_sales_2021"].value, 2024: f["consumption_sales_2024"].value, 2025: f["consumption_sales_2025"].value},
            "stable_employment": {2025: f["stable_employment_2025"].value},
        }
        plot_paths(paths, result.scenario.period.years, published, out / "paths.png")
    import pandas as pd  # only the report needs it

    pd.DataFrame([{k: v for k, v in t.items() if k != "label"} | {"label_zh": t["label"]["zh"], "label_en": t["label"]["en"]}
                  for t in record["provenance"]["targets"]]).to_csv(out / "targets.csv", index=False, lineterminator="\n")
    write_calibrated(record, out / "calibrated.yaml")
    text = "\n".join([
        "# qdsim calibration report / 校准报告",
        "",
        summary_markdown(record),
        "",
        "![model against published figures](targets.png)",
        "",
        "![posterior](posterior.png)",
        "",
        *(["![annual paths against published annual figures](paths.png)", ""] if paths else []),
        f"Written: {calibrated_file if calibrated_file else '(calibrated.yaml not written: see the command output)'}; "
        "a copy of the record is `calibrated.yaml` in this folder.",
        "",
    ])
    (out / "report.md").write_text(text, encoding="utf-8")
    return out / "report.md"


def annual_paths(result: CalibrationResult, replicates: int) -> dict[str, np.ndarray]:
    """(replicate, year) paths of sales and stable employment at the chosen point, on the baseline's seed."""
    runs = [simulate_at(result.scenario, result.values, seq, result.settings["scale"]) for seq in replicate_seeds(result.scenario.seed, replicates)]
    return {m: np.array([r[METRIC_IDS.index(m), :, 0] for r in runs]) for m in ("consumption_sales", "stable_employment")}


__all__ = [
    "TOLERANCE", "annual_paths", "build_record", "calibrated_path", "docs_block", "read_calibrated", "summary_markdown", "update_docs",
    "write_calibrated", "write_report",
]
