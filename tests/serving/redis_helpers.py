"""Redis for the serving tests: a database number of their own (14), keys
under a prefix unique to each test, removed afterwards. Never flushed."""

import uuid

import pytest

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis does not answer at {REDIS_TEST_URL} ({error})")
    return client


def unique_name(kind: str) -> str:
    return f"firmdesk-test-{kind}-{uuid.uuid4().hex[:12]}"


def delete_keys(client, pattern: str) -> None:
    for key in client.scan_iter(match=pattern, count=500):
        client.delete(key)
