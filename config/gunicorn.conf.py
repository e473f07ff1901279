"""Production WSGI server settings: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Every value can be overridden from the environment; the defaults suit one small VM.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then so a slow leak never piles up; rarely enough that the cost of
# a fresh worker (cold in-process content cache) stays negligible.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Load Django once in the master: a recycled worker is a cheap fork, not a fresh import.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESSLOG")  # off unless asked for; the proxy logs requests
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
