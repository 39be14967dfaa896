"""The brief as a Word document (.docx), with East Asian fonts set so Chinese renders.

Word picks the font of Chinese characters from ``w:rFonts/@w:eastAsia``, not
from the font name python-docx sets (ascii/hAnsi), and the default template
points every style at theme fonts (``w:eastAsiaTheme``) that may have no
Chinese glyphs. So the document defaults and every style used here get an
explicit East Asian font (Noto Sans CJK SC), the theme attributes are
removed, and the font table names Microsoft YaHei as the alternative Word
should substitute where Noto is not installed.
"""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from qdsim.brief.document import Brief, Bullets, Code, Figure, Heading, Paragraph, Table
from qdsim.brief.text import map_text, plain

EAST_ASIAN_FONT = "Noto Sans CJK SC"
EAST_ASIAN_FALLBACK = "Microsoft YaHei"
LATIN_FONT = "Calibri"
MONO_FONT = "Consolas"
STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption", "List Bullet", "Table Grid", "Code", "Table Text", "Table Text Small")
MUTED = RGBColor(0x5B, 0x66, 0x73)
ACCENT = RGBColor(0x1F, 0x5F, 0x99)


def _set_fonts(rpr, ascii_font: str = LATIN_FONT, east_asian: str = EAST_ASIAN_FONT) -> None:
    """Explicit fonts for every script on an rPr element; theme fonts removed."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    rfonts.set(qn("w:ascii"), ascii_font)
    rfonts.set(qn("w:hAnsi"), ascii_font)
    rfonts.set(qn("w:cs"), ascii_font)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr, lang: str) -> None:
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    el.set(qn("w:eastAsia"), "zh-CN")


def _font_table(doc) -> None:
    """Declare the CJK font and its Windows substitute in word/fontTable.xml."""
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            break
    else:  # pragma: no cover - the default template has a font table
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    names = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, alt in ((EAST_ASIAN_FONT, EAST_ASIAN_FALLBACK), (EAST_ASIAN_FALLBACK, "微软雅黑")):
        if name in names:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", alt), ("w:charset", "86"), ("w:family", "swiss"), ("w:pitch", "variable")):
            el = etree.SubElement(font, qn(tag))
            el.set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _prepare(doc, lang: str) -> None:
    styles = doc.styles
    # document defaults
    rpr_default = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default)
    _set_lang(rpr_default, lang)
    from docx.enum.style import WD_STYLE_TYPE

    for name, size, after in (("Code", 8.5, 0), ("Table Text", 9, 0), ("Table Text Small", 8, 0)):
        st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = styles["Normal"]
        st.font.size = Pt(size)
        st.paragraph_format.space_after = Pt(after)
        st.paragraph_format.line_spacing = 1.0 if name != "Code" else 1.1
    for name in STYLES:
        style = styles[name]
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, MONO_FONT if name == "Code" else LATIN_FONT)
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        styles[name].font.size = Pt(size)
        styles[name].font.color.rgb = ACCENT if name != "Title" else RGBColor(0x1D, 0x27, 0x33)
    _font_table(doc)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin = section.bottom_margin = Cm(2.0)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _table(doc, t: Table) -> None:
    if t.caption:
        doc.add_paragraph(t.caption, style="Caption")
    has_header = any(h for h in t.header)
    n_cols = max(len(t.header), *(len(r) for r in t.rows)) if t.rows else len(t.header)
    table = doc.add_table(rows=(1 if has_header else 0) + len(t.rows), cols=n_cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    style = doc.styles["Table Text Small" if n_cols >= 6 or t.role in ("appendix", "levers") else "Table Text"]
    rows = ([t.header] if has_header else []) + t.rows
    for i, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
        cells = row.cells
        for j, value in enumerate(values):
            cell = cells[j]
            p = cell.paragraphs[0]
            p.style = style
            run = p.add_run(str(value))
            if i == 0 and has_header:
                run.bold = True
                _shade(cell, "F3F6F9")
            elif j in t.numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if t.role == "citation" and j == 0:
                run.bold = True
    if has_header:
        _repeat_header(table.rows[0])
    doc.add_paragraph()


def render_docx(brief: Brief) -> bytes:
    brief = map_text(brief, plain)  # a control character in a title would make the file unwritable; an override flips it
    doc = Document()
    _prepare(doc, brief.lang)
    cp = doc.core_properties
    cp.title = brief.title
    cp.subject = brief.subtitle
    cp.author = "qdsim"
    cp.keywords = brief.keywords
    cp.comments = brief.footer
    cp.identifier = brief.run_id
    cp.language = "zh-CN" if brief.lang == "zh" else "en-GB"
    try:
        when = datetime.fromisoformat(brief.date)
        cp.created = cp.modified = when
    except ValueError:
        pass
    cp.revision = 1

    doc.add_paragraph(brief.title, style="Title")
    sub = doc.add_paragraph(brief.subtitle, style="Subtitle")
    sub.runs[0].font.color.rgb = MUTED
    for b in brief.blocks:
        if isinstance(b, Heading):
            doc.add_heading(b.text, level=b.level)
        elif isinstance(b, Paragraph):
            p = doc.add_paragraph()
            run = p.add_run(b.text)
            if b.role in ("note", "meta"):
                run.font.size = Pt(9)
                run.font.color.rgb = MUTED
            if b.role in ("lead", "warning"):
                run.bold = True
            if b.role == "warning":
                run.font.color.rgb = RGBColor(0xB0, 0x1E, 0x1E)
        elif isinstance(b, Bullets):
            for item in b.items:
                p = doc.add_paragraph(item, style="List Bullet")
                if b.role == "findings":
                    p.paragraph_format.space_after = Pt(3)
        elif isinstance(b, Table):
            _table(doc, b)
        elif isinstance(b, Figure):
            doc.add_picture(io.BytesIO(b.png), width=Cm(15.5))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cap = doc.add_paragraph(b.caption, style="Caption")
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(b, Code):
            code = doc.styles["Code"]
            for line in b.text.splitlines() or [""]:
                doc.add_paragraph(line, style=code)
            doc.add_paragraph()
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = brief.footer
    for run in footer.runs:
        run.font.size = Pt(7.5)
        run.font.color.rgb = MUTED
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
