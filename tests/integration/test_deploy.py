"""docs/deploy.md: the Dockerfile's steps work on a clean Python 3.11 (no Docker daemon needed).

The test reads the Dockerfile and does what Docker would: WORKDIR, ENV and COPY into a folder
standing for the image's root, each RUN in a shell (with /app, /opt/venv and /data mapped into
that folder), so `pip install -r requirements.txt` runs into a fresh venv from PyPI. Then it
loads a demo database, starts the CMD on a free port with the scheduler on and a pinned clock,
and runs the HEALTHCHECK until /healthz answers 200. The one step not run is `useradd ... &&
chown`: it needs root (the image's own user); the app runs as the test's user instead.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.appserver import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NEEDS_ROOT = ("useradd",)


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    out, pending = [], ""
    for line in dockerfile.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip("\\").strip() + " "
        if line.rstrip().endswith("\\"):
            continue
        word, _, rest = pending.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
        pending = ""
    return out


def test_dockerfile_is_what_the_deploy_guide_describes():
    steps = instructions(ROOT / "Dockerfile")
    kinds = [k for k, _ in steps]
    assert kinds[0] == "FROM" and "python:3.11" in steps[0][1]
    assert any(k == "RUN" and "pip install" in a and "requirements.txt" in a for k, a in steps)
    assert ("VOLUME", "/data") in steps and ("USER", "ecomm") in steps
    env = " ".join(a for k, a in steps if k == "ENV")
    assert "ECOMM_DB=/data/ecomm.duckdb" in env
    cmd = json.loads(dict(steps)["CMD"])
    assert cmd[1:3] == ["run", "app.py"]  # the same `streamlit run app.py` as make run
    assert "/healthz" in dict(steps)["HEALTHCHECK"]


def test_dockerfile_steps_run_on_a_clean_python(tmp_path):
    image = tmp_path / "image"
    paths = {"/opt/venv": image / "opt" / "venv", "/app": image / "app", "/data": image / "data"}

    def mapped(text: str) -> str:  # "/app/app.py" -> <image>/app/app.py, never "/app.py" alone
        for inside, outside in paths.items():
            text = re.sub(rf"(?<![\w./-]){re.escape(inside)}(?![\w.-])",
                          str(outside).replace("\\", "\\\\"), text)
        return text

    shims = tmp_path / "bin"  # the base image's `python` is Debian's Python 3.11
    shims.mkdir()
    (shims / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    env = {"PATH": f"{shims}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    cwd = image
    cmd = healthcheck = None
    for kind, args in instructions(ROOT / "Dockerfile"):
        if kind == "WORKDIR":
            cwd = Path(mapped(args))
            cwd.mkdir(parents=True, exist_ok=True)
        elif kind == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                env[key] = mapped(value.replace("$PATH", env["PATH"]))
        elif kind == "COPY":
            src, dst = shlex.split(args)
            target = Path(mapped(dst))
            target.parent.mkdir(parents=True, exist_ok=True)
            if (ROOT / src).is_dir():
                shutil.copytree(ROOT / src, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(ROOT / src, target)
        elif kind == "RUN":
            if args.split()[0] in NEEDS_ROOT:
                continue
            done = subprocess.run(["sh", "-c", mapped(args)], cwd=cwd, env=env,
                                  capture_output=True, text=True, timeout=3600)
            assert done.returncode == 0, f"RUN {args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        elif kind == "CMD":
            cmd = [mapped(a) for a in json.loads(args)]
        elif kind == "HEALTHCHECK":
            healthcheck = [mapped(a) for a in json.loads(args.split(" CMD ", 1)[1])]
    paths["/data"].mkdir(parents=True, exist_ok=True)
    venv_python = str(paths["/opt/venv"] / "bin" / "python")
    # The demo is built as of the same pinned "now" the served app gets (never the wall clock).
    init = subprocess.run([venv_python, "-m", "ecomm", "init", "--demo", "--licenses", "150"],
                          cwd=cwd, env={**env, "ECOMM_NOW": "2026-12-01T10:00"},
                          capture_output=True, text=True, timeout=600)
    assert init.returncode == 0, init.stderr
    port = str(free_port())
    cmd = [port if a == "8501" else "127.0.0.1" if a == "0.0.0.0" else a for a in cmd]
    healthcheck = [a.replace(":8501/", f":{port}/") for a in healthcheck]
    serve_env = {**env, "ECOMM_JOBS_TICK": "1", "ECOMM_NOW": "2026-12-01T10:00"}
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(cmd, cwd=cwd, env=serve_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while True:
            check = subprocess.run(healthcheck, env=env, capture_output=True, timeout=60)
            if check.returncode == 0:
                break
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()[-3000:]
            time.sleep(2)  # the server starts, then its first tick runs the daily jobs
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert list((paths["/data"] / "backups").glob("ecomm-*.zip"))  # the nightly backup's folder
