"""Helpers for the demo tests: read a demo folder back from its CSV files, and an independent
reading of the rules (C1 calendar, P1-P5 eligibility) to check the data against.

Deliberately not the app's own rule code: the demo is checked against the spec directly.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays

from ecomm import reference as ref
from ecomm.policy import Policy

FILES = ("contacts", "employments", "campaign_members", "course_completions", "licenses",
         "license_apps", "requests", "users", "reference", "rates", "holidays",
         "seats")  # seats: B10 (rules revision 2)


def read_folder(folder: Path) -> dict[str, list[dict]]:
    out = {}
    for name in FILES:
        with open(Path(folder) / f"{name}.csv", newline="", encoding="utf-8") as f:
            out[name] = list(csv.DictReader(f))
    return out


def d(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def dt(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def lst(text: str) -> list[str]:
    return [t for t in text.split(";") if t] if text else []


def truthy(text: str) -> bool:
    return text.strip().lower() in ("true", "yes", "1", "x")


class Calendar:
    """C1 read straight from rules.md: weekdays less US federal holidays and holidays.csv."""

    def __init__(self, holiday_rows: list[dict], years: range):
        self.closed = set(holidays.US(years=list(years))) | {d(r["date"]) for r in holiday_rows}

    def business(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def cutoff(self, y: int, m: int) -> date:
        day = (date(y + m // 12, m % 12 + 1, 1)) - timedelta(days=1)
        while not self.business(day):
            day -= timedelta(days=1)
        return day

    def first_business_day(self, y: int, m: int) -> date:
        day = date(y, m, 1)
        while not self.business(day):
            day += timedelta(days=1)
        return day

    def processing_day_for(self, submitted: date) -> date:
        """The first day of the batch a request submitted on ``submitted`` joins."""
        y, m = submitted.year, submitted.month
        if submitted > self.cutoff(y, m):
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return self.first_business_day(y, m)


class Demo:
    """Indexes over one demo folder's rows."""

    def __init__(self, folder: Path, as_of: date):
        self.as_of = as_of
        self.rows = read_folder(folder)
        self.policy = Policy()
        self.contacts = {r["contact_id"]: r for r in self.rows["contacts"]}
        self.employments = defaultdict(list)
        for r in self.rows["employments"]:
            self.employments[r["contact_id"]].append(r)
        self.agreement = {r["contact_id"]: r for r in self.rows["campaign_members"]
                          if r["campaign"] == ref.AGREEMENT_CAMPAIGN}
        self.courses = defaultdict(list)
        for r in self.rows["course_completions"]:
            self.courses[r["contact_id"]].append((r["course"], d(r["completed_on"])))
        self.licenses = {r["license_number"]: r for r in self.rows["licenses"]}
        self.apps = defaultdict(list)
        for r in self.rows["license_apps"]:
            self.apps[r["license_number"]].append(r)
        self.calendar = Calendar(self.rows["holidays"], range(as_of.year - 10, as_of.year + 2))

    def active_apps(self, number: str) -> list[str]:
        return [r["application"] for r in self.apps[number] if not r["deprovisioned_on"]]

    def license_active(self, number: str) -> bool:
        return bool(self.active_apps(number))

    def latest_course(self, contact_id: str, course: str, on: date) -> date | None:
        done = [c for n, c in self.courses[contact_id] if n == course and c <= on]
        return max(done) if done else None

    def course_valid(self, contact_id: str, course: str, on: date) -> bool:
        """P5, strictly: completed by ``on`` and ``on`` is before completion + validity."""
        c = self.latest_course(contact_id, course, on)
        return c is not None and on < c + timedelta(days=self.policy.course_valid_days(course))

    def failures(self, contact_id: str, campus: str, on: date, at: datetime | None = None) -> list[str]:
        """P1-P5 for provisioning ``contact_id`` at ``campus`` on day ``on``."""
        c = self.contacts[contact_id]
        out = []
        if not c[ref.CAMPUS_EMAIL_FIELD[campus]]:
            out.append("P1")
        if not c["employee_id"]:
            out.append("P2")
        if truthy(c["poi"]):
            ok = truthy(c["poi_active"]) and not self.employments[contact_id]
        else:
            ok = any(e["campus"] == campus and e["status"] == "Active"
                     and (not e["start_date"] or d(e["start_date"]) <= on)
                     for e in self.employments[contact_id])
        if not ok:
            out.append("P3")
        a = self.agreement.get(contact_id)
        if a is None or not a["signed_at"] or dt(a["signed_at"]) > (at or datetime.combine(on, datetime.max.time())):
            out.append("P4")
        if not all(self.course_valid(contact_id, course, on) for course in ref.COURSES):
            out.append("P5")
        return out
