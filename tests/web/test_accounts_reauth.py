"""Confirming who you are again before a sensitive action (``@sensitive``,
page accounts:confirm)."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from firmdesk.audit.models import AuditEvent
from firmdesk.web.accounts import reauth, services
from tests.factories import PASSWORD, sign_in

pytestmark = pytest.mark.urls("tests.web.urls_accounts_sensitive")

EXPORT = "/test-export/"


def unconfirmed(client):
    session = client.session
    session.pop(reauth.SESSION_KEY, None)
    session.save()
    return client


def hidden_fields(body: str) -> dict:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
    return {k: v for k, v in found if k != "csrfmiddlewaretoken"}


def test_signing_in_counts_as_confirming(attorney):
    client = Client()
    client.post(
        reverse("accounts:login"), {"username": attorney.email, "password": PASSWORD}
    )
    assert client.get(EXPORT).content == b"the export page"


def test_a_get_goes_to_the_confirm_page_and_back(attorney, firm):
    client = unconfirmed(sign_in(Client(), attorney))
    response = client.get(EXPORT + "?year=2026")
    assert response.status_code == 302
    confirm_url = response.url
    next_query = "?next=%2Ftest-export%2F%3Fyear%3D2026"
    assert confirm_url == reverse("accounts:confirm") + next_query
    page = client.get(confirm_url).content.decode()
    assert "Confirm it is you" in page and "Your password" in page
    # sign_in gives the person an authenticator: the code is asked for too.
    assert "authenticator app" in page
    device = services.authenticator_of(attorney)
    back = client.post(
        confirm_url,
        {"password": PASSWORD, "token": f"{TOTP(device.bin_key).token():06d}"},
    )
    assert back.status_code == 302 and back.url == "/test-export/?year=2026"
    assert client.get(back.url).content == b"the export page"
    assert AuditEvent.objects.filter(org=firm, action="account.confirmed").exists()


def test_the_confirmation_lasts_ten_minutes(attorney, settings):
    client = sign_in(Client(), attorney)
    session = client.session
    window = settings.FIRMDESK_REAUTH_MINUTES * 60
    session[reauth.SESSION_KEY] = int(time.time()) - window + 5
    session.save()
    assert client.get(EXPORT).content == b"the export page"
    session[reauth.SESSION_KEY] = int(time.time()) - window - 1
    session.save()
    assert client.get(EXPORT).status_code == 302


def test_a_wrong_password_says_what_to_do(attorney):
    client = unconfirmed(sign_in(Client(), attorney))
    device = services.authenticator_of(attorney)
    response = client.post(
        reverse("accounts:confirm") + "?next=/test-export/",
        {"password": "not it", "token": f"{TOTP(device.bin_key).token():06d}"},
    )
    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    assert client.get(EXPORT).status_code == 302


def test_the_code_is_required_when_the_person_has_an_authenticator(attorney):
    client = unconfirmed(sign_in(Client(), attorney))
    url = reverse("accounts:confirm") + "?next=/test-export/"
    response = client.post(url, {"password": PASSWORD})
    assert "Fill in" in response.content.decode()
    assert client.get(EXPORT).status_code == 302
    wrong = client.post(url, {"password": PASSWORD, "token": "000000"})
    assert "did not match" in wrong.content.decode()


def test_without_an_authenticator_the_password_alone_confirms(attorney):
    client = Client()
    client.force_login(attorney)
    unconfirmed(client)
    page = client.get(reverse("accounts:confirm")).content.decode()
    assert "authenticator" not in page
    response = client.post(
        reverse("accounts:confirm") + "?next=/test-export/", {"password": PASSWORD}
    )
    assert response.url == "/test-export/"


def test_a_recovery_code_is_accepted_in_place_of_the_app_code(attorney):
    client = unconfirmed(sign_in(Client(), attorney))
    codes = services.recovery_codes_create(user=attorney)
    url = reverse("accounts:confirm") + "?next=/test-export/"
    response = client.post(url, {"password": PASSWORD, "token": codes[0]})
    assert response.status_code == 302 and response.url == "/test-export/"
    assert StaticToken.objects.filter(device__user=attorney).count() == 9
    # Spent: a second confirmation cannot use it again.
    unconfirmed(client)
    again = client.post(url, {"password": PASSWORD, "token": codes[0]})
    assert "did not work" in again.content.decode()


def test_a_wrong_password_does_not_spend_a_recovery_code(attorney):
    client = unconfirmed(sign_in(Client(), attorney))
    codes = services.recovery_codes_create(user=attorney)
    client.post(reverse("accounts:confirm"), {"password": "not it", "token": codes[0]})
    assert StaticToken.objects.filter(device__user=attorney).count() == 10


def test_a_stale_post_keeps_what_was_typed_and_sends_it_on(attorney):
    client = unconfirmed(sign_in(Client(), attorney))
    response = client.post(EXPORT, {"note": "Q3 <all>", "matter": "M-1"})
    body = response.content.decode()
    assert response.status_code == 200 and "What you entered" in body
    carried = hidden_fields(body)
    assert carried["note"] == "Q3 &lt;all&gt;" and carried["matter"] == "M-1"
    assert "password" not in carried
    device = services.authenticator_of(attorney)
    confirmed = client.post(
        EXPORT,
        {
            "note": "Q3 <all>",
            "matter": "M-1",
            "_confirm": "1",
            "password": PASSWORD,
            "token": f"{TOTP(device.bin_key).token():06d}",
        },
    )
    page = confirmed.content.decode()
    assert "Continue" in page
    fields = hidden_fields(page)
    assert fields == {"note": "Q3 &lt;all&gt;", "matter": "M-1"}
    done = client.post(EXPORT, {"note": "Q3 <all>", "matter": "M-1"})
    assert done.content == b"exported matter=M-1,note=Q3 <all>"


def test_a_stale_post_with_a_wrong_password_keeps_the_fields_and_says_so(attorney):
    client = unconfirmed(sign_in(Client(), attorney))
    response = client.post(
        EXPORT, {"note": "keep me", "_confirm": "1", "password": "nope", "token": "1"}
    )
    body = response.content.decode()
    assert "That is not your password" in body
    assert hidden_fields(body)["note"] == "keep me"


def test_anonymous_visitors_meet_the_sign_in_page(client):
    response = client.get(EXPORT)
    assert response.status_code == 302 and response.url.startswith("/login/")
