"""The import format (spec/import-format.md) as data: one FileSpec per file, one Column per column.

Kinds of column and what a cell may hold:
  text            any text (outer spaces removed)
  email           an email address, stored lower-case (it names a person who uses the app)
  email_list      emails separated by ';', stored lower-case
  date            YYYY-MM-DD
  datetime        ISO 8601; America/Denver when no offset; stored as naive UTC
  bool            true/false, yes/no, 1/0, x/empty
  list            values separated by ';'
  campus          a campus name (ecomm.reference.canonical_campus, aliases allowed)
  choice          one of ``choices`` (case-insensitive)
  choice_list     ';'-separated members of ``choices``
  license_number  'LN-' and digits
  unit_speedtypes '61000342:20;61000530:80', percentages adding to the P12 setting
  money           dollars and cents, not negative
  year            a fiscal year such as 2027
  count           a whole number, not negative (seats)

Columns marked ``extension`` are not in the spec: they carry the rest of a table's columns so
that ``export`` is a faithful backup that ``import`` reads back (all optional).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ecomm import reference as ref

# The statuses a request moves through (see the requests table in storage/migrations.py).
REQUEST_STATUSES: tuple[str, ...] = ("pending", "held", "processed", "completed", "cancelled")
EMPLOYMENT_STATUSES: tuple[str, ...] = ("Active", "Inactive")

SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR", "email": "VARCHAR", "campus": "VARCHAR", "choice": "VARCHAR",
    "license_number": "VARCHAR", "unit_speedtypes": "VARCHAR",
    "email_list": "VARCHAR[]", "list": "VARCHAR[]", "choice_list": "VARCHAR[]",
    "date": "DATE", "datetime": "TIMESTAMP", "bool": "BOOLEAN",
    "money": "DECIMAL(12, 2)", "year": "INTEGER", "count": "INTEGER",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    what: str = ""                # the noun used in messages ("application", "course", ...)
    default: str | None = None    # stored for an empty cell of a NOT NULL column
    extension: bool = False

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]

    @property
    def is_list(self) -> bool:
        return self.kind in ("list", "choice_list", "email_list")


@dataclass(frozen=True)
class Ref:
    """``column`` must name a row of ``target`` (another file of this import or the database)."""
    column: str
    target: str          # file name stem, e.g. "contacts"
    target_column: str
    what: str            # "contact", "license"


@dataclass(frozen=True)
class FileSpec:
    name: str                        # "contacts"; the file is contacts.csv, the sheet contacts
    table: str                       # database table
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    refs: tuple[Ref, ...] = ()
    nullable_key: tuple[str, ...] = ()  # key columns that may be empty (employments.start_date)

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def _by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}


def header_key(text: str) -> str:
    """Header names match ignoring case, spaces and underscores."""
    return re.sub(r"[\s_]+", "", str(text or "").replace("\ufeff", "")).lower()


def _c(name, kind="text", **kw) -> Column:
    return Column(name, kind, **kw)


def _req(name, kind="text", **kw) -> Column:
    return Column(name, kind, required=True, **kw)


_CONTACT_REF = Ref("contact_id", "contacts", "contact_id", "contact")
_APP = dict(choices=ref.APPLICATIONS, what="application")
_ROLE = dict(choices=ref.ECOMM_ROLES, what="eComm role")
_PROFILE = dict(choices=ref.SALESFORCE_PROFILES, what="Salesforce profile")

FILES: tuple[FileSpec, ...] = (
    FileSpec("contacts", "contacts", ("contact_id",), (
        _req("contact_id"), _req("last_name"), _c("first_name"), _c("email", "email"),
        _c("employee_id"), _c("ucb_email", "email"), _c("ucd_email", "email"),
        _c("anschutz_email", "email"), _c("uccs_email", "email"), _c("cu_system_email", "email"),
        _c("poi", "bool", default="false"), _c("poi_active", "bool"),
    )),
    FileSpec("employments", "employments", ("contact_id", "campus", "start_date"), (
        _req("contact_id"), _req("campus", "campus"),
        _req("status", "choice", choices=EMPLOYMENT_STATUSES, what="employment status"),
        _c("start_date", "date"), _c("end_date", "date"), _c("department"), _c("title"),
    ), refs=(_CONTACT_REF,), nullable_key=("start_date",)),
    FileSpec("campaign_members", "campaign_members", ("contact_id", "campaign"), (
        _req("contact_id"), _req("campaign"), _c("signed_at", "datetime"), _c("added_by"),
        _c("reason"),
    ), refs=(_CONTACT_REF,)),
    FileSpec("course_completions", "course_completions", ("contact_id", "course", "completed_on"), (
        _req("contact_id"), _req("course", "choice", choices=ref.COURSES, what="course"),
        _req("completed_on", "date"),
    ), refs=(_CONTACT_REF,)),
    FileSpec("licenses", "licenses", ("license_number",), (
        _req("license_number", "license_number"), _req("contact_id"),
        _req("affiliated_campus", "campus"), _c("ecomm_specialist", "email"),
        _c("additional_specialists", "email_list"),
        _c("ecomm_role", "choice", default=ref.ROLE_USER, **_ROLE),
        _c("salesforce_profile", "choice", default=ref.PROFILE_STANDARD, **_PROFILE),
        _c("not_a_sender", "bool", default="false"), _c("quiz_passed_on", "date"),
        _c("business_units", "list"), _c("public_groups", "list"),
        _c("billing_campus", "campus"), _c("campus_speedtype"),
        _c("unit_speedtypes", "unit_speedtypes"), _c("speedtype_notes"),
        _c("super_user_permissions", "list"), _c("cvent_add_ons", "list"),
        _c("replaces_license", "license_number"),
    ), refs=(_CONTACT_REF,)),
    FileSpec("license_apps", "license_apps", ("license_number", "application", "provisioned_on"), (
        _req("license_number", "license_number"), _req("application", "choice", **_APP),
        _req("provisioned_on", "date"), _c("deprovisioned_on", "date"),
        _c("net_new", "bool", default="false"), _c("last_login_on", "date"),
    ), refs=(Ref("license_number", "licenses", "license_number", "license"),)),
    FileSpec("requests", "requests", ("request_id",), (
        _req("request_id"),
        _req("kind", "choice", choices=ref.REQUEST_KINDS, what="request kind"),
        _req("contact_id"), _req("campus", "campus"), _req("submitted_at", "datetime"),
        _req("submitted_by", "email"), _c("applications", "choice_list", **_APP),
        _c("license_number", "license_number"), _c("ecomm_role", "choice", **_ROLE),
        _c("replaces_license", "license_number"), _c("business_units", "list"),
        _c("public_groups", "list"), _c("billing_campus", "campus"), _c("campus_speedtype"),
        _c("unit_speedtypes", "unit_speedtypes"), _c("course_privacy_awareness_on", "date"),
        _c("course_it_providers_on", "date"), _c("course_pci_on", "date"),
        _c("salesforce_profile", "choice", **_PROFILE), _c("ecomm_specialist", "email"),
        _c("super_user_permissions", "list"), _c("cvent_add_ons", "list"),
        _c("salesforce_upgrade", "bool"),   # rev 2: P15 change requests, P16, P17
        # extensions: the rest of a request, so that an export is a complete backup
        _c("additional_specialists", "email_list", extension=True),
        _c("new_public_group", extension=True),
        _c("remove_business_units", "list", extension=True),
        _c("remove_public_groups", "list", extension=True),
        _c("speedtype_notes", extension=True),
        _c("notes", extension=True),
        _c("status", "choice", choices=REQUEST_STATUSES, what="request status",
           default="pending", extension=True),
        _c("cycle", extension=True),
        _c("held_reasons", "list", extension=True),
        _c("processed_at", "datetime", extension=True),
        _c("salesforce_removed_on", "date", extension=True),
    ), refs=(_CONTACT_REF,)),
    FileSpec("users", "app_users", ("email",), (
        _req("email", "email"), _req("name"),
        _req("role", "choice", choices=ref.APP_ROLES, what="role"),
        _c("campus", "campus"), _c("quiz_passed_on", "date"),
        _c("active", "bool", default="false", extension=True),
    )),
    FileSpec("reference", "reference_values", ("kind", "campus", "value"), (
        _req("kind", "choice", choices=ref.REFERENCE_KINDS, what="reference kind"),
        _req("campus", "campus"), _req("value"), _c("label"),
        _c("active", "bool", default="false"),
    )),
    FileSpec("rates", "rates", ("fiscal_year", "application"), (
        _req("fiscal_year", "year"), _req("application", "choice", **_APP),
        _req("monthly_rate", "money"),
        _c("is_demo", "bool", default="false", extension=True),
    )),
    # B10 (rev 2): seats purchased per application and fiscal year, and their cost
    FileSpec("seats", "seats", ("fiscal_year", "application"), (
        _req("fiscal_year", "year"), _req("application", "choice", **_APP),
        _req("purchased", "count"), _c("cost", "money"), _c("contract_end", "date"),
        _c("notes"),
    )),
    FileSpec("holidays", "extra_holidays", ("date",), (
        _req("date", "date"), _c("name"),
    )),
)

FILES_BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}


def spec_for(file_or_sheet: str) -> FileSpec | None:
    """The FileSpec for a file name (``Contacts.CSV``) or sheet name (``contacts``), or None."""
    name = file_or_sheet.strip().lower()
    if name.endswith(".csv"):
        name = name[:-4]
    return FILES_BY_NAME.get(name.strip())
