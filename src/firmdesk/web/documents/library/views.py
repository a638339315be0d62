"""The document library (issue 19): the firm's documents, uploads on a matter,
a document's page with its versions, tasks, submissions and history, downloads,
and its way from draft to final (``firmdesk.documents.workflow``).

Views stay thin: rows come through the Scope (``documents.selectors``), every
change goes through the services, and a page the person may not open answers
404. The buttons a page shows follow ``workflow.permissions``; the services
check the same rules again."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from firmdesk.access.selectors import access_matter
from firmdesk.common.errors import ServiceError
from firmdesk.common.paginator import CappedPaginator
from firmdesk.documents import selectors, workflow
from firmdesk.documents.models import Document
from firmdesk.documents.services import document_add_version, document_upload
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import (
    apply_service_error,
    forbidden_if,
    see_other,
    send_document,
)
from firmdesk.work.selectors import tasks_with_document

from . import forms

PAGE_SIZE = 50


def _document(scope, document_id) -> Document:
    return selectors.access_document(scope, document_id)


def _back(document) -> str:
    return workflow.document_url(document)


# --- Lists ----------------------------------------------------------------------


def document_list(request, firm_slug):
    scope = request.scope
    form = forms.FilterForm(request.GET, people=selectors.library_uploaders(scope))
    params = form.params()
    rows = selectors.library_documents(scope, **params)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_last_change(scope, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/documents/library/document_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(params.values()),
            "statuses": Document.Status,
        },
    )


@require_http_methods(["GET", "POST"])
def document_upload_page(request, firm_slug, matter_id):
    """A new document on the matter: anyone who may open the matter."""
    scope = request.scope
    matter = access_matter(scope, matter_id)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_upload(
                firm=scope.firm,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                matter=matter,
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"“{document.title}” uploaded as a draft.")
            return see_other(_back(document))
    return render(
        request,
        "web/documents/library/document_upload.html",
        {"form": form, "matter": matter},
    )


# --- A document's page ------------------------------------------------------------


def document_detail(request, firm_slug, document_id):
    scope = request.scope
    document = _document(scope, document_id)
    audit_opened(
        request,
        document,
        action="document.viewed",
        matter=document.matter,
        summary=f"Opened document “{document.title}”",
    )
    submissions = list(selectors.submissions_of(scope, document))
    return render(
        request,
        "web/documents/library/document_detail.html",
        {
            "document": document,
            "may": workflow.permissions(scope, document),
            "kept_elsewhere": workflow.kept_elsewhere(document),
            "versions": selectors.versions_of(scope, document),
            "tasks": tasks_with_document(scope, document),
            "submissions": submissions,
            "pending": next((s for s in submissions if s.decision == "pending"), None),
            "history": selectors.document_history(scope, document),
            "share_links": selectors.share_links_of(scope, document)
            if scope.is_firm_member
            else [],
        },
    )


def version_download(request, firm_slug, document_id, number):
    scope = request.scope
    document = _document(scope, document_id)
    version = selectors.access_version(scope, document, number)
    return send_document(
        request,
        scope,
        document,
        version,
        where=f"the page of “{document.title}”",
        detail={"document": str(document.public_id)},
    )


@require_http_methods(["GET", "POST"])
def version_new(request, firm_slug, document_id):
    scope = request.scope
    document = _document(scope, document_id)
    forbidden_if(not workflow.permissions(scope, document)["add_version"])
    form = forms.VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = document_add_version(
                document=document,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, f"Version {version.number} uploaded; the document is a draft."
            )
            return see_other(_back(document))
    return render(
        request,
        "web/documents/library/version_new.html",
        {"form": form, "document": document},
    )


# --- Submit, review, final, delete -----------------------------------------------


@require_http_methods(["GET", "POST"])
def document_submit(request, firm_slug, document_id):
    """Submitting runs the quality checks; the page lists what they find, each
    to fix (a new version) or explain before the submission goes through."""
    scope = request.scope
    document = _document(scope, document_id)
    forbidden_if(not workflow.permissions(scope, document)["submit"])
    version = document.current_version
    findings = workflow.checked_findings(version, today=timezone.localdate())
    form = forms.SubmitForm(
        request.POST or None,
        findings=findings,
        initial={"version": version.number},
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.document_submit(
                scope=scope,
                document=document,
                version_number=form.cleaned_data["version"],
                explanations=form.explanations(),
            )
        except workflow.FindingsToAnswer as unanswered:
            form.add_error(None, unanswered.message)
            for key in unanswered.missing:
                name = f"explain_{key}"
                if name in form.fields:
                    form.add_error(name, "Explain this finding, or fix it first.")
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Version {version.number} submitted for review. An attorney "
                "approves or returns it.",
            )
            return see_other(_back(document))
    return render(
        request,
        "web/documents/library/document_submit.html",
        {"form": form, "document": document, "version": version},
    )


@require_http_methods(["GET", "POST"])
def document_review(request, firm_slug, document_id):
    scope = request.scope
    document = _document(scope, document_id)
    forbidden_if(not workflow.permissions(scope, document)["review"])
    submissions = list(selectors.submissions_of(scope, document))
    pending = next((s for s in submissions if s.decision == "pending"), None)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                workflow.document_approve(
                    scope=scope, document=document, comment=data["comment"]
                )
                text = "Approved. An attorney can now mark it final."
            else:
                workflow.document_return(
                    scope=scope, document=document, comment=data["comment"]
                )
                text = "Returned to draft with your comment."
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, text)
            return see_other(_back(document))
    return render(
        request,
        "web/documents/library/document_review.html",
        {
            "form": form,
            "document": document,
            "pending": pending,
            "version": document.current_version,
        },
    )


@require_http_methods(["GET", "POST"])
def document_finalise(request, firm_slug, document_id):
    scope = request.scope
    document = _document(scope, document_id)
    forbidden_if(not workflow.permissions(scope, document)["finalise"])
    error = None
    if request.method == "POST":
        try:
            workflow.document_finalise(scope=scope, document=document)
        except ServiceError as refused:
            error = refused.message
        else:
            messages.success(
                request, f"“{document.title}” is final. It can now be shared by link."
            )
            return see_other(_back(document))
    version = document.current_version
    return render(
        request,
        "web/documents/library/document_confirm.html",
        {
            "document": document,
            "error": error,
            "title": f"Mark “{document.title}” final?",
            "body": f"Version {version.number} ({version.original_name}) becomes "
            "the final document. After this nothing about it can change: no new "
            "version, no other status, no deletion.",
            "button": "Yes, mark it final",
            "danger": False,
        },
    )


@require_http_methods(["GET", "POST"])
def document_delete(request, firm_slug, document_id):
    scope = request.scope
    document = _document(scope, document_id)
    forbidden_if(not workflow.permissions(scope, document)["delete"])
    error = None
    if request.method == "POST":
        matter = document.matter
        title = document.title
        try:
            workflow.document_delete(scope=scope, document=document)
        except ServiceError as refused:
            error = refused.message
        else:
            messages.success(request, f"“{title}” deleted, with all its versions.")
            if matter is not None and scope.can_see_matter(matter):
                return see_other(
                    reverse("matters:matter_detail", args=[firm_slug, matter.public_id])
                )
            return see_other(reverse("documents:document_list", args=[firm_slug]))
    tasks = list(tasks_with_document(scope, document))
    attached = (
        " It is also taken off the task"
        + ("s " if len(tasks) != 1 else " ")
        + ", ".join(f"“{t.title}”" for t in tasks)
        + "."
        if tasks
        else ""
    )
    return render(
        request,
        "web/documents/library/document_confirm.html",
        {
            "document": document,
            "error": error,
            "title": f"Delete “{document.title}”?",
            "body": "The document and every version of it are deleted for good; "
            f"the audit trail keeps a record of them.{attached}",
            "button": "Yes, delete it",
            "danger": True,
        },
    )
