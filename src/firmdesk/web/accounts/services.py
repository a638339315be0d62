"""A person's own sign-in security (issue 20): recovery codes, where they are
signed in, and the audit rows those leave.

Recovery codes are django-otp's static tokens (``otp_static``), as in
django-two-factor-auth: one ``StaticDevice`` per person holding ten
single-use codes. Using one deletes it under a row lock on the device, so
the same code sent twice at once still opens one session only.

Events about a person's account are written in the trail of every
organisation that answers for them: their own (a firm, or their provider)
and, for provider staff, each firm they are assigned to today. A firm admin
therefore sees a provider assistant sign in with a recovery code in the
firm's own audit page.
"""

import datetime

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.access.selectors import current_assignments_of_provider
from firmdesk.audit.services import audit_record
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Membership, UserSession
from firmdesk.orgs.sessions import end_sessions

RECOVERY_CODE_COUNT = 10
# At or below this many codes left, FirmDesk says to make new ones.
RECOVERY_CODES_LOW = 2
RECOVERY_DEVICE_NAME = "Recovery codes"


def counted(number: int, word: str) -> str:
    """``counted(1, "code")`` → "1 code"; ``counted(9, "code")`` → "9 codes"."""
    return f"{number} {word}{'' if number == 1 else 's'}"


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def organisations_answering_for(user, *, today: datetime.date | None = None):
    """Every organisation whose audit trail records events of ``user``'s
    account: their active memberships' organisations and, for provider
    staff, the firms of their current assignments."""
    today = today or timezone.localdate()
    orgs = {}
    memberships = Membership.objects.filter(user=user, is_active=True).select_related(
        "organization"
    )
    for membership in memberships:
        org = membership.organization
        orgs[org.pk] = org
        if not org.is_firm:
            for assignment in current_assignments_of_provider(
                provider=org, today=today
            ).filter(user=user):
                orgs.setdefault(assignment.firm_id, assignment.firm)
    return sorted(orgs.values(), key=lambda o: o.pk)


def audit_account_event(*, user, action: str, summary: str, detail=None) -> None:
    """Record an event of ``user``'s own account in every organisation that
    answers for them (call inside the change's transaction)."""
    for org in organisations_answering_for(user):
        audit_record(org=org, actor=user, action=action, summary=summary, detail=detail)


def format_code(token: str) -> str:
    """``abcdefgh`` → ``abcd-efgh``: easier to read aloud and type."""
    return f"{token[:4]}-{token[4:]}"


def normalise_code(typed: str) -> str:
    return "".join(typed.split()).replace("-", "").lower()


def recovery_device_of(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_left(user) -> int:
    device = recovery_device_of(user)
    return device.token_set.count() if device is not None else 0


def recovery_code_throttled(user) -> bool:
    """Too many wrong codes in a row: django-otp makes the person wait a
    little longer after each (1 s, 2 s, 4 s...) before trying again."""
    device = recovery_device_of(user)
    return device is not None and not device.verify_is_allowed()[0]


def recovery_codes_create(*, user, regenerated: bool = False) -> list[str]:
    """Make a fresh set of codes (the old ones stop working) and return them,
    formatted, for showing once."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.select_for_update().get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
        if regenerated:
            audit_account_event(
                user=user,
                action="account.recovery_codes_regenerated",
                summary=f"{user} made new recovery codes; the old ones stopped working",
            )
    return [format_code(code) for code in codes]


def recovery_code_use(*, user, typed: str) -> tuple[StaticDevice | None, int]:
    """Spend one recovery code of ``user``: return the device (for
    ``django_otp.login``) and how many codes are left, or ``(None, 0)`` if
    the code is wrong, used already, or tried too often."""
    token = normalise_code(typed)
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, name=RECOVERY_DEVICE_NAME)
            .first()
        )
        if device is None or not token or not device.verify_token(token):
            return None, 0
        left = device.token_set.count()
        audit_account_event(
            user=user,
            action="account.recovery_code_used",
            summary=f"{user} signed in with a recovery code instead of the "
            f"authenticator app; {counted(left, 'code')} left",
            detail={"codes_left": left},
        )
        notify(
            user=user,
            kind="account.recovery_code_used",
            title="A recovery code was used to sign in to your account",
            body=(
                f"Someone signed in to FirmDesk as you with one of your recovery "
                f"codes at {timezone.now():%Y-%m-%d %H:%M} UTC; "
                f"{counted(left, 'code')} left. If this was not you, tell "
                "your firm admin at once and change your password."
            ),
            url=reverse("accounts:recovery_codes"),
        )
    return device, left


def open_sessions_of(user):
    return UserSession.objects.filter(user=user, ended_at=None).order_by(
        "-last_seen_at"
    )


def sessions_end_others(*, user, keep: str, reason: str) -> int:
    """End every session of ``user`` except the one with key ``keep``."""
    with transaction.atomic():
        ended = end_sessions([user.pk], reason=reason, keep=keep)
        if ended:
            audit_account_event(
                user=user,
                action="account.sessions_ended",
                summary=f"{user} signed out of "
                f"{counted(ended, 'other session')} ({reason})",
                detail={"sessions": ended},
            )
    return ended


def password_changed(*, user, keep: str) -> int:
    """After a password change: every other session of ``user`` ends (a
    browser that knew the old password is out), audited; return how many."""
    ended = end_sessions([user.pk], reason="Password changed", keep=keep)
    audit_account_event(
        user=user,
        action="account.password_changed",
        summary=f"{user} changed their password; "
        f"{counted(ended, 'other session')} signed out",
        detail={"sessions_ended": ended},
    )
    return ended


def member_sign_out_everywhere(*, scope, member) -> int:
    """A firm admin ends every session of a member of their own firm (a
    lost laptop, a person leaving); audited in the firm's trail."""
    reason = f"Signed out everywhere by {scope.user} ({scope.firm.name})"
    with transaction.atomic():
        ended = end_sessions([member.pk], reason=reason)
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="account.signed_out_everywhere",
            obj=member,
            summary=f"{scope.user} signed {member} out everywhere; "
            f"{counted(ended, 'session')} ended",
            detail={"member": member.email, "sessions": ended},
        )
    return ended


def firm_member(*, scope, public_id):
    """A person who is an active member of the scope's firm, for its admin;
    anyone else (provider staff, another firm's people) answers 404."""
    membership = (
        Membership.objects.filter(
            organization=scope.firm, is_active=True, user__public_id=public_id
        )
        .select_related("user")
        .first()
    )
    if membership is None or not scope.is_firm_admin:
        raise Http404("No such member.")
    return membership.user
