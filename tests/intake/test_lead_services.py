"""Leads and conversion: arrival and the first-response clock, the conflict
screen on the prospective client and the other side, the alarm before a
breach, working the lead, and retaining (all or nothing) or declining it.

Instants are written in UTC; New York is UTC-5 in November.
"""

import datetime

import pytest
import time_machine

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.intake import services, tasks
from firmdesk.intake.models import FeedbackRequest, IntakeForm, Lead, LeadNote
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.notify.models import Notification
from firmdesk.work.models import Task
from tests.isolation.fixtures_intake import *  # noqa: F403
from tests.isolation.fixtures_intake import (
    attach_to_lead,
    clear,
    existing_client,
    make_form,
    take_lead,
)

UTC = datetime.UTC
HOUR = datetime.timedelta(hours=1)
# Tuesday 17 November 2026, 10:00 in New York.
TUESDAY_10AM = datetime.datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
# Friday 20 November 2026, 16:30 in New York: half an hour before closing.
FRIDAY_430PM = datetime.datetime(2026, 11, 20, 21, 30, tzinfo=UTC)


def scope_of(user, firm):
    return resolve_scope(user, firm)


# --- Arrival and the first-response clock --------------------------------------------


def test_lead_taken_by_phone_is_stored_with_its_clock_in_business_hours(
    firm, engagement, intake_specialist
):
    lead = take_lead(firm, intake_specialist, now=FRIDAY_430PM, screen=False)

    stored = Lead.unscoped.get(pk=lead.pk)
    assert stored.source == Lead.Source.PHONE
    assert stored.owner == intake_specialist
    assert stored.engagement == engagement
    assert stored.adverse_parties == ["Carl Whitfield"]
    assert stored.received_at == FRIDAY_430PM
    # 30 minutes on Friday, 30 more from Monday 9:00: Monday 9:30 in New York.
    assert stored.response_due_at == datetime.datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def test_after_hours_cover_runs_the_clock_around_the_clock(
    firm, engagement, intake_specialist
):
    engagement.after_hours_cover = "Northstar's night desk answers until 22:00."
    engagement.first_response_minutes = 30
    engagement.save()
    lead = take_lead(firm, intake_specialist, now=FRIDAY_430PM, screen=False)
    assert lead.response_due_at == FRIDAY_430PM + datetime.timedelta(minutes=30)


def test_web_form_submission_is_stored_and_screened_after_the_commit(
    firm, engagement, attorney, django_capture_on_commit_callbacks
):
    form = make_form(
        firm, title="Family law inquiry", slug="family", practice_area="Family law"
    )
    submission = services.Submission(
        name="Dana Whitfield",
        email="dana@example.com",
        description="We separated in March.",
        adverse_parties=("Carl Whitfield", "Carl Whitfield", " "),
        answers=({"question": "Children?", "answer": "Yes"},),
    )
    with django_capture_on_commit_callbacks(execute=True):
        lead = services.lead_submit(
            form=form, submission=submission, address="203.0.113.9", now=TUESDAY_10AM
        )

    lead.refresh_from_db()
    assert lead.source == Lead.Source.WEB_FORM
    assert lead.form == form and lead.practice_area == "Family law"
    assert lead.owner is None
    assert lead.adverse_parties == ["Carl Whitfield"]
    assert lead.answers == [{"question": "Children?", "answer": "Yes"}]
    assert lead.response_due_at == TUESDAY_10AM + HOUR
    assert lead.submitter_hash == services.submitter_hash("203.0.113.9")
    assert lead.conflict_check is not None


def test_a_malformed_email_is_refused_before_the_lead_is_stored(
    firm, engagement, intake_specialist
):
    """Stored, it would make every screen of the lead fail: the prospective
    client's contact refuses it."""
    with pytest.raises(ServiceError) as refused:
        take_lead(firm, intake_specialist, email="dana at example dot com")
    assert refused.value.field == "email"
    assert not Lead.unscoped.exists()


