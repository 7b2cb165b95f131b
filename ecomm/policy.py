"""Policy values of rules.md, kept as settings in the database (never literals in rules).

Each setting has a key, a default and a one-line description; ``Policy`` is the typed view
that domain functions receive. The System team changes them on the Admin page.
"""
from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from ecomm import reference as ref


class SettingSpec(BaseModel):
    key: str
    default: Any
    description: str
    rule: str


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(key="course_valid_days_privacy", default=730, rule="P5",
                description=f"Days a '{ref.COURSE_PRIVACY}' completion stays valid"),
    SettingSpec(key="course_valid_days_it_providers", default=730, rule="P5",
                description=f"Days a '{ref.COURSE_IT_PROVIDERS}' completion stays valid"),
    SettingSpec(key="course_valid_days_pci", default=365, rule="P5",
                description=f"Days a '{ref.COURSE_PCI}' completion stays valid"),
    SettingSpec(key="super_user_campuses", default=["Anschutz", "UCCS", "System"], rule="P8",
                description="Campuses where super-user permissions may be requested"),
    SettingSpec(key="unit_speedtype_split_total", default=100, rule="P12",
                description="Percentages of a unit speedtype split must add up to this"),
    SettingSpec(key="credentials_day", default=5, rule="C2",
                description="Day of the month new users get credentials (next business day if not one)"),
    SettingSpec(key="quiz_reminder_days", default=[14, 30, 45, 55], rule="Q1",
                description="Days after provisioning when quiz reminders go out"),
    SettingSpec(key="quiz_deadline_days", default=60, rule="Q1",
                description="Days after provisioning without a quiz pass before deprovisioning is due"),
    SettingSpec(key="idle_months", default=6, rule="Q2",
                description="Months without a login before deprovisioning is due"),
    SettingSpec(key="course_expiring_days", default=60, rule="Q3",
                description="Days before a course goes out of date when it is flagged 'expiring'"),
    SettingSpec(key="billable_applications", default=["Salesforce", "Marketing Cloud", "Cvent"],
                rule="B2", description="Applications billed by default (others have rate 0 until set)"),
    SettingSpec(key="seats_alert_percent", default=5, rule="B10",
                description="Alert the System team when an application's available seats fall "
                            "below this percentage of those purchased"),
    SettingSpec(key="june_review_reminder_business_days", default=5, rule="Q5",
                description="Business days before June's last business day when the June "
                            "review's second reminder goes out (a week)"),
    SettingSpec(key="upload_max_bytes", default=5 * 1024 * 1024, rule="P5",
                description="Largest transcript screenshot accepted, in bytes"),
    SettingSpec(key="smtp_host", default="", rule="Mail",
                description="Mail server that sends notifications (empty: messages wait in the outbox)"),
    SettingSpec(key="smtp_port", default=25, rule="Mail",
                description="Mail server port (25, or 587 with STARTTLS)"),
    SettingSpec(key="smtp_from", default="", rule="Mail",
                description="Sender address of notifications, e.g. ecomm@cu.edu"),
    SettingSpec(key="smtp_starttls", default=False, rule="Mail",
                description="Use STARTTLS with the mail server (true/false)"),
    SettingSpec(key="job_messages_hour", default=7, rule="Jobs",
                description="Hour (0-23, Denver) of the daily compliance messages on business "
                            "days; the first processing day's batch reminder goes out with them"),
    SettingSpec(key="job_backup_hour", default=2, rule="Jobs",
                description="Hour (0-23, Denver) of the nightly backup"),
    SettingSpec(key="job_backup_folder", default="", rule="Jobs",
                description="Folder of the nightly backups (empty: 'backups' beside the database)"),
    SettingSpec(key="job_backup_keep", default=14, rule="Jobs",
                description="How many nightly backups are kept (older ones are deleted)"),
)

SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}

COURSE_SETTING = {
    ref.COURSE_PRIVACY: "course_valid_days_privacy",
    ref.COURSE_IT_PROVIDERS: "course_valid_days_it_providers",
    ref.COURSE_PCI: "course_valid_days_pci",
}


class Policy(BaseModel):
    """Typed view of the settings, passed into rule and billing functions."""

    course_valid_days_privacy: int = 730
    course_valid_days_it_providers: int = 730
    course_valid_days_pci: int = 365
    super_user_campuses: list[str] = Field(default_factory=lambda: ["Anschutz", "UCCS", "System"])
    unit_speedtype_split_total: int = 100
    credentials_day: int = 5
    quiz_reminder_days: list[int] = Field(default_factory=lambda: [14, 30, 45, 55])
    quiz_deadline_days: int = 60
    idle_months: int = 6
    course_expiring_days: int = 60
    billable_applications: list[str] = Field(
        default_factory=lambda: ["Salesforce", "Marketing Cloud", "Cvent"])
    upload_max_bytes: int = 5 * 1024 * 1024
    seats_alert_percent: int = 5
    june_review_reminder_business_days: int = 5

    def course_valid_days(self, course: str) -> int:
        """P5: how many days a completion of ``course`` stays valid."""
        return int(getattr(self, COURSE_SETTING[course]))

    @classmethod
    def from_rows(cls, rows: dict[str, str]) -> "Policy":
        """Build from the settings table's key -> JSON text rows; unknown keys are ignored."""
        values = {k: json.loads(v) for k, v in rows.items() if k in SETTINGS_BY_KEY}
        return cls(**values)


def encode(value: Any) -> str:
    return json.dumps(value)


def parse_setting(key: str, text: str) -> Any:
    """Parse what a person typed for setting ``key`` into its value, or raise ValueError."""
    spec = SETTINGS_BY_KEY.get(key)
    if spec is None:
        raise ValueError(f"There is no setting called {key!r}.")
    default = spec.default
    text = (text or "").strip()
    if isinstance(default, bool):
        if text.lower() in ("true", "yes", "1", "x"):
            return True
        if text.lower() in ("false", "no", "0", ""):
            return False
        raise ValueError(f"{key}: give true or false.")
    if isinstance(default, list):
        items = [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]
        if default and isinstance(default[0], int):
            try:
                return [int(i) for i in items]
            except ValueError:
                raise ValueError(f"{key}: give whole numbers separated by commas.") from None
        return items
    if isinstance(default, int):
        try:
            n = int(text)
        except ValueError:
            raise ValueError(f"{key}: give a whole number.") from None
        if n < 0:
            raise ValueError(f"{key}: must not be negative.")
        return n
    return text
