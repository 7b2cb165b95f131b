"""The app's pages (one line each) and which roles see them (A1-A3)."""
from __future__ import annotations

from dataclasses import dataclass

from ecomm import reference as ref
from ecomm.identity import Identity

APP_TITLE = "eComm Licenses"
ALL_ROLES = tuple(ref.APP_ROLES)
SYSTEM = (ref.APP_SYSTEM,)


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: its file, title, icon and the roles that see it (A1-A3)."""

    path: str
    title: str
    icon: str
    roles: tuple[str, ...]
    default: bool = False  # the page people open first (the dashboard)


# The app's pages, in navigation order. Adding a page is one line here. Page files live in
# app_pages/, never pages/: a folder named pages/ beside app.py switches Streamlit to its old
# pages-folder mode, which runs page files without app.py's sign-in (and breaks AppTest reruns).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/home.py", "Home", ":material/home:", ALL_ROLES),
    PageSpec("app_pages/dashboard.py", "Dashboard", ":material/dashboard:", ALL_ROLES,
             default=True),
    PageSpec("app_pages/reports.py", "Reports", ":material/monitoring:",
             (ref.APP_MANAGER, ref.APP_SYSTEM)),
    PageSpec("app_pages/import_data.py", "Import", ":material/upload_file:", SYSTEM),
    PageSpec("app_pages/admin.py", "Admin", ":material/admin_panel_settings:", SYSTEM),
    PageSpec("app_pages/jobs.py", "Jobs", ":material/schedule:", SYSTEM),
    PageSpec("app_pages/check.py", "Check a person", ":material/person_search:", ALL_ROLES),
    PageSpec("app_pages/request_form.py", "New request", ":material/add_circle:",
             (ref.APP_SPECIALIST, ref.APP_SYSTEM)),
    PageSpec("app_pages/requests.py", "Requests", ":material/list_alt:", ALL_ROLES),
    PageSpec("app_pages/group_changes.py", "Group changes", ":material/group:",
             (ref.APP_SPECIALIST, ref.APP_SYSTEM)),
    PageSpec("app_pages/contact.py", "Contact record", ":material/person:", ALL_ROLES),
    PageSpec("app_pages/license.py", "License record", ":material/badge:", ALL_ROLES),
    PageSpec("app_pages/batch.py", "Batch", ":material/event_repeat:", SYSTEM),
    PageSpec("app_pages/billing.py", "Billing", ":material/receipt_long:", SYSTEM),
    PageSpec("app_pages/invoices.py", "Invoices", ":material/request_quote:",
             (ref.APP_SPECIALIST, ref.APP_MANAGER)),
    PageSpec("app_pages/compliance.py", "Compliance", ":material/verified_user:", ALL_ROLES),
    PageSpec("app_pages/june_review.py", "June review", ":material/fact_check:", ALL_ROLES),
    PageSpec("app_pages/compliance_records.py", "Compliance records", ":material/fact_check:",
             SYSTEM),
    PageSpec("app_pages/notifications.py", "Messages", ":material/mail:", SYSTEM),
    PageSpec("app_pages/audit.py", "Audit log", ":material/history:", ALL_ROLES),
)


def pages_for(identity: Identity | None) -> list[PageSpec]:
    """The pages this person's role sees (none when nobody is signed in)."""
    if identity is None or not identity.active:
        return []
    return [p for p in PAGES if identity.role in p.roles]
