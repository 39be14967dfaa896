"""qdsim's factors: levers and behavioural parameters from command-line specs, with their names and ranges."""

from __future__ import annotations

from qdsim.scenario.labels import LEVERS
from qdsim.sensitivity.salib import Factor

#: levers varied by default: each multiplied by 0–2 over the base scenario's values
DEFAULT_LEVERS = (
    "funds.fiscal",
    "labour.subsidy_per_worker",
    "labour.training_places",
    "labour.qingdao_job_quota",
    "consumption.canteen_share",
    "consumption.showrooms",
    "technology.potato_demo_area",
    "pairings.villages",
)


class FactorError(ValueError):
    pass


def _lever_names(key: str) -> tuple[str, str, str]:
    return LEVERS.get(key, (key, key, ""))


def parse_factors(levers: list[str], params: list[str], region: str = "dingxi") -> list[Factor]:
    """Factors from command-line specs.

    Levers: ``labour.subsidy_per_worker`` (×0–2 of the base), ``labour.subsidy_per_worker=0:2000``
    (set over a range, units allowed: ``funds.fiscal=2亿元:8亿元``), ``…*=0.5:1.5`` (a multiplier range).
    Parameters: ``wage_qingdao`` (the catalogue's plausible range) or ``wage_qingdao=3500:5000``.
    """
    from qdsim.batch.spec import sample_range
    from qdsim.foundation.catalogue import load_catalogue
    from qdsim.scenario.paths import PathError, resolve
    from qdsim.scenario.schema import Scenario

    reg = load_catalogue(region)
    out: list[Factor] = []
    for spec in levers:
        key, _, rng = spec.partition("=")
        key = key.strip().removeprefix("levers.")
        multiply = key.endswith("*") or not rng
        key = key.rstrip("*")
        path = f"levers.{key}" + ("*" if multiply else "")
        try:
            t = resolve(path, Scenario, region)
            if rng:
                lo, hi = _split(rng)
                low, high = sample_range(t, [lo, hi], region)
            else:
                low, high = 0.0, 2.0
        except (PathError, ValueError) as e:
            raise FactorError(f"--levers {spec}: {e}") from None
        zh, en, unit = _lever_names(key)
        out.append(Factor(key + ("×" if multiply else ""), path, low, high, "lever", zh, en, unit))
    for spec in params:
        key, _, rng = spec.partition("=")
        key = key.strip().removeprefix("overrides.")
        path = f"overrides.{key}"
        try:
            t = resolve(path, Scenario, region)
            low, high = sample_range(t, list(_split(rng)) if rng else None, region)
        except (PathError, ValueError) as e:
            raise FactorError(f"--params {spec}: {e}") from None
        p = reg.parameters[key]
        out.append(Factor(key, path, low, high, "parameter", p.label_zh, p.label_en, p.unit))
    return out


def _split(rng: str) -> tuple[str | float, str | float]:
    parts = rng.split(":")
    if len(parts) != 2:
        raise ValueError(f"write a range as low:high, not {rng!r}")

    def num(s: str):
        s = s.strip()
        try:
            return float(s)
        except ValueError:
            return s  # with a unit: the field reads it

    return num(parts[0]), num(parts[1])
