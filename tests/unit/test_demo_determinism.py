"""The demo is deterministic (same as_of + seed + size => byte-identical files), relative to
as_of, and scales with the number of licenses."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from ecomm import reference as ref
from ecomm.demo import DEMO_USERS, write_demo
from tests.unit.test_demo_support import FILES, d, dt

AS_OF = date(2026, 11, 23)


def _files(folder) -> dict[str, bytes]:
    return {name: (folder / f"{name}.csv").read_bytes() for name in FILES}


def _count(folder, name) -> int:
    with open(folder / f"{name}.csv", newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.DictReader(f))


def test_demo_same_as_of_seed_and_size_give_byte_identical_files(tmp_path):
    a = write_demo(tmp_path / "a", as_of=AS_OF, licenses=300, seed=7)
    b = write_demo(tmp_path / "b", as_of=AS_OF, licenses=300, seed=7)
    assert _files(a) == _files(b)


def test_demo_is_identical_across_processes_whatever_the_hash_seed(tmp_path):
    """No set or hash order leaks into the files: two interpreters with different
    PYTHONHASHSEED write the same bytes."""
    root = Path(__file__).resolve().parents[2]
    for hash_seed in ("1", "2"):
        code = ("from datetime import date; from pathlib import Path; from ecomm.demo import write_demo; "
                f"write_demo(Path({str(tmp_path / hash_seed)!r}), as_of=date(2026, 11, 23), licenses=300)")
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(root))
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=root)
    assert _files(tmp_path / "1") == _files(tmp_path / "2")


def test_demo_another_seed_gives_other_people(tmp_path):
    a = _files(write_demo(tmp_path / "a", as_of=AS_OF, licenses=300, seed=7))
    b = _files(write_demo(tmp_path / "b", as_of=AS_OF, licenses=300, seed=8))
    for name in ("contacts", "licenses", "license_apps", "requests", "course_completions"):
        assert a[name] != b[name], name
    for name in ("users", "reference", "rates", "holidays"):  # the organisation stays
        assert a[name] == b[name], name


def test_demo_is_laid_out_relative_to_as_of(tmp_path):
    """Run on another day, the demo's dates move with it: nothing after as_of, this FY's rates."""
    as_of = date(2028, 3, 14)  # FY2028
    folder = write_demo(tmp_path, as_of=as_of, licenses=200)
    with open(folder / "license_apps.csv", newline="") as f:
        apps = list(csv.DictReader(f))
    latest = max(d(a["provisioned_on"]) for a in apps)
    assert date(2028, 3, 1) <= latest <= as_of
    with open(folder / "requests.csv", newline="") as f:
        submitted = [dt(r["submitted_at"]).date() for r in csv.DictReader(f)]
    # issue 13: requests of the current cycle and of the two before it (whose batches the
    # loader processes), so from the day after December 2027's cutoff (Friday the 31st)
    assert min(submitted) >= date(2028, 1, 1) and max(submitted) <= as_of
    with open(folder / "rates.csv", newline="") as f:
        assert {r["fiscal_year"] for r in csv.DictReader(f)} == {"2027", "2028"}


def test_demo_default_size_is_about_1500_licenses_and_2500_contacts(tmp_path):
    folder = write_demo(tmp_path, as_of=AS_OF)
    assert _count(folder, "licenses") == 1500
    assert 2400 <= _count(folder, "contacts") <= 2600
    assert _count(folder, "license_apps") > 1500


def test_demo_sizes_scale_with_licenses(tmp_path):
    small = write_demo(tmp_path / "s", as_of=AS_OF, licenses=600)
    large = write_demo(tmp_path / "l", as_of=AS_OF, licenses=6000)
    assert _count(small, "licenses") == 600
    assert _count(large, "licenses") == 6000
    for name in ("contacts", "license_apps", "course_completions", "requests"):
        ratio = _count(large, name) / _count(small, name)
        assert 7 <= ratio <= 13, (name, ratio)
    assert 9500 <= _count(large, "contacts") <= 10500


def test_demo_refuses_a_size_too_small_to_show_every_trouble(tmp_path):
    with pytest.raises(ValueError):
        write_demo(tmp_path, as_of=AS_OF, licenses=10)


@pytest.mark.slow
def test_demo_150000_licenses_generate_well_under_a_minute(tmp_path):
    started = time.process_time()
    folder = write_demo(tmp_path, as_of=AS_OF, licenses=150_000)
    assert time.process_time() - started < 60
    assert _count(folder, "licenses") == 150_000
    assert 240_000 <= _count(folder, "contacts") <= 260_000


def test_demo_users_constant_has_the_agreed_people():
    by_email = {u.email: u for u in DEMO_USERS}
    assert by_email["sam.system@cu.edu"].role == ref.APP_SYSTEM
    assert by_email["morgan.manager@cu.edu"].role == ref.APP_MANAGER
    specialists = {u.campus: u.email for u in DEMO_USERS if u.role == ref.APP_SPECIALIST and u.quiz_passed}
    assert specialists == {
        "Anschutz": "ecomm.anschutz@cuanschutz.edu", "Boulder": "ecomm.boulder@colorado.edu",
        "Boulder Advancement": "ecomm.bouldadv@colorado.edu", "Denver": "ecomm.denver@ucdenver.edu",
        "UCCS": "ecomm.uccs@uccs.edu", "System": "ecomm.system@cu.edu",
    }
    new = by_email["new.specialist@colorado.edu"]
    assert (new.role, new.campus, new.quiz_passed) == (ref.APP_SPECIALIST, "Boulder", False)
