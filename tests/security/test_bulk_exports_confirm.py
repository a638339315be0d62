"""Bulk exports of client data ask for the password again (issue 20, Build 7):
a firm admin whose confirmation has lapsed meets the confirm page, and after
typing the password gets the file at the address they asked for."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.web.accounts import reauth
from tests.factories import PASSWORD, sign_in

EXPORTS = ["matters:contact_export", "billing:receivables_csv"]


def unconfirmed_admin(firm_admin) -> Client:
    client = sign_in(Client(), firm_admin)
    session = client.session
    session.pop(reauth.SESSION_KEY, None)
    session.save()
    return client


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_asks_for_the_password_first_then_sends_the_file(
    name, firm, firm_admin
):
    client = unconfirmed_admin(firm_admin)
    url = reverse(name, kwargs={"firm_slug": firm.slug})
    asked = client.get(url)
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("accounts:confirm"))
    confirm_page = client.get(asked["Location"])
    assert "Confirm it is you" in confirm_page.content.decode()
    # The admin has an authenticator (sign_in gives one): the code is asked too.
    device = TOTPDevice.objects.get(user=firm_admin)
    back = client.post(
        asked["Location"],
        {"password": PASSWORD, "token": f"{TOTP(device.bin_key).token():06d}"},
    )
    assert back.status_code == 302 and back["Location"] == url
    sent = client.get(url)
    assert sent.status_code == 200
    assert sent["Content-Type"].startswith("text/csv")
