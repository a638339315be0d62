"""Ending an engagement, and what the end leaves behind (issue 20,
docs/security-ending.md).

- ``engagement_close``: in one transaction the engagement ends
  (``engagements.services.engagement_end``: sessions and feed addresses of
  the staff who lose the firm are revoked), their open tasks come back to the
  firm, the return-of-data certificate is opened (awaiting the provider), the
  export row is made when a passphrase was given, the provider's admins are
  told, and all of it is audited. The export is then built in the same
  request: its passphrase never leaves it.
- ``certificate_certify``: the provider admin states how the firm's data they
  held was returned or destroyed; FirmDesk draws the certificate as a PDF,
  seals it under the firm's key and keeps its SHA-256.
- ``staff_left``: a provider's staff member leaves; every firm they served
  loses them at once, sessions and feed addresses included.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from firmdesk.access.system import provider_side
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.common.times import when
from firmdesk.engagements import services as engagement_services
from firmdesk.engagements.models import Assignment, Engagement
from firmdesk.intake.reception import firm_admins, firm_people
from firmdesk.notify.services import notify
from firmdesk.orgs import services as org_services
from firmdesk.orgs.models import UserSession
from firmdesk.orgs.revocation import revoke_firm_access
from firmdesk.scheduling.models import CalendarFeed
from firmdesk.work.models import Task

from . import ending_files, export
from .models import DataReturnCertificate, EngagementExport

CERTIFICATE_TEMPLATE = "web/engagements/ending/certificate_pdf.html"


def _require_firm_admin(scope) -> None:
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin can end an engagement.")


# --- Who loses access --------------------------------------------------------


@dataclass
class Leaving:
    """One assigned person, as the ending page shows them."""

    user: object
    loses_firm: bool
    open_tasks: list = field(default_factory=list)
    feeds: int = 0
    sessions: int = 0


def ending_preview(*, scope, engagement: Engagement) -> list[Leaving]:
    """Everyone assigned to the engagement: whether they lose the firm (no
    other live engagement with it), their open tasks on this engagement,
    their live feed addresses in the firm and their signed-in browsers."""
    _require_firm_admin(scope)
    firm = scope.firm
    assignments = (
        Assignment.objects.for_firm(firm)
        .filter(engagement=engagement)
        .select_related("user")
        .order_by("user__full_name")
    )
    people = [a.user for a in assignments]
    ids = [p.pk for p in people]
    losing = engagement_services.staff_losing_access(engagement=engagement)
    tasks: dict[int, list] = {}
    # Through the admin's own Scope: a matter they are screened from does not
    # show here by its tasks.
    visible = Task.objects.in_scope(scope).values("pk")
    for task in (
        _open_tasks(firm, engagement, ids)
        .filter(pk__in=visible)
        .select_related("matter")
    ):
        tasks.setdefault(task.assignee_id, []).append(task)
    feeds = _count_by_user(
        CalendarFeed.objects.for_firm(firm).filter(
            user_id__in=ids, revoked_at__isnull=True
        )
    )
    sessions = _count_by_user(
        UserSession.objects.filter(user_id__in=ids, ended_at__isnull=True)
    )
    return [
        Leaving(
            user=p,
            loses_firm=p.pk in losing,
            open_tasks=tasks.get(p.pk, []),
            feeds=feeds.get(p.pk, 0) if p.pk in losing else 0,
            sessions=sessions.get(p.pk, 0) if p.pk in losing else 0,
        )
        for p in people
    ]


def _count_by_user(queryset) -> dict[int, int]:
    counts: dict[int, int] = {}
    for user_id in queryset.values_list("user_id", flat=True):
        counts[user_id] = counts.get(user_id, 0) + 1
    return counts


def _open_tasks(firm, engagement, user_ids):
    """Tasks of this engagement still in the hands of its staff: given to
    them and not yet handed in for review."""
    return Task.objects.for_firm(firm).filter(
        engagement=engagement,
        assignee_id__in=user_ids,
        status__in=Task.WORKING_STATUSES,
    )


# --- Ending ------------------------------------------------------------------


@dataclass
class Closed:
    engagement: Engagement
    certificate: DataReturnCertificate
    export: EngagementExport | None
    tasks_returned: int
    people_cut_off: int


def engagement_close(
    *, scope, engagement: Engagement, reason: str, passphrase: str = ""
) -> Closed:
    """End the engagement and open what its end leaves behind (module doc).
    ``passphrase`` (12 characters or more) asks for the export now; without
    one the firm admin exports later from the engagement's page."""
    _require_firm_admin(scope)
    if passphrase:
        export.check_passphrase(passphrase)
    losing = engagement_services.staff_losing_access(engagement=engagement)
    with transaction.atomic():
        engagement_services.engagement_end(
            scope=scope, engagement=engagement, reason=reason
        )
        staff = list(
            Assignment.objects.for_firm(scope.firm)
            .filter(engagement=engagement)
            .values_list("user_id", flat=True)
        )
        returned = _tasks_back_to_firm(scope, engagement, staff)
        certificate = DataReturnCertificate.objects.for_firm(scope.firm).create(
            firm=scope.firm, engagement=engagement
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="engagement.return_certificate_requested",
            obj=certificate,
            summary=f"Asked {engagement.provider} to certify the return or "
            "destruction of the firm's data",
            detail={"tasks_returned": returned},
        )
        export_row = (
            export.export_request(scope=scope, engagement=engagement)
            if passphrase
            else None
        )
        _tell_provider_admins(engagement, certificate)
    if export_row is not None:
        export.export_build(scope=scope, export=export_row, passphrase=passphrase)
    return Closed(engagement, certificate, export_row, returned, len(losing))


