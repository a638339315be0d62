"""Templates and generated drafts through the services: what the firm uploads,
what a generated draft holds, who may generate, and that nothing readable is
stored."""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.documents import drafting_services as services
from firmdesk.documents import starters, storage
from firmdesk.documents.models import Document, DocumentTemplate
from firmdesk.matters.models import Contact, ContactRelationship, MatterParty
from tests import factories as f

from .drafting_helpers import docx, docx_upload, text_of
from .helpers import stored_files, upload

TODAY = datetime.date(2026, 12, 6)
LETTER = docx(
    "{{ firm_name }}",
    "Dear {{ client_name }},",
    "Re: {{ matter_title }} ({{ matter_number }}); against {{ adverse_parties }}",
    "Pay {{ amount_demanded }} by {{ response_deadline }}.",
    "{{ attorney_signature_block }}",
)
DEMAND = [
    {"name": "amount_demanded", "label": "Amount", "kind": "money"},
    {"name": "response_deadline", "label": "Deadline", "kind": "future_date"},
]


def _party(firm, matter, name, role, kind="person"):
    contact = Contact.unscoped.create(firm=firm, name=name, kind=kind)
    MatterParty.unscoped.create(firm=firm, matter=matter, contact=contact, role=role)
    return contact


@pytest.fixture
def people(firm, matter):
    client = _party(firm, matter, "Maria Lopez", "client")
    client.address = "14 Elm Street\nBrooklyn, NY 11201"
    client.emails = ["maria@example.com"]
    client.save()
    _party(firm, matter, "Acme Logistics Inc.", "adverse", "organization")
    _party(firm, matter, "Delta Freight LLC", "adverse", "organization")
    counsel = _party(firm, matter, "Dana Whitfield", "opposing_counsel")
    employer = Contact.unscoped.create(firm=firm, name="Whitfield & Crane LLP")
    ContactRelationship.unscoped.create(
        firm=firm, from_contact=employer, to_contact=counsel, kind="employer"
    )


@pytest.fixture
def template(firm, firm_admin):
    return services.template_upload(
        firm=firm,
        actor=firm_admin,
        uploaded_file=docx_upload(LETTER),
        name="Demand letter",
        questions=DEMAND,
    )


def _generate(user, firm, matter, template, **extra):
    return services.draft_generate(
        scope=resolve_scope(user, firm),
        template=template,
        matter=matter,
        answers=extra.pop(
            "answers",
            {"amount_demanded": "12500", "response_deadline": "2027-01-15"},
        ),
        today=TODAY,
        **extra,
    )


def test_generated_draft_holds_the_merged_values(
    firm, matter, attorney, template, people
):
    document = _generate(attorney, firm, matter, template)
    version = document.current_version
    text = text_of(storage.read_plaintext(version))
    assert "Dear Maria Lopez," in text
    assert (
        "Re: Lopez v. Acme (M-2026-001); against Acme Logistics Inc. and Delta "
        "Freight LLC" in text
    )
    assert "Pay $12,500.00 by January 15, 2027." in text
    assert "Owen Ortiz\nHale & Ortiz LLP\nattorney@hale.test" in text
    assert document.status == Document.Status.DRAFT
    assert document.template == template and document.matter == matter
    assert version.number == 1 and version.empty_fields == []
    assert version.merge_values["amount_demanded"] == "$12,500.00"
    assert version.merge_values["client_name"] == "Maria Lopez"
    assert AuditEvent.objects.filter(org=firm, action="document.generated").exists()


def test_blank_answers_are_recorded_as_empty_fields(firm, matter, attorney, template):
    document = _generate(attorney, firm, matter, template, answers={})
    version = document.current_version
    assert set(version.empty_fields) == {
        "client_name",
        "adverse_parties",
        "amount_demanded",
        "response_deadline",
    }
    assert version.merge_values["amount_demanded"] == ""


def test_record_values_cover_parties_counsel_and_dates(firm, matter, attorney, people):
    from firmdesk.documents.drafting import record_values

    scope = resolve_scope(attorney, firm)
    values = record_values(scope=scope, matter=matter, today=TODAY)
    assert values["opposing_counsel"] == "Dana Whitfield"
    assert values["opposing_counsel_firm"] == "Whitfield & Crane LLP"
    assert values["client_salutation"] == "Dear Maria Lopez"
    assert values["date_plus_14"] == "December 20, 2026"
    assert values["today_short"] == "12/06/2026"
    assert "Maria Lopez (client)" in values["all_parties"]


def test_generated_file_is_stored_encrypted(
    firm, matter, attorney, template, people, media_root
):
    _generate(attorney, firm, matter, template)
    for path in stored_files(media_root):
        raw = path.read_bytes()
        assert b"word/document.xml" not in raw and b"Lopez" not in raw


def test_draft_attaches_to_the_task_that_asked_for_it(
    firm, matter, attorney, assistant, template
):
    task = f.task(firm, matter=matter, assignee=assistant, title="Draft the demand")
    document = _generate(assistant, firm, matter, template, task=task)
    assert list(document.tasks.all()) == [task]


def test_unknown_field_refuses_generation_naming_it(firm, matter, attorney, firm_admin):
    bad = services.template_upload(
        firm=firm,
        actor=firm_admin,
        uploaded_file=docx_upload(docx("Dear {{ client_nmae }}")),
        name="Bad letter",
    )
    assert services.template_check(bad).unknown == [("client_nmae", "client_name")]
    with pytest.raises(ServiceError, match="“client_nmae”"):
        _generate(attorney, firm, matter, bad)
    assert not Document.objects.for_firm(firm).filter(template=bad).exists()


