"""The brief as a list of blocks, written out by the HTML, Word and Markdown writers.

Building the content once and writing it three ways keeps the formats saying
the same thing; tests read the blocks as well as the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qdsim.brief.numbers import Trace


@dataclass
class Heading:
    text: str
    level: int = 1  # 1 = section, 2 = subsection
    anchor: str = ""


@dataclass
class Paragraph:
    text: str
    role: str = ""  # "lead", "note", "meta"


@dataclass
class Bullets:
    items: list[str]
    role: str = ""  # "findings" for the key findings


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    role: str = ""  # "counties", "levers", "citation", ...
    numeric: tuple[int, ...] = ()  # columns aligned right


@dataclass
class Figure:
    png: bytes
    caption: str
    name: str  # file stem, e.g. "income-series"


@dataclass
class Code:
    text: str
    role: str = ""  # "rerun", "bibtex"


Block = Heading | Paragraph | Bullets | Table | Figure | Code


@dataclass
class Brief:
    """A built brief: its blocks, and every number taken from summary.csv."""

    lang: str
    title: str
    subtitle: str
    date: str
    run_id: str
    scenario_id: str
    blocks: list[Block] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    footer: str = ""
    keywords: str = ""

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def section(self, anchor: str) -> list[Block]:
        """The blocks under the level-1 heading with ``anchor`` (up to the next one)."""
        out, inside = [], False
        for b in self.blocks:
            if isinstance(b, Heading) and b.level == 1:
                if inside:
                    break
                inside = b.anchor == anchor
                continue
            if inside:
                out.append(b)
        return out
