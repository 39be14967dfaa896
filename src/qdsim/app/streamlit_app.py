"""The web app's script, shipped inside the package: ``qdsim app`` serves it with Streamlit.

All logic is in :mod:`qdsim.app`; the repository's ``streamlit_app.py``
does the same two lines, for ``streamlit run streamlit_app.py``.
"""

from qdsim.app.main import main

main()
