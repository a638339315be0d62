"""gunicorn's settings for FirmDesk, from the environment (docs/deploy.md).

    firmdesk serve                      # runs gunicorn with this file
    gunicorn -c python:firmdesk.gunicorn_conf firmdesk.wsgi:application

Every value has a default that suits one machine; the FIRMDESK_* variables
below change them.

The worker class is gevent: each worker serves many connections at once, so a
client that sends its request slowly (a large upload over a poor line) holds
one connection, not a whole worker, and pages keep answering
(tests/serving/test_slow_clients.py). Behind nginx, which receives a request
whole before passing it on, the plain ``sync`` class serves as well.
"""

import os

from firmdesk.web.documents.public_shares.access_log import AccessLog


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


bind = _env("FIRMDESK_BIND", "127.0.0.1:8000").split(",")
worker_class = _env("FIRMDESK_WORKER_CLASS", "gevent")
workers = _int("FIRMDESK_WORKERS", max(2, os.cpu_count() or 1))
# gevent: clients one worker serves at once. Their requests share the
# worker's pool of DB_POOL_MAX database connections (settings.py), so it is
# workers x DB_POOL_MAX that must stay under PostgreSQL's max_connections.
worker_connections = _int("FIRMDESK_WORKER_CONNECTIONS", 40)
# gthread only: above 1, gunicorn turns a sync worker into gthread.
threads = _int("FIRMDESK_THREADS", 4 if worker_class == "gthread" else 1)

# A worker that does not answer its master for this long is restarted.
timeout = _int("FIRMDESK_TIMEOUT", 60)
graceful_timeout = _int("FIRMDESK_GRACEFUL_TIMEOUT", 30)
keepalive = _int("FIRMDESK_KEEPALIVE", 5)
# Workers are replaced after about this many requests, so memory that a
# library keeps growing is handed back; the jitter staggers the restarts.
max_requests = _int("FIRMDESK_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10

# The request line and headers; bodies are limited by FIRMDESK_REQUEST_MAX_BYTES
# (web/body_limit.py), which gunicorn has no setting for.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Addresses whose X-Forwarded-* headers are believed: the reverse proxy's.
forwarded_allow_ips = _env("FIRMDESK_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# To standard output and error, for systemd's journal; FIRMDESK_ACCESS_LOG=off
# leaves the access log to the proxy. Share-link tokens never reach it.
accesslog = None if _env("FIRMDESK_ACCESS_LOG", "-") == "off" else "-"
errorlog = "-"
loglevel = _env("FIRMDESK_LOG_LEVEL", "info")
logger_class = AccessLog
proc_name = "firmdesk"

if worker_class == "gevent":
    # A kept database connection belongs to the greenlet that opened it, which
    # ends with its client's connection: keeping it would only hold PostgreSQL
    # connections open for idle clients. Instead each worker keeps a pool
    # that requests borrow from (DB_POOL_* in settings.py; PostgreSQL only).
    # Read by the settings in each worker.
    os.environ.setdefault("DB_CONN_MAX_AGE", "0")
    os.environ.setdefault("DB_POOL", "on")

# gunicorn's control socket (gunicornc) sits at one path per user by default,
# so two servers on a machine would fight over it: off unless a path is given.
control_socket = _env("FIRMDESK_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
