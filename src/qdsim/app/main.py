"""The app's frame: page setup, language switch and navigation between the page files."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from qdsim import __version__
from qdsim.app import state
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

#: small touches: metric values that fit a third of the results column; card titles and table cells wrap instead of being cut
STYLE = """<style>
[data-testid="stMetricValue"] { font-size: %s; }
[data-testid="stMetricLabel"] p { font-size: 0.95rem; font-weight: 600; white-space: normal; overflow: visible; text-overflow: clip; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] > div { overflow: visible; height: auto; }
[data-testid="stTable"] { overflow-x: auto; }
[data-testid="stTable"] td, [data-testid="stTable"] th { white-space: normal; word-break: break-word; }
</style>"""
#: English units are longer (CNY/person, person-times): a smaller figure keeps them whole
VALUE_SIZE = {"zh": "1.55rem", "en": "1.3rem"}


def main() -> None:
    st.session_state.setdefault("lang", DEFAULT_LANG)
    st.set_option("client.toolbarMode", "viewer")  # planners need no Deploy or Rerun buttons
    st.set_page_config(page_title=t("app.title"), page_icon=":material/agriculture:", layout="wide",
                       menu_items={"About": f"qdsim {__version__} — {t('app.title')}"})
    state.init()
    st.html(STYLE % VALUE_SIZE.get(st.session_state["lang"], VALUE_SIZE["zh"]))
    pages = [
        st.Page(PAGES_DIR / file, title=t(title), icon=icon, url_path=url, default=i == 0)
        for i, (file, title, icon, url) in enumerate(PAGES)
    ]
    nav = st.navigation(pages)
    # Off the what-if page, on arriving at it, or after a language switch, widget
    # values go back to session state; otherwise the what-if page's are left
    # alone, so that moved but not yet submitted sliders of the form survive
    # other widgets' reruns. (Arriving matters: without it the form's widgets in
    # collapsed groups came back at their minimum after a visit to another page.)
    on_whatif = nav.url_path in ("", PAGES[0][3])  # the default page is served at the root
    page = PAGES[0][3] if on_whatif else nav.url_path
    ss = st.session_state
    if not on_whatif or ss.get("page_drawn") != page or ss.get("lang_drawn") != ss["lang"]:
        state.keep_widget_values()
    ss["lang_drawn"], ss["page_drawn"] = ss["lang"], page
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        st.caption(t("app.tagline"))
        st.radio(t("app.language"), options=list(LANGS), format_func={"zh": "中文", "en": "English"}.get,
                 key="lang", horizontal=True)
        st.caption(f"qdsim {__version__}")
    nav.run()
