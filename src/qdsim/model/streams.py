"""One seeded random stream per mechanism (common random numbers).

All streams of a replicate are spawned from one ``SeedSequence``, in a fixed
order, so that a scenario and its counterfactual draw the same numbers for
each mechanism, and a lever that changes how many draws one mechanism makes
does not reshuffle the draws of the others.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

#: the streams, by name: a misspelt stream is a type error
StreamName = Literal[
    "population",
    "labour",
    "farming",
    "consumption",
    "enterprises",
    "villages",
    "ecology",
    "shocks",
    "funds",
    "mesa",
    "hiring",
]
#: the streams in the order they are spawned (the order of ``StreamName``)
MECHANISMS: tuple[StreamName, ...] = get_args(StreamName)


def replicate_seeds(seed: int, replicates: int) -> list[np.random.SeedSequence]:
    """Seed sequences of the replicates of a run; replicate r is the same whatever the count."""
    root = np.random.SeedSequence(seed)
    return root.spawn(replicates)


def spawn_streams(seq: np.random.SeedSequence) -> dict[StreamName, np.random.Generator]:
    # spawn() on a copy, so that the same SeedSequence yields the same streams every time
    fresh = np.random.SeedSequence(seq.entropy, spawn_key=seq.spawn_key)
    children = fresh.spawn(len(MECHANISMS))
    return {name: np.random.default_rng(child) for name, child in zip(MECHANISMS, children, strict=True)}
