"""Writes for engagements. Each runs in one transaction with its audit event."""

import datetime

from django.db import transaction
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.notify.hooks import publish
from firmdesk.orgs.models import PROVIDER_STAFF_ROLES, Membership, StaffProfile
from firmdesk.orgs.revocation import revoke_firm_access

from .agreement_texts import CurrentText, current_text
from .models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
)


def _require_firm_admin(scope):
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin can change engagements.")


def engagement_create(*, scope, **fields) -> Engagement:
    _require_firm_admin(scope)
    engagement = Engagement(firm=scope.firm, **fields)
    engagement.full_clean()
    with transaction.atomic():
        engagement.save()
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="engagement.created",
            obj=engagement,
            summary=(
                f"Engaged {engagement.provider} for {', '.join(engagement.functions)}"
            ),
        )
    return engagement


def engagement_update(*, scope, engagement: Engagement, **fields) -> Engagement:
    _require_firm_admin(scope)
    if engagement.status == Engagement.Status.ENDED:
        raise ServiceError("This engagement has ended and can no longer be changed.")
    for name, value in fields.items():
        setattr(engagement, name, value)
    engagement.full_clean()
    with transaction.atomic():
        engagement.save()
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="engagement.updated",
            obj=engagement,
            summary=f"Changed {', '.join(sorted(fields))}",
        )
    return engagement


def engagement_end(*, scope, engagement: Engagement, reason: str) -> Engagement:
    """End at once: every assignment's access stops with this commit."""
    _require_firm_admin(scope)
    if engagement.status == Engagement.Status.ENDED:
        raise ServiceError("This engagement has already ended.")
    if not reason.strip():
        raise ServiceError("Say why the engagement ends.", field="reason")
    now = timezone.now()
    with transaction.atomic():
        engagement.status = Engagement.Status.ENDED
        engagement.ended_at = now
        engagement.ended_reason = reason.strip()
        engagement.end_date = timezone.localdate(now, timezone=scope.firm.tz)
        engagement.save(
            update_fields=["status", "ended_at", "ended_reason", "end_date"]
        )
        revoked = _revoke_staff_without_other_engagement(engagement)
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="engagement.ended",
            obj=engagement,
            summary=f"Ended: {engagement.ended_reason}",
            detail={"revoked": revoked},
        )
        publish(
            "engagement.ended",
            firm=scope.firm,
            obj=engagement,
            actor=scope.user,
            provider=engagement.provider.name,
            reason=engagement.ended_reason,
            ended_at=engagement.ended_at,
            end_date=engagement.end_date,
        )
    return engagement


def _revoke_staff_without_other_engagement(engagement: Engagement) -> dict:
    """End the sessions and revoke the firm credentials of everyone assigned to
    the engagement, except those who still work for the firm through another
    live engagement."""
    firm = engagement.firm
    return revoke_firm_access(
        firm=firm,
        user_ids=sorted(staff_losing_access(engagement=engagement)),
        reason=f"The engagement with {firm} ended",
    )


def staff_losing_access(*, engagement: Engagement, user_ids=None) -> set[int]:
    """Who of the engagement's staff (or of ``user_ids``) works for its firm
    through no other live engagement: they lose the firm when this one ends
    or their assignment to it does."""
    firm = engagement.firm
    today = timezone.localdate(timezone=firm.tz)
    staff = set(
        Assignment.objects.for_firm(firm)
        .filter(engagement=engagement)
        .values_list("user_id", flat=True)
    )
    if user_ids is not None:
        staff &= set(user_ids)
    still = {
        a.user_id
        for a in Assignment.objects.for_firm(firm)
        .filter(user_id__in=staff)
        .exclude(engagement=engagement)
        .select_related("engagement")
        if a.is_current(today) and a.engagement.is_live(today)
    }
    return staff - still


