"""The intake pages: the lead queue across firms, the firm's leads, taking a
lead by phone, a lead's page and every action on it, the form builder and the
feedback page; and who may open them (DESIGN.md, the access rule)."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common import times
from firmdesk.intake import services
from firmdesk.intake.models import (
    FeedbackRequest,
    IntakeForm,
    IntakeQuestion,
    Lead,
    LeadNote,
)
from firmdesk.matters.models import Matter
from firmdesk.work.models import Task
from tests import factories as f
from tests.isolation.fixtures_intake import *  # noqa: F403
from tests.isolation.fixtures_intake import (
    attach_to_lead,
    clear,
    existing_client,
    take_lead,
)

HOUR = datetime.timedelta(hours=1)


def signed_in(user, client=None):
    return f.sign_in(client or Client(), user)


def detail_url(lead):
    return reverse("intake:lead_detail", args=[lead.firm.slug, lead.public_id])


def action_url(lead):
    return reverse("intake:lead_action", args=[lead.firm.slug, lead.public_id])


def act(client, lead, action, **data):
    lead.refresh_from_db()
    return client.post(
        action_url(lead), {"action": action, "revision": lead.revision, **data}
    )


@pytest.fixture
def firm_lead(firm, engagement, intake_specialist):
    return take_lead(firm, intake_specialist, name="Dana Whitfield")


@pytest.fixture
def brandt_lead(other_firm, other_engagement, outsider):
    return take_lead(
        other_firm, outsider, name="Bruno Brandtner", adverse=("Rival GmbH",)
    )


# --- The queue across firms ---------------------------------------------------------


def test_intake_specialist_sees_every_firms_leads_on_the_queue(
    firm, other_firm, intake_specialist, firm_lead, brandt_lead
):
    client = signed_in(intake_specialist)
    body = client.get(reverse("intake:lead_queue")).content.decode()
    assert "Dana Whitfield" in body and "Bruno Brandtner" in body
    assert escape(firm.name) in body and escape(other_firm.name) in body
    assert detail_url(firm_lead) in body and detail_url(brandt_lead) in body
    for lead in (firm_lead, brandt_lead):
        assert client.get(detail_url(lead)).status_code == 200


def test_firm_member_sees_only_their_firms_leads_on_the_queue(
    attorney, firm_lead, brandt_lead
):
    body = signed_in(attorney).get(reverse("intake:lead_queue")).content.decode()
    assert "Dana Whitfield" in body and "Bruno Brandtner" not in body


def test_queue_puts_open_unanswered_leads_first_and_overdue_ones_in_red(
    firm, intake_specialist, engagement
):
    now = timezone.now()
    late = take_lead(
        firm, intake_specialist, name="Late Lena", now=now - 3 * HOUR, screen=False
    )
    answered = take_lead(firm, intake_specialist, name="Answered Ann", screen=False)
    services.lead_log_contact(
        scope=resolve_scope(intake_specialist, firm),
        lead=answered,
        actor=intake_specialist,
        kind=LeadNote.Kind.CALL,
        text="Called her back.",
    )
    fresh = take_lead(firm, intake_specialist, name="Fresh Fay", screen=False)
    Lead.unscoped.filter(pk=late.pk).update(response_due_at=now - HOUR)

    body = (
        signed_in(intake_specialist).get(reverse("intake:lead_queue")).content.decode()
    )
    order = [body.index(n) for n in ("Late Lena", "Fresh Fay", "Answered Ann")]
    assert order == sorted(order)
    assert re.search(r'text-danger fw-semibold">Overdue by (59 minutes|1 hour)', body)
    assert fresh.response_due_at > now


def test_queue_row_shows_its_times_in_the_viewers_zone_and_links_into_its_firm(
    firm, intake_specialist, engagement
):
    intake_specialist.time_zone = "Asia/Tokyo"
    intake_specialist.save(update_fields=["time_zone"])
    lead = take_lead(firm, intake_specialist, name="Tomo Ito", screen=False)

    body = (
        signed_in(intake_specialist).get(reverse("intake:lead_queue")).content.decode()
    )
    row = body[body.index(f'<a href="{detail_url(lead)}">Tomo Ito</a>') :]
    row = row[: row.index("</tr>")]
    tokyo = ZoneInfo("Asia/Tokyo")
    for moment in (lead.response_due_at, lead.received_at):
        local = moment.astimezone(tokyo)
        shown = escape(times.when(local, tokyo))
        assert f'<time datetime="{local.isoformat()}">{shown}</time>' in row
    assert f'href="{reverse("intake:lead_list", args=[firm.slug])}"' in row
    assert "No one yet" not in row and escape(str(intake_specialist)) in row


def test_queue_filters_mine_and_unassigned(firm, intake_specialist, attorney, lead):
    take_lead(firm, intake_specialist, name="Mine Mo", screen=False)
    client = signed_in(intake_specialist)
    mine = client.get(reverse("intake:lead_queue"), {"owner": "me"}).content.decode()
    assert "Mine Mo" in mine and "Dana Whitfield" not in mine
    nobody = client.get(
        reverse("intake:lead_queue"), {"owner": "none"}
    ).content.decode()
    assert "Dana Whitfield" in nobody and "Mine Mo" not in nobody


def test_queue_answers_htmx_with_the_rows_only(intake_specialist, firm_lead):
    client = signed_in(intake_specialist)
    partial = client.get(reverse("intake:lead_queue"), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "Dana Whitfield" in partial.content.decode()
    restore = client.get(
        reverse("intake:lead_queue"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in restore.content.decode()
    firm_list = client.get(
        reverse("intake:lead_list", args=[firm_lead.firm.slug]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in firm_list and "Dana Whitfield" in firm_list


def _add_leads(firm, other_firm, user, outsider, n):
    past = timezone.now() - 2 * HOUR
    for i in range(n):
        take_lead(firm, user, name=f"Prospect {i}", now=past, screen=i % 2 == 0)
        if i % 3 == 0:
            take_lead(other_firm, outsider, name=f"Brandt {i}", screen=False)


@pytest.mark.parametrize(
    ("viewer", "url_of"),
    [
        ("intake_specialist", lambda firm: reverse("intake:lead_queue")),
        (
            "intake_specialist",
            lambda firm: reverse("intake:lead_list", args=[firm.slug]),
        ),
        ("attorney", lambda firm: reverse("intake:lead_list", args=[firm.slug])),
    ],
    ids=["queue", "list-specialist", "list-attorney"],
)
def test_lead_lists_keep_a_fixed_number_of_queries(
    request,
    django_assert_max_num_queries,
    firm,
    other_firm,
    engagement,
    other_engagement,
    intake_specialist,
    outsider,
    viewer,
    url_of,
):
    client = signed_in(request.getfixturevalue(viewer))
    url = url_of(firm)
    client.get(url)  # the first request stores the session's two-factor check
    counts = []
    for n in (3, 27):  # 3 leads, then 30
        _add_leads(firm, other_firm, intake_specialist, outsider, n)
        with django_assert_max_num_queries(30) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


# --- Who may open them --------------------------------------------------------------


def test_scheduling_only_assistant_gets_404_on_every_lead_page(
    firm, assistant, lead, intake_form
):
    client = signed_in(assistant)
    for url in (
        reverse("intake:lead_queue"),
        reverse("intake:lead_list", args=[firm.slug]),
        reverse("intake:lead_new", args=[firm.slug]),
        detail_url(lead),
        reverse("intake:intake_form_list", args=[firm.slug]),
        reverse("intake:intake_form_edit", args=[firm.slug, intake_form.public_id]),
        reverse("intake:feedback_list", args=[firm.slug]),
    ):
        assert client.get(url).status_code == 404, url
    before = Lead.unscoped.filter(pk=lead.pk).values().get()
    for data in (
        {"action": "status", "status": "no_response", "revision": lead.revision},
        {"action": "log_contact", "kind": "call", "text": "Hello"},
        {"action": "decline", "reason": "No", "revision": lead.revision},
    ):
        assert client.post(action_url(lead), data).status_code == 404
    assert Lead.unscoped.filter(pk=lead.pk).values().get() == before
    assert not LeadNote.unscoped.exists()


def test_intake_specialist_may_not_build_forms_or_read_feedback(
    firm, intake_specialist, intake_form
):
    client = signed_in(intake_specialist)
    for url in (
        reverse("intake:intake_form_list", args=[firm.slug]),
        reverse("intake:intake_form_new", args=[firm.slug]),
        reverse("intake:intake_form_edit", args=[firm.slug, intake_form.public_id]),
        reverse("intake:feedback_list", args=[firm.slug]),
    ):
        assert client.get(url).status_code == 404, url


# --- The firm's leads and a new one --------------------------------------------------


def test_lead_list_filters_by_status_source_owner_and_overdue(
    firm, attorney, intake_specialist, lead, engagement
):
    phoned = take_lead(firm, intake_specialist, name="Phoned Pat", screen=False)
    Lead.unscoped.filter(pk=lead.pk).update(
        response_due_at=timezone.now() - HOUR, owner=None
    )
    client = signed_in(attorney)
    url = reverse("intake:lead_list", args=[firm.slug])
    page = client.get(url).content.decode()
    assert "Dana Whitfield" in page and "Phoned Pat" in page
    assert "1 overdue" in page

    def names(**params):
        body = client.get(url, params).content.decode()
        return {n for n in ("Dana Whitfield", "Phoned Pat") if n in body}

    assert names(source="phone") == {"Phoned Pat"}
    assert names(source="web_form") == {"Dana Whitfield"}
    assert names(overdue="on") == {"Dana Whitfield"}
    assert names(owner=str(intake_specialist.public_id)) == {"Phoned Pat"}
    assert names(owner="none") == {"Dana Whitfield"}
    assert names(q="phoned") == {"Phoned Pat"}
    services.lead_set_status(
        scope=resolve_scope(attorney, firm),
        lead=phoned,
        actor=attorney,
        status="no_response",
    )
    assert names() == {"Dana Whitfield"}
    assert names(status="no_response") == {"Phoned Pat"}
    assert names(status="all", sort="name") == {"Dana Whitfield", "Phoned Pat"}


def test_taking_a_lead_by_phone_records_and_screens_it(
    firm, engagement, attorney, intake_specialist, django_capture_on_commit_callbacks
):
    existing_client(firm, attorney, name="Carl Whitfield")
    client = signed_in(intake_specialist)
    url = reverse("intake:lead_new", args=[firm.slug])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "source": "phone",
                "name": "Dana Whitfield",
                "phone": "(212) 555-0142",
                "practice_area": "Family law",
                "description": "Divorce; he kept the house.",
                "adverse_parties": "Carl Whitfield\n\nWhitfield Roofing LLC\n",
            },
        )
    lead = Lead.unscoped.get()
    assert response.status_code == 302 and response.url == detail_url(lead)
    assert lead.owner == intake_specialist and lead.phone == "+12125550142"
    assert lead.adverse_parties == ["Carl Whitfield", "Whitfield Roofing LLC"]
    page = client.get(response.url).content.decode()
    assert "recorded and given to you" in page
    assert "Estate of Carl Whitfield" not in page  # a matter not opened to them
    assert "Carl Whitfield" in page and "M-2025-077" not in page


def test_taking_a_lead_keeps_what_was_typed_on_error(firm, engagement, attorney):
    response = signed_in(attorney).post(
        reverse("intake:lead_new", args=[firm.slug]),
        {"source": "email", "name": "Dana Whitfield", "phone": "call me maybe"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "is not a phone number we can read" in body
    assert 'value="Dana Whitfield"' in body
    assert not Lead.unscoped.exists()


# --- A lead's page ------------------------------------------------------------------


def test_a_lead_file_is_reached_only_through_its_lead(
    firm, intake_form, intake_specialist, attorney, settings, tmp_path
):
    """The inquirer's file opens from the lead's page for whoever works the
    lead, audited; through another lead's address it does not exist."""
    settings.MEDIA_ROOT = tmp_path / "media"
    lead = take_lead(firm, intake_specialist)
    second = take_lead(firm, intake_specialist, name="Erin Holt", adverse=())
    sent = attach_to_lead(lead, "separation-agreement.pdf", b"%PDF-1.7\n1 0 obj\n")
    client = signed_in(intake_specialist)
    page = client.get(detail_url(lead)).content.decode()
    url = reverse(
        "intake:lead_document", args=[firm.slug, lead.public_id, sent.public_id]
    )
    assert f'href="{url}"' in page and "separation-agreement.pdf" in page

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n1 0 obj\n"
    assert "separation-agreement.pdf" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="document.downloaded")
    assert event.actor == intake_specialist
    assert event.detail["lead"] == str(lead.public_id)

    elsewhere = reverse(
        "intake:lead_document", args=[firm.slug, second.public_id, sent.public_id]
    )
    assert client.get(elsewhere).status_code == 404


