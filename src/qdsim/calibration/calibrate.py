"""The whole calibration: the ABC posterior, the point runs use, and its verification.

:func:`calibrate` is the one entry point (the ``qdsim calibrate`` command is
thin over it): it runs :class:`qdsim.calibration.abc.AbcCalibration`, picks
the point (:func:`qdsim.calibration.abc.choose_point`), and checks every
target — fitted, held out and accounting — on ``replicates`` replicates of
the baseline's seed and of a hold-out seed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from qdsim.calibration.abc import HOLDOUT_SEED, AbcCalibration, AbcSettings, Posterior, Simulator, Space, identification, posterior_point, prior_values
from qdsim.calibration.targets import TARGETS, Target, of_role
from qdsim.foundation.catalogue import load_catalogue
from qdsim.scenario.schema import Scenario


@dataclass(frozen=True)
class TargetCheck:
    """One target at the chosen point: the model's mean and 5–95% across replicates, and its error."""

    target: Target
    reported: float
    mean: float
    p05: float
    p95: float
    error: float  # relative (growth: difference in shares)
    holdout_error: float  # the same on the hold-out seed
    full_scale_error: float | None = None  # the same at full scale (scale 1), on the baseline's seed: does the fit carry over?

    @property
    def ok(self) -> bool:
        return abs(self.error) <= self.target.tolerance + 1e-12 and abs(self.holdout_error) <= self.target.tolerance + 1e-12


def check_targets(samples: np.ndarray, holdout: np.ndarray, region: str, targets: tuple[Target, ...] = TARGETS,
                  full_scale: np.ndarray | None = None) -> list[TargetCheck]:
    """Checks from (replicate, target) values on the baseline seed and on the hold-out seed (and at full scale, reported only)."""
    reg = load_catalogue(region)
    out = []
    for j, t in enumerate(targets):
        mean = float(samples[:, j].mean())
        p05, p95 = (float(x) for x in np.percentile(samples[:, j], [5, 95]))
        full = None if full_scale is None else t.error(float(full_scale[:, j].mean()), reg)
        out.append(TargetCheck(t, t.reported(reg), mean, p05, p95, t.error(mean, reg), t.error(float(holdout[:, j].mean()), reg), full))
    return out


@dataclass
class CalibrationResult:
    """What :func:`calibrate` found, ready to be recorded (:mod:`qdsim.calibration.report`)."""

    scenario: Scenario  # the calibration scenario (cut at 2025)
    space: Space
    prior: dict[str, float]
    posterior: Posterior
    values: dict[str, float]  # the point runs use
    checks: list[TargetCheck]
    settings: dict
    simulations: int
    seconds: float
    identification: dict[str, dict] = field(default_factory=dict)
    predictive: dict[str, dict] = field(default_factory=dict)  # figure -> the posterior predictive 5–95% and whether the figure is inside

    @property
    def ok(self) -> bool:
        """Every fitted and accounting target within its tolerance on both seeds (held-out ones are reported, not required)."""
        return all(c.ok for c in self.checks if c.target.role in ("fit", "check"))


