"""A posterior over the behavioural parameters by approximate Bayesian computation (replenishment ABC-SMC).

Method:

* The free parameters are those with status ``calibrated`` in the catalogue.
  Each has a uniform prior across its plausible range, on a log scale when
  the range is positive (:class:`Space` maps it to ``u`` in [0, 1]).
* The model is the shipped baseline scenario cut at 2025
  (:func:`calibration_scenario`), run through :func:`qdsim.pipeline.simulate_at` —
  exactly what users run — at the calibration scale. A particle's value is the
  mean of ``per_particle`` simulations on fresh seeds: the posterior carries
  the model's chance variation, at a noise floor low enough that a distance of
  one tolerance unit can be reached.
* The distance of a simulation from the published figures is the root mean
  square, over the fitted (behavioural) targets, of ``ln(model / reported)``
  in units of each target's tolerance (one unit: a 5% miss for most).
* Replenishment ABC-SMC (:mod:`qdsim.calibration.smc`; Drovandi & Pettitt 2011)
  shrinks the acceptance threshold generation by generation (keeping the
  better half of equally weighted particles and moving copies by ABC-MCMC)
  until it reaches ``min_epsilon``, moves stop being accepted, or the
  generations run out. Each generation's ε, effective sample size and rate of
  accepted moves are recorded: the report says whether it converged
  (:meth:`Posterior.converged`). The last generation's particles are the
  posterior (:class:`Posterior`).
* Runs use a posterior summary: each parameter's weighted median
  (:func:`posterior_point`). The assumption interval draws whole parameter
  sets from the posterior (:meth:`Posterior.draw`).

Particles and chains are seeded by (seed, generation, index): a calibration
gives the same posterior for a given seed on one process, several, or a Dask
cluster (:mod:`qdsim.calibration.sampler`'s maps).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import yaml
from scipy.special import expit

from qdsim.calibration.sampler import dask_map, process_map
from qdsim.calibration.smc import SmcSettings, rejuvenate, run_smc
from qdsim.calibration.targets import FIT_END, TARGETS, Target, model_values, of_role
from qdsim.foundation.catalogue import Catalogue, Parameter, load_catalogue, region_dir
from qdsim.model.streams import replicate_seeds
from qdsim.pipeline import simulate_at
from qdsim.scenario.schema import Scenario

Progress = Callable[[int, int, str], None]
DIGITS = 5  # significant digits written to calibrated.yaml
HOLDOUT_SEED = 20250518  # an out-of-sample root seed (the article's date)
#: identification by the posterior's 5–95% width as a share of the prior's (in u)
IDENTIFIED, WEAK = 0.35, 0.7
#: convergence: the last generation's ε at most this (the fitted targets one tolerance off, RMS) ...
CONVERGED_EPSILON = 1.0
#: ... and its effective sample size at least this
CONVERGED_ESS = 100


# -- the calibration scenario -------------------------------------------------
def calibration_scenario(scenario: Scenario, end: int = FIT_END) -> Scenario:
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
    """The free parameters and their map to u in [0, 1] across the plausible range (log scale for positive ranges)."""

    params: tuple[Parameter, ...]

    @classmethod
    def of(cls, catalogue: Catalogue) -> Space:
        return cls(tuple(p for p in catalogue.parameters.values() if p.status == "calibrated"))

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.params]

    @staticmethod
    def _log(p: Parameter) -> bool:
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


def round_values(values: dict[str, float], digits: int = DIGITS) -> dict[str, float]:
    return {k: float(f"{v:.{digits}g}") for k, v in values.items()}


# -- the simulator -------------------------------------------------------------
@dataclass(frozen=True)
class Simulator:
    """The calibration scenario with given parameter values → every target's model value (picklable)."""

    scenario: Scenario
    scale: float
    targets: tuple[Target, ...] = TARGETS

    def __call__(self, values: dict[str, float], seq: np.random.SeedSequence) -> np.ndarray:
        metrics = simulate_at(self.scenario, values, seq, self.scale)  # the scenario's own overrides kept
        return model_values(metrics, self.scenario.period.years, self.targets)

    def replicates(self, values: dict[str, float], seed: int, n: int) -> np.ndarray:
        """(replicate, target) values on the first ``n`` replicate streams of ``seed``."""
        return np.array([self(values, seq) for seq in replicate_seeds(seed, n)])


