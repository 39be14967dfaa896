"""The performance helpers return exactly what the NumPy code they replace returns.

The model's results must not change with a speed-up (byte-identical outputs for
a seed), so each helper is checked against the plain NumPy expression on data
built to be hard: ties, negative zero, infinities, values equal in all but
their last bits.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qdsim.model import kernels
from qdsim.model.accounts import gini, gini_by_group
from qdsim.model.order import smallest, stable_argsort


def _plain_gini(values, weights):
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    x, w = values[order], weights[order]
    cw, cxw = np.cumsum(w), np.cumsum(x * w)
    if cxw[-1] <= 0:
        return float("nan")
    lorenz = cxw / cxw[-1]
    prev = np.concatenate([[0.0], lorenz[:-1]])
    return float(1 - 2 * (np.sum(w * (lorenz + prev)) / (2 * cw[-1])))


def _hard(kind: int, n: int, rng) -> np.ndarray:
    if kind == 0:
        return rng.normal(size=n)
    if kind == 1:
        return rng.integers(-5, 5, n).astype(float)  # many ties
    if kind == 2:
        return np.exp(rng.normal(8, 2, n)) * rng.choice([-1, 1], n)
    if kind == 3:
        return 1000.0 + rng.integers(0, 50, n) * np.spacing(1000.0)  # equal but for the last bits
    return rng.choice([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, 5e-324, -5e-324], n)


@pytest.mark.parametrize("kind", range(5))
@pytest.mark.parametrize("n", [0, 1, 2, 17, 3000, 70_000])
def test_stable_argsort_and_smallest_are_numpys(kind, n):
    rng = np.random.default_rng(n + kind)
    x = _hard(kind, n, rng)
    ref = np.argsort(x, kind="stable")
    assert np.array_equal(stable_argsort(x), ref)
    for k in {0, 1, n // 3, n - 1, n, n + 5}:
        if k >= 0:
            assert np.array_equal(smallest(x, k), ref[:k]), k


def test_nan_falls_back_to_numpy():
    x = np.random.default_rng(0).normal(size=1000)
    x[[5, 500]] = np.nan
    assert np.array_equal(stable_argsort(x), np.argsort(x, kind="stable"))
    assert np.array_equal(smallest(x, 999), np.argsort(x, kind="stable")[:999])


@pytest.mark.parametrize("kind", range(4))
def test_gini_by_group_is_gini_of_each_group(kind):
    rng = np.random.default_rng(kind)
    n = 50_000
    x = np.abs(_hard(kind, n, rng))
    w = rng.integers(1, 9, n).astype(float)
    g = rng.integers(0, 7, n)
    got = gini_by_group(x, w, g, 8)  # group 7 is empty: nan
    want = [_plain_gini(x[g == c], w[g == c]) for c in range(8)] + [_plain_gini(x, w)]
    assert np.array_equal(got, np.array(want), equal_nan=True)
    assert np.array_equal(gini(x, w), _plain_gini(x, w), equal_nan=True)


def test_gini_by_group_when_totals_or_weights_vanish():
    rng = np.random.default_rng(3)
    n = 20_000
    x = np.abs(rng.normal(size=n))
    w = rng.integers(1, 9, n).astype(float)
    g = rng.integers(0, 5, n)
    x[g == 1] = 0.0  # a zero total: nan
    w[g == 2] = 0.0  # no weight: nan
    x[g == 3] = np.where(rng.random(np.count_nonzero(g == 3)) < 0.5, 0.0, -0.0)
    got = gini_by_group(x, w, g, 5)
    want = [_plain_gini(x[g == c], w[g == c]) for c in range(5)] + [_plain_gini(x, w)]
    assert np.array_equal(got, np.array(want), equal_nan=True)


# -- the compiled kernels against the NumPy expressions they replace ------------------------------

@pytest.mark.parametrize("kind", range(5))
@pytest.mark.parametrize("n", [0, 1, 2, 100, 5000, 300_000])
def test_sort_int64_is_numpys(kind, n):
    rng = np.random.default_rng(kind * 7 + n)
    if kind == 0:
        keys = rng.integers(-(2**63), 2**63 - 1, n, dtype=np.int64, endpoint=True)
    elif kind == 1:
        keys = rng.integers(-3, 3, n, dtype=np.int64)  # many equal keys, both signs
    elif kind == 2:
        keys = rng.integers(2**40, 2**40 + 5000, n, dtype=np.int64)  # high digits all alike (passes skipped)
    elif kind == 3:
        keys = _hard(0, n, rng).view(np.int64).copy()
    else:
        keys = rng.choice(np.array([-(2**63), -1, 0, 1, 2**63 - 1], dtype=np.int64), n)
    assert np.array_equal(kernels.sort_int64(keys), np.sort(keys))


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 400), sort=st.booleans(), kind=st.integers(0, 3))
@settings(max_examples=60, deadline=None)
def test_bincount_kernels_are_numpys(seed, n, sort, kind):
    rng = np.random.default_rng(seed)
    index = rng.integers(0, 7, n).astype(np.int8)
    if sort:  # as counties are stored; unsorted visits bins again
        index.sort()
    values = np.abs(_hard(kind, n, rng)) if kind != 3 else rng.integers(1, 9, n).astype(np.int16)
    scale = float(rng.choice([1.0, 1 / 0.003, 0.1]))
    assert np.array_equal(kernels.bincount(index, values, scale, 7), np.bincount(index, weights=values * scale, minlength=7))
    mask = rng.random(n) < 0.4
    assert np.array_equal(kernels.bincount(index, mask, scale, 7), np.bincount(index, weights=mask * scale, minlength=7))


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 500), households=st.integers(1, 80), sort=st.booleans())
@settings(max_examples=60, deadline=None)
def test_household_wages_is_numpys(seed, n, households, sort):
    rng = np.random.default_rng(seed)
    household = rng.integers(0, households, n).astype(np.int32)
    if sort:  # as workers are stored
        household.sort()
    state = rng.integers(0, 5, n).astype(np.int8)
    skill = rng.lognormal(0, 0.3, n)
    rates = rng.random((3, 5)) * rng.choice([1.0, 3000.0])
    got = kernels.household_wages(household, state, skill, rates, households)
    for j in range(3):
        assert np.array_equal(got[j], np.bincount(household, weights=rates[j][state] * skill, minlength=households))


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 500))
@settings(max_examples=60, deadline=None)
def test_leave_jobs_is_numpys(seed, n):
    rng = np.random.default_rng(seed)
    state = rng.integers(0, 5, n).astype(np.int8)
    subsidised, assisted = rng.random(n) < 0.3, rng.random(n) < 0.5
    u = rng.random(n)
    u[: n // 10] = 0.0  # draws at the rates' edges
    rates = np.array([0.0, 0.01, 0.3, 0.5, 0.2])
    stabilised = 1 - 0.4
    # the NumPy expression of the returns step
    rate = rates[state]
    rate[subsidised] *= stabilised
    leave = u < rate
    want_lose = np.flatnonzero(leave & (state == 1))
    want_state, want_assisted = state.copy(), assisted.copy()
    want_state[leave], want_assisted[leave] = 0, False
    u_decide = rng.random(n)
    u_decide[: n // 7] = 0.05  # draws at the share
    lose, reconsider = kernels.leave_jobs(state, subsidised, assisted, u, rates, stabilised, 0, 1, u_decide, 0.05)
    assert np.array_equal(lose, want_lose) and np.array_equal(state, want_state) and np.array_equal(assisted, want_assisted)
    assert np.array_equal(reconsider, np.flatnonzero(u_decide < 0.05)) and reconsider.dtype == np.flatnonzero(u_decide).dtype
    assert n < 50 or leave.any()


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 500), programme=st.booleans())
@settings(max_examples=60, deadline=None)
def test_count_months_is_numpys(seed, n, programme):
    rng = np.random.default_rng(seed)
    state = rng.integers(0, 5, n).astype(np.int8)
    employer = np.where(state == 1, rng.integers(0, 30, n), -1).astype(np.int32)
    eligible, coop = rng.random(n) < 0.5, rng.random(32) < 0.5
    assisted = rng.random(n) < 0.5
    employed_months = rng.integers(0, 11, n).astype(np.int8)
    assisted_months = np.minimum(rng.integers(0, 11, n), employed_months).astype(np.int8)
    counted = rng.random(n) < 0.2
    job_counted = rng.random(n) < 0.3
    mark = 6
    # the NumPy expression of the month's count
    want = {"assisted": assisted.copy(), "employed": employed_months.copy(), "months": assisted_months.copy()}
    employed = state != 0
    want["employed"] += employed
    in_firm = np.flatnonzero(state == 1)
    want["assisted"][in_firm] = coop[employer[in_firm]] & eligible[in_firm] & programme
    counted_job = (state == 1) & job_counted
    want["months"] += want["assisted"] & employed & ~counted_job
    want_reached = np.flatnonzero((want["months"] >= mark) & ~counted & ~counted_job)
    industry = rng.integers(-1, 2, 32).astype(np.int8)
    industry_months = rng.integers(0, 11, (2, n)).astype(np.int8)
    of = np.where(state == 1, industry[np.maximum(employer, 0)], -1)  # a firm worker's industry (−1: neither, or not in a firm)
    want_industry = industry_months + np.stack([of == 0, of == 1])
    reached = kernels.count_months(state, employer, eligible, coop, programme, assisted, employed_months, assisted_months, counted, job_counted,
                                   mark, 0, 1, industry, industry_months)
    assert np.array_equal(reached, want_reached)
    assert np.array_equal(industry_months, want_industry)
    assert np.array_equal(assisted, want["assisted"]) and np.array_equal(employed_months, want["employed"])
    assert np.array_equal(assisted_months, want["months"])


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 400), quota=st.booleans(), ties=st.booleans())
@settings(max_examples=60, deadline=None)
def test_logit_choice_is_numpys(seed, n, quota, ties):
    rng = np.random.default_rng(seed)
    gumbel = -np.log(-np.log(np.maximum(rng.random((n, 4)), 1e-300)))
    if ties:  # equal utilities: the first of equal maxima
        gumbel = np.round(gumbel) * 0.5
    reached = rng.random(n) < 0.3
    v_home, v_gansu, v_other, help_utility = (float(x) for x in rng.normal(0, 1, 4))
    v_qingdao = rng.normal(-1, 1, n) if quota else np.full(n, -np.inf)
    # the NumPy expression of the choice
    v = np.empty((n, 4))
    v[:, 0] = v_home
    v[:, 1] = v_gansu + help_utility * reached
    v[:, 2] = v_other + help_utility * reached
    v[:, 3] = v_qingdao
    utility = v + gumbel
    choice, fallback = kernels.logit_choice(gumbel, reached, v_home, v_gansu, v_other, help_utility, v_qingdao)
    assert np.array_equal(choice, np.argmax(utility, axis=1)) and np.array_equal(fallback, np.argmax(utility[:, :3], axis=1))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [1, 2, 9, 5000])
def test_harvest_is_numpys(seed, n):
    """``kernels.harvest`` against the NumPy harvest it replaced (``farming.harvest`` before it was compiled)."""
    rng = np.random.default_rng(seed)
    noise = np.exp(rng.normal(-0.02, 0.2, (n, 5)))  # household by household, as the model has it
    weather = 1.0 - np.clip(rng.random() * rng.random(5), 0, 1)
    n_v = 7
    hail_v = rng.random(n_v) < 0.4
    village = rng.integers(0, n_v, n).astype(np.int32)
    hail_loss = rng.random() * 0.3
    productivity = rng.lognormal(0, 0.3, n)
    area = np.asfortranarray(np.where(rng.random((n, 5)) < 0.3, 0.0, rng.gamma(2, 2, (n, 5))))
    demo_potato = np.where(rng.random(n) < 0.2, rng.gamma(2, 2, n), 0.0)  # sometimes more than the potato area
    demo_gh = np.where(rng.random(n) < 0.2, rng.random(n), 0.0)
    tech = rng.integers(0, 3, n).astype(np.int8)
    yields = rng.uniform(2000, 5000, 3)
    yield_high = 6000 * rng.random()
    demo_noise = np.exp(rng.normal(-0.0025, 0.05, n))
    c = rng.uniform(0.1, 3000, 13)
    pp, ph, hy, gy, ghr, growth, fnr, gp, xc, pc, hc, gc, ghc = c
    income0 = rng.normal(5000, 3000, n)
    wgt = 1 / 0.37

    hail = np.where(hail_v[village], 1.0 - hail_loss, 1.0)
    factor = noise.copy(order="F")
    factor *= weather[None, :]
    factor *= hail[:, None]
    factor *= productivity[:, None]
    ordinary = area[:, 0] - demo_potato
    y_ord = yields[tech] * factor[:, 0]
    y_demo = yield_high * weather[0] * hail * demo_noise
    potato_out = ordinary * y_ord + demo_potato * y_demo
    herbs_out = area[:, 1] * hy * factor[:, 1]
    grain_out = area[:, 2] * gy * factor[:, 2]
    gh_cycles_area = area[:, 3] + demo_gh
    gh_revenue = gh_cycles_area * ghr * growth * factor[:, 3]
    forage_net = area[:, 4] * fnr * growth * factor[:, 4]
    revenue = potato_out * pp + herbs_out * ph + grain_out * gp * growth + gh_revenue
    extra = np.where(tech == 2, xc, 0.0) * ordinary
    cost = (area[:, 0] * pc + extra + area[:, 1] * hc + area[:, 2] * gc + gh_cycles_area * ghc) * growth
    want_income = income0 + (revenue - cost + forage_net)
    want = (potato_out, demo_potato * y_demo * wgt, (potato_out * pp - (area[:, 0] * pc + extra) * growth) * wgt,
            (herbs_out * ph - area[:, 1] * hc * growth) * wgt, potato_out * pp + herbs_out * ph + gh_revenue, revenue + forage_net)

    income = np.asfortranarray(np.stack([income0, income0], axis=1))
    got = kernels.harvest(noise, weather, hail_v, village, 1.0 - hail_loss, productivity, area, demo_potato, demo_gh, tech, yields,
                          np.array([yield_high * weather[0]]), demo_noise, c, income[:, 0], wgt)
    assert income[:, 0].tobytes() == want_income.tobytes() and np.array_equal(income[:, 1], income0)
    for g, w in zip(got, want, strict=True):
        assert g.tobytes() == w.tobytes()  # to the bit, signed zeros included


@pytest.mark.parametrize("seed", range(5))
def test_adopt_is_numpys(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    tech = rng.integers(0, 3, n).astype(np.int8)
    county = rng.integers(0, 7, n).astype(np.int8)
    u = rng.random(n)
    u[:20] = 0.0
    p_up = np.clip(rng.normal(0.1, 0.3, 7), 0, 1)
    p_high = np.clip(rng.normal(0.1, 0.3, 7), 0, 1)
    p_up[0] = u[25]  # a draw equal to the probability does not adopt
    want = tech.copy()
    want[u < np.where(tech == 0, p_up[county], np.where(tech == 1, p_high[county], 0.0))] += 1
    kernels.adopt(tech, county, u, p_up, p_high)
    assert tech.dtype == np.int8 and np.array_equal(tech, want)


def _numpy_household_shares(county, channel_supply, weight, left, farmgate_by_county, n_c):
    sold = np.zeros(len(county))
    for _ in range(20):
        room = channel_supply - sold
        w = np.where(room > 0, weight, 0.0)
        w_by_county = np.bincount(county, weights=w, minlength=n_c)
        share = np.divide(left, w_by_county, out=np.zeros(n_c), where=w_by_county > 0)
        add = np.minimum(room, w * share[county])
        sold += add
        left = left - np.bincount(county, weights=add, minlength=n_c)
        if np.all(left <= 1e-9 * np.maximum(farmgate_by_county, 1.0)):
            break
    return sold


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [1, 40, 20_000])
def test_household_shares_is_numpys(seed, n):
    """The channel's purchases spread over households (``consumption.household_shares``) as the NumPy passes did."""
    rng = np.random.default_rng(seed)
    n_c = 7
    county = np.sort(rng.integers(0, n_c - 1, n)).astype(np.int8)  # the last county has no household
    supply = np.where(rng.random(n) < 0.4, 0.0, rng.gamma(1.5, 3000, n))
    weight = supply * (1.0 + 0.5 * (rng.random(n) < 0.3))
    by_county = np.bincount(county, weights=supply, minlength=n_c)
    farmgate = by_county * rng.uniform(0.2, 1.5, n_c) if seed % 2 else by_county * 0.6  # some counties want more than there is
    left = np.minimum(farmgate, by_county)
    want = _numpy_household_shares(county, supply, weight, left, farmgate, n_c)
    got = kernels.household_shares(county, supply, weight, left, farmgate, 20)
    assert got.tobytes() == want.tobytes()
