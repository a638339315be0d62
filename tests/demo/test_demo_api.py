"""The demo's API tokens (demo/demo_api.py, docs/demo.md "Try the API"): the
curl line ``firmdesk demo`` prints works as printed."""

import io
import re
import shlex
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from firmdesk.access.scope import resolve_scope
from firmdesk.demo.demo_api import TOKENS
from firmdesk.demo.services import demo_load
from firmdesk.integrations import tokens
from firmdesk.integrations.models import ApiToken
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Organization, User

pytestmark = pytest.mark.usefixtures("demo_loaded", "db")


def printed() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def curl_of(text: str) -> tuple[dict[str, str], str]:
    """The headers and the address of the printed curl line."""
    (line,) = [line for line in text.splitlines() if line.strip().startswith("curl")]
    words = shlex.split(line)
    headers = dict(
        words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H"
    )
    return headers, words[-1]


def test_the_printed_curl_line_answers_the_attorneys_tasks():
    text = printed()
    assert "Try the API" in text and "hale-ortiz" in text
    headers, url = curl_of(text)
    parts = urlsplit(url)

    response = Client().get(
        f"{parts.path}?{parts.query}",
        headers={"Authorization": headers["Authorization"]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["items"]
    assert headers["Authorization"] == f"Bearer {TOKENS[0].secret}"


def attorney_scope(hale):
    return resolve_scope(User.objects.get(email=TOKENS[0].email), hale)


def test_the_assistants_printed_token_acts_with_her_scope_only():
    text = printed()
    spec = TOKENS[1]
    assert spec.secret in text
    token = tokens.token_for_secret(spec.secret)
    hale = Organization.objects.get(slug="hale-ortiz")
    scope = resolve_scope(User.objects.get(email=spec.email), hale)
    matters = Client().get(
        "/api/v1/f/hale-ortiz/matters?limit=200",
        headers={"Authorization": f"Bearer {spec.secret}"},
    )

    assert token is not None and token.user.email == spec.email
    assert matters.status_code == 200
    seen = {m["id"] for m in matters.json()["items"]}
    assert seen == {str(m.public_id) for m in Matter.objects.in_scope(scope)}
    assert 0 < len(seen) < Matter.objects.in_scope(attorney_scope(hale)).count()


def test_demo_tokens_are_made_through_the_service_and_not_twice():
    made = ApiToken.objects.filter(prefix__startswith="fd_demo_")

    assert made.count() == len(TOKENS)
    assert demo_load() == 0
    assert made.count() == len(TOKENS)
    assert all(re.fullmatch(r"fd_demo_\w+", t.secret) for t in TOKENS)


def test_a_revoked_demo_token_stays_revoked_and_is_no_longer_printed():
    token = tokens.token_for_secret(TOKENS[0].secret)
    tokens.token_revoke(token=token, reason="Tried it")

    assert demo_load() == 0
    assert TOKENS[0].secret not in printed()


def test_only_the_demo_may_choose_a_tokens_secret():
    hale = Organization.objects.get(slug="hale-ortiz")
    attorney = User.objects.get(email=TOKENS[0].email)
    with pytest.raises(ValueError):
        tokens.token_create(
            user=attorney, firm=hale, name="Mine", demo_secret="fd_guessable"
        )
