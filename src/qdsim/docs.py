"""Generate the reference tables of docs/ from the parameter catalogue, so the docs cannot drift.

``python -m qdsim.docs`` rewrites docs/parameters.md; a test fails when the
committed file differs from what the catalogue says.
"""

from __future__ import annotations

import sys
from pathlib import Path

from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.format import plain
from qdsim.foundation.metrics import catalogue
from qdsim.scenario.records import lever_records


def parameters_markdown(region: str = "dingxi") -> str:
    reg = load_catalogue(region)
    lines = [
        "# Parameters and reported figures / 参数与公开数据",
        "",
        "Generated from `src/qdsim/data/regions/dingxi/` by `python -m qdsim.docs`; do not edit by hand.",
        "Status: **reported** (the source article), **statistic** (public statistics), **literature**,",
        "**assumption** (no published figure; reasoning in the note, range explored in the assumption interval),",
        "**calibrated** (fitted by `qdsim calibrate` to the reported figures; see docs/calibration.md).",
        "",
    ]
    groups: dict[str, list] = {}
    for p in reg.parameters.values():
        groups.setdefault(p.group, []).append(p)
    for group, params in groups.items():
        lines += [f"## {group}", "", "| id | value | unit | range | status | source | label | note |", "|---|---|---|---|---|---|---|---|"]
        for p in params:
            src = reg.sources[p.source]
            lines.append(
                f"| <a id=\"{p.id}\"></a>`{p.id}` | {plain(p.value)} | {p.unit} | {plain(p.range[0])} – {plain(p.range[1])} | {p.status} "
                f"| {src.title} ({src.outlet}, {src.date}) | {p.label_zh} / {p.label_en} | {p.note} |"
            )
        lines.append("")
    lines += ["## Reported figures (calibration targets and inputs)", "", "| id | value | unit | period | kind | label |", "|---|---|---|---|---|---|"]
    for f in reg.figures.values():
        lines.append(f"| `{f.id}` | {plain(f.value)} | {f.unit} | {f.period} | {f.kind} | {f.label_zh} / {f.label_en} |")
    lines += ["", "## Metrics", "", "| id | unit | kind | 中文 | English | definition |", "|---|---|---|---|---|---|"]
    for m in catalogue().values():
        lines.append(f"| `{m.id}` | {m.unit} | {m.kind} | {m.zh} | {m.en} | {m.definition} |")
    lines += ["", "## Levers", "", "From `src/qdsim/data/levers.yaml`, one record per lever (docs/architecture.md). Range and default in "
              "model units (元, a share as a fraction); cost: the parameter that prices one unit of the lever.", "",
              "| key | kind | unit | range | default | cost | 中文 | English |", "|---|---|---|---|---|---|---|---|"]
    for r in lever_records().values():
        rng = f"{plain(r.range[0])} – {plain(r.range[1])}" if r.range else f"from `{r.source}`"
        cost = f"[`{r.cost}`](#{r.cost})" if r.cost else ""
        lines.append(f"| `{r.key}` | {r.kind} | {r.unit} | {rng} | {plain(r.default) if r.default is not None else ''} | {cost} | {r.zh} | {r.en} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m qdsim.docs [FILE]``: write the parameter table to FILE (default docs/parameters.md)."""
    if argv and (argv[0].startswith("-") or len(argv) > 1):
        print("usage: python -m qdsim.docs [FILE]  (writes the parameter table; default docs/parameters.md)", file=sys.stderr)
        return 0 if argv[0] in ("-h", "--help") else 2
    out = Path(argv[0]) if argv else Path("docs/parameters.md")
    out.write_text(parameters_markdown(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
