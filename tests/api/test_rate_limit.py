"""The per-token rate limit: a script that loops too fast is told to wait, in
the API's error shape, and slows no one else."""

from django.urls import reverse

from .helpers import Api, token_for


def test_a_token_over_its_limit_gets_429_and_another_token_does_not(
    settings, firm, attorney, firm_staff
):
    settings.FIRMDESK_API_RATE_LIMIT = "3/min"
    url = reverse("api:list_matters", kwargs={"firm_slug": firm.slug})
    busy = Api(token_for(attorney, firm))
    assert [busy.get(url).status_code for _ in range(3)] == [200, 200, 200]

    refused = busy.get(url)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    body = refused.json()
    assert set(body) == {"message", "fields"}
    assert "Retry-After" in body["message"] and "3/min" in body["message"]

    assert Api(token_for(firm_staff, firm)).get(url).status_code == 200
    second_token = Api(token_for(attorney, firm, name="Another script"))
    assert second_token.get(url).status_code == 200


def test_a_refused_post_is_not_kept_for_its_idempotency_key(settings, firm, firm_admin):
    """Retried after the wait, the same key runs the POST."""
    settings.FIRMDESK_API_RATE_LIMIT = "1/min"
    url = reverse("api:list_leads", kwargs={"firm_slug": firm.slug})
    api = Api(token_for(firm_admin, firm))
    api.get(url)
    body = {"name": "Dana Whitfield", "email": "dana@example.com"}
    refused = api.post(url, body, {"Idempotency-Key": "k-1"})
    assert refused.status_code == 429
    settings.FIRMDESK_API_RATE_LIMIT = "100/min"
    assert api.post(url, body, {"Idempotency-Key": "k-1"}).status_code == 201


def test_with_the_shared_cache_down_the_api_answers_unthrottled(
    settings, firm, attorney
):
    """Redis holds the counts when REDIS_URL is set; when it stops answering a
    firm's integrations keep working (and /health says the cache is down)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Port 1: nothing listens there.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.FIRMDESK_API_RATE_LIMIT = "1/min"
    url = reverse("api:list_matters", kwargs={"firm_slug": firm.slug})
    api = Api(token_for(attorney, firm))
    assert [api.get(url).status_code for _ in range(3)] == [200, 200, 200]
