"""Share links: a final document's current version, downloadable by someone
outside FirmDesk through a secret link (docs/documents-sharing.md).

A link names who it is for, stops working at its expiry, after its number of
downloads or when revoked, and may ask for a passcode. Only the token's SHA-256
is stored: the link is shown once, to the attorney who made it. Every use is
written to the firm's audit trail: by the attorney (``share.created``,
``share.revoked``) with the attorney as actor, and by whoever holds the link
(``share.viewed``, ``share.downloaded``, ``share.refused``, ``share.locked``)
with no actor, the visitor's address and browser in the detail.

Wrong passcodes are counted from the audit trail itself (``share.refused``
with reason ``passcode``): five within fifteen minutes lock the link for
fifteen minutes, and the count is the same for every server process.
"""

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from firmdesk.access.system import by_token
from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_record, audit_record_read
from firmdesk.common import times
from firmdesk.common.errors import ServiceError
from firmdesk.common.http import client_address

from .models import Document, ShareLink
from .validation import human_size

DEFAULT_DAYS, MAX_DAYS = 7, 90
DEFAULT_DOWNLOADS, MAX_DOWNLOADS = 5, 100
PASSCODE_MIN, PASSCODE_MAX = 6, 128
RECIPIENT_MAX = ShareLink._meta.get_field("recipient").max_length
LOCK_AFTER = 5
LOCK_WINDOW = dt.timedelta(minutes=15)
LOCK_FOR = dt.timedelta(minutes=15)
# secrets.token_urlsafe(32): 43 URL-safe characters. Anything else is no token
# and is not looked up.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


class LinkStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    USED_UP = "used_up", "Used up"
    REVOKED = "revoked", "Revoked"


# Why a known link was refused, as the audit trail records it.
REFUSED_BECAUSE = {
    LinkStatus.REVOKED: "revoked",
    LinkStatus.EXPIRED: "expired",
    LinkStatus.USED_UP: "limit",
}
REASON_WORDS = {
    "revoked": "the link was revoked",
    "expired": "the link has expired",
    "limit": "every download allowed has been used",
    "passcode": "wrong passcode",
    "passcode_missing": "download asked for without the passcode",
    "locked": "locked after too many wrong passcodes",
}


@dataclass(frozen=True)
class Visitor:
    """Who used a link, as far as the request tells: kept in the audit detail."""

    address: str = ""
    user_agent: str = ""

    @classmethod
    def of(cls, request) -> "Visitor":
        return cls(
            address=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )

    def detail(self) -> dict:
        return {"address": self.address, "user_agent": self.user_agent[:300]}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_share(scope) -> bool:
    """Create and revoke links: the firm's attorneys and admins."""
    return scope.is_firm_member and scope.has_role("attorney", "firm_admin")


def not_shareable_because(document: Document) -> str:
    """Why ``document`` cannot be shared by link, in words for the attorney;
    empty when it can."""
    if not document.is_final:
        return (
            f"Only a final document can be shared by link, and “{document.title}” "
            f"is {document.get_status_display().lower()}. Once it is approved "
            "and marked final, share it from here."
        )
    if document.current_version_id is None:
        return f"“{document.title}” has no file to share."
    return ""


def link_status(link: ShareLink, now: dt.datetime | None = None) -> LinkStatus:
    now = now or timezone.now()
    if link.revoked_at is not None:
        return LinkStatus.REVOKED
    if link.expires_at <= now:
        return LinkStatus.EXPIRED
    if link.downloads >= link.max_downloads:
        return LinkStatus.USED_UP
    return LinkStatus.ACTIVE


def downloads_left(link: ShareLink) -> int:
    return max(0, link.max_downloads - link.downloads)


def _detail(link: ShareLink, visitor: Visitor, **more) -> dict:
    return {
        "share_link": str(link.public_id),
        "document": str(link.document.public_id),
        "version": link.version.number,
        "recipient": link.recipient,
        **visitor.detail(),
        **more,
    }


