"""Jobs (System team, A2): the jobs the app runs by itself, their last runs, and "Run now"."""
import pandas as pd
import streamlit as st

from ecomm import ui
from ecomm.errors import EcommError
from ecomm.jobs import views

store, user = ui.page()

try:
    jobs = views.job_overview(store, user)
except EcommError as exc:  # A2: only the System team gets here
    ui.show_error(exc)
    st.stop()

st.title("Jobs")
if not views.jobs_run_by_themselves():
    st.warning("The jobs are not running by themselves in this app (started without its "
               "scheduler, e.g. ECOMM_JOBS=off): use Run now, or restart it with the jobs on.",
               icon=":material/schedule:")
else:
    st.caption("The app runs these jobs by itself. A job missed while the app was stopped "
               "runs once when it starts again; a job never runs twice at once. Hours, the "
               "backup folder and how many backups are kept: Admin > Settings (Jobs).")

for job in jobs:
    with st.container(border=True, key=f"job_{job.job}"):
        st.subheader(job.label)
        st.caption(job.when)
        last = job.runs[0] if job.runs else None
        if last is None:
            st.write("Not run yet.")
        else:
            said = f"Last run {last.started} ({last.trigger}): **{last.outcome}**"
            if last.seconds is not None:
                said += f" in {last.seconds:g} s"
            (st.error if last.outcome in ("failed", "interrupted") else st.write)(
                f"{said}. {last.detail}")
        if st.button("Run now", key=f"run_now_{job.job}"):
            try:
                with st.spinner(f"Running: {job.label} ..."):
                    result = views.run_now(store, user, job.job)
            except EcommError as exc:
                ui.show_error(exc)
            else:
                if result.outcome == "ok":
                    ui.done(f"{job.label}: done. {result.detail}")
                elif result.outcome == "failed":
                    st.error(f"{job.label} failed: {result.detail}")
                else:
                    st.info(result.detail)
        if job.runs:
            st.dataframe(pd.DataFrame([r.model_dump() for r in job.runs]).rename(columns={
                "started": "started (Denver)", "seconds": "duration (s)", "by": "run by"}),
                hide_index=True, width="stretch")
