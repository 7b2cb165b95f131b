"""The New request form's steps (issue 18), shared by app_pages/request_form.py and
app_pages/request_change.py: Previous / Next (Next checks the screen's rules first and stays on
the screen until they are met), Previous / Submit (a refused submission keeps every answer and
shows why), and the transcript uploads kept in ``session_state`` across screens.

A Streamlit helper beside ecomm/ui.py (widgets only; the services decide). The form's state is
one dict in ``session_state`` (``rf``): ``step``, ``answers``, ``error`` (the last refusal, with
the step it belongs to), ``confirmation`` and ``upload_gen`` (the uploader's generation).
"""
from __future__ import annotations

import hashlib
from typing import Callable

import streamlit as st

from ecomm import ui
from ecomm.errors import EcommError
from ecomm.requests import Upload, validate_upload

UPLOAD_TYPES = ["png", "jpg", "jpeg", "pdf"]


class Steps:
    """Moving between the screens of the form state ``rf``."""

    def __init__(self, rf: dict):
        self.rf = rf

    def go(self, step: str) -> None:
        """Show ``step`` (the answers stay; a refusal shown on this screen goes)."""
        self.rf.update(step=step, error=None)
        st.rerun()

    def refuse(self, exc: EcommError, *, submitted: bool) -> None:
        """Keep ``exc`` to show on this screen after the rerun."""
        self.rf["error"] = {"message": exc.message, "problems": list(exc.problems),
                            "step": self.rf["step"], "submitted": submitted}
        st.rerun()

    def show_error(self) -> None:
        """The refusal of this screen (a screen check or a submission), if any."""
        err = self.rf.get("error")
        if not err or err.get("step", self.rf["step"]) != self.rf["step"]:
            return
        ui.show_error(EcommError(err["message"], err["problems"]))
        if not err.get("toasted"):   # once, in view wherever the page is scrolled to
            st.toast(ui.md("\n\n".join(err["problems"] or [err["message"]])),
                     icon=":material/error:", duration="long")
            err["toasted"] = True
        if err.get("submitted"):
            st.caption("Your answers are kept, uploads included: correct them and submit again.")

    def nav(self, previous: str | None, following: str | None = None, *,
            show_next: bool = True, check: Callable[[], None] | None = None) -> bool:
        """Previous / Next. Next first runs ``check`` (raising EcommError: the screen's rules)
        and stays on the screen with the refusal shown; then goes to ``following`` or, without
        one, returns True for the caller to decide where to. A refusal shows just above the
        buttons, where the person pressed."""
        self.show_error()
        left, right = st.columns([1, 1])
        if previous and left.button("Previous", key="rf_prev"):
            self.go(previous)
        pressed = show_next and right.button("Next", type="primary", key="rf_next")
        if pressed and check is not None:
            try:
                check()
            except EcommError as exc:
                self.refuse(exc, submitted=False)
        if pressed and following:
            self.go(following)
        return bool(pressed)

    def submit(self, previous: str, key: str, submit: Callable[[], object]) -> None:
        """Previous / Submit: ``submit`` returns the Confirmation (shown on the next run) or
        raises EcommError (shown above the buttons, answers kept)."""
        self.show_error()
        left, right = st.columns([1, 1])
        if left.button("Previous", key="rf_prev"):
            self.go(previous)
        if right.button("Submit", type="primary", key=key):
            try:
                conf = submit()
            except EcommError as exc:
                self.refuse(exc, submitted=True)
            ui.clear_caches()
            self.rf.update(confirmation=conf, error=None)
            st.rerun()


def _kb(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def transcript_uploads(rf: dict, answers: dict, policy, label: str) -> list[Upload]:
    """P5 screenshots kept in ``answers["uploads"]`` (bytes and name): a file uploaded here is
    kept at once (a file of the same name replaces the kept one) and the uploader is emptied,
    so leaving the screen loses nothing; each kept file is listed by name, checked (P5) and
    can be removed. Returns the kept files, which Submit sends."""
    gen = rf.setdefault("upload_gen", 0)
    files = st.file_uploader(label, type=UPLOAD_TYPES, accept_multiple_files=True,
                             key=f"rf_uploads_{gen}")
    if files:
        kept = {u.name: u for u in answers.get("uploads") or []}
        for f in files:
            data = f.getvalue()
            kept[f.name] = Upload(name=f.name, content_type=f.type or "", data=data,
                                  size=len(data), sha256=hashlib.sha256(data).hexdigest())
        answers["uploads"] = list(kept.values())
        rf["upload_gen"] = gen + 1   # a new, empty uploader: the files are kept above it
        st.rerun()
    kept = list(answers.get("uploads") or [])
    for i, up in enumerate(kept):
        line, remove = st.columns([5, 1], vertical_alignment="center")
        try:
            validate_upload(up.name, up.data, policy)
        except EcommError as exc:
            line.error(exc.message, icon=":material/error:")
        else:
            line.success(f"{up.name} uploaded. Kept with this request ({_kb(up.size)}).",
                         icon=":material/check_circle:")
        if remove.button("Remove", key=f"rf_remove_{i}", help=f"Remove {up.name}"):
            answers["uploads"] = [u for j, u in enumerate(kept) if j != i]
            st.rerun()
    if kept:
        st.caption("To replace a file, remove it and upload the new one (a file of the same "
                   "name replaces it).")
    return kept
