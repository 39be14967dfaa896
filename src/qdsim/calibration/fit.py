"""Fit the free behavioural parameters to the reported 2021–2024 figures.

Method (one obvious entry point, :func:`fit`):

* The free parameters are those with status ``calibrated`` in the registry.
  Each is mapped to ``u`` in [0, 1] across its plausible range (on a log
  scale when the range is positive, linearly otherwise), so that the bounds
  of the fit are the registry's ranges.
* The model is the shipped baseline scenario cut at 2024, run through
  :func:`qdsim.runner.simulate` — exactly what users run — on common random
  numbers: the first ``seeds`` replicate streams of the baseline's root seed,
  the same in every evaluation, so that two parameter sets differ only by
  their effect, not by chance.
* Residuals: for each fitted target ``ln(model mean / reported) / 0.05``
  (one unit is a 5% miss), plus a weak prior residual ``(u - u_prior) / 2``
  per parameter. The prior only decides along directions that the targets do
  not see (a ridge, or a parameter no target depends on); elsewhere the
  targets dominate.
* Solver: :func:`scipy.optimize.least_squares` (trust-region reflective,
  bounded). Its Jacobian is computed by forward differences (a step of 8% of
  the range, wide enough to step over the integer staircases of counts such
  as projects and villages) at the start, updated from each step in between
  (Broyden), and recomputed at the solution; entries whose change is not
  significant across the seeds (paired |t| < 2) are the noise of the random
  streams and are set to zero. The fit stops once every fitted
  target is within ``stop_tolerance`` on the fitting seeds, or when three
  steps in a row bring nothing better (the noise floor of the seeds).
* Identification: from the Jacobian at the solution, the approximate
  posterior spread of each parameter (Gauss–Newton: targets at ±5% plus the
  weak prior), as a share of its plausible range: below a quarter the
  reported figures identify it. Each other parameter is profiled one at a
  time on a grid across its range (the others held at their fitted values),
  which sees kinks and weak slopes the linearisation cannot: if the values
  keeping every target within ±5% span less than half the range it is
  ``weak`` (pinned loosely, or only together with others), else ``not
  identified`` and its value is the prior's.
* Verification: the rounded values, as written to ``calibrated.yaml``, are
  run on ≥ 20 replicates of the baseline seed and on a hold-out seed; every
  target must be within ±5%.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import yaml
from scipy.optimize import least_squares

from qdsim.calibration.targets import CALIBRATION_END, TARGETS, TOLERANCE, Target, model_values, target_values
from qdsim.catalogue import Catalogue, Parameter, ParameterSet, load_catalogue, region_dir
from qdsim.model.streams import replicate_seeds
from qdsim.runner import default_workers, simulate
from qdsim.scenario.schema import Scenario

PRIOR_SD = 2.0  # prior spread in u (the whole range is 1): weak, a tie-breaker along ridges
JAC_STEP = 0.08  # forward-difference step in u (8% of the range: large against the noise of the seeds)
PATIENCE = 3  # solver steps without a better parameter set before stopping
MIN_T = 2.0  # a Jacobian entry counts when its paired change across the fitting seeds has |t| above this
DIGITS = 5  # significant digits written to calibrated.yaml
HOLDOUT_SEED = 20250518  # an out-of-sample root seed (the article's date)
#: identification, by the spread (in u: the whole plausible range is 1) that keeps the targets within about ±5%:
#: identified below IDENTIFIED_SD (linearised, others adjusting); weak when the compatible width is below WEAK_WIDTH
IDENTIFIED_SD, WEAK_WIDTH = 0.25, 0.5
PROFILE_POINTS = 6  # grid across the plausible range for the one-at-a-time profile of parameters not identified

Progress = Callable[[int, int, str], None]


# -- the calibration scenario -------------------------------------------------
def calibration_scenario(scenario: Scenario, end: int = CALIBRATION_END) -> Scenario:
    """The scenario cut at ``end``: year keys after it dropped, period shortened.

    The model is causal and its random streams do not depend on the period's
    length, so the first years of the cut run equal those of the full run
    (tested).
    """
    if scenario.period.start > end:
        raise ValueError(f"the scenario starts after {end}")
    data = scenario.model_dump()

    def cut(x):
        if isinstance(x, dict):
            if x and all(isinstance(k, int) and not isinstance(k, bool) for k in x):
                kept = {k: v for k, v in x.items() if k <= end}
                return kept or {min(x): x[min(x)]}
            return {k: cut(v) for k, v in x.items()}
        return x

    data = cut(data)
    data["period"] = {"start": scenario.period.start, "end": min(end, scenario.period.end)}
    if data["horizon"]["mode"] != "continue" and data["horizon"]["after"] > end:
        data["horizon"] = {"mode": "continue"}
    return Scenario.model_validate(data)


# -- parameter space -----------------------------------------------------------
def prior_values(region: str) -> dict[str, float]:
    """The values declared in parameters.yaml (a calibrated parameter's prior), before any calibrated.yaml overlay."""
    with open(region_dir(region) / "parameters.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {pid: float(e["prior"] if "prior" in e else e["value"]) for group in data.values() for pid, e in group.items()}


@dataclass(frozen=True)
class Space:
    """The free parameters and their map to u in [0, 1] across the plausible range."""

    params: tuple[Parameter, ...]

    @classmethod
    def of(cls, registry: Catalogue) -> Space:
        return cls(tuple(p for p in registry.parameters.values() if p.status == "calibrated"))

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.params]

    def _log(self, p: Parameter) -> bool:
        return p.range[0] > 0

    def to_u(self, values: dict[str, float]) -> np.ndarray:
        out = []
        for p in self.params:
            lo, hi = p.range
            x = min(max(values[p.id], lo), hi)
            out.append((math.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo)) if self._log(p) else (x - lo) / (hi - lo))
        return np.array(out)

    def to_values(self, u: np.ndarray) -> dict[str, float]:
        out = {}
        for p, x in zip(self.params, np.clip(u, 0.0, 1.0), strict=True):
            lo, hi = p.range
            out[p.id] = math.exp(math.log(lo) + x * (math.log(hi) - math.log(lo))) if self._log(p) else lo + x * (hi - lo)
        return out

    def dlnx_du(self, u: np.ndarray) -> np.ndarray:
        """d ln(value) / du at u (to turn u-derivatives into elasticities)."""
        vals = self.to_values(u)
        out = []
        for p in self.params:
            lo, hi = p.range
            out.append(math.log(hi) - math.log(lo) if self._log(p) else (hi - lo) / max(vals[p.id], 1e-12))
        return np.array(out)