def test_lead_page_shows_what_the_intake_team_needs(
    firm, attorney, intake_specialist, intake_form, engagement
):
    existing_client(firm, attorney, name="Carl Whitfield", number="M-2025-077")
    lead = take_lead(firm, intake_specialist)
    Lead.unscoped.filter(pk=lead.pk).update(
        form=intake_form,
        answers=[
            {"question": "Are there children of the marriage?", "answer": True},
            {"question": "Which?", "answer": ["Custody", "Support"]},
        ],
    )
    client = signed_in(attorney)
    body = client.get(detail_url(lead)).content.decode()
    for text in (
        "dana@example.com",
        "We separated in March; he kept the house.",
        "Carl Whitfield",
        "Are there children of the marriage?",
        "Custody, Support",
        "Within the limitation period",  # the form's checklist
        "60 minutes of the firm&#x27;s business hours",
        "left",  # the clock runs
        "M-2025-077",  # the hit, to an attorney who may see the matter
        "Record the decision",
    ):
        assert text in body, text
    assert 'name="action" value="retain"' not in body  # not cleared yet

    specialist = signed_in(intake_specialist).get(detail_url(lead)).content.decode()
    assert "Carl Whitfield" in specialist  # the hit shows
    assert "M-2025-077" not in specialist  # its matter is not opened to them
    assert "Record the decision" not in specialist
    assert "An attorney of the firm must review" in specialist


