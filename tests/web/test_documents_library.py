"""The document library's pages: the firm's documents, a matter's section, a
document's page, uploads, downloads, and the way from draft to final, as the
people who use them meet them; and the access rule for every route with the
cases the registry cannot express (screens, hidden matters, task-only access)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.documents import quality, workflow
from firmdesk.documents.models import Document, Submission
from firmdesk.documents.services import document_add_version, document_upload
from firmdesk.matters.models import MatterScreen
from firmdesk.work import services as work_services
from tests import factories as f
from tests.documents.helpers import EXE, PDF, upload

S = Document.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _doc(firm, actor, matter, name="Demand letter.pdf", content=PDF, title=""):
    return document_upload(
        firm=firm,
        actor=actor,
        uploaded_file=upload(name, content),
        matter=matter,
        title=title,
    )


def _fresh(document):
    return Document.unscoped.get(pk=document.pk)


def _url(name, document, *extra):
    return reverse(
        f"documents:{name}", args=[document.firm.slug, document.public_id, *extra]
    )


def _body(response) -> str:
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return raw.decode(errors="replace")


@pytest.fixture
def letter(firm, assistant, matter):
    return _doc(firm, assistant, matter)


@pytest.fixture
def hidden_matter(firm):
    """A matter of firm A opened to no outside staff."""
    return f.MatterFactory(firm=firm, number="M-2026-077", title="Quarry Holdings")


@pytest.fixture
def task_only(firm, attorney, hidden_matter, ungranted_assistant):
    """A file on the hidden matter attached to the task given to the ungranted
    assistant: task-only access reaches it, and nothing else of the matter."""
    task = f.task(
        firm,
        matter=hidden_matter,
        assignee=ungranted_assistant,
        function="documents",
        title="Proofread the disclosure schedule",
    )
    document = _doc(firm, attorney, hidden_matter, "Schedule.pdf")
    task.attachments.add(document)
    return document


# --- The firm's documents -----------------------------------------------------


def test_documents_are_in_the_firms_navigation(client, firm, attorney):
    f.sign_in(client, attorney)
    body = client.get(reverse("today:firm_today", args=[firm.slug])).content.decode()
    assert f'href="{reverse("documents:document_list", args=[firm.slug])}"' in body


def test_list_filters_by_title_matter_status_and_who(
    client, firm, attorney, assistant, matter
):
    other_matter = f.MatterFactory(firm=firm, number="M-2026-050", title="Ng estate")
    mine = _doc(firm, assistant, matter, title="Demand to Acme")
    theirs = _doc(firm, attorney, other_matter, title="Estate inventory")
    Document.unscoped.filter(pk=theirs.pk).update(status=S.APPROVED)
    f.sign_in(client, attorney)
    url = reverse("documents:document_list", args=[firm.slug])

    def titles(**params):
        body = client.get(url, params).content.decode()
        return {d.title for d in (mine, theirs) if escape(d.title) in body}

    assert titles() == {"Demand to Acme", "Estate inventory"}
    assert titles(q="demand acme") == {"Demand to Acme"}
    assert titles(matter="M-2026-050") == {"Estate inventory"}
    assert titles(matter="lopez") == {"Demand to Acme"}
    assert titles(status="approved") == {"Estate inventory"}
    assert titles(who=str(assistant.public_id)) == {"Demand to Acme"}
    assert titles(status="nonsense") == {"Demand to Acme", "Estate inventory"}
    body = client.get(url, {"status": "final"}).content.decode()
    assert "No documents match these filters." in body


def test_list_pages_keep_the_filters(client, firm, attorney, matter, settings):
    from firmdesk.web.documents.library import views

    for i in range(3):
        _doc(firm, attorney, matter, title=f"Letter {i}")
    f.sign_in(client, attorney)
    url = reverse("documents:document_list", args=[firm.slug])
    original = views.PAGE_SIZE
    views.PAGE_SIZE = 2
    try:
        body = client.get(url, {"q": "letter"}).content.decode()
    finally:
        views.PAGE_SIZE = original
    assert "Page 1 of 2" in body
    assert 'href="?q=letter&amp;page=2"' in body


def test_list_shows_who_changed_each_document_last(
    client, firm, assistant, attorney, letter
):
    workflow.document_submit(
        scope=resolve_scope(assistant, firm), document=letter, version_number=1
    )
    workflow.document_approve(
        scope=resolve_scope(attorney, firm), document=_fresh(letter)
    )
    f.sign_in(client, attorney)
    body = client.get(reverse("documents:document_list", args=[firm.slug])).content
    row = body.decode().split(escape(letter.title), 1)[1].split("</tr>", 1)[0]
    assert "Approved" in row and "Owen Ortiz" in row


def test_provider_staff_list_only_their_matters_and_tasks(
    client,
    firm,
    attorney,
    matter,
    hidden_matter,
    assistant,
    ungranted_assistant,
    task_only,
):
    on_matter = _doc(firm, attorney, matter, title="Granted letter")
    _doc(firm, attorney, hidden_matter, title="Sealed memo")
    url = reverse("documents:document_list", args=[firm.slug])
    f.sign_in(client, assistant)
    body = client.get(url).content.decode()
    assert escape(on_matter.title) in body
    assert "Sealed memo" not in body and "Schedule.pdf" not in body

    f.sign_in(client, ungranted_assistant)
    body = client.get(url).content.decode()
    assert "Schedule.pdf" in body and "a matter you cannot open" in body
    assert "Quarry" not in body and "M-2026-077" not in body
    assert "Granted letter" not in body and "Sealed memo" not in body
    # Filtering by the hidden matter's words must not tell whether they match.
    for words in ("Quarry", "M-2026-077"):
        found = client.get(url, {"matter": words}).content.decode()
        assert "Schedule.pdf" not in found


def test_template_files_stay_out_of_the_library(client, firm, attorney):
    from firmdesk.documents.models import DocumentTemplate

    body_doc = _doc(firm, attorney, None, title="Engagement letter template")
    DocumentTemplate.objects.create(firm=firm, name="Engagement", document=body_doc)
    f.sign_in(client, attorney)
    body = client.get(reverse("documents:document_list", args=[firm.slug])).content
    assert b"Engagement letter template" not in body


def test_list_queries_do_not_grow_with_documents(
    client, firm, attorney, assistant, matter, engagement, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("documents:document_list", args=[firm.slug])
    f.sign_in(client, assistant)
    client.get(url)  # the first request stores the session's two-factor check

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for i in range(3):
        _doc(firm, attorney, matter, title=f"Letter {i}")
    with_3 = count()
    for i in range(20):
        other = f.MatterFactory(firm=firm)
        f.grant(engagement, other, assistant)
        _doc(firm, attorney, other, title=f"More {i}")
    with django_assert_max_num_queries(with_3):
        count()


# --- The matter's section -----------------------------------------------------


def test_matter_page_lists_its_documents_with_status_version_and_last_change(
    client, firm, assistant, attorney, matter, letter
):
    document_add_version(
        document=_fresh(letter), actor=assistant, uploaded_file=upload("Demand v2.pdf")
    )
    f.sign_in(client, attorney)
    body = client.get(
        reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    ).content.decode()
    section = body.split('id="h-documents"', 1)[1].split("</section>", 1)[0]
    assert _url("document_detail", letter) in section
    assert "Draft" in section and "2 · Demand v2.pdf" in section
    assert "Priya Nair" in section
    assert reverse("documents:document_upload", args=[firm.slug, matter.public_id]) in (
        section
    )


# --- Upload -------------------------------------------------------------------


def test_upload_on_a_matter_makes_a_draft(client, firm, assistant, matter):
    f.sign_in(client, assistant)
    url = reverse("documents:document_upload", args=[firm.slug, matter.public_id])
    response = client.post(
        url, {"file": upload("Notice.pdf"), "title": "Notice of appearance"}
    )
    document = Document.unscoped.get(title="Notice of appearance")
    assert response.status_code == 303 and response.url == _url(
        "document_detail", document
    )
    assert document.matter == matter and document.status == S.DRAFT
    assert document.created_by == assistant


def test_a_refused_file_says_why_and_keeps_the_title(client, firm, attorney, matter):
    f.sign_in(client, attorney)
    url = reverse("documents:document_upload", args=[firm.slug, matter.public_id])
    response = client.post(url, {"file": upload("setup.pdf", EXE), "title": "Lease"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Lease"' in body
    assert "invalid-feedback" in body
    assert not Document.unscoped.filter(title="Lease").exists()


# --- The document's page ------------------------------------------------------


def test_document_page_shows_versions_tasks_reviews_and_history(
    client, firm, assistant, attorney, matter, letter, monkeypatch
):
    task = f.task(
        firm, matter=matter, assignee=assistant, function="documents", title="Draft it"
    )
    task.attachments.add(letter)
    document_add_version(
        document=_fresh(letter), actor=assistant, uploaded_file=upload("v2.pdf")
    )
    monkeypatch.setattr(
        quality,
        "findings",
        lambda version, *, today, scope=None: [
            quality.Finding("placeholder", "“[DATE]” left.")
        ],
    )
    scope = resolve_scope(assistant, firm)
    (finding,) = workflow.checked_findings(_fresh(letter).current_version, today=None)
    workflow.document_submit(
        scope=scope,
        document=_fresh(letter),
        version_number=2,
        explanations={finding.key: "The court sets the date."},
    )
    f.sign_in(client, attorney)
    body = client.get(_url("document_detail", letter)).content.decode()
    assert "In review" in body
    for number in (1, 2):
        assert _url("version_download", letter, number) in body
    version = _fresh(letter).current_version
    assert version.sha256[:12] in body
    assert "Draft it" in body
    assert "“[DATE]” left." in body and "The court sets the date." in body
    assert "Submitted version 2 for review" in body
    assert "Uploaded “v2.pdf” as version 2" in body
    assert _url("document_review", letter) in body
    assert _url("document_delete", letter) not in body  # in review: no deletion


def test_opening_and_downloading_are_audited(client, firm, assistant, letter):
    f.sign_in(client, assistant)
    client.get(_url("document_detail", letter))
    response = client.get(_url("version_download", letter, 1))
    assert _body(response).encode() == PDF
    actions = list(
        AuditEvent.objects.filter(object_id=str(letter.public_id))
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions[-2:] == [
        ("document.viewed", assistant.pk),
        ("document.downloaded", assistant.pk),
    ]


def test_a_version_that_does_not_exist_is_404(client, firm, assistant, letter):
    f.sign_in(client, assistant)
    assert client.get(_url("version_download", letter, 9)).status_code == 404


def test_new_version_page_warns_that_review_starts_again(
    client, firm, assistant, letter
):
    workflow.document_submit(
        scope=resolve_scope(assistant, firm), document=letter, version_number=1
    )
    f.sign_in(client, assistant)
    body = client.get(_url("version_new", letter)).content.decode()
    assert "takes it back to <strong>draft</strong>" in body
    response = client.post(_url("version_new", letter), {"file": upload("v2.pdf")})
    assert response.status_code == 303
    assert _fresh(letter).status == S.DRAFT


# --- Submit, review, final, delete --------------------------------------------


@pytest.fixture
def one_finding(monkeypatch):
    monkeypatch.setattr(
        quality,
        "findings",
        lambda version, *, today, scope=None: [
            quality.Finding("party", "“Acme Corp” is not a party of this matter.")
        ],
    )


def test_submit_page_lists_findings_and_needs_each_explained(
    client, firm, assistant, letter, one_finding
):
    f.sign_in(client, assistant)
    url = _url("document_submit", letter)
    body = client.get(url).content.decode()
    assert "“Acme Corp” is not a party of this matter." in body
    (field,) = [n for n in body.split('name="')[1:] if n.startswith("explain_")]
    name = field.split('"', 1)[0]

    response = client.post(url, {"version": "1", name: ""})
    assert response.status_code == 200
    assert "Explain this finding, or fix it first." in response.content.decode()
    assert _fresh(letter).status == S.DRAFT

    response = client.post(url, {"version": "1", name: "Acme is the parent company."})
    assert response.status_code == 303
    (submission,) = Submission.objects.for_firm(firm).filter(document=letter)
    assert submission.findings[0]["explanation"] == "Acme is the parent company."


def test_submit_after_someone_uploaded_a_newer_version_is_refused_in_words(
    client, firm, assistant, attorney, letter
):
    f.sign_in(client, assistant)
    document_add_version(
        document=_fresh(letter), actor=attorney, uploaded_file=upload("v2.pdf")
    )
    response = client.post(_url("document_submit", letter), {"version": "1"})
    assert "Version 2 was uploaded while you were looking" in response.content.decode()
    assert _fresh(letter).status == S.DRAFT


def test_reviewer_returns_with_a_comment_or_is_asked_for_one(
    client, firm, assistant, attorney, letter, one_finding
):
    scope = resolve_scope(assistant, firm)
    (finding,) = workflow.checked_findings(letter.current_version, today=None)
    workflow.document_submit(
        scope=scope,
        document=letter,
        version_number=1,
        explanations={finding.key: "Parent company."},
    )
    f.sign_in(client, attorney)
    url = _url("document_review", letter)
    body = client.get(url).content.decode()
    assert "Parent company." in body and "“Acme Corp” is not a party" in body
    response = client.post(url, {"decision": "return", "comment": ""})
    assert "Say what needs to change" in response.content.decode()
    assert _fresh(letter).status == S.IN_REVIEW
    response = client.post(url, {"decision": "return", "comment": "Name the parent."})
    assert response.status_code == 303 and _fresh(letter).status == S.DRAFT


def test_approve_then_mark_final_after_confirming(
    client, firm, assistant, attorney, letter
):
    workflow.document_submit(
        scope=resolve_scope(assistant, firm), document=letter, version_number=1
    )
    f.sign_in(client, attorney)
    client.post(_url("document_review", letter), {"decision": "approve"})
    assert _fresh(letter).status == S.APPROVED
    body = client.get(_url("document_finalise", letter)).content.decode()
    assert "nothing about it can change" in body
    assert _fresh(letter).status == S.APPROVED
    response = client.post(_url("document_finalise", letter))
    assert response.status_code == 303 and _fresh(letter).status == S.FINAL
    page = client.get(_url("document_detail", letter)).content.decode()
    assert "It cannot change any more." in page
    for action in ("version_new", "document_submit", "document_delete"):
        assert _url(action, letter) not in page
        assert client.get(_url(action, letter)).status_code == 404


def test_delete_asks_first_then_goes_back_to_the_matter(
    client, firm, assistant, matter, letter
):
    f.sign_in(client, assistant)
    url = _url("document_delete", letter)
    body = client.get(url).content.decode()
    assert "deleted for good" in body
    assert Document.unscoped.filter(pk=letter.pk).exists()
    response = client.post(url)
    assert response.status_code == 303
    assert response.url == reverse(
        "matters:matter_detail", args=[firm.slug, matter.public_id]
    )
    assert not Document.unscoped.filter(pk=letter.pk).exists()


def test_task_page_links_its_files_to_their_document_pages(
    client, firm, assistant, matter, letter
):
    task = f.task(firm, matter=matter, assignee=assistant, title="Draft it")
    task.attachments.add(letter)
    f.sign_in(client, assistant)
    body = client.get(
        reverse("work:task_detail", args=[firm.slug, task.public_id])
    ).content.decode()
    assert _url("document_detail", letter) in body


# --- The access rule, route by route ------------------------------------------


def _library_urls(document, matter):
    firm = document.firm
    return {
        "document_detail": _url("document_detail", document),
        "version_download": _url("version_download", document, 1),
        "version_new": _url("version_new", document),
        "document_submit": _url("document_submit", document),
        "document_review": _url("document_review", document),
        "document_finalise": _url("document_finalise", document),
        "document_delete": _url("document_delete", document),
        "document_upload": reverse(
            "documents:document_upload", args=[firm.slug, matter.public_id]
        ),
    }


def test_every_library_route_follows_the_access_rule(
    client,
    firm,
    attorney,
    firm_admin,
    matter,
    hidden_matter,
    assistant,
    ungranted_assistant,
    task_only,
):
    """Screened firm members and staff without the matter get 404 on every
    route; task-only access opens the attached document (page, downloads, a new
    version, submitting) and nothing of its matter."""
    on_hidden = _doc(firm, attorney, hidden_matter, "Sealed.pdf")
    Document.unscoped.filter(pk=on_hidden.pk).update(status=S.IN_REVIEW)
    screened_doc = _doc(firm, firm_admin, matter, "Walled.pdf")
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)

    def statuses(user, document, matter_of):
        f.sign_in(client, user)
        return {
            name: client.get(url).status_code
            for name, url in _library_urls(document, matter_of).items()
        }

    every_404 = dict.fromkeys(_library_urls(on_hidden, hidden_matter), 404)
    assert statuses(attorney, screened_doc, matter) == every_404
    assert statuses(assistant, on_hidden, hidden_matter) == every_404
    assert statuses(ungranted_assistant, on_hidden, hidden_matter) == every_404
    assert statuses(ungranted_assistant, task_only, hidden_matter) == {
        "document_detail": 200,
        "version_download": 200,
        "version_new": 200,
        "document_submit": 200,
        "document_review": 404,
        "document_finalise": 404,
        "document_delete": 404,
        "document_upload": 404,
    }
    f.sign_in(client, ungranted_assistant)
    page = client.get(_url("document_detail", task_only)).content.decode()
    assert "Quarry" not in page and "M-2026-077" not in page
    assert "a matter you cannot open" in page
    assert "Proofread the disclosure schedule" in page


def test_screened_firm_member_sees_nothing_of_the_matters_documents_in_lists(
    client, firm, attorney, firm_admin, matter
):
    _doc(firm, firm_admin, matter, title="Walled letter")
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    f.sign_in(client, attorney)
    url = reverse("documents:document_list", args=[firm.slug])
    for params in ({}, {"q": "walled"}, {"matter": "M-2026-001"}):
        body = client.get(url, params).content.decode()
        assert "Walled letter" not in body and "Lopez" not in body


def test_a_denied_post_changes_nothing(client, firm, assistant, attorney, letter):
    """The firm's support staff may not mark final nor delete someone's draft:
    404, and the document is as it was."""
    workflow.document_submit(
        scope=resolve_scope(assistant, firm), document=letter, version_number=1
    )
    workflow.document_approve(
        scope=resolve_scope(attorney, firm), document=_fresh(letter)
    )
    staff = f.member(firm, ["firm_staff"], email="ida2@hale.test", full_name="Ida Two")
    f.sign_in(client, staff)
    assert client.post(_url("document_finalise", letter)).status_code == 404
    assert client.post(_url("document_delete", letter)).status_code == 404
    assert (
        client.post(
            _url("document_review", letter), {"decision": "return", "comment": "x"}
        ).status_code
        == 404
    )
    assert _fresh(letter).status == S.APPROVED


def test_approving_a_task_at_a_version_shows_on_the_document(
    client, firm, assistant, attorney, matter, letter
):
    task = f.task(
        firm,
        matter=matter,
        assignee=assistant,
        requester=attorney,
        function="documents",
        title="Draft the demand",
    )
    task.attachments.add(letter)
    work_services.task_submit(
        scope=resolve_scope(assistant, firm), task=task, revision=None
    )
    work_services.task_review(
        scope=resolve_scope(attorney, firm),
        task=task,
        revision=None,
        approve=True,
        approved_version=letter.current_version,
    )
    f.sign_in(client, attorney)
    body = client.get(_url("document_detail", letter)).content.decode()
    assert "Approved version 1 with its task&#x27;s review" in body
    assert "Draft the demand" in body  # in the list of its tasks
    assert _url("document_finalise", letter) in body