def _tasks_back_to_firm(scope, engagement, staff) -> int:
    """Open tasks of the engagement in its staff's hands come back to the
    firm: nobody assigned, no engagement (the firm's own queue), and a note
    saying where the work stood. Work handed in for review stays with its
    reviewer, who approves it or gives it to someone else."""
    day = timezone.localdate(timezone=scope.firm.tz)
    moved = 0
    for task in _open_tasks(scope.firm, engagement, staff).select_related(
        "assignee", "matter"
    ):
        who = task.assignee.full_name or task.assignee.email
        task.handover_note = (
            f"Back with the firm: the engagement with {engagement.provider} ended "
            f"on {day:%d %B %Y}. {who} had it; status was "
            f"“{task.get_status_display()}”, {task.minutes_logged} minutes logged. "
            "Give it to someone in the firm or to another engagement's staff."
        )
        task.assignee = None
        task.engagement = None
        task.needs_routing = False
        if task.status == Task.Status.IN_PROGRESS:
            task.status = Task.Status.OPEN
        task.revision += 1
        task.save(
            update_fields=[
                "handover_note",
                "assignee",
                "engagement",
                "needs_routing",
                "status",
                "revision",
                "updated_at",
            ]
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="task.handed_over",
            obj=task,
            matter=task.matter,
            summary=f"Back with the firm from {who}: the engagement ended",
            # The export of the engagement finds its tasks through this.
            detail={"engagement": str(engagement.public_id)},
        )
        moved += 1
    return moved


def _provider_admins(provider) -> list:
    return [u for u, roles in firm_people(provider) if "provider_admin" in roles]


def _tell_provider_admins(engagement, certificate) -> None:
    provider = engagement.provider
    url = reverse(
        "engagements:provider_return_certify",
        args=[provider.slug, certificate.public_id],
    )
    for admin in _provider_admins(provider):
        # Of no firm: the provider's admins have no access to the firm's
        # space; the page it links to is in the provider's own.
        notify(
            user=admin,
            title=f"{engagement.firm} ended its engagement: certify the return "
            "of its data",
            kind="engagement.return_requested",
            body=(
                f"{engagement.firm} ended the engagement “{engagement}”. State "
                "how every copy of the firm's data your team held outside "
                "FirmDesk was returned or destroyed, and sign the certificate."
            ),
            url=url,
            key=f"return-requested:{certificate.public_id}:{admin.pk}",
        )


