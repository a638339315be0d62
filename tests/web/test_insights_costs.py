"""Cost comparison pages: the form with the result beside it, messages that
say what to fix, the list, and making a comparison an engagement's in-house
baseline."""

import dataclasses
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from firmdesk.engagements.models import Engagement
from firmdesk.insights.models import CostComparison
from tests import factories as f
from tests.insights.planning import EXAMPLE

D = Decimal


def url(name, firm, *args):
    return reverse(f"insights:{name}", args=[firm.slug, *args])


def post_data(**changes):
    """The worked example of docs/insights-planning.md."""
    data = {
        "title": "Scheduling",
        "function": "scheduling",
        "hours_per_year": "1880",
        "tasks_per_year": "3000",
        "salary": "60970",
        "benefits_percent": "30",
        "office_space": "6000",
        "equipment": "2500",
        "recruiting": "4000",
        "training": "3000",
        "turnover_percent": "25",
        "pricing": "hourly",
        "hourly_rate": "35",
        "per_task_fee": "",
        "monthly_fee": "",
        "action": "save",
    }
    data.update(changes)
    return data


@pytest.fixture
def signed_in(client, attorney):
    return f.sign_in(client, attorney)


@pytest.fixture
def comparison(firm):
    return CostComparison.unscoped.create(
        firm=firm, title="Scheduling", **dataclasses.asdict(EXAMPLE)
    )


def test_a_new_comparison_starts_from_the_cited_figures(signed_in, firm):
    page = signed_in.get(url("cost_create", firm)).content.decode()
    assert 'name="salary" value="60970.00"' in page
    assert 'name="benefits_percent" value="30.00"' in page
    assert 'name="hours_per_year" value="1880"' in page
    assert "press “Work it out” to see the result" in page


def test_work_it_out_shows_the_result_without_saving(signed_in, firm):
    page = signed_in.post(
        url("cost_create", firm), post_data(action="preview")
    ).content.decode()
    assert "not saved yet" in page
    assert "Outsourcing saves $23,711.00 a year." in page
    assert "$89,511.00" in page and "$65,800.00" in page
    assert "$47.61" in page and "$29.84" in page
    assert "At 2,557.5 hours a year both cost $89,511.00" in page
    assert not CostComparison.objects.for_firm(firm).exists()


def test_saving_leads_to_the_comparison_with_its_result_beside_it(signed_in, firm):
    response = signed_in.post(url("cost_create", firm), post_data())
    assert response.status_code == 303
    made = CostComparison.objects.for_firm(firm).get()
    assert made.salary == D("60970.00") and made.turnover_percent == D("25.00")
    page = signed_in.get(response.url).content.decode()
    assert "“Scheduling” saved." in page
    assert "Outsourcing saves $23,711.00 a year." in page
    assert "not saved yet" not in page


def test_bad_figures_keep_what_was_typed_and_say_what_to_fix(signed_in, firm):
    page = signed_in.post(
        url("cost_create", firm),
        post_data(
            salary="-5000", benefits_percent="130", hourly_rate="", office_space="lots"
        ),
    ).content.decode()
    assert "The salary cannot be negative." in page
    assert "Give benefits as a share from 0 to 100 %." in page
    assert "Give the hourly rate the provider charges, or choose another way" in page
    assert "Give a number in figures, such as 1880 or 1880.5." in page
    assert "nothing you typed was lost" in page
    assert 'value="-5000"' in page and 'value="lots"' in page
    assert "Fix the fields marked on the left to see the result." in page
    assert not CostComparison.objects.for_firm(firm).exists()


def test_no_hours_shows_no_data_per_hour_instead_of_failing(signed_in, firm):
    response = signed_in.post(
        url("cost_create", firm),
        post_data(
            hours_per_year="0", pricing="monthly", monthly_fee="5000", action="preview"
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<span class="text-body-secondary">no data</span>') == 2
    assert "No hours a year given: the costs per hour show no data." in page


def test_editing_saves_and_the_list_shows_every_comparison(
    signed_in, firm, comparison, django_assert_max_num_queries
):
    edit = url("cost_edit", firm, comparison.public_id)
    assert signed_in.post(edit, post_data(hourly_rate="40")).status_code == 303
    comparison.refresh_from_db()
    assert comparison.hourly_rate == D("40.00")
    with django_assert_max_num_queries(10):
        page = signed_in.get(url("cost_list", firm)).content.decode()
    # 89,511 − 40 × 1,880 = 14,311; break-even 89,511 / 40 = 2,237.8 hours.
    assert "$14,311.00" in page and "2,237.8 hours" in page


def test_an_empty_list_says_what_to_do_next(signed_in, firm):
    page = signed_in.get(url("cost_list", firm)).content.decode()
    assert "No cost comparisons yet — make one" in page


def test_deleting_asks_first(signed_in, firm, comparison):
    delete = url("cost_delete", firm, comparison.public_id)
    assert "Delete the cost comparison “Scheduling”?" in (
        signed_in.get(delete).content.decode()
    )
    assert signed_in.post(delete).status_code == 303
    assert not CostComparison.objects.for_firm(firm).exists()


# --- The in-house baseline ---------------------------------------------------


def test_a_firm_admin_sets_an_engagements_in_house_cost_per_hour(
    client, firm, firm_admin, comparison, engagement
):
    f.sign_in(client, firm_admin)
    edit = url("cost_edit", firm, comparison.public_id)
    baseline = url("cost_baseline", firm, comparison.public_id)
    assert baseline in client.get(edit).content.decode()
    page = client.get(baseline).content.decode()
    assert "The in-house cost per hour here is <strong>$47.61</strong>" in page
    assert escape(engagement.name) in page
    response = client.post(baseline, {"engagement": str(engagement.public_id)})
    assert response.status_code == 303
    engagement.refresh_from_db()
    assert engagement.inhouse_hourly_cost == D("47.61")
    assert "the in-house cost per hour is now $47.61" in (
        client.get(response.url).content.decode()
    )


def test_only_the_firms_live_engagements_can_be_chosen(
    client, firm, firm_admin, provider, comparison, engagement, other_engagement
):
    ended = f.engagement(
        firm, provider, status=Engagement.Status.ENDED, name="Old team"
    )
    f.sign_in(client, firm_admin)
    baseline = url("cost_baseline", firm, comparison.public_id)
    assert "Old team" not in client.get(baseline).content.decode()
    for engagement in (ended, other_engagement):
        page = client.post(
            baseline, {"engagement": str(engagement.public_id)}
        ).content.decode()
        assert "Choose an engagement from the list." in page
    for engagement in (ended, other_engagement):
        engagement.refresh_from_db()
        assert engagement.inhouse_hourly_cost == D("0.00")


def test_an_attorney_is_not_offered_the_baseline(signed_in, firm, comparison):
    page = signed_in.get(url("cost_edit", firm, comparison.public_id)).content.decode()
    assert url("cost_baseline", firm, comparison.public_id) not in page


def test_a_comparison_without_hours_cannot_be_a_baseline(
    client, firm, firm_admin, comparison, engagement
):
    comparison.hours_per_year = D("0")
    comparison.save()
    f.sign_in(client, firm_admin)
    page = client.get(url("cost_baseline", firm, comparison.public_id)).content.decode()
    assert "give the hours of work a year first" in page
    assert 'name="engagement"' not in page
