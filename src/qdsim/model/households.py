"""Households and their workers, stored as columns of arrays.

About half a million households and a million workers at 1:1 scale: each is
an individual with its own state and stochastic decisions, but the state is
kept in NumPy arrays and updated vectorised (never one Python object each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CROPS = ("potato", "herbs", "grain", "greenhouse", "forage")

# worker states
HOME, AWAY, QINGDAO, FIRM = 0, 1, 2, 3
STATE_NAMES = ("home", "away", "qingdao", "firm")

INCOME_SOURCES = ("farm", "wages_local", "wages_migrant", "transfers", "dividends")


@dataclass
class Households:
    county: np.ndarray  # int8, county index
    village: np.ndarray  # int32, index into the model's village list
    size: np.ndarray  # int16, persons
    productivity: np.ndarray  # float, persistent factor (mean 1)
    formerly_poor: np.ndarray  # bool
    area: np.ndarray  # float (n, 5) 亩 by crop, in CROPS order
    tech: np.ndarray  # int8: 0 traditional, 1 improved, 2 high-yield practice copied from demonstrations
    demo_potato: np.ndarray  # float 亩 of the household's potato land in the demonstration
    demo_greenhouse: np.ndarray  # float 亩 of greenhouse land in the demonstration
    income: np.ndarray  # float (n, 5) 元 this year by source, INCOME_SOURCES order
    oop_medical: np.ndarray  # float 元 out-of-pocket medical cost this year
    monitored: np.ndarray  # bool, under the monitoring line at the last assessment
    weight: float  # households represented by each simulated household (1 / scale)

    @property
    def n(self) -> int:
        return len(self.size)

    def total_income(self) -> np.ndarray:
        return self.income.sum(axis=1)

    def reset_year(self) -> None:
        self.income[:] = 0.0
        self.oop_medical[:] = 0.0


@dataclass
class Workers:
    household: np.ndarray  # int32
    county: np.ndarray  # int8 (copy of the household's, for speed)
    village: np.ndarray  # int32
    state: np.ndarray  # int8 HOME/AWAY/QINGDAO/FIRM
    employer: np.ndarray  # int32 firm slot, -1 when not in a firm
    trained: np.ndarray  # bool, had order-based training
    subsidised: np.ndarray  # bool, received the subsidy this year
    coop_months: np.ndarray  # int8 months this year in a cooperation-supported job
    skill: np.ndarray = field(default=None)  # float, earnings factor (household productivity × own draw)
    stable_counted: np.ndarray = field(default=None)  # bool, counted as stable this year

    def __post_init__(self):
        if self.skill is None:
            self.skill = np.ones(len(self.household))
        if self.stable_counted is None:
            self.stable_counted = np.zeros(len(self.household), dtype=bool)

    @property
    def n(self) -> int:
        return len(self.household)

    def reset_year(self) -> None:
        self.coop_months[:] = 0
        self.subsidised[:] = False
        self.stable_counted[:] = False
