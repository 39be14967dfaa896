"""Page scripts run by ``st.navigation`` (one file per page); not imported."""
