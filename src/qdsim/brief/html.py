"""The brief as one self-contained HTML file: images embedded, fonts declared, printable."""

from __future__ import annotations

import base64
import re

import jinja2
from markupsafe import Markup, escape

from qdsim.brief.document import Brief, Bullets, Code, Figure, Heading, Paragraph, Table
from qdsim.brief.text import map_text, plain

_URL = re.compile(r"https?://[^\s，,）)]+")


def linked(text: str) -> Markup:
    """The text, escaped, with its web addresses as links: only for the sources' references (qdsim's own data),
    never for free text such as a scenario's title."""
    return Markup(_URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', str(escape(text))))

#: CJK-capable font stack: Noto on Linux, PingFang on macOS, Microsoft YaHei on Windows
FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
              '"Microsoft YaHei", "微软雅黑", "WenQuanYi Micro Hei", sans-serif')
MONO_STACK = '"Noto Sans Mono CJK SC", "DejaVu Sans Mono", Consolas, "Courier New", monospace'

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="qdsim {{ version }}">
<meta name="qdsim-run-id" content="{{ b.run_id }}">
<meta name="keywords" content="{{ b.keywords }}">
<title>{{ b.title }}</title>
<style>
  :root { --ink: #1d2733; --muted: #5b6673; --rule: #d5dbe1; --accent: #1f5f99; --band: #f3f6f9; }
  html { font-family: {{ font_stack }}; color: var(--ink); background: #fff; }
  body { max-width: 880px; margin: 2rem auto; padding: 0 1.25rem; line-height: 1.65; font-size: 16px; }
  h1 { font-size: 1.75rem; line-height: 1.3; margin: 0 0 .25rem; }
  h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--accent); }
  .subtitle { color: var(--muted); margin: 0; }
  .meta { color: var(--muted); font-size: .9rem; margin-top: .25rem; }
  .note { color: var(--muted); font-size: .9rem; }
  .warning { color: #8a1c1c; background: #fdecea; border-left: 4px solid #c0392b; padding: .6rem .9rem; font-weight: 600; }
  ul.answer { background: #eef6f0; border-left: 4px solid #2e8b57; padding: .8rem 1rem .8rem 2.2rem; }
  ul.answer li { margin: .35rem 0; }
  ul.findings { background: var(--band); border-left: 4px solid var(--accent); padding: .8rem 1rem .8rem 2.2rem; }
  ul.findings li { margin: .35rem 0; }
  figure { margin: 1.2rem 0; text-align: center; }
  figure img { max-width: 100%; height: auto; width: 640px; }
  figcaption { color: var(--muted); font-size: .9rem; margin-top: .3rem; }
  table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9rem; }
  caption { text-align: left; color: var(--muted); padding-bottom: .3rem; }
  th, td { border: 1px solid var(--rule); padding: .3rem .5rem; vertical-align: top; text-align: left; }
  th { background: var(--band); font-weight: 600; }
  td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  table.citation td:first-child { white-space: nowrap; font-weight: 600; width: 9em; }
  table.citation td { word-break: break-all; }
  table.parameters td:last-child, table.parameters th:last-child { white-space: nowrap; }
  table.sources td:last-child { word-break: break-all; font-size: .85rem; }
  pre { font-family: {{ mono_stack }}; background: var(--band); border: 1px solid var(--rule); padding: .7rem; overflow-x: auto;
        white-space: pre-wrap; word-break: break-all; font-size: .82rem; line-height: 1.45; }
  footer { margin-top: 2.5rem; padding-top: .6rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .8rem; word-break: break-all; }
  @media print { body { max-width: none; margin: 0; font-size: 11pt; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
  @page { size: A4; margin: 18mm 16mm; }
</style>
</head>
<body>
<header>
<h1>{{ b.title }}</h1>
<p class="subtitle">{{ b.subtitle }}</p>
</header>
<main>
{% for blk in blocks %}
{%- if blk.kind == "heading" %}
{%- if blk.b.level == 1 %}<h2 id="{{ blk.b.anchor }}">{{ blk.b.text }}</h2>{% else %}<h3>{{ blk.b.text }}</h3>{% endif %}
{%- elif blk.kind == "paragraph" %}
<p{% if blk.b.role %} class="{{ blk.b.role }}"{% endif %}>{{ blk.b.text }}</p>
{%- elif blk.kind == "bullets" %}
<ul{% if blk.b.role %} class="{{ blk.b.role }}"{% endif %}>
{%- for item in blk.b.items %}
<li>{% if blk.b.role == "references" %}{{ item | linked }}{% else %}{{ item }}{% endif %}</li>
{%- endfor %}
</ul>
{%- elif blk.kind == "table" %}
<table{% if blk.b.role %} class="{{ blk.b.role }}"{% endif %}>
{%- if blk.b.caption %}<caption>{{ blk.b.caption }}</caption>{% endif %}
{%- if blk.b.header | select | list %}
<thead><tr>{% for h in blk.b.header %}<th>{{ h }}</th>{% endfor %}</tr></thead>
{%- endif %}
<tbody>
{%- for row in blk.b.rows %}
<tr>{% for cell in row %}<td{% if loop.index0 in blk.b.numeric %} class="num"{% endif %}>
{%- if blk.b.role == "sources" %}{{ cell | linked }}{% else %}{{ cell }}{% endif %}</td>{% endfor %}</tr>
{%- endfor %}
</tbody>
</table>
{%- elif blk.kind == "figure" %}
<figure id="fig-{{ blk.b.name }}"><img src="data:image/png;base64,{{ blk.data }}" alt="{{ blk.b.caption }}"><figcaption>{{ blk.b.caption }}</figcaption></figure>
{%- elif blk.kind == "code" %}
<pre class="{{ blk.b.role }}"><code>{{ blk.b.text }}</code></pre>
{%- endif %}
{% endfor %}
</main>
<footer>{{ b.footer }}</footer>
</body>
</html>
"""

_env = jinja2.Environment(autoescape=True, trim_blocks=False, lstrip_blocks=False, undefined=jinja2.StrictUndefined)
_env.filters["linked"] = linked
_template = _env.from_string(_TEMPLATE)


class _Blk:
    __slots__ = ("b", "kind", "data")

    def __init__(self, b):
        self.b = b
        self.kind = {Heading: "heading", Paragraph: "paragraph", Bullets: "bullets", Table: "table", Figure: "figure", Code: "code"}[type(b)]
        self.data = base64.b64encode(b.png).decode("ascii") if isinstance(b, Figure) else ""


def render_html(brief: Brief) -> bytes:
    from qdsim import __version__

    brief = map_text(brief, plain)  # no bidirectional overrides (they flip what is shown); the rest is escaped by the template
    text = _template.render(
        b=brief,
        blocks=[_Blk(x) for x in brief.blocks],
        html_lang="zh-CN" if brief.lang == "zh" else "en",
        font_stack=Markup(FONT_STACK),
        mono_stack=Markup(MONO_STACK),
        version=__version__,
    )
    return text.encode("utf-8")