def log_errors(values: np.ndarray, reported: np.ndarray, targets: tuple[Target, ...]) -> np.ndarray:
    """ln(model / reported) in units of each target's tolerance (a missing or negative value is far off)."""
    tol = np.array([t.tolerance for t in targets])
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(np.maximum(values, 1e-12) / reported) / tol
    return np.where(np.isfinite(out), out, 1e3)


def distance(values: np.ndarray, reported: np.ndarray, targets: tuple[Target, ...]) -> float:
    """Root mean square of the fitted targets' log errors (1.0: every target one tolerance off)."""
    return float(np.sqrt(np.mean(log_errors(values, reported, targets) ** 2)))


# -- the posterior ------------------------------------------------------------
@dataclass
class Posterior:
    """Weighted parameter sets from the last ABC generation (values, not u)."""

    ids: list[str]
    samples: np.ndarray  # (particle, parameter)
    weights: np.ndarray  # sum to 1
    distances: np.ndarray  # each particle's distance
    generations: list[dict] = field(default_factory=list)  # epsilon, particles, simulations, seconds per generation

    @property
    def last_generation(self) -> dict:
        """The record of the last ABC generation (epsilon, ess, acceptance_rate, …); empty if there is none."""
        gens = [g for g in self.generations if "epsilon" in g]
        return gens[-1] if gens else {}

    def converged(self, epsilon: float = CONVERGED_EPSILON, ess: float = CONVERGED_ESS) -> bool:
        """Whether the ABC reached the stated tolerance: the last ε at most ``epsilon`` and its effective sample size at least ``ess``."""
        last = self.last_generation
        return bool(last) and last["epsilon"] <= epsilon and last.get("ess", 0.0) >= ess

    def quantiles(self, q: tuple[float, ...] = (0.05, 0.5, 0.95)) -> dict[str, list[float]]:
        """Weighted quantiles of each parameter."""
        out = {}
        for j, pid in enumerate(self.ids):
            order = np.argsort(self.samples[:, j], kind="stable")
            cw = np.cumsum(self.weights[order])
            out[pid] = [float(self.samples[order[min(np.searchsorted(cw, x * cw[-1]), len(order) - 1)], j]) for x in q]
        return out

    def draw(self, n: int, rng: np.random.Generator) -> list[dict[str, float]]:
        """``n`` whole parameter sets drawn from the posterior (by weight, with replacement)."""
        idx = rng.choice(len(self.weights), size=n, p=self.weights / self.weights.sum())
        return [dict(zip(self.ids, map(float, self.samples[i]), strict=True)) for i in idx]

    def to_record(self) -> dict:
        return {
            "parameters": list(self.ids),
            "samples": [[float(f"{x:.{DIGITS}g}") for x in row] for row in self.samples],
            "weights": [float(f"{w:.6g}") for w in self.weights],
            "distances": [float(f"{d:.4g}") for d in self.distances],
            "generations": self.generations,
        }

    @classmethod
    def from_record(cls, rec: dict) -> Posterior:
        w = np.array(rec["weights"], float)
        return cls(list(rec["parameters"]), np.array(rec["samples"], float), w / w.sum(), np.array(rec.get("distances", [np.nan] * len(w)), float),
                   list(rec.get("generations", [])))


def identification(posterior: Posterior, space: Space) -> dict[str, dict]:
    """Each parameter's posterior 5–95% width as a share of its prior range (in u), and a verdict."""
    q = posterior.quantiles()
    u05 = space.to_u({pid: v[0] for pid, v in q.items()})
    u95 = space.to_u({pid: v[2] for pid, v in q.items()})
    out = {}
    for j, p in enumerate(space.params):
        width = float(u95[j] - u05[j])
        verdict = "identified" if width < IDENTIFIED else "weak" if width < WEAK else "not identified"
        out[p.id] = {"p05": q[p.id][0], "median": q[p.id][1], "p95": q[p.id][2], "width_share_of_prior": round(width, 3), "identification": verdict}
    return out


# -- the ABC run ----------------------------------------------------------------
@dataclass
class AbcSettings:
    scale: float
    population: int
    generations: int
    min_epsilon: float
    workers: int
    seed: int
    per_particle: int = 2  # simulations averaged for one particle's value
    scheduler: str | None = None  # a Dask scheduler's address: run the candidates there


@dataclass(frozen=True)
class ParticleDistance:
    """One particle on the logistic scale → (distance, the fitted targets' model values): the mean of
    ``per_particle`` simulations on seeds spawned from the given sequence (picklable; a pure function)."""

    simulator: Simulator
    space: Space
    reported: np.ndarray
    per_particle: int

    def __call__(self, z: np.ndarray, seq: np.random.SeedSequence) -> tuple[float, np.ndarray]:
        values = self.space.to_values(expit(z))
        mean = np.mean([self.simulator(values, s) for s in seq.spawn(self.per_particle)], axis=0)
        return distance(mean, self.reported, self.simulator.targets), mean


