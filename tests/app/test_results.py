"""The results block shows a scenario's title as text: Markdown in it is not rendered (no outside image fetched)."""

from __future__ import annotations

import re

from tests.app.apptest import ROOT, no_exceptions

HOSTILE = "![t](http://evil.example/x.png) **bold** $x$ <img src=x onerror=alert(1)>"


def test_a_title_full_of_markdown_is_shown_as_written(app):
    text = (ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^  zh: .*$", f'  zh: "{HOSTILE}"', text, count=1, flags=re.M)
    app.file_uploader(key="whatif.upload").upload("hostile.yaml", text.encode("utf-8"), "application/x-yaml")
    app.run()
    no_exceptions(app)
    (title,) = [s.value for s in app.subheader if s.value.startswith("结果：")]
    assert title == r"结果：!\[t\](http://evil.example/x.png) \*\*bold\*\* \$x\$ \<img src=x onerror=alert(1)\>"
