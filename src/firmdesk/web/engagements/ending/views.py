"""Ending an engagement (the firm admin), its export, and the certificate of
the return or destruction of the firm's data (the provider admin signs it,
the firm admin downloads it). Services in compliance.ending / .export."""

import functools

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from firmdesk.access.selectors import access_engagement, access_object
from firmdesk.common.errors import ServiceError
from firmdesk.compliance import ending, export
from firmdesk.compliance.models import DataReturnCertificate, EngagementExport
from firmdesk.documents.crypto import MasterKeyError, TamperedFile
from firmdesk.engagements.models import Engagement
from firmdesk.orgs.selectors import provider_administered_by
from firmdesk.web.accounts.reauth import sensitive
from firmdesk.web.pages import apply_service_error, forbidden_if

from . import forms


def firm_admin_only(view):
    """The role is checked before ``sensitive`` asks for the password again:
    someone who may not open the page gets its 404, not the confirm page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        forbidden_if(not request.scope.is_firm_admin)
        return view(request, *args, **kwargs)

    return wrapped


def _detail(firm_slug, engagement):
    return redirect("engagements:engagement_detail", firm_slug, engagement.public_id)


# --- The firm admin ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@firm_admin_only
@sensitive
def engagement_end(request, firm_slug, engagement_id):
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    if engagement.status == Engagement.Status.ENDED:
        messages.info(request, "This engagement has already ended.")
        return _detail(firm_slug, engagement)
    form = forms.EndingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closed = ending.engagement_close(
                scope=scope,
                engagement=engagement,
                reason=form.cleaned_data["reason"],
                passphrase=form.cleaned_data["passphrase"] or "",
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            _say_closed(request, closed)
            return _detail(firm_slug, engagement)
    return render(
        request,
        "web/engagements/engagement_end.html",
        {
            "form": form,
            "engagement": engagement,
            "leaving": ending.ending_preview(scope=scope, engagement=engagement),
        },
    )


def _say_closed(request, closed) -> None:
    parts = [
        f"“{closed.engagement}” ended. {closed.people_cut_off} "
        f"{'person' if closed.people_cut_off == 1 else 'people'} lost access "
        "to the firm and were signed out."
    ]
    if closed.tasks_returned:
        parts.append(
            f"{closed.tasks_returned} open task"
            f"{'' if closed.tasks_returned == 1 else 's'} came back to the "
            "firm's queue, unassigned."
        )
    parts.append(
        f"{closed.engagement.provider}'s admins were asked to certify the return "
        "or destruction of the firm's data."
    )
    messages.success(request, " ".join(parts))
    if closed.export is not None:
        _say_export(request, closed.export)


def _say_export(request, row) -> None:
    if row.status == EngagementExport.Status.READY:
        messages.success(
            request,
            "The export is ready: download it below. It opens with the "
            "passphrase you chose.",
        )
    else:
        messages.error(request, row.error or "The export could not be made.")


@require_http_methods(["GET", "POST"])
@firm_admin_only
@sensitive
def export_new(request, firm_slug, engagement_id):
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    if engagement.status != Engagement.Status.ENDED:
        messages.info(
            request, "An engagement's work is exported when the engagement ends."
        )
        return _detail(firm_slug, engagement)
    form = forms.ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = ending.export_again(
                scope=scope,
                engagement=engagement,
                passphrase=form.cleaned_data["passphrase"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            _say_export(request, row)
            return _detail(firm_slug, engagement)
    return render(
        request,
        "web/engagements/ending/export_new.html",
        {"form": form, "engagement": engagement},
    )


@firm_admin_only
@sensitive
def export_download(request, firm_slug, engagement_id, export_id):
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    row = access_object(
        EngagementExport,
        scope,
        export_id,
        queryset=EngagementExport.objects.in_scope(scope).filter(
            engagement=engagement, status=EngagementExport.Status.READY
        ),
    )
    try:
        content = export.export_content(scope=scope, export=row)
    except (TamperedFile, FileNotFoundError, MasterKeyError):
        return _unreadable(request, "export")
    return _file(content, export.export_file_name(row), "application/zip")


@firm_admin_only
def certificate_download(request, firm_slug, engagement_id):
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    certificate = (
        DataReturnCertificate.objects.in_scope(scope)
        .filter(engagement=engagement, status=DataReturnCertificate.Status.CERTIFIED)
        .select_related("engagement", "firm")
        .first()
    )
    if certificate is None:
        raise Http404("No certificate here.")
    return _certificate_file(request, certificate, scope=scope)


# --- The provider admin --------------------------------------------------------


def _provider(request, provider_slug):
    provider = provider_administered_by(user=request.user, provider_slug=provider_slug)
    if provider is None:
        raise Http404("Not here.")
    return provider


def provider_returns(request, provider_slug):
    provider = _provider(request, provider_slug)
    certificates = list(ending.certificates_of_provider(provider=provider))
    return render(
        request,
        "web/engagements/ending/provider_returns.html",
        {
            "provider": provider,
            "awaiting": [c for c in certificates if c.status == "awaiting"],
            "certified": [c for c in certificates if c.status == "certified"],
        },
    )


def _certificate_of(provider, certificate_id):
    certificate = ending.certificate_of_provider(
        provider=provider, public_id=certificate_id
    )
    if certificate is None:
        raise Http404("No certificate here.")
    return certificate


@require_http_methods(["GET", "POST"])
def provider_return_certify(request, provider_slug, certificate_id):
    provider = _provider(request, provider_slug)
    certificate = _certificate_of(provider, certificate_id)
    if certificate.status == DataReturnCertificate.Status.CERTIFIED:
        return render(
            request,
            "web/engagements/ending/provider_certified.html",
            {"provider": provider, "c": certificate},
        )
    form = forms.CertifyForm(
        request.POST or None, initial={"typed_name": request.user.full_name}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ending.certificate_certify(
                actor=request.user,
                provider=provider,
                certificate=certificate,
                method=data["method"],
                completed_on=data["completed_on"],
                items=[ending.Item(what, how) for what, how in form.items()],
                statement=data["statement"],
                typed_name=data["typed_name"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Certificate signed. {certificate.firm} can download it now.",
            )
            return redirect("engagements:provider_returns", provider_slug)
    return render(
        request,
        "web/engagements/ending/provider_certify.html",
        {"provider": provider, "c": certificate, "form": form},
    )


def provider_return_pdf(request, provider_slug, certificate_id):
    provider = _provider(request, provider_slug)
    certificate = _certificate_of(provider, certificate_id)
    if certificate.status != DataReturnCertificate.Status.CERTIFIED:
        raise Http404("Not signed yet.")
    return _certificate_file(request, certificate)


# --- Files -------------------------------------------------------------------


def _certificate_file(request, certificate, *, scope=None):
    """The signed PDF, its reading audited in the firm's trail; the page that
    says it cannot be read if its stored copy is damaged or gone."""
    try:
        content = ending.certificate_download(
            scope=scope, actor=request.user, certificate=certificate
        )
    except (TamperedFile, FileNotFoundError, MasterKeyError):
        return _unreadable(request, "certificate")
    return _file(
        content,
        f"return-of-data-certificate-{certificate.engagement.public_id}.pdf",
        "application/pdf",
    )


def _file(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _unreadable(request, what: str) -> HttpResponse:
    return render(
        request,
        "web/engagements/ending/unreadable.html",
        {"what": what},
        status=500,
    )
