"""Compiled loops (numba) for the passes over every worker and household that run each month.

Each kernel does, in one pass, what a few NumPy expressions did in several
(each pass over the 930,000 workers costs about a millisecond), with the
same arithmetic in the same order, so that the results are the same to the
last bit: the same multiplications rounded once each, additions in index
order (as ``np.bincount`` adds), comparisons as NumPy makes them. No
transcendental function is computed here (NumPy's ``exp`` and ``log`` may
round differently from the compiler's), and no random number is drawn here:
the draws stay in the mechanism modules, from their streams, in the same
order and shapes. ``tests/benchmarks/test_exactness.py`` checks each kernel
against the NumPy expression it replaces.

Compiled on first use and cached on disk beside the module (``cache=True``),
so a new process loads them in milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from numpy.typing import NDArray

#: the arrays kernels take and give: 元, 亩, rates and draws; counties, states and other codes (any integer
#: type: the model's columns are int8 to int64); the indices a kernel returns; masks
Floats = NDArray[np.float64]
Ints = NDArray[np.integer]
Index = NDArray[np.int64]
Mask = NDArray[np.bool_]

if TYPE_CHECKING:
    _F = TypeVar("_F", bound=Callable[..., object])

    def njit(*, cache: bool, nogil: bool) -> Callable[[_F], _F]:
        """For the type checker: numba ships no types, and ``njit`` keeps a kernel's signature
        (without this, every kernel would be ``Any`` to its callers)."""
else:
    from numba import njit


@njit(cache=True, nogil=True)
def bincount(index: Ints, weights: NDArray[np.floating | np.integer | np.bool_], scale: float, n: int) -> Floats:
    """``np.bincount(index, weights=weights * scale, minlength=n)`` for indices below ``n``.

    A bin's running sum stays in a register while the index repeats (indices
    come sorted, county by county), and every bin still adds in index order.
    Boolean weights count: ``True × scale`` is ``scale``, ``False × scale`` adds 0.0. With ``scale`` 1.0
    it is ``np.bincount(index, weights=weights, minlength=n)`` (``x × 1.0`` is ``x``), several times faster
    on an ``int8`` index, which NumPy first converts.
    """
    out = np.zeros(n)
    if len(index) == 0:
        return out
    bin_ = index[0]
    acc = 0.0
    for i in range(len(index)):
        b = index[i]
        if b != bin_:
            out[bin_] = acc
            bin_ = b
            acc = out[b]
        acc += weights[i] * scale
    out[bin_] = acc
    return out


@njit(cache=True, nogil=True)
def leave_jobs(state: Ints, subsidised: Mask, assisted: Mask, u: Floats, rates: Floats,
               stabilised: float, home: int, firm: int, u_decide: Floats, share: float) -> tuple[Index, Index]:
    """Workers whose draw ``u`` falls below their state's monthly rate (× ``stabilised`` when subsidised) go home.

    Sets their state to ``home`` and their help to False; returns those who were in a firm
    (their employers are left for :func:`qdsim.model.enterprises.release`) and, in the same pass,
    the workers who reconsider this month, ``np.flatnonzero(u_decide < share)``. Without branches
    on the draws (x × 1.0 is x: the unsubsidised rate is the rate).
    """
    factor = np.array([1.0, stabilised])
    n = len(state)
    lose = np.empty(n, np.int64)
    reconsider = np.empty(n, np.int64)
    k = 0
    m = 0
    for i in range(n):
        s = state[i]
        leave = u[i] < rates[s] * factor[np.int64(subsidised[i])]
        lose[k] = i
        k += leave & (s == firm)
        state[i] = home if leave else s
        assisted[i] = assisted[i] & ~leave
        reconsider[m] = i
        m += u_decide[i] < share
    return lose[:k], reconsider[:m]


@njit(cache=True, nogil=True)
def count_months(state: Ints, employer: Ints, eligible: Mask, coop: Mask, programme: bool,
                 assisted: Mask, employed_months: Ints, assisted_months: Ints, stable_counted: Mask,
                 job_counted: Mask, mark: int, home: int, firm: int, firm_industry: Ints, industry_months: Ints) -> Index:
    """A month employed (not ``home``) and assisted; a firm job is assisted when its firm is a cooperation
    firm, the worker eligible and the ``programme`` running. A month in a firm job already counted
    (``job_counted``) adds nothing to the months towards the mark: the job counts once. A month in a firm
    whose ``firm_industry`` is j ≥ 0 adds one to ``industry_months[j]`` (−1: neither industry). Returns the
    workers newly at the ``mark`` (not yet counted this year)."""
    reached = np.empty(len(state), np.int64)
    k = 0
    for i in range(len(state)):
        s = state[i]
        employed = s != home
        in_firm = s == firm
        if in_firm:
            e = max(employer[i], 0)
            a = coop[e] & eligible[i] & programme
            j = firm_industry[e]
            if j >= 0:
                industry_months[j, i] += 1
        else:
            a = assisted[i]
        assisted[i] = a
        employed_months[i] += employed
        counted_job = in_firm & job_counted[i]
        months = assisted_months[i] + (a & employed & ~counted_job)
        assisted_months[i] = months
        reached[k] = i
        k += (months >= mark) & ~stable_counted[i] & ~counted_job
    return reached[:k]


@njit(cache=True, nogil=True)
def household_wages(household: Ints, state: Ints, skill: Floats, rates: Floats, n: int) -> Floats:
    """Each household's sum over its workers of ``rates[j, state] * skill``, one row per rate vector ``j``
    (three): ``np.bincount(household, weights=rates[j][state] * skill, minlength=n)``, in one pass."""
    out = np.zeros((3, n))
    for i in range(len(household)):
        h, s, k = household[i], state[i], skill[i]
        out[0, h] += rates[0, s] * k
        out[1, h] += rates[1, s] * k
        out[2, h] += rates[2, s] * k
    return out


@njit(cache=True, nogil=True)
def logit_choice(gumbel: Floats, reached: Mask, v_home: float, v_gansu: float, v_other: float, help_utility: float,
                 v_qingdao: Floats) -> tuple[Index, Index]:
    """The option of highest utility for each decider, and of highest among the first three.

    Utilities as ``labour.choose`` writes them: ``v_home + g0``, ``(v_gansu + help) + g1``,
    ``(v_other + help) + g2``, ``v_qingdao + g3``, where ``help = help_utility × reached``;
    the first of equal maxima, as ``np.argmax``.
    """
    n = len(reached)
    choice = np.empty(n, np.int64)
    fallback = np.empty(n, np.int64)
    for i in range(n):
        help_ = help_utility * (1.0 if reached[i] else 0.0)
        u0 = v_home + gumbel[i, 0]
        u1 = (v_gansu + help_) + gumbel[i, 1]
        u2 = (v_other + help_) + gumbel[i, 2]
        u3 = v_qingdao[i] + gumbel[i, 3]
        best, f = u0, 0
        if u1 > best:
            best, f = u1, 1
        if u2 > best:
            best, f = u2, 2
        fallback[i] = f
        choice[i] = 3 if u3 > best else f
    return choice, fallback


_SIGN = np.uint64(1 << 63)
_DIGIT = 11  # bits per radix pass: 2,048 counters fit in the first-level cache
_DIGIT_MASK = np.uint64((1 << _DIGIT) - 1)
_PASSES = 6  # 6 × 11 bits ≥ 64


@njit(cache=True, nogil=True)
def sort_int64(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """``np.sort(keys)`` for ``int64`` keys: a least-significant-digit radix sort, 11 bits a pass.

    Sorted integers are the same whatever the algorithm. Passes whose digit is
    the same for every key (the high bits of keys made from values of similar
    size) are skipped; the sign bit is flipped so that unsigned order is signed order.
    """
    n = len(keys)
    a = np.empty(n, np.uint64)
    for i in range(n):
        a[i] = np.uint64(keys[i]) ^ _SIGN
    hist = np.zeros((_PASSES, 1 << _DIGIT), np.int64)
    for i in range(n):
        v = a[i]
        for p in range(_PASSES):
            hist[p, np.int64((v >> np.uint64(p * _DIGIT)) & _DIGIT_MASK)] += 1
    b = np.empty(n, np.uint64)
    offset = np.empty(1 << _DIGIT, np.int64)
    for p in range(_PASSES):
        h = hist[p]
        if h.max() == n:
            continue
        s = 0
        for d in range(1 << _DIGIT):
            offset[d] = s
            s += h[d]
        shift = np.uint64(p * _DIGIT)
        for i in range(n):
            v = a[i]
            d = np.int64((v >> shift) & _DIGIT_MASK)  # type: ignore[assignment]  # the digit again, as numba types it (an int above)
            b[offset[d]] = v
            offset[d] += 1
        a, b = b, a
    out = np.empty(n, np.int64)
    for i in range(n):
        out[i] = np.int64(a[i] ^ _SIGN)
    return out


@njit(cache=True, nogil=True)
def gini_terms(values: NDArray[np.floating], weights: NDArray[np.floating], idx: Ints) -> tuple[Floats, float, float]:
    """The trapezoids of a Lorenz curve, for ``x = values[idx]``, ``w = weights[idx]`` (``idx`` non-empty,
    in increasing order of ``x``): ``w * (lorenz + prev)`` with ``lorenz = cumsum(x * w) / cumsum(x * w)[-1]``
    and ``prev`` the previous ``lorenz`` (0.0 first), as ``accounts._gini_sorted`` computes them; and
    ``cumsum(w)[-1]``, ``cumsum(x * w)[-1]``. The terms are left to NumPy's (pairwise) ``np.sum``;
    when the total is zero or negative they are not computed.
    """
    n = len(idx)
    terms = np.empty(n)
    j = idx[0]
    cw = weights[j]
    acc = values[j] * weights[j]  # cumsum's first element is the first product itself
    terms[0] = acc
    for i in range(1, n):
        j = idx[i]
        cw += weights[j]
        acc += values[j] * weights[j]
        terms[i] = acc
    total = acc
    if total <= 0:  # as _gini_sorted: a nan total goes on (and gives nan)
        return terms, cw, total
    prev = 0.0
    for i in range(n):
        lorenz = terms[i] / total
        terms[i] = weights[idx[i]] * (lorenz + prev)
        prev = lorenz
    return terms, cw, total


@njit(cache=True, nogil=True)
def harvest(noise: Floats, weather: Floats, hail_v: Mask, village: Ints, hail_kept: float,
            productivity: Floats, area: Floats, demo_potato: Floats, demo_greenhouse: Floats,
            tech: Ints, yields: Floats, demo_yield: Floats, demo_noise: Floats, c: Floats,
            farm_income: Floats, weight: float) -> tuple[Floats, Floats, Floats, Floats, Floats, Floats]:
    """Each household's harvest as ``farming.harvest`` writes it in NumPy, in one pass, the same products
    and sums in the same order (crops: potato, herbs, grain, greenhouse, forage).

    ``noise``: the exponentiated yield noise (n, 5); ``hail_kept``: 1 − the hail loss; ``yields``: the
    potato yield by technology; ``demo_yield``: the demonstration yield × the potato weather (a scalar
    in a 1-element array); ``c``: the scalars (see ``farming.harvest``). Adds each household's farm
    income to ``farm_income`` and returns potato output, the demonstration output × ``weight``, the
    potato and herbs incomes × ``weight``, the marketable output and the revenue with forage.
    """
    (price_potato, price_herbs, herbs_yield, grain_yield, gh_rev_cycle, growth, forage_net_rate, grain_price,
     extra_cost, potato_cost, herbs_cost, grain_cost, gh_cost_cycle) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6],
                                                                      c[7], c[8], c[9], c[10], c[11], c[12])
    n = len(productivity)
    potato_out = np.empty(n)
    demo_out = np.empty(n)
    income_potato = np.empty(n)
    income_herbs = np.empty(n)
    marketable = np.empty(n)
    revenue_all = np.empty(n)
    w0, w1, w2, w3, w4 = weather[0], weather[1], weather[2], weather[3], weather[4]
    for i in range(n):
        hail = hail_kept if hail_v[village[i]] else 1.0
        prod = productivity[i]
        f_potato = ((noise[i, 0] * w0) * hail) * prod
        f_herbs = ((noise[i, 1] * w1) * hail) * prod
        f_grain = ((noise[i, 2] * w2) * hail) * prod
        f_gh = ((noise[i, 3] * w3) * hail) * prod
        f_forage = ((noise[i, 4] * w4) * hail) * prod
        a_potato, a_herbs, a_grain, a_gh, a_forage = area[i, 0], area[i, 1], area[i, 2], area[i, 3], area[i, 4]
        demo = demo_potato[i]
        t = tech[i]
        ordinary = a_potato - demo
        y_ord = yields[t] * f_potato
        y_demo = (demo_yield[0] * hail) * demo_noise[i]
        potato = ordinary * y_ord + demo * y_demo
        herbs = (a_herbs * herbs_yield) * f_herbs
        grain = (a_grain * grain_yield) * f_grain
        gh_cycles = a_gh + demo_greenhouse[i]
        gh_revenue = ((gh_cycles * gh_rev_cycle) * growth) * f_gh
        forage_net = ((a_forage * forage_net_rate) * growth) * f_forage
        sold_potato = potato * price_potato
        sold_herbs = herbs * price_herbs
        revenue = ((sold_potato + sold_herbs) + (grain * grain_price) * growth) + gh_revenue
        extra = (extra_cost if t == 2 else 0.0) * ordinary
        potato_costs = a_potato * potato_cost + extra
        cost = (((potato_costs + a_herbs * herbs_cost) + a_grain * grain_cost) + gh_cycles * gh_cost_cycle) * growth
        farm_income[i] += (revenue - cost) + forage_net
        potato_out[i] = potato
        demo_out[i] = (demo * y_demo) * weight
        income_potato[i] = (sold_potato - potato_costs * growth) * weight
        income_herbs[i] = (sold_herbs - (a_herbs * herbs_cost) * growth) * weight
        marketable[i] = (sold_potato + sold_herbs) + gh_revenue
        revenue_all[i] = revenue + forage_net
    return potato_out, demo_out, income_potato, income_herbs, marketable, revenue_all


@njit(cache=True, nogil=True)
def adopt(tech: Ints, county: Ints, u: Floats, p_up: Floats, p_high: Floats) -> None:
    """``tech[u < np.where(tech == 0, p_up[county], np.where(tech == 1, p_high[county], 0.0))] += 1``, in place."""
    for i in range(len(tech)):
        s = tech[i]
        c = county[i]
        prob = p_up[c] if s == 0 else (p_high[c] if s == 1 else 0.0)
        if u[i] < prob:
            tech[i] = s + 1


@njit(cache=True, nogil=True)
def household_shares(county: Ints, supply: Floats, weight: Floats, left: Floats, farmgate: Floats,
                     passes: int) -> Floats:
    """``consumption.household_shares``'s passes, each in two loops over the households, the same arithmetic:

    ``room = supply − sold``; ``w = where(room > 0, weight, 0)``; ``share = left / bincount(county, w)``
    (0 where that is not positive); ``add = minimum(room, w × share[county])``; ``sold += add``;
    ``left = left − bincount(county, add)``; until ``all(left <= 1e-9 × maximum(farmgate, 1))`` or
    ``passes`` are done. ``left`` is not changed. Sums by county in index order, as ``np.bincount`` adds;
    the terms are finite.
    """
    n = len(county)
    n_c = len(left)
    sold = np.zeros(n)
    left = left.copy()
    for _ in range(passes):
        w_by_county = np.zeros(n_c)
        for i in range(n):
            room = supply[i] - sold[i]
            w_by_county[county[i]] += weight[i] if room > 0 else 0.0
        share = np.zeros(n_c)
        for c in range(n_c):
            if w_by_county[c] > 0:
                share[c] = left[c] / w_by_county[c]
        added = np.zeros(n_c)
        for i in range(n):
            room = supply[i] - sold[i]
            w = weight[i] if room > 0 else 0.0
            x = w * share[county[i]]
            add = room if room < x else x  # np.minimum: the second of equal values, as the SIMD minimum
            sold[i] += add
            added[county[i]] += add
        done = True
        for c in range(n_c):
            left[c] = left[c] - added[c]
            done &= left[c] <= 1e-9 * max(farmgate[c], 1.0)
        if done:
            break
    return sold
