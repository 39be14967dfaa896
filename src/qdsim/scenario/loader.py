"""Load scenario files (or shipped scenarios by name), following ``extends:``.

Parsing and error reporting are :mod:`qdsim.scenario.yamlfile`'s; this
module merges a scenario with the one it extends and validates the result
against the schema, each problem at the file and line that hold the field.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from qdsim.scenario import shipped
from qdsim.scenario.paths import did_you_mean
from qdsim.scenario.schema import Scenario, is_year_mapping
from qdsim.scenario.yamlfile import Problem, ScenarioError, line_lookup, parse_yaml, problems_from_validation, read_bytes


def _merge(base: dict, child: dict) -> dict:
    """Child values over base values; mappings merge key by key, except year series (replaced whole)."""
    out = dict(base)
    for k, v in child.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not is_year_mapping(v):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


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
    if filename.startswith("<"):  # uploaded text: no access to files on the server
        raise ScenarioError([Problem(filename, line, "extends", "not allowed in an uploaded scenario; upload the full scenario")])
    if Path(ref).is_absolute() or Path(ref).suffix not in (".yaml", ".yml"):
        raise ScenarioError([Problem(filename, line, "extends", "must be a relative path to a .yaml scenario file")])
    base_path = Path(filename).parent / ref
    if root is not None and not _inside(base_path, root):
        raise ScenarioError([Problem(filename, line, "extends", "must name a scenario file in the scenarios folder")])
    if not base_path.is_file():
        raise ScenarioError([Problem(filename, line, "extends", f"no scenario file {ref!r} next to this one")])
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


def loads_scenario(text: str | bytes, filename: str = "<scenario>", *, root: str | Path | None = None) -> Scenario:
    """Parse and validate scenario text; raise ScenarioError listing every problem.

    ``root``: a folder that any file named by ``extends:`` must be in (for uploaded text).
    """
    data, lines = parse_yaml(text, filename)
    ref = data.get("extends")
    data, lookup = _resolve_extends(data, lines, filename, root=Path(root) if root is not None else None)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        raise ScenarioError(problems_from_validation(e, lookup, suggest=lambda loc: did_you_mean(loc, Scenario))) from None
    if isinstance(ref, str):  # checked by _resolve_extends: the base it was merged with, to compare it with
        scenario._base = load_scenario(Path(filename).parent / ref)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """A scenario file, or a shipped scenario by name (``"baseline"``); raise ScenarioError listing every problem."""
    path = shipped.locate(path)
    return loads_scenario(read_bytes(path), str(path))
