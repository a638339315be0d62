"""Fit assessment pages: the ranked list with its reasons, the starter list,
and a form that keeps what was typed and says what to fix."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from firmdesk.insights.models import FitAssessment, TimeAudit, TimeAuditEntry
from tests import factories as f


@pytest.fixture
def signed_in(client, attorney):
    return f.sign_in(client, attorney)


def url(name, firm, *args):
    return reverse(f"insights:{name}", args=[firm.slug, *args])


def row(firm, task_type, function="", **answers):
    return FitAssessment.unscoped.create(
        firm=firm, task_type=task_type, function=function, **answers
    )


def test_the_home_page_leads_to_the_fit_assessment_and_the_costs(signed_in, firm):
    page = signed_in.get(url("home", firm)).content.decode()
    assert url("fit_list", firm) in page and url("cost_list", firm) in page


def test_an_empty_list_says_what_to_do_next(signed_in, firm):
    page = signed_in.get(url("fit_list", firm)).content.decode()
    assert "No candidates yet — assess a kind of task" in page
    assert "Add the common task types" in page


def test_the_list_ranks_candidates_and_says_why(
    signed_in, firm, django_assert_max_num_queries
):
    row(firm, "Send invoices", "billing", no_law_degree=True, touches_revenue=True)
    row(firm, "Calendar court dates", "scheduling", falling_behind=True)
    row(firm, "Draft pleadings", "documents")
    with django_assert_max_num_queries(12):
        page = signed_in.get(url("fit_list", firm)).content.decode()
    assert page.index("Calendar court dates") < page.index("Send invoices")
    assert "Below #1: more risk flags." in page
    assert "One risk flag: it touches revenue directly." in page
    assert "Not candidates (1)" in page
    assert "No question answered yes, so it is not a candidate" in page


def test_the_starter_button_adds_the_common_task_types_once(signed_in, firm):
    response = signed_in.post(url("fit_starter", firm))
    assert response.status_code == 303
    assert FitAssessment.objects.for_firm(firm).count() == 8
    page = signed_in.get(url("fit_list", firm)).content.decode()
    assert "Added 8 common task types, unanswered" in page
    assert "Add the common task types" not in page
    assert "Not candidates (8)" in page
    signed_in.post(url("fit_starter", firm))
    assert FitAssessment.objects.for_firm(firm).count() == 8


def test_assessing_a_task_puts_it_on_the_list(signed_in, firm):
    response = signed_in.post(
        url("fit_create", firm),
        {
            "task_type": "Enter new contacts",
            "function": "crm",
            "instructions_possible": "on",
            "hours_per_week": "3.5",
        },
    )
    assert response.status_code == 303
    made = FitAssessment.objects.for_firm(firm).get()
    assert made.instructions_possible and not made.no_law_degree
    assert made.hours_per_week == Decimal("3.50")
    page = signed_in.get(url("fit_list", firm)).content.decode()
    assert "“Enter new contacts” assessed." in page
    assert "#1" in page and "About 3.5 hours a week." in page


def test_bad_input_keeps_what_was_typed_and_says_what_to_fix(signed_in, firm):
    page = signed_in.post(
        url("fit_create", firm),
        {
            "task_type": "",
            "function": "crm",
            "falling_behind": "on",
            "hours_per_week": "many",
            "notes": "Ask Grace",
        },
    ).content.decode()
    assert "Fill in “Kind of task”." in page
    assert "Give a number of hours, such as 6 or 6.5." in page
    assert "nothing you typed was lost" in page
    assert "Ask Grace" in page and 'value="many"' in page
    assert 'id="id_falling_behind" checked' in page
    assert not FitAssessment.objects.for_firm(firm).exists()


def test_every_problem_is_shown_at_once(signed_in, firm):
    page = signed_in.post(
        url("fit_create", firm), {"task_type": "", "hours_per_week": "200"}
    ).content.decode()
    assert "Fill in “Kind of task”." in page
    assert "Give the hours a week from 0 to 168." in page


def test_editing_and_deleting_an_assessment(signed_in, firm):
    a = row(firm, "Calendar court dates", "scheduling")
    edit = url("fit_edit", firm, a.public_id)
    assert "Calendar court dates" in signed_in.get(edit).content.decode()
    signed_in.post(
        edit,
        {
            "task_type": "Calendar court dates",
            "function": "scheduling",
            "no_law_degree": "on",
        },
    )
    a.refresh_from_db()
    assert a.no_law_degree
    delete = url("fit_delete", firm, a.public_id)
    assert "Delete the assessment of “Calendar court dates”?" in (
        signed_in.get(delete).content.decode()
    )
    assert signed_in.post(delete).status_code == 303
    assert not FitAssessment.objects.for_firm(firm).exists()


def test_the_time_audits_hours_show_beside_the_form(signed_in, firm, attorney):
    audit = TimeAudit.unscoped.create(
        firm=firm,
        title="March audit",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 8),
        closed_at=timezone.now(),
    )
    TimeAuditEntry.unscoped.create(
        firm=firm,
        audit=audit,
        person=attorney,
        date=datetime.date(2026, 3, 2),
        category="reception",
        hours=Decimal("4.25"),
    )
    page = signed_in.get(url("fit_create", firm)).content.decode()
    assert "From your time audit “March audit”" in page
    assert "Reception: 4.25 h" in page
