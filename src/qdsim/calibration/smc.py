"""Replenishment ABC-SMC (Drovandi & Pettitt 2011): equal-weight particles moved by ABC-MCMC each generation.

Why not importance-weighted ABC-SMC (Toni et al. 2009; pyABC's ABCSMC, which qdsim used before): its particles
carry weights prior / proposal, and where parameters are weakly identified the prior's tails are heavier than the
proposal's Gaussian kernels, so a few particles take most of the weight. With 11 parameters the effective sample
size fell to 4–31 of 100–250 particles from the second generation on (measured on qdsim and on a toy problem
with the same shape, with pyABC's own samplers and with wider, local or defensive kernels): the posterior was a
few points.

Here every particle has the same weight:

* generation 0 draws ``population`` particles from the prior and evaluates each;
* generation *t* sets ε_t at the distance that keeps the best ``1 − drop`` of the particles (never below
  ``min_epsilon``), replaces the others by copies of kept particles (drawn uniformly), and moves each copy by
  ``R_t`` Metropolis–Hastings steps that leave the ABC posterior at ε_t invariant (Marjoram et al. 2003):
  a Gaussian proposal with covariance (2.38² / d) × the kept particles' covariance, accepted with probability
  min(1, π(z′) / π(z)) × 1{d(z′) ≤ ε_t}. The prior ratio is tried first, so a proposal it rejects costs no
  simulation;
* ``R_t = ⌈ln c / ln(1 − p)⌉`` (at most ``max_steps``), with *p* the last generation's acceptance rate of
  moves, so that a copy moves at least once with probability about 1 − c;
* it stops when ε_t ≤ ``min_epsilon`` (reached), when moves are accepted less often than ``min_move_rate``
  (the tolerance cannot shrink further at this cost), or after ``generations``;
* once ε is reached, if the particles' diversity (below) is under ``min_ess``, every particle — kept ones too —
  is moved again by the same MCMC kernel at the final ε (:func:`rejuvenate`; the kernel leaves the ABC
  posterior at that ε invariant, so this only replaces copies by fresh draws), at most ``rejuvenations``
  rounds, until it is not.

The diversity left is the effective sample size of the multiset, N² / Σ n_k² over distinct parameter sets
(n_k copies each): N when every particle is distinct.

Parameters live on an unbounded scale ``z`` with a standard logistic prior (``u = expit(z)`` is uniform on
(0, 1)); the caller maps ``u`` to values. Generation *t*'s resampling draws from ``SeedSequence([seed, t])``;
particle or chain *i*'s proposals and simulations from ``SeedSequence([seed, t, i])``; ``evaluate`` is a pure
function of (z, seed sequence). The result is therefore the same for any ``map``: the built-in one, a process
pool or a Dask cluster (tested).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

#: (z, seed sequence) → (distance, the targets' model values)
Evaluate = Callable[[np.ndarray, np.random.SeedSequence], tuple[float, np.ndarray]]
Mapper = Callable[[Callable, Iterable], Iterator]
Progress = Callable[[dict], None]


def log_prior(z: np.ndarray) -> float:
    """Log density of independent standard logistic z (each expit(z) uniform on (0, 1))."""
    a = np.abs(z)
    return float(np.sum(-a - 2.0 * np.log1p(np.exp(-a))))


def steps_for(move_rate: float, c: float, max_steps: int) -> int:
    """MCMC steps so that a copy moves at least once with probability about 1 − c, given the rate moves are accepted."""
    if move_rate >= 1.0:
        return 1
    if move_rate <= 0.0:
        return max_steps
    return int(min(max_steps, max(1, math.ceil(math.log(c) / math.log(1.0 - move_rate)))))


def multiset_ess(z: np.ndarray) -> float:
    """N² / Σ n_k²: the effective sample size of equal-weight particles where n_k are copies of one parameter set."""
    _, counts = np.unique(z, axis=0, return_counts=True)
    return float(len(z) ** 2 / np.sum(counts.astype(float) ** 2))


@dataclass(frozen=True)
class _Start:
    evaluate: Evaluate
    z: np.ndarray
    key: tuple[int, ...]


def _start(task: _Start) -> tuple[float, np.ndarray]:
    return task.evaluate(task.z, np.random.SeedSequence(list(task.key)))


@dataclass(frozen=True)
class _Chain:
    evaluate: Evaluate
    z: np.ndarray
    distance: float
    values: np.ndarray
    epsilon: float
    chol: np.ndarray
    steps: int
    key: tuple[int, ...]


def _chain(task: _Chain) -> tuple[np.ndarray, float, np.ndarray, int, int]:
    """``steps`` ABC-MCMC moves from one particle: (z, distance, values, moves accepted, simulations)."""
    seq = np.random.SeedSequence(list(task.key))
    proposal_seq, sim_seq = seq.spawn(2)
    rng = np.random.default_rng(proposal_seq)
    z, d, values = task.z, task.distance, task.values
    lp = log_prior(z)
    accepted = simulations = 0
    for step in range(task.steps):
        cand = z + task.chol @ rng.standard_normal(len(z))
        lp_cand = log_prior(cand)
        if math.log(rng.uniform()) >= lp_cand - lp:  # the prior ratio rejects it: no simulation needed
            continue
        d_cand, v_cand = task.evaluate(cand, np.random.SeedSequence(sim_seq.entropy, spawn_key=(*sim_seq.spawn_key, step)))
        simulations += 1
        if d_cand <= task.epsilon:
            z, d, values, lp = cand, d_cand, v_cand, lp_cand
            accepted += 1
    return z, d, values, accepted, simulations


@dataclass
class SmcSettings:
    population: int = 250
    generations: int = 30
    min_epsilon: float = 0.9
    drop: float = 0.5  # share of particles replaced each generation
    c: float = 0.1  # a copy stays unmoved with probability about c
    max_steps: int = 40  # MCMC steps a generation at most
    min_move_rate: float = 0.01  # stop when moves are accepted less often than this
    min_ess: float | None = None  # at the final ε, move every particle again while the effective sample size is below this (None: half the population)
    rejuvenations: int = 3  # rounds of those moves at most
    seed: int = 0


@dataclass
class SmcResult:
    z: np.ndarray  # (particle, parameter) on the logistic scale
    distances: np.ndarray
    values: np.ndarray  # (particle, target)
    generations: list[dict] = field(default_factory=list)
    simulations: int = 0
    reached: bool = False  # ε ≤ min_epsilon


def run_smc(evaluate: Evaluate, dim: int, settings: SmcSettings, map_: Mapper = map, progress: Progress | None = None) -> SmcResult:
    """Replenishment ABC-SMC of ``dim`` parameters (see the module's doc)."""
    s = settings
    n = s.population
    n_keep = n - int(round(s.drop * n))
    if not 2 <= n_keep < n:
        raise ValueError("population and drop must keep at least two particles and replace at least one")
    rng0 = np.random.default_rng(np.random.SeedSequence([s.seed, 0]))
    z = rng0.logistic(size=(n, dim))
    out = list(map_(_start, [_Start(evaluate, z[i], (s.seed, 0, i)) for i in range(n)]))
    d = np.array([o[0] for o in out])
    values = np.array([o[1] for o in out])
    simulations = n
    gens = [{"generation": 0, "epsilon": float(f"{d.max():.4g}"), "particles": n, "simulations": n, "move_rate": None,
             "steps": 0, "ess": multiset_ess(z)}]
    if progress:
        progress(gens[-1])
    move_rate, reached = 0.5, False
    for t in range(1, s.generations + 1):
        order = np.argsort(d, kind="stable")
        eps = max(float(d[order[n_keep - 1]]), s.min_epsilon)
        keep = order[d[order] <= eps]
        if len(keep) >= n:  # nothing to replace: every particle within min_epsilon (or all tied at the threshold)
            reached = eps <= s.min_epsilon
            break
        rng = np.random.default_rng(np.random.SeedSequence([s.seed, t]))
        replaced = np.setdiff1d(np.arange(n), keep)
        parents = rng.choice(keep, size=len(replaced), replace=True)
        z[replaced], d[replaced], values[replaced] = z[parents], d[parents], values[parents]
        cov = np.atleast_2d(np.cov(z[keep], rowvar=False)) * (2.38**2 / dim)
        chol = np.linalg.cholesky(cov + 1e-9 * np.eye(dim))
        steps = steps_for(move_rate, s.c, s.max_steps)
        tasks = [_Chain(evaluate, z[i], float(d[i]), values[i], eps, chol, steps, (s.seed, t, int(i))) for i in replaced]
        moved = list(map_(_chain, tasks))
        accepted = sims = 0
        for i, (zi, di, vi, acc, sim) in zip(replaced, moved, strict=True):
            z[i], d[i], values[i] = zi, di, vi
            accepted += acc
            sims += sim
        simulations += sims
        move_rate = accepted / (len(replaced) * steps)
        gens.append({"generation": t, "epsilon": float(f"{eps:.4g}"), "particles": n, "simulations": sims, "steps": steps,
                     "move_rate": float(f"{move_rate:.4g}"), "ess": float(f"{multiset_ess(z):.4g}")})
        if progress:
            progress(gens[-1])
        if eps <= s.min_epsilon:
            reached = True
            break
        if move_rate < s.min_move_rate:
            break
    if reached:
        z, d, values, more, sims = rejuvenate(evaluate, z, d, values, float(min(gens[-1]["epsilon"], s.min_epsilon)), s, map_,
                                              first=gens[-1]["generation"] + 1, move_rate=move_rate, progress=progress)
        gens += more
        simulations += sims
    return SmcResult(z, d, values, gens, simulations, reached)


def rejuvenate(evaluate: Evaluate, z: np.ndarray, d: np.ndarray, values: np.ndarray, epsilon: float, settings: SmcSettings,
               map_: Mapper = map, *, first: int, move_rate: float = 0.5, progress: Progress | None = None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict], int]:
    """Move every particle by ABC-MCMC at ``epsilon`` while the effective sample size is below ``settings.min_ess``
    (None: half the particles).

    At most ``settings.rejuvenations`` rounds, numbered as generations from ``first`` (their seeds are
    ``(seed, generation, particle)`` as the generations'); each round's record says ``"rejuvenation": True``.
    Returns the particles, their distances and values, the rounds' records and their simulations.
    """
    s = settings
    z, d, values = z.copy(), d.copy(), values.copy()
    n, dim = z.shape
    min_ess = n / 2 if s.min_ess is None else s.min_ess
    gens: list[dict] = []
    simulations = 0
    for r in range(s.rejuvenations):
        if multiset_ess(z) >= min_ess:
            break
        t = first + r
        cov = np.atleast_2d(np.cov(z, rowvar=False)) * (2.38**2 / dim)
        chol = np.linalg.cholesky(cov + 1e-9 * np.eye(dim))
        steps = steps_for(move_rate, s.c, s.max_steps)
        moved = list(map_(_chain, [_Chain(evaluate, z[i], float(d[i]), values[i], epsilon, chol, steps, (s.seed, t, i)) for i in range(n)]))
        accepted = sims = 0
        for i, (zi, di, vi, acc, sim) in enumerate(moved):
            z[i], d[i], values[i] = zi, di, vi
            accepted += acc
            sims += sim
        simulations += sims
        move_rate = accepted / (n * steps)
        gens.append({"generation": t, "epsilon": float(f"{epsilon:.4g}"), "particles": n, "simulations": sims, "steps": steps,
                     "move_rate": float(f"{move_rate:.4g}"), "ess": float(f"{multiset_ess(z):.4g}"), "rejuvenation": True})
        if progress:
            progress(gens[-1])
    return z, d, values, gens, simulations
