"""The engagement's confidentiality text (issue 20; docs/security-agreements.md):
read it and its versions, publish a new version (after seeing what changed and
who must sign again), and the list of every signature, with a CSV copy."""

import csv
import io

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from firmdesk.access.selectors import access_engagement, provider_signatures
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.common.times import when
from firmdesk.engagements import agreement_texts as texts
from firmdesk.engagements.models import Engagement, nda_text_hash
from firmdesk.orgs.selectors import provider_administered_by
from firmdesk.web.pages import apply_service_error, forbidden_if

from .forms import AgreementTextForm

REVIEW, PUBLISH = "review", "publish"
# Beyond a database integer: no such version, and not a query error.
LAST_VERSION = 2**31 - 1


def agreement_text(request, firm_slug, engagement_id):
    """The text staff sign now, and every version published before."""
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    return render(
        request,
        "web/engagements/texts/text.html",
        {
            "engagement": engagement,
            "current": texts.current_text(engagement),
            "versions": texts.text_versions(engagement),
            "may_edit": scope.is_firm_admin
            and engagement.status != Engagement.Status.ENDED,
        },
    )


def agreement_text_version(request, firm_slug, engagement_id, version):
    """One version's text (0: FirmDesk's standard text), with what it changed
    against the version before."""
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    if version == 0:
        shown, before = texts.standard_text(), None
    else:
        row = (
            texts.text_version(engagement, version) if version <= LAST_VERSION else None
        )
        if row is None:
            raise Http404("No such version.")
        shown = texts.current_text_of(row)
        before = texts.previous_text(engagement, version)
    return render(
        request,
        "web/engagements/texts/version.html",
        {
            "engagement": engagement,
            "shown": shown,
            "before": before,
            "diff": texts.text_diff(before.body, shown.body) if before else None,
            "is_current": texts.current_text(engagement).version == shown.version,
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_text_edit(request, firm_slug, engagement_id):
    """Edit, review (what changed, who must sign again), then publish."""
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    engagement = access_engagement(scope, engagement_id)
    current = texts.current_text(engagement)
    back = redirect(
        "engagements:agreement_text", engagement.firm.slug, engagement.public_id
    )
    if engagement.status == Engagement.Status.ENDED:
        messages.error(request, "This engagement has ended: its text stays as it was.")
        return back
    form = AgreementTextForm(
        request.POST or None,
        initial={
            "title": current.title,
            "body": current.body,
            "valid_months": current.valid_months,
        },
    )
    step = request.POST.get("step")
    context = {"engagement": engagement, "current": current, "form": form}
    if request.method == "POST" and step in (REVIEW, PUBLISH) and form.is_valid():
        data = form.cleaned_data
        if step == PUBLISH and request.POST.get("confirmed") == "yes":
            try:
                row = texts.text_publish(scope=scope, engagement=engagement, **data)
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _published_message(row, current))
                return back
        else:
            body = texts.normalised(data["body"])
            sha = nda_text_hash(body)
            context.update(
                reviewing=True,
                diff=texts.text_diff(current.body, body),
                wording_changed=sha != current.sha256,
                losing=texts.people_to_sign_again(engagement, new_sha=sha),
            )
    return render(request, "web/engagements/texts/edit.html", context)


def _published_message(row, before: texts.CurrentText) -> str:
    if row.sha256 == before.sha256:
        return (
            f"Version {row.version} published. The wording is unchanged, so "
            "every signature still counts."
        )
    return (
        f"Version {row.version} published. Everyone must sign it before they "
        "can work for the firm again; they and their provider have been told."
    )


def agreement_signatures(request, firm_slug, engagement_id):
    """Who signed which text, when, how, and whether it counts today."""
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    return render(
        request,
        "web/engagements/texts/signatures.html",
        {
            "engagement": engagement,
            "current": texts.current_text(engagement),
            "rows": texts.signatures(scope=scope, engagement=engagement),
        },
    )


CSV_HEADER = [
    "Person",
    "E-mail",
    "Name as signed",
    "Text version",
    "Text SHA-256",
    "Signed at (firm's time)",
    "How",
    "Recorded by",
    "Expires on",
    "Valid now",
]


def _cell(value) -> str:
    """A spreadsheet reads a cell starting with = + - @ as a formula: a typed
    name must stay text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def agreement_signatures_csv(request, firm_slug, engagement_id):
    """The list of signatures as CSV; the download is audited."""
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    rows = texts.signatures(scope=scope, engagement=engagement)
    zone = engagement.firm.tz
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        a = r.agreement
        writer.writerow(
            _cell(value)
            for value in (
                a.signer.full_name,
                a.signer.email,
                a.signed_name,
                r.version_label,
                a.text_sha256,
                when(a.signed_at, zone),
                r.how,
                a.recorded_by.full_name if a.recorded_by else "",
                a.expires_on.isoformat() if a.expires_on else "",
                "yes" if r.valid else f"no ({r.status})",
            )
        )
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=request.user,
            action="agreement_signatures.exported",
            obj=engagement,
            summary=f"Downloaded the list of confidentiality agreements signed "
            f"for {engagement} ({len(rows)} rows)",
            detail={"rows": len(rows)},
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{scope.firm.slug}-confidentiality-signatures.csv"'
    )
    return response


def provider_agreement_signatures(request, provider_slug):
    """The provider admin's view of the same list: their staff's signatures
    with every firm they serve, and whether each counts today."""
    provider = provider_administered_by(user=request.user, provider_slug=provider_slug)
    if provider is None:
        raise Http404("No provider here.")
    return render(
        request,
        "web/engagements/texts/provider_signatures.html",
        {"provider": provider, "rows": provider_signatures(provider=provider)},
    )
