"""The app's frame: page setup, language switch and navigation between the page files."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from qdsim import __version__
from qdsim.app import links, state
from qdsim.app.i18n import DEFAULT_LANG, LANGS, t

PAGES_DIR = Path(__file__).resolve().parent / "pages"
#: (file, title key, icon, url path), in the order of the menu
PAGES = (
    ("whatif.py", "page.whatif", ":material/tune:", "whatif"),
    ("compare.py", "page.compare", ":material/compare_arrows:", "compare"),
    ("counties.py", "page.counties", ":material/map:", "counties"),
    ("runs.py", "page.runs", ":material/history:", "runs"),
    ("method.py", "page.method", ":material/menu_book:", "method"),
)

#: small touches: metric values that fit a third of the results column; card titles and table cells wrap instead of being
#: cut; what a run changes shows at once instead of fading (results gone stale while it computes) or sliding (the progress
#: bar): those transitions redraw the page for seconds at each run, in every planner's browser (docs/performance.md)
STYLE = """<style>
[data-testid="stMetricValue"] { font-size: %s; }
[data-testid="stMetricLabel"] p { font-size: 0.95rem; font-weight: 600; white-space: normal; overflow: visible; text-overflow: clip; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] > div { overflow: visible; height: auto; }
[data-testid="stTable"] { overflow-x: auto; }
[data-testid="stTable"] td, [data-testid="stTable"] th { white-space: normal; word-break: break-word; }
[data-testid="stElementContainer"], [data-testid="stTabs"] *, [data-testid="stProgress"] * { transition: none !important; }
</style>"""
#: Streamlit's own words on the Chinese page: the file uploader's "Drag and drop", "Limit 2MB per file" and "Browse files"
#: are hidden or replaced by Chinese through CSS (Streamlit has no setting for them)
CHINESE_CHROME = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "拖放 YAML 文件到此处（每个不超过 2MB）"; font-size: 0.9rem; }
[data-testid="stFileUploaderDropzone"] button:not([data-testid="stBaseButton-minimal"]) { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button:not([data-testid="stBaseButton-minimal"])::after { content: "选择文件"; font-size: 0.9rem; }
</style>"""
#: English units are longer (CNY/person, person-times): a smaller figure keeps them whole
VALUE_SIZE = {"zh": "1.55rem", "en": "1.3rem"}


def page(url_path: str) -> st.Page:
    """The app's page served at ``url_path`` (for st.switch_page)."""
    file, title, icon, url = next(p for p in PAGES if p[3] == url_path)
    return st.Page(PAGES_DIR / file, title=t(title), icon=icon, url_path=url, default=url == PAGES[0][3])


def main() -> None:
    st.session_state.setdefault("lang", DEFAULT_LANG)
    st.set_option("client.toolbarMode", "viewer")  # planners need no Deploy or Rerun buttons
    st.set_page_config(page_title=t("app.title"), page_icon=":material/agriculture:", layout="wide",
                       menu_items={"About": f"qdsim {__version__} — {t('app.title')}"})
    if state.init():
        links.from_url()  # a new session: whatever the page's URL says (a shared link or a reload)
    st.html(STYLE % VALUE_SIZE.get(st.session_state["lang"], VALUE_SIZE["zh"]) + (CHINESE_CHROME if st.session_state["lang"] == "zh" else ""))
    pages = [
        st.Page(PAGES_DIR / file, title=t(title), icon=icon, url_path=url, default=i == 0)
        for i, (file, title, icon, url) in enumerate(PAGES)
    ]
    nav = st.navigation(pages)
    # Other pages' widgets (w.* keys) keep their values when not drawn; the what-if form's widgets are drawn
    # afresh from the draft on arriving at a page and after a language switch (state.reseed), so nothing a
    # widget held in the browser can differ from what the form shows and runs.
    on_whatif = nav.url_path in ("", PAGES[0][3])  # the default page is served at the root
    page = PAGES[0][3] if on_whatif else nav.url_path
    ss = st.session_state
    if ss.get("page_drawn") != page or ss.get("lang_drawn") != ss["lang"]:
        state.keep_widget_values()
        state.reseed()
    ss["lang_drawn"], ss["page_drawn"] = ss["lang"], page
    links.to_url()
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        st.caption(t("app.tagline"))
        st.radio(t("app.language"), options=list(LANGS), format_func={"zh": "中文", "en": "English"}.get,
                 key="lang", horizontal=True)
        st.caption(f"qdsim {__version__}")
    nav.run()
