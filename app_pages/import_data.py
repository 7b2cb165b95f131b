"""Import (System team): load CSV files or one XLSX workbook, all or nothing; full export."""
import streamlit as st

from ecomm import admin, ui
from ecomm.errors import EcommError
from ecomm.importer.report import MAX_LISTED_PROBLEMS, problems_heading

RESULT_KEY = "import_result"

store, user = ui.page()

st.title("Import data")
st.markdown(
    "Upload the CSV files of the import format (`contacts.csv`, `licenses.csv`, "
    "`users.csv`, ...) or one XLSX workbook whose sheets carry the same names. "
    "An import is **all or nothing**: one bad row refuses the whole import and nothing "
    "changes. Importing the same files again leaves the same data.")

uploads = st.file_uploader("CSV files or one XLSX workbook", type=["csv", "xlsx"],
                           accept_multiple_files=True, key="import_files")

if st.button("Import", type="primary", disabled=not uploads, key="import_run"):
    files = {f.name: f.getvalue() for f in uploads}
    bar = st.progress(0.0, text="Reading the files...")
    try:
        report = admin.import_data(
            store, user, files,
            progress=lambda message, fraction: bar.progress(min(max(fraction, 0.0), 1.0),
                                                            text=message))
    except EcommError as exc:
        # every problem (ImportRefused keeps them all; its .problems stops at 1,000)
        st.session_state[RESULT_KEY] = {"ok": False, "message": exc.message, "problems": list(
            getattr(exc, "all_problems", exc.problems))}
    else:
        ui.clear_caches()
        st.session_state[RESULT_KEY] = {"ok": True, "lines": report.summary_lines(),
                                        "files": sorted(files)}
    bar.empty()

result = st.session_state.get(RESULT_KEY)
if result and result["ok"]:
    st.success(f"Imported {', '.join(result['files'])}. What changed:",
               icon=":material/check_circle:")
    st.code("\n".join(result["lines"]), language=None)
elif result:
    st.error(result["message"], icon=":material/error:")
    if result["problems"]:
        every = result["problems"]
        shown = every[:MAX_LISTED_PROBLEMS]
        st.write(f"**Nothing was changed.** {problems_heading(len(every), len(shown))}:")
        st.dataframe(ui.problems_frame(shown), hide_index=True, width="stretch")
        ui.download_csv(ui.problems_frame(every), "import-problems.csv",
                        f"Download all {len(every):,} problems as CSV",
                        key="import_problems_csv")

st.divider()
st.subheader("Full export")
st.write("The whole database in the import format, zipped: a backup that Import reads back.")
ui.download_bytes(lambda: admin.export_zip(store, user), "ecomm-export.zip",
                  "Download a full export", "application/zip", key="export_zip")
