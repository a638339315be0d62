"""Intake promises that match (issue 16, item 8): what the public form promises
is what the engagement agreed; the first-response warning never comes before
the clock has run; a form sent twice makes one lead; booking offers the
inquiry's practice area first; retaining a lead onto a contact already on file
is the user's choice, never made for them.

Instants are written in UTC; New York is UTC-5 in November.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.conflicts import services as conflicts
from firmdesk.intake import public, services, tasks
from firmdesk.intake.models import HeldUpload, Lead
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.orgs.models import StaffProfile
from tests import factories as f
from tests.isolation.fixtures_intake import *  # noqa: F403
from tests.isolation.fixtures_intake import clear, existing_client, take_lead

UTC = datetime.UTC
MINUTE = datetime.timedelta(minutes=1)
# Tuesday 17 November 2026, 10:00 in New York.
TUESDAY_10AM = datetime.datetime(2026, 11, 17, 15, 0, tzinfo=UTC)


def submission(**fields):
    return services.Submission(
        **{
            "name": "Maria Lopez",
            "email": "maria@example.com",
            "description": "A truck hit my car.",
            **fields,
        }
    )


# --- The promise ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "cover", "promise"),
    [
        (
            30,
            "",
            "We will answer you within 30 minutes during the firm's business hours.",
        ),
        (60, "", "We will answer you within 1 hour during the firm's business hours."),
        (
            90,
            "Night desk",
            "We will answer you within 1 hour 30 minutes, day or night.",
        ),
        (120, "Night desk", "We will answer you within 2 hours, day or night."),
    ],
)
def test_promise_is_the_engagements_agreed_first_response_time(
    firm, engagement, minutes, cover, promise
):
    engagement.first_response_minutes = minutes
    engagement.after_hours_cover = cover
    engagement.save()
    assert services.response_promise(services.intake_engagement(firm)) == promise


def test_promise_without_an_intake_engagement_is_the_firms_default_hour(firm):
    assert services.intake_engagement(firm) is None
    assert services.response_promise(None) == (
        "We will answer you within 1 hour during the firm's business hours."
    )


# --- The warning before a breach ------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "agreed", "lead"),
    [(60, 120, 60), (60, 60, 30), (60, 30, 15), (60, 15, 7.5), (10, 30, 10)],
)
def test_warning_lead_is_clamped_to_half_the_agreed_time(
    settings, configured, agreed, lead
):
    settings.FIRMDESK_SLA_WARNING_MINUTES = configured
    assert services.warning_lead(agreed) == lead * MINUTE


def _alarms(now):
    return list(tasks.lead_response_alarms(now))


def test_warning_on_a_short_promise_never_fires_as_the_lead_arrives(
    firm, engagement, intake_specialist, settings
):
    """A 60-minute warning on a 15-minute promise fired the moment the lead
    came in; clamped, it comes once the clock has run half its time."""
    settings.FIRMDESK_SLA_WARNING_MINUTES = 60
    engagement.first_response_minutes = 15
    engagement.save()
    lead = take_lead(firm, intake_specialist, now=TUESDAY_10AM, screen=False)
    assert lead.response_due_at == TUESDAY_10AM + 15 * MINUTE

    assert _alarms(TUESDAY_10AM) == []
    assert _alarms(TUESDAY_10AM + 7 * MINUTE) == []
    (warning,) = _alarms(TUESDAY_10AM + 8 * MINUTE)
    assert warning.kind == "intake.lead-warning"
    assert warning.due_at == TUESDAY_10AM + 7.5 * MINUTE


def test_old_leads_are_clamped_when_the_alarm_runs(
    firm, engagement, intake_specialist, settings
):
    """A lead stored before the clamp existed carries only its due time: the
    alarm clamps from its engagement's agreed time as it runs."""
    settings.FIRMDESK_SLA_WARNING_MINUTES = 45
    engagement.first_response_minutes = 30
    engagement.save()
    lead = take_lead(firm, intake_specialist, now=TUESDAY_10AM, screen=False)
    assert services.lead_warning_at(lead) == TUESDAY_10AM + 15 * MINUTE
    assert _alarms(TUESDAY_10AM + 14 * MINUTE) == []
    assert [a.kind for a in _alarms(TUESDAY_10AM + 15 * MINUTE)] == [
        "intake.lead-warning"
    ]


def test_a_warning_lead_that_is_no_whole_positive_number_is_refused_at_start(
    settings,
):
    from firmdesk.intake.checks import check_warning_lead

    settings.FIRMDESK_SLA_WARNING_MINUTES = 60
    assert check_warning_lead(None) == []
    settings.FIRMDESK_SLA_WARNING_MINUTES = -5
    (error,) = check_warning_lead(None)
    assert "FIRMDESK_SLA_WARNING_MINUTES" in error.msg
    assert "-5" in error.msg


# --- A form sent twice ----------------------------------------------------------------


