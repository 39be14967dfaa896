"""The citable policy brief of a run: HTML, Word and Markdown, in Chinese and English.

>>> from qdsim.brief import render
>>> html = render("runs/baseline", lang="zh", fmt="html")      # a run directory
>>> docx = render(result, lang="en", fmt="docx")                # or a RunResult

The brief says what the run found (each number with its 90% interval, read
from ``summary.csv``), shows the app's charts, sets the scenario's levers
against the baseline, and ends with everything needed to cite and rerun it:
run ID, version and commit, scenario hash, seeds and the command.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from qdsim.brief.content import build
from qdsim.brief.document import Brief, Figure
from qdsim.brief.source import BriefError, RunData, load

__all__ = ["FORMATS", "LANGS", "Brief", "BriefError", "build", "encode", "file_name", "render", "write_briefs"]

LANGS = ("zh", "en")
FORMATS = ("html", "docx", "md")


def _check(lang: str, fmt: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")


def encode(brief: Brief, fmt: str, image_links: dict[str, str] | None = None) -> bytes:
    """A built brief as the bytes of one format: html (self-contained), docx, or md (images linked by ``image_links``)."""
    if fmt == "html":
        from qdsim.brief.html import render_html

        return render_html(brief)
    if fmt == "docx":
        from qdsim.brief.word import render_docx

        return render_docx(brief)
    from qdsim.brief.markdown import render_md

    return render_md(brief, image_links)


def render(source, *, lang: str = "zh", fmt: str = "html") -> bytes:
    """The brief of ``source`` (a RunResult or a run output directory) as bytes.

    Args:
        source: a :class:`qdsim.api.RunResult`, or the path of a directory
            written by ``qdsim run`` (summary.csv, manifest.json, scenario.yaml).
        lang: ``"zh"`` (default) or ``"en"``.
        fmt: ``"html"`` (self-contained), ``"docx"`` or ``"md"`` (no images).
    Raises:
        BriefError: the source is not a readable run.
        ValueError: unknown ``lang`` or ``fmt``.
    """
    _check(lang, fmt)
    return encode(build(source, lang), fmt)


def file_name(scenario_id: str, lang: str, fmt: str) -> str:
    return f"{scenario_id}-brief-{lang}.{fmt}"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_briefs(
    source,
    out: Path,
    langs: Iterable[str] = LANGS,
    formats: Iterable[str] = ("html", "docx"),
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Write the brief in each language and format into directory ``out``.

    Files are named ``<scenario>-brief-<lang>.<fmt>``; Markdown briefs get
    their charts as PNG files in ``out/figures/``. Each file is written
    atomically. Returns the paths written, in order.
    """
    langs, formats = list(dict.fromkeys(langs)), list(dict.fromkeys(formats))
    for lang in langs:
        for fmt in formats:
            _check(lang, fmt)
    data: RunData = load(source)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    total, done, written = len(langs) * len(formats), 0, []
    for lang in langs:
        if progress:
            progress(done, total, f"{lang}: charts")
        brief = build(data, lang)
        for fmt in formats:
            links = None
            if fmt == "md":
                figdir = out / "figures"
                figdir.mkdir(exist_ok=True)
                links = {}
                for b in brief.blocks:
                    if isinstance(b, Figure):
                        name = f"{brief.scenario_id}-{lang}-{b.name}.png"
                        _atomic_write(figdir / name, b.png)
                        links[b.name] = f"figures/{name}"
            path = out / file_name(brief.scenario_id, lang, fmt)
            _atomic_write(path, encode(brief, fmt, links))
            written.append(path)
            done += 1
            if progress:
                progress(done, total, path.name)
    return written
