"""Villages and enterprises: Mesa agents (thousands, not millions).

Their yearly bookkeeping is their own ``step``; what they do to households
(hiring, buying, paying dividends) goes through the mechanism modules, which
work on the household arrays. Facts that the mechanisms read as arrays (a
village's county and pairing, a firm's cooperation flag) are kept once, in
the mechanism's typed state, and the agents read them from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from qdsim.model.model import DingxiModel


class Village(mesa.Agent):
    """An administrative village (行政村); its fixed traits and pairing live in ``model.villages``."""

    model: DingxiModel

    def __init__(self, model: DingxiModel, *, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.demo = False  # demonstration village (乡村振兴示范村)
        self.assets = 0.0  # 元 of funded collective assets (greenhouses, cold storage)
        self.collective_income = 0.0  # 元 this year

    @property
    def county(self) -> int:
        return int(self.model.villages.county[self.index])

    @property
    def paired(self) -> bool:
        return bool(self.model.villages.paired[self.index])

    @property
    def pairing_rank(self) -> int:
        return int(self.model.villages.rank[self.index])

    def step(self) -> None:
        """Year-end collective income: base, returns on funded assets, demonstration and pairing."""
        p = self.model.params
        self.collective_income = (
            p.collective_income_base
            + p.asset_return * self.assets
            + (p.demo_collective_boost if self.demo else 0.0)
            + (p.pairing_income if self.paired else 0.0)
        )


class Enterprise(mesa.Agent):
    """A firm, cooperative or aid workshop (帮扶车间) in Dingxi; its positions, hires and cooperation flag live in ``model.firms``."""

    SECTORS = ("potato", "herbs", "livestock", "vegetables", "logistics", "workshop", "tech")

    model: DingxiModel

    def __init__(self, model: DingxiModel, *, slot: int, county: int, sector: str, capital: float, village: int = -1) -> None:
        super().__init__(model)
        self.slot = slot  # index into the model's firm arrays (positions, hired, coop)
        self.county = county
        self.sector = sector
        self.capital = capital  # 元, productive
        self.pending: list[tuple[float, float]] = []  # (step when productive, capital): steps + project_duration_months, a parameter (float) from projects under way
        self.village = village
        self.profit = 0.0
        self.cumulative_loss = 0.0
        self.age = 0

    @property
    def coop(self) -> bool:
        """Funded by or brought in through the cooperation."""
        return bool(self.model.firms.coop[self.slot])

    @property
    def jobs_target(self) -> float:
        """Jobs at full scale that the firm's capital supports."""
        return self.capital / self.model.params.capital_per_job * self.model.params.fill_rate

    def step(self) -> None:
        """Year-end accounts: profit from a stochastic return on capital; exit after heavy losses."""
        p = self.model.params
        rng = self.model.streams["enterprises"]
        r = p.enterprise_return + p.enterprise_return_sd * rng.standard_normal()
        self.profit = r * self.capital
        self.cumulative_loss = max(0.0, self.cumulative_loss - self.profit)
        self.age += 1
        if self.cumulative_loss > p.exit_loss_threshold * self.capital:
            self.model.close_firm(self)
