from django.utils import timezone

from firmdesk.orgs.models import PROVIDER_STAFF_ROLES, StaffProfile, User

from .models import Assignment, Engagement


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
