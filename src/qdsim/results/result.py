"""What a run produced: the replicate arrays, the summary and the manifest, written to and read from a folder.

The arrays are (replicate, metric, year, county+all): county 0 is ``all``,
then the counties in catalogue order, metrics in :data:`qdsim.foundation.metrics.METRIC_IDS`
order. Folders are :mod:`qdsim.results.outputs`'s.
"""

from __future__ import annotations

import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qdsim.foundation.catalogue import ParameterSet, load_catalogue, parameters_for
from qdsim.foundation.errors import InputError
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.foundation.metrics import catalogue as metric_catalogue
from qdsim.results.cost import CostReport
from qdsim.results.outputs import replacing
from qdsim.results.summary import STATISTICS, replicate_table
from qdsim.scenario.messages import zh
from qdsim.scenario.ranges import RangeWarning
from qdsim.scenario.schema import Scenario
from qdsim.scenario.years import outside


class OutcomeError(InputError, KeyError):
    """A year, county or statistic that a run does not have: an InputError, and a KeyError as it always was."""

    def __init__(self, message: str, *, path: str | None = None, field: str | None = None):
        super().__init__(message, path=path, field=field, message_zh=zh(message))

    def __str__(self) -> str:  # KeyError would quote it
        return InputError.__str__(self)


