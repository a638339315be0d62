"""The API's per-token rate limit counts across server processes when the
cache is Redis (REDIS_URL), and only per process without it."""

import urllib.error
import urllib.request

import pytest
from django.urls import reverse

from tests.api.helpers import token_for
from tests.jobs.test_worker import worker_database_url as database_url

from .redis_helpers import REDIS_TEST_URL, delete_keys, redis_or_skip, unique_name

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LIMIT = 4


def status(server, path, token) -> int:
    request = urllib.request.Request(
        server.url(path), headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("shared", "answered"),
    [(True, LIMIT), (False, 2 * LIMIT)],
    ids=["redis-counts-across-processes", "memory-counts-per-process"],
)
def test_two_servers_share_one_count_through_redis(
    serve, firm, attorney, shared, answered
):
    redis = redis_or_skip()
    prefix = unique_name("cache")
    env = {
        "DATABASE_URL": database_url(),
        "FIRMDESK_WORKERS": "1",
        "FIRMDESK_API_RATE_LIMIT": f"{LIMIT}/min",
    }
    if shared:
        env |= {"REDIS_URL": REDIS_TEST_URL, "CACHE_KEY_PREFIX": prefix}
    token = token_for(attorney, firm)
    path = reverse("api:list_matters", kwargs={"firm_slug": firm.slug})
    try:
        servers = [serve(**env), serve(**env)]
        # Taking turns: each process sees every other request.
        statuses = [status(servers[i % 2], path, token) for i in range(3 * LIMIT)]
    finally:
        delete_keys(redis, f"{prefix}:*")
    assert statuses == [200] * answered + [429] * (3 * LIMIT - answered)