def test_opening_a_lead_is_audited(firm, attorney, lead):
    from firmdesk.audit.models import AuditEvent

    signed_in(attorney).get(detail_url(lead))
    viewed = AuditEvent.objects.get(action="intake.lead_viewed")
    assert viewed.object_id == str(lead.public_id) and viewed.actor == attorney


def test_logging_the_first_call_stops_the_clock(firm, intake_specialist, firm_lead):
    client = signed_in(intake_specialist)
    response = act(client, firm_lead, "log_contact", kind="call", text="Called back.")
    assert response.status_code == 303
    page = client.get(response.url).content.decode()
    assert "the clock has stopped" in page and "Answered" in page
    firm_lead.refresh_from_db()
    assert firm_lead.first_response_at is not None
    assert firm_lead.status == Lead.Status.CONTACTED


def test_an_empty_note_is_refused_next_to_the_field(intake_specialist, firm_lead):
    response = act(signed_in(intake_specialist), firm_lead, "log_contact", kind="call")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fill in “What was said or agreed”." in body
    assert not LeadNote.unscoped.filter(lead=firm_lead).exists()


def test_status_checklist_and_owner_from_the_page(
    firm, attorney, intake_specialist, intake_form, firm_lead
):
    Lead.unscoped.filter(pk=firm_lead.pk).update(form=intake_form)
    client = signed_in(intake_specialist)
    act(client, firm_lead, "status", status="qualified", reason="Good fit")
    act(client, firm_lead, "checklist", done=["Can pay the fee", "Lives in New York"])
    act(client, firm_lead, "assign", owner=str(attorney.public_id))
    firm_lead.refresh_from_db()
    assert firm_lead.status == Lead.Status.QUALIFIED
    assert firm_lead.checklist_done == ["Lives in New York", "Can pay the fee"]
    assert firm_lead.owner == attorney
    notes = list(
        LeadNote.unscoped.filter(lead=firm_lead).values_list("text", flat=True)
    )
    assert notes == ["New → Qualified: Good fit"]
    stranger = f.member(f.OrganizationFactory(), ["attorney"])
    response = act(client, firm_lead, "assign", owner=str(stranger.public_id))
    assert response.status_code == 200
    assert Lead.unscoped.get(pk=firm_lead.pk).owner == attorney