def test_scheduling_only_assistant_cannot_take_a_lead(firm, engagement, assistant):
    with pytest.raises(ServiceError):
        take_lead(firm, assistant)
    assert not Lead.unscoped.exists()


# --- The conflict screen --------------------------------------------------------------


def test_screen_checks_the_client_and_every_adverse_party_and_indexes_them(
    firm, engagement, intake_specialist
):
    lead = take_lead(
        firm,
        intake_specialist,
        adverse=("Carl Whitfield", "Whitfield Roofing LLC"),
        screen=False,
    )
    check = services.lead_screen(lead)
    lead.refresh_from_db()

    assert check.names == ["Dana Whitfield", "Carl Whitfield", "Whitfield Roofing LLC"]
    assert check.decision == ConflictCheck.Decision.PENDING
    assert lead.conflict_check == check
    client = lead.client_contact
    assert client.name == "Dana Whitfield" and client.is_prospective
    assert client.emails == ["dana@example.com"]
    adverse = sorted(lead.adverse_contacts.all(), key=lambda c: c.name)
    assert [(c.name, c.kind, c.is_prospective) for c in adverse] == [
        ("Carl Whitfield", "person", True),
        ("Whitfield Roofing LLC", "organization", True),
    ]
    # Recorded under Rule 1.18: a later search finds them as prospective.
    later = conflicts.conflict_search(firm=firm, names=["Whitfield Roofing LLC"])
    assert any(h.contact_name == "Whitfield Roofing LLC" for h in later)


def test_screen_runs_once_however_often_it_is_asked(
    firm, engagement, intake_specialist
):
    lead = take_lead(firm, intake_specialist)
    contacts = Contact.unscoped.count()
    again = services.lead_screen(lead)
    assert again == lead.conflict_check
    assert ConflictCheck.unscoped.count() == 1
    assert Contact.unscoped.count() == contacts


def test_screen_finds_the_firms_client_named_as_the_other_side(
    firm, engagement, attorney, intake_specialist
):
    existing_client(firm, attorney, name="Carl Whitfield", number="M-2025-077")
    lead = take_lead(firm, intake_specialist, adverse=("Carl Whitfield",))
    hits = [h for h in lead.conflict_check.hits if h["name"] == "Carl Whitfield"]
    assert hits, lead.conflict_check.hits
    hit = hits[0]
    assert hit["contact_name"] == "Carl Whitfield"
    assert hit["matter"] == "M-2025-077"
    assert not hit["is_prospective"]


def test_only_an_attorney_decides_the_screen(
    firm, engagement, attorney, intake_specialist
):
    lead = take_lead(firm, intake_specialist)
    with pytest.raises(ServiceError):
        services.lead_decide_conflict(
            scope=scope_of(intake_specialist, firm), lead=lead, decision="clear"
        )
    assert not services.screen_cleared(lead)
    clear(lead, attorney)
    assert services.screen_cleared(lead)


def test_a_closed_leads_screen_is_not_decided_again(
    firm, engagement, attorney, intake_specialist
):
    lead = take_lead(firm, intake_specialist)
    services.lead_decline(
        scope=scope_of(intake_specialist, firm),
        lead=lead,
        actor=intake_specialist,
        reason="Outside our practice areas",
    )
    lead.refresh_from_db()
    with pytest.raises(ServiceError, match="closed"):
        services.lead_decide_conflict(
            scope=scope_of(attorney, firm), lead=lead, decision="clear"
        )
    assert lead.conflict_check.decision == ConflictCheck.Decision.PENDING


def test_a_lead_goes_only_to_someone_who_may_work_it(
    firm, engagement, attorney, intake_specialist, assistant, outsider
):
    lead = take_lead(firm, intake_specialist)
    scope = scope_of(intake_specialist, firm)
    # The scheduling assistant serves the firm but not its intake; the
    # outsider is another firm's attorney.
    for person in (assistant, outsider):
        with pytest.raises(ServiceError, match="does not work this firm's leads"):
            services.lead_assign(
                scope=scope, lead=lead, actor=intake_specialist, owner=person
            )
    lead.refresh_from_db()
    assert lead.owner == intake_specialist
    services.lead_assign(
        scope=scope, lead=lead, actor=intake_specialist, owner=attorney
    )
    lead.refresh_from_db()
    assert lead.owner == attorney


