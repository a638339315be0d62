"""Isolation registry entries for issue 20: the person's own account pages
(confirming a sensitive action, recovery codes, sessions, password) and the
firm admin's "sign out everywhere" (format: registry.py)."""

from firmdesk.orgs.models import UserSession

from .registry import (
    ANONYMOUS,
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    SIGNED_IN_SAMPLE,
    Route,
)


def _sessions(f) -> int:
    return UserSession.objects.filter(
        user=f.accounts_signed_in_member, ended_at=None
    ).count()


ROUTES: list = [
    Route(
        "accounts:confirm",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="asks for the person's own password; shows no data",
    ),
    Route(
        "accounts:two_factor_recovery",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="a recovery code of the person's own account; shows no data",
    ),
    Route(
        "accounts:recovery_codes",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="how many of the person's own codes are left",
    ),
    Route(
        "accounts:recovery_codes_regenerate",
        method="POST",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="the person's own codes only; answered by the confirm page until "
        "the password is typed again (@sensitive)",
    ),
    Route(
        "accounts:sessions",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="the person's own sessions only (UserSession rows of request.user)",
    ),
    Route(
        "accounts:sessions_end_others",
        method="POST",
        success=303,
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="ends the person's own other sessions only",
    ),
    Route(
        "accounts:password_change",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="the person's own password",
    ),
    Route(
        "accounts:member_sign_out",
        kwargs=lambda f: {
            "firm_slug": f.firm.slug,
            "user_id": f.accounts_signed_in_member.public_id,
        },
        foreign_kwargs=lambda f: {
            "firm_slug": f.firm.slug,
            "user_id": f.outsider.public_id,
        },
        method="POST",
        success=303,
        state=_sessions,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
        why="firm admins only, for members of their own firm; firm B's member "
        "under firm A's slug is the foreign case",
    ),
]
