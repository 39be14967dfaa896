"""The model as the function of the sample (one batch of runs) and the files an analysis writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from qdsim.foundation.format import significant
from qdsim.sensitivity.factors import FactorError
from qdsim.sensitivity.prose import ranking
from qdsim.sensitivity.salib import Analysis, Factor

DEFAULT_METRICS = ("rural_income_per_capita", "monitored_share")
DEFAULT_N = {"morris": 10, "sobol": 32}
MAX_RUNS = 20_000


def model_function(base, factors: list[Factor], outputs: list[str], *, year: int, statistic: str, out_dir: str | Path,
                   replicates: int, scale: float, workers: int | None = None, scheduler: str | None = None,
                   resume: bool = False, fresh: bool = False, store=None, progress=None, executor=None):
    """``evaluate(X)``: run the scenario at every sample point (one batch) and read each output's value in ``year``."""
    from qdsim.batch.engine import run_batch
    from qdsim.batch.spec import Batch, Point, point_scenario, round_sig
    from qdsim.scenario.paths import resolve
    from qdsim.scenario.schema import Title

    targets = {f.path: resolve(f.path, type(base), base.region) for f in factors}
    settings = {"replicates": replicates, "scale": scale}
    column = "impact_mean" if statistic == "impact" else "mean"

    def evaluate(X: np.ndarray) -> dict[str, np.ndarray]:
        rows = [{f.path: round_sig(float(x)) for f, x in zip(factors, row, strict=True)} for row in X]
        unique: dict[str, int] = {}
        points: list[Point] = []
        row_point = []
        for values in rows:
            key = json.dumps(values, sort_keys=True)
            if key not in unique:
                unique[key] = len(points)
                pid = "p" + str(len(points)).zfill(5)
                try:
                    s = point_scenario(base, values, targets, settings)
                except Exception as e:  # noqa: BLE001 - a factor range that makes an invalid scenario
                    raise FactorError(f"the sample point {values} is not a valid scenario: {e}") from None
                points.append(Point(pid, s, values, base.id, "<sensitivity>", 0))
            row_point.append(unique[key])
        batch = Batch(
            id=f"sensitivity-{base.id}"[:64], title=Title(zh=f"{base.title.zh}：敏感性分析", en=f"{base.title.en}: sensitivity analysis"),
            points=points, varied=[f.path for f in factors], path="<sensitivity>", labels={f.path: f.name for f in factors},
        )
        report = run_batch(batch, out_dir, workers=workers, scheduler=scheduler, resume=resume, fresh=fresh, store=store,
                           progress=progress, executor=executor)
        if report.failed:
            first = report.failed[0]
            raise RuntimeError(f"{len(report.failed)} of {len(points)} runs failed (first: {first.point.id}: {first.error})")
        summary = pd.read_csv(Path(out_dir) / "summary.csv")
        summary = summary[(summary.county == "all") & (summary.year == year) & (summary.metric.isin(outputs))]
        table = summary.pivot(index="point", columns="metric", values=column)
        order = [p.id for p in points]
        return {m: table.loc[order, m].to_numpy(dtype=float)[row_point] for m in outputs}

    return evaluate


# -- writing -------------------------------------------------------------------
def write(analysis: Analysis, out_dir: str | Path, *, names: dict[str, tuple[str, str, str]] | None = None,
          year: int | None = None) -> dict[str, Path]:
    """indices.csv, sensitivity.json and ranking.md in ``out_dir``; ``names``: output -> (zh, en, unit)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = names or {}
    texts = {
        o: {lang: ranking(analysis, o, lang, output_name=names.get(o, (o, o, ""))[0 if lang == "zh" else 1],
                          unit=names.get(o, ("", "", ""))[2], year=year) for lang in ("zh", "en")}
        for o in analysis.outputs
    }
    paths = {"csv": out / "indices.csv", "json": out / "sensitivity.json", "md": out / "ranking.md"}
    table = analysis.table()
    table.to_csv(paths["csv"], index=False, float_format="%.6g", lineterminator="\n")
    data = {
        "method": analysis.method,
        "n": analysis.n,
        "sample_seed": analysis.seed,
        "runs": int(len(analysis.X)),
        "year": year,
        **analysis.settings,
        "factors": [f.__dict__ for f in analysis.factors],
        "indices": {o: json.loads(df.to_json(orient="records")) for o, df in analysis.indices.items()},
        "ranking": texts,
    }
    paths["json"].write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    paths["md"].write_text(_markdown(analysis, texts, names, year), encoding="utf-8")
    return paths


def _markdown(analysis: Analysis, texts: dict, names: dict, year: int | None) -> str:
    method = "Morris 筛选法 / Morris screening" if analysis.method == "morris" else "Sobol 方差分解 / Sobol indices"
    lines = [f"# 敏感性分析 / Sensitivity analysis — {method}", ""]
    lines.append(f"{len(analysis.X)} 次运行 / runs; n = {analysis.n}; sample seed {analysis.seed}"
                 + "".join(f"; {k} {v}" for k, v in analysis.settings.items() if k in ("base", "replicates", "scale", "statistic")))
    lines.append("")
    for o in analysis.outputs:
        zh, en, _ = names.get(o, (o, o, ""))
        lines += [f"## {zh} / {en}" + (f" ({year})" if year else ""), "", texts[o]["zh"], "", texts[o]["en"], ""]
        df = analysis.indices[o].sort_values("rank")
        cols = ["rank", "factor", "low", "high"] + (["mu_star", "mu_star_conf", "sigma"] if analysis.method == "morris" else ["S1", "S1_conf", "ST", "ST_conf"])
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * len(cols))
        for r in df[cols].itertuples(index=False):
            lines.append("| " + " | ".join(significant(v) if isinstance(v, float) else str(v) for v in r) + " |")
        lines.append("")
    return "\n".join(lines)