def assignment_create(
    *, scope, engagement: Engagement, user, functions: list[str]
) -> Assignment:
    _require_firm_admin(scope)
    if engagement.status == Engagement.Status.ENDED:
        raise ServiceError("Staff cannot be assigned to an engagement that has ended.")
    membership = Membership.objects.filter(
        user=user, organization=engagement.provider, is_active=True
    ).first()
    if membership is None or not set(membership.roles) & PROVIDER_STAFF_ROLES:
        raise ServiceError(
            f"{user} is not on {engagement.provider}'s staff.", field="user"
        )
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is not None and not profile.is_active:
        raise ServiceError(f"{user} has left {engagement.provider}.", field="user")
    assignment = (
        Assignment.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement, user=user)
        .first()
    )
    with transaction.atomic():
        if assignment is None:
            # Starts on the firm's own date: the model's default is the
            # server's (UTC) date, a day ahead of an American firm's evening,
            # which would keep the person out until tomorrow.
            assignment = Assignment(
                firm=scope.firm,
                engagement=engagement,
                user=user,
                functions=functions,
                start_date=timezone.localdate(timezone=scope.firm.tz),
            )
        else:
            assignment.functions = functions
            assignment.end_date = None
        assignment.full_clean()
        assignment.save()
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="assignment.saved",
            obj=assignment,
            summary=f"Assigned {user} to {', '.join(functions)}",
        )
    return assignment


def assignment_end(*, scope, assignment: Assignment) -> Assignment:
    _require_firm_admin(scope)
    with transaction.atomic():
        assignment.end_date = timezone.localdate(
            timezone=scope.firm.tz
        ) - datetime.timedelta(days=1)
        assignment.save(update_fields=["end_date"])
        revoked = revoke_firm_access(
            firm=scope.firm,
            user_ids=staff_losing_access(
                engagement=assignment.engagement, user_ids=[assignment.user_id]
            ),
            reason=f"Removed from the engagement with {scope.firm}",
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="assignment.ended",
            obj=assignment,
            summary=f"Removed {assignment.user} from the engagement",
            detail={"revoked": revoked},
        )
    return assignment


def nda_sign(
    *,
    scope,
    engagement: Engagement,
    signer,
    signed_name: str,
    expires_on: datetime.date | None = None,
    text: CurrentText | None = None,
) -> ConfidentialityAgreement:
    """Record a signature on the engagement's current confidentiality text.

    The firm admin records it (a signed paper or e-signature copy on file);
    the text's hash is kept so the wording signed can be proved later. It
    expires when the text's validity says, or earlier if the admin sets so.
    """
    _require_firm_admin(scope)
    if (
        not Assignment.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement, user=signer)
        .exists()
    ):
        raise ServiceError(
            f"Assign {signer} to the engagement before recording their agreement.",
            field="signer",
        )
    if not signed_name.strip():
        raise ServiceError("Type the name as it was signed.", field="signed_name")
    today = timezone.localdate(timezone=scope.firm.tz)
    if expires_on is not None and expires_on < today:
        raise ServiceError("The expiry date is in the past.", field="expires_on")
    text = text or current_text(engagement)
    longest = text.expires_on(today)
    if longest is not None and expires_on is not None and expires_on > longest:
        raise ServiceError(
            f"A signature on this text holds for {text.valid_months} months: "
            f"choose {longest:%d %b %Y} or earlier, or leave the date empty.",
            field="expires_on",
        )
    return _agreement_create(
        engagement=engagement,
        signer=signer,
        signed_name=signed_name,
        expires_on=expires_on or longest,
        text=text,
        recorded_by=scope.user,
    )


def _agreement_create(
    *, engagement, signer, signed_name, expires_on, text: CurrentText, recorded_by
) -> ConfidentialityAgreement:
    firm = engagement.firm
    with transaction.atomic():
        agreement = ConfidentialityAgreement.objects.for_firm(firm).create(
            firm=firm,
            engagement=engagement,
            signer=signer,
            signed_at=timezone.now(),
            expires_on=expires_on,
            text_version=text.text_version,
            text_sha256=text.sha256,
            signed_name=signed_name.strip(),
            recorded_by=recorded_by,
        )
        audit_record(
            org=firm,
            actor=recorded_by,
            action="nda.signed",
            obj=agreement,
            summary=f"Confidentiality agreement ({text.label}) signed by {signer}"
            + (" (typed by themself)" if recorded_by == signer else ""),
            detail={
                "text_sha256": agreement.text_sha256,
                "text_version": agreement.text_version,
                "expires_on": expires_on.isoformat() if expires_on else None,
            },
        )
    return agreement


