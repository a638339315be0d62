"""The confidentiality text an engagement's staff sign, versioned (issue 20;
docs/security-agreements.md).

A firm admin publishes a new version of an engagement's text; without one the
engagement uses FirmDesk's standard text. A signature counts for the access rule
only while it was given on the current text (its SHA-256 equals the current
version's) and has not expired, so publishing a changed text stops everyone's
access until they sign again. ``current_text`` is the one answer to "what must
be signed now", used by signing, the access rule and the pages.
"""

import datetime
import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Membership, Role

from .models import (
    NDA_TEXT_VERSION,
    AgreementText,
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    nda_text,
    nda_text_hash,
)

STANDARD_TITLE = "Confidentiality agreement"


@dataclass(frozen=True)
class CurrentText:
    """The text to sign now: a published version, or the standard text
    (``row`` None, ``version`` None)."""

    title: str
    body: str
    sha256: str
    valid_months: int | None = None
    version: int | None = None
    published_at: datetime.datetime | None = None
    row: AgreementText | None = None

    @property
    def label(self) -> str:
        if self.version is None:
            return f"FirmDesk standard text ({NDA_TEXT_VERSION})"
        return f"version {self.version}"

    @property
    def text_version(self) -> str:
        """What a signature records as the version it was given on."""
        return NDA_TEXT_VERSION if self.version is None else f"v{self.version}"

    def expires_on(self, signed_on: datetime.date) -> datetime.date | None:
        """The last day a signature given on ``signed_on`` holds, by this
        text's validity (None: until the text changes or the engagement ends)."""
        if not self.valid_months:
            return None
        return signed_on + relativedelta(months=self.valid_months)


def standard_text() -> CurrentText:
    body = nda_text()
    return CurrentText(title=STANDARD_TITLE, body=body, sha256=nda_text_hash(body))


def standard_sha256() -> str:
    return nda_text_hash(nda_text())


def current_text_of(row: AgreementText) -> CurrentText:
    """A published version as the text to sign."""
    return CurrentText(
        title=row.title,
        body=row.body,
        sha256=row.sha256,
        valid_months=row.valid_months,
        version=row.version,
        published_at=row.published_at,
        row=row,
    )


def current_text(engagement: Engagement) -> CurrentText:
    """The latest published version of the engagement's text, or the standard
    text when the firm has published none."""
    row = (
        AgreementText.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement)
        .order_by("-version")
        .first()
    )
    return standard_text() if row is None else current_text_of(row)


def text_versions(engagement: Engagement) -> list[AgreementText]:
    """Every published version, newest first."""
    return list(
        AgreementText.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement)
        .select_related("published_by")
        .order_by("-version")
    )


def text_version(engagement: Engagement, version: int) -> AgreementText | None:
    return (
        AgreementText.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement, version=version)
        .select_related("published_by")
        .first()
    )


