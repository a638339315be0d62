"""A pilot through the pages: set up on the engagement form (its function,
dates and targets, with the model's messages on the right fields), followed
on the pilot page, evaluated and decided."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from firmdesk.engagements.models import Engagement
from firmdesk.insights.models import PilotEvaluation, WorkDay
from tests.insights import pilot_rows

START = datetime.date(2026, 3, 2)
DUE = datetime.date(2026, 5, 16)
# Noon in New York on 13 March 2026 (day 12 of the pilot).
DURING = datetime.datetime(2026, 3, 13, 16, 0, tzinfo=datetime.UTC)
AFTER = datetime.datetime(2026, 5, 18, 16, 0, tzinfo=datetime.UTC)


def engagement_post(provider, **changes) -> dict:
    data = {
        "provider": provider.pk,
        "name": "Scheduling pilot",
        "status": "pilot",
        "functions": ["scheduling", "documents"],
        "base_functions": ["scheduling"],
        "first_response_minutes": "30",
        "pricing_model": "hourly",
        "price": "30",
        "currency": "USD",
        "inhouse_hourly_cost": "50",
    }
    data.update(changes)
    return data


# --- The engagement form ---------------------------------------------------------


def create_pilot(client, firm, provider, **changes):
    """Post the new-engagement form for a pilot from 2 March to 16 May."""
    return client.post(
        reverse("engagements:engagement_new", args=[firm.slug]),
        engagement_post(
            provider, pilot_start="2026-03-02", pilot_evaluation="2026-05-16", **changes
        ),
    )


def test_a_pilot_without_function_dates_or_targets_says_what_to_fill_in(
    client, firm, firm_admin, provider
):
    client.force_login(firm_admin)
    response = client.post(
        reverse("engagements:engagement_new", args=[firm.slug]),
        engagement_post(provider, target_rework_percent=""),
    )
    body = response.content.decode()
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["pilot_function"] == ["Choose the function the pilot tries."]
    assert errors["pilot_start"] == ["Enter the day the pilot starts."]
    assert errors["target_on_time_percent"] == [
        "Set at least one target the pilot will be judged by."
    ]
    assert "Please fix the fields marked below; nothing you typed was lost." in body
    assert 'value="Scheduling pilot"' in body
    assert not Engagement.objects.for_firm(firm).exists()


def test_a_function_outside_the_scope_and_a_bad_target_keep_what_was_typed(
    client, firm, firm_admin, provider
):
    client.force_login(firm_admin)
    response = create_pilot(
        client,
        firm,
        provider,
        pilot_function="billing",
        target_on_time_percent="140",
        target_cost_per_task="18.50",
    )
    errors = response.context["form"].errors
    assert errors["target_on_time_percent"] == ["A percentage goes from 0 to 100."]
    body = response.content.decode()
    assert 'value="18.50"' in body and 'value="140"' in body
    assert 'value="2026-05-16"' in body

    response = create_pilot(
        client, firm, provider, pilot_function="billing", target_on_time_percent="90"
    )
    assert response.context["form"].errors["pilot_function"] == [
        "The pilot's function must be one of the engagement's functions."
    ]


def test_a_pilot_is_saved_with_its_targets_and_shown_again_on_edit(
    client, firm, firm_admin, provider
):
    client.force_login(firm_admin)
    response = create_pilot(
        client,
        firm,
        provider,
        pilot_function="scheduling",
        target_on_time_percent="90",
        target_cost_per_task="18.50",
    )
    assert response.status_code == 302
    pilot = Engagement.objects.for_firm(firm).get()
    assert pilot.pilot_function == "scheduling"
    assert pilot.pilot_targets == {"on_time_percent": 90, "cost_per_task": 18.5}

    edit = client.get(
        reverse("engagements:engagement_edit", args=[firm.slug, pilot.public_id])
    ).content.decode()
    assert 'name="target_on_time_percent" value="90"' in edit
    assert 'name="target_cost_per_task" value="18.5"' in edit

    detail = client.get(
        reverse("engagements:engagement_detail", args=[firm.slug, pilot.public_id])
    ).content.decode()
    assert "On-time completion, at least 90 %" in detail
    assert "Cost per task, at most $18.50" in detail
    assert reverse("insights:pilot_detail", args=[firm.slug, pilot.public_id]) in (
        detail
    )


# --- The pilot page ------------------------------------------------------------------


@pytest.fixture
def pilot(firm, provider, attorney):
    engagement = pilot_rows.pilot(
        firm, provider, start=START, firm_primary_contact=attorney
    )
    WorkDay.unscoped.create(
        firm=firm,
        engagement=engagement,
        day=datetime.date(2026, 3, 5),
        finished=10,
        finished_with_due=10,
        finished_on_time=10,
        reviewed=10,
        returned=1,
    )
    return engagement


def _page(client, firm, pilot):
    return client.get(
        reverse("insights:pilot_detail", args=[firm.slug, pilot.public_id])
    )


def test_before_the_date_the_page_shows_progress(client, firm, attorney, pilot):
    with time_machine.travel(DURING, tick=False):
        client.force_login(attorney)
        body = _page(client, firm, pilot).content.decode()
    assert "Progress so far: day 12 of 76" in body
    assert "If the pilot ended today: Go: make it a standing engagement." in body
    assert "Record an early evaluation" in body
    assert body.count("Met</span>") == 2


def test_before_the_start_the_page_lists_the_targets(client, firm, attorney, pilot):
    # 1 March: the day before the pilot starts, so there are no figures yet.
    with time_machine.travel(datetime.datetime(2026, 3, 1, 17, 0, tzinfo=datetime.UTC)):
        client.force_login(attorney)
        body = _page(client, firm, pilot).content.decode()
    assert "The pilot starts on" in body and "Progress so far" not in body
    assert "On-time completion, at least 90 %" in body
    assert "Rework rate, at most 10 %" in body


@pytest.fixture
def after_the_date():
    with time_machine.travel(AFTER, tick=False):
        yield


def test_on_the_date_an_attorney_records_the_evaluation_then_cannot_go_alone(
    client, firm, attorney, pilot, after_the_date
):
    client.force_login(attorney)
    body = _page(client, firm, pilot).content.decode()
    assert "Evaluation: " in body and "Record this evaluation" in body
    assert "Recommendation: Go: make it a standing engagement." in body

    response = client.post(
        reverse("insights:pilot_evaluate", args=[firm.slug, pilot.public_id])
    )

    assert response.status_code == 303
    evaluation = PilotEvaluation.objects.for_firm(firm).get()
    assert (evaluation.period_end, evaluation.recommendation) == (DUE, "go")
    decide = reverse(
        "insights:pilot_decide", args=[firm.slug, pilot.public_id, evaluation.public_id]
    )
    response = client.post(decide, {"decision": "go", "note": "It pays."})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Only a firm admin can make the pilot a standing engagement" in body
    assert "It pays." in body
    pilot.refresh_from_db()
    assert pilot.status == "pilot"


def test_a_firm_admin_decides_go_and_the_engagement_becomes_active(
    client, firm, firm_admin, pilot, after_the_date
):
    client.force_login(firm_admin)
    client.post(reverse("insights:pilot_evaluate", args=[firm.slug, pilot.public_id]))
    evaluation = PilotEvaluation.objects.for_firm(firm).get()
    assert "Record the decision" in _page(client, firm, pilot).content.decode()

    response = client.post(
        reverse(
            "insights:pilot_decide",
            args=[firm.slug, pilot.public_id, evaluation.public_id],
        ),
        {"decision": "go", "note": "It pays."},
    )

    assert response.status_code == 303
    pilot.refresh_from_db()
    assert pilot.status == "active"
    page = _page(client, firm, pilot).content.decode()
    assert "Record the decision" not in page
    assert "Go: make it a standing engagement" in page and "It pays." in page


def test_an_engagement_that_never_was_a_pilot_has_no_pilot_page(
    client, firm, attorney, engagement
):
    client.force_login(attorney)
    assert _page(client, firm, engagement).status_code == 404


def test_the_pilot_list_shows_each_pilot_and_its_date(client, firm, attorney, pilot):
    url = reverse("insights:pilot_list", args=[firm.slug])
    with time_machine.travel(DURING, tick=False):
        client.force_login(attorney)
        body = client.get(url).content.decode()
    assert escape("Scheduling pilot") in body
    assert "in 64 days" in body
    assert "None recorded" in body


def test_the_pilot_list_says_how_to_start_one(client, firm, attorney):
    client.force_login(attorney)
    body = client.get(reverse("insights:pilot_list", args=[firm.slug])).content
    assert b"No pilot yet" in body
    # The engagement form is a firm admin's: an attorney is not sent to a 404.
    assert b"a firm admin engages it" in body


def test_today_links_a_firm_admin_to_the_pilot(client, firm, firm_admin, pilot):
    client.force_login(firm_admin)
    body = client.get(reverse("today:firm_today", args=[firm.slug])).content.decode()
    assert reverse("insights:pilot_detail", args=[firm.slug, pilot.public_id]) in body


def test_only_a_firm_admin_is_offered_the_engagement_form(client, firm, firm_admin):
    url = reverse("insights:pilot_list", args=[firm.slug])
    new = reverse("engagements:engagement_new", args=[firm.slug])
    client.force_login(firm_admin)
    assert new in client.get(url).content.decode()
