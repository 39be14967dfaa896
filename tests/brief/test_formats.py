"""The brief as files: Word read back with python-docx, self-contained HTML, Markdown; Chinese fonts."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from qdsim.brief import FORMATS, render
from qdsim.brief.word import EAST_ASIAN_FALLBACK, EAST_ASIAN_FONT

from .helpers import docx_text, html_text, numbers

HEADINGS = {
    "zh": ["要点：与无协作相比", "成本与成效", "图表", "分县结果", "情景设定与基准情景对比", "方法", "影响结果的关键假设", "局限", "报道数字的来源",
           "引用与复现", "附录：全部假设参数"],
    "en": ["Key findings: against no cooperation", "Cost and effectiveness", "Charts", "By county", "The scenario against the baseline", "Methods",
           "Assumptions that drive the result", "Limitations", "Sources of the reported figures", "Citation and how to rerun",
           "Appendix: every assumed parameter"],
}
#: the charts of a baseline's brief (a what-if's adds its difference from the baseline)
N_CHARTS = 5


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_reads_back(rendered, briefs, tiny_run, lang):
    path = rendered[lang, "docx"]
    d = docx.Document(str(path))
    heads = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert heads == HEADINGS[lang]
    assert d.paragraphs[0].style.name == "Title" and d.paragraphs[0].text == briefs[lang].title
    assert len(d.inline_shapes) == N_CHARTS
    assert len(d.tables) >= 6  # counties, levers, parameters, sources, citation, appendix
    # the citation block: a key-value table, the rerun commands and the BibTeX entry
    m = tiny_run.manifest
    cite = next(t for t in d.tables if t.rows[0].cells[1].text == m["run_id"])
    cells = {r.cells[0].text: r.cells[1].text for r in cite.rows}
    assert cells[{"zh": "代码提交", "en": "Commit"}[lang]] == m["commit"]
    assert cells[{"zh": "情景 SHA-256", "en": "Scenario SHA-256"}[lang]] == m["scenario_sha256"]
    code = "\n".join(p.text for p in d.paragraphs if p.style.name == "Code")
    assert f"@misc{{qdsim_{m['run_id'].replace('-', '_')}," in code and "qdsim brief runs/" in code and m["rerun"] in code
    assert m["run_id"] in d.sections[0].footer.paragraphs[0].text
    assert d.core_properties.identifier == m["run_id"] and d.core_properties.title == briefs[lang].title


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_docx_findings_are_the_traced_numbers(rendered, briefs, lang):
    """Read the findings back from Word: every number in them is a traced summary.csv value (or a year, or 90%)."""
    d = docx.Document(str(rendered[lang, "docx"]))
    paras = d.paragraphs
    start = next(i for i, p in enumerate(paras) if p.style.name == "Heading 1" and p.text == HEADINGS[lang][0])
    end = next(i for i, p in enumerate(paras) if i > start and p.style.name == "Heading 1")
    findings = [p.text for p in paras[start + 1 : end] if p.style.name == "List Bullet"]
    items = next(x for x in briefs[lang].section("findings") if getattr(x, "role", "") == "findings").items
    assert findings[: len(items)] == items
    findings = items
    traced = {n for t in briefs[lang].traces for n in numbers(t.text)}
    for text in findings:
        assert not [n for n in numbers(text) if n not in traced | {"90"} | {str(y) for y in range(2021, 2036)}], text


@pytest.mark.parametrize(("lang", "fmt"), [(lang, fmt) for lang in ("zh", "en") for fmt in FORMATS])
def test_every_traced_number_is_printed(rendered, briefs, lang, fmt):
    path = rendered[lang, fmt]
    text = {"docx": docx_text, "html": html_text, "md": lambda p: p.read_text(encoding="utf-8")}[fmt](path)
    missing = [t for t in briefs[lang].traces if t.text not in text]
    assert not missing


def test_docx_declares_east_asian_fonts(rendered):
    with zipfile.ZipFile(rendered["zh", "docx"]) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        fonts = etree.fromstring(z.read("word/fontTable.xml"))
    default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert default.get(qn("w:eastAsia")) == EAST_ASIAN_FONT and default.get(qn("w:eastAsiaTheme")) is None
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "Caption", "Table Text"):
        style = next(s for s in styles.findall(qn("w:style")) if s.find(qn("w:name")).get(qn("w:val")) in (name, name.lower()))
        rf = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert rf is not None and rf.get(qn("w:eastAsia")) == EAST_ASIAN_FONT, name
        assert rf.get(qn("w:eastAsiaTheme")) is None, name
    noto = next(f for f in fonts.findall(qn("w:font")) if f.get(qn("w:name")) == EAST_ASIAN_FONT)
    assert noto.find(qn("w:altName")).get(qn("w:val")) == EAST_ASIAN_FALLBACK
    assert noto.find(qn("w:charset")).get(qn("w:val")) == "86"  # GB2312: Word substitutes a Chinese font


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_self_contained(rendered, lang):
    page = rendered[lang, "html"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page and '<meta charset="utf-8">' in page
    assert '"Noto Sans CJK SC"' in page and '"Microsoft YaHei"' in page
    assert len(re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', page)) == N_CHARTS
    # nothing is loaded from elsewhere (sources link to their pages: a reader's click, not a resource)
    assert not re.search(r'src="(https?:)?//', page) and "<script" not in page and "<link" not in page
    assert all(m.startswith('<a href="http') for m in re.findall(r'<\w+ href="[^"]*"', page))


def test_markdown_without_image_files_says_where_the_charts_are(rendered):
    md = rendered["zh", "md"].read_text(encoding="utf-8")
    assert md.startswith("# 政策简报") and "Markdown 版不含图片" in md and "![" not in md
    assert "| 县区 |" in md and "```bibtex" in md


def test_render_rejects_unknown_language_or_format(tiny_run_dir):
    with pytest.raises(ValueError, match="lang"):
        render(tiny_run_dir, lang="fr", fmt="html")
    with pytest.raises(ValueError, match="fmt"):
        render(tiny_run_dir, lang="zh", fmt="pdf")


def _covered(charset: str) -> set[int]:
    cps: set[int] = set()
    for part in charset.split():
        lo, _, hi = part.partition("-")
        cps.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return cps


@pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig not installed")
def test_declared_cjk_font_has_every_character_of_the_brief(rendered):
    """No tofu: the first CJK font of the stacks (Noto Sans CJK SC) is installed and covers every character used."""
    out = subprocess.run(["fc-match", "--format=%{family}\n%{charset}", EAST_ASIAN_FONT], capture_output=True, text=True, check=True).stdout
    family, charset = out.split("\n", 1)
    assert EAST_ASIAN_FONT in family
    cover = _covered(charset)
    text = html_text(rendered["zh", "html"]) + docx_text(rendered["zh", "docx"])
    missing = sorted({c for c in text if ord(c) > 0x2000 and ord(c) not in cover})
    assert not missing


@pytest.mark.browser
@pytest.mark.skipif(not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()), reason="chromium not installed")
def test_chinese_html_renders_in_chromium(rendered, tmp_path):
    """Headless Chromium draws the zh brief (the image was looked at when this test was written: no missing glyphs)."""
    from PIL import Image

    shot = tmp_path / "brief-zh.png"
    subprocess.run(
        [shutil.which("chromium") or "/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--screenshot={shot}", "--window-size=1200,1600", rendered["zh", "html"].resolve().as_uri()],
        capture_output=True, timeout=120, check=True,
    )
    img = Image.open(shot).convert("L")
    assert img.size == (1200, 1600)
    dark = sum(img.histogram()[:128])
    assert dark > 20_000  # text and charts were drawn, not a blank page
