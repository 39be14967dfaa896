"""Free text in the brief: a hostile title is shown as written in every format, never as markup, a link or an image."""

from __future__ import annotations

import io
import json
import re
import shutil
from dataclasses import replace

import docx
import pytest
import yaml

from qdsim.brief import build, encode

HOSTILE = "Pay ![t](http://evil.example/x.png) <script>alert(1)</script> see http://evil.example/y [/bold] *x* | y"


@pytest.fixture(scope="module")
def hostile_brief(tiny_run_dir, tmp_path_factory):
    """The tiny run's brief, its English title replaced by one full of markup (valid: markup is text)."""
    d = tmp_path_factory.mktemp("hostile") / "run"
    shutil.copytree(tiny_run_dir, d)
    m = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    m["scenario"]["title"]["en"] = HOSTILE
    (d / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    s = yaml.safe_load((d / "scenario.yaml").read_text(encoding="utf-8"))
    s["title"]["en"] = HOSTILE
    (d / "scenario.yaml").write_text(yaml.safe_dump(s, allow_unicode=True), encoding="utf-8")
    brief = build(d, "en")
    assert HOSTILE in brief.title
    return brief


def test_the_markdown_brief_shows_a_hostile_title_as_text(hostile_brief):
    md = encode(hostile_brief, "md").decode("utf-8")
    md = re.sub(r"^(`{3,})\w*\n.*?^\1$", "", md, flags=re.S | re.M)  # code blocks show their text as is (the BibTeX holds the title)
    assert "```" not in md  # and every one was closed
    assert "<script>" not in md and r"\<script\>" in md
    assert "![t](" not in md and r"!\[t\](http://evil.example/x.png)" in md
    assert not re.search(r"^#+ .*\n#", md)  # no heading made of a title


def test_the_html_brief_escapes_a_title_and_links_no_address_in_it(hostile_brief):
    page = encode(hostile_brief, "html").decode("utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="http://evil.example' not in page and "<img" not in page.replace('<img src="data:image/png', "")


def test_the_word_brief_is_written_with_control_characters_and_overrides_dropped(hostile_brief):
    odd = replace(hostile_brief, title="bell\x07 and \u202eoverride", blocks=[*hostile_brief.blocks])
    d = docx.Document(io.BytesIO(encode(odd, "docx")))
    assert d.paragraphs[0].text == "bell and override"
    assert any(HOSTILE in p.text for p in docx.Document(io.BytesIO(encode(hostile_brief, "docx"))).paragraphs)