# --- The alarm before a breach --------------------------------------------------------


@pytest.fixture
def tuesday_lead(firm, engagement, attorney, intake_specialist):
    engagement.firm_primary_contact = attorney
    engagement.save()
    return take_lead(firm, intake_specialist, now=TUESDAY_10AM)


def _due(now):
    return list(tasks.lead_response_alarms(now))


def test_alarm_warns_before_the_due_time_once(tuesday_lead, intake_specialist):
    """The hour's warning lead on an hour's promise is clamped to half of it:
    the warning comes once the clock has run half its time, not as the lead
    arrives."""
    assert tuesday_lead.response_due_at == TUESDAY_10AM + HOUR
    assert _due(TUESDAY_10AM) == []
    (item,) = _due(TUESDAY_10AM + HOUR / 2)
    assert item.kind == "intake.lead-warning"
    assert item.due_at == tuesday_lead.response_due_at - HOUR / 2
    assert item.task.call(*item.args) is True
    assert item.task.call(*item.args) is False
    assert _due(TUESDAY_10AM + HOUR / 2) == []
    warned = Notification.objects.filter(kind="intake.first_response_warning")
    assert [n.user for n in warned] == [intake_specialist]
    tuesday_lead.refresh_from_db()
    assert tuesday_lead.sla_warned_at is not None
    assert tuesday_lead.sla_breached_at is None


def test_breach_is_recorded_once_and_tells_the_firm(
    tuesday_lead, intake_specialist, attorney
):
    (item,) = _due(TUESDAY_10AM + 2 * HOUR)
    assert item.kind == "intake.lead-breach"
    assert item.task.call(*item.args) is True
    assert item.task.call(*item.args) is False
    assert _due(TUESDAY_10AM + 3 * HOUR) == []
    tuesday_lead.refresh_from_db()
    assert tuesday_lead.sla_breached_at is not None
    assert (
        AuditEvent.objects.filter(action="intake.first_response_breached").count() == 1
    )
    told = {
        n.user for n in Notification.objects.filter(kind="intake.first_response_breach")
    }
    assert told == {intake_specialist, attorney}


def test_first_logged_contact_stops_the_clock_and_moves_the_lead_on(
    tuesday_lead, firm, intake_specialist
):
    scope = scope_of(intake_specialist, firm)
    services.lead_log_contact(
        scope=scope,
        lead=tuesday_lead,
        actor=intake_specialist,
        kind=LeadNote.Kind.NOTE,
        text="Looked them up: no earlier inquiry.",
    )
    tuesday_lead.refresh_from_db()
    assert tuesday_lead.first_response_at is None
    assert tuesday_lead.status == Lead.Status.NEW

    with time_machine.travel(TUESDAY_10AM + HOUR / 2, tick=False):
        services.lead_log_contact(
            scope=scope,
            lead=tuesday_lead,
            actor=intake_specialist,
            kind=LeadNote.Kind.CALL,
            text="Called back; she wants a consultation next week.",
        )
    tuesday_lead.refresh_from_db()
    assert tuesday_lead.first_response_at == TUESDAY_10AM + HOUR / 2
    assert tuesday_lead.status == Lead.Status.CONTACTED
    assert _due(TUESDAY_10AM + 2 * HOUR) == []


def test_alarm_for_a_lead_answered_meanwhile_does_nothing(
    tuesday_lead, firm, intake_specialist
):
    (item,) = _due(TUESDAY_10AM + 2 * HOUR)
    services.lead_log_contact(
        scope=scope_of(intake_specialist, firm),
        lead=tuesday_lead,
        actor=intake_specialist,
        kind=LeadNote.Kind.EMAIL,
        text="Answered her e-mail.",
    )
    assert item.task.call(*item.args) is False
    tuesday_lead.refresh_from_db()
    assert tuesday_lead.sla_breached_at is None


