"""The app as a service (issue 19): what ``app.py`` hands to ``st.App`` when Streamlit serves
it: the lifespan (open the database when the server starts, the scheduled jobs, the info file
the command line finds the app by), the routes (``/healthz``, ``/api/cli``) and the handler of
uncaught page errors. Nothing here runs in AppTest, which runs app.py as a plain script.
"""
