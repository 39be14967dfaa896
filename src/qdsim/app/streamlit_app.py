"""The web app's script, shipped inside the package: ``qdsim app`` serves it with Streamlit.

All logic is in :mod:`qdsim.app`; the repository's ``streamlit_app.py``
does the same, for ``streamlit run streamlit_app.py``. An error no page
handles is shown as a message with a reference, its traceback only in the
server's log (:mod:`qdsim.app.guard`).
"""

from qdsim.app.guard import guarded
from qdsim.app.main import main

guarded(main)
