import pytest
from django.http import Http404

from firmdesk.access.scope import resolve_scope
from firmdesk.documents.models import Document, DocumentVersion
from firmdesk.documents.selectors import access_document
from firmdesk.documents.services import document_upload
from firmdesk.matters.models import MatterScreen
from tests import factories as f

from .helpers import upload


@pytest.fixture
def hidden_matter(firm):
    """A matter of firm A that no provider staff member was granted."""
    return f.MatterFactory(firm=firm, number="M-2026-077", title="Sealed matter")


def _doc(firm, actor, matter=None, name="Lease.pdf"):
    return document_upload(
        firm=firm, actor=actor, uploaded_file=upload(name), matter=matter
    )


def _visible(user, firm):
    return set(Document.objects.in_scope(resolve_scope(user, firm)))


def test_firm_member_sees_the_firms_documents(firm, attorney, matter):
    on_matter = _doc(firm, attorney, matter)
    loose = _doc(firm, attorney)
    scope = resolve_scope(attorney, firm)
    assert access_document(scope, on_matter.public_id) == on_matter
    assert access_document(scope, loose.public_id, for_write=True) == loose


def test_outsider_gets_404(firm, attorney, matter, outsider, other_firm):
    document = _doc(firm, attorney, matter)
    assert resolve_scope(outsider, firm) is None
    with pytest.raises(Http404):
        access_document(resolve_scope(outsider, other_firm), document.public_id)


def test_unknown_or_malformed_id_gets_the_same_404(firm, attorney):
    scope = resolve_scope(attorney, firm)
    for public_id in ("6f1c1f3e-0000-4000-8000-000000000000", "not-a-uuid"):
        with pytest.raises(Http404):
            access_document(scope, public_id)


def test_granted_assistant_sees_documents_on_the_granted_matter(
    firm, attorney, matter, assistant
):
    document = _doc(firm, attorney, matter)
    scope = resolve_scope(assistant, firm)
    assert access_document(scope, document.public_id) == document


def test_provider_staff_do_not_see_documents_of_matters_not_granted_to_them(
    firm, attorney, matter, hidden_matter, assistant, ungranted_assistant
):
    hidden = _doc(firm, attorney, hidden_matter)
    loose = _doc(firm, attorney)
    for user in (assistant, ungranted_assistant):
        scope = resolve_scope(user, firm)
        for document in (hidden, loose):
            with pytest.raises(Http404):
                access_document(scope, document.public_id)


def test_opening_all_matters_to_the_engagement_opens_their_documents(
    firm, attorney, hidden_matter, engagement, ungranted_assistant
):
    document = _doc(firm, attorney, hidden_matter)
    engagement.all_matters = True
    engagement.save()
    assert _visible(ungranted_assistant, firm) == {document}


def test_screened_firm_member_cannot_see_the_matters_documents(
    firm, attorney, firm_admin, matter
):
    walled = _doc(firm, firm_admin, matter)
    loose = _doc(firm, firm_admin)
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    scope = resolve_scope(attorney, firm)
    with pytest.raises(Http404):
        access_document(scope, walled.public_id)
    assert _visible(attorney, firm) == {loose}
    assert _visible(firm_admin, firm) == {walled, loose}


def test_screened_assistant_cannot_see_the_granted_matters_documents(
    firm, attorney, matter, assistant
):
    document = _doc(firm, attorney, matter)
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=assistant)
    with pytest.raises(Http404):
        access_document(resolve_scope(assistant, firm), document.public_id)


def test_versions_are_visible_exactly_when_their_document_is(
    firm, attorney, matter, hidden_matter, assistant
):
    seen = _doc(firm, attorney, matter)
    _doc(firm, attorney, hidden_matter)
    versions = DocumentVersion.objects.in_scope(resolve_scope(assistant, firm))
    assert list(versions) == [seen.current_version]
    assert DocumentVersion.objects.in_scope(resolve_scope(attorney, firm)).count() == 2


def test_provider_staff_see_documents_attached_to_their_task_only(
    firm, attorney, matter, hidden_matter, ungranted_assistant, assistant
):
    """Task-only access: the document is on a matter not granted to them, but
    attached to a task they were given."""
    attached = _doc(firm, attorney, hidden_matter, "Attached.pdf")
    on_anothers_task = _doc(firm, attorney, hidden_matter, "Other.pdf")
    loose_attached = _doc(firm, attorney, None, "Loose.pdf")
    for title in ("Calendar the hearing", "Prepare the exhibit list"):
        task = f.task(
            firm,
            matter=hidden_matter,
            assignee=ungranted_assistant,
            function="documents",
            title=title,
        )
        task.attachments.add(attached, loose_attached)
    f.task(firm, matter=hidden_matter, assignee=assistant).attachments.add(
        on_anothers_task
    )

    scope = resolve_scope(ungranted_assistant, firm)
    listed = list(Document.objects.in_scope(scope))
    assert sorted(d.title for d in listed) == ["Attached.pdf", "Loose.pdf"]
    assert access_document(scope, attached.public_id) == attached
    with pytest.raises(Http404):
        access_document(scope, on_anothers_task.public_id)

    # A screen off some other matter leaves documents with no matter alone.
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=ungranted_assistant)
    assert _visible(ungranted_assistant, firm) == {attached, loose_attached}
    MatterScreen.unscoped.create(
        firm=firm, matter=hidden_matter, user=ungranted_assistant
    )
    assert _visible(ungranted_assistant, firm) == set()
