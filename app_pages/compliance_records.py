"""Compliance records (System team, A2): record one quiz pass (Q1, lifts "not a sender"), and
import quiz passes (Q1) and last-login dates (Q2) from CSV files, all or nothing: every bad
row is listed as `file:line column: problem` and nothing changes."""
import streamlit as st

from ecomm import ui
from ecomm.compliance_records import import_logins, import_quiz_passes, record_quiz_pass
from ecomm.compliance_csv import LOGIN_COLUMNS, QUIZ_COLUMNS
from ecomm.errors import EcommError

store, user = ui.page(ui.SYSTEM, "A2: only the CU System eComm team records quiz passes and "
                                 "imports logins.")

st.title("Compliance records")
tab_one, tab_quiz, tab_logins = st.tabs(["Record a quiz pass", "Import quiz passes",
                                         "Import logins"])


def show_refusal(exc: EcommError) -> None:
    """The sentence, then every bad row as a table (nothing was changed)."""
    st.error(f"{exc.message} Nothing was changed.", icon=":material/error:")
    if exc.problems:
        st.dataframe(ui.problems_frame(exc.problems), hide_index=True, width="stretch")


with tab_one:
    st.write("Q1: until the post-training quiz is passed the user is *not a sender* (no "
             "Marketing Cloud sends, no Cvent event approval). Recording the pass lifts it and "
             "tells the user (their eComm specialists copied).")
    c1, c2 = st.columns(2)
    number = c1.text_input("License number", placeholder="LN-0776", key="cr_license")
    passed_on = c2.date_input("Quiz passed on", value=ui.today(), key="cr_passed_on",
                              format="YYYY-MM-DD")
    if st.button("Record the quiz pass", type="primary", key="cr_record"):
        ln = number.strip().upper()
        try:
            if not ln:
                raise EcommError("Enter the license number (like LN-0776).")
            changed = record_quiz_pass(store, ln, passed_on, user)
        except EcommError as exc:
            ui.show_error(exc)
        else:
            ui.done(f"Recorded the quiz pass of {ln} on {passed_on.isoformat()}: the user is a "
                    "sender now." if changed else
                    f"{ln} already had this quiz pass ({passed_on.isoformat()}); nothing changed.")


def import_tab(kind: str, columns: tuple[str, ...], run, what: str) -> None:
    st.write(f"A CSV file (UTF-8) with the columns `{', '.join(columns)}`; dates as "
             "YYYY-MM-DD. All or nothing: any bad row and nothing is imported.")
    upload = st.file_uploader(f"{what} file (.csv)", type=["csv"], key=f"cr_{kind}_file")
    if st.button(f"Import {what.lower()}", type="primary", disabled=upload is None,
                 key=f"cr_{kind}_import"):
        try:
            summary = run(store, upload.getvalue(), user, filename=upload.name)
        except EcommError as exc:
            show_refusal(exc)
        else:
            queued = (f", {summary.messages_queued} quiz-passed message(s) queued"
                      if summary.messages_queued else "")
            ui.done(f"Imported {summary.file}: {summary.rows} row(s), {summary.changed} "
                    f"changed{queued}.")


with tab_quiz:
    import_tab("quiz", QUIZ_COLUMNS, import_quiz_passes, "Quiz passes")

with tab_logins:
    import_tab("logins", LOGIN_COLUMNS, import_logins, "Last logins")
