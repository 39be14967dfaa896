"""Model states kept at the start of a year, so that a run whose inputs match up to that year resumes there.

A what-if that changes levers from year Y simulates the years before Y exactly as its baseline does:
the same parameters, region, seed, replicate, scale and period, and in every year before Y the same
levers, conditions and programme shares. The model reads a year's inputs only in that year
(``model.levers.at(key, t)`` with the month's own year ``t``; :mod:`qdsim.scenario.levers`), and each
mechanism draws from its own random stream whose position depends only on what was drawn before. So
its state at the start of Y — every array, the Mesa agents, the random streams where they stand — is
the baseline's, bit for bit, and a what-if resumed from a copy of that state with its own levers gives
byte-identical results (``tests/simulation/test_snapshots.py`` checks it for what-ifs from 2026 and 2028, halved
funds, doubled showrooms, a drought).

A state is found by :func:`key`: a hash of everything the state at the start of year index ``y``
depends on — the task's region, seed, replicate, scale, parameters and years,
and the resolved inputs (:class:`~qdsim.scenario.levers.LeverTable`) of years ``0 … y−1``. Two tasks
with the same key at ``y`` have the same state there, whichever of them simulated it; nothing else
needs to match (a what-if resumes from its baseline's state, a what-if's counterfactual with a
drought from its baseline's counterfactual's).

States are kept in the memory of the process that owns the runs (:data:`STORE`: the app's server, a
script), as pickled bytes that this process or its own worker processes made (:mod:`qdsim.simulation.runner`
hands them to the task that resumes): never written to disk, never read from a file or a user. A
task leaves its state at the years it is asked to (``SimulationTask.keep_at``); the run that needs
it next resumes from the latest one kept. At the app's default settings (2% of households) a state
is about 3 MB pickled; the store keeps the most recently used within :func:`budget_bytes`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from qdsim.scenario.levers import resolve
from qdsim.scenario.whatif import DEFAULT_YEAR

if TYPE_CHECKING:
    from qdsim.model.model import DingxiModel
    from qdsim.scenario.schema import Scenario
    from qdsim.simulation.runner import SimulationTask

#: memory for kept states, in MiB, unless QDSIM_STATES_MB says otherwise (0: keep none)
BUDGET_MB = 1024


def budget_bytes() -> int:
    try:
        mb = float(os.environ.get("QDSIM_STATES_MB", BUDGET_MB))
    except ValueError:
        mb = BUDGET_MB
    return max(0, int(mb * 2**20))


_digests: OrderedDict[str, tuple[bytes, ...]] = OrderedDict()
_digests_lock = threading.Lock()


def year_digests(scenario: Scenario) -> tuple[bytes, ...]:
    """One digest per year of the inputs the model reads in that year (the resolved levers, conditions and shares)."""
    sha = scenario.simulation_sha()
    with _digests_lock:
        if sha in _digests:
            _digests.move_to_end(sha)
            return _digests[sha]
    table = resolve(scenario)
    names = sorted(table.values)
    out = []
    for t in range(len(table.years)):
        h = hashlib.sha256()
        for name in names:
            h.update(name.encode() + b"=" + struct.pack("<d", table.values[name][t]))
        h.update(b"shares=" + np.ascontiguousarray(table.shares[t], dtype="<f8").tobytes())
        out.append(h.digest())
    with _digests_lock:
        _digests[sha] = tuple(out)
        while len(_digests) > 256:
            _digests.popitem(last=False)
    return tuple(out)


def key(task: SimulationTask, year_index: int) -> str:
    """What the state of ``task``'s model at the start of year index ``year_index`` depends on (a hash)."""
    h = hashlib.sha256()
    head = (task.region, int(task.seed), int(task.replicate), float(task.scale).hex(),
            tuple(task.scenario.period.years), tuple((k, float(v).hex()) for k, v in sorted(task.params.items())), int(year_index))
    h.update(repr(head).encode())
    for d in year_digests(task.scenario)[:year_index]:
        h.update(d)
    return h.hexdigest()


def change_index(scenario: Scenario, reference: Scenario) -> int:
    """The first year index at which the model's inputs of ``scenario`` and ``reference`` differ (exactly);
    the number of years when none does. Same period assumed (else 0)."""
    if scenario.period != reference.period:
        return 0
    a, b = year_digests(scenario), year_digests(reference)
    for t, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            return t
    return len(a)


def default_index(scenario: Scenario) -> int:
    """The year index of :data:`qdsim.scenario.whatif.DEFAULT_YEAR` (2026, where a what-if changes by default) in the
    scenario's period (0 when outside it, or its first year: nothing to keep)."""
    years = scenario.period.years
    return years.index(DEFAULT_YEAR) if DEFAULT_YEAR in years[1:] else 0


class Store:
    """Pickled model states by :func:`key`, the most recently used kept within a budget of bytes."""

    def __init__(self, budget: int | None = None):
        self._budget = budget
        self._states: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @property
    def budget(self) -> int:
        return budget_bytes() if self._budget is None else self._budget

    def put(self, k: str, state: bytes) -> None:
        limit = self.budget
        if len(state) > limit // 4:  # one state never crowds out the rest
            return
        with self._lock:
            old = self._states.pop(k, None)
            self._size -= len(old) if old is not None else 0
            self._states[k] = state
            self._size += len(state)
            while self._size > limit and self._states:
                _, dropped = self._states.popitem(last=False)
                self._size -= len(dropped)

    def get(self, k: str) -> bytes | None:
        with self._lock:
            state = self._states.get(k)
            if state is not None:
                self._states.move_to_end(k)
            return state

    def latest(self, task: SimulationTask) -> tuple[int, bytes] | None:
        """The latest kept state ``task`` can resume from: (year index, state), or None."""
        if not self._states:
            return None
        for y in range(len(task.scenario.period.years) - 1, 0, -1):
            state = self.get(key(task, y))
            if state is not None:
                return y, state
        return None

    def clear(self) -> None:
        with self._lock:
            self._states.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._states)

    @property
    def size(self) -> int:
        return self._size


#: this process's kept states
STORE = Store()


def capture(model: DingxiModel) -> bytes:
    """The model's whole state (at a year's start) as bytes."""
    return pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)


def resume(state: bytes, scenario: Scenario) -> DingxiModel:
    """A fresh copy of the model kept in ``state``, reading ``scenario``'s inputs from now on.

    ``state`` is bytes :func:`capture` made in this process or in one of its own worker processes
    (:data:`STORE`), never bytes from a file or a user.
    """
    model = pickle.loads(state)  # noqa: S301 - our own workers' bytes (see the docstring)
    model.levers = resolve(scenario)
    return model


def keep_all(states: Iterable[tuple[str, bytes]]) -> None:
    for k, s in states:
        STORE.put(k, s)
