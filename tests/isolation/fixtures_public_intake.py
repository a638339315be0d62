"""Fixtures of the public intake routes (registry_public_intake.py): a public
form, a lead that came through it and a feedback request in firm A, and the
same form and lead in firm B (for firm B's slugs and tokens under firm A)."""

import pytest
from django.utils import timezone

from firmdesk.intake.models import FeedbackRequest, IntakeForm, IntakeQuestion, Lead

__all__ = [
    "public_feedback_request",
    "public_form",
    "public_lead",
    "public_other_form",
    "public_other_lead",
]


def _form(firm, slug):
    form = IntakeForm.unscoped.create(
        firm=firm, title="Injury inquiry", slug=slug, practice_area="Personal injury"
    )
    IntakeQuestion.unscoped.create(
        firm=firm, form=form, label="When did it happen?", kind="date", required=True
    )
    return form


def _lead(form, name):
    return Lead.unscoped.create(
        firm=form.firm,
        form=form,
        source=Lead.Source.WEB_FORM,
        name=name,
        email="visitor@example.com",
        received_at=timezone.now(),
    )


@pytest.fixture
def public_form(firm):
    return _form(firm, "injury")


@pytest.fixture
def public_other_form(other_firm):
    return _form(other_firm, "brandt-injury")


@pytest.fixture
def public_lead(public_form):
    return _lead(public_form, "Maria Lopez")


@pytest.fixture
def public_other_lead(public_other_form):
    return _lead(public_other_form, "Brandt Visitor")


@pytest.fixture
def public_feedback_request(public_lead):
    return FeedbackRequest.unscoped.create(
        firm=public_lead.firm,
        kind=FeedbackRequest.Kind.CONSULTATION,
        lead=public_lead,
        email=public_lead.email,
        name=public_lead.name,
    )
