"""Free text (a scenario's title and description) made inert for the places that render markup.

A title is the planner's own words and reaches the HTML page, the Word file,
the Markdown file, the terminal and the app. Each place makes it inert:
HTML escapes it (Jinja's autoescape), Word drops the characters XML cannot
hold (:func:`plain`), Markdown and Streamlit escape what would make a link,
an image, raw HTML or a heading (:func:`markdown`, :func:`streamlit_markdown`),
the terminal escapes Rich markup (``rich.markup.escape``). Bidirectional
overrides are dropped everywhere (they flip the text shown). Light: the app
imports it at start.
"""

from __future__ import annotations

import re

#: characters XML 1.0 cannot hold (python-docx refuses them): C0 controls but tab, newline, carriage return; and U+FFFE/F
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: bidirectional embeddings, overrides and isolates: they reorder what is shown (a file name read backwards)
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
#: C0 and C1 control characters (newline and tab included)
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: what Markdown would read as markup in running text: emphasis, code, links, images, raw HTML, escapes
_MD_INLINE = re.compile(r"([\\`*\[\]<>~|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
#: what starts a block at the beginning of a line: a heading, a list item, a rule or setext underline
_MD_BLOCK_START = re.compile(r"^(\s*)(#+|[-+=]+(?=\s|$)|\d+(?=[.)](\s|$)))")


def plain(text: str) -> str:
    """``text`` without bidirectional overrides and the characters XML cannot hold (for Word, and any writer)."""
    return BIDI.sub("", _NOT_XML.sub("", str(text)))


def one_line(text: str) -> str:
    """``text`` on one line: every control character (newlines too) a space, no bidirectional overrides."""
    return BIDI.sub("", CONTROL.sub(" ", str(text)))


def markdown(text: str) -> str:
    """``text`` as inert Markdown on one line: shown as written, never a heading, link, image or HTML."""
    s = _MD_INLINE.sub(r"\\\1", one_line(text))
    m = _MD_BLOCK_START.match(s)
    if m is None:
        return s
    lead, mark = m.group(1), m.group(2)
    cut = m.end()
    if mark[0].isdigit():  # "1." starts a numbered list: "1\."
        return f"{lead}{mark}\\{s[cut:]}"
    return f"{lead}\\{s[len(lead):]}"


def streamlit_markdown(text: str) -> str:
    """``text`` for a Streamlit element that renders Markdown (a subheader, a progress bar's text): as
    :func:`markdown`, with ``$`` escaped too (Streamlit reads ``$…$`` as LaTeX)."""
    return markdown(text).replace("$", "\\$")


def fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text`` (so the text cannot close it)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


