"""Share links of a final document, as the firm makes and revokes them
(docs/documents-sharing.md). Firm members see a document's links; its
attorneys and admins make and revoke them; provider staff get 404.

The new link is shown once, in the answer to the form that made it, and is
nowhere else: not in a redirect, the session or a message, since only its
SHA-256 is kept. So that reloading that answer does not make a second link,
each form carries a one-time value the session knows until the link is made;
the form sent again goes to the list with a word of explanation."""

import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from firmdesk.access.selectors import access_object
from firmdesk.common.errors import ServiceError
from firmdesk.common.http import absolute_url
from firmdesk.documents import sharing
from firmdesk.documents.models import ShareLink
from firmdesk.documents.selectors import access_document, share_links_of
from firmdesk.web.pages import apply_service_error, forbidden_if

from .forms import ShareLinkForm

OPEN_FORMS = "share_forms_open"
OPEN_FORMS_KEPT = 20


def _open_form(request) -> str:
    once = secrets.token_urlsafe(16)
    kept = request.session.get(OPEN_FORMS, [])[-(OPEN_FORMS_KEPT - 1) :]
    request.session[OPEN_FORMS] = [*kept, once]
    return once


def _close_form(request, once: str) -> None:
    request.session[OPEN_FORMS] = [
        kept for kept in request.session.get(OPEN_FORMS, []) if kept != once
    ]


def _list_url(scope, document) -> str:
    return reverse("documents:share_list", args=[scope.firm.slug, document.public_id])


@require_http_methods(["GET", "HEAD"])
def share_list(request, firm_slug, document_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    document = access_document(scope, document_id)
    return render(
        request,
        "web/documents/shares/share_list.html",
        {
            "scope": scope,
            "document": document,
            "share_links": share_links_of(scope, document),
            "may_share": sharing.may_share(scope),
            "not_shareable": sharing.not_shareable_because(document),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def share_new(request, firm_slug, document_id):
    scope = request.scope
    forbidden_if(not sharing.may_share(scope))
    document = access_document(scope, document_id)
    if request.method == "POST":
        once = request.POST.get("once", "")
        if once not in request.session.get(OPEN_FORMS, []):
            messages.info(
                request,
                "That form was already sent, so its link is in the list below. If "
                "you did not copy the link, revoke it and make a new one.",
            )
            return redirect(_list_url(scope, document))
    else:
        once = _open_form(request)
    form = ShareLinkForm(request.POST or None)
    context = {
        "once": once,
        "scope": scope,
        "document": document,
        "form": form,
        "not_shareable": sharing.not_shareable_because(document),
        "cancel": _list_url(scope, document),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Every problem with the terms on its field at once; the service
        # checks them again and also refuses a document that is not final.
        _, problems = sharing.share_terms(
            recipient=data["recipient"],
            days=data["days"],
            max_downloads=data["max_downloads"],
            passcode=data["passcode"],
        )
        for problem in problems:
            apply_service_error(form, problem)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link, token = sharing.share_link_create(
                scope=scope,
                document=document,
                recipient=data["recipient"],
                days=data["days"],
                max_downloads=data["max_downloads"],
                passcode=data["passcode"],
                visitor=sharing.Visitor.of(request),
            )
        except ServiceError as error:
            apply_service_error(form, error)
            context["not_shareable"] = sharing.not_shareable_because(document)
        else:
            _close_form(request, once)
            return render(
                request,
                "web/documents/shares/share_created.html",
                {
                    "scope": scope,
                    "document": document,
                    "link": link,
                    "url": absolute_url(
                        reverse("shared:share_page", args=[token]), request
                    ),
                    "has_passcode": bool(data["passcode"]),
                    "back": _list_url(scope, document),
                },
            )
    return render(request, "web/documents/shares/share_new.html", context)


@require_http_methods(["GET", "POST"])
def share_revoke(request, firm_slug, document_id, share_id):
    scope = request.scope
    forbidden_if(not sharing.may_share(scope))
    document = access_document(scope, document_id)
    link = access_object(
        ShareLink,
        scope,
        share_id,
        queryset=ShareLink.objects.in_scope(scope)
        .filter(document=document)
        .select_related("version"),
    )
    back = _list_url(scope, document)
    if request.method == "POST":
        try:
            sharing.share_link_revoke(
                scope=scope, link=link, visitor=sharing.Visitor.of(request)
            )
        except ServiceError as error:
            messages.warning(request, error.message)
        else:
            messages.success(
                request,
                f"The link for {link.recipient} no longer works. Anyone who opens "
                "it now is told to ask you for a new one.",
            )
        return redirect(back)
    return render(
        request,
        "web/confirm.html",
        {
            "title": f"Revoke the link for {link.recipient}?",
            "body": (
                f"It stops working at once: {link.recipient} can no longer open "
                f"or download “{link.version.original_name}” through it. You can "
                "make a new link afterwards if you need to."
            ),
            "button": "Revoke the link",
            "cancel": back,
        },
    )
