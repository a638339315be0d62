"""``/health``: whether this server can do its work, for a load balancer.

It answers everyone the same: no sign-in, nothing about any firm, no versions
or addresses. 200 when the database answers, every migration is applied and
the cache answers; 503 otherwise, so the balancer stops sending requests here.

The job worker's heartbeat is reported beside them, but a late worker only
makes the status "degraded" (still 200): taking every web server out of the
balancer because the worker stopped would turn a delay of e-mails into an
outage. Monitoring should alert on "degraded" (docs/deploy.md).
"""

import time
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from firmdesk.jobs.selectors import newest_heartbeat_age

# Once every migration is seen applied, this process does not look again: new
# migrations come with new code, which means a restart. Reading the migration
# files costs tens of milliseconds, too much for every probe.
_migrations_applied = False


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # any failure is the answer; its kind, not text
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _migrations() -> dict:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return {"ok": False, "unapplied": len(plan)}
        _migrations_applied = True
    return {"ok": True}


def _cache() -> dict:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": found}


def _worker() -> dict:
    age = newest_heartbeat_age()
    if age is None:
        return {"ok": False, "heartbeat_age_seconds": None}
    limit = settings.FIRMDESK_WORKER["STALE_AFTER_SECONDS"]
    seconds = max(0.0, age.total_seconds())
    return {"ok": seconds <= limit, "heartbeat_age_seconds": round(seconds, 1)}


@login_not_required
@never_cache
@require_safe
def health(request):
    checks = {"database": _timed(_database)}
    if checks["database"]["ok"]:
        checks["migrations"] = _timed(_migrations)
    checks["cache"] = _timed(_cache)
    if checks["database"]["ok"]:
        checks["worker"] = _timed(_worker)
    required = ("database", "migrations", "cache")
    if not all(checks.get(name, {}).get("ok") for name in required):
        status, code = "fail", 503
    elif not checks["worker"]["ok"]:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
