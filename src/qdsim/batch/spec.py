"""Batch files (批量实验): what to run, as a list of concrete, validated scenarios.

A batch file has a top-level ``batch:`` section and names its scenarios in
one of two ways (paths relative to the batch file)::

    batch:
      id: labour-subsidy-grid
      title: {zh: 劳务补贴网格, en: "Labour subsidy grid"}
    base: ../baseline.yaml          # one base scenario ...
    # scenarios: [../baseline.yaml, ../stop-after-2025.yaml]   # ... or several
    grid:                           # every combination (or points: / sample:)
      levers.labour.subsidy_per_worker: [0, 935, 2000]
      overrides.wage_qingdao: [3500, 4200]
    replicates: 2                   # for every point (default: the scenario's)
    seed: 20210414
    scale: 0.002

What to vary (at most one of them; with ``scenarios:`` each variation is
applied to each scenario):

- ``points:`` a list of points, each a mapping of path → value;
- ``grid:`` path → list of values; every combination is a point;
- ``sample:`` a Latin hypercube sample of ``n`` points over ``ranges``
  (path → ``[low, high]``; ``overrides.<parameter>`` defaults to the
  catalogue's plausible range).

``set:`` (path → value) changes every point the same way. ``adaptive:`` adds
replicates to each point until an interval is narrow enough (see
:class:`Adaptive`). Paths are described in :mod:`qdsim.scenario.paths`.

Every point is validated when the batch is loaded: an invalid point is an
error naming the batch file's line, before anything runs.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from qdsim.foundation.format import plain, short
from qdsim.foundation.metrics import METRIC_IDS
from qdsim.foundation.sampling import latin_hypercube
from qdsim.results.provenance import planned_run_id
from qdsim.scenario import shipped
from qdsim.scenario.loader import load_scenario
from qdsim.scenario.paths import PathError, Target, apply, did_you_mean, matches, resolve
from qdsim.scenario.schema import FIRST_YEAR, LAST_YEAR, MAX_REPLICATES, Scenario, Strict, Title
from qdsim.scenario.yamlfile import Problem, ScenarioError, clean_error, line_lookup, parse_yaml, problems_from_validation, read_bytes

MAX_POINTS = 10_000  # points in one batch
MAX_REPLICATE_RUNS = 200_000  # points × replicates (× max replicates when adaptive)
MAX_PROBLEMS = 50


class BatchMeta(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Short identifier (lower case, digits, - and _)")
    title: Title | None = None
    description: str = ""


class Sample(Strict):
    """A Latin hypercube sample (拉丁超立方抽样) of ``n`` points over ranges."""

    method: Literal["lhs"] = "lhs"
    n: int = Field(ge=1, le=MAX_POINTS)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    ranges: dict[str, list[Any] | Literal["plausible"] | None] = Field(min_length=1)


class Adaptive(Strict):
    """Add replicates until the 5–95% interval of one number is narrower than a target.

    Replicate r always uses the r-th seed child, so adding replicates never
    changes the earlier ones. The point stops when the width is at most the
    target (``converged``) or at ``max_replicates`` (``max reached``).
    """

    metric: str
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Default: the last year of the period")
    county: str = "all"
    statistic: Literal["impact", "value"] = Field("impact", description="The impact against the counterfactual, or the value itself")
    target_width: float | None = Field(None, gt=0, description="In the metric's unit")
    target_relative: float | None = Field(None, gt=0, le=10, description="Width over |mean|")
    start: int = Field(4, ge=3, le=MAX_REPLICATES, description="Replicates before the first check (an interval needs 3 or more)")
    step: int = Field(2, ge=1, le=100)
    max_replicates: int = Field(20, ge=3, le=MAX_REPLICATES)

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str) -> str:
        if v not in METRIC_IDS:
            raise ValueError(f"unknown metric {v!r} (one of {', '.join(METRIC_IDS)})")
        return v

    @model_validator(mode="after")
    def _one_target(self):
        if (self.target_width is None) == (self.target_relative is None):
            raise ValueError("give exactly one of target_width (in the metric's unit) or target_relative (width over |mean|)")
        if self.max_replicates < self.start:
            raise ValueError(f"max_replicates {self.max_replicates} is below start {self.start}")
        return self

    def key(self) -> dict:
        return self.model_dump(mode="json")


class BatchFile(Strict):
    """The schema of a batch file."""

    batch: BatchMeta
    base: str | None = Field(None, description="The base scenario file")
    scenarios: list[str] | None = Field(None, min_length=1, max_length=1000, description="Scenario files")
    fixed: dict[str, Any] = Field(default_factory=dict, alias="set", description="Changes made to every point")
    points: list[dict[str, Any]] | None = Field(None, min_length=1, max_length=MAX_POINTS)
    grid: dict[str, list[Any]] | None = Field(None, min_length=1)
    sample: Sample | None = None
    replicates: int | None = Field(None, ge=1, le=MAX_REPLICATES)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    scale: float | None = Field(None, ge=0.001, le=1.0)
    adaptive: Adaptive | None = None

    model_config = Strict.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _what_to_run(self):
        if (self.base is None) == (self.scenarios is None):
            raise ValueError("name the scenarios to run: base: (one file) or scenarios: (a list), not both")
        given = [k for k in ("points", "grid", "sample") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"vary in one way only: {' and '.join(given)} were both given")
        if self.base is not None and not given:
            raise ValueError("base: needs points:, grid: or sample: (what to vary); to run files as they are, list them under scenarios:")
        if self.adaptive is not None and self.replicates is not None:
            raise ValueError("with adaptive:, the first number of replicates is adaptive.start; remove replicates:")
        return self


@dataclass(frozen=True)
class Point:
    """One point of a batch: a concrete scenario and the values that made it."""

    id: str  # p000, p001, … in batch order
    scenario: Scenario
    values: dict[str, Any]  # variation path -> value
    base: str  # the base scenario's id
    source: str  # the scenario file it derives from
    line: int  # the batch file line that defines it

    @cached_property
    def run_id(self) -> str:
        return planned_run_id(self.scenario)

    @property
    def dir_name(self) -> str:
        return self.scenario.id


@dataclass(frozen=True)
class Batch:
    """A loaded batch: its points, and the adaptive rule if any."""

    id: str
    title: Title | None
    points: list[Point]
    varied: list[str]  # the variation paths, in order (the columns of summary.csv)
    adaptive: Adaptive | None = None
    path: str = "<batch>"
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # path -> short label

    def sha256(self) -> str:
        """Identity of what the batch computes (points, their runs, the adaptive rule)."""
        blob = json.dumps(
            {"points": [[p.id, p.scenario.sha256()] for p in self.points], "adaptive": self.adaptive.key() if self.adaptive else None},
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()


def round_sig(x: float, digits: int = 6) -> float | int:
    """A sampled number with ``digits`` significant digits (clean YAML, stable hashes)."""
    if x == 0 or not math.isfinite(x):
        return x
    r = float(f"{x:.{digits}g}")
    return int(r) if r.is_integer() and abs(r) < 2**53 else r


def _normal(t: Target, value: Any) -> Any:
    """A value as a plain number in the field's base unit when it is one ("1000 元" → 1000), else as written.

    So that the same point written two ways is the same run, and the tables hold numbers.
    """
    if isinstance(value, (dict, list, bool)) or t.kind == "model":
        return value
    try:
        x = t.number(value)
    except ValueError:
        return value  # the point's validation reports it, at its line
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return short(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_fmt(x)}" for k, x in v.items()) + "}"
    return str(v)


def point_scenario(base: Scenario, values: dict[str, Any], targets: dict[str, Target], settings: dict[str, Any],
                   data: dict | None = None) -> Scenario:
    """The concrete scenario of one point: the base with ``values`` applied; raises ValidationError/ValueError.

    The point stays paired with the scenario its base extends (as ``with_changes`` keeps it), so that it is
    compared with the same baseline as ``qdsim run`` of the same scenario file.
    """
    data = base.model_dump() if data is None else copy.deepcopy(data)
    data.update(settings)
    for path, value in values.items():
        apply(data, targets[path], value, base.region)
    if values:
        digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:8]
        desc = ", ".join(f"{targets[p].label}={_fmt(v)}" for p, v in values.items())
        data["id"] = f"{base.id[:55]}-{digest}"
        data["title"] = {"zh": _cut(f"{base.title.zh}（{desc}）"), "en": _cut(f"{base.title.en} ({desc})")}
        data["description"] = (base.description.rstrip() + "\n" if base.description.strip() else "") + f"Batch point: {desc}."
    point = Scenario.model_validate(data)
    point._base = base._base
    return point


def _cut(s: str, n: int = 200) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


class _Problems:
    """Problems found while loading a batch, each once, at most MAX_PROBLEMS."""

    def __init__(self, filename: str):
        self.filename = filename
        self.found: dict[tuple, list[str]] = {}

    def add(self, line: int, fld: str, message: str, point: str | None = None) -> None:
        self.found.setdefault((line, fld, message), [])
        if point:
            self.found[(line, fld, message)].append(point)

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.found.setdefault((p.line, p.field, p.message, p.file), [])

    def raise_if_any(self) -> None:
        if not self.found:
            return
        out = []
        for key, pts in self.found.items():
            line, fld, message = key[:3]
            file = key[3] if len(key) > 3 else self.filename
            if pts:
                more = f" and {len(pts) - 1} more" if len(pts) > 1 else ""
                message = f"{message} (point {pts[0]}{more})"
            out.append(Problem(file, line, fld, message))
        if len(out) > MAX_PROBLEMS:
            extra = len(out) - MAX_PROBLEMS
            out = out[:MAX_PROBLEMS] + [Problem(self.filename, 1, "(file)", f"… and {extra} more problems")]
        raise ScenarioError(out)


def lhs(ranges: dict[str, tuple[float, float]], n: int, seed: int, integers: set[str] = frozenset()) -> list[dict[str, float]]:
    """``n`` Latin hypercube points over ``ranges`` (deterministic for a seed)."""
    names = list(ranges)
    unit = latin_hypercube(len(names), n, seed)
    out = []
    for row in unit:
        point = {}
        for name, u in zip(names, row, strict=True):
            lo, hi = ranges[name]
            x = lo + float(u) * (hi - lo)
            point[name] = int(round(x)) if name in integers else round_sig(x)
        out.append(point)
    return out


def load_batch(path: str | Path) -> Batch:
    """Read, check and expand a batch file (or a shipped one by name); raise ScenarioError listing every problem as file:line: field: message."""
    path = shipped.locate(path, "batch")
    filename = str(path)
    data, lines = parse_yaml(read_bytes(path), filename)
    lookup = line_lookup(filename, lines)

    def line(*loc) -> int:
        return lookup(loc)[1]

    if "batch" not in data:
        raise ScenarioError([Problem(filename, 1, "batch", "a batch file starts with a batch: section (id, title)")])
    try:
        spec = BatchFile.model_validate(data)
    except ValidationError as e:
        problems = problems_from_validation(e, lookup, suggest=lambda loc: did_you_mean(loc, BatchFile))
        raise ScenarioError(problems + _path_problems(data, lookup)) from None
    problems = _Problems(filename)

    bases = _bases(spec, Path(filename).parent, line, problems)
    problems.raise_if_any()

    region = bases[0][0].region
    targets: dict[str, Target] = {}

    def target(path: str, *loc) -> Target | None:
        if path not in targets:
            try:
                targets[path] = resolve(path, Scenario, region)
            except PathError as e:
                problems.add(line(*loc), ".".join(str(x) for x in loc), str(e))
                return None
        return targets[path]

    for path in spec.fixed:
        target(path, "set", path)

    # the variations, by kind: a list of (values, line, batch field)
    if spec.points is not None:
        varied, changes = _points(spec, len(bases), target, line, problems)
    elif spec.grid is not None:
        varied, changes = _grid(spec, len(bases), target, line, problems)
    elif spec.sample is not None:
        varied, changes = _sample(spec, len(bases), target, line, problems, region)
    else:
        varied, changes = [], [({}, 0, "")]
    problems.raise_if_any()
    changes = [({k: _normal(targets[k], v) for k, v in values.items()}, ln, fld) for values, ln, fld in changes]

    # run settings for every point
    settings = {k: v for k, v in {"replicates": spec.replicates, "seed": spec.seed, "scale": spec.scale}.items() if v is not None}
    if spec.adaptive:
        settings["replicates"] = max(spec.adaptive.start, 1)
    n_points = len(changes) * len(bases)
    per_point = spec.adaptive.max_replicates if spec.adaptive else max(settings.get("replicates") or b.replicates for b, _, _ in bases)
    if n_points * per_point > MAX_REPLICATE_RUNS:
        problems.add(line("batch"), "batch",
                     f"{plain(n_points)} points × {per_point} replicates is more than the {plain(MAX_REPLICATE_RUNS)} replicate runs a batch may ask for")
        problems.raise_if_any()

    # expand: each base × each variation, validated
    points: list[Point] = []
    width = max(3, len(str(n_points - 1)))
    for base, source, base_line in bases:
        fixed_data = None
        if spec.fixed:
            fixed_data = base.model_dump()
            try:
                for path, value in spec.fixed.items():
                    apply(fixed_data, targets[path], value, region)
                fixed = Scenario.model_validate(fixed_data)
            except (ValueError, ValidationError) as e:
                _point_problems(problems, e, spec.fixed, targets, lambda p: (line("set", p), f"set.{p}"), (line("set"), "set"), None)
                continue
            fixed_data = fixed.model_dump()
        for values, ch_line, ch_field in changes:
            pid = "p" + str(len(points)).zfill(width)
            try:
                scen = point_scenario(base, values, targets, settings, fixed_data)
            except (ValueError, ValidationError) as e:
                def where(p, ch_field=ch_field, ch_line=ch_line):
                    if ch_field == "grid":
                        return line("grid", p), f"grid.{p}"
                    if ch_field.startswith("points"):
                        return line("points", int(ch_field[7:-1]), p), f"{ch_field}.{p}"
                    return ch_line, ch_field
                default = (ch_line or base_line, ch_field or ("base" if spec.base else "scenarios"))
                _point_problems(problems, e, values, targets, where, default, pid)
                points.append(None)  # keep numbering stable
                continue
            points.append(Point(pid, scen, values, base.id, source, ch_line or base_line))
    problems.raise_if_any()

    # the whole work, assumption draws included (they may come from the scenarios or be set or varied)
    total = sum((spec.adaptive.max_replicates if spec.adaptive else p.scenario.replicates) + p.scenario.assumption_draws for p in points)
    if total > MAX_REPLICATE_RUNS:
        problems.add(line("batch"), "batch", f"{plain(len(points))} points ask for {plain(total)} replicate runs (replicates and assumption draws), "
                     f"more than the {plain(MAX_REPLICATE_RUNS)} a batch may ask for")
        problems.raise_if_any()

    # two different runs may not share an output folder
    seen: dict[str, Point] = {}
    varied_in = "grid" if spec.grid is not None else "sample" if spec.sample is not None else "points"
    for p in points:
        other = seen.get(p.dir_name)
        if other is not None:
            if other.scenario.sha256() == p.scenario.sha256():
                problems.add(p.line, "scenarios" if not p.values else varied_in, f"point {p.id} is the same run as point {other.id}")
            else:
                problems.add(p.line, "scenarios", f"points {other.id} and {p.id} are different scenarios with the same id {p.dir_name!r}")
        seen[p.dir_name] = p
    problems.raise_if_any()
    meta = spec.batch
    return Batch(
        id=meta.id, title=meta.title, points=points, varied=varied, adaptive=spec.adaptive, path=filename,
        description=meta.description, labels={p: targets[p].label for p in varied},
    )


def _bases(spec: BatchFile, here: Path, line, problems: _Problems) -> list[tuple[Scenario, str, int]]:
    """The scenarios the points derive from (``base:`` or ``scenarios:``), each with its file and the batch line naming it."""
    refs = [("base", spec.base, ("base",))] if spec.base is not None else [(f"scenarios[{i}]", r, ("scenarios", i)) for i, r in enumerate(spec.scenarios)]
    bases: list[tuple[Scenario, str, int]] = []
    for fld, ref, loc in refs:
        p = here / ref
        if Path(ref).suffix not in (".yaml", ".yml"):  # as extends: never read other files as scenarios
            problems.add(line(*loc), fld, f"{ref!r} is not a .yaml scenario file")
            continue
        if not p.is_file():
            problems.add(line(*loc), fld, f"no scenario file {ref!r} (paths are relative to the batch file)")
            continue
        try:
            bases.append((load_scenario(p), str(p), line(*loc)))
        except ScenarioError as e:
            problems.extend(e.problems)
            problems.add(line(*loc), fld, f"the scenario file {ref!r} has problems (listed above)")
    return bases


Change = tuple[dict[str, Any], int, str]  # values, the batch file's line, the batch field


def _points(spec: BatchFile, n_bases: int, target, line, problems: _Problems) -> tuple[list[str], list[Change]]:
    """``points:`` — each a mapping of path → value."""
    varied: list[str] = []
    changes: list[Change] = []
    if len(spec.points) * n_bases > MAX_POINTS:
        problems.add(line("points"), "points", f"{plain(len(spec.points) * n_bases)} points is more than the {plain(MAX_POINTS)} a batch may have")
        problems.raise_if_any()
    for i, pt in enumerate(spec.points):
        if not pt:
            problems.add(line("points", i), f"points[{i}]", "an empty point (give path: value pairs)")
        for path in pt:
            if target(path, "points", i, path) and path not in varied:
                varied.append(path)
        changes.append((dict(pt), line("points", i), f"points[{i}]"))
    return varied, changes


def _grid(spec: BatchFile, n_bases: int, target, line, problems: _Problems) -> tuple[list[str], list[Change]]:
    """``grid:`` — path → list of values; every combination is a point."""
    ok = all([target(path, "grid", path) for path in list(spec.grid)])
    for path, values in spec.grid.items():
        keys = [json.dumps(v, sort_keys=True, default=str) for v in values]
        if not values:
            problems.add(line("grid", path), f"grid.{path}", "give at least one value")
        elif len(set(keys)) != len(keys):
            problems.add(line("grid", path), f"grid.{path}", "a value is listed twice")
    size = math.prod(len(v) for v in spec.grid.values())
    changes: list[Change] = []
    if size * n_bases > MAX_POINTS:
        problems.add(line("grid"), "grid", f"{plain(size * n_bases)} points is more than the {plain(MAX_POINTS)} a batch may have")
    elif ok:
        changes = [(dict(zip(spec.grid, combo, strict=True)), line("grid"), "grid") for combo in itertools.product(*spec.grid.values())]
    return list(spec.grid), changes


def _sample(spec: BatchFile, n_bases: int, target, line, problems: _Problems, region: str) -> tuple[list[str], list[Change]]:
    """``sample:`` — a Latin hypercube of ``n`` points over ranges."""
    s = spec.sample
    if s.n * n_bases > MAX_POINTS:
        problems.add(line("sample", "n"), "sample.n", f"{plain(s.n * n_bases)} points is more than the {plain(MAX_POINTS)} a batch may have")
    ranges: dict[str, tuple[float, float]] = {}
    integers: set[str] = set()
    for path, rng in s.ranges.items():
        t = target(path, "sample", "ranges", path)
        if t is None:
            continue
        try:
            ranges[path] = sample_range(t, rng, region)
        except ValueError as e:
            problems.add(line("sample", "ranges", path), f"sample.ranges.{path}", str(e))
        if t.integer:
            integers.add(path)
    changes = [] if problems.found else [(v, line("sample"), "sample") for v in lhs(ranges, s.n, s.seed, integers)]
    return list(s.ranges), changes


def sample_range(t: Target, rng: Any, region: str = "dingxi") -> tuple[float, float]:
    """The numeric [low, high] of a sampled path (the catalogue's plausible range when not given)."""
    if rng is None or rng == "plausible":
        if t.kind != "override" or t.multiply:
            raise ValueError("give [low, high]; only overrides.<parameter> defaults to the catalogue's plausible range")
        from qdsim.foundation.catalogue import load_catalogue

        lo, hi = load_catalogue(region).parameters[t.parts[1]].range
    else:
        if len(rng) != 2:
            raise ValueError("give [low, high]")
        lo, hi = t.number(rng[0]), t.number(rng[1])
    if not lo < hi:
        raise ValueError(f"low {short(lo)} must be below high {short(hi)}")
    return lo, hi


def _point_problems(problems: _Problems, err: Exception, values: dict, targets: dict[str, Target], where, default, pid) -> None:
    """Map a point's validation error to the batch lines of the values that caused it."""
    if isinstance(err, ValidationError):
        items = [clean_error(e) for e in err.errors()]
    else:
        items = [((), str(err))]
    for loc, msg in items:
        hit = [p for p in values if matches(loc, msg, targets[p])]
        if hit:
            for p in hit:
                ln, fld = where(p)
                problems.add(ln, fld, f"{msg} ({p} = {_fmt(values[p])})", pid)
        else:
            field_name = ".".join(str(x) for x in loc)
            problems.add(default[0], default[1], f"{field_name + ': ' if field_name else ''}{msg}", pid)


def _path_problems(data: dict, lookup) -> list[Problem]:
    """Unknown variation paths in a file whose schema is also wrong (so that every problem is listed at once)."""
    found: list[tuple] = []
    for section in ("grid", "set"):
        if isinstance(data.get(section), dict):
            found += [(p, (section, p)) for p in data[section]]
    if isinstance(data.get("points"), list):
        found += [(p, ("points", i, p)) for i, pt in enumerate(data["points"]) if isinstance(pt, dict) for p in pt]
    sample = data.get("sample")
    if isinstance(sample, dict) and isinstance(sample.get("ranges"), dict):
        found += [(p, ("sample", "ranges", p)) for p in sample["ranges"]]
    out = []
    for path, loc in found:
        try:
            resolve(path, Scenario)
        except PathError as e:
            file, ln = lookup(loc)
            out.append(Problem(file, ln, ".".join(str(x) for x in loc), str(e)))
    return out
