"""gunicorn's settings for production (``gunicorn -c python:familyapp.gunicorn_conf 'familyapp:create_app()'``),
read from the environment so that one image serves every municipality.

No access log: the app logs each request itself as JSON, by route pattern and without the query (familyapp/logs.py);
gunicorn's access log would write every address with its query (a search for a name).
"""

from __future__ import annotations

import multiprocessing
import os

#: Where to listen: the reverse proxy in front talks to this address (the container listens on 0.0.0.0:8000).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Sync workers, one request each: a slow phone on a weak connection is buffered by the reverse proxy.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
worker_class = "sync"
#: A request that takes longer is stopped (the download of Mine oplysninger streams within this).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
#: A worker is replaced after this many requests (with jitter), so memory cannot creep up for weeks.
max_requests = 2000
max_requests_jitter = 200
#: Forwarded headers are judged by the app (PROXY_FIX_HOPS, TRUSTED_PROXIES), never by gunicorn.
forwarded_allow_ips = ""
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
#: gunicorn's own lines as JSON too, without personal data (an error's message, an address's query); nothing on
#: the root logger, so that no library's record reaches a handler that would print it as it is.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "familyapp.logs.ServerFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
    "root": {"level": "WARNING", "handlers": []},
}
#: Each worker makes its own app and database connections after the fork.
preload_app = False
