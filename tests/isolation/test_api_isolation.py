"""The access rule for the JSON API: every operation × every kind of token.

The operations and who may call them are declared in ``api_registry.py``; an
operation missing there fails ``test_every_api_operation_has_an_entry``.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from firmdesk.audit.models import AuditEvent
from tests.api.helpers import Api, token_for

from .api_registry import API_ROUTES, NO_TOKEN, PUBLIC, operations
from .registry import walk
from .test_isolation import FIRM_A_MARKERS, FIRM_B_MARKERS


def test_every_api_operation_has_an_entry():
    missing = [key for key in operations() if key not in API_ROUTES]
    assert not missing, "\n".join(
        f"API operation {key!r} has no entry in tests/isolation/api_registry*.py: "
        "add one saying whose token may call it."
        for key in missing
    )


def test_api_registry_has_no_entry_for_an_operation_that_no_longer_exists():
    assert sorted(set(API_ROUTES) - set(operations())) == []


def test_every_api_url_is_an_operation_or_a_public_page():
    names = {p.name for p in walk() if p.name and p.name.startswith("api:")}
    declared = {r.name for r in API_ROUTES.values()} | set(PUBLIC)
    assert names and names <= declared, sorted(names - declared)


def test_the_reference_and_the_openapi_file_are_open_and_hold_no_firm_data(
    client, firm, matter
):
    for name in ("api:docs", "api:openapi-json"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert not [m for m in FIRM_A_MARKERS if m in response.content.decode()]
    schema = client.get(reverse("api:openapi-json")).json()
    assert "/api/v1/f/{firm_slug}/matters" in schema["paths"]


def test_detail_reads_and_downloads_say_what_they_audit():
    silent = [
        r.key
        for r in API_ROUTES.values()
        if r.method == "GET"
        and not r.name.startswith("api:list_")
        and not (r.audit or r.no_audit)
    ]
    assert silent == [], "say audit=… or no_audit='why' for each"


def _url(route, kwargs):
    return reverse(route.name, kwargs=kwargs)


def _token(fixtures, who):
    if who == NO_TOKEN:
        return None
    user = fixtures.user(who)
    home = fixtures.other_firm if who == "outsider" else fixtures.firm
    return token_for(user, home)


def _call(fixtures, route, who, kwargs):
    api = Api(_token(fixtures, who))
    url = _url(route, kwargs)
    query = route.query(fixtures) if route.query else None
    if route.method == "GET":
        return api.get(url, query)
    if route.method == "DELETE":
        return api.delete(url)
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query)}"
    body = route.body(fixtures) if route.body else {}
    return getattr(api, route.method.lower())(url, body)


def _body(response) -> str:
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return raw.decode(errors="replace")


def _cases(attribute):
    return [
        pytest.param(route, who, id=f"{route.key}-{who}")
        for route in API_ROUTES.values()
        for who in getattr(route, attribute)
    ]


@pytest.mark.parametrize(("route", "who"), _cases("denied"))
def test_denied_token_gets_404_or_401(fixtures, route, who):
    before = route.state(fixtures) if route.state else None
    response = _call(fixtures, route, who, route.kwargs(fixtures))
    expected = 401 if who == NO_TOKEN else 404
    assert response.status_code == expected, (route.key, who, response.status_code)
    body = _body(response)
    assert not [m for m in FIRM_A_MARKERS if m in body]
    assert set(response.json()) == {"message", "fields"}
    if route.state:
        assert route.state(fixtures) == before, "a denied request changed data"


@pytest.mark.parametrize(("route", "who"), _cases("allowed"))
def test_allowed_token_gets_the_answer(fixtures, route, who):
    fixtures.other_task  # firm B's rows exist, to prove they stay out
    before = route.state(fixtures) if route.state else None
    audited = AuditEvent.objects.filter(org=fixtures.firm).count()
    response = _call(fixtures, route, who, route.kwargs(fixtures))
    assert response.status_code == route.success, (
        route.key,
        who,
        response.status_code,
        _body(response)[:300],
    )
    body = _body(response)
    assert not [m for m in FIRM_B_MARKERS if m in body and escape(m) in body]
    if route.state:
        assert route.state(fixtures) != before, "the allowed request changed nothing"
    if route.audit:
        events = AuditEvent.objects.filter(org=fixtures.firm).order_by("pk")[audited:]
        actions = [e.action for e in events]
        assert route.audit in actions, (route.key, actions)
        event = next(e for e in events if e.action == route.audit)
        assert event.actor == fixtures.user(who)
        if route.audit_matter:
            matter = getattr(fixtures, route.audit_matter)
            assert event.matter_id == str(matter.public_id)


def _foreign_cases():
    return [
        pytest.param(route, who, id=f"{route.key}-{who}")
        for route in API_ROUTES.values()
        if route.foreign_kwargs
        for who in route.allowed
    ]


@pytest.mark.parametrize(("route", "who"), _foreign_cases())
def test_another_firms_id_under_firm_a_gets_404(fixtures, route, who):
    response = _call(fixtures, route, who, route.foreign_kwargs(fixtures))
    assert response.status_code == 404, (route.key, who, response.status_code)
    assert not [m for m in FIRM_B_MARKERS if m in _body(response)]
