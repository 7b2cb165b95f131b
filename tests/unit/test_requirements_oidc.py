"""Real sign-in (issue 14 item 1): Streamlit's OIDC routes need Authlib and httpx at run time
(without httpx, Sign in answered HTTP 500 "No module named 'httpx'"), so requirements.txt,
what `make run` installs, pins both."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pinned(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            out[name.strip().lower()] = version.strip()
    return out


def test_oidc_sign_in_dependencies_are_pinned_for_run_time():
    pins = pinned(ROOT / "requirements.txt")
    assert "authlib" in pins and "httpx" in pins, pins


def test_oidc_sign_in_client_imports():
    """What Streamlit's /auth/login route builds its OAuth client from."""
    from authlib.integrations.starlette_client import OAuth  # noqa: F401
    import httpx  # noqa: F401
