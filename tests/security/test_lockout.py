"""The sign-in lockout counts failures per account (and per account from one
address), never per address alone: five bad passwords for one person must not
lock out everyone behind the same office network or proxy (issue 16, item 9)."""

from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD

OFFICE = "203.0.113.7"


def _fail(client, email, times, **extra):
    for _ in range(times):
        client.post(
            reverse("accounts:login"),
            {"username": email, "password": "wrong-guess"},
            **extra,
        )


def _sign_in(client, email, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": PASSWORD}, **extra
    )


def test_a_locked_account_does_not_lock_a_colleague_at_the_same_address(
    client, firm_admin, attorney, settings
):
    _fail(client, firm_admin.email, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)
    assert _sign_in(client, firm_admin.email, REMOTE_ADDR=OFFICE).status_code == 429

    response = _sign_in(client, attorney.email, REMOTE_ADDR=OFFICE)

    assert response.status_code == 302
    assert client.get(reverse("today:today")).status_code == 200


def test_a_locked_account_stays_locked_from_another_address(
    client, firm_admin, settings
):
    _fail(client, firm_admin.email, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)

    response = _sign_in(client, firm_admin.email, REMOTE_ADDR="198.51.100.20")

    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content


def test_behind_the_documented_proxy_failures_are_recorded_at_the_visitors_address(
    client, firm_admin, settings
):
    settings.FIRMDESK_TRUST_X_FORWARDED_FOR = True
    # The proxy appends the address it saw; what the visitor wrote before it
    # is not to be trusted.
    forwarded = {
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_X_FORWARDED_FOR": "1.2.3.4, " + OFFICE,
    }

    _fail(client, firm_admin.email, 1, **forwarded)

    assert AccessAttempt.objects.get().ip_address == OFFICE


def test_without_the_proxy_setting_a_forwarded_header_is_ignored(client, firm_admin):
    _fail(
        client,
        firm_admin.email,
        1,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=OFFICE,
    )

    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
