"""Recovery codes for two-factor sign-in (issue 20, Done means 4): a provider
user who lost the phone signs in with a recovery code, once per code, and the
firm admin sees it in the audit trail."""

import re
import time
from urllib.parse import unquote

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_verify
from firmdesk.web.accounts import reauth
from tests.factories import PASSWORD, sign_in
from tests.web.test_public_intake import run_jobs

CODE = re.compile(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>")


def password_sign_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def set_up_authenticator(client, user) -> tuple[TOTPDevice, list[str]]:
    """Go through the set-up page as a person does: scan, type the code, and
    read the recovery codes off the page that follows."""
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(
        reverse("accounts:two_factor"), {"token": f"{TOTP(device.bin_key).token():06d}"}
    )
    codes = CODE.findall(response.content.decode())
    return device, codes


@pytest.fixture
def assistant_with_codes(assistant):
    client = password_sign_in(Client(), assistant)
    _, codes = set_up_authenticator(client, assistant)
    client.post(reverse("accounts:logout"))
    return assistant, codes


def wait_out_the_throttle(user) -> None:
    """A wrong code makes the next try wait a second (django-otp's
    throttling); a person takes longer than that to type the next one."""
    StaticDevice.objects.filter(user=user).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def firm_page(firm):
    return reverse("today:firm_today", args=[firm.slug])


def test_setting_up_the_app_shows_ten_codes_once_with_a_text_file(client, assistant):
    password_sign_in(client, assistant)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=assistant)
    response = client.post(
        reverse("accounts:two_factor"), {"token": f"{TOTP(device.bin_key).token():06d}"}
    )
    body = response.content.decode()
    codes = CODE.findall(body)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Print or save these recovery codes" in body
    assert "only time FirmDesk shows" in body
    assert response["Cache-Control"] == "no-store"
    href = re.search(r'href="data:text/plain;charset=utf-8,([^"]+)"', body).group(1)
    text = unquote(href)
    assert all(code in text for code in codes) and assistant.email in text
    # Never again: the codes page says how many are left, not which.
    later = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert "10" in later and not any(code in later for code in codes)


def test_the_authenticator_uri_is_django_otps_with_the_firmdesk_issuer(
    client, assistant
):
    password_sign_in(client, assistant)
    body = client.get(reverse("accounts:two_factor")).content.decode()
    device = TOTPDevice.objects.get(user=assistant)
    uri = device.config_url
    assert uri.startswith("otpauth://totp/FirmDesk%3Aassistant%40northstar.test?")
    assert "issuer=FirmDesk" in uri
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', body).group(1)
    assert f"secret={secret}" in uri


def test_a_provider_user_who_lost_the_phone_signs_in_with_each_code_once(
    firm, other_firm, provider, firm_admin, assistant_with_codes
):
    assistant, codes = assistant_with_codes
    first, second = codes[0], codes[1]

    phone_lost = password_sign_in(Client(), assistant)
    response = phone_lost.get(firm_page(firm))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
    page = phone_lost.get(response.url).content.decode()
    assert "Use a recovery code instead" in page
    recovery = reverse("accounts:two_factor_recovery") + f"?next={firm_page(firm)}"
    response = phone_lost.post(recovery, {"code": first.upper().replace("-", " ")})
    assert response.status_code == 302 and response.url == firm_page(firm)
    assert phone_lost.get(firm_page(firm)).status_code == 200

    # The same code again, on another day: refused, and nothing opens.
    again = password_sign_in(Client(), assistant)
    response = again.post(recovery, {"code": first})
    body = response.content.decode()
    assert response.status_code == 200
    assert "used already" in body and "each code works once" in body
    assert again.get(firm_page(firm)).status_code == 302
    # Another code works, once.
    wait_out_the_throttle(assistant)
    assert again.post(recovery, {"code": second}).status_code == 302
    assert again.get(firm_page(firm)).status_code == 200

    # The firm admin sees it in the firm's audit trail.
    sign_in(admin := Client(), firm_admin)
    trail = admin.get(reverse("audit:audit_log", args=[firm.slug])).content.decode()
    assert trail.count("signed in with a recovery code") == 2
    assert "9 codes left" in trail and "8 codes left" in trail
    # ... as do the provider and the other firm the assistant serves, and the
    # chain stays whole.
    for org in (firm, other_firm, provider):
        used = AuditEvent.objects.filter(org=org, action="account.recovery_code_used")
        assert used.count() == 2
        assert audit_verify(org=org).ok


