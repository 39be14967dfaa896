"""Sensitivity analysis (敏感性分析): which levers and parameters move the results most.

Two methods from SALib (Herman & Usher 2017, https://salib.readthedocs.io):

- **Morris** elementary effects (Morris 1991; μ* of Campolongo et al. 2007):
  a screening, ``n (k + 1)`` runs for ``k`` factors. μ* is the mean absolute
  change of the output when one factor moves across its range, in the
  output's unit; σ says how much that change depends on the other factors.
- **Sobol** variance-based indices (Sobol 2001, Saltelli et al. 2010):
  ``n (k + 2)`` runs. S1 is the share of the output's variance a factor
  explains alone, ST the share including its interactions.

Both come with 95% bootstrap confidence intervals. A factor is a lever
(multiplied over its base values, ×0–2 by default, or set over a range) or a
behavioural parameter (over the catalogue's plausible range by default).

Each sample point is a scenario run through the batch engine
(:func:`qdsim.batch.engine.run_batch`), so points are computed in parallel or
on a Dask cluster, recorded in the registry and served from it when repeated.
All points share the base scenario's seed (common random numbers), so the
differences between them are the factors' doing, not chance.

The analysis itself (:func:`analyse`) takes any function of the sample, which
is how the tests check the wiring against functions with known indices
(Ishigami, Sobol G).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qdsim.format import fixed, short, significant
from qdsim.scenario.labels import LEVERS

METHODS = ("morris", "sobol")
DEFAULT_METRICS = ("rural_income_per_capita", "monitored_share")
#: levers varied by default: each multiplied by 0–2 over the base scenario's values
DEFAULT_LEVERS = (
    "funds.fiscal",
    "labour.subsidy_per_worker",
    "labour.training_places",
    "labour.qingdao_job_quota",
    "consumption.canteen_share",
    "consumption.showrooms",
    "technology.potato_demo_area",
    "pairings.villages",
)
MORRIS_LEVELS = 4
DEFAULT_N = {"morris": 10, "sobol": 32}
MAX_RUNS = 20_000


@dataclass(frozen=True)
class Factor:
    """One input varied over [low, high]: a variation path (see :mod:`qdsim.scenario.paths`) and its names."""

    name: str
    path: str
    low: float
    high: float
    kind: str = "lever"  # lever | parameter | other
    zh: str = ""
    en: str = ""
    unit: str = ""

    def label(self, lang: str) -> str:
        return (self.zh if lang == "zh" else self.en) or self.name

    def range_text(self, lang: str) -> str:
        """How the factor was varied, in words: "×0–2 of the base" or "3500–6000 元/月"."""
        if self.path.endswith("*"):
            return f"按基准值的{short(self.low)}–{short(self.high)}倍" if lang == "zh" else f"×{short(self.low)}–{short(self.high)} of the base"
        unit = "" if self.unit in ("", "share", "index", "switch") else f" {self.unit}"
        return f"{significant(self.low)}–{significant(self.high)}{unit}"


@dataclass
class Analysis:
    """Indices of every factor for every output, with the sample that produced them."""

    method: str
    factors: list[Factor]
    outputs: list[str]
    X: np.ndarray
    Y: dict[str, np.ndarray]
    indices: dict[str, pd.DataFrame]  # output -> one row per factor
    n: int
    seed: int
    settings: dict = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        frames = []
        for out, df in self.indices.items():
            d = df.copy()
            d.insert(0, "output", out)
            d.insert(0, "method", self.method)
            frames.append(d)
        return pd.concat(frames, ignore_index=True)


def problem(factors: list[Factor]) -> dict:
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[f.low, f.high] for f in factors]}


def sample(method: str, factors: list[Factor], n: int, seed: int) -> np.ndarray:
    """The SALib sample: ``n (k + 1)`` rows for Morris, ``n (k + 2)`` for Sobol (first-order and total indices)."""
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(factors), n, num_levels=MORRIS_LEVELS, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol

        if n & (n - 1):
            raise ValueError(f"--n for Sobol must be a power of 2 (16, 32, 64, …), not {n}")
        return sobol.sample(problem(factors), n, calc_second_order=False, scramble=True, seed=seed)
    raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def n_runs(method: str, k: int, n: int) -> int:
    return n * (k + 1) if method == "morris" else n * (k + 2)


def indices(method: str, factors: list[Factor], X: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """SALib's indices for one output, one row per factor, ranked (1 = most influential)."""
    p = problem(factors)
    if method == "morris":
        from SALib.analyze import morris

        s = morris.analyze(p, X, y, num_levels=MORRIS_LEVELS, conf_level=0.95, seed=seed)
        df = pd.DataFrame({
            "factor": p["names"], "mu": np.asarray(s["mu"], float), "mu_star": np.asarray(s["mu_star"], float),
            "mu_star_conf": np.asarray(s["mu_star_conf"], float), "sigma": np.asarray(s["sigma"], float),
        })
        key = "mu_star"
    else:
        from SALib.analyze import sobol

        s = sobol.analyze(p, y, calc_second_order=False, conf_level=0.95, seed=seed)
        df = pd.DataFrame({
            "factor": p["names"], "S1": s["S1"], "S1_conf": s["S1_conf"], "ST": s["ST"], "ST_conf": s["ST_conf"],
        })
        key = "ST"
    df["rank"] = df[key].rank(ascending=False, method="first").astype(int)
    df.insert(1, "path", [f.path for f in factors])
    df.insert(2, "low", [f.low for f in factors])
    df.insert(3, "high", [f.high for f in factors])
    return df