# --- Exports -----------------------------------------------------------------


def export_again(*, scope, engagement: Engagement, passphrase: str):
    """A new export of an ended engagement, with a new passphrase."""
    export.check_passphrase(passphrase)
    with transaction.atomic():
        row = export.export_request(scope=scope, engagement=engagement)
    return export.export_build(scope=scope, export=row, passphrase=passphrase)


# --- The return-of-data certificate --------------------------------------------


def certificates_of_provider(*, provider):
    """The provider's certificates with every firm, awaiting ones first: the
    firm's name and the engagement's, no client data."""
    return (
        provider_side(DataReturnCertificate, provider=provider)
        .select_related("engagement", "firm")
        .order_by("-status", "-created_at")
    )


def certificate_of_provider(*, provider, public_id):
    certificates = certificates_of_provider(provider=provider)
    return certificates.filter(public_id=public_id).first()


@dataclass
class Item:
    what: str
    how: str


def certificate_certify(
    *,
    actor,
    provider,
    certificate: DataReturnCertificate,
    method: str,
    completed_on: datetime.date,
    items: list[Item],
    statement: str,
    typed_name: str,
) -> DataReturnCertificate:
    if certificate.engagement.provider_id != provider.pk:
        raise ServiceError("This certificate belongs to another provider.")
    if certificate.status == DataReturnCertificate.Status.CERTIFIED:
        raise ServiceError("This certificate has already been signed.")
    if method not in DataReturnCertificate.Method.values:
        raise ServiceError("Choose how the data was dealt with.", field="method")
    today = timezone.localdate(timezone=provider.tz)
    if completed_on > today:
        raise ServiceError(
            "The date the work was finished cannot be in the future. Certify "
            "once it is done.",
            field="completed_on",
        )
    ended = certificate.engagement.end_date
    if ended and completed_on < ended - datetime.timedelta(days=366):
        raise ServiceError(
            "That date is long before the engagement ended. Check the year.",
            field="completed_on",
        )
    if method != DataReturnCertificate.Method.NONE_HELD and not items:
        raise ServiceError(
            "List what your team held (where, in what form) and how each was "
            "returned or destroyed.",
            field="items",
        )
    if not typed_name.strip():
        raise ServiceError("Type your full name to sign.", field="typed_name")
    firm = certificate.firm
    now = timezone.now()
    with transaction.atomic():
        certificate = (
            DataReturnCertificate.objects.for_firm(firm)
            .select_for_update()
            .get(pk=certificate.pk)
        )
        if certificate.status == DataReturnCertificate.Status.CERTIFIED:
            raise ServiceError("This certificate has already been signed.")
        certificate.status = DataReturnCertificate.Status.CERTIFIED
        certificate.method = method
        certificate.completed_on = completed_on
        certificate.items = [{"what": i.what, "how": i.how} for i in items]
        certificate.statement = statement.strip()
        certificate.certified_by = actor
        certificate.certified_name = typed_name.strip()
        certificate.certified_at = now
        pdf = _certificate_pdf(certificate, provider=provider)
        certificate.sha256 = hashlib.sha256(pdf).hexdigest()
        name = ending_files.seal_bytes(
            firm=firm,
            file_id=certificate.public_id,
            content=pdf,
            name=_certificate_name(certificate),
        )
        try:
            certificate.save()
            audit_record(
                org=firm,
                actor=actor,
                action="engagement.return_certified",
                obj=certificate,
                summary=f"{provider} certified the return or destruction of the "
                f"firm's data: {certificate.get_method_display()}, "
                f"signed by {certificate.certified_name}",
                detail={"sha256": certificate.sha256, "items": len(items)},
            )
            for admin in firm_admins(firm):
                notify(
                    user=admin,
                    firm=firm,
                    title=f"{provider} certified the return of your data",
                    kind="engagement.return_certified",
                    body=(
                        f"{certificate.certified_name} of {provider} signed the "
                        f"certificate for “{certificate.engagement}”: "
                        f"{certificate.get_method_display()}."
                    ),
                    url=reverse(
                        "engagements:engagement_detail",
                        args=[firm.slug, certificate.engagement.public_id],
                    ),
                    key=f"return-certified:{certificate.public_id}:{admin.pk}",
                )
        except Exception:
            ending_files.delete(name)
            raise
    return certificate


