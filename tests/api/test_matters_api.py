"""The matters routes: the example every area's routes follow."""

from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from tests import factories as f

from .helpers import Api, token_for


def _list(firm):
    return reverse("api:list_matters", kwargs={"firm_slug": firm.slug})


def _one(firm, matter):
    return reverse(
        "api:get_matter", kwargs={"firm_slug": firm.slug, "matter_id": matter.public_id}
    )


def test_without_a_token_the_api_answers_401_in_its_error_shape(firm, matter):
    response = Api(None).get(_list(firm))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert "token" in body["message"] and body["fields"] == {}


def test_a_revoked_token_is_refused(firm, attorney, matter):
    from firmdesk.integrations.models import ApiToken
    from firmdesk.integrations.tokens import digest_of, token_revoke

    secret = token_for(attorney, firm)
    token_revoke(token=ApiToken.objects.get(digest=digest_of(secret)), actor=attorney)
    assert Api(secret).get(_list(firm)).status_code == 401


def test_attorney_lists_the_firms_matters_and_not_another_firms(
    firm, attorney, matter, other_matter
):
    body = Api(token_for(attorney, firm)).get(_list(firm)).json()
    numbers = [m["number"] for m in body["items"]]
    assert numbers == [matter.number]
    assert body["next_cursor"] is None


def test_a_token_for_one_firm_gets_404_under_another_firms_slug(
    firm, other_firm, assistant, other_matter
):
    token = token_for(assistant, firm)
    assert Api(token).get(_list(other_firm)).status_code == 404


def test_cursor_pages_through_every_matter_once_in_the_asked_order(firm, attorney):
    for n in range(7):
        f.MatterFactory(firm=firm, number=f"M-2026-1{n:02d}", title=f"Matter {n}")
    api = Api(token_for(attorney, firm))
    seen, cursor = [], None
    while True:
        params = {
            "order": "number",
            "limit": 3,
            **({"cursor": cursor} if cursor else {}),
        }
        body = api.get(_list(firm), params).json()
        seen += [m["number"] for m in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 7


def test_unknown_order_is_refused_with_the_choices(firm, attorney):
    response = Api(token_for(attorney, firm)).get(_list(firm), {"order": "colour"})
    assert response.status_code == 422
    assert "number" in response.json()["fields"]["order"][0]


def test_reading_a_matter_is_audited_and_sends_an_etag(firm, attorney, matter):
    before = AuditEvent.objects.filter(org=firm, action="matter.viewed").count()
    response = Api(token_for(attorney, firm)).get(_one(firm, matter))
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert AuditEvent.objects.filter(org=firm, action="matter.viewed").count() == (
        before + 1
    )


def test_a_stale_if_match_gets_412_and_keeps_the_other_change(firm, attorney, matter):
    api = Api(token_for(attorney, firm))
    etag = api.get(_one(firm, matter))["ETag"]
    first = api.patch(
        _one(firm, matter), {"title": "Lopez v. Acme (appeal)"}, {"If-Match": etag}
    )
    assert first.status_code == 200 and first["ETag"] != etag
    stale = api.patch(_one(firm, matter), {"title": "Lost update"}, {"If-Match": etag})
    assert stale.status_code == 412
    assert "changed since you read it" in stale.json()["message"]
    matter.refresh_from_db()
    assert matter.title == "Lopez v. Acme (appeal)"


def test_support_staff_may_not_change_a_matter(firm, firm_staff, matter):
    response = Api(token_for(firm_staff, firm)).patch(
        _one(firm, matter), {"title": "Changed"}
    )
    assert response.status_code == 422
    assert "attorney or admin" in response.json()["message"]


def test_a_field_error_names_the_field_as_the_client_sent_it(firm, attorney, matter):
    response = Api(token_for(attorney, firm)).patch(_one(firm, matter), {"title": []})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["title"]
