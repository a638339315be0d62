"""The scoped query API: ``access_<entity>(scope, public_id, *, for_write=False)``.

A row outside the scope and a row that does not exist give the same 404, so a
URL never tells anyone that something exists. Apps above ``access`` in the
import order (work, scheduling, ...) define their own ``access_<entity>`` in
their selectors with ``access_object`` below.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404

from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
)
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Absence

from .rule import staff_reasons
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
    signed: dict[int, ConfidentialityAgreement] = {}
    agreed_until: dict[int, datetime.date] = {}
    for agreement in ConfidentialityAgreement.objects.in_scope(scope).filter(
        engagement=engagement
    ):
        until = agreement.expires_on or datetime.date.max
        agreed_until[agreement.signer_id] = max(
            until, agreed_until.get(agreement.signer_id, until)
        )
        if agreement.is_valid(today):
            signed.setdefault(agreement.signer_id, agreement)
    rows = []
    for a in assignments:
        profile = getattr(a.user, "staff_profile", None)
        absent = a.user.absences_today[0] if a.user.absences_today else None
        reasons = staff_reasons(
            engagement=engagement,
            assignment=a,
            profile_status=profile.status if profile and a.user.is_active else None,
            agreed_until=agreed_until.get(a.user_id),
            absent=absent is not None,
            today=today,
        )
        rows.append(
            {
                "assignment": a,
                "agreement": signed.get(a.user_id),
                "current": a.is_current(today),
                "absent": absent,
                "reasons": reasons,
                "has_access": not reasons,
            }
        )
    return rows