# --- Working the lead ---------------------------------------------------------------


def test_checklist_of_a_phone_lead_comes_from_the_form_of_its_practice_area(
    firm, engagement, intake_specialist
):
    make_form(
        firm,
        title="Family law inquiry",
        slug="family",
        practice_area="Family law",
        checklist=["Lives in New York", "Can pay the fee"],
    )
    lead = take_lead(firm, intake_specialist, practice_area="family law")
    assert services.checklist_for(lead) == ["Lives in New York", "Can pay the fee"]
    lead = services.lead_checklist(
        scope=scope_of(intake_specialist, firm),
        lead=lead,
        actor=intake_specialist,
        done=["Can pay the fee", "Not on the list"],
        revision=lead.revision,
    )
    assert lead.checklist_done == ["Can pay the fee"]


def test_a_change_made_on_a_stale_page_is_refused(firm, engagement, intake_specialist):
    lead = take_lead(firm, intake_specialist)
    seen = lead.revision
    scope = scope_of(intake_specialist, firm)
    services.lead_set_status(
        scope=scope,
        lead=lead,
        actor=intake_specialist,
        status=Lead.Status.QUALIFIED,
        revision=seen,
    )
    with pytest.raises(services.StaleLead) as stale:
        services.lead_set_status(
            scope=scope,
            lead=lead,
            actor=intake_specialist,
            status=Lead.Status.NO_RESPONSE,
            revision=seen,
        )
    assert stale.value.lead.status == Lead.Status.QUALIFIED
    assert Lead.unscoped.get(pk=lead.pk).status == Lead.Status.QUALIFIED


# --- Retain: all or nothing -----------------------------------------------------------


@pytest.fixture
def cleared_lead(firm, engagement, attorney, intake_specialist):
    lead = take_lead(
        firm, intake_specialist, adverse=("Carl Whitfield", "Whitfield Roofing LLC")
    )
    return clear(lead, attorney)


def _retain(lead, user, attorney, **kw):
    return services.lead_retain(
        scope=scope_of(user, lead.firm),
        lead=lead,
        actor=user,
        title=kw.pop("title", "Whitfield divorce"),
        responsible_attorney=attorney,
        practice_area="Family law",
        **kw,
    )


def test_retain_needs_a_cleared_screen(firm, engagement, attorney, intake_specialist):
    lead = take_lead(firm, intake_specialist)
    with pytest.raises(ServiceError, match="not cleared"):
        _retain(lead, intake_specialist, attorney)
    clear(lead, attorney, decision="conflict")
    with pytest.raises(ServiceError, match="not cleared"):
        _retain(lead, intake_specialist, attorney)
    assert not Matter.unscoped.exists()
    assert Lead.unscoped.get(pk=lead.pk).is_open


def test_retain_makes_the_client_the_matter_its_parties_and_the_letter_task(
    cleared_lead, attorney, intake_specialist
):
    from firmdesk.work.services import playbooks_install_starter

    lead = cleared_lead
    # The starter library: its only documents playbook is a demand letter.
    playbooks_install_starter(firm=lead.firm)
    matter, task = _retain(lead, intake_specialist, attorney, revision=lead.revision)

    lead.refresh_from_db()
    assert lead.status == Lead.Status.RETAINED and not lead.is_open
    assert lead.matter == matter and lead.closed_at is not None
    client = Contact.unscoped.get(pk=lead.client_contact_id)
    assert not client.is_prospective
    assert matter.responsible_attorney == attorney
    assert matter.practice_area == "Family law"
    assert ConflictCheck.unscoped.get(pk=lead.conflict_check_id).matter == matter
    parties = sorted(
        (p.contact.name, p.role)
        for p in MatterParty.unscoped.filter(matter=matter).select_related("contact")
    )
    assert parties == [
        ("Carl Whitfield", "adverse"),
        ("Dana Whitfield", "client"),
        ("Whitfield Roofing LLC", "adverse"),
    ]
    still_prospective = Contact.unscoped.filter(
        parties__matter=matter, is_prospective=True
    )
    assert not still_prospective.exists()
    assert task.title == "Send the engagement letter to Dana Whitfield"
    assert task.matter == matter and task.review_required
    # A firm with no letter procedure gives the letter none, rather than the
    # demand-letter procedure.
    assert task.playbook_version is None
    feedback = FeedbackRequest.unscoped.get(lead=lead)
    assert feedback.kind == FeedbackRequest.Kind.MATTER_OPENED
    assert feedback.matter == matter and feedback.email == "dana@example.com"


