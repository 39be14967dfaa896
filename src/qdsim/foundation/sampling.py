"""Latin hypercube samples, drawn with NumPy alone.

Batch samples (``sample:``) and assumption draws are Latin hypercubes. SciPy's
``qmc.LatinHypercube`` draws them, but importing ``scipy.stats`` imports
``scipy.optimize`` and takes a second: too much for ``qdsim validate``, which
expands a sampled batch to check every point, and for ``import qdsim.api``.
This is the same algorithm (SciPy's default: scrambled, strength 1, no
optimisation) on the same random stream, so the points are identical to
SciPy's for the same seed — tested against SciPy in tests/foundation/test_sampling.py —
and they no longer depend on SciPy's version.
"""

from __future__ import annotations

import numpy as np


def latin_hypercube(d: int, n: int, seed: int | np.random.Generator) -> np.ndarray:
    """``n`` points of a ``d``-dimensional Latin hypercube in [0, 1): one point in each of the n slices of every axis.

    Args:
        seed: an integer seed, or a Generator (of which, as SciPy does, a child
            is spawned, so that the caller's stream is not advanced).

    Returns:
        An (n, d) array, equal to ``scipy.stats.qmc.LatinHypercube(d=d, seed=seed).random(n)`` (the keyword qdsim
        used with SciPy; ``rng=`` draws differently).
    """
    if isinstance(seed, np.random.Generator):
        bits = seed.bit_generator
        rng = np.random.Generator(type(bits)(bits.seed_seq.spawn(1)[0]))
    else:
        rng = np.random.default_rng(seed)
    within = rng.uniform(size=(n, d))  # where in its slice each point falls
    slices = np.tile(np.arange(1, n + 1), (d, 1))
    for axis in range(d):
        rng.shuffle(slices[axis, :])
    return (slices.T - within) / n