def test_the_same_form_token_sent_twice_makes_one_lead(firm, engagement, intake_form):
    token = "t" * 32
    first = services.lead_submit(
        form=intake_form,
        submission=submission(),
        address="203.0.113.9",
        form_token=token,
    )
    again = services.lead_submit(
        form=intake_form,
        submission=submission(description="Typed again after a timeout."),
        address="203.0.113.9",
        form_token=token,
    )
    assert again.pk == first.pk
    assert Lead.objects.for_firm(firm).count() == 1
    assert AuditEvent.objects.filter(action="intake.lead_received").count() == 1


def test_a_second_sending_that_loses_the_race_answers_the_first_lead(
    firm, engagement, intake_form, monkeypatch
):
    """Both sendings looked before either stored: the unique constraint lets
    one in, and the other answers the lead the first made, with no file."""
    token = "r" * 32
    first = services.lead_submit(
        form=intake_form,
        submission=submission(),
        address="203.0.113.9",
        form_token=token,
    )
    monkeypatch.setattr(services, "lead_by_form_token", _blind_once(first))
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n0", "application/pdf")
    again = services.lead_submit(
        form=intake_form,
        submission=submission(files=(upload,)),
        address="203.0.113.9",
        form_token=token,
    )
    assert again.pk == first.pk
    assert Lead.objects.for_firm(firm).count() == 1
    assert not first.documents.exists()


def _blind_once(lead):
    calls = []

    def lookup(firm, form_token):
        calls.append(form_token)
        return None if len(calls) == 1 else lead

    return lookup


def test_forms_without_a_token_each_make_their_lead(firm, engagement, intake_form):
    for _ in range(2):
        services.lead_submit(
            form=intake_form, submission=submission(), address="203.0.113.9"
        )
    assert Lead.objects.for_firm(firm).count() == 2


def test_the_same_token_at_another_firm_is_another_lead(
    firm, other_firm, engagement, intake_form, other_intake_form
):
    token = "s" * 32
    for form in (intake_form, other_intake_form):
        services.lead_submit(
            form=form, submission=submission(), address="203.0.113.9", form_token=token
        )
    assert Lead.unscoped.filter(form_token=token).count() == 2


# --- Files held through an error ------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * 100, "application/pdf")


def test_a_held_file_goes_with_the_lead_when_the_form_is_sent(
    firm, engagement, intake_form, media
):
    held = public.upload_hold(
        firm=firm,
        form_token="h" * 32,
        field="q2",
        uploaded_file=pdf("police-report.pdf"),
        address="203.0.113.9",
    )
    lead = services.lead_submit(
        form=intake_form,
        submission=submission(held=(held,)),
        address="203.0.113.9",
        form_token="h" * 32,
    )
    assert [d.title for d in lead.documents.all()] == ["police-report.pdf"]
    assert not HeldUpload.objects.for_firm(firm).exists()


def test_a_new_file_for_the_same_field_replaces_the_held_one(firm, media):
    for name in ("first.pdf", "second.pdf"):
        public.upload_hold(
            firm=firm,
            form_token="h" * 32,
            field="q2",
            uploaded_file=pdf(name),
            address="203.0.113.9",
        )
    (held,) = public.held_uploads(firm, "h" * 32).values()
    assert held.document.title == "second.pdf"


def test_files_held_for_one_address_are_capped(firm, media, monkeypatch):
    monkeypatch.setattr(public, "HELD_PER_ADDRESS", 2)
    kept = [
        public.upload_hold(
            firm=firm,
            form_token=f"{n}" * 32,
            field="q1",
            uploaded_file=pdf(),
            address="203.0.113.9",
        )
        for n in range(3)
    ]
    assert kept[2] is None and None not in kept[:2]


def test_held_files_never_sent_are_swept_after_a_day(firm, media):
    held = public.upload_hold(
        firm=firm,
        form_token="h" * 32,
        field="q2",
        uploaded_file=pdf(),
        address="203.0.113.9",
    )
    assert public.held_uploads_sweep(firm=firm) == 0
    later = held.created_at + public.HELD_FOR + MINUTE
    assert public.held_uploads_sweep(firm=firm, now=later) == 1
    assert not HeldUpload.objects.for_firm(firm).exists()


# --- Booking: the inquiry's practice area first ---------------------------------------


@pytest.fixture
def partners(firm, attorney):
    """Owen Ortiz (attorney) does no family law; Zoe Young is responsible for
    an open family matter; Yves Abel lists it in his profile."""
    zoe = f.member(firm, ["attorney"], email="zoe@hale.test", full_name="Zoe Young")
    f.MatterFactory(
        firm=firm,
        number="M-2026-010",
        practice_area="Family law",
        responsible_attorney=zoe,
    )
    yves = f.member(firm, ["attorney"], email="yves@hale.test", full_name="Yves Abel")
    StaffProfile.objects.create(
        user=yves, organization=firm, practice_areas=["family LAW"]
    )
    return attorney, zoe, yves


def test_attorneys_of_the_inquirys_practice_area_come_first(firm, partners):
    owen, zoe, yves = partners
    by_name = services.booking_attorneys(firm)
    assert by_name == [owen, yves, zoe]
    assert services.booking_attorneys(firm, practice_area="Family law") == [
        yves,
        zoe,
        owen,
    ]
    assert services.booking_attorneys(firm, practice_area="Tax") == by_name


