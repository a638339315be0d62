from django.db import transaction

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError

from .models import MatterScreen


def matter_screen_add(*, scope, matter, user, reason: str) -> MatterScreen:
    """Wall a firm member off a matter: from this commit it does not exist for
    them (the Scope leaves it out everywhere)."""
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin sets up ethical screens.")
    if not reason.strip():
        raise ServiceError("Say why the screen is needed.", field="reason")
    if user.pk == scope.user.pk:
        raise ServiceError("You cannot screen yourself off a matter.", field="user")
    with transaction.atomic():
        screen, _ = MatterScreen.objects.for_firm(scope.firm).get_or_create(
            firm=scope.firm, matter=matter, user=user, defaults={"reason": reason}
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.screen_added",
            obj=screen,
            matter=matter,
            summary=f"{user} walled off {matter.number}: {reason}",
        )
    return screen


def matter_screen_remove(*, scope, screen: MatterScreen) -> None:
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin removes ethical screens.")
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.screen_removed",
            obj=screen,
            matter=screen.matter,
            summary=f"Screen of {screen.user} off {screen.matter.number} removed",
        )
        screen.delete()
