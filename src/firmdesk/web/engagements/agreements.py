"""Signed agreements (docs/documents-agreements.md): recording a confidentiality
agreement signed by typed name or on paper, keeping the provider's master
agreement, and reading the text that was signed. Writes go through
``documents.signing``; every read of a signed text is audited."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from firmdesk.access.selectors import access_engagement
from firmdesk.audit.services import audit_record_read
from firmdesk.common.errors import ServiceError
from firmdesk.common.http import client_address
from firmdesk.documents import signing
from firmdesk.documents.selectors import (
    access_signed_agreement,
    own_agreements,
    own_assignment,
    own_signed_agreement,
    provider_staff_agreement,
)
from firmdesk.engagements.agreement_texts import current_text
from firmdesk.engagements.models import Engagement
from firmdesk.engagements.selectors import assigned_staff
from firmdesk.orgs.models import StaffProfile
from firmdesk.orgs.selectors import provider_administered_by
from firmdesk.web.pages import (
    apply_service_error,
    forbidden_if,
    send_document,
    stream_version,
)

from . import forms


def _origin(request) -> signing.Origin:
    return signing.Origin.of(
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def _back_to(engagement: Engagement):
    return redirect(
        "engagements:engagement_detail", engagement.firm.slug, engagement.public_id
    )


@require_http_methods(["GET", "POST"])
def engagement_nda(request, firm_slug, engagement_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    engagement = access_engagement(scope, engagement_id)
    signers = assigned_staff(scope=scope, engagement=engagement)
    form = forms.NdaForm(
        request.POST or None,
        request.FILES or None,
        signers=signers,
        initial={"signer": request.GET.get("signer")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "scope": scope,
            "engagement": engagement,
            "signer": data["signer"],
            "signed_name": data["signed_name"],
            "expires_on": data["expires_on"],
        }
        try:
            if data["method"] == forms.UPLOADED:
                signing.nda_record_uploaded(**common, uploaded_file=data["file"])
            else:
                signing.nda_sign_typed(**common, origin=_origin(request))
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Confidentiality agreement of {data['signer']} recorded; the "
                "signed text is kept with it.",
            )
            return _back_to(engagement)
    return render(
        request,
        "web/engagements/engagement_nda.html",
        {"form": form, "engagement": engagement, "text": current_text(engagement)},
    )


@require_http_methods(["GET", "POST"])
def engagement_master(request, firm_slug, engagement_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    engagement = access_engagement(scope, engagement_id)
    form = forms.MasterAgreementForm(
        request.POST or None,
        request.FILES or None,
        initial={"signed_name": request.user.full_name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["method"] == forms.TYPED:
                signing.master_accept_typed(
                    scope=scope,
                    engagement=engagement,
                    signed_name=data["signed_name"],
                    uploaded_file=data["file"],
                    origin=_origin(request),
                )
            else:
                signing.master_record_uploaded(
                    scope=scope,
                    engagement=engagement,
                    signed_name=data["signed_name"],
                    uploaded_file=data["file"],
                )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Master agreement kept with the engagement.")
            return _back_to(engagement)
    return render(
        request,
        "web/engagements/engagement_master.html",
        {"form": form, "engagement": engagement},
    )


def signed_agreement(request, firm_slug, agreement_id):
    """The signed text as a download: firm members, or the signer themself."""
    scope = request.scope
    signed = access_signed_agreement(scope, agreement_id)
    document = signed.document
    return send_document(
        request,
        scope,
        document,
        document.current_version,
        where=f"the signed {signed.get_kind_display().lower()} of {signed.engagement}",
        detail={"signed_agreement": str(signed.public_id)},
    )


def provider_staff_agreement_download(request, provider_slug, user_id, agreement_id):
    """A staff member's signed confidentiality agreement, for their provider's
    admin. Audited in the firm's trail: the firm holds the document."""
    provider = provider_administered_by(user=request.user, provider_slug=provider_slug)
    profile = (
        StaffProfile.objects.filter(organization=provider, user__public_id=user_id)
        .select_related("user")
        .first()
        if provider is not None
        else None
    )
    if provider is None or profile is None:
        raise Http404("No agreement here.")
    signed = provider_staff_agreement(
        provider=provider, user=profile.user, public_id=agreement_id
    )
    return _send_outside_the_firm(request, signed, where=f"{provider}'s staff roster")


def _send_outside_the_firm(request, signed, *, where: str):
    """A signed text read from a page outside the firm's space (no Scope):
    audited in the firm's trail all the same, since the firm holds it."""
    version = signed.document.current_version
    with transaction.atomic():
        audit_record_read(
            org=signed.firm,
            actor=request.user,
            action="document.downloaded",
            obj=signed.document,
            summary=f"Downloaded “{version.original_name}” from {where}",
            detail={
                "signed_agreement": str(signed.public_id),
                "version": version.number,
            },
        )
    return stream_version(version)


# --- A person's own agreements (outside any firm's space) -------------------------


def my_agreements(request):
    """The engagements the signed-in person is assigned to, in every firm,
    with the agreement each still needs, or the one they signed."""
    return render(
        request,
        "web/engagements/my_agreements.html",
        {"rows": own_agreements(user=request.user)},
    )


@require_http_methods(["GET", "POST"])
def agreement_sign(request, assignment_id):
    """The assigned person signs the confidentiality agreement by typing their
    name, from their own browser."""
    assignment = own_assignment(user=request.user, public_id=assignment_id)
    engagement = assignment.engagement
    row = next(
        (r for r in own_agreements(user=request.user) if r.assignment == assignment),
        None,
    )
    form = forms.SelfSignForm(
        request.POST or None, initial={"signed_name": request.user.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            signing.nda_self_sign_typed(
                assignment=assignment,
                signer=request.user,
                signed_name=form.cleaned_data["signed_name"],
                origin=_origin(request),
                # The text the page showed: signing another is refused.
                read_sha256=request.POST.get("text_sha256") or None,
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"You signed the confidentiality agreement for {engagement.firm}. "
                "A copy of what you signed is on this page.",
            )
            return redirect("engagements:my_agreements")
    return render(
        request,
        "web/engagements/agreement_sign.html",
        {
            "form": form,
            "engagement": engagement,
            "row": row,
            "text": current_text(engagement),
        },
    )


def my_agreement_text(request, agreement_id):
    """The text the signed-in person signed, wherever they stand with the firm
    now (an agreement is theirs to keep)."""
    signed = own_signed_agreement(user=request.user, public_id=agreement_id)
    return _send_outside_the_firm(request, signed, where="their own agreements")