def test_a_change_from_a_stale_page_is_refused_and_shows_the_lead_as_it_is(
    firm, attorney, intake_specialist, firm_lead
):
    seen = firm_lead.revision
    services.lead_set_status(
        scope=resolve_scope(attorney, firm),
        lead=firm_lead,
        actor=attorney,
        status="qualified",
    )
    response = signed_in(intake_specialist).post(
        action_url(firm_lead),
        {"action": "status", "status": "no_response", "revision": seen},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this lead" in body
    assert "Qualified" in body
    assert Lead.unscoped.get(pk=firm_lead.pk).status == Lead.Status.QUALIFIED


def test_only_an_attorney_decides_the_screen_from_the_page(
    firm, attorney, intake_specialist, firm_lead
):
    refused = act(
        signed_in(intake_specialist), firm_lead, "decide_conflict", decision="clear"
    )
    assert refused.status_code == 200
    assert "Only an attorney" in refused.content.decode()
    assert not services.screen_cleared(Lead.unscoped.get(pk=firm_lead.pk))

    client = signed_in(attorney)
    waived = act(client, firm_lead, "decide_conflict", decision="waived")
    assert "A waiver needs a note" in waived.content.decode()
    response = act(client, firm_lead, "decide_conflict", decision="clear")
    assert response.status_code == 303
    assert services.screen_cleared(Lead.unscoped.get(pk=firm_lead.pk))


def test_retain_from_the_page_opens_the_matter_and_shows_it_and_the_task(
    firm, attorney, intake_specialist, firm_lead
):
    clear(firm_lead, attorney)
    client = signed_in(attorney)
    page = client.get(detail_url(firm_lead)).content.decode()
    assert 'name="action" value="retain"' in page
    response = act(
        client,
        firm_lead,
        "retain",
        title="Whitfield divorce",
        responsible_attorney=str(attorney.public_id),
        practice_area="Family law",
    )
    assert response.status_code == 303
    matter = Matter.unscoped.get()
    task = Task.unscoped.get(matter=matter)
    body = client.get(response.url).content.decode()
    assert reverse("matters:matter_detail", args=[firm.slug, matter.public_id]) in body
    assert reverse("work:task_detail", args=[firm.slug, task.public_id]) in body
    assert "Send the engagement letter to Dana Whitfield" in body
    assert "Retained" in body


def test_retain_refused_by_the_service_leaves_nothing_and_keeps_the_form(
    firm, attorney, intake_specialist, firm_lead
):
    clear(firm_lead, attorney)
    client = signed_in(intake_specialist)
    response = act(
        client,
        firm_lead,
        "retain",
        title="",
        responsible_attorney="not-a-person",
        practice_area="Family law",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fill in “Matter title”." in body
    assert 'value="Family law"' in body
    assert not Matter.unscoped.exists() and not Task.unscoped.exists()
    assert Lead.unscoped.get(pk=firm_lead.pk).is_open


def test_retain_shows_an_intake_specialist_the_matter_only_by_name(
    firm, attorney, intake_specialist, firm_lead
):
    clear(firm_lead, attorney)
    client = signed_in(intake_specialist)
    response = act(
        client,
        firm_lead,
        "retain",
        title="Whitfield divorce",
        responsible_attorney=str(attorney.public_id),
    )
    body = client.get(response.url).content.decode()
    matter = Matter.unscoped.get()
    assert "not opened to you" in body
    assert str(matter.public_id) not in body


def test_decline_from_the_page_makes_the_letter_task(firm, attorney, firm_lead):
    client = signed_in(attorney)
    response = act(client, firm_lead, "decline", reason="Outside our practice.")
    assert response.status_code == 303
    assert Task.unscoped.filter(
        title="Send the non-engagement letter to Dana Whitfield"
    ).exists()
    body = client.get(response.url).content.decode()
    assert "Declined." in body and "Outside our practice." in body
    assert 'name="action" value="decline"' not in body


def test_an_unknown_action_changes_nothing(attorney, firm_lead):
    response = signed_in(attorney).post(action_url(firm_lead), {"action": "delete"})
    assert response.status_code == 303
    assert Lead.unscoped.get(pk=firm_lead.pk).revision == firm_lead.revision


# --- Intake forms -------------------------------------------------------------------


def _builder_post(**extra):
    data = {
        "title": "Employment inquiry",
        "slug": "",
        "practice_area": "Employment",
        "intro": "Tell us what happened at work.",
        "confirmation": "Thank you; we will be in touch.",
        "checklist": "Fired in the last 6 months\n\nIn New York\n",
        "is_active": "on",
        "q-TOTAL_FORMS": "2",
        "q-INITIAL_FORMS": "2",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "1000",
        "q-0-label": "When were you let go?",
        "q-0-kind": "date",
        "q-0-required": "on",
        "q-0-ORDER": "2",
        "q-1-label": "How were you told?",
        "q-1-kind": "choice",
        "q-1-choices": "In person\nBy e-mail\n",
        "q-1-ORDER": "1",
    }
    data.update(extra)
    return data


def test_building_a_form_with_its_questions(firm, attorney):
    client = signed_in(attorney)
    url = reverse("intake:intake_form_new", args=[firm.slug])
    page = client.get(url).content.decode()
    assert "do not give legal advice" in page

    grown = client.post(url, _builder_post(add_question="1")).content.decode()
    assert 'name="q-2-label"' in grown
    assert 'value="When were you let go?"' in grown
    assert 'value="Employment inquiry"' in grown
    assert "Fill in" not in grown  # adding a row judges nothing
    assert not IntakeForm.unscoped.exists()

    response = client.post(url, _builder_post())
    assert response.status_code == 302
    form = IntakeForm.unscoped.get()
    assert form.slug == "employment-inquiry"
    assert form.checklist == ["Fired in the last 6 months", "In New York"]
    questions = list(IntakeQuestion.unscoped.filter(form=form).order_by("position"))
    assert [(q.label, q.kind, q.required, q.choices) for q in questions] == [
        ("How were you told?", "choice", False, ["In person", "By e-mail"]),
        ("When were you let go?", "date", True, []),
    ]


def test_a_choice_question_needs_two_choices(firm, attorney):
    response = signed_in(attorney).post(
        reverse("intake:intake_form_new", args=[firm.slug]),
        _builder_post(**{"q-1-choices": "In person"}),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Give at least two choices" in body
    assert 'value="How were you told?"' in body
    assert not IntakeForm.unscoped.exists()


def test_editing_a_form_removes_a_question_and_refuses_a_taken_address(
    firm, attorney, intake_form
):
    IntakeForm.unscoped.create(firm=firm, title="Wills", slug="wills")
    client = signed_in(attorney)
    url = reverse("intake:intake_form_edit", args=[firm.slug, intake_form.public_id])
    page = client.get(url).content.decode()
    assert 'value="Are there children of the marriage?"' in page
    taken = client.post(url, _builder_post(slug="wills")).content.decode()
    assert "Another form already uses the address “wills”" in taken
    client.post(url, _builder_post(**{"q-0-DELETE": "on"}))
    intake_form.refresh_from_db()
    assert intake_form.title == "Employment inquiry"
    labels = list(
        IntakeQuestion.unscoped.filter(form=intake_form).values_list("label", flat=True)
    )
    assert labels == ["How were you told?"]


def test_form_list_shows_each_forms_public_address(firm, attorney, intake_form, lead):
    body = (
        signed_in(attorney)
        .get(reverse("intake:intake_form_list", args=[firm.slug]))
        .content.decode()
    )
    assert "Family law inquiry" in body
    try:
        public = reverse(
            "public_intake:public_intake_form",
            kwargs={"firm": firm.slug, "form_slug": "family"},
        )
    except NoReverseMatch:  # the public pages are not installed
        public = "Available once the public pages are installed"
    assert public in body


# --- Feedback -------------------------------------------------------------------------


def test_feedback_page_shows_answers_and_the_average_per_kind(firm, attorney, lead):
    now = timezone.now()
    for rating, comment in ((5, "Clear and quick."), (2, "Waited a week.")):
        FeedbackRequest.unscoped.create(
            firm=firm,
            kind=FeedbackRequest.Kind.CONSULTATION,
            email=f"{rating}@example.com",
            name=f"Client {rating}",
            rating=rating,
            comment=comment,
            answered_at=now,
            sent_at=now,
        )
    FeedbackRequest.unscoped.create(
        firm=firm, kind="matter_opened", email="x@example.com", sent_at=now
    )
    body = (
        signed_in(attorney)
        .get(reverse("intake:feedback_list", args=[firm.slug]))
        .content.decode()
    )
    assert "Clear and quick." in body and "Waited a week." in body
    assert "3.5" in body and "2 answers" in body
    assert "no answers yet" in body


def test_overdue_lead_page_says_by_how_much(firm, intake_specialist, engagement):
    moment = datetime.datetime(2026, 11, 17, 15, 0, tzinfo=datetime.UTC)
    lead = take_lead(firm, intake_specialist, now=moment, screen=False)
    with time_machine.travel(moment + 3 * HOUR, tick=False):
        body = signed_in(intake_specialist).get(detail_url(lead)).content.decode()
    assert "Overdue by 2 hours" in body
    assert "First response overdue" in body
