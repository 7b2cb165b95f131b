"""eComm Licenses: sign-in, then navigation showing the pages of the person's role.

Run with `make run` (demo data) or `streamlit run app.py` with ECOMM_DB set. The page list
lives in ecomm/ui.py (PAGES); adding a page is one line there. Page files are in app_pages/
(not pages/, which would switch Streamlit to its old pages-folder mode).
"""
import streamlit as st

from ecomm import practice, ui

st.set_page_config(page_title=ui.APP_TITLE, page_icon=":material/badge:", layout="wide")

if ui.store_or_none() is None:
    # Missing, empty or busy database: explain what to do instead of crashing.
    st.navigation([st.Page("app_pages/setup.py", title="Setup", icon=":material/build:")],
                  position="hidden").run()
    st.stop()

practice_banner = practice.banner_text()  # a demo database's practice clock (ecomm.practice)
if practice_banner:
    st.info(practice_banner, icon=":material/event:")

user = ui.current_user()
ui.sidebar_account(user)

if user is None:
    st.navigation([st.Page("app_pages/no_access.py", title="Sign in", icon=":material/login:")],
                  position="hidden").run()
    st.stop()

# expanded: list every page of the role (Streamlit otherwise folds them behind "View more")
page = st.navigation([st.Page(p.path, title=p.title, icon=p.icon, default=p.default)
                      for p in ui.pages_for(user)], expanded=True)
ui.show_flash()
page.run()