def previous_text(engagement: Engagement, version: int) -> CurrentText:
    """The text version ``version`` replaced (the standard text before 1)."""
    row = (
        AgreementText.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement, version__lt=version)
        .order_by("-version")
        .first()
    )
    return standard_text() if row is None else current_text_of(row)


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The lines of ``new`` against ``old`` as (kind, line): kind is "same",
    "added" or "removed", for a page to show as a marked-up comparison."""
    kinds = {" ": "same", "+": "added", "-": "removed"}
    return [
        (kinds[line[0]], line[2:])
        for line in difflib.ndiff(old.splitlines(), new.splitlines())
        if line[0] in kinds
    ]


# --- Where each signer stands on the current text ----------------------------------


@dataclass(frozen=True)
class Standing:
    """A signer's agreements for one engagement, against its current text:
    ``agreed_until`` is the last day their latest-running signature on the
    current text holds (``date.max``: no expiry; None: none on it), and
    ``earlier_text`` says they signed some earlier text."""

    agreed_until: datetime.date | None = None
    earlier_text: bool = False


def standings(
    agreements: Iterable[tuple[int, datetime.date | None, str]], *, current_sha: str
) -> dict[int, Standing]:
    """{signer id: Standing} from (signer id, expires_on, text_sha256) rows."""
    until: dict[int, datetime.date] = {}
    earlier: set[int] = set()
    for signer_id, expires_on, sha in agreements:
        if sha != current_sha:
            earlier.add(signer_id)
            continue
        day = expires_on or datetime.date.max
        until[signer_id] = max(day, until.get(signer_id, day))
    return {
        signer_id: Standing(agreed_until=until.get(signer_id), earlier_text=True)
        if signer_id in earlier
        else Standing(agreed_until=until[signer_id])
        for signer_id in until.keys() | earlier
    }


def _current_assignees(engagement: Engagement, today: datetime.date) -> list:
    return [
        a
        for a in Assignment.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement)
        .select_related("user")
        if a.is_current(today)
    ]


def people_to_sign_again(engagement: Engagement, *, new_sha: str) -> list:
    """The people assigned now whose signature counts today but would not on
    a text whose SHA-256 is ``new_sha``: they lose access until they sign."""
    today = timezone.localdate(timezone=engagement.firm.tz)
    current = current_text(engagement)
    if new_sha == current.sha256:
        return []
    users = {a.user_id: a.user for a in _current_assignees(engagement, today)}
    found = standings(
        ConfidentialityAgreement.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement, signer_id__in=users)
        .values_list("signer_id", "expires_on", "text_sha256"),
        current_sha=current.sha256,
    )
    return sorted(
        (
            users[signer_id]
            for signer_id, standing in found.items()
            if standing.agreed_until is not None and standing.agreed_until >= today
        ),
        key=lambda u: (u.full_name, u.pk),
    )


def admins_of(org, role: str) -> list:
    """Active members of ``org`` with ``role`` (roles are a JSON list, which
    SQLite cannot search with __contains)."""
    return [
        m.user
        for m in Membership.objects.filter(
            organization=org, is_active=True, user__is_active=True
        ).select_related("user")
        if role in m.roles
    ]


def normalised(body: str) -> str:
    """Line endings as typed in a browser (CRLF) or pasted differ; the hash
    must not, so the text is kept with plain line ends and no trailing blanks."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


def text_publish(
    *,
    scope,
    engagement: Engagement,
    title: str,
    body: str,
    valid_months: int | None,
    change_note: str = "",
) -> AgreementText:
    """Publish a new version of the engagement's confidentiality text. If its
    wording differs from the current text, every signature on the current
    text stops counting: those people and their provider's admins are told
    to sign again."""
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin can change the confidentiality text.")
    if engagement.firm_id != scope.firm.pk:
        raise ServiceError("That engagement belongs to another firm.")
    if engagement.status == Engagement.Status.ENDED:
        raise ServiceError(
            "This engagement has ended: its confidentiality text can no longer "
            "be changed."
        )
    title = title.strip() or STANDARD_TITLE
    if not body.strip():
        raise ServiceError("Type the text of the agreement.", field="body")
    body = normalised(body)
    sha = nda_text_hash(body)
    current = current_text(engagement)
    if (
        sha == current.sha256
        and title == current.title
        and valid_months == current.valid_months
    ):
        raise ServiceError(
            "Nothing has changed: edit the text, its title or how long a "
            "signature holds before publishing.",
            field="body",
        )
    losing = people_to_sign_again(engagement, new_sha=sha)
    with transaction.atomic():
        latest = (
            AgreementText.objects.for_firm(scope.firm)
            .select_for_update()
            .filter(engagement=engagement)
            .order_by("-version")
            .first()
        )
        row = AgreementText.objects.for_firm(scope.firm).create(
            firm=scope.firm,
            engagement=engagement,
            version=(latest.version if latest else 0) + 1,
            title=title,
            body=body,
            sha256=sha,
            valid_months=valid_months,
            change_note=change_note.strip(),
            published_at=timezone.now(),
            published_by=scope.user,
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="agreement_text.published",
            obj=row,
            summary=f"Published version {row.version} of the confidentiality text "
            f"of {engagement}"
            + (
                f"; {len(losing)} people must sign again"
                if sha != current.sha256
                else "; the wording is unchanged, signatures still count"
            ),
            detail={
                "version": row.version,
                "sha256": sha,
                "previous_sha256": current.sha256,
                "valid_months": valid_months,
                "must_sign_again": [str(u.public_id) for u in losing],
            },
        )
        if sha != current.sha256:
            _tell_to_sign_again(scope.firm, engagement, row, losing)
    return row


