"""Start the app as people use it: `streamlit run app.py` on a free local port against a given
database file (no OIDC secrets, so the development sign-in ``?as=EMAIL`` works), and headless
Debian chromium for playwright. Used by tools/screenshots.py and the browser benchmark."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
START_TIMEOUT_S = 90


class App:
    def __init__(self, url: str, proc: subprocess.Popen, log: Path):
        self.url, self.proc, self.log = url, proc, log

    def peak_rss_mb(self) -> float | None:
        """The server process's peak resident memory so far (Linux VmHWM), in MB."""
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except OSError:
        return False


@contextmanager
def serve(db: Path, workdir: Path, env: dict | None = None, *, port: int | None = None,
          secrets: Path | None = None) -> Iterator[App]:
    """`streamlit run app.py` against ``db``; logs and an empty secrets file in ``workdir``.
    ``secrets``: a secrets.toml to read instead (e.g. an [auth] section for real sign-in,
    whose redirect_uri names ``port``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = workdir / "server.log"
    # never read a developer's .streamlit/secrets.toml ([auth] would turn off ?as=)
    secrets_file = secrets or workdir / "no-secrets.toml"
    # the scheduled jobs stay off unless asked for (ECOMM_JOBS=on): a test's app must not queue
    # messages or write backups by itself while the test looks at it
    full_env = {**os.environ, "ECOMM_DB": str(db), "ECOMM_JOBS": "off", **(env or {})}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--secrets.files", str(secrets_file)],
            cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start on {url}:\n"
                                   f"{log_path.read_text()[-3000:]}")
            time.sleep(0.2)  # polling the health endpoint while the server starts
        yield App(url, proc, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def wait_idle(page, timeout: int = 60_000) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout)
