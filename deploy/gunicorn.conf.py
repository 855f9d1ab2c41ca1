"""Gunicorn settings for the web part of `manage.py serve`, read from environment variables.

The web processes serve the API, the admin and the single-page app; OCR runs in the qcluster
workers only (the synchronous `/ocr` and `/layout-parsing` requests wait for them). So the
worker count follows the cores (requests are short) while threads give concurrency, and a
thread waiting on the queue costs no memory.
"""

import os

cores = len(os.sched_getaffinity(0))

wsgi_app = "ocrsite.wsgi:application"
bind = os.environ.get("OCRSITE_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("OCRSITE_WEB_WORKERS", "0")) or cores + 1
worker_class = "gthread"
threads = int(os.environ.get("OCRSITE_WEB_THREADS", "4"))

# A synchronous /ocr or /layout-parsing request waits for the queue (OCRSITE_SYNC_OCR_WAIT_S,
# 110 s): 120 s before a worker is declared hung. On SIGTERM, requests in flight get
# `graceful_timeout` seconds to finish.
timeout = int(os.environ.get("OCRSITE_WEB_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("OCRSITE_WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Recycle workers now and then, in case a library leaks over many thousands of requests.
max_requests = int(os.environ.get("OCRSITE_WEB_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10

# The heartbeat file on tmpfs: on a slow or busy disk a worker would otherwise look hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs go to stdout/stderr: journald (or the terminal of `make run`) keeps and rotates them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("OCRSITE_LOG_LEVEL", "info").lower()
proc_name = "ocrsite-web"

# The control socket has one default path per user: two instances (tests, a second checkout)
# would fight over it, and nothing here uses it.
control_socket_disable = True
