# eComm Licenses: the app, its scheduled jobs, /healthz and the command line's /api/ in one
# container. See docs/deploy.md. The database, uploads and nightly backups live in /data (a
# volume); OIDC and the API token come from a secrets.toml mounted at
# /app/.streamlit/secrets.toml. tests/integration/test_deploy.py runs these steps (no Docker).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.txt /app/requirements.txt
RUN python -m venv /opt/venv && /opt/venv/bin/python -m pip install --no-cache-dir -r /app/requirements.txt

COPY app.py /app/app.py
COPY app_pages /app/app_pages
COPY ecomm /app/ecomm
COPY .streamlit/config.toml /app/.streamlit/config.toml
RUN /opt/venv/bin/python -c "import ecomm.server.api, ecomm.jobs.scheduler, httpx, authlib"

RUN useradd --system --home-dir /data --shell /usr/sbin/nologin ecomm && mkdir -p /data && chown ecomm /data
USER ecomm
ENV PATH=/opt/venv/bin:$PATH ECOMM_DB=/data/ecomm.duckdb
VOLUME /data
EXPOSE 8501

HEALTHCHECK --interval=60s --timeout=10s --start-period=120s CMD ["/opt/venv/bin/python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/healthz', timeout=8)"]
CMD ["/opt/venv/bin/streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
