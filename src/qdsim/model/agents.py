"""Villages and enterprises: Mesa agents (thousands, not millions).

An agent is an identity: its facts live once, in the typed state of the
mechanism that works on them (``model.villages``, ``model.firms``: arrays,
one slot each), and the agent reads and writes them there. What they do —
a village's collective income, a firm's hiring, buying, yearly accounts and
exit — is done by the mechanism modules over all agents at once
(:mod:`qdsim.model.villages`, :mod:`qdsim.model.enterprises`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from qdsim.foundation.catalogue import ParameterSet
    from qdsim.model.model import DingxiModel


class Village(mesa.Agent):
    """An administrative village (行政村); its traits, pairing and accounts live in ``model.villages``."""

    model: DingxiModel

    def __init__(self, model: DingxiModel, *, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def county(self) -> int:
        return int(self.model.villages.county[self.index])

    @property
    def paired(self) -> bool:
        return bool(self.model.villages.paired[self.index])

    @property
    def pairing_rank(self) -> int:
        return int(self.model.villages.rank[self.index])

    @property
    def demo(self) -> bool:
        """A demonstration village (乡村振兴示范村)."""
        return bool(self.model.villages.demo[self.index])

    @property
    def assets(self) -> float:
        """元 of funded collective assets (greenhouses, cold storage)."""
        return float(self.model.villages.assets[self.index])

    @property
    def collective_income(self) -> float:
        """元 this year (:func:`qdsim.model.villages.year_end`)."""
        return float(self.model.villages.collective_income[self.index])


class Enterprise(mesa.Agent):
    """A firm, cooperative or aid workshop (帮扶车间) in Dingxi; its capital, jobs and accounts live in ``model.firms``."""

    SECTORS = ("potato", "herbs", "livestock", "vegetables", "logistics", "workshop", "tech")

    model: DingxiModel

    def __init__(self, model: DingxiModel, *, slot: int, sector: str, village: int = -1) -> None:
        super().__init__(model)
        self.slot = slot  # index into the model's firm arrays
        self.sector = sector
        self.pending: list[tuple[float, float]] = []  # (step when productive, capital): steps + project_duration_months, a parameter (float) from projects under way
        self.village = village

    @property
    def county(self) -> int:
        return int(self.model.firms.county[self.slot])

    @property
    def coop(self) -> bool:
        """Funded by or brought in through the cooperation."""
        return bool(self.model.firms.coop[self.slot])

    @property
    def capital(self) -> float:
        """元, productive."""
        return float(self.model.firms.capital[self.slot])

    @property
    def profit(self) -> float:
        """元, the last year's."""
        return float(self.model.firms.profit[self.slot])

    @property
    def cumulative_loss(self) -> float:
        return float(self.model.firms.cumulative_loss[self.slot])

    @property
    def age(self) -> int:
        """Year ends the firm has been through."""
        return int(self.model.firms.age[self.slot])

    @property
    def jobs_target(self) -> float:
        """Jobs at full scale that the firm's capital supports."""
        return float(jobs_supported(self.model.firms.capital[self.slot], self.model.params))


def jobs_supported[F: (float, NDArray[np.float64])](capital: F, p: ParameterSet) -> F:
    """Jobs at full scale that ``capital`` (元, a firm's or an array of firms') supports."""
    return capital / p.capital_per_job * p.fill_rate