def nda_self_sign(
    *,
    assignment: Assignment,
    signer,
    signed_name: str,
    text: CurrentText | None = None,
    read_sha256: str | None = None,
) -> ConfidentialityAgreement:
    """The assigned staff member signs the engagement's current text themself
    by typing their name (docs/documents-agreements.md). The firm chose them
    by assigning them; their own signature is what the firm admin would
    otherwise record for them. It expires when the text's validity says.
    ``read_sha256``, the text the page showed them: if the firm changed the
    text meanwhile, they must read the new one first."""
    engagement = assignment.engagement
    if assignment.user_id != signer.pk:
        raise ServiceError("Only the person assigned signs their own agreement.")
    today = timezone.localdate(timezone=engagement.firm.tz)
    if engagement.status == Engagement.Status.ENDED:
        raise ServiceError(
            f"The engagement with {engagement.firm} has ended: there is nothing "
            "to sign."
        )
    if assignment.end_date is not None and assignment.end_date < today:
        raise ServiceError(
            f"You are no longer assigned to work for {engagement.firm}, so there "
            "is nothing to sign. Ask your provider if this is a mistake."
        )
    if not signed_name.strip():
        raise ServiceError("Type your full name to sign.", field="signed_name")
    text = text or current_text(engagement)
    if read_sha256 is not None and read_sha256 != text.sha256:
        raise ServiceError(
            f"{engagement.firm} changed the agreement while you were reading it. "
            "Read the new text below and sign again."
        )
    if any(
        a.is_valid(today)
        for a in ConfidentialityAgreement.objects.for_firm(engagement.firm).filter(
            engagement=engagement, signer=signer, text_sha256=text.sha256
        )
    ):
        raise ServiceError(
            f"You have already signed this agreement for {engagement.firm}."
        )
    return _agreement_create(
        engagement=engagement,
        signer=signer,
        signed_name=signed_name,
        expires_on=text.expires_on(today),
        text=text,
        recorded_by=signer,
    )


def matter_grant(*, scope, engagement: Engagement, matter, user=None) -> MatterGrant:
    _require_firm_admin(scope)
    if matter.firm_id != scope.firm.pk or engagement.firm_id != scope.firm.pk:
        raise ServiceError("That matter belongs to another firm.")
    if scope.firm.require_client_consent and matter.client_consent_on is None:
        # The rule would hide the matter anyway (access.rule.NO_CONSENT); a
        # grant that opens nothing would only mislead the firm admin.
        raise ServiceError(
            f"The client has not consented to outside help on {matter.number}, "
            f"and {scope.firm.name} requires that consent before a matter is "
            "opened to outside staff. Record the client's consent on the "
            "matter first (the matter's page, “Client consent to outside "
            "help”), then open it.",
            field="matter",
        )
    with transaction.atomic():
        grant = (
            MatterGrant.objects.for_firm(scope.firm)
            .filter(engagement=engagement, matter=matter, user=user)
            .first()
        )
        if grant is None:
            grant = MatterGrant.objects.for_firm(scope.firm).create(
                firm=scope.firm,
                engagement=engagement,
                matter=matter,
                user=user,
                granted_by=scope.user,
            )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.granted",
            obj=grant,
            matter=matter,
            summary=f"Opened {matter.number} to {user or 'the whole team'}",
        )
    return grant


def matter_grant_revoke(*, scope, grant: MatterGrant) -> None:
    _require_firm_admin(scope)
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.grant_revoked",
            obj=grant,
            matter=grant.matter,
            summary=f"Closed {grant.matter.number} to {grant.user or 'the whole team'}",
        )
        grant.delete()
