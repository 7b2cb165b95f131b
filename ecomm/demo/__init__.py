"""The deterministic demo data set (issue 2 item 4): a believable organisation written in the
import format (spec/import-format.md) and loaded through the same import path as real data.

Everything is relative to ``as_of`` (the day ``init --demo`` runs) and drawn from
``random.Random(seed)``: the same as_of, seed and size give byte-identical files.
"""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from ecomm.demo.context import DEFAULT_LICENSES
from ecomm.demo.users import DEMO_USERS, DemoUser, specialist_for
from ecomm.demo.writer import build, write_data

DEFAULT_SEED = 2027

__all__ = ["DEMO_USERS", "DemoUser", "specialist_for", "write_demo", "load_demo"]


def write_demo(folder: Path, *, as_of: date, licenses: int = DEFAULT_LICENSES,
               seed: int = DEFAULT_SEED) -> Path:
    """Write the demo's CSV files (contacts.csv ... holidays.csv) into ``folder``; return it."""
    return write_data(build(as_of, licenses, seed), Path(folder))


def load_demo(store, *, as_of: date, licenses: int = DEFAULT_LICENSES, seed: int = DEFAULT_SEED,
              actor: str = "demo", progress=None, play_out: bool = True):
    """Write the demo to a temporary folder and load it with the importer (all or nothing);
    then (``play_out``) let what happened before ``as_of`` happen through the services: the
    agreement signatures voided since their requests were submitted (P4 holds ahead,
    ecomm.demo.agreements), past batches, the July baseline, invoices (ecomm.demo.activity)."""
    from ecomm.importer import import_path

    if progress is not None:
        progress(f"Making the demo data set ({licenses:,} licenses, as of {as_of.isoformat()})", 0.0)
    with tempfile.TemporaryDirectory(prefix="ecomm-demo-") as tmp:
        data = build(as_of, licenses, seed)
        folder = write_data(data, Path(tmp))
        report = import_path(store, folder, actor=actor, progress=progress)
    if play_out:
        from ecomm.demo import activity
        from ecomm.demo.agreements import void_signatures

        if progress is not None:
            progress("Playing out the past batches and invoices", 1.0)
        void_signatures(store, data, actor=actor)   # before the batches that check P4 again
        activity.play_out(store, as_of)
    from ecomm.demo.rev2 import june_review_in_progress
    june_review_in_progress(store, as_of)   # Q5 (rules revision 2): the latest review, part done
    return report
