"""What a fit leaves behind: calibrated.yaml (values + provenance), the report, the docs summary.

The record written to ``calibrated.yaml`` is the single source of the
numbers: the report's tables and the summary block of
``docs/calibration.md`` are rendered from it, so they cannot disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import yaml

from qdsim.calibration.fit import FitResult, calibration_scenario
from qdsim.calibration.targets import TARGETS, TOLERANCE
from qdsim.catalogue import load_catalogue, region_dir
from qdsim.format import planner_number
from qdsim.provenance import versions
from qdsim.scenario.ranges import lever_levels
from qdsim.scenario.schema import Scenario

HEADER = """\
# Calibrated parameter values for the Dingxi region — written by `qdsim calibrate`; do not edit by hand.
# `values` replace the values of the parameters with status `calibrated` in parameters.yaml
# (qdsim.catalogue.load_catalogue overlays them); `provenance` says how they were fitted and how well
# they reproduce the reported 2021-2024 figures; `lever_range` is the 2021-2024 range of the
# baseline's levers, against which qdsim.calibration.range_warnings flags extrapolation.
# See docs/calibration.md.
"""
DOC_START = "<!-- calibration-summary:start (written by `qdsim calibrate`) -->"
DOC_END = "<!-- calibration-summary:end -->"


def calibrated_path(region: str = "dingxi") -> Path:
    return region_dir(region) / "calibrated.yaml"


def _num(x: float, digits: int = 6) -> float:
    return float(f"{x:.{digits}g}")


def build_record(result: FitResult, scenario: Scenario) -> dict:
    """The content of calibrated.yaml."""
    reg = load_catalogue(scenario.region)
    v = versions()
    s = result.settings
    ident = result.identification()
    compat = result.compatible_range()
    targets = []
    for prior, fitted, ver, hold in zip(result.prior_checks, result.fit_checks, result.verification, result.holdout, strict=True):
        t = ver.target
        targets.append({
            "figure": t.figure,
            "label": {"zh": t.label(reg, "zh"), "en": t.label(reg, "en")},
            "metric": t.metric,
            "reading": t.reading,
            "unit": t.unit,
            "reported": _num(ver.reported),
            "fitted": t.fitted,
            "model_mean": _num(ver.mean),
            "model_p05": _num(ver.p05),
            "model_p95": _num(ver.p95),
            "error": round(ver.error, 4),
            "holdout_error": round(hold.error, 4),
            "prior_error": round(prior.error, 4),
        })
    parameters = []
    fitted_mask = [t.fitted for t in (c.target for c in result.verification)]
    for j, pid in enumerate(result.space.ids):
        p = reg.parameters[pid]
        prof = result.profiles.get(pid, [])
        prange = result.profile_range(pid)
        parameters.append({
            "id": pid,
            "label": {"zh": p.label_zh, "en": p.label_en},
            "value": result.values[pid],
            "prior": result.prior[pid],
            "unit": p.unit,
            "range": [p.range[0], p.range[1]],
            "identification": ident[pid],
            "spread_share_of_range": round(float(result.posterior_sd_u[j]), 3),
            "compatible_range": [_num(compat[pid][0], 4), _num(compat[pid][1], 4)],
            "elasticity": {t.figure: round(float(result.elasticity[i, j]), 3) for i, t in enumerate(c.target for c in result.verification)
                           if abs(result.elasticity[i, j]) >= 0.005},
            **({"profile": [{"value": _num(v, 5), "errors": {t.figure: round(e, 4) for t, e, f in zip(TARGETS, errs, fitted_mask, strict=True) if f}}
                            for v, errs in prof],
                "profile_range": [_num(prange[0], 5), _num(prange[1], 5)] if prange else None} if prof else {}),
        })
    return {
        "values": dict(result.values),
        "provenance": {
            "method": (
                "Bounded nonlinear least squares (scipy.optimize.least_squares, trust-region reflective) on the parameters "
                "with status `calibrated`, each mapped to [0, 1] across its plausible range (log scale for positive ranges); "
                "residuals ln(model mean / reported) / 0.05 for every fitted target plus a weak prior (u - u_prior) / 2; "
                "Jacobian by forward differences at the start and at the solution, Broyden updates in between; common random "
                "numbers (the same replicate streams in every evaluation); verified on the rounded values."
            ),
            "date": result.created,
            "qdsim_version": v["qdsim"],
            "commit": v["commit"],
            "scenario": {"id": scenario.id, "sha256": s["scenario_sha256"], "period": s["period"]},
            "scale": s["scale"],
            "seeds": {"root": s["seed"], "fit_replicates": s["fit_seeds"], "holdout_root": s["holdout_seed"]},
            "replicates": s["replicates"],
            "tolerance": TOLERANCE,
            "targets": targets,
            "parameters": parameters,
            "fit": {
                "message": str(result.message),
                "start": s["start"],
                "evaluations": len(result.history),
                "simulations": result.simulations,
                "seconds": round(result.seconds, 1),
                "workers": s["workers"],
                "all_within_tolerance": result.ok,
            },
        },
        "lever_range": lever_levels(calibration_scenario(scenario)),
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
    return planner_number(x, unit, "en")


def _param(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:.5g}"


def _pct(x: float) -> str:
    return f"{x:+.1%}"


def summary_markdown(record: dict) -> str:
    """The tables shared by the report and docs/calibration.md (rendered from the record only)."""
    prov = record["provenance"]
    lines = [
        f"Fit of {prov['date']} (qdsim {prov['qdsim_version']}, commit `{prov['commit'][:12]}`), baseline "
        f"{prov['scenario']['period']}, scale {prov['scale']}, {prov['seeds']['fit_replicates']} fitting replicates; "
        f"checked on {prov['replicates']} replicates of seed {prov['seeds']['root']} (the shipped baseline) and of the "
        f"hold-out seed {prov['seeds']['holdout_root']}. Tolerance ±{prov['tolerance']:.0%}. "
        f"{'Every target is within tolerance.' if prov['fit']['all_within_tolerance'] else '**Some targets miss the tolerance.**'}",
        "",
        "| reported figure | reading | reported | model (mean, 5–95%) | error | hold-out error | before the fit | role |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for t in prov["targets"]:
        unit = t["unit"]
        lines.append(
            f"| {t['label']['en']} ({t['label']['zh']}) | {t['reading']} | {_value(t['reported'], unit)} | "
            f"{_value(t['model_mean'], unit)} ({_value(t['model_p05'], unit)} – {_value(t['model_p95'], unit)}) | "
            f"{_pct(t['error'])} | {_pct(t['holdout_error'])} | {_pct(t['prior_error'])} | {'fitted' if t['fitted'] else 'checked (structural)'} |"
        )
    lines += [
        "",
        "| parameter | fitted value | before (parameters.yaml) | plausible range | identification (linearised spread) | compatible, others adjusting (linearised) | compatible, others held (profile) |",
        "|---|---:|---:|---|---|---|---|",
    ]
    for p in prov["parameters"]:
        u = p["unit"]
        held = ("·" if "profile" not in p else "none (the fit misses ±5%)" if not p["profile_range"]
                else f"{_param(p['profile_range'][0])} – {_param(p['profile_range'][1])}")
        lines.append(
            f"| `{p['id']}` — {p['label']['en']} | {_param(p['value'])} {u} | {_param(p['prior'])} | {_param(p['range'][0])} – {_param(p['range'][1])} | "
            f"{p['identification']} ({p['spread_share_of_range']:.2f} of range) | {_param(p['compatible_range'][0])} – {_param(p['compatible_range'][1])} | {held} |"
        )
    f = prov["fit"]
    lines += ["", f"Solver: {f['message']} — {f['evaluations']} parameter sets, {f['simulations']} simulations, "
              f"{f['seconds']:.0f} s on {f['workers']} worker(s)."]
    return "\n".join(lines)


def elasticity_markdown(record: dict) -> str:
    prov = record["provenance"]
    figures = [t["figure"] for t in prov["targets"] if t["fitted"]]
    head = "| parameter | " + " | ".join(f"`{f}`" for f in figures) + " |"
    lines = [head, "|---|" + "---:|" * len(figures)]
    for p in prov["parameters"]:
        e = p["elasticity"]
        lines.append(f"| `{p['id']}` | " + " | ".join(f"{e[f]:+.2f}" if f in e else "·" for f in figures) + " |")
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
    """Model / reported for every target: before the fit, fitted (5–95% whiskers), hold-out; the ±5% band."""
    plt = _plt()
    prov = record["provenance"]
    ts = prov["targets"]
    y = np.arange(len(ts))[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(ts) + 1.6))
    ax.axvspan(1 - TOLERANCE, 1 + TOLERANCE, color="#2a9d8f", alpha=0.15, label=f"±{TOLERANCE:.0%}")
    ax.axvline(1.0, color="#2a9d8f", lw=1)
    ratio = np.array([t["model_mean"] / t["reported"] for t in ts])
    lo = ratio - np.array([t["model_p05"] / t["reported"] for t in ts])
    hi = np.array([t["model_p95"] / t["reported"] for t in ts]) - ratio
    ax.scatter([1 + t["prior_error"] for t in ts], y + 0.18, marker="x", color="#999999", label="before the fit (parameters.yaml)")
    ax.errorbar(ratio, y, xerr=[lo, hi], fmt="o", color="#264653", capsize=3, label=f"fitted: mean, 5–95% of {prov['replicates']} replicates")
    ax.scatter([1 + t["holdout_error"] for t in ts], y - 0.18, marker="D", s=18, color="#e76f51", label="fitted, hold-out seed (mean)")
    ax.set_yticks(y, [f"{t['label']['zh']}\n{t['figure']} ({t['reading']})" for t in ts], fontsize=8)
    ax.set_xlabel("model / reported")
    ax.set_title(f"qdsim calibration {prov['scenario']['period']}: model against the reported figures", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_convergence(result: FitResult, path: Path) -> Path:
    """Cost and worst fitted-target error of every parameter set the fit evaluated."""
    plt = _plt()
    fitted = np.array([t.fitted for t in (c.target for c in result.verification)])
    cost = [h["cost"] for h in result.history]
    worst = [max(abs(e) for e, f in zip(h["errors"], fitted, strict=True) if f) for h in result.history]
    kinds = [h["kind"] for h in result.history]
    steps = [i for i, k in enumerate(kinds) if k == "step"]
    kept = min(steps, key=lambda i: cost[i]) if steps else -1
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    for i, (c, w, k) in enumerate(zip(cost, worst, kinds, strict=True)):
        colour = "#e76f51" if i == kept else "#264653" if k == "step" else "#bbbbbb"
        a1.scatter(i, c, color=colour, s=14)
        a2.scatter(i, w, color=colour, s=14)
    a1.set_yscale("log")
    a1.set_ylabel("cost")
    a2.set_yscale("log")
    a2.axhline(TOLERANCE, color="#2a9d8f", lw=1)
    a2.set_ylabel("worst |error|")
    a2.set_xlabel("evaluation (dark: solver steps; grey: Jacobian points; red: the step kept)")
    a1.set_title("Fit progress", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_elasticities(record: dict, path: Path) -> Path:
    """d ln(target) / d ln(parameter) at the solution."""
    plt = _plt()
    prov = record["provenance"]
    figures = [t["figure"] for t in prov["targets"] if t["fitted"]]
    params = [p["id"] for p in prov["parameters"]]
    m = np.array([[p["elasticity"].get(f, 0.0) for p in prov["parameters"]] for f in figures])
    lim = max(1.0, float(np.nanmax(np.abs(m))) if m.size else 1.0)
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    im = ax.imshow(m, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if abs(m[i, j]) >= 0.005:
                ax.text(j, i, f"{m[i, j]:+.2f}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(params)), params, rotation=35, ha="right", fontsize=7)
    ax.set_yticks(range(len(figures)), figures, fontsize=7)
    ax.set_title("Elasticity of each target to each parameter at the solution", fontsize=10)
    fig.colorbar(im, ax=ax, shrink=0.8)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_profiles(record: dict, path: Path) -> Path | None:
    """Errors of the fitted targets as each profiled parameter moves across its range, the others held."""
    params = [p for p in record["provenance"]["parameters"] if p.get("profile")]
    if not params:
        return None
    plt = _plt()
    n = len(params)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    figures = list(params[0]["profile"][0]["errors"])
    for ax, p in zip(axes.flat, params, strict=False):
        xs = [pt["value"] for pt in p["profile"]]
        ax.axhspan(-TOLERANCE, TOLERANCE, color="#2a9d8f", alpha=0.15)
        for f in figures:
            ys = [pt["errors"][f] for pt in p["profile"]]
            if max(abs(y) for y in ys) >= 0.01:
                ax.plot(xs, ys, marker="o", ms=3, lw=1, label=f)
        ax.axvline(p["value"], color="k", lw=0.8, ls="--")
        ax.set_title(f"{p['id']} ({p['identification']})", fontsize=8)
        ax.set_ylim(-0.5, 0.5)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle("Target errors along each parameter not identified (others held at their fitted values)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def write_report(result: FitResult, record: dict, out_dir: Path, calibrated_file: Path | None) -> Path:
    """report.md, targets.png, convergence.png, elasticities.png, targets.csv and the record under ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plot_targets(record, out / "targets.png")
    plot_convergence(result, out / "convergence.png")
    plot_elasticities(record, out / "elasticities.png")
    has_profiles = plot_profiles(record, out / "profiles.png") is not None
    import pandas as pd

    pd.DataFrame([{k: v for k, v in t.items() if k != "label"} | {"label_zh": t["label"]["zh"], "label_en": t["label"]["en"]}
                  for t in record["provenance"]["targets"]]).to_csv(out / "targets.csv", index=False, lineterminator="\n")
    write_calibrated(record, out / "calibrated.yaml")
    prov = record["provenance"]
    not_identified = [p["id"] for p in prov["parameters"] if p["identification"] != "identified"]
    text = "\n".join([
        "# qdsim calibration report / 校准报告",
        "",
        summary_markdown(record),
        "",
        "![model against reported figures](targets.png)",
        "",
        "## Sensitivity at the solution",
        "",
        "Elasticity d ln(target) / d ln(parameter), forward differences on the fitting replicates. "
        "· : below 0.005, or a change not significant across the replicates (paired |t| < 2), i.e. noise of the random streams.",
        "",
        elasticity_markdown(record),
        "",
        "![elasticities](elasticities.png)",
        "",
        "## Identification",
        "",
        ("Not (or only weakly) identified by the reported figures: " + ", ".join(f"`{p}`" for p in not_identified) +
         ". Their values stay close to parameters.yaml; what they govern is an assumption, not a fit."
         if not_identified else "Every free parameter is identified by the reported figures."),
        "",
        "Linearised spread: how far a parameter can move (share of its plausible range) while the targets stay within "
        "about ±5%, the other parameters adjusting. Profile: the same one at a time on a grid, the others held — it sees "
        "kinks the linearisation cannot (a quota that starts or stops binding).",
        "",
        *(["![profiles](profiles.png)", ""] if has_profiles else []),
        "## Fit progress",
        "",
        "![convergence](convergence.png)",
        "",
        f"Written: {calibrated_file if calibrated_file else '(calibrated.yaml not written: see the command output)'}; "
        "a copy of the record is `calibrated.yaml` in this folder.",
        "",
    ])
    (out / "report.md").write_text(text, encoding="utf-8")
    return out / "report.md"
