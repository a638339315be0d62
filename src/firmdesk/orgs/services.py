import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError

from .models import Absence, Membership, StaffProfile, validate_time_zone


def absence_record(
    *,
    actor,
    org,
    user,
    kind: str,
    start: datetime.date,
    end: datetime.date,
    note: str = "",
) -> Absence:
    """Record leave or a sick day. Provider staff lose access to client data
    for the days they are away (docs/roles-and-access.md)."""
    if not Membership.objects.filter(
        user=user, organization=org, is_active=True
    ).exists():
        raise ServiceError(f"{user} is not a member of {org}.")
    if end < start:
        raise ServiceError(
            "The last day must be on or after the first day.", field="end"
        )
    with transaction.atomic():
        absence = Absence.objects.create(
            user=user, kind=kind, start=start, end=end, note=note, recorded_by=actor
        )
        audit_record(
            org=org,
            actor=actor,
            action="absence.recorded",
            obj=absence,
            summary=f"{user}: {absence.get_kind_display()} {start}–{end}",
        )
    return absence


def absence_delete(*, actor, org, absence: Absence) -> None:
    with transaction.atomic():
        audit_record(
            org=org,
            actor=actor,
            action="absence.removed",
            obj=absence,
            summary=f"{absence.user}: removed {absence}",
        )
        absence.delete()


def staff_mark_left(*, actor, org, profile: StaffProfile, left_on: datetime.date):
    """A staff member leaves: every firm's access ends with this commit."""
    with transaction.atomic():
        profile.status = StaffProfile.Status.LEFT
        profile.left_on = left_on
        profile.save(update_fields=["status", "left_on"])
        audit_record(
            org=org,
            actor=actor,
            action="staff.left",
            obj=profile,
            summary=f"{profile.user} left on {left_on}",
        )
    return profile


def user_set_time_zone(*, user, time_zone: str) -> None:
    """A person chooses the zone FirmDesk shows them times in; recorded in the
    audit trail of every organisation they belong to (their firm reads times
    they write, such as a due time, through it)."""
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        raise ServiceError(error.messages[0], field="time_zone") from None
    with transaction.atomic():
        before = user.time_zone
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
        for membership in Membership.objects.filter(
            user=user, is_active=True
        ).select_related("organization"):
            audit_record(
                org=membership.organization,
                actor=user,
                action="user.time_zone_changed",
                obj=user,
                summary=f"{user}: time zone {before} → {time_zone}",
            )
