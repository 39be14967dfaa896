"""The web app (Streamlit): a bilingual what-if explorer for planners.

``streamlit_app.py`` at the repository root calls :func:`qdsim.app.main.main`,
which lays out the pages in ``pages/`` under ``st.navigation``. The app holds
no model logic: it builds :class:`qdsim.scenario.Scenario` objects and runs
them through :func:`qdsim.api.run`.
"""
