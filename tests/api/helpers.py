"""Calling the API as an integration does: a real token in the header."""

import json

from django.test import Client

from firmdesk.integrations.models import ApiToken
from firmdesk.integrations.tokens import PREFIX, digest_of


def token_for(user, firm, *, name="Test integration") -> str:
    """A live token of ``user`` for ``firm``, made directly (as if made while
    they had access: the rule, not the token's making, must refuse them)."""
    secret = f"{PREFIX}test-{user.pk}-{firm.pk}-{name}".replace(" ", "-")
    ApiToken.objects.get_or_create(
        digest=digest_of(secret),
        defaults={"user": user, "firm": firm, "name": name, "prefix": secret[:10]},
    )
    return secret


class Api:
    """``Api(token).get("/api/v1/f/…")``: JSON in, JSON out, token sent."""

    def __init__(self, token: str | None, client: Client | None = None):
        self.token = token
        self.client = client or Client()

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        return out

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def _send(self, method, path, body, headers):
        return getattr(self.client, method)(
            path,
            data=json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def post(self, path, body=None, headers=None):
        return self._send("post", path, body, headers)

    def patch(self, path, body=None, headers=None):
        return self._send("patch", path, body, headers)

    def put(self, path, body=None, headers=None):
        return self._send("put", path, body, headers)

    def delete(self, path, headers=None):
        return self.client.delete(path, headers=self._headers(headers))
