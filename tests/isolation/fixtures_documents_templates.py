"""Rows of firm A (and firm B) that registry_documents_templates.py points at: a
template of each firm and a draft generated from it on each firm's matter."""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.documents import drafting_services
from tests.documents.drafting_helpers import docx, docx_upload

__all__ = [
    "generated_draft",
    "letter_template",
    "other_generated_draft",
    "other_letter_template",
]

LETTER = docx("Dear {{ client_name }},", "Re: {{ matter_title }}", "{{ amount }}")


def _template(firm, actor, name):
    return drafting_services.template_upload(
        firm=firm,
        actor=actor,
        uploaded_file=docx_upload(LETTER),
        name=name,
        questions=[{"name": "amount", "label": "Amount", "kind": "money"}],
    )


def _draft(firm, user, matter, template):
    return drafting_services.draft_generate(
        scope=resolve_scope(user, firm),
        template=template,
        matter=matter,
        answers={"amount": "100"},
        today=datetime.date(2026, 12, 6),
    )


@pytest.fixture
def letter_template(firm, firm_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return _template(firm, firm_admin, "Client letter")


@pytest.fixture
def other_letter_template(other_firm, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return _template(other_firm, outsider, "Brandt letter")


@pytest.fixture
def generated_draft(firm, attorney, matter, letter_template):
    return _draft(firm, attorney, matter, letter_template)


@pytest.fixture
def other_generated_draft(other_firm, outsider, other_matter, other_letter_template):
    return _draft(other_firm, outsider, other_matter, other_letter_template)