def _certificate_name(certificate) -> str:
    return (
        f"compliance/certificates/{certificate.firm.public_id}/"
        f"{certificate.public_id}.pdf"
    )


class _NothingFetched(URLFetcher):
    """The certificate's style is in the template: nothing is fetched."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Nothing is fetched for a certificate: {url}")


def _certificate_pdf(certificate, *, provider) -> bytes:
    firm = certificate.firm
    engagement = certificate.engagement
    html = render_to_string(
        CERTIFICATE_TEMPLATE,
        {
            "c": certificate,
            "firm": firm,
            "provider": provider,
            "engagement": engagement,
            "ended_at": when(engagement.ended_at, firm.tz)
            if engagement.ended_at
            else "",
            "certified_at_local": when(certificate.certified_at, provider.tz),
            "certified_at_utc": when(certificate.certified_at, datetime.UTC),
            "signer": certificate.certified_by,
        },
    )
    return HTML(string=html, url_fetcher=_NothingFetched()).write_pdf()


def certificate_pdf(*, certificate: DataReturnCertificate) -> bytes:
    """The PDF as it was signed; TamperedFile if its stored copy changed."""
    if certificate.status != DataReturnCertificate.Status.CERTIFIED:
        raise ServiceError("The provider has not signed the certificate yet.")
    content = ending_files.open_bytes(
        firm=certificate.firm,
        file_id=certificate.public_id,
        name=_certificate_name(certificate),
    )
    if hashlib.sha256(content).hexdigest() != certificate.sha256:
        from firmdesk.documents.crypto import TamperedFile

        raise TamperedFile("The certificate is not the one that was signed.")
    return content


def certificate_download(*, scope=None, actor, certificate) -> bytes:
    """The certificate for the firm's admin (``scope``) or the provider's
    admin who reads it in their own space; either reading is audited in the
    firm's trail."""
    if scope is not None:
        _require_firm_admin(scope)
    content = certificate_pdf(certificate=certificate)
    with transaction.atomic():
        audit_record(
            org=certificate.firm,
            actor=actor,
            action="engagement.return_certificate_downloaded",
            obj=certificate,
            summary=f"Downloaded the return-of-data certificate of "
            f"{certificate.engagement}",
        )
    return content


def ending_status(*, scope, engagement: Engagement) -> dict:
    """What the engagement's page shows once it has ended: the certificate
    and the exports (firm admins only)."""
    if not scope.is_firm_admin or engagement.status != Engagement.Status.ENDED:
        return {}
    return {
        "certificate": DataReturnCertificate.objects.for_firm(scope.firm)
        .filter(engagement=engagement)
        .first(),
        "exports": list(
            EngagementExport.objects.for_firm(scope.firm)
            .filter(engagement=engagement)
            .select_related("requested_by")
        ),
    }


# --- A staff member leaves -----------------------------------------------------


def staff_left(*, actor, provider, profile, left_on: datetime.date):
    """Mark the person as left and, in the same transaction, end their
    sessions and revoke their feed addresses in every firm they served."""
    with transaction.atomic():
        org_services.staff_mark_left(
            actor=actor, org=provider, profile=profile, left_on=left_on
        )
        firms = {
            a.firm
            for a in provider_side(Assignment, provider=provider)
            .filter(user=profile.user)
            .select_related("firm")
        }
        for firm in sorted(firms, key=lambda f: f.pk):
            revoked = revoke_firm_access(
                firm=firm,
                user_ids=[profile.user_id],
                reason=f"Left {provider}",
            )
            audit_record(
                org=firm,
                actor=actor,
                action="staff.access_revoked",
                obj=profile.user,
                summary=f"{profile.user} left {provider}: their access to {firm} ended",
                detail={"revoked": revoked},
            )
    return profile
