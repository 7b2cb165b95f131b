"""The small JSON API under ``/api/`` and ``/healthz``.

``POST /api/cli`` runs a command of the command line in the app (ecomm.server.commands). It
answers only on localhost, and only with the API token: ``Authorization: Bearer TOKEN``.
The token and the user it acts as (an active System-team user, in whose name everything is
audited) come from ``ECOMM_API_TOKEN`` and ``ECOMM_API_USER``, else from ``[api]`` (``token``,
``user``) in ``.streamlit/secrets.toml``. Without a token: 401; a wrong one, a user who is not
an active System-team user, a request from another machine or an app with no token: 403.
Each start of the server also makes a local token, written only to ``<database>.app.json``
(readable by the database's owner alone): a command sent with it acts as the command line on
the file does (``cli@system``), since whoever reads that file could open the database anyway.
"""
from __future__ import annotations

import hmac
import ipaddress
import os

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ecomm import admin, clock
from ecomm.jobs.health import health
from ecomm.storage.served import served_store

TOKEN_ENV, USER_ENV = "ECOMM_API_TOKEN", "ECOMM_API_USER"
MAX_BODY = 512 * 1024 * 1024


_LOCAL: list[str] = []  # the token of this start, written to <database>.app.json (mode 600)


def set_local_token(token: str | None) -> None:
    _LOCAL[:] = [token] if token else []


def configured_token() -> tuple[str, str] | None:
    """(token, user email) the app accepts, or None when it has none."""
    token, user = os.environ.get(TOKEN_ENV, "").strip(), os.environ.get(USER_ENV, "").strip()
    if not (token and user):
        try:
            import streamlit as st

            api = st.secrets.get("api", {}) or {}
            token = token or str(api.get("token", "") or "").strip()
            user = user or str(api.get("user", "") or "").strip()
        except Exception:  # noqa: BLE001 - no secrets file: no token
            pass
    return (token, user.lower()) if token and user else None


def _refuse(status: int, why: str) -> JSONResponse:
    return JSONResponse({"error": why}, status_code=status)


def _local(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")


def authorise(request: Request):
    """The API token's user (an Identity), or the refusal to answer with."""
    if not _local(request):
        return _refuse(403, "the API answers only on this machine (localhost)")
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        return _refuse(401, "an API token is needed: Authorization: Bearer TOKEN "
                            f"(the command line sends {TOKEN_ENV})")
    given = header[7:].strip().encode()
    if _LOCAL and hmac.compare_digest(given, _LOCAL[0].encode()):
        # whoever can read the file beside the database can open the database itself: the
        # command acts as the command line does on the file
        from ecomm.identity import CLI_ACTOR

        return CLI_ACTOR
    configured = configured_token()
    if configured is None:
        return _refuse(403, f"this app has no API token: set {TOKEN_ENV} and {USER_ENV}, or "
                            "[api] token and user in .streamlit/secrets.toml, and restart it")
    token, email = configured
    if not hmac.compare_digest(given, token.encode()):
        return _refuse(403, "the API token is wrong")
    store = served_store()
    if store is None:
        return _refuse(503, "the app has not opened its database")
    who = admin.find_identity(store, email)
    if who is None or not who.active or not who.is_system:
        return _refuse(403, f"the API token's user {email} is not an active System-team user")
    return who


async def cli(request: Request) -> JSONResponse:
    from ecomm.server.commands import execute

    who = authorise(request)
    if isinstance(who, JSONResponse):
        return who
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return _refuse(413, "the upload is too large")
    try:
        body = await request.json()
        argv = [str(a) for a in body["argv"]]
    except (ValueError, KeyError, TypeError):
        return _refuse(400, 'send {"argv": [...], "db": "...", "upload": null}')
    store = served_store()
    if body.get("db") and served_store(body["db"]) is None:
        return _refuse(409, f"this app serves {store.path}, not {body['db']}")
    answer = await run_in_threadpool(execute, store, who, argv, body.get("upload"))
    return JSONResponse(answer)


async def healthz(request: Request) -> JSONResponse:
    ok, doc = await run_in_threadpool(health, served_store(), clock.now_utc())
    return JSONResponse(doc, status_code=200 if ok else 503)


ROUTES = [Route("/healthz", healthz, methods=["GET"]),
          Route("/api/cli", cli, methods=["POST"])]
