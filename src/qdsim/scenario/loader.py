"""Load scenario files (or shipped scenarios by name), following ``extends:``.

Parsing and error reporting are :mod:`qdsim.scenario.yamlfile`'s; this
module merges a scenario with the one it extends and validates the result
against the schema, each problem at the file and line that hold the field.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from pydantic import ValidationError

from qdsim.scenario import shipped
from qdsim.scenario.paths import did_you_mean
from qdsim.scenario.schema import ALL_YEARS, Scenario, bare_money_problems, is_year_mapping, year_key
from qdsim.scenario.yamlfile import Problem, ScenarioError, line_lookup, parse_yaml, problems_from_validation, read_bytes

#: series that are events (in the years given only): a child's replaces the base's whole
EVENTS = {"drought"}


def _merge(base: dict, child: dict, path: tuple = ()) -> dict:
    """Child values over base values; mappings merge key by key; a series by year holds from its first year on.

    A series the child gives by year (``fiscal: {2026: 2.28亿元}``) means "from
    2026 on", as the app's 调整从哪一年起生效 and the API's
    ``levers.funds.fiscal.2026`` do: the base's values before its first year
    are kept, the base's values from that year on are replaced. A child series
    that starts at or before the period start, or a single value, replaces the
    base's whole. Events (a drought, in the years given only) are replaced whole.
    """
    out = dict(base)
    for k, v in child.items():
        if is_year_mapping(v) and k not in EVENTS and path[:1] in (("levers",), ("conditions",)):
            out[k] = from_year_on(out.get(k), v)
        elif isinstance(v, dict) and isinstance(out.get(k), dict) and not is_year_mapping(v):
            out[k] = _merge(out[k], v, path + (k,))
        else:
            out[k] = v
    return out


def from_year_on(base: object, child: dict) -> dict:
    """``child`` (a series or a split by year) over ``base``: the base's values before the child's first year, then the child's.

    A base given as one value (every year) is kept as that value up to the
    child's first year. Years are keys as written (``2026``, ``"2026"``).
    """
    first = min(year_key(y) for y in child)
    if is_year_mapping(base):
        kept = {y: x for y, x in base.items() if year_key(y) < first}
    elif base is None:
        kept = {}
    else:  # one value (or one split) for every year: it holds until the child's first year
        kept = {ALL_YEARS: base}  # the schema writes it as the value from the period start (a child year at the start wins)
    return {**kept, **child}


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path`` resolves (symbolic links followed) to somewhere inside ``root``."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError, RuntimeError):  # a NUL byte in the name, a symbolic link loop
        return False


def _resolve_extends(data: dict, lines: dict, filename: str, depth: int = 0, root: Path | None = None) -> tuple[dict, object]:
    """Follow ``extends: other.yaml`` (relative to the file); return merged data and a line lookup.

    With ``root`` (uploaded files), every file extended must resolve inside that folder.
    """
    if "extends" not in data:
        return data, line_lookup(filename, lines)
    ref = data.pop("extends")
    line = lines.get(("extends",), 1)
    if not isinstance(ref, str) or depth > 5:
        raise ScenarioError([Problem(filename, line, "extends", "must name one scenario file, at most 5 levels deep")])
    base_path = base_of(ref, filename)
    if base_path is None:
        if filename.startswith("<"):  # uploaded text: no access to files on the server (shipped scenarios by name aside)
            raise ScenarioError([Problem(filename, line, "extends", "not allowed in an uploaded scenario; upload the full scenario")])
        if Path(ref).is_absolute() or Path(ref).suffix not in (".yaml", ".yml"):
            raise ScenarioError([Problem(filename, line, "extends", "must be a relative path to a .yaml scenario file, or a shipped "
                                         f"scenario's name ({', '.join(shipped.names())}){_shipped_hint(ref)}")])
        base_path = Path(filename).parent / ref
        if root is not None and not _inside(base_path, root):
            raise ScenarioError([Problem(filename, line, "extends", "must name a scenario file in the scenarios folder")])
        if not base_path.is_file():
            raise ScenarioError([Problem(filename, line, "extends", f"no scenario file {ref!r} next to this one{_shipped_hint(ref)}")])
    base_data, base_lines = parse_yaml(read_bytes(base_path), str(base_path))
    base_data, base_lookup = _resolve_extends(base_data, base_lines, str(base_path), depth + 1, root)
    merged = _merge(base_data, data)

    def lookup(loc):
        probe = tuple(loc)
        while probe:
            if probe in lines:
                return filename, lines[probe]
            probe = probe[:-1]
        return base_lookup(loc)

    return merged, lookup


def base_of(ref: str, filename: str) -> Path | None:
    """The shipped scenario ``extends:`` names (``baseline``, without .yaml), else None (a file next to this one).

    A file next to the scenario wins over a shipped name, so that a folder of
    scenarios that extend each other reads as it always did.
    """
    if Path(ref).suffix in (".yaml", ".yml") or "/" in ref or "\\" in ref:
        return None
    if not filename.startswith("<") and (Path(filename).parent / ref).is_file():
        return None
    return shipped.scenario_files().get(ref)


def _shipped_hint(ref: str) -> str:
    close = difflib.get_close_matches(Path(ref).stem, shipped.names(), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def loads_scenario(text: str | bytes, filename: str = "<scenario>", *, root: str | Path | None = None) -> Scenario:
    """Parse and validate scenario text; raise ScenarioError listing every problem.

    ``root``: a folder that any file named by ``extends:`` must be in (for uploaded text).
    """
    if not isinstance(text, (str, bytes)):
        raise ScenarioError([Problem(str(filename), 0, "(file)", f"expected the text of a scenario file, got {type(text).__name__}")])
    data, lines = parse_yaml(text, filename)
    ref = data.get("extends")
    data, lookup = _resolve_extends(data, lines, filename, root=Path(root) if root is not None else None)
    bare = [Problem(*lookup(loc), ".".join(map(str, loc)), message) for loc, message in bare_money_problems(data)]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(bare + problems_from_validation(e, lookup, suggest=lambda loc: did_you_mean(loc, Scenario))) from None
    if bare:
        raise ScenarioError(bare)
    if isinstance(ref, str):  # checked by _resolve_extends: the base it was merged with, to compare it with
        scenario._base = load_scenario(base_of(ref, filename) or Path(filename).parent / ref)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """A scenario file, or a shipped scenario by name (``"baseline"``); raise ScenarioError listing every problem."""
    if not isinstance(path, (str, os.PathLike)):
        raise ScenarioError([Problem(repr(path)[:60], 0, "(file)", f"expected a file path or a shipped scenario's name, got {type(path).__name__}")])
    path = shipped.locate(path)
    return loads_scenario(read_bytes(path), str(path))