def test_using_a_code_tells_the_person_by_e_mail(
    assistant_with_codes, firm, django_capture_on_commit_callbacks
):
    assistant, codes = assistant_with_codes
    client = password_sign_in(Client(), assistant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:two_factor_recovery"), {"code": codes[3]})
    run_jobs()
    (message,) = [m for m in mail.outbox if m.to == [assistant.email]]
    assert "recovery code was used" in message.subject
    assert "9 codes left" in message.body and "If this was not you" in message.body


def test_with_two_codes_left_the_page_says_to_make_new_ones(assistant_with_codes):
    assistant, codes = assistant_with_codes
    client = password_sign_in(Client(), assistant)
    for code in codes[:7]:
        StaticToken.objects.filter(token=code.replace("-", "")).delete()
    response = client.post(
        reverse("accounts:two_factor_recovery"), {"code": codes[7]}, follow=True
    )
    body = response.content.decode()
    assert "You have 2 recovery codes left" in body and "Make new ones" in body
    page = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert "Make new ones now" in page


def test_making_new_codes_asks_for_the_password_and_stops_the_old_ones(
    assistant_with_codes, firm
):
    assistant, old = assistant_with_codes
    client = sign_in(Client(), assistant)
    session = client.session
    session.pop(reauth.SESSION_KEY, None)
    session.save()
    regenerate = reverse("accounts:recovery_codes_regenerate")
    stale = client.post(regenerate)
    assert "Confirm it is you" in stale.content.decode()
    assert StaticToken.objects.filter(device__user=assistant).count() == 10
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time())
    session.save()
    body = client.post(regenerate).content.decode()
    new = CODE.findall(body)
    assert len(new) == 10 and not set(new) & set(old)
    assert "Your earlier codes no longer work" in body
    assert AuditEvent.objects.filter(
        org=firm, action="account.recovery_codes_regenerated"
    ).exists()
    lost = password_sign_in(Client(), assistant)
    refused = lost.post(reverse("accounts:two_factor_recovery"), {"code": old[0]})
    assert "did not work" in refused.content.decode()
    wait_out_the_throttle(assistant)
    assert (
        lost.post(reverse("accounts:two_factor_recovery"), {"code": new[0]}).status_code
        == 302
    )


def test_someone_else_cannot_spend_a_persons_code(assistant_with_codes, attorney):
    _, codes = assistant_with_codes
    client = password_sign_in(Client(), attorney)
    set_up_authenticator(client, attorney)
    other = password_sign_in(Client(), attorney)
    response = other.post(reverse("accounts:two_factor_recovery"), {"code": codes[0]})
    assert "did not work" in response.content.decode()
    assert StaticToken.objects.filter(token=codes[0].replace("-", "")).exists()


def test_several_wrong_codes_in_a_row_ask_the_person_to_wait(assistant_with_codes):
    assistant, codes = assistant_with_codes
    client = password_sign_in(Client(), assistant)
    recovery = reverse("accounts:two_factor_recovery")
    client.post(recovery, {"code": "aaaa-aaaa"})
    response = client.post(recovery, {"code": codes[0]})
    assert "Wait a few seconds" in response.content.decode()
    assert client.get(reverse("accounts:sessions")).status_code == 302
    # The right code was not spent by the refused try.
    wait_out_the_throttle(assistant)
    assert client.post(recovery, {"code": codes[0]}).status_code == 302


def test_someone_who_set_up_the_app_before_recovery_codes_is_told_to_make_them(
    assistant,
):
    # An authenticator from before issue 20: confirmed, and no recovery codes.
    device = TOTPDevice.objects.create(user=assistant, name="Phone", confirmed=True)
    client = password_sign_in(Client(), assistant)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "not made any recovery codes yet" in page
    assert "no recovery codes left" not in page
    signed_in = client.post(
        reverse("accounts:two_factor"),
        {"token": f"{TOTP(device.bin_key).token():06d}"},
        follow=True,
    )
    assert "You have no recovery codes yet" in signed_in.content.decode()
