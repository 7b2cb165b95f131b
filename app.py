"""eComm Licenses: sign-in, then navigation showing the pages of the person's role.

Run with `make run` (demo data) or `streamlit run app.py` with ECOMM_DB set. The page list
lives in ecomm/ui.py (PAGES); adding a page is one line there. Page files are in app_pages/
(not pages/, which would switch Streamlit to its old pages-folder mode).

Served as a service (issue 19): `streamlit run app.py` finds the `st.App` below and serves it:
the server opens the database when it starts, runs the scheduled jobs, and answers /healthz
and the command line's /api/ (ecomm/server/). Streamlit then runs this same file as each
page's script, as `__main__` (so does AppTest): that is the second branch.
"""
import streamlit as st

if __name__ != "__main__":  # imported by `streamlit run app.py` to find the ASGI app
    from ecomm.server import api, errors, lifespan

    app = st.App(__file__, lifespan=lifespan.lifespan, routes=api.ROUTES,
                 on_script_error=errors.on_script_error)
else:  # a page run
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
    page.run()  # the page starts with ui.page(): its sign-in check, role check and flash
