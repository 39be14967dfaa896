"""Free text made inert: Markdown (and Streamlit's) escaping, and what Word and every writer drop."""

from __future__ import annotations

import pytest

from qdsim.presentation.text import fence, markdown, plain, streamlit_markdown


@pytest.mark.parametrize(("text", "shown"), [
    ("# fake heading", r"\# fake heading"),
    ("1. not a list", r"1\. not a list"),
    ("- not a bullet", r"\- not a bullet"),
    ("1.5万元 and -5%", "1.5万元 and -5%"),  # numbers stay as printed
    ("![t](http://e.example/x.png)", r"!\[t\](http://e.example/x.png)"),
    ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
    ("a\n# b", r"a # b"),
    ("land_sigma _x_ a|b", r"land_sigma \_x\_ a\|b"),
    ("x\u202egnp.exe", "xgnp.exe"),
])
def test_markdown_escapes_what_would_be_markup(text, shown):
    assert markdown(text) == shown


def test_plain_drops_what_word_cannot_hold_and_overrides():
    assert plain("a\x07b\u202ec\nd") == "abc\nd"


def test_a_fence_is_longer_than_any_backticks_inside():
    assert fence("no ticks") == "```" and fence("a ```` b") == "`````"


def test_streamlit_markdown_also_escapes_dollars():
    assert streamlit_markdown("$x$ ![a](http://e.example/i.png)") == r"\$x\$ !\[a\](http://e.example/i.png)"