def test_a_closed_matter_does_not_make_an_attorney_of_its_area(firm, partners):
    owen, zoe, yves = partners
    Matter.objects.for_firm(firm).filter(number="M-2026-010").update(
        status=Matter.Status.CLOSED
    )
    assert services.attorneys_of_area(firm, "Family law", [owen, zoe, yves]) == {
        yves.pk
    }


def test_at_each_time_the_area_attorney_is_offered(firm, partners):
    """Every attorney keeps the firm's hours, so each time is free for all;
    the page shows one attorney per time: the first in the given order."""
    attorneys = services.booking_attorneys(firm, practice_area="Family law")
    start = datetime.datetime(2027, 1, 11, 15, 0, tzinfo=UTC)
    slots = services.booking_slots(
        firm, attorneys=attorneys, start=start, days=1, now=start
    )
    assert slots
    first_at = {}
    for attorney, slot in slots:
        first_at.setdefault(slot.start, attorney)
    assert set(first_at.values()) <= {attorneys[0], attorneys[1]}
    assert attorneys[2] not in first_at.values()


# --- Retaining onto a contact already on file -----------------------------------------


@pytest.fixture
def returning(firm, attorney, intake_specialist):
    """Dana Whitfield, a client of the firm since 2025, inquires again."""
    contact, matter = existing_client(
        firm, attorney, name="Dana Whitfield", number="M-2025-011"
    )
    lead = take_lead(firm, intake_specialist, adverse=("Ray Moss",))
    clear(lead, attorney, decision="waived", note="Same client; no conflict.")
    return contact, lead


def retain(lead, attorney, **choice):
    return services.lead_retain(
        scope=resolve_scope(attorney, lead.firm),
        lead=lead,
        actor=attorney,
        title="Whitfield v. Moss",
        responsible_attorney=attorney,
        **choice,
    )


def test_a_contact_with_the_same_name_is_offered(firm, attorney, returning):
    contact, lead = returning
    matches = services.contacts_like_lead(
        scope=resolve_scope(attorney, firm), lead=lead
    )
    assert [m.contact for m in matches] == [contact]
    assert lead.client_contact not in [m.contact for m in matches]


def test_a_contact_with_the_same_email_is_offered_whatever_the_name(
    firm, attorney, intake_specialist
):
    on_file = conflicts.contact_save(
        firm=firm,
        actor=attorney,
        kind="person",
        name="Dee Whitfield-Moss",
        emails=["dana@example.com"],
    )
    lead = take_lead(firm, intake_specialist)
    matches = services.contacts_like_lead(
        scope=resolve_scope(attorney, firm), lead=lead
    )
    assert [m.contact for m in matches] == [on_file]
    assert matches[0].why == ["same e-mail address"]


def test_retaining_with_a_match_on_file_needs_a_choice(firm, attorney, returning):
    contact, lead = returning
    with pytest.raises(ServiceError) as refused:
        retain(lead, attorney)
    assert refused.value.field == "client"
    assert "Dana Whitfield" in refused.value.message
    lead.refresh_from_db()
    assert lead.status != Lead.Status.RETAINED
    assert not Matter.objects.for_firm(firm).filter(title="Whitfield v. Moss").exists()


def test_retaining_onto_the_contact_on_file_adds_no_duplicate_client(
    firm, attorney, returning
):
    contact, lead = returning
    screening = lead.client_contact
    matter, _ = retain(lead, attorney, existing_contact=contact)

    client = MatterParty.objects.for_firm(firm).get(matter=matter, role="client")
    assert client.contact == contact
    contact.refresh_from_db()
    assert contact.emails == ["dana@example.com"]
    lead.refresh_from_db()
    assert lead.client_contact == contact
    screening.refresh_from_db()
    assert screening.is_prospective, "the inquiry's own record stays as it was"
    clients = Contact.objects.for_firm(firm).filter(
        name="Dana Whitfield", is_prospective=False
    )
    assert list(clients) == [contact]
    event = AuditEvent.objects.get(action="intake.lead_retained")
    assert event.detail["onto_existing_contact"] is True


def test_retaining_as_a_new_contact_when_chosen(firm, attorney, returning):
    contact, lead = returning
    matter, _ = retain(lead, attorney, as_new_contact=True)
    client = MatterParty.objects.for_firm(firm).get(matter=matter, role="client")
    assert client.contact == lead.client_contact != contact


def test_a_contact_that_is_no_match_is_refused(firm, attorney, returning):
    _, lead = returning
    stranger = conflicts.contact_save(
        firm=firm, actor=attorney, kind="person", name="Quentin Blake"
    )
    with pytest.raises(ServiceError) as refused:
        retain(lead, attorney, existing_contact=stranger)
    assert refused.value.field == "client"


def test_a_lead_with_no_match_on_file_retains_as_before(
    firm, attorney, intake_specialist
):
    lead = take_lead(firm, intake_specialist, name="Nadia Quist", adverse=())
    clear(lead, attorney)
    matter, _ = retain(lead, attorney)
    client = MatterParty.objects.for_firm(firm).get(matter=matter, role="client")
    assert client.contact == lead.client_contact