class AbcCalibration:
    """ABC-SMC of the calibrated parameters against the fitted targets (one entry point: :meth:`run`)."""

    def __init__(self, scenario: Scenario, settings: AbcSettings):
        self.scenario = calibration_scenario(scenario)
        self.settings = settings
        self.catalogue = load_catalogue(scenario.region)
        self.space = Space.of(self.catalogue)
        self.fitted = of_role("fit")
        self.simulator = Simulator(self.scenario, settings.scale, self.fitted)
        self.reported = np.array([t.reported(self.catalogue) for t in self.fitted])
        self.simulations = 0

    def run(self, progress: Progress | None = None) -> Posterior:
        s = self.settings
        evaluate = ParticleDistance(self.simulator, self.space, self.reported, s.per_particle)
        smc = SmcSettings(population=s.population, generations=s.generations, min_epsilon=s.min_epsilon, seed=s.seed)
        map_, close = dask_map(s.scheduler) if s.scheduler else process_map(s.workers)
        clock = [time.perf_counter()]

        def report(gen: dict) -> None:
            now = time.perf_counter()
            gen["seconds"], clock[0] = round(now - clock[0], 1), now  # this generation's own time
            if progress:
                progress(gen["generation"], s.generations, f"ε {gen['epsilon']}, ESS {gen['ess']:.0f}")

        try:
            result = run_smc(evaluate, len(self.space.ids), smc, map_, report)
        finally:
            close()
        self.simulations = result.simulations * s.per_particle
        generations = [{**g, "simulations": g["simulations"] * s.per_particle} for g in result.generations]
        return self._posterior(result.z, result.distances, generations)

    def rejuvenate(self, posterior: Posterior, progress: Progress | None = None) -> Posterior:
        """A finished calibration's particles moved again at its final ε until diverse enough (:func:`qdsim.calibration.smc.rejuvenate`).

        For a posterior that reached its ε with too many copies left (effective sample size under half the particles):
        the same kernel as the last generations, on every particle, continuing the generations' numbering and seeds.
        """
        if posterior.ids != self.space.ids:
            raise ValueError(f"the posterior is over {posterior.ids}, the calibrated parameters are {self.space.ids}")
        s = self.settings
        last = posterior.last_generation
        if not last:
            raise ValueError("the posterior has no record of its generations: nothing to continue")
        evaluate = ParticleDistance(self.simulator, self.space, self.reported, s.per_particle)
        u = np.array([self.space.to_u(dict(zip(posterior.ids, row, strict=True))) for row in posterior.samples])
        u = np.clip(u, 1e-9, 1 - 1e-9)
        z = np.log(u / (1 - u))
        smc = SmcSettings(population=len(z), min_epsilon=s.min_epsilon, seed=s.seed)
        map_, close = dask_map(s.scheduler) if s.scheduler else process_map(s.workers)
        clock = [time.perf_counter()]

        def report(gen: dict) -> None:
            now = time.perf_counter()
            gen["seconds"], clock[0] = round(now - clock[0], 1), now
            if progress:
                progress(gen["generation"], s.generations, f"ε {gen['epsilon']}, ESS {gen['ess']:.0f} (particles moved again)")

        try:
            z, d, _, gens, sims = rejuvenate(evaluate, z, posterior.distances.copy(), np.full((len(z), len(self.reported)), np.nan),
                                             float(last["epsilon"]), smc, map_, first=int(last["generation"]) + 1,
                                             move_rate=float(last.get("move_rate") or 0.5), progress=report)
        finally:
            close()
        self.simulations = sims * s.per_particle
        return self._posterior(z, d, posterior.generations + [{**g, "simulations": g["simulations"] * s.per_particle} for g in gens])

    def _posterior(self, z: np.ndarray, distances: np.ndarray, generations: list[dict]) -> Posterior:
        samples = np.array([[self.space.to_values(row)[pid] for pid in self.space.ids] for row in expit(z)])
        n = len(samples)
        return Posterior(self.space.ids, samples, np.full(n, 1.0 / n), distances, generations)


def posterior_point(posterior: Posterior) -> dict[str, float]:
    """The point runs use: each parameter's weighted posterior median (a posterior summary), to 5 significant digits."""
    return round_values({pid: v[1] for pid, v in posterior.quantiles().items()})
