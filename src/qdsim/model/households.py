"""Households and their workers, stored as columns of arrays.

About half a million households and a million workers at 1:1 scale: each is
an individual with its own state and stochastic decisions, but the state is
kept in NumPy arrays and updated vectorised (never one Python object each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CROPS = ("potato", "herbs", "grain", "greenhouse", "forage")

# worker states: at home (farm and casual work), in a local firm, away within Gansu,
# away in another province, in Qingdao (through the cooperation channel)
HOME, FIRM, GANSU, OTHER, QINGDAO = 0, 1, 2, 3, 4
STATE_NAMES = ("home", "firm", "gansu", "other", "qingdao")
#: destinations of migrants (states a worker leaves home for)
AWAY_STATES = (GANSU, OTHER, QINGDAO)

INCOME_SOURCES = ("farm", "wages_local", "wages_migrant", "transfers", "dividends")


@dataclass
class Households:
    county: np.ndarray  # int8, county index; households come county by county (county is sorted)
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
    migrant_earnings: np.ndarray  # float 元 gross earnings of the household's migrants this year (before living costs)
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
        self.migrant_earnings[:] = 0.0


@dataclass
class Workers:
    household: np.ndarray  # int32
    county: np.ndarray  # int8 (copy of the household's, for speed); workers come household by household, so county by county
    village: np.ndarray  # int32
    state: np.ndarray  # int8 HOME/FIRM/GANSU/OTHER/QINGDAO
    employer: np.ndarray  # int32 firm slot, -1 when not in a firm
    trained: np.ndarray  # bool, had order-based training
    subsidised: np.ndarray  # bool, received the subsidy this year
    assisted_months: np.ndarray  # int8 months this year employed with the programme's help
    eligible: np.ndarray  # bool, of a household the programme targets (formerly poor)
    skill: np.ndarray = field(default=None)  # float, earnings factor (household productivity × own draw)
    assisted: np.ndarray = field(default=None)  # bool, the current job was found with the programme's help
    stable_counted: np.ndarray = field(default=None)  # bool, counted as stable this year
    employed_months: np.ndarray = field(default=None)  # int8 months this year away or in a firm

    def __post_init__(self):
        m = len(self.household)
        if self.skill is None:
            self.skill = np.ones(m)
        if self.assisted is None:
            self.assisted = np.zeros(m, dtype=bool)
        if self.stable_counted is None:
            self.stable_counted = np.zeros(m, dtype=bool)
        if self.employed_months is None:
            self.employed_months = np.zeros(m, dtype=np.int8)

    @property
    def n(self) -> int:
        return len(self.household)

    def reset_year(self) -> None:
        """January: the year's counters start again; help for a job away lapses (not in Qingdao's channel)."""
        self.assisted &= self.state == QINGDAO
        self.assisted_months[:] = 0
        self.employed_months[:] = 0
        self.subsidised[:] = False
        self.stable_counted[:] = False