def _tell_to_sign_again(firm, engagement, row: AgreementText, losing: list) -> None:
    """The people who lost access, and their provider's admins. Of no firm:
    those people may no longer act for the firm, and a note about a firm
    reaches only those who may."""
    day = f"{timezone.localtime(row.published_at, firm.tz):%d %b %Y}"
    for user in losing:
        notify(
            user=user,
            kind="agreement_text.changed",
            title=f"{firm.name} changed its confidentiality agreement: sign again",
            body=f"{firm.name} changed the agreement on {day}. You cannot see its "
            "work until you read the new text and sign it.",
            url=reverse("engagements:my_agreements"),
            key=f"agreement-text:{row.pk}:{user.pk}",
        )
    if not losing:
        return
    names = ", ".join(u.full_name or u.email for u in losing)
    for admin in admins_of(engagement.provider, Role.PROVIDER_ADMIN):
        notify(
            user=admin,
            kind="agreement_text.changed",
            title=f"{firm.name} changed its confidentiality agreement",
            body=f"{firm.name} changed the agreement on {day}. Until they sign "
            f"again these people cannot work for the firm: {names}.",
            url=reverse(
                "engagements:provider_agreement_signatures",
                args=[engagement.provider.slug],
            ),
            key=f"agreement-text:{row.pk}:{admin.pk}",
        )


# --- Who signed what and when ------------------------------------------------------


class How:
    SELF = "typed by themself"
    RECORDED = "recorded by a firm admin"
    UPLOADED = "uploaded signed copy"


class Status:
    VALID = "valid"
    EXPIRED = "expired"
    EARLIER_TEXT = "earlier text"


@dataclass(frozen=True)
class Signature:
    """One confidentiality agreement, as the firm's list of signatures shows it."""

    agreement: ConfidentialityAgreement
    version: AgreementText | None  # None: the standard text, or unknown
    standard: bool
    how: str
    status: str

    @property
    def valid(self) -> bool:
        return self.status == Status.VALID

    @property
    def version_label(self) -> str:
        if self.version is not None:
            return f"version {self.version.version}"
        if self.standard:
            return f"FirmDesk standard text ({NDA_TEXT_VERSION})"
        return f"earlier standard text ({self.agreement.text_version})"


def signatures(*, scope, engagement: Engagement) -> list[Signature]:
    """Every confidentiality agreement signed for ``engagement``, newest first,
    with the text version it was given on and whether it counts today.
    Two queries: the versions and the agreements (with their kept PDFs)."""
    return described(
        ConfidentialityAgreement.objects.in_scope(scope)
        .filter(engagement=engagement)
        .select_related("signer", "recorded_by", "signed_document", "firm")
        .order_by("-signed_at", "-pk"),
        published={engagement.pk: text_versions(engagement)},
    )


def described(agreements, *, published: dict[int, list]) -> list[Signature]:
    """``agreements`` as ``Signature`` rows; ``published``: each engagement's
    published versions, newest first (none: the standard text is current).
    Each agreement's day is its firm's (``firm`` read with it)."""
    standard = standard_sha256()
    rows = []
    for agreement in agreements:
        versions = published.get(agreement.engagement_id, [])
        current_sha = versions[0].sha256 if versions else standard
        today = timezone.localdate(timezone=agreement.firm.tz)
        kept = getattr(agreement, "signed_document", None)
        if kept is not None and kept.method == "uploaded":
            how = How.UPLOADED
        elif agreement.recorded_by_id == agreement.signer_id:
            how = How.SELF
        else:
            how = How.RECORDED
        if agreement.text_sha256 != current_sha:
            status = Status.EARLIER_TEXT
        elif not agreement.is_valid(today):
            status = Status.EXPIRED
        else:
            status = Status.VALID
        by_label = {f"v{v.version}": v for v in versions}
        by_sha = {v.sha256: v for v in reversed(versions)}
        rows.append(
            Signature(
                agreement=agreement,
                version=by_label.get(agreement.text_version)
                or by_sha.get(agreement.text_sha256),
                standard=agreement.text_sha256 == standard,
                how=how,
                status=status,
            )
        )
    return rows
