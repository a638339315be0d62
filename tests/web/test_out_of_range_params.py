"""A date, week or slot written beyond what the calendar can hold answers a
page or a 404, never a server error: ``?week=9999-W52`` used to crash the
engagement's weekly review (issue 16, item 9)."""

import pytest
from django.urls import reverse

FAR_DAYS = ["9999-12-31", "0001-01-01", "2199-12-31", "1900-01-01"]


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "9999-W01", "0001-W52"])
def test_a_week_beyond_the_calendar_answers_404(
    client, firm, firm_admin, engagement, week
):
    client.force_login(firm_admin)
    url = reverse(
        "engagements:engagement_weekly", args=[firm.slug, engagement.public_id]
    )

    assert client.get(url, {"week": week}).status_code == 404


def test_an_unreadable_week_shows_this_week(client, firm, firm_admin, engagement):
    client.force_login(firm_admin)
    url = reverse(
        "engagements:engagement_weekly", args=[firm.slug, engagement.public_id]
    )

    assert client.get(url, {"week": "2026-W99"}).status_code == 200


@pytest.mark.parametrize("view", ["agenda", "day", "week", "month"])
@pytest.mark.parametrize("day", FAR_DAYS)
def test_the_calendar_never_fails_on_a_far_date(client, firm, attorney, view, day):
    client.force_login(attorney)
    url = reverse("scheduling:calendar", args=[firm.slug])

    response = client.get(url, {"view": view, "date": day})

    assert response.status_code == 200


@pytest.mark.parametrize("name", ["scheduling:event_new", "scheduling:deadline_new"])
@pytest.mark.parametrize("day", FAR_DAYS)
def test_new_event_and_deadline_pages_never_fail_on_a_far_date(
    client, firm, attorney, name, day
):
    client.force_login(attorney)

    assert client.get(reverse(name, args=[firm.slug]), {"date": day}).status_code == 200


@pytest.mark.parametrize("at", ["99991231T2359Z", "00010101T0000Z"])
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_booking_page_never_fails_on_a_far_slot(client, firm, attorney, at, zone):
    url = reverse("public_intake:public_booking", args=[firm.slug])

    response = client.get(url, {"at": at, "tz": zone, "with": attorney.public_id})

    assert response.status_code == 200