def round_values(values: dict[str, float], digits: int = DIGITS) -> dict[str, float]:
    return {k: float(f"{v:.{digits}g}") for k, v in values.items()}


# -- evaluation ------------------------------------------------------------------
def _targets_of_replicate(task: tuple) -> tuple[tuple[int, int], np.ndarray]:
    """Worker: one replicate of the calibration scenario → the value of every target."""
    key, scenario, values, region, seed, replicate, n_replicates, scale = task
    params = ParameterSet(values, load_catalogue(region))
    seq = replicate_seeds(seed, n_replicates)[replicate]
    metrics = simulate(scenario, params, seq, scale)
    return key, model_values(metrics, scenario.period.years)


class Evaluator:
    """Runs parameter sets on fixed replicate streams (common random numbers), in parallel.

    Use as a context manager so the worker processes are closed.
    """

    def __init__(self, scenario: Scenario, *, scale: float, workers: int | None = None):
        self.scenario = scenario
        self.scale = float(scale)
        self.base = load_catalogue(scenario.region).defaults().with_overrides(scenario.overrides)
        self.workers = default_workers() if workers is None else max(1, int(workers))
        self._pool: ProcessPoolExecutor | None = None
        self.simulations = 0

    def __enter__(self) -> Evaluator:
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("forkserver"))
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def run(self, value_sets: list[dict[str, float]], seed: int, replicates: int, tick: Callable[[], None] | None = None) -> list[np.ndarray]:
        """For each parameter set, an array (replicate, target) of target values."""
        full = [self.base.with_overrides(v).as_dict() for v in value_sets]
        tasks = [
            ((i, r), self.scenario, full[i], self.scenario.region, seed, r, replicates, self.scale)
            for i in range(len(full))
            for r in range(replicates)
        ]
        results = map(_targets_of_replicate, tasks) if self._pool is None else self._pool.map(_targets_of_replicate, tasks)
        out = [np.zeros((replicates, len(TARGETS))) for _ in full]
        for (i, r), vec in results:
            out[i][r] = vec
            self.simulations += 1
            if tick:
                tick()
        return out


# -- results --------------------------------------------------------------------
@dataclass
class TargetCheck:
    """The model against one target over a set of replicates."""

    target: Target
    reported: float
    mean: float
    p05: float
    p95: float
    replicates: int

    @property
    def error(self) -> float:
        return self.mean / self.reported - 1.0

    @property
    def ok(self) -> bool:
        return abs(self.error) <= TOLERANCE


