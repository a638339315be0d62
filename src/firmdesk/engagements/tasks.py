"""Background work for engagements: reminding signers and the firm's admins
before a confidentiality agreement expires (issue 20; 14 and 3 days before,
``AGREEMENT_REMIND_DAYS``). The schedule enqueues each reminder once under its
key (agreement, days before); the notification's own key makes a retry or a
second worker tell no one twice."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from firmdesk.jobs.schedule import Due, due_work
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Organization, Role

from .agreement_texts import admins_of, current_text
from .models import Assignment, ConfidentialityAgreement, Engagement

AGREEMENT_REMIND_DAYS = (3, 14)
LIVE = [Engagement.Status.PILOT, Engagement.Status.ACTIVE]


def _day_start(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


@due_work
def agreement_expiry_reminders(now):
    """One reminder per agreement that expires within the longest notice:
    the one for the nearest notice already reached (an agreement signed 5 days
    before it expires gets the 3-day reminder only when 3 days are left, and
    the 14-day one at once)."""
    longest = max(AGREEMENT_REMIND_DAYS)
    for firm in Organization.objects.filter(kind=Organization.Kind.FIRM):
        today = timezone.localdate(now, timezone=firm.tz)
        soon = (
            ConfidentialityAgreement.objects.for_firm(firm)
            .filter(
                expires_on__gte=today,
                expires_on__lte=today + datetime.timedelta(days=longest),
                engagement__status__in=LIVE,
            )
            .only("pk", "expires_on")
        )
        for agreement in soon.iterator():
            left = (agreement.expires_on - today).days
            days = min(n for n in AGREEMENT_REMIND_DAYS if left <= n)
            remind_on = agreement.expires_on - datetime.timedelta(days=days)
            yield Due(
                "engagements.agreement-expiry",
                f"{agreement.pk}:{days}",
                _day_start(remind_on, firm.tz),
                remind_agreement_expiry,
                (firm.pk, agreement.pk, days),
            )


def _still_worth_telling(agreement, today: datetime.date) -> bool:
    """The agreement is on the current text, still the one that runs longest
    for its signer, and they still work on the live engagement."""
    engagement = agreement.engagement
    if not engagement.is_live(today):
        return False
    sha = current_text(engagement).sha256
    if agreement.text_sha256 != sha or not agreement.is_valid(today):
        return False
    later = ConfidentialityAgreement.objects.for_firm(agreement.firm_id).filter(
        engagement=engagement, signer=agreement.signer, text_sha256=sha
    )
    if any(
        other.expires_on is None or other.expires_on > agreement.expires_on
        for other in later
    ):
        return False
    return any(
        a.is_current(today)
        for a in Assignment.objects.for_firm(agreement.firm_id).filter(
            engagement=engagement, user=agreement.signer
        )
    )


@task()
def remind_agreement_expiry(firm_id: int, agreement_id: int, days: int) -> int:
    """Tell the signer and the firm's admins that the agreement expires soon;
    the number of people told (0 when it no longer matters, or told before)."""
    agreement = (
        ConfidentialityAgreement.objects.for_firm(firm_id)
        .filter(pk=agreement_id)
        .select_related("engagement__firm", "engagement__provider", "signer")
        .first()
    )
    if agreement is None:
        return 0
    engagement = agreement.engagement
    firm = engagement.firm
    if not _still_worth_telling(agreement, timezone.localdate(timezone=firm.tz)):
        return 0
    signer = agreement.signer
    expires = f"{agreement.expires_on:%d %b %Y}"
    told = 0
    # Of no firm: the note must reach them even once the agreement has
    # expired and they may no longer act for the firm.
    told += bool(
        notify(
            user=signer,
            kind="agreement.expiring",
            title=f"Your confidentiality agreement with {firm.name} expires on "
            f"{expires}",
            body=f"Sign it again before {expires} to keep working for "
            f"{firm.name}; after that day you cannot see its work until you do.",
            url=reverse("engagements:my_agreements"),
            key=f"agreement-expiry:{agreement.pk}:{days}:{signer.pk}",
        )
    )
    page = reverse(
        "engagements:agreement_signatures", args=[firm.slug, engagement.public_id]
    )
    for admin in admins_of(firm, Role.FIRM_ADMIN):
        told += bool(
            notify(
                user=admin,
                firm=firm,
                kind="agreement.expiring",
                title=f"{signer.full_name or signer.email}'s confidentiality "
                f"agreement expires on {expires}",
                body=f"{signer.full_name or signer.email} ({engagement.provider}) "
                f"loses access to the firm's work after {expires} unless they "
                "sign again.",
                url=page,
                key=f"agreement-expiry:{agreement.pk}:{days}:{admin.pk}",
            )
        )
    return told