def calibrate(
    scenario: Scenario,
    *,
    scale: float,
    population: int,
    generations: int,
    min_epsilon: float,
    replicates: int,
    per_particle: int = 2,
    workers: int = 1,
    seed: int | None = None,
    scheduler: str | None = None,
    posterior: Posterior | None = None,
    point: dict[str, float] | None = None,
    rejuvenate: bool = False,
    predictive_draws: int = 60,
    full_scale_replicates: int = 0,
    progress=None,
) -> CalibrationResult:
    """Fit the calibrated parameters by ABC-SMC, take the posterior median as the point, verify every target.

    Args:
        scale: share of households simulated in every evaluation.
        population, generations, min_epsilon: the ABC-SMC's particles per generation, most
            generations, and the distance at which it stops (1.0: the fitted targets one
            tolerance off, root mean square).
        replicates: replicates of the verification on the baseline's seed and the hold-out seed.
        per_particle: simulations averaged for a particle's value.
        seed: the ABC's seed (default: the scenario's).
        scheduler: a Dask scheduler's address to run the candidates on (the same result as locally).
        posterior: reuse this posterior (a previous calibration's) instead of running the ABC.
        point: with a reused posterior, keep this point (the previous calibration's) instead of the posterior
            median: a re-verification of a calibration after a change of the model, not a new fit.
        rejuvenate: with a reused posterior, first move its particles again at its final ε until its effective
            sample size is at least half the particles (a calibration that reached ε with too many copies left).
        predictive_draws: parameter sets drawn from the posterior for the posterior predictive check.
        full_scale_replicates: replicates of the point at full scale (scale 1, the baseline's seed), reported beside
            the checks: whether what was fitted at ``scale`` holds with every household simulated (0: not run).
    """
    started = time.perf_counter()
    seed = scenario.seed if seed is None else seed
    abc = AbcCalibration(scenario, AbcSettings(scale, population, generations, min_epsilon, workers, seed, per_particle, scheduler=scheduler))
    if posterior is None:
        posterior = abc.run(progress)
    elif posterior.ids != abc.space.ids:
        raise ValueError(f"the posterior is over {posterior.ids}, the calibrated parameters are {abc.space.ids}")
    elif rejuvenate:
        posterior = abc.rejuvenate(posterior, progress)
    if point is not None and set(point) != set(abc.space.ids):
        raise ValueError(f"the point sets {sorted(point)}, the calibrated parameters are {abc.space.ids}")
    values = dict(point) if point is not None else posterior_point(posterior)
    full = Simulator(abc.scenario, scale, TARGETS)
    at_full_scale = (Simulator(abc.scenario, 1.0, TARGETS).replicates(values, scenario.seed, full_scale_replicates)
                     if full_scale_replicates and scale < 1.0 else None)
    checks = check_targets(full.replicates(values, scenario.seed, replicates), full.replicates(values, HOLDOUT_SEED, replicates), scenario.region,
                           full_scale=at_full_scale)
    predictive = predictive_check(posterior, full, scenario.region, draws=predictive_draws, seed=seed)
    sims = abc.simulations + 2 * replicates + predictive_draws + (0 if at_full_scale is None else full_scale_replicates)  # a reused posterior's are in its record
    return CalibrationResult(
        scenario=abc.scenario,
        space=abc.space,
        prior={k: v for k, v in prior_values(scenario.region).items() if k in abc.space.ids},
        posterior=posterior,
        values=values,
        checks=checks,
        settings={"scale": scale, "population": population, "generations": generations, "min_epsilon": min_epsilon, "per_particle": per_particle,
                  "replicates": replicates, "full_scale_replicates": 0 if at_full_scale is None else full_scale_replicates,
                  "seed": seed, "workers": workers, "scheduler": scheduler, "posterior_reused": abc.simulations == 0 or rejuvenate,
                  "rejuvenated": rejuvenate,
                  "point": "kept from the previous calibration (re-verified)" if point is not None else "weighted posterior median of each parameter",
                  "period": f"{abc.scenario.period.start}-{abc.scenario.period.end}",
                  "fitted": [t.figure for t in of_role("fit")]},
        simulations=sims,
        seconds=time.perf_counter() - started,
        identification=identification(posterior, abc.space),
        predictive=predictive,
    )


def predictive_check(posterior: Posterior, simulator: Simulator, region: str, *, draws: int, seed: int) -> dict[str, dict]:
    """The posterior predictive check: ``draws`` parameter sets from the posterior, one simulation each on its own seed;
    for every target, the 5–95% of the model's values and whether the published figure lies inside."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 11]))
    sets = posterior.draw(draws, rng)
    values = np.array([simulator(v, seq) for v, seq in zip(sets, np.random.SeedSequence([seed, 12]).spawn(draws), strict=True)])
    reg = load_catalogue(region)
    out = {}
    for j, t in enumerate(simulator.targets):
        p05, p95 = (float(x) for x in np.percentile(values[:, j], [5, 95]))
        reported = t.reported(reg)
        out[t.figure] = {"p05": p05, "p95": p95, "inside": bool(p05 <= reported <= p95)}
    return out