def test_declaring_a_question_makes_the_template_usable(firm, firm_admin, matter):
    template = services.template_upload(
        firm=firm,
        actor=firm_admin,
        uploaded_file=docx_upload(docx("{{ ClaimNumber }}")),
        name="Claim",
    )
    assert not services.template_check(template).usable
    services.template_set_questions(
        firm=firm,
        actor=firm_admin,
        template=template,
        questions=[{"name": "ClaimNumber", "label": "Claim number", "kind": "text"}],
    )
    document = _generate(
        firm_admin, firm, matter, template, answers={"claim_number": "C-77"}
    )
    assert text_of(storage.read_plaintext(document.current_version)) == "C-77"


def test_a_record_field_cannot_be_declared_a_question(firm, firm_admin, template):
    with pytest.raises(ServiceError, match="filled from FirmDesk's records"):
        services.template_set_questions(
            firm=firm,
            actor=firm_admin,
            template=template,
            questions=[{"name": "client_name", "label": "Client", "kind": "text"}],
        )


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("letter.pdf", b"%PDF-1.7\n%%EOF\n", "not a Word .docx file"),
        ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), ".docx"),
        ("letter.docx", b"PK\x03\x04 broken", "does not look like a Word document"),
    ],
)
def test_a_file_that_is_not_a_docx_is_refused_clearly(
    firm, firm_admin, name, content, says
):
    with pytest.raises(ServiceError, match=says):
        services.template_upload(
            firm=firm, actor=firm_admin, uploaded_file=upload(name, content), name="X"
        )
    assert not DocumentTemplate.objects.for_firm(firm).exists()


def test_replacing_the_file_checks_again_and_keeps_questions(
    firm, firm_admin, template
):
    services.template_replace(
        firm=firm,
        actor=firm_admin,
        template=template,
        uploaded_file=docx_upload(docx("{{ amount_demanded }} {{ client_emial }}")),
    )
    template.refresh_from_db()
    assert template.document.current_version.number == 2
    assert template.fields == ["amount_demanded", "client_emial"]
    assert template.questions == DEMAND
    assert services.template_check(template).unknown == [
        ("client_emial", "client_email")
    ]


def test_a_retired_template_cannot_be_used(
    firm, firm_admin, attorney, matter, template
):
    services.template_set_active(
        firm=firm, actor=firm_admin, template=template, active=False
    )
    with pytest.raises(ServiceError, match="retired"):
        _generate(attorney, firm, matter, template)


def test_generate_again_makes_the_next_version_with_previous_answers(
    firm, matter, attorney, template
):
    document = _generate(attorney, firm, matter, template)
    assert services.previous_answers(document) == {
        "amount_demanded": "12500.00",
        "response_deadline": "2027-01-15",
    }
    version = services.draft_generate_again(
        scope=resolve_scope(attorney, firm),
        document=document,
        answers={"amount_demanded": "900", "response_deadline": "2027-02-01"},
        today=TODAY,
    )
    assert version.number == 2
    assert "Pay $900.00 by February 1, 2027." in text_of(
        storage.read_plaintext(version)
    )


@pytest.mark.parametrize("status", ["in_review", "approved", "final"])
def test_generate_again_is_refused_once_not_a_draft(
    firm, matter, attorney, template, status
):
    document = _generate(attorney, firm, matter, template)
    Document.unscoped.filter(pk=document.pk).update(status=status)
    document.refresh_from_db()
    with pytest.raises(ServiceError, match="no longer a draft"):
        services.draft_generate_again(
            scope=resolve_scope(attorney, firm),
            document=document,
            answers={},
            today=TODAY,
        )
    assert document.versions.count() == 1


def test_provider_staff_need_the_documents_function_to_draft(
    firm, matter, engagement, provider, template
):
    user = f.member(provider, ["assistant"], email="sched@northstar.test")
    f.assign(engagement, user, functions=("scheduling",))
    f.grant(engagement, matter, user)
    scope = resolve_scope(user, firm)
    assert scope.can_see_matter(matter)
    assert not services.may_draft_on(scope, matter)
    with pytest.raises(ServiceError):
        _generate(user, firm, matter, template)


def test_starter_templates_are_added_once(firm, firm_admin, matter):
    assert starters.add_starter_templates(firm, firm_admin) == len(starters.STARTERS)
    assert starters.add_starter_templates(firm, firm_admin) == 0
    demand = DocumentTemplate.objects.for_firm(firm).get(starter="demand_letter")
    document = _generate(
        firm_admin,
        firm,
        matter,
        demand,
        answers={
            "amount_demanded": "5000",
            "response_deadline": "2027-01-15",
            "claim_description": "unpaid freight invoices",
        },
    )
    text = text_of(storage.read_plaintext(document.current_version))
    assert "$5,000.00" in text and "unpaid freight invoices" in text
    assert "Hale & Ortiz LLP" in text


def test_a_starter_name_the_firm_already_uses_is_kept(firm, firm_admin):
    services.template_upload(
        firm=firm,
        actor=firm_admin,
        uploaded_file=docx_upload(docx("{{ client_name }}")),
        name="Demand letter",
    )
    starters.add_starter_templates(firm, firm_admin)
    names = set(DocumentTemplate.objects.for_firm(firm).values_list("name", flat=True))
    assert {"Demand letter", "Demand letter (FirmDesk starter)"} <= names
