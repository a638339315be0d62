import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from firmdesk.orgs.models import PROVIDER_STAFF_ROLES, Absence, StaffProfile, User

from .models import Assignment, ConfidentialityAgreement, Engagement


def current_assignments_of_provider(*, provider, today: datetime.date):
    """The provider's own view of where its staff work, across firms.

    Provider-side pages are not client data of one firm, so they read across
    firms here (never in a view); they show only firm names, never firm data.
    """
    return (
        Assignment.unscoped.filter(
            engagement__provider=provider,
            engagement__status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE],
            start_date__lte=today,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("firm")
    )


def live_engagements(*, scope, function: str = "") -> list[Engagement]:
    """The firm's engagements in force today (pilot or active, within their
    dates), oldest first; with ``function``, those whose scope covers it."""
    today = timezone.localdate(timezone=scope.firm.tz)
    return [
        e
        for e in Engagement.objects.in_scope(scope)
        .filter(status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE])
        .select_related("provider")
        .order_by("created_at")
        if e.is_live(today) and (not function or function in e.functions)
    ]


def assignable_staff(*, engagement):
    """Who the firm may assign to ``engagement``: the provider's active staff
    who hold a provider staff role there."""
    candidates = (
        User.objects.filter(
            memberships__organization=engagement.provider,
            memberships__is_active=True,
            staff_profile__status=StaffProfile.Status.ACTIVE,
        )
        .distinct()
        .prefetch_related("memberships")
    )
    staff = [
        u
        for u in candidates
        if any(
            set(m.roles) & PROVIDER_STAFF_ROLES
            for m in u.memberships.all()
            if m.organization_id == engagement.provider_id
        )
    ]
    return User.objects.filter(pk__in=[u.pk for u in staff])


def assigned_staff(*, scope, engagement):
    """Everyone ever assigned to ``engagement``: who may sign its
    confidentiality agreement or be granted a matter."""
    return User.objects.filter(
        pk__in=Assignment.objects.in_scope(scope)
        .filter(engagement=engagement)
        .values("user_id")
    )


def engagement_roster(*, scope, engagement, today: datetime.date) -> list[dict]:
    """Each assignment of ``engagement`` with where it stands today: its signed
    agreement, whether it is current, whether the person left or is away, and
    whether all of that together gives them access to the firm's data."""
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
    signed = {}
    for agreement in ConfidentialityAgreement.objects.in_scope(scope).filter(
        engagement=engagement
    ):
        if agreement.is_valid(today):
            signed.setdefault(agreement.signer_id, agreement)
    rows = []
    for a in assignments:
        profile = getattr(a.user, "staff_profile", None)
        absent = a.user.absences_today[0] if a.user.absences_today else None
        rows.append(
            {
                "assignment": a,
                "agreement": signed.get(a.user_id),
                "current": a.is_current(today),
                "left": profile is not None and not profile.is_active,
                "absent": absent,
                "has_access": engagement.is_live(today)
                and a.is_current(today)
                and a.user_id in signed
                and absent is None
                and (profile is None or profile.is_active),
            }
        )
    return rows
