"""gunicorn settings for the Council archive: `gunicorn` from the repository folder reads this file.

    DEBUG=0 SECRET_KEY=... ALLOWED_HOSTS=archive.example.org DATABASE_URL=postgres://... \
        .venv/bin/gunicorn

Each value can be changed from the environment (docs/operations.md). Sync workers: a request is
mostly CPU (templates, Whoosh search), so about two workers per core; a reverse proxy in front
buffers slow clients.
"""

import multiprocessing
import os

wsgi_app = "archive.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Restart a worker now and then, so memory a long run gathers is handed back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Addresses of the proxy whose X-Forwarded-* headers gunicorn believes (gunicorn's own default: 127.0.0.1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" for none
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
