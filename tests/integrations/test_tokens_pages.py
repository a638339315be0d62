"""The API tokens pages: a person makes a token (password again), sees it
once, uses it, revokes it; a firm's admins see and stop every token for it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.integrations.models import ApiToken
from firmdesk.web.accounts import reauth
from tests import factories as f
from tests.api.helpers import Api, token_for

NEW = reverse("tokens:token_new")
LIST = reverse("tokens:token_list")


def _matters(firm) -> str:
    return reverse("api:list_matters", kwargs={"firm_slug": firm.slug})


def _secret_on(page: str) -> str:
    return re.search(r'id="new-token"[^>]*value="(fd_[^"]+)"', page).group(1)


def _token(secret: str) -> ApiToken:
    from firmdesk.integrations.tokens import digest_of

    return ApiToken.objects.get(digest=digest_of(secret))


@pytest.fixture
def browser():
    return lambda user: f.sign_in(Client(), user)


def test_a_new_token_is_shown_once_works_and_is_listed_by_its_prefix_only(
    browser, firm, other_firm, assistant, matter
):
    client = browser(assistant)
    form = client.get(NEW).content.decode()
    # She serves two firms: both are offered (by name), nothing else.
    assert re.findall(r'<option value="([^"]+)"', form) == [other_firm.slug, firm.slug]

    made = client.post(NEW, {"name": "Clio sync", "firm": firm.slug})

    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    page = made.content.decode()
    secret = _secret_on(page)
    assert f"/api/v1/f/{firm.slug}/matters" in page
    assert Api(secret).get(_matters(firm)).status_code == 200
    # Only for the firm it was made for.
    assert Api(secret).get(_matters(other_firm)).status_code == 404
    listing = client.get(LIST).content.decode()
    assert "Clio sync" in listing and secret[:10] in listing
    assert secret not in listing
    event = AuditEvent.objects.get(org=firm, action="api_token.created")
    assert event.actor == assistant


def test_making_a_token_asks_for_the_password_again_after_a_while(browser, attorney):
    client = browser(attorney)
    session = client.session
    session.pop(reauth.SESSION_KEY)
    session.save()

    response = client.get(NEW)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:confirm"))
    stale = client.post(NEW, {"name": "Typed before", "firm": "hale-ortiz"})
    assert "Confirm it is you" in stale.content.decode()
    assert not ApiToken.objects.exists()


def test_a_firm_she_may_not_act_for_is_refused_with_what_she_typed_kept(
    browser, firm, other_firm, attorney
):
    response = browser(attorney).post(
        NEW, {"name": "Sneaky export", "firm": other_firm.slug}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "you may not act for that one now" in page
    assert 'value="Sneaky export"' in page
    assert not ApiToken.objects.exists()


def test_a_second_live_token_of_the_same_name_is_refused_by_name(
    browser, firm, attorney
):
    client = browser(attorney)
    client.post(NEW, {"name": "Clio sync", "firm": firm.slug})

    again = client.post(NEW, {"name": "Clio sync", "firm": firm.slug})

    assert again.status_code == 400
    assert "already a token named “Clio sync”" in again.content.decode()
    assert ApiToken.objects.count() == 1


def test_someone_who_acts_for_no_firm_is_told_a_token_would_open_nothing(
    browser, provider_admin
):
    page = browser(provider_admin).get(NEW).content.decode()
    assert "You do not act for any firm now" in page
    assert 'name="name"' not in page


def test_revoking_her_own_token_confirms_first_then_stops_it(browser, firm, attorney):
    secret = token_for(attorney, firm, name="Old script")
    token = _token(secret)
    client = browser(attorney)
    url = reverse("tokens:token_revoke", args=[token.public_id])

    confirm = client.get(url)
    assert "Revoke the token “Old script”?" in confirm.content.decode()
    assert Api(secret).get(_matters(firm)).status_code == 200

    done = client.post(url)

    assert done.status_code == 303 and done.url == LIST
    assert Api(secret).get(_matters(firm)).status_code == 401
    listing = client.get(LIST).content.decode()
    assert "Revoked" in listing and "Revoked by its owner" in listing
    assert "tokens:token_revoke" not in listing and url not in listing


def test_another_persons_token_is_not_there_on_her_account_pages(
    browser, firm, attorney, firm_staff
):
    secret = token_for(attorney, firm)
    url = reverse("tokens:token_revoke", args=[_token(secret).public_id])
    client = browser(firm_staff)

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert "Test integration" not in client.get(LIST).content.decode()
    assert Api(secret).get(_matters(firm)).status_code == 200


def test_firm_admin_sees_every_live_token_of_the_firm_and_revokes_one_audited(
    browser, firm, other_firm, firm_admin, attorney, assistant, outsider
):
    clio = token_for(attorney, firm, name="Clio sync")
    token_for(assistant, firm, name="Calendar bridge")
    token_for(assistant, other_firm, name="Brandt calendar")
    token_for(outsider, other_firm, name="Brandt billing export")
    gone = _token(token_for(attorney, firm, name="Retired script"))
    gone.revoked_at = gone.created_at
    gone.save()
    client = browser(firm_admin)
    page = client.get(
        reverse("tokens:firm_token_list", args=[firm.slug])
    ).content.decode()
    assert "Clio sync" in page and "Calendar bridge" in page
    assert "Owen Ortiz" in page and "Priya Nair" in page
    assert "Brandt" not in page and "Retired script" not in page
    assert "2 live tokens" in page

    url = reverse("tokens:firm_token_revoke", args=[firm.slug, _token(clio).public_id])
    assert "Owen Ortiz" in client.get(url).content.decode()
    done = client.post(url)

    assert done.status_code == 303
    assert Api(clio).get(_matters(firm)).status_code == 401
    event = AuditEvent.objects.get(org=firm, action="api_token.revoked")
    assert event.actor == firm_admin and "Clio sync" in event.summary
    assert "admin of Hale & Ortiz" in _token(clio).revoked_reason


def test_the_user_menu_links_to_the_api_tokens_page(browser, assistant):
    page = browser(assistant).get(reverse("today:today")).content.decode()
    assert f'href="{LIST}"' in page