def _record(
    link: ShareLink,
    *,
    actor,
    action: str,
    summary: str,
    detail: dict,
    read: bool = False,
) -> AuditEvent:
    """An event on the link's firm's trail; ``read``: the recipient read the
    document (sealed into the chain later, ``audit_record_read``)."""
    return (audit_record_read if read else audit_record)(
        org=link.firm,
        actor=actor,
        action=action,
        obj=link,
        matter=link.document.matter,
        summary=summary,
        detail=detail,
    )


# --- The firm's side ------------------------------------------------------------


def _whole_number(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Terms:
    recipient: str
    days: int
    max_downloads: int
    passcode: str


def share_terms(
    *, recipient: str, days, max_downloads, passcode: str
) -> tuple[Terms | None, list[ServiceError]]:
    """The terms of a new link as typed, checked: the terms, or every problem
    with them (each naming its field), so a form can show them all at once."""
    problems = []
    recipient = " ".join((recipient or "").split())
    if not recipient:
        problems.append(
            ServiceError(
                "Say who the link is for, so the firm knows whom it sent the file to.",
                field="recipient",
            )
        )
    elif len(recipient) > RECIPIENT_MAX:
        problems.append(
            ServiceError(
                f"Keep “Who it is for” to {RECIPIENT_MAX} characters.",
                field="recipient",
            )
        )
    whole_days = _whole_number(days)
    if whole_days is None:
        problems.append(
            ServiceError("Give the number of days as a whole number.", field="days")
        )
    elif not 1 <= whole_days <= MAX_DAYS:
        problems.append(
            ServiceError(f"A link works for 1 to {MAX_DAYS} days.", field="days")
        )
    downloads = _whole_number(max_downloads)
    if downloads is None:
        problems.append(
            ServiceError(
                "Give the number of downloads as a whole number.",
                field="max_downloads",
            )
        )
    elif not 1 <= downloads <= MAX_DOWNLOADS:
        problems.append(
            ServiceError(
                f"Allow 1 to {MAX_DOWNLOADS} downloads.", field="max_downloads"
            )
        )
    passcode = passcode or ""
    if passcode and not PASSCODE_MIN <= len(passcode) <= PASSCODE_MAX:
        problems.append(
            ServiceError(
                f"A passcode needs at least {PASSCODE_MIN} characters (and at most "
                f"{PASSCODE_MAX}). Leave it empty for a link without one.",
                field="passcode",
            )
        )
    if problems or whole_days is None or downloads is None:
        return None, problems
    return Terms(recipient, whole_days, downloads, passcode), []


def share_link_create(
    *,
    scope,
    document: Document,
    recipient: str,
    days=DEFAULT_DAYS,
    max_downloads=DEFAULT_DOWNLOADS,
    passcode: str = "",
    visitor: Visitor = Visitor(),
) -> tuple[ShareLink, str]:
    """A new link to ``document``'s current version and its token, which is
    stored only as its SHA-256: the caller shows it once and forgets it."""
    if not may_share(scope):
        raise ServiceError("Only the firm's attorneys and admins share documents.")
    terms, problems = share_terms(
        recipient=recipient, days=days, max_downloads=max_downloads, passcode=passcode
    )
    if terms is None:
        raise problems[0]
    recipient, max_downloads, passcode = (
        terms.recipient,
        terms.max_downloads,
        terms.passcode,
    )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Locked so that the check below sees the status a concurrent "mark
        # final" or upload left, not the one this page was drawn with.
        document = (
            Document.objects.for_firm(scope.firm)
            .select_for_update(of=("self",))
            .select_related("current_version", "matter")
            .get(pk=document.pk)
        )
        reason = not_shareable_because(document)
        if reason:
            raise ServiceError(reason)
        version = document.current_version
        link = ShareLink.objects.create(
            firm=scope.firm,
            document=document,
            version=version,
            token_sha256=token_digest(token),
            recipient=recipient,
            expires_at=timezone.now() + dt.timedelta(days=terms.days),
            max_downloads=max_downloads,
            passcode_hash=make_password(passcode) if passcode else "",
            created_by=scope.user,
        )
        expires = times.when(link.expires_at, times.zone_named(scope.firm.time_zone))
        _record(
            link,
            actor=scope.user,
            action="share.created",
            summary=(
                f"Shared “{version.original_name}” by link with {recipient}: "
                f"until {expires}, {max_downloads} download"
                f"{'' if max_downloads == 1 else 's'}"
                f"{', with a passcode' if passcode else ''}"
            ),
            detail=_detail(
                link,
                visitor,
                expires_at=link.expires_at.isoformat(),
                max_downloads=max_downloads,
                passcode=bool(passcode),
            ),
        )
    return link, token


def share_link_revoke(*, scope, link: ShareLink, visitor: Visitor = Visitor()):
    """The link stops working at once."""
    if not may_share(scope):
        raise ServiceError("Only the firm's attorneys and admins revoke share links.")
    with transaction.atomic():
        link = (
            ShareLink.objects.for_firm(scope.firm)
            .select_for_update(of=("self",))
            .select_related("document__matter", "version")
            .get(pk=link.pk)
        )
        if link.revoked_at is not None:
            raise ServiceError(
                f"The link for {link.recipient} was already revoked; it does not work."
            )
        link.revoked_at = timezone.now()
        link.revoked_by = scope.user
        link.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        _record(
            link,
            actor=scope.user,
            action="share.revoked",
            summary=(
                f"Revoked the share link of “{link.version.original_name}” "
                f"for {link.recipient} after {link.downloads} download"
                f"{'' if link.downloads == 1 else 's'}"
            ),
            detail=_detail(link, visitor, downloads=link.downloads),
        )
    return link


# --- The recipient's side ---------------------------------------------------------


def link_by_token(token: str) -> ShareLink | None:
    """The link whose token this is, or None for anything malformed or unknown.
    The token is the credential: no firm, no sign-in."""
    if not TOKEN.match(token or ""):
        return None
    return by_token(
        ShareLink,
        related=("firm", "document__matter", "version"),
        token_sha256=token_digest(token),
    )


def _refuse(link: ShareLink, visitor: Visitor, reason: str) -> None:
    _record(
        link,
        actor=None,
        action="share.refused",
        summary=f"Share link for {link.recipient} refused: {REASON_WORDS[reason]}",
        detail=_detail(link, visitor, reason=reason),
    )


def refusal(link: ShareLink, now: dt.datetime | None = None) -> str:
    """Why the link no longer works ("revoked", "expired", "limit"), or ""."""
    return REFUSED_BECAUSE.get(link_status(link, now), "")


def share_visit(link: ShareLink, *, visitor: Visitor) -> str:
    """The recipient opened the link's page: audited as viewed, or refused with
    the reason (returned) when the link no longer works."""
    reason = refusal(link)
    with transaction.atomic():
        if reason:
            _refuse(link, visitor, reason)
        else:
            _record(
                link,
                actor=None,
                action="share.viewed",
                read=True,
                summary=(
                    f"The share link of “{link.version.original_name}” for "
                    f"{link.recipient} was opened"
                ),
                detail=_detail(link, visitor),
            )
    return reason


def _events(link: ShareLink, action: str):
    # The matter narrows the search to the (org, matter_id, at) index.
    matter = link.document.matter
    return AuditEvent.objects.filter(
        org=link.firm_id,
        matter_id=str(matter.public_id) if matter is not None else "",
        action=action,
        object_type=ShareLink._meta.label,
        object_id=str(link.public_id),
    )


def locked_until(link: ShareLink, now: dt.datetime | None = None):
    """When a lock after too many wrong passcodes ends, or None if the link is
    not locked."""
    now = now or timezone.now()
    last = (
        _events(link, "share.locked")
        .filter(at__gt=now - LOCK_FOR)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return last + LOCK_FOR if last is not None else None


def _wrong_tries(link: ShareLink, now: dt.datetime) -> int:
    """Wrong passcodes in the window, not counting those before the last lock
    ended: after a lock the visitor has a fresh set of tries."""
    since = now - LOCK_WINDOW
    last_lock = (
        _events(link, "share.locked").order_by("-at").values_list("at", flat=True)
    ).first()
    if last_lock is not None:
        since = max(since, last_lock + LOCK_FOR)
    return (
        _events(link, "share.refused")
        .filter(at__gte=since, detail__reason="passcode")
        .count()
    )


@dataclass(frozen=True)
class PasscodeCheck:
    ok: bool
    refused: str = ""  # "revoked", "expired", "limit": the link is dead
    tries_left: int = LOCK_AFTER
    locked_until: dt.datetime | None = None


def share_check_passcode(
    link: ShareLink, passcode: str, *, visitor: Visitor
) -> PasscodeCheck:
    """Check a passcode typed on the link's page. A wrong one is audited; the
    fifth within fifteen minutes locks the link for fifteen minutes."""
    with transaction.atomic():
        # One check at a time per link, so two quick guesses cannot both be
        # counted as the fourth.
        link = (
            ShareLink.objects.for_firm(link.firm)
            .select_for_update(of=("self",))
            .select_related("firm", "document__matter", "version")
            .get(pk=link.pk)
        )
        now = timezone.now()
        reason = refusal(link, now)
        if reason:
            _refuse(link, visitor, reason)
            return PasscodeCheck(ok=False, refused=reason)
        until = locked_until(link, now)
        if until is not None:
            _refuse(link, visitor, "locked")
            return PasscodeCheck(ok=False, tries_left=0, locked_until=until)
        if not link.passcode_hash or check_password(passcode, link.passcode_hash):
            return PasscodeCheck(ok=True)
        _refuse(link, visitor, "passcode")
        wrong = _wrong_tries(link, now)
        if wrong < LOCK_AFTER:
            return PasscodeCheck(ok=False, tries_left=LOCK_AFTER - wrong)
        lock = _record(
            link,
            actor=None,
            action="share.locked",
            summary=(
                f"Share link for {link.recipient} locked for "
                f"{int(LOCK_FOR.total_seconds() // 60)} minutes after "
                f"{LOCK_AFTER} wrong passcodes"
            ),
            detail=_detail(link, visitor, wrong_tries=wrong),
        )
        return PasscodeCheck(ok=False, tries_left=0, locked_until=lock.at + LOCK_FOR)


def share_refuse_without_passcode(link: ShareLink, *, visitor: Visitor) -> None:
    """A download of a passcode link asked for without the passcode."""
    with transaction.atomic():
        _refuse(link, visitor, "passcode_missing")


def share_download(link: ShareLink, *, visitor: Visitor) -> str:
    """Count one download and audit it; the caller then streams the version.
    Returns "" when the download may go ahead, else why it was refused.

    The count is one conditional UPDATE (… WHERE downloads < max_downloads,
    not revoked, not expired), so two downloads at the same moment can never
    go past the limit: the database lets only as many through as are left."""
    with transaction.atomic():
        now = timezone.now()
        counted = (
            ShareLink.objects.for_firm(link.firm)
            .filter(
                pk=link.pk,
                revoked_at__isnull=True,
                expires_at__gt=now,
                downloads__lt=F("max_downloads"),
            )
            .update(downloads=F("downloads") + 1, updated_at=now)
        )
        link.refresh_from_db(fields=["downloads", "revoked_at", "expires_at"])
        if not counted:
            reason = refusal(link, now) or "limit"
            _refuse(link, visitor, reason)
            return reason
        _record(
            link,
            actor=None,
            action="share.downloaded",
            read=True,
            summary=(
                f"“{link.version.original_name}” "
                f"({human_size(link.version.size)}) downloaded through the share "
                f"link for {link.recipient}: download {link.downloads} of "
                f"{link.max_downloads}"
            ),
            detail=_detail(
                link,
                visitor,
                download=link.downloads,
                max_downloads=link.max_downloads,
            ),
        )
    return ""
