"""The System team's administration services (A2), one module per job: app users and roles
(``users``), reference data per campus (``reference_data``), Policy settings (``settings``),
extra closure dates (``holidays``) and data in and out (``data``). Every call is
permission-checked and every change is audited with its before and after (A4).
``from ecomm import admin`` and ``admin.xxx`` reach all of them."""
from ecomm.admin.data import export_zip, import_data
from ecomm.admin.holidays import add_holiday, list_holidays, remove_holiday
from ecomm.admin.reference_data import (REFERENCE_KIND_LABEL, add_reference, deactivate_reference,
                                        list_reference, update_reference)
from ecomm.admin.settings import SettingView, format_setting, list_settings, update_setting
from ecomm.admin.users import (AppUserInput, active_identities, add_user, deactivate_user,
                               find_identity, list_users, update_user)

__all__ = [
    "REFERENCE_KIND_LABEL", "AppUserInput", "SettingView", "active_identities", "add_holiday",
    "add_reference", "add_user", "deactivate_reference", "deactivate_user", "export_zip",
    "find_identity", "format_setting", "import_data", "list_holidays", "list_reference",
    "list_settings", "list_users", "remove_holiday", "update_reference", "update_setting",
    "update_user",
]
