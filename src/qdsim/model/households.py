"""Households and their workers, stored as columns of arrays.

About half a million households and a million workers at 1:1 scale: each is
an individual with its own state and stochastic decisions, but the state is
kept in NumPy arrays and updated vectorised (never one Python object each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from qdsim.model.accounts import RawKey

CROPS = ("potato", "herbs", "grain", "greenhouse", "forage")
#: the industries whose income the sources report as a share of farmers' income (figures.yaml's
#: ``potato_income_share``, ``herbs_income_share``): crops, and sectors of firms
REPORTED_INDUSTRIES = ("potato", "herbs")

# worker states: at home (farm and casual work), in a local firm, away within Gansu,
# away in another province, in Qingdao (through the cooperation channel)
HOME, FIRM, GANSU, OTHER, QINGDAO = 0, 1, 2, 3, 4
STATE_NAMES = ("home", "firm", "gansu", "other", "qingdao")
#: destinations of migrants (states a worker leaves home for)
AWAY_STATES = (GANSU, OTHER, QINGDAO)

INCOME_SOURCES = ("farm", "wages_local", "wages_migrant", "transfers", "dividends")
#: their year-book keys, in INCOME_SOURCES order
INCOME_KEYS: tuple[RawKey, ...] = ("income_farm", "income_wages_local", "income_wages_migrant", "income_transfers", "income_dividends")
assert INCOME_KEYS == tuple(f"income_{s}" for s in INCOME_SOURCES)


@dataclass
class Households:
    county: NDArray[np.int8]  # county index; households come county by county (county is sorted)
    village: NDArray[np.int32]  # index into the model's village list
    size: NDArray[np.int16]  # persons
    productivity: NDArray[np.float64]  # persistent factor (mean 1)
    formerly_poor: NDArray[np.bool_]
    area: NDArray[np.float64]  # (n, 5) 亩 by crop, in CROPS order
    tech: NDArray[np.int8]  # 0 traditional, 1 improved, 2 high-yield practice copied from demonstrations
    demo_potato: NDArray[np.float64]  # 亩 of the household's potato land in the demonstration
    demo_greenhouse: NDArray[np.float64]  # 亩 of greenhouse land in the demonstration
    income: NDArray[np.float64]  # (n, 5) 元 this year by source, INCOME_SOURCES order
    oop_medical: NDArray[np.float64]  # 元 out-of-pocket medical cost this year
    migrant_earnings: NDArray[np.float64]  # 元 gross earnings of the household's migrants this year (before living costs)
    monitored: NDArray[np.bool_]  # under the monitoring line at the last assessment
    weight: float  # households represented by each simulated household (1 / scale)

    @property
    def n(self) -> int:
        return len(self.size)

    def total_income(self) -> NDArray[np.float64]:
        return self.income.sum(axis=1)

    def reset_year(self) -> None:
        self.income[:] = 0.0
        self.oop_medical[:] = 0.0
        self.migrant_earnings[:] = 0.0


#: markers of a ``Workers`` field not given (filled in ``__post_init__``): compared by identity, like ``None``, but of the field's type
_UNSET_F64: Final[NDArray[np.float64]] = np.empty(0)
_UNSET_BOOL: Final[NDArray[np.bool_]] = np.empty(0, dtype=bool)
_UNSET_I8: Final[NDArray[np.int8]] = np.empty(0, dtype=np.int8)


@dataclass
class Workers:
    household: NDArray[np.int32]
    county: NDArray[np.int8]  # copy of the household's, for speed; workers come household by household, so county by county
    village: NDArray[np.int32]
    state: NDArray[np.int8]  # HOME/FIRM/GANSU/OTHER/QINGDAO
    employer: NDArray[np.int32]  # firm slot, -1 when not in a firm
    trained: NDArray[np.bool_]  # had order-based training
    subsidised: NDArray[np.bool_]  # received the subsidy this year
    assisted_months: NDArray[np.int8]  # months this year employed with the programme's help
    eligible: NDArray[np.bool_]  # of a household the programme targets (formerly poor)
    skill: NDArray[np.float64] = field(default_factory=lambda: _UNSET_F64)  # earnings factor (household productivity × own draw); ones if not given
    assisted: NDArray[np.bool_] = field(default_factory=lambda: _UNSET_BOOL)  # the current job was found with the programme's help
    stable_counted: NDArray[np.bool_] = field(default_factory=lambda: _UNSET_BOOL)  # counted as stable this year
    employed_months: NDArray[np.int8] = field(default_factory=lambda: _UNSET_I8)  # months this year away or in a firm
    job_counted: NDArray[np.bool_] = field(default_factory=lambda: _UNSET_BOOL)  # the current firm job was counted as stable (once a job)
    #: (2, workers): months this year in a firm of each REPORTED_INDUSTRIES industry (their wages are the industry's income)
    industry_months: NDArray[np.int8] = field(default_factory=lambda: _UNSET_I8)

    def __post_init__(self) -> None:
        m = len(self.household)
        if self.skill is _UNSET_F64:
            self.skill = np.ones(m)
        if self.assisted is _UNSET_BOOL:
            self.assisted = np.zeros(m, dtype=bool)
        if self.stable_counted is _UNSET_BOOL:
            self.stable_counted = np.zeros(m, dtype=bool)
        if self.employed_months is _UNSET_I8:
            self.employed_months = np.zeros(m, dtype=np.int8)
        if self.job_counted is _UNSET_BOOL:
            self.job_counted = np.zeros(m, dtype=bool)
        if self.industry_months is _UNSET_I8:
            self.industry_months = np.zeros((len(REPORTED_INDUSTRIES), m), dtype=np.int8)

    @property
    def n(self) -> int:
        return len(self.household)

    def reset_year(self) -> None:
        """January: the year's counters start again; help for a job away lapses (not in Qingdao's channel)."""
        self.assisted &= self.state == QINGDAO
        self.assisted_months[:] = 0
        self.employed_months[:] = 0
        self.industry_months[:] = 0
        self.subsidised[:] = False
        self.stable_counted[:] = False


def county_bounds(county: NDArray[np.integer], n_counties: int) -> NDArray[np.intp] | None:
    """Where each county's rows start in ``county`` (and, last, where the last one ends) when the rows come county by
    county, as the population builds them; None otherwise."""
    if n_counties >= np.iinfo(county.dtype).max or not np.all(county[1:] >= county[:-1]):
        return None
    return np.searchsorted(county, np.arange(n_counties + 1).astype(county.dtype))  # in the array's own type: no converted copy
