"""/health for load balancers: the same JSON for everyone, 503 only when this
server cannot serve."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import timezone

from firmdesk.jobs.models import WorkerHeartbeat
from firmdesk.web import health as health_module

URL = "/health"


def beat(age_seconds: float) -> None:
    at = timezone.now() - datetime.timedelta(seconds=age_seconds)
    WorkerHeartbeat.objects.create(
        worker_id=f"w-{age_seconds}", hostname="h", pid=1, started_at=at, beat_at=at
    )


def test_the_url_is_health():
    assert reverse("health") == URL


@pytest.mark.django_db
def test_with_a_live_worker_everything_is_ok(client):
    beat(3)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "cache", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert 2 <= body["checks"]["worker"]["heartbeat_age_seconds"] < 60


@pytest.mark.django_db
@pytest.mark.parametrize("age", [None, 600])
def test_a_missing_or_late_worker_is_degraded_but_still_served(client, age):
    if age is not None:
        beat(age)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["heartbeat_age_seconds"] == (
        None if age is None else pytest.approx(age, abs=5)
    )


def test_everyone_gets_the_same_answer_and_nothing_about_a_firm(
    client, firm, firm_admin, outsider
):
    beat(1)
    answers = []
    for user in (None, firm_admin, outsider):
        if user is not None:
            client.force_login(user)
        body = client.get(URL).content.decode()
        assert firm.name not in body and firm.slug not in body
        assert "@" not in body
        answers.append(client.get(URL).json()["status"])
    assert answers == ["ok", "ok", "ok"]


@pytest.mark.django_db
def test_an_unreachable_cache_is_a_failure(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": body["checks"]["cache"]["ms"],
    }
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_a_migration_not_applied_is_a_failure(client, monkeypatch):
    monkeypatch.setattr(health_module, "_migrations_applied", False)
    MigrationRecorder(connection).migration_qs.filter(
        app="jobs", name="0001_initial"
    ).delete()
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["ok"] is False


def test_only_reads_are_answered(client):
    assert client.post(URL).status_code == 405