@dataclass
class RunResult:
    """What a run produced, ready to be summarised, shown or written."""

    scenario: Scenario
    params: ParameterSet
    run_id: str
    years: list[int]
    county_ids: list[str]
    with_coop: np.ndarray  # (replicate, metric, year, county+all)
    without: np.ndarray | None  # the no-cooperation counterfactual (None: skipped)
    manifest: dict
    summary: pd.DataFrame = field(repr=False)
    baseline: np.ndarray | None = field(default=None, repr=False)  # the paired baseline (None: the run is the baseline)
    cost: CostReport | None = field(default=None, repr=False)  # spending and results per unit of money (qdsim.results.cost)
    attribution: pd.DataFrame | None = field(default=None, repr=False)  # which assumptions the difference rests on (qdsim.results.attribution)

    def metric(self, metric: str, county: str = "all", counterfactual: bool = False) -> np.ndarray:
        """Replicate values (replicate, year) of one metric."""
        arr = self.without if counterfactual else self.with_coop
        return arr[:, METRIC_IDS.index(metric), :, self.county_ids.index(county)]

    def outcomes(self, year: int | None = None, county: str = "all", stat: str = "mean") -> dict[str, float]:
        """Every metric's value in one year, as a flat mapping ``metric → value`` (what an EMA or SALib model returns).

        Args:
            year: a year of the period (default: the last).
            county: ``"all"`` (the prefecture) or a county id.
            stat: a column of summary.csv: ``mean``, ``p05``, ``p50``, ``p95``,
                ``impact_mean`` (against the counterfactual), ``vs_baseline_mean``
                (against the baseline), … An empty value (no counterfactual or
                baseline was run, a ratio of nothing) is NaN.

        Raises:
            OutcomeError: (an :class:`~qdsim.foundation.errors.InputError` and a KeyError)
                a year, county or statistic the run does not have, or of the wrong type.
        """
        year = self.years[-1] if year is None else year
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
            raise OutcomeError(f"year must be a whole year like {self.years[-1]}, got {type(year).__name__} {year!r}", path="year", field="year")
        if year not in self.years:
            raise OutcomeError(outside(year, self.years[0], self.years[-1]), path="year", field="year")
        if county not in self.county_ids:
            close = difflib.get_close_matches(str(county), self.county_ids, n=1)
            raise OutcomeError(f"unknown county {county!r}" + (f" (did you mean '{close[0]}'?)" if close else "") + f": one of {', '.join(self.county_ids)}",
                               path="county", field="county")
        if stat not in STATISTICS:
            close = difflib.get_close_matches(str(stat), STATISTICS, n=1)
            raise OutcomeError(f"unknown statistic {stat!r}" + (f" (did you mean '{close[0]}'?)" if close else "") + f": one of {', '.join(STATISTICS)}",
                               path="stat", field="stat")
        df = self.summary
        rows = df[(df.scenario == self.scenario.id) & (df.county == county) & (df.year == year)]
        return {m: float(v) for m, v in zip(rows.metric, rows[stat], strict=True)}

    def tidy(self) -> pd.DataFrame:
        """Every replicate's value as a long table: ``variant`` (scenario, counterfactual, baseline), ``replicate, metric, county, year, value``.

        The same rows as replicates.parquet, with the variant named rather
        than folded into the scenario id, ready for ``groupby`` and plotting.
        """
        df = replicate_table(self.scenario.id, self.with_coop, self.without, self.years, self.county_ids, self.baseline)
        variant = df.scenario.map({self.scenario.id: "scenario", f"{self.scenario.id}-counterfactual": "counterfactual",
                                   f"{self.scenario.id}-baseline": "baseline"})
        return df.assign(variant=variant)[["variant", "replicate", "metric", "county", "year", "value"]]

    def to_xarray(self):
        """The replicate arrays as an ``xarray.Dataset``: one variable per metric over (variant, replicate, year, county).

        Each variable carries its unit and zh/en names as attributes. Needs the
        optional extra: ``pip install "qdsim[xarray]"``.
        """
        try:
            import xarray as xr
        except ModuleNotFoundError:
            raise ModuleNotFoundError('RunResult.to_xarray needs xarray: pip install "qdsim[xarray]"', name="xarray") from None
        variants = {"scenario": self.with_coop, "counterfactual": self.without, "baseline": self.baseline}
        variants = {k: v for k, v in variants.items() if v is not None}
        cube = np.stack(list(variants.values()))  # (variant, replicate, metric, year, county)
        cat = metric_catalogue()
        data = {m: (("variant", "replicate", "year", "county"), cube[:, :, i], {"unit": cat[m].unit, "zh": cat[m].zh, "en": cat[m].en})
                for i, m in enumerate(METRIC_IDS)}
        coords = {"variant": list(variants), "replicate": np.arange(cube.shape[1]), "year": self.years, "county": self.county_ids}
        return xr.Dataset(data, coords=coords, attrs={"scenario": self.scenario.id, "run_id": self.run_id})

    @property
    def warnings(self) -> list[RangeWarning]:
        """The levers that leave the calibrated range, as structured objects (code, lever, years, value, zh, en)."""
        return [RangeWarning(**{**w, "years": tuple(w["years"])}) for w in self.manifest.get("range_warnings", [])]

    def write(self, out_dir: str | os.PathLike) -> Path:
        """Write summary.csv, cost.csv, manifest.json, replicates.parquet and scenario.yaml.

        Files are written to a temporary folder and moved into place, so a
        crash never leaves a half-written output directory. An existing
        ``out_dir`` is replaced only when it is empty or holds a run (see
        :func:`qdsim.results.outputs.replaceable`); anything else raises FileExistsError.
        """
        out = Path(out_dir)
        with replacing(out) as tmp:
            self.summary.to_csv(tmp / "summary.csv", index=False, float_format="%.10g", lineterminator="\n")
            replicate_table(self.scenario.id, self.with_coop, self.without, self.years, self.county_ids, self.baseline).to_parquet(
                tmp / "replicates.parquet", index=False
            )
            if self.cost is not None:
                self.cost.to_frame().to_csv(tmp / "cost.csv", index=False, float_format="%.10g", lineterminator="\n")
            if self.attribution is not None:
                self.attribution.to_csv(tmp / "attribution.csv", index=False, float_format="%.6g", lineterminator="\n")
            (tmp / "scenario.yaml").write_text(self.scenario.to_yaml(), encoding="utf-8")
            (tmp / "manifest.json").write_text(json.dumps(self.manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        return out

    @classmethod
    def read(cls, out_dir: str | os.PathLike) -> RunResult:
        """A run read back from its output folder (what the registry serves, what ``qdsim brief`` reads)."""
        d = Path(out_dir)
        manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        scenario = Scenario.model_validate(manifest["scenario"])
        params = parameters_for(scenario)
        years = scenario.period.years
        county_ids = ["all"] + [c["id"] for c in load_catalogue(scenario.region).counties]
        reps = pd.read_parquet(d / "replicates.parquet")
        shape = (scenario.replicates, len(METRIC_IDS), len(years), len(county_ids))

        def cube(sid: str) -> np.ndarray | None:
            part = reps[reps.scenario == sid]
            if part.empty:
                return None
            arr = np.full(shape, np.nan)
            idx = (
                part.replicate.to_numpy(),
                part.metric.map({m: i for i, m in enumerate(METRIC_IDS)}).to_numpy(),
                part.year.map({y: i for i, y in enumerate(years)}).to_numpy(),
                part.county.map({c: i for i, c in enumerate(county_ids)}).to_numpy(),
            )
            arr[idx] = part.value.to_numpy()
            return arr

        summary = pd.read_csv(d / "summary.csv", keep_default_na=False, na_values=[""])
        spent = manifest.get("cost_effectiveness")
        attributed = pd.read_csv(d / "attribution.csv") if (d / "attribution.csv").is_file() else None
        return cls(scenario, params, manifest["run_id"], years, county_ids, cube(scenario.id),
                   cube(f"{scenario.id}-counterfactual"), manifest, summary, baseline=cube(f"{scenario.id}-baseline"),
                   cost=CostReport.from_dict(spent) if spent else None, attribution=attributed)