def analyse(method: str, factors: list[Factor], evaluate: Callable[[np.ndarray], dict[str, np.ndarray]], *, n: int,
            seed: int = 1, settings: dict | None = None) -> Analysis:
    """Sample, evaluate, compute indices: the whole analysis for any ``evaluate(X) -> {output: y}``."""
    if len(factors) < 2:
        raise ValueError("give at least two factors to compare")
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise ValueError("two factors have the same name")
    X = sample(method, factors, n, seed)
    Y = evaluate(X)
    out = {}
    for name, y in Y.items():
        y = np.asarray(y, dtype=float)
        if y.shape != (len(X),):
            raise ValueError(f"{name}: expected {len(X)} values, got shape {y.shape}")
        if not np.isfinite(y).all():
            raise ValueError(f"{name}: {int((~np.isfinite(y)).sum())} sample points have no value")
        out[name] = indices(method, factors, X, y, seed)
    return Analysis(method, factors, list(Y), X, {k: np.asarray(v, float) for k, v in Y.items()}, out, n, seed, settings or {})


# -- the plain-language ranking ---------------------------------------------
_ZH_NUM = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def _kind_word(factors: list[Factor], lang: str) -> str:
    kinds = {f.kind for f in factors}
    if kinds == {"lever"}:
        return "杠杆" if lang == "zh" else "levers"
    if kinds == {"parameter"}:
        return "参数" if lang == "zh" else "parameters"
    return "因素" if lang == "zh" else "factors"


def ranking(analysis: Analysis, output: str, lang: str, *, top: int = 3, output_name: str | None = None,
            unit: str = "", year: int | None = None) -> str:
    """One paragraph: the ``top`` factors with the largest effect on ``output``, in Chinese or English.

    "到2030年影响农村居民人均可支配收入最大的三个杠杆是……". Neighbours in the
    ranking (the top ``top`` and the next) whose intervals (value ± its 95%
    confidence) overlap are named as indistinguishable in order.
    """
    df = analysis.indices[output].sort_values("rank")
    by_name = {f.name: f for f in analysis.factors}
    k = min(top, len(df))
    lead = df.head(k)
    word = _kind_word(analysis.factors, lang)
    name = output_name or output
    if lang == "en" and len(name) > 1 and name[0].isupper() and name[1].islower():
        name = name[0].lower() + name[1:]  # "Rural disposable income" mid-sentence
    u = "" if unit in ("", "share", "index") else f" {unit}"
    if analysis.method == "morris":
        def value(r) -> str:
            return f"μ* = {significant(r.mu_star)} ± {significant(r.mu_star_conf)}{u}"

        def negligible(r) -> bool:
            return r.mu_star <= r.mu_star_conf
    else:
        def value(r) -> str:
            st_text = f"{fixed(r.ST, 2)} ± {fixed(r.ST_conf, 2)}"
            return f"总效应指数 ST = {st_text}" if lang == "zh" else f"total-effect index ST = {st_text}"

        def negligible(r) -> bool:
            return r.ST - r.ST_conf <= 0.01

    def centre_and_half(r) -> tuple[float, float]:
        return (r.mu_star, r.mu_star_conf) if analysis.method == "morris" else (r.ST, r.ST_conf)

    def overlap(a, b) -> bool:
        (x, dx), (y, dy) = centre_and_half(a), centre_and_half(b)
        return x - dx <= y + dy and y - dy <= x + dx

    # neighbours in the ranking (the top k and the next one) whose intervals overlap: their order cannot be told
    rows = list(df.head(k + 1).itertuples())
    tied: list[str] = []
    for a, b in zip(rows, rows[1:], strict=False):
        if overlap(a, b):
            tied += [x for x in (a.factor, b.factor) if x not in tied]
    tied_names = [by_name[f].label(lang) for f in tied]

    def item(r) -> str:
        f = by_name[r.factor]
        return f"{f.label(lang)}（{f.range_text(lang)}，{value(r)}）" if lang == "zh" else f"{f.label(lang)} ({f.range_text(lang)}; {value(r)})"

    items = [item(r) for r in lead.itertuples()]
    if lang == "zh":
        when = f"到{year}年" if year else ""
        listed = "、".join(items[:-1]) + ("和" if len(items) > 1 else "") + items[-1]
        count = f"{_ZH_NUM.get(k, str(k))}个" if k > 1 else "一个"
        text = f"{when}影响{name}最大的{count}{word}是：{listed}。" if k > 1 else f"{when}影响{name}最大的{word}是{listed}。"
        if analysis.method == "morris":
            text += "μ* 为该因素在其取值范围内变动时结果的平均绝对变化（Morris 筛选法，±为95%置信区间）。"
        else:
            text += "总效应指数为该因素（含与其他因素的交互作用）所能解释的结果方差比例（Sobol 方法，±为95%置信区间）。"
        if tied_names:
            text += f"{'、'.join(tied_names)}的置信区间相互重叠，其先后次序无法区分（需更大规模的筛选才能分出高下）。"
        weak = [by_name[r.factor].label(lang) for r in df.itertuples() if negligible(r)]
        if weak:
            text += f"{'、'.join(weak)}的影响在置信区间内与零无法区分。"
    else:
        when = f"By {year}, the" if year else "The"
        listed = items[0] if k == 1 else ", ".join(items[:-1]) + " and " + items[-1]
        if k == 1:
            text = f"{when} {word[:-1]} with the largest effect on {name} is {listed}."
        else:
            text = f"{when} {_EN_NUM.get(k, str(k))} {word} with the largest effect on {name} are {listed}."
        if analysis.method == "morris":
            text += (" μ* is the mean absolute change in the result when the factor moves across its range "
                     "(Morris screening; ± is the 95% confidence interval).")
        else:
            text += (" The total-effect index is the share of the result's variance the factor explains, "
                     "interactions included (Sobol method; ± is the 95% confidence interval).")
        if tied_names:
            joined = ", ".join(tied_names[:-1]) + " and " + tied_names[-1]
            text += (f" The intervals of {joined} overlap, so their order is indistinguishable"
                     " (a larger screening would be needed to tell them apart).")
        weak = [by_name[r.factor].label(lang) for r in df.itertuples() if negligible(r)]
        if weak:
            names = weak[0] if len(weak) == 1 else ", ".join(weak[:-1]) + " and " + weak[-1]
            text += f" The effect of {names} cannot be told from zero."
    return text


