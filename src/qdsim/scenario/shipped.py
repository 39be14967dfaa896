"""The scenarios and batch files shipped inside the package, found by name from any folder.

They live in ``qdsim/data/scenarios/`` (the repository's ``scenarios/`` is a
link to that folder), so an installed qdsim is whole: ``qdsim run baseline``
works from an empty folder, and ``qdsim scenarios --copy-to DIR`` copies them
out for editing with their relative ``extends:`` and ``base:`` paths intact.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

BASELINE = "baseline"
SUFFIXES = (".yaml", ".yml")


def folder() -> Path:
    """The folder of the shipped scenarios (batch files in its ``batches/``)."""
    return Path(str(resources.files("qdsim") / "data" / "scenarios"))


def baseline_file() -> Path:
    """The shipped baseline: the reported programme 2021–2025, continued to 2030."""
    return folder() / f"{BASELINE}.yaml"


def scenario_files() -> dict[str, Path]:
    """Shipped scenario files by name (the file name without .yaml), the baseline first."""
    files = sorted(folder().glob("*.yaml"), key=lambda p: (p.stem != BASELINE, p.stem))
    return {p.stem: p for p in files}


def batch_files() -> dict[str, Path]:
    """Shipped batch files by name."""
    return {p.stem: p for p in sorted((folder() / "batches").glob("*.yaml"))}


def locate(path: str | Path, kind: str = "scenario") -> Path:
    """``path`` itself when it exists, else the shipped scenario (or batch) it names.

    A name is a bare file name, with or without ``.yaml``: ``baseline``,
    ``stop-after-2025.yaml``. Anything else is returned as given, for the
    loader to report that there is no such file.
    """
    p = Path(path)
    if p.exists() or len(p.parts) != 1:
        return p
    table = batch_files() if kind == "batch" else scenario_files()
    stem = p.name[: -len(p.suffix)] if p.suffix in SUFFIXES else p.name
    return table.get(stem, p)


def names(kind: str = "scenario") -> list[str]:
    return list(batch_files() if kind == "batch" else scenario_files())


def copy_out(dest: str | Path, selected: list[str] | None = None, *, overwrite: bool = False) -> list[Path]:
    """Copy shipped scenarios (all, or those ``selected`` by name) and batch files into ``dest``.

    Batch files go to ``dest/batches/``, as shipped, so that their relative
    paths still name the scenarios. A scenario that ``extends:`` another is
    copied with it.

    Raises:
        KeyError: a selected name is not shipped.
        FileExistsError: a file would be overwritten (unless ``overwrite``).
    """
    scenarios, batches = scenario_files(), batch_files()
    chosen = list(scenarios.values()) + list(batches.values()) if not selected else []
    for name in selected or []:
        stem = name[: -len(Path(name).suffix)] if Path(name).suffix in SUFFIXES else name
        if stem in scenarios:
            chosen.append(scenarios[stem])
        elif stem in batches:
            chosen.append(batches[stem])
        else:
            raise KeyError(f"no shipped scenario or batch named {name!r} (shipped: {', '.join([*scenarios, *batches])})")
    root = folder().resolve()
    dest = Path(dest)
    targets = [(src, dest / src.relative_to(root)) for src in _with_bases(chosen, root)]
    clash = [t for _, t in targets if t.exists() and not overwrite]
    if clash:
        raise FileExistsError(f"{', '.join(map(str, clash))} already exist{'s' if len(clash) == 1 else ''} (nothing was copied)")
    for src, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    return [t for _, t in targets]


def _with_bases(files: list[Path], root: Path) -> list[Path]:
    """The files and every shipped file they name (``extends:``, a batch's ``base:``/``scenarios:``), once each, resolved."""
    import yaml

    out: list[Path] = []
    todo = [f.resolve() for f in files]
    while todo:
        f = todo.pop(0)
        if f in out or not f.is_relative_to(root) or not f.is_file():
            continue
        out.append(f)
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        refs = [data.get("extends"), data.get("base"), *(data.get("scenarios") or [])]
        todo += [(f.parent / r).resolve() for r in refs if isinstance(r, str)]
    return out