def check_targets(samples: np.ndarray, registry: Catalogue) -> list[TargetCheck]:
    """Summaries of a (replicate, target) array against the reported figures."""
    reported = target_values(registry)
    out = []
    for j, t in enumerate(TARGETS):
        col = samples[:, j]
        p05, p95 = np.percentile(col, [5, 95])
        out.append(TargetCheck(t, float(reported[j]), float(col.mean()), float(p05), float(p95), len(col)))
    return out


@dataclass
class FitResult:
    space: Space
    prior: dict[str, float]
    values: dict[str, float]  # rounded, as written
    history: list[dict]  # one row per evaluation: kind, cost, target errors
    jacobian: np.ndarray  # d residual / du at the solution (fitted targets × parameters), residual units
    elasticity: np.ndarray  # d ln(model target) / d ln(parameter), all targets × parameters
    posterior_sd_u: np.ndarray
    prior_checks: list[TargetCheck]  # the prior values on the fitting seeds
    fit_checks: list[TargetCheck]  # the solution on the fitting seeds
    verification: list[TargetCheck]  # ≥ 20 replicates of the baseline seed
    holdout: list[TargetCheck]  # the hold-out seed
    settings: dict
    seconds: float
    simulations: int
    message: str
    profiles: dict[str, list[tuple[float, list[float]]]] = field(default_factory=dict)  # parameter -> [(value, error of every target)]
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.verification) and all(c.ok for c in self.holdout)

    def identification(self) -> dict[str, str]:
        """Per parameter: ``identified`` — the targets pin it to within a quarter of its plausible
        range even with the other parameters adjusting (linearised); ``weak`` — it is pinned only
        loosely, or only in combination with others (its one-at-a-time profile, or without a profile
        its linearised spread, covers less than half the range); ``not identified`` — the prior decides."""
        out = {}
        for j, pid in enumerate(self.space.ids):
            sd = self.posterior_sd_u[j]
            if sd < IDENTIFIED_SD:
                out[pid] = "identified"
                continue
            if pid in self.profiles:
                rng = self.profile_range(pid)
                width = 1.0
                if rng is not None:
                    width = self.space.to_u({**self.values, pid: rng[1]})[j] - self.space.to_u({**self.values, pid: rng[0]})[j]
                weak = width < WEAK_WIDTH
            else:
                weak = sd < WEAK_WIDTH / 2
            out[pid] = "weak" if weak else "not identified"
        return out

    def profile_range(self, pid: str) -> tuple[float, float] | None:
        """Grid values around the fitted one (others held) where every fitted target stays within ±5%
        (None when not profiled, or when the fitted point itself misses)."""
        if pid not in self.profiles:
            return None
        fitted = [t.fitted for t in TARGETS]
        pts = sorted(self.profiles[pid] + [(self.values[pid], [c.error for c in self.fit_checks])])
        ok = [all(abs(e) <= TOLERANCE for e, f in zip(errs, fitted, strict=True) if f) for _, errs in pts]
        i = next(k for k, (v, _) in enumerate(pts) if v == self.values[pid])
        if not ok[i]:
            return None
        lo = hi = i
        while lo > 0 and ok[lo - 1]:
            lo -= 1
        while hi < len(pts) - 1 and ok[hi + 1]:
            hi += 1
        return pts[lo][0], pts[hi][0]

    def compatible_range(self) -> dict[str, tuple[float, float]]:
        """Values within one posterior spread of the solution (targets at about ±5%), clipped to the plausible range."""
        u = self.space.to_u(self.values)
        lo = self.space.to_values(u - self.posterior_sd_u)
        hi = self.space.to_values(u + self.posterior_sd_u)
        return {pid: (lo[pid], hi[pid]) for pid in self.space.ids}


# -- the fit ---------------------------------------------------------------------
class _Converged(Exception):
    pass