def test_retain_files_what_the_inquirer_sent_in_the_new_matter(
    cleared_lead, attorney, intake_specialist, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    sent = attach_to_lead(cleared_lead, "separation-agreement.pdf")
    # A step after the files moved fails: they stay with the lead alone.
    with monkeypatch.context() as patched:
        patched.setattr(services, "feedback_request", _fail)
        with pytest.raises(RuntimeError):
            _retain(cleared_lead, intake_specialist, attorney)
    sent.refresh_from_db()
    assert sent.matter is None

    matter, _ = _retain(cleared_lead, intake_specialist, attorney)
    sent.refresh_from_db()
    assert sent.matter == matter
    event = AuditEvent.objects.get(action="intake.lead_retained")
    assert event.detail["files"] == 1


def _fail(**kwargs):
    raise RuntimeError("the feedback request could not be made")


def test_retain_keeps_what_the_firm_added_to_the_contact(
    cleared_lead, firm, attorney, intake_specialist
):
    """Retaining used to save the contact with only the lead's data, wiping the
    aliases, address and birth date the firm had added since the screen."""
    client = cleared_lead.client_contact
    conflicts.contact_save(
        firm=firm,
        actor=attorney,
        contact=client,
        kind="person",
        name=client.name,
        aliases=[("Dana Moss", "maiden")],
        emails=client.emails + ["dana.moss@example.org"],
        address="12 Elm Street, Albany NY",
        date_of_birth=datetime.date(1984, 5, 2),
        is_prospective=True,
    )
    _retain(cleared_lead, intake_specialist, attorney)
    client = Contact.unscoped.get(pk=client.pk)
    assert not client.is_prospective
    assert [(a.name, a.kind) for a in client.aliases.all()] == [("Dana Moss", "maiden")]
    assert client.address == "12 Elm Street, Albany NY"
    assert client.date_of_birth == datetime.date(1984, 5, 2)
    assert client.emails == ["dana@example.com", "dana.moss@example.org"]


def _fail_task_create(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the task table is locked")

    monkeypatch.setattr("firmdesk.work.services._task_create", broken)


def _fail_after_matter_open(monkeypatch):
    real = conflicts.matter_open

    def opens_then_fails(**kwargs):
        real(**kwargs)
        raise RuntimeError("the connection dropped after the matter was written")

    monkeypatch.setattr("firmdesk.conflicts.services.matter_open", opens_then_fails)


def _fail_feedback(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("feedback table full")

    monkeypatch.setattr("firmdesk.intake.services.feedback_request", broken)


def _fail_last_audit(monkeypatch):
    real = services.audit_record

    def audit(**kwargs):
        if kwargs["action"] == "intake.lead_retained":
            raise RuntimeError("the audit chain is busy")
        return real(**kwargs)

    monkeypatch.setattr("firmdesk.intake.services.audit_record", audit)


def _non_attorney(monkeypatch):
    """Not a failure to inject: the service itself refuses this attorney."""


STEPS = [
    pytest.param(_fail_after_matter_open, RuntimeError, id="matter-open"),
    pytest.param(_fail_task_create, RuntimeError, id="letter-task"),
    pytest.param(_fail_feedback, RuntimeError, id="feedback-request"),
    pytest.param(_fail_last_audit, RuntimeError, id="audit"),
    pytest.param(_non_attorney, ServiceError, id="not-an-attorney"),
]


def _state(lead):
    return {
        "matters": Matter.unscoped.count(),
        "parties": MatterParty.unscoped.count(),
        "tasks": Task.unscoped.count(),
        "feedback": FeedbackRequest.unscoped.count(),
        "notes": LeadNote.unscoped.count(),
        "audit": AuditEvent.objects.count(),
        "prospective": sorted(
            Contact.unscoped.filter(is_prospective=True).values_list("pk", flat=True)
        ),
        "lead": Lead.unscoped.filter(pk=lead.pk)
        .values("status", "matter", "closed_at", "revision")
        .get(),
        "check_matter": ConflictCheck.unscoped.get(pk=lead.conflict_check_id).matter_id,
    }


@pytest.mark.parametrize(("break_step", "error"), STEPS)
def test_retain_leaves_nothing_behind_when_any_step_fails(
    cleared_lead,
    firm,
    attorney,
    firm_staff,
    intake_specialist,
    monkeypatch,
    break_step,
    error,
):
    before = _state(cleared_lead)
    assert before["lead"]["status"] == Lead.Status.NEW
    break_step(monkeypatch)
    who = firm_staff if break_step is _non_attorney else attorney
    with pytest.raises(error):
        _retain(cleared_lead, intake_specialist, who, revision=cleared_lead.revision)
    assert _state(cleared_lead) == before
    assert Contact.unscoped.get(pk=cleared_lead.client_contact_id).is_prospective
    # And once the fault is gone, the same lead converts.
    monkeypatch.undo()
    matter, _ = _retain(cleared_lead, intake_specialist, attorney)
    assert Lead.unscoped.get(pk=cleared_lead.pk).matter == matter


def test_retain_on_a_stale_page_is_refused_and_changes_nothing(
    cleared_lead, firm, attorney, intake_specialist
):
    services.lead_set_status(
        scope=scope_of(attorney, firm),
        lead=cleared_lead,
        actor=attorney,
        status=Lead.Status.QUALIFIED,
    )
    with pytest.raises(services.StaleLead):
        _retain(
            cleared_lead, intake_specialist, attorney, revision=cleared_lead.revision
        )
    assert not Matter.unscoped.exists()


# --- Decline ----------------------------------------------------------------------


def test_decline_makes_the_letter_task_and_keeps_them_in_the_conflict_index(
    firm, engagement, attorney, intake_specialist
):
    lead = take_lead(firm, intake_specialist)
    with pytest.raises(ServiceError):
        services.lead_decline(
            scope=scope_of(attorney, firm), lead=lead, actor=attorney, reason=" "
        )
    task = services.lead_decline(
        scope=scope_of(attorney, firm),
        lead=lead,
        actor=attorney,
        reason="Outside our practice areas.",
        revision=lead.revision,
    )

    assert task.title == "Send the non-engagement letter to Dana Whitfield"
    assert task.matter is None and task.review_required
    lead.refresh_from_db()
    assert lead.status == Lead.Status.DECLINED
    assert lead.close_reason == "Outside our practice areas."
    assert lead.client_contact.is_prospective
    assert not Matter.unscoped.exists()
    for name in ("Dana Whitfield", "Carl Whitfield"):
        hits = conflicts.conflict_search(firm=firm, names=[name])
        assert any(h.contact_name == name and h.is_prospective for h in hits), name
    with pytest.raises(ServiceError, match="closed"):
        services.lead_decline(
            scope=scope_of(attorney, firm), lead=lead, actor=attorney, reason="Again"
        )


def test_forms_are_the_firms_to_build(firm, attorney, intake_specialist, engagement):
    data = {"title": "Employment inquiry", "checklist": ["Fired in the last 6 months"]}
    with pytest.raises(ServiceError):
        services.form_save(
            scope=scope_of(intake_specialist, firm),
            actor=intake_specialist,
            form=None,
            data=data,
            questions=[],
        )
    form = services.form_save(
        scope=scope_of(attorney, firm),
        actor=attorney,
        form=None,
        data=data,
        questions=[{"label": "When did it happen?", "kind": "date"}],
    )
    assert IntakeForm.unscoped.get(pk=form.pk).slug == "employment-inquiry"
    assert [q.label for q in form.questions.all()] == ["When did it happen?"]


def test_the_other_firms_leads_stay_out_of_a_scope(
    firm, other_firm, engagement, other_engagement, intake_specialist, outsider
):
    mine = take_lead(firm, intake_specialist, screen=False)
    theirs = take_lead(other_firm, outsider, name="Brandt Prospect", screen=False)
    scope = scope_of(intake_specialist, firm)
    assert list(Lead.objects.in_scope(scope)) == [mine]
    both = resolve_scope(intake_specialist, other_firm)
    assert set(Lead.objects.in_scopes([scope, both])) == {mine, theirs}


# --- A lead's announcement is never lost ------------------------------------------


def announce_jobs():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path__endswith="announce_lead")


def lead_sweep():
    from firmdesk.jobs.schedule import Schedule

    schedule = Schedule()
    schedule.due_work(tasks.leads_to_announce)
    return schedule


def test_a_lead_whose_announcement_enqueue_was_lost_is_announced_by_the_sweep(
    firm, engagement, intake_specialist
):
    # Found by make soak: PostgreSQL restarting just after a lead committed
    # made after_arrival's enqueue fail, and the team was never told.
    lead = take_lead(firm, intake_specialist, screen=False)
    assert not announce_jobs().exists()

    assert lead_sweep().enqueue_due() == 1
    assert lead_sweep().enqueue_due() == 0
    (job,) = announce_jobs()
    assert job.args_kwargs["args"] == [lead.pk]


def test_the_sweep_skips_a_lead_announced_after_its_commit(
    firm, engagement, intake_specialist
):
    lead = take_lead(firm, intake_specialist, screen=False)
    services.after_arrival(lead.pk, confirm=False)

    assert lead_sweep().enqueue_due() == 0
    assert announce_jobs().count() == 1


# --- The visitor's confirmation is never lost -------------------------------------


def confirmation_jobs():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path__endswith="send_submission_confirmation"
    )


def confirmation_sweep():
    from firmdesk.jobs.schedule import Schedule

    schedule = Schedule()
    schedule.due_work(tasks.confirmations_due)
    return schedule


def web_lead(firm):
    form = make_form(
        firm, title="Family law inquiry", slug="family", practice_area="Family law"
    )
    return services.lead_submit(
        form=form,
        submission=services.Submission(name="Dana Whitfield", email="dana@x.org"),
        address="203.0.113.9",
    )


def test_a_visitor_whose_confirmation_enqueue_was_lost_is_confirmed_once(
    firm, engagement, mailoutbox
):
    # Inside the test's transaction no commit comes: as if the process died
    # right after the lead was stored, before after_arrival enqueued anything.
    lead = web_lead(firm)
    assert not confirmation_jobs().exists()

    assert confirmation_sweep().enqueue_due() == 1
    assert confirmation_sweep().enqueue_due() == 0
    (job,) = confirmation_jobs()
    assert job.args_kwargs["args"] == [lead.pk]
    assert tasks.send_submission_confirmation.call(lead.pk) is True
    assert tasks.send_submission_confirmation.call(lead.pk) is False
    assert [m.to for m in mailoutbox] == [["dana@x.org"]]


def test_the_sweep_skips_a_confirmation_enqueued_after_the_commit(firm, engagement):
    lead = web_lead(firm)
    services.after_arrival(lead.pk, confirm=True)
    assert confirmation_jobs().count() == 1

    assert confirmation_sweep().enqueue_due() == 0
    assert confirmation_jobs().count() == 1


def test_the_sweep_confirms_no_lead_staff_took_down(
    firm, engagement, intake_specialist
):
    take_lead(firm, intake_specialist, screen=False)

    assert confirmation_sweep().enqueue_due() == 0
