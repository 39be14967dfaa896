"""qdsim web app: ``streamlit run streamlit_app.py`` (or ``qdsim app``). All logic is in ``qdsim.app``."""

from qdsim.app.guard import guarded
from qdsim.app.main import main

guarded(main)