def fit(
    scenario: Scenario,
    *,
    scale: float = 0.02,
    seeds: int = 8,
    replicates: int = 20,
    max_evaluations: int = 10,
    stop_tolerance: float = 0.01,
    workers: int | None = None,
    start: dict[str, float] | None = None,
    final_jacobian: bool = True,
    profiles: bool = True,
    progress: Progress | None = None,
) -> FitResult:
    """Fit the calibrated parameters of ``scenario``'s region to the reported figures.

    The Jacobian is computed by forward differences once at the start and,
    unless ``final_jacobian`` is off, again at the solution (for the
    identification analysis); in between it is updated from each step
    (Broyden), which keeps a fit to a few hundred simulations.

    Args:
        scenario: the baseline scenario (cut at 2024 here).
        scale: share of households simulated during the fit and the verification.
        seeds: replicate streams of the scenario's root seed used in every evaluation (common random numbers).
        replicates: replicates of the verification runs (baseline seed and hold-out seed).
        max_evaluations: parameter sets tried by the solver (the Jacobians come on top: one evaluation per parameter).
        stop_tolerance: stop once every fitted target is within this on the fitting seeds.
        workers: processes (default: all cores, at most 8).
        start: starting values (default: the values declared in parameters.yaml — a fit from scratch).
        final_jacobian: recompute the Jacobian at the solution (else the last updated one is used).
        profiles: for each parameter the linearisation does not identify, the targets' errors on a
            grid across its plausible range, the others held at their fitted values (half the fitting seeds).
        progress: callback ``(done, total, message)``, counted in simulations.
    """
    started = time.perf_counter()
    registry = load_catalogue(scenario.region)
    space = Space.of(registry)
    clash = sorted(set(scenario.overrides) & set(space.ids))
    if clash:
        raise ValueError(f"the calibration scenario overrides calibrated parameters: {', '.join(clash)}")
    cal = calibration_scenario(scenario)
    prior = {pid: v for pid, v in prior_values(scenario.region).items() if pid in space.ids}
    u_prior = space.to_u(prior)
    u0 = space.to_u(start or prior)
    fitted = np.array([t.fitted for t in TARGETS])
    reported = target_values(registry)
    seed = scenario.seed
    n_par = len(space.ids)
    total = seeds * (n_par * (2 if final_jacobian else 1) + max_evaluations + 2) + 2 * replicates + (n_par * PROFILE_POINTS * max(2, seeds // 2) if profiles else 0)
    history: list[dict] = []
    cache: dict[bytes, np.ndarray] = {}
    best: dict = {"cost": math.inf}
    stage = {"name": "fit"}

    def tick() -> None:
        if progress:
            progress(min(ev.simulations, total), total, stage["name"])

    def log_mean(samples: np.ndarray) -> np.ndarray:
        return np.log(np.maximum(samples.mean(axis=0), 1e-9 * np.abs(reported)))

    def target_residuals(samples: np.ndarray) -> np.ndarray:
        return (log_mean(samples) - np.log(reported))[fitted] / TOLERANCE

    with Evaluator(cal, scale=scale, workers=workers) as ev:

        def evaluate(us: list[np.ndarray], kind: str) -> list[np.ndarray]:
            todo = [u for u in us if u.tobytes() not in cache]
            if todo:
                stage["name"] = kind
                runs = ev.run([space.to_values(u) for u in todo], seed, seeds, tick)
                for u, samples in zip(todo, runs, strict=True):
                    cache[u.tobytes()] = samples
                    r = target_residuals(samples)
                    cost = float(0.5 * (r @ r + np.sum(((u - u_prior) / PRIOR_SD) ** 2)))
                    errors = samples.mean(axis=0) / reported - 1.0
                    history.append({"kind": kind, "cost": cost, "errors": errors.tolist(), "values": space.to_values(u)})
                    if kind == "step":
                        if cost < best["cost"] * (1 - 1e-3):
                            best.update(cost=cost, u=u.copy(), worst=float(np.max(np.abs(errors[fitted]))), stale=0)
                        else:
                            best["stale"] = best.get("stale", 0) + 1
            return [cache[u.tobytes()] for u in us]

        def residuals(u: np.ndarray) -> np.ndarray:
            samples = evaluate([u], "step")[0]
            if best.get("u") is not None and np.array_equal(best["u"], u) and best["worst"] <= stop_tolerance:
                raise _Converged(f"every fitted target within {stop_tolerance:.1%} on the fitting seeds")
            if best.get("stale", 0) >= PATIENCE:
                raise _Converged(f"no better parameter set in the last {PATIENCE} steps (the noise floor of the fitting seeds)")
            return np.concatenate([target_residuals(samples), (u - u_prior) / PRIOR_SD])

        def dlog_fd(u: np.ndarray) -> np.ndarray:
            """Forward differences: d ln(mean target) / du, every target × parameter.

            An entry whose change is not significant across the fitting seeds
            (paired differences, |t| < 2) is set to zero: it is the noise of
            the random streams, not an effect of the parameter.
            """
            steps = np.where(u + JAC_STEP <= 1.0, JAC_STEP, -JAC_STEP)
            points = [u] + [u + np.eye(n_par)[j] * steps[j] for j in range(n_par)]
            runs = evaluate(points, "jacobian")
            base = log_mean(runs[0])
            cols = []
            for j in range(n_par):
                col = (log_mean(runs[j + 1]) - base) / steps[j]
                cols.append(np.where(significant(runs[0], runs[j + 1]), col, 0.0))
            return np.column_stack(cols)

        def significant(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            d = b - a  # (seed, target), paired on the same streams
            mean = d.mean(axis=0)
            se = d.std(axis=0, ddof=1) / np.sqrt(len(d)) if len(d) > 1 else np.zeros(d.shape[1])
            return np.abs(mean) > MIN_T * se

        state: dict = {}

        def jac(u: np.ndarray) -> np.ndarray:
            if "dlog" not in state:
                dlog = dlog_fd(u)
            else:  # Broyden: the secant condition along the step just taken
                du = u - state["u"]
                dlog = state["dlog"]
                if du @ du > 0:
                    dy = log_mean(evaluate([u], "step")[0]) - state["y"]
                    dlog = dlog + np.outer(dy - dlog @ du, du) / (du @ du)
            state.update(u=u.copy(), y=log_mean(evaluate([u], "step")[0]), dlog=dlog)
            return np.vstack([dlog[fitted] / TOLERANCE, np.eye(n_par) / PRIOR_SD])

        try:
            sol = least_squares(
                residuals, u0, jac=jac, bounds=(0.0, 1.0), method="trf", x_scale=1.0,
                max_nfev=max_evaluations, ftol=1e-3, xtol=1e-3, gtol=1e-6,
            )
            message = f"stopped at the limit of {max_evaluations} solver steps" if sol.status == 0 else str(sol.message)
        except _Converged as stop:
            message = str(stop)
        u_best = best["u"]

        values = round_values(space.to_values(u_best))
        u_final = space.to_u(values)
        dlog = dlog_fd(u_final) if final_jacobian else state["dlog"]
        prior_samples = evaluate([u_prior], "prior")[0]
        fit_samples = evaluate([u_final], "solution")[0]
        stage["name"] = "verification"
        verification = ev.run([values], seed, replicates, tick)[0]
        stage["name"] = "hold-out"
        holdout = ev.run([values], HOLDOUT_SEED, replicates, tick)[0]
        J = np.vstack([dlog[fitted] / TOLERANCE, np.eye(n_par) / PRIOR_SD])
        posterior_sd = np.sqrt(np.clip(np.diag(np.linalg.inv(J.T @ J)), 0, None))
        profiled: dict[str, list[tuple[float, list[float]]]] = {}
        if profiles:
            stage["name"] = "profiles"
            todo = [j for j in range(n_par) if posterior_sd[j] >= IDENTIFIED_SD]
            sets = []
            for j in todo:
                for g in np.linspace(0.0, 1.0, PROFILE_POINTS):
                    u = u_final.copy()
                    u[j] = g
                    sets.append({**values, space.ids[j]: space.to_values(u)[space.ids[j]]})
            runs = ev.run(sets, seed, max(2, seeds // 2), tick)
            for k, (vals, samples) in enumerate(zip(sets, runs, strict=True)):
                pid = space.ids[todo[k // PROFILE_POINTS]]
                profiled.setdefault(pid, []).append((vals[pid], (samples.mean(axis=0) / reported - 1.0).tolist()))
        simulations = ev.simulations
        n_workers = ev.workers

    settings = {
        "scenario": scenario.id,
        "scenario_sha256": scenario.sha256(),
        "period": f"{cal.period.start}-{cal.period.end}",
        "scale": scale,
        "seed": seed,
        "fit_seeds": seeds,
        "replicates": replicates,
        "holdout_seed": HOLDOUT_SEED,
        "max_evaluations": max_evaluations,
        "stop_tolerance": stop_tolerance,
        "prior_sd_u": PRIOR_SD,
        "jacobian_step_u": JAC_STEP,
        "workers": n_workers,
        "start": "given values" if start else "parameters.yaml (from scratch)",
    }
    return FitResult(
        space=space,
        prior=prior,
        values=values,
        history=history,
        jacobian=J,
        elasticity=dlog / space.dlnx_du(u_final)[None, :],
        posterior_sd_u=posterior_sd,
        prior_checks=check_targets(prior_samples, registry),
        fit_checks=check_targets(fit_samples, registry),
        verification=check_targets(verification, registry),
        holdout=check_targets(holdout, registry),
        settings=settings,
        seconds=time.perf_counter() - started,
        simulations=simulations,
        message=message,
        profiles=profiled,
    )
