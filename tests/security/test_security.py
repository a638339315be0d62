from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def test_pages_carry_a_strict_content_security_policy(client, firm_admin):
    client.force_login(firm_admin)
    response = client.get(reverse("today:today"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_login_page_has_no_inline_script_or_style(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "<script>" not in body and "<style" not in body and " style=" not in body


def test_anonymous_visitor_is_sent_to_sign_in(client, firm, matter):
    response = client.get(
        reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_sign_in_with_email_and_password(client, firm_admin):
    response = client.post(
        reverse("accounts:login"), {"username": "admin@hale.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("today:today")).status_code == 200


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, firm_admin, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("accounts:login"),
            {"username": firm_admin.email, "password": "wrong-guess"},
        )
    response = client.post(
        reverse("accounts:login"), {"username": firm_admin.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert client.get(reverse("today:today")).status_code == 302


def test_wrong_password_says_what_to_do_and_keeps_the_email(client, firm_admin):
    response = client.post(
        reverse("accounts:login"), {"username": firm_admin.email, "password": "nope"}
    )
    body = response.content.decode()
    assert "Check both and try again" in body
    assert f'value="{firm_admin.email}"' in body


def test_provider_staff_must_set_up_two_factor(client, firm, assistant):
    client.force_login(assistant)
    response = client.get(reverse("today:firm_today", args=[firm.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))
    page = client.get(response.url).content.decode()
    assert "Set up two-factor sign-in" in page and "<svg" in page


def test_correct_code_confirms_the_device_and_opens_the_firm(client, firm, assistant):
    client.force_login(assistant)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=assistant)
    wrong = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert "did not match" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    token = f"{TOTP(device.bin_key).token():06d}"
    response = client.post(
        reverse("accounts:two_factor") + f"?next=/f/{firm.slug}/", {"token": token}
    )
    # The first code accepted shows the recovery codes, then goes on.
    assert "Print or save these recovery codes" in response.content.decode()
    assert f'href="/f/{firm.slug}/"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(f"/f/{firm.slug}/").status_code == 200


def test_two_factor_never_redirects_off_site(client, assistant):
    client.force_login(assistant)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=assistant)
    token = f"{TOTP(device.bin_key).token():06d}"
    response = client.post(
        reverse("accounts:two_factor") + "?next=https://evil.example/", {"token": token}
    )
    # The recovery codes page goes on where the work is, never off site.
    body = response.content.decode()
    assert "evil.example" not in body
    assert f'href="{reverse("today:home")}"' in body


def test_firm_users_skip_two_factor_unless_the_firm_requires_it(client, firm, attorney):
    client.force_login(attorney)
    assert client.get(reverse("today:firm_today", args=[firm.slug])).status_code == 200
    firm.require_two_factor = True
    firm.save()
    client.logout()
    client.force_login(attorney)
    response = client.get(reverse("today:firm_today", args=[firm.slug]))
    assert (
        response.status_code == 302 and reverse("accounts:two_factor") in response.url
    )


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
