"""The Streamlit helpers of the pages, one module per job; ``from ecomm import ui`` and
``ui.xxx`` reach all of them. Nothing else in ``ecomm`` imports streamlit.

- ``registry``: the app's pages and the roles that see them (``PAGES``, ``pages_for``);
- ``database``: the process's one Store (``get_store``) and the page for a missing/busy file;
- ``signin``: who is signed in (``current_user``), the sidebar account block, sign-in page;
- ``page``: every page's prologue (``page()``) and its one way to run a change (``attempt()``);
- ``messages``: confirmations (``flash``, ``done``), errors, role notices, cache clearing;
- ``downloads``: CSV/bytes downloads (formula-like text neutralised), problems as a table;
- ``links``: links to contact and license records, opening a record, starting a request;
- ``confirmation``: rule ticks and a submitted request's confirmation;
- ``invoice_view``: one invoice as the Billing and Invoices pages show it (B8); imported by
  those pages themselves (``from ecomm.ui.invoice_view import show_invoice``), as it loads
  the billing services.
"""
from ecomm.ui.confirmation import md, rule_line, show_confirmation
from ecomm.ui.database import (BUSY_FOR_WEB, db_missing, db_path, get_store,
                               render_store_problem, store_or_none)
from ecomm.ui.downloads import download_bytes, download_csv, problems_frame
from ecomm.ui.links import (CONTACT_PAGE, LICENSE_PAGE, RECORD_PARAM, REQUEST_FORM_PAGE,
                            START_REQUEST_KEY, link_column, load_record_or_stop, record_id_or_ask,
                            record_id_or_search, record_link, record_url, record_urls,
                            start_request)
from ecomm.ui.messages import (FLASH_KEY, ROLE_NOTICE_A3, ROLE_NOTICE_P14, clear_caches, done,
                               flash, role_notice, show_error, show_flash)
from ecomm.ui.page import attempt, now_utc, page, today
from ecomm.ui.registry import ALL_ROLES, APP_TITLE, PAGES, SYSTEM, PageSpec, pages_for
from ecomm.ui.signin import (DEV_EMAIL_KEY, DEV_PICKER_KEY, current_user, oidc_configured,
                             render_signed_out, sidebar_account, signed_in_email)

__all__ = [
    "ALL_ROLES", "APP_TITLE", "BUSY_FOR_WEB", "CONTACT_PAGE", "DEV_EMAIL_KEY", "DEV_PICKER_KEY",
    "FLASH_KEY", "LICENSE_PAGE", "PAGES", "RECORD_PARAM", "REQUEST_FORM_PAGE", "ROLE_NOTICE_A3",
    "ROLE_NOTICE_P14", "START_REQUEST_KEY", "SYSTEM", "PageSpec", "attempt", "clear_caches",
    "current_user", "db_missing", "db_path", "done", "download_bytes", "download_csv", "flash",
    "get_store", "link_column", "load_record_or_stop", "md", "now_utc", "oidc_configured", "page",
    "pages_for", "problems_frame", "record_id_or_ask", "record_id_or_search", "record_link",
    "record_url", "record_urls", "render_signed_out", "render_store_problem", "role_notice", "rule_line",
    "show_confirmation", "show_error", "show_flash", "sidebar_account", "signed_in_email",
    "start_request", "store_or_none", "today",
]
