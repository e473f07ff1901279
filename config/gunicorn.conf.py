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
max_requests = 2000  # recycle workers now and then so slow leaks never pile up
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG")  # off unless asked for; the proxy logs requests
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
