"""Fixtures of the intake routes (registry_intake.py): an intake specialist of
the shared provider serving both firms, an intake form and a lead in each firm,
and builders the intake tests share.

The shared provider staff ("assistant", "ungranted_assistant") are assigned
scheduling and documents only: they do not work leads, so lead pages answer
them 404. The intake specialist is assigned intake only, in both firms."""

import datetime

import pytest
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.conflicts import services as conflicts
from firmdesk.intake import services
from firmdesk.intake.models import IntakeForm, IntakeQuestion, Lead
from firmdesk.matters.models import MatterParty
from tests import factories as f

__all__ = [
    "intake_form",
    "intake_specialist",
    "lead",
    "lead_document",
    "other_intake_form",
    "other_lead",
    "other_lead_document",
]

CHECKLIST = ["Lives in New York", "Within the limitation period", "Can pay the fee"]


@pytest.fixture
def intake_specialist(provider, engagement, other_engagement):
    user = f.member(
        provider,
        ["intake_specialist"],
        email="intake@northstar.test",
        full_name="Ines Duarte",
    )
    f.assign(engagement, user, functions=("intake",))
    f.assign(other_engagement, user, functions=("intake",))
    return user


def make_form(firm, *, title, slug, practice_area, checklist=CHECKLIST):
    form = IntakeForm.unscoped.create(
        firm=firm,
        title=title,
        slug=slug,
        practice_area=practice_area,
        checklist=list(checklist),
    )
    IntakeQuestion.unscoped.create(
        firm=firm,
        form=form,
        position=0,
        label="Are there children of the marriage?",
        kind=IntakeQuestion.Kind.YES_NO,
        required=True,
    )
    return form


@pytest.fixture
def intake_form(firm):
    return make_form(
        firm, title="Family law inquiry", slug="family", practice_area="Family law"
    )


@pytest.fixture
def other_intake_form(other_firm):
    return make_form(
        other_firm,
        title="Brandt intake",
        slug="brandt-intake",
        practice_area="Employment",
    )


def _lead(firm, form, name, adverse):
    now = timezone.now()
    return Lead.unscoped.create(
        firm=firm,
        source=Lead.Source.WEB_FORM,
        form=form,
        practice_area=form.practice_area,
        name=name,
        email="prospect@example.com",
        description="My spouse moved out in March.",
        adverse_parties=[adverse],
        answers=[{"question": "Are there children of the marriage?", "answer": True}],
        received_at=now,
        response_due_at=now + datetime.timedelta(hours=1),
    )


@pytest.fixture
def lead(firm, intake_form):
    return _lead(firm, intake_form, "Dana Whitfield", "Carl Whitfield")


@pytest.fixture
def other_lead(other_firm, other_intake_form):
    return _lead(other_firm, other_intake_form, "Brandt Prospect", "Brandt Rival")


def attach_to_lead(lead, name: str, content: bytes = b"%PDF-1.7\n%%EOF\n"):
    """A file the inquirer sent, as the public form stores it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from firmdesk.documents.services import document_upload

    document = document_upload(
        firm=lead.firm,
        actor=None,
        uploaded_file=SimpleUploadedFile(name, content),
        matter=None,
    )
    lead.documents.add(document)
    return document


@pytest.fixture
def lead_document(lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return attach_to_lead(lead, "separation-agreement.pdf")


@pytest.fixture
def other_lead_document(other_lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return attach_to_lead(other_lead, "brandt-letter.pdf")


# --- Builders for the intake tests ----------------------------------------------


def take_lead(
    firm,
    user,
    *,
    name="Dana Whitfield",
    adverse=("Carl Whitfield",),
    email="dana@example.com",
    phone="",
    practice_area="Family law",
    source="phone",
    now=None,
    screen=True,
) -> Lead:
    """A lead taken by ``user`` through the service, screened as the job would
    after the commit (tests run inside one transaction, so no commit comes)."""
    lead = services.lead_create(
        scope=resolve_scope(user, firm),
        actor=user,
        source=source,
        practice_area=practice_area,
        submission=services.Submission(
            name=name,
            email=email,
            phone=phone,
            description="We separated in March; he kept the house.",
            adverse_parties=tuple(adverse),
        ),
        now=now,
    )
    if screen:
        services.lead_screen(lead)
        lead.refresh_from_db()
    return lead


def existing_client(firm, attorney, *, name="Carl Whitfield", number="M-2025-077"):
    """A client of the firm on an open matter, in the conflict index."""
    contact = conflicts.contact_save(
        firm=firm, actor=attorney, kind="person", name=name
    )
    matter = f.MatterFactory(
        firm=firm,
        number=number,
        title=f"Estate of {name}",
        responsible_attorney=attorney,
    )
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )
    return contact, matter


def clear(lead, attorney, decision="clear", note=""):
    services.lead_decide_conflict(
        scope=resolve_scope(attorney, lead.firm),
        lead=lead,
        decision=decision,
        note=note,
    )
    lead.refresh_from_db()
    return lead
