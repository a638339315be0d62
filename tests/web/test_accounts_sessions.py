"""Sessions (issue 20): the idle and absolute timeouts, "where you are signed
in", signing out elsewhere, and two-factor decided on every request."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.orgs.models import UserSession
from tests import factories as f
from tests.factories import sign_in

MINUTE = datetime.timedelta(minutes=1)
START = datetime.datetime(2026, 11, 17, 14, 0, tzinfo=datetime.UTC)


def text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def firm_page(firm):
    return reverse("today:firm_today", args=[firm.slug])


# --- Idle and absolute timeouts -------------------------------------------------


def test_thirty_minutes_without_activity_sign_the_person_out(clock, firm, attorney):
    client = sign_in(Client(), attorney)
    assert client.get(firm_page(firm)).status_code == 200
    clock.move_to(START + 29 * MINUTE)
    assert client.get(firm_page(firm)).status_code == 200
    clock.move_to(START + 59 * MINUTE)
    response = client.get(firm_page(firm))
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next=%2Ff%2F{firm.slug}%2F"
    page = text(client.get(response.url))
    assert "signed out after 30 minutes without activity" in page
    assert "Sign in to FirmDesk" in page
    assert client.get(firm_page(firm)).status_code == 302  # still signed out
    row = UserSession.objects.get(user=attorney)
    assert row.ended_reason == "Signed out after 30 minutes without activity"


def test_htmx_requests_count_as_activity(clock, firm, attorney):
    client = sign_in(Client(), attorney)
    client.get(firm_page(firm))
    for minutes in (20, 40, 60):
        clock.move_to(START + minutes * MINUTE)
        response = client.get(firm_page(firm), HTTP_HX_REQUEST="true")
        assert response.status_code == 200, minutes
    clock.move_to(START + 95 * MINUTE)
    response = client.get(firm_page(firm), HTTP_HX_REQUEST="true")
    # htmx follows HX-Redirect to the sign-in page with the whole window.
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_the_idle_limit_is_a_setting(clock, settings, firm, attorney):
    settings.FIRMDESK_IDLE_MINUTES = 10
    client = sign_in(Client(), attorney)
    client.get(firm_page(firm))
    clock.move_to(START + 11 * MINUTE)
    response = client.get(firm_page(firm), follow=True)
    assert "signed out after 10 minutes without activity" in text(response)


def test_eight_hours_after_signing_in_the_person_signs_in_again(clock, firm, attorney):
    client = sign_in(Client(), attorney)
    for minutes in range(0, 8 * 60, 20):
        clock.move_to(START + minutes * MINUTE)
        assert client.get(firm_page(firm)).status_code == 200, minutes
    clock.move_to(START + 8 * 60 * MINUTE)
    response = client.get(firm_page(firm), follow=True)
    assert "signed out 8 hours after signing in" in text(response)
    row = UserSession.objects.get(user=attorney)
    assert row.ended_reason == "Signed out after 8 hours"


def test_last_seen_is_written_at_most_once_a_minute(clock, firm, attorney):
    client = sign_in(Client(), attorney)
    client.get(firm_page(firm))
    row = UserSession.objects.get(user=attorney)
    assert row.last_seen_at == START
    clock.move_to(START + datetime.timedelta(seconds=40))
    client.get(firm_page(firm))
    row.refresh_from_db()
    assert row.last_seen_at == START
    clock.move_to(START + datetime.timedelta(seconds=70))
    client.get(firm_page(firm))
    row.refresh_from_db()
    assert row.last_seen_at == START + datetime.timedelta(seconds=70)


# --- Two-factor, decided on every request ---------------------------------------


def test_a_firm_turning_on_two_factor_reaches_people_on_their_next_request(
    firm, attorney
):
    client = Client()
    client.force_login(attorney)
    assert client.get(firm_page(firm)).status_code == 200
    firm.require_two_factor = True
    firm.save()
    response = client.get(firm_page(firm))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


def test_no_session_flag_skips_the_second_factor(firm, attorney, assistant):
    firm.require_two_factor = True
    firm.save()
    for person in (attorney, assistant):
        client = Client()
        client.force_login(person)
        session = client.session
        # What the old middleware stored: "not required".
        session["two_factor_required"] = False
        session["firmdesk_two_factor_required"] = False
        session.save()
        response = client.get(firm_page(firm))
        assert response.status_code == 302, person
        assert response.url.startswith(reverse("accounts:two_factor"))


def test_someone_with_an_authenticator_is_asked_for_it_even_if_not_required(
    firm, attorney
):
    sign_in(Client(), attorney)  # sets up a confirmed authenticator
    client = Client()
    client.force_login(attorney)
    response = client.get(firm_page(firm))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor"))


# --- Where you are signed in ----------------------------------------------------


def password_sign_in(client, user):
    client.post(
        reverse("accounts:login"), {"username": user.email, "password": f.PASSWORD}
    )
    return client


def test_the_sessions_page_lists_the_persons_own_browsers(firm, attorney, firm_admin):
    password_sign_in(Client(HTTP_USER_AGENT="Firefox on the office laptop"), attorney)
    phone = password_sign_in(Client(HTTP_USER_AGENT="Safari on an iPhone"), attorney)
    password_sign_in(Client(HTTP_USER_AGENT="Edge of the firm admin"), firm_admin)
    page = text(phone.get(reverse("accounts:sessions")))
    assert "Where you are signed in" in page
    assert "Firefox on the office laptop" in page and "Safari on an iPhone" in page
    assert "Edge of the firm admin" not in page
    assert page.count("This browser") == 1
    assert "127.0.0.1" in page


def test_signing_out_of_all_other_sessions(firm, attorney):
    laptop = sign_in(Client(), attorney)
    phone = sign_in(Client(), attorney)
    response = phone.post(reverse("accounts:sessions_end_others"))
    assert response.status_code == 303
    assert "Signed out of 1 other session" in text(phone.get(response.url))
    assert laptop.get(firm_page(firm)).status_code == 302
    assert phone.get(firm_page(firm)).status_code == 200
    assert UserSession.objects.filter(user=attorney, ended_at=None).count() == 1
    assert AuditEvent.objects.filter(org=firm, action="account.sessions_ended").exists()


def test_a_firm_admin_signs_a_member_out_everywhere(firm, firm_admin, attorney):
    laptop = sign_in(Client(), attorney)
    admin = sign_in(Client(), firm_admin)
    people = text(admin.get(reverse("engagements:people", args=[firm.slug])))
    assert "Sign out everywhere" in people
    url = reverse("accounts:member_sign_out", args=[firm.slug, attorney.public_id])
    assert "Sign Owen Ortiz out everywhere?" in text(admin.get(url))
    response = admin.post(url)
    assert response.status_code == 303
    assert "Owen Ortiz is signed out everywhere" in text(admin.get(response.url))
    assert laptop.get(firm_page(firm)).status_code == 302
    event = AuditEvent.objects.get(org=firm, action="account.signed_out_everywhere")
    assert event.actor == firm_admin and "Owen Ortiz" in event.summary


def test_provider_staff_are_not_signed_out_by_a_firm_admin(firm, firm_admin, assistant):
    staff = sign_in(Client(), assistant)
    admin = sign_in(Client(), firm_admin)
    url = reverse("accounts:member_sign_out", args=[firm.slug, assistant.public_id])
    assert admin.post(url).status_code == 404
    assert staff.get(firm_page(firm)).status_code == 200


# --- Changing the password ------------------------------------------------------


def test_the_change_password_page_shows_the_rule(attorney):
    client = sign_in(Client(), attorney)
    page = text(client.get(reverse("accounts:password_change")))
    assert "at least 12 characters" in page
    assert "at most 128 characters" in page
    assert "commonly used password" in page and "entirely numeric" in page


@pytest.mark.parametrize(
    ("new", "says"),
    [
        ("short pass", "at least 12 characters"),
        ("x" * 129 + "1", "too long"),
        ("123456789012345", "entirely numeric"),
        ("password1234", "too common"),
    ],
)
def test_a_password_that_breaks_the_rule_is_refused(attorney, new, says):
    client = sign_in(Client(), attorney)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": f.PASSWORD,
            "new_password1": new,
            "new_password2": new,
        },
    )
    assert response.status_code == 200 and says in text(response)
    attorney.refresh_from_db()
    assert attorney.check_password(f.PASSWORD)


def test_changing_the_password_signs_out_every_other_browser(firm, attorney):
    laptop = sign_in(Client(), attorney)
    phone = sign_in(Client(), attorney)
    new = "quiet harbour lantern seventeen"
    response = phone.post(
        reverse("accounts:password_change"),
        {"old_password": f.PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 303
    assert "Your password is changed" in text(phone.get(response.url))
    assert phone.get(firm_page(firm)).status_code == 200
    assert laptop.get(firm_page(firm)).status_code == 302
    attorney.refresh_from_db()
    assert attorney.check_password(new)
    (open_row,) = UserSession.objects.filter(user=attorney, ended_at=None)
    assert open_row.session_key == phone.session.session_key
    changed = AuditEvent.objects.filter(org=firm, action="account.password_changed")
    assert changed.exists()


def test_a_wrong_current_password_changes_nothing(attorney):
    client = sign_in(Client(), attorney)
    new = "quiet harbour lantern seventeen"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not it", "new_password1": new, "new_password2": new},
    )
    assert "Your old password was entered incorrectly" in text(response)
    attorney.refresh_from_db()
    assert attorney.check_password(f.PASSWORD)