_EN_NUM = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


# -- qdsim factors and the model as the function -------------------------------
class FactorError(ValueError):
    pass


def _lever_names(key: str) -> tuple[str, str, str]:
    return LEVERS.get(key, (key, key, ""))


def parse_factors(levers: list[str], params: list[str], region: str = "dingxi") -> list[Factor]:
    """Factors from command-line specs.

    Levers: ``labour.subsidy_per_worker`` (×0–2 of the base), ``labour.subsidy_per_worker=0:2000``
    (set over a range, units allowed: ``funds.fiscal=2亿元:8亿元``), ``…*=0.5:1.5`` (a multiplier range).
    Parameters: ``wage_qingdao`` (the catalogue's plausible range) or ``wage_qingdao=3500:5000``.
    """
    from qdsim.batch.spec import sample_range
    from qdsim.catalogue import load_catalogue
    from qdsim.scenario.paths import PathError, resolve
    from qdsim.scenario.schema import Scenario

    reg = load_catalogue(region)
    out: list[Factor] = []
    for spec in levers:
        key, _, rng = spec.partition("=")
        key = key.strip().removeprefix("levers.")
        multiply = key.endswith("*") or not rng
        key = key.rstrip("*")
        path = f"levers.{key}" + ("*" if multiply else "")
        try:
            t = resolve(path, Scenario, region)
            if rng:
                lo, hi = _split(rng)
                low, high = sample_range(t, [lo, hi], region)
            else:
                low, high = 0.0, 2.0
        except (PathError, ValueError) as e:
            raise FactorError(f"--levers {spec}: {e}") from None
        zh, en, unit = _lever_names(key)
        out.append(Factor(key + ("×" if multiply else ""), path, low, high, "lever", zh, en, unit))
    for spec in params:
        key, _, rng = spec.partition("=")
        key = key.strip().removeprefix("overrides.")
        path = f"overrides.{key}"
        try:
            t = resolve(path, Scenario, region)
            low, high = sample_range(t, list(_split(rng)) if rng else None, region)
        except (PathError, ValueError) as e:
            raise FactorError(f"--params {spec}: {e}") from None
        p = reg.parameters[key]
        out.append(Factor(key, path, low, high, "parameter", p.label_zh, p.label_en, p.unit))
    return out


def _split(rng: str) -> tuple[str | float, str | float]:
    parts = rng.split(":")
    if len(parts) != 2:
        raise ValueError(f"write a range as low:high, not {rng!r}")

    def num(s: str):
        s = s.strip()
        try:
            return float(s)
        except ValueError:
            return s  # with a unit: the field reads it

    return num(parts[0]), num(parts[1])


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
