"""Secrets and sign-in: nothing secret is in the repository (the real secrets file is git-ignored,
only an example with placeholders is committed), and the development sign-in (sidebar picker,
?as=EMAIL, a development session left over from before) is impossible once OIDC ([auth] in
.streamlit/secrets.toml) is configured."""
from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ecomm import ui
from tests.apptest.conftest import APP, BOULDER, SYSTEM, page_paths, texts

ROOT = Path(__file__).resolve().parents[2]
AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                 "cookie_secret": "x" * 32, "client_id": "id", "client_secret": "secret",
                 "server_metadata_url": "https://login.example.edu/.well-known/openid-configuration"}}
SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),                                    # AWS access key
    re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),                          # GitHub token
    re.compile(r"xox[baprs]-[A-Za-z0-9-]{10,}"),                       # Slack token
    # a secret-named setting with a value of 16+ letters AND digits (placeholders are words)
    re.compile(r"(?i)\b(client_secret|cookie_secret|smtp_password|password|api_key|token)"
               r"\s*[=:]\s*[\"'](?=[^\"']*\d)(?=[^\"']*[A-Za-z])[^\"'\s]{16,}[\"']"),
]


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [ROOT / p for p in out.stdout.decode().split("\0") if p]


def test_the_real_secrets_file_is_git_ignored_and_not_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT)
    assert ignored.returncode == 0, ".streamlit/secrets.toml must be in .gitignore"
    names = {str(p.relative_to(ROOT)) for p in tracked_files()}
    assert ".streamlit/secrets.toml" not in names
    assert ".streamlit/secrets.toml.example" in names


def test_the_committed_example_has_an_auth_section_of_placeholders_only():
    example = tomllib.loads((ROOT / ".streamlit/secrets.toml.example").read_text())
    assert {"redirect_uri", "cookie_secret", "client_id", "client_secret",
            "server_metadata_url"} <= set(example.get("auth", {}))
    for key in ("cookie_secret", "client_secret"):
        value = str(example["auth"][key])
        assert not re.fullmatch(r"[A-Za-z0-9+/=_-]{24,}", value) or "x" in value.lower(), (
            f"[auth] {key} in the example looks like a real secret")


def test_no_tracked_file_holds_a_secret():
    found = []
    for path in tracked_files():
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for pattern in SECRET_PATTERNS:
            for m in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {m.group(0)[:40]}")
    assert not found, found


def test_the_secret_scan_would_find_a_real_looking_secret():
    """The scan above can fail: it recognises these."""
    samples = ["client_" + 'secret = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"',  # split, so that the
               "-----BEGIN RSA " + "PRIVATE KEY-----", "AK" + "IAABCDEFGHIJKLMNOP"]  # scan of
    # this very file does not find them
    for s in samples:
        assert any(p.search(s) for p in SECRET_PATTERNS), s
    assert not any(p.search('client_secret = "xxxxxxxxxxxxxxxx"') for p in SECRET_PATTERNS)


@pytest.mark.parametrize("how", ["?as=", "left-over development session", "sidebar picker"])
def test_a1_development_sign_in_is_impossible_when_oidc_is_configured(app_store, how):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets.update(AUTH)
    if how == "?as=":
        at.query_params["as"] = SYSTEM
    elif how == "left-over development session":
        at.session_state[ui.DEV_EMAIL_KEY] = SYSTEM
        at.session_state[ui.DEV_PICKER_KEY] = SYSTEM
    at.run()
    assert not at.exception, at.exception
    assert "Welcome" not in texts(at)
    assert page_paths(at) == ["app_pages/no_access.py"]
    assert not at.sidebar.selectbox, "the development picker is offered"
    assert not any("Development sign-in" in w.value for w in at.sidebar.warning)
    assert [b.label for b in at.button] == ["Sign in"]


def test_a1_without_oidc_the_same_left_over_session_does_sign_in(app_store):
    """The test above can fail: without [auth] that session state signs the person in."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[ui.DEV_EMAIL_KEY] = BOULDER
    at.run()
    assert "Welcome, Priya Natarajan" in texts(at)


def test_with_oidc_signed_in_the_as_param_does_not_change_who_you_are(app_store):
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": BOULDER}
    at.query_params["as"] = SYSTEM
    at.run()
    assert not at.exception, at.exception
    assert "Welcome, Priya Natarajan" in texts(at)
    assert "app_pages/admin.py" not in page_paths(at)
