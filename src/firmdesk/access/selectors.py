"""The scoped query API: ``access_<entity>(scope, public_id, *, for_write=False)``.

A row outside the scope and a row that does not exist give the same 404, so a
URL never tells anyone that something exists. Apps above ``access`` in the
import order (work, scheduling, ...) define their own ``access_<entity>`` in
their selectors with ``access_object`` below.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404

from firmdesk.engagements.agreement_texts import (
    Standing,
    current_text,
    described,
    standings,
)
from firmdesk.engagements.models import (
    AgreementText,
    Assignment,
    ConfidentialityAgreement,
    Engagement,
)
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Absence

from .rule import AGREEMENT_CHANGED, staff_reasons
from .system import provider_side


def access_object(model, scope, public_id, *, for_write=False, queryset=None):
    qs = queryset if queryset is not None else model.objects.in_scope(scope)
    if for_write:
        qs = qs.select_for_update()
    try:
        return qs.get(public_id=public_id)
    except (model.DoesNotExist, ValidationError, ValueError):
        raise Http404(f"No {model._meta.verbose_name} here.") from None


def access_matter(scope, public_id, *, for_write=False) -> Matter:
    return access_object(Matter, scope, public_id, for_write=for_write)


def access_engagement(scope, public_id, *, for_write=False) -> Engagement:
    """Engagements are the firm's business: firm members only."""
    if not scope.is_firm_member:
        raise Http404("No engagement here.")
    return access_object(Engagement, scope, public_id, for_write=for_write)


def current_assignments_of_provider(*, provider, today: datetime.date):
    """The provider's own view of where its staff work, across firms.

    Provider-side pages are not client data of one firm, so they read across
    firms here (never in a view); they show only firm names, never firm data.
    """
    return (
        provider_side(Assignment, provider=provider)
        .filter(
            engagement__status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE],
            start_date__lte=today,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("firm")
    )


def provider_signatures(*, provider) -> list:
    """Every confidentiality agreement ``provider``'s staff signed, with every
    firm it serves, newest first, each with its version and standing
    (``engagements.agreement_texts.described``): for the provider admin, firm
    names and dates only, no client data. Three queries."""
    published: dict[int, list] = {}
    for row in provider_side(AgreementText, provider=provider).order_by("-version"):
        published.setdefault(row.engagement_id, []).append(row)
    return described(
        provider_side(ConfidentialityAgreement, provider=provider)
        .select_related("signer", "recorded_by", "signed_document", "firm")
        .order_by("-signed_at", "-pk"),
        published=published,
    )


def engagement_roster(*, scope, engagement, today: datetime.date) -> list[dict]:
    """Each assignment of ``engagement`` with where it stands today: its valid
    agreement, any absence, and every reason the access rule gives for no
    access (``access.rule.staff_reasons``; empty: they have access)."""
    assignments = list(
        Assignment.objects.in_scope(scope)
        .filter(engagement=engagement)
        .select_related("user", "user__staff_profile")
        .prefetch_related(
            Prefetch(
                "user__absences",
                queryset=Absence.objects.filter(start__lte=today, end__gte=today),
                to_attr="absences_today",
            )
        )
    )
    text = current_text(engagement)
    # The newest agreement that counts, else the newest one signed, to show
    # what they signed even when it no longer counts (earlier text, expired).
    signed: dict[int, ConfidentialityAgreement] = {}
    newest: dict[int, ConfidentialityAgreement] = {}
    agreements = list(
        ConfidentialityAgreement.objects.in_scope(scope).filter(engagement=engagement)
    )
    for agreement in agreements:
        newest.setdefault(agreement.signer_id, agreement)
        if agreement.text_sha256 == text.sha256 and agreement.is_valid(today):
            signed.setdefault(agreement.signer_id, agreement)
    standing = standings(
        ((a.signer_id, a.expires_on, a.text_sha256) for a in agreements),
        current_sha=text.sha256,
    )
    rows = []
    for a in assignments:
        profile = getattr(a.user, "staff_profile", None)
        absent = a.user.absences_today[0] if a.user.absences_today else None
        facts = standing.get(a.user_id, Standing())
        reasons = staff_reasons(
            engagement=engagement,
            assignment=a,
            profile_status=profile.status if profile and a.user.is_active else None,
            agreed_until=facts.agreed_until,
            earlier_text=facts.earlier_text,
            absent=absent is not None,
            today=today,
        )
        rows.append(
            {
                "assignment": a,
                "agreement": signed.get(a.user_id) or newest.get(a.user_id),
                "agreement_counts": a.user_id in signed,
                "text_changed_at": text.published_at
                if AGREEMENT_CHANGED in reasons
                else None,
                "current": a.is_current(today),
                "absent": absent,
                "reasons": reasons,
                "has_access": not reasons,
            }
        )
    return rows


@dataclass(frozen=True)
class AuditRow:
    """An audit event as one viewer may read it: an event about a matter they
    are screened from (or a row of it) keeps its number, time, who and what,
    so the trail stays whole, but not its details, which name the matter or
    its parties."""

    seq: int | None  # None for a read (sealed into the chain in batches)
    at: datetime.datetime
    actor_label: str
    action: str
    summary: str
    hidden: bool


HIDDEN_EVENT = "About a matter you are screened from: details not shown."


def audit_rows_for(*, scope, events) -> list[AuditRow]:
    """``events`` (a page of the firm's trail) as ``scope`` may read them: one
    query for the screened matters' ids, then one per kind of row the events
    are about, and none at all for someone screened from nothing."""
    events = list(events)
    hidden: set[int] = set()
    if scope.screened_matter_ids:
        screened = {
            str(pid)
            for pid in Matter.objects.for_firm(scope.firm)
            .filter(pk__in=scope.screened_matter_ids)
            .values_list("public_id", flat=True)
        }
        hidden = {e.pk for e in events if e.matter_id in screened}
        by_type: dict[str, set[str]] = {}
        for e in events:
            if e.pk not in hidden and e.object_type and e.object_id:
                by_type.setdefault(e.object_type, set()).add(e.object_id)
        unseen: set[tuple[str, str]] = set()
        for label, ids in by_type.items():
            model = apps.get_model(label)
            if not hasattr(model, "need_to_know"):
                continue  # not client data (people, organisations)
            rows = model.objects.in_scope(scope).filter(public_id__in=ids)
            if any(f.name == "matter" for f in model._meta.concrete_fields):
                # A row that copies its matter's names (a conflict check).
                rows = rows.exclude(matter_id__in=scope.screened_matter_ids)
            seen = {str(pid) for pid in rows.values_list("public_id", flat=True)}
            unseen |= {(label, i) for i in ids - seen}
        hidden |= {e.pk for e in events if (e.object_type, e.object_id) in unseen}
    return [
        AuditRow(
            seq=e.seq,
            at=e.at,
            actor_label=e.actor_label,
            action=e.action,
            summary=HIDDEN_EVENT if e.pk in hidden else e.summary,
            hidden=e.pk in hidden,
        )
        for e in events
    ]
