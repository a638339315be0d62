"""The demo's security and confidentiality (issue 20; docs/demo.md "Try
security").

What there is to see:

* at Hale & Ortiz, three clients of the matters being worked on carry
  sensitive details (date of birth, tax ID, government ID, bank details),
  encrypted in the database and masked on their contact pages. Every value is
  fictitious on its face: the SSNs are in 987-65-4320 to 987-65-4329, the
  range the Social Security Administration keeps for advertisements (no SSN
  starts with 9, which is why FirmDesk's form would refuse one typed as an
  SSN), the ID numbers start with DEMO, and the routing number 123456780 is a
  test value whose check digit is right but which no bank uses;
* an incident at Hale & Ortiz: a settlement letter e-mailed to the wrong
  person six days ago, matter 0001 named as affected, the insurer's notice
  sent the day after, and the client's notice due in four days, given to the
  firm's in-house staff member as a task;
* the engagement with Bygone Assist, which ended months ago, has what an
  ending leaves behind: its export (an encrypted zip that opens with
  ``DEMO_EXPORT_PASSPHRASE``) and Bygone's certificate of the return and
  destruction of the firm's data, signed by Bygone's admin;
* Brandt & Kimura published version 2 of its confidentiality text for the
  Northstar pilot (version 1: the standard text, signatures now holding 12
  months; version 2 adds a paragraph on AI tools), and both Northstar people
  on the pilot signed it again, so their access continues and the firm's
  list of signatures shows who signed which version when;
* every provider user has ten recovery codes beside the authenticator app;
  ``firmdesk demo`` prints one still unused for each.

Everything but the recovery codes goes through the services (the codes'
services live in the web layer, above the demo), so it is audited as it would
be; each piece is made only when missing.
"""

import datetime
import hashlib
from base64 import b32encode

from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from firmdesk.access.scope import resolve_scope
from firmdesk.access.system import loader as rows_of
from firmdesk.audit.services import audit_record
from firmdesk.compliance import ending, export
from firmdesk.compliance.incidents import (
    incident_findings_save,
    incident_matter_add,
    incident_record,
    notice_add,
    notice_mark_sent,
    notice_task_create,
    notices_generate,
)
from firmdesk.compliance.models import (
    DataReturnCertificate,
    EngagementExport,
    Incident,
    IncidentNotice,
)
from firmdesk.engagements import agreement_texts
from firmdesk.engagements import services as engagement_services
from firmdesk.engagements.models import AgreementText, Assignment, Engagement
from firmdesk.matters.models import Contact, GovIdKind, Matter, MatterParty, TaxIdKind
from firmdesk.orgs.models import Membership, Organization, User

FIRM = "hale-ortiz"
FIRM_ADMIN = f"admin@{FIRM}.example"
IN_HOUSE = f"staff@{FIRM}.example"
FORMER_PROVIDER = "bygone-assist"
FORMER_PROVIDER_ADMIN = f"admin@{FORMER_PROVIDER}.example"
DEMO_EXPORT_PASSPHRASE = "demo export passphrase 2026"

# The name web.accounts.services gives the device of a person's recovery
# codes (tests/demo checks the two agree; the demo may not import the web).
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10

# 123456780: 3×(1+4+7) + 7×(2+5+8) + (3+6+0) = 150, so the ABA check digit
# holds and FirmDesk accepts it; it is a test value, no bank's number.
FICTITIOUS_ROUTING = "123456780"
SENSITIVE = (
    {
        "date_of_birth": datetime.date(1978, 4, 12),
        "tax_id_kind": TaxIdKind.SSN,
        "tax_id": "987-65-4320",
        "gov_id_kind": GovIdKind.DRIVERS_LICENSE,
        "gov_id_number": "DEMO 0001 NY",
        "bank_name": "Bank of Fiction (demo)",
        "bank_routing": FICTITIOUS_ROUTING,
        "bank_account": "0000123401",
    },
    {
        "date_of_birth": datetime.date(1985, 11, 30),
        "tax_id_kind": TaxIdKind.SSN,
        "tax_id": "987-65-4321",
        "gov_id_kind": GovIdKind.PASSPORT,
        "gov_id_number": "DEMO00002",
        "bank_name": "Bank of Fiction (demo)",
        "bank_routing": FICTITIOUS_ROUTING,
        "bank_account": "0000123402",
    },
    {
        "date_of_birth": datetime.date(1962, 7, 4),
        "tax_id_kind": TaxIdKind.SSN,
        "tax_id": "987-65-4322",
    },
)
SENSITIVE_LABELS = {
    "date_of_birth": "date of birth",
    "tax_id": "tax ID number",
    "gov_id_number": "government ID number",
    "bank_name": "bank name",
    "bank_routing": "routing number",
    "bank_account": "account number",
}

INCIDENT_TITLE = "Settlement letter e-mailed to the wrong person"
INCIDENT_DESCRIPTION = (
    "The draft settlement letter for matter 0001 went by e-mail to a person "
    "with the same last name as the client, picked from the address book's "
    "suggestions. It names the client, their address and the amount offered. "
    "The recipient called the firm the next morning to say so."
)
INSURER = "Lexington Mutual, professional liability claims desk (demo)"


def security_load(loader, matters: dict[str, list[Matter]]) -> int:
    """Load what issue 20 adds to the demo; return how many rows were made."""
    made = sensitive_load(loader, matters[FIRM])
    made += incident_load(loader, matters[FIRM])
    made += ended_engagement_load(loader)
    made += agreement_text_load(loader)
    made += recovery_codes_load(loader)
    return made


# --- Sensitive details -----------------------------------------------------------


def _clients(firm, matters: list[Matter]) -> list[Contact]:
    """The first person who is a client of each of the matters, in order."""
    found: list[Contact] = []
    for matter in matters:
        party = (
            rows_of(MatterParty)
            .filter(
                firm=firm,
                matter=matter,
                role=MatterParty.Role.CLIENT,
                contact__kind=Contact.Kind.PERSON,
            )
            .select_related("contact")
            .order_by("contact__name")
            .first()
        )
        if party is not None and party.contact not in found:
            found.append(party.contact)
    return found


def sensitive_load(loader, matters: list[Matter]) -> int:
    firm = loader.orgs[FIRM]
    made = 0
    for contact, values in zip(_clients(firm, matters), SENSITIVE, strict=False):
        if contact.tax_id:
            continue
        for name, value in values.items():
            setattr(contact, name, value)
        contact.save(update_fields=[*values, "updated_at"])
        fields = [SENSITIVE_LABELS[n] for n in values if n in SENSITIVE_LABELS]
        # Field names only, never values: as contact_sensitive_update does.
        audit_record(
            org=firm,
            actor=None,
            action="contact.sensitive_changed",
            obj=contact,
            summary=f"Sensitive details of {contact.name} entered: "
            + ", ".join(fields),
            detail={"fields": [n for n in values if n in SENSITIVE_LABELS]},
        )
        made += 1
    return made


# --- An incident -------------------------------------------------------------------


def incident_load(loader, matters: list[Matter]) -> int:
    firm = loader.orgs[FIRM]
    if rows_of(Incident).filter(firm=firm, title=INCIDENT_TITLE).exists():
        return 0
    scope = resolve_scope(loader.person(FIRM_ADMIN), firm)
    now = timezone.now()
    today = timezone.localdate(now, timezone=firm.tz)
    discovered_on = today - datetime.timedelta(days=6)
    discovered_at = datetime.datetime.combine(
        discovered_on, datetime.time(9, 40), tzinfo=firm.tz
    )
    incident = incident_record(
        scope=scope,
        title=INCIDENT_TITLE,
        kind=Incident.Kind.MISDIRECTED,
        severity=Incident.Severity.MEDIUM,
        description=INCIDENT_DESCRIPTION,
        occurred_at=discovered_at - datetime.timedelta(hours=16),
        discovered_at=discovered_at,
        now=now,
    )
    incident_matter_add(
        scope=scope,
        incident=incident,
        matter=matters[0],
        what_was_exposed="The client's name and address and the settlement amount",
    )
    # Ten days from discovery, as the firm decided: due in four days.
    clients = notices_generate(scope=scope, incident=incident, days=10)
    for notice in clients[:1]:
        notice_task_create(
            scope=scope, notice=notice, assignee=loader.person(IN_HOUSE), now=now
        )
    insurer = notice_add(
        scope=scope,
        incident=incident,
        recipient_kind=IncidentNotice.Recipient.INSURER,
        recipient_name=INSURER,
        due_on=discovered_on + datetime.timedelta(days=2),
        method="E-mail to the claims desk",
    )
    notice_mark_sent(
        scope=scope,
        notice=insurer,
        sent_on=discovered_on + datetime.timedelta(days=1),
        note="Claim reference DEMO-0001.",
    )
    incident_findings_save(
        scope=scope,
        incident=incident,
        containment=(
            "The recipient deleted the e-mail while on the phone with the "
            "attorney and confirmed it in writing the same day."
        ),
        root_cause=(
            "The mail program suggested the wrong person with the same last "
            "name, and nobody checked the address before sending."
        ),
        changes="",
    )
    return 1


# --- The ended engagement: export and certificate ----------------------------------


def ended_engagement_load(loader) -> int:
    firm = loader.orgs[FIRM]
    provider = loader.orgs[FORMER_PROVIDER]
    engagement = (
        rows_of(Engagement)
        .filter(firm=firm, provider=provider, status=Engagement.Status.ENDED)
        .first()
    )
    if engagement is None:
        return 0
    made = 0
    scope = resolve_scope(loader.person(FIRM_ADMIN), firm)
    if not rows_of(EngagementExport).filter(engagement=engagement).exists():
        row = export.export_request(scope=scope, engagement=engagement)
        export.export_build(scope=scope, export=row, passphrase=DEMO_EXPORT_PASSPHRASE)
        made += 1
    certificate = rows_of(DataReturnCertificate).filter(engagement=engagement).first()
    if certificate is None:
        # The engagement ended before FirmDesk kept certificates: asked now.
        certificate = DataReturnCertificate.objects.for_firm(firm).create(
            firm=firm, engagement=engagement
        )
        audit_record(
            org=firm,
            actor=None,
            action="engagement.return_certificate_requested",
            obj=certificate,
            summary=f"Asked {provider} to certify the return or destruction of "
            "the firm's data",
            detail={"source": "demo"},
        )
        made += 1
    if certificate.status == DataReturnCertificate.Status.AWAITING:
        admin = loader.person(FORMER_PROVIDER_ADMIN)
        ended_on = engagement.end_date or loader.today
        ending.certificate_certify(
            actor=admin,
            provider=provider,
            certificate=certificate,
            method=DataReturnCertificate.Method.BOTH,
            completed_on=min(ended_on + datetime.timedelta(days=9), loader.today),
            items=[
                ending.Item(
                    "Scans of the firm's court filings on the shared drive of "
                    "Bygone's Denver office",
                    "Copied back to Hale & Ortiz, then deleted from the drive "
                    "and its backups",
                ),
                ending.Item(
                    "Printed hearing calendars in the assistant's desk",
                    "Shredded on site by the office's shredding contractor",
                ),
            ],
            statement="No e-mail with the firm's data was kept: our mailboxes "
            "are cleared after 30 days.",
            typed_name=admin.full_name,
        )
        made += 1
    return made


# --- A changed confidentiality text, signed again -----------------------------------

TEXT_FIRM = "brandt-kimura"
AI_PARAGRAPH = (
    "\n\nTools that learn from what they are given. You will not paste, upload "
    "or dictate any of the Firm's client information into a translation, "
    "transcription, writing or other tool that keeps it or learns from it, "
    "unless the Firm has approved that tool in writing for this engagement."
)


def agreement_text_load(loader) -> int:
    """Version 1 (the standard text, valid 12 months) and version 2 (with the
    paragraph on AI tools) of the pilot's text; each Northstar person on the
    pilot signs version 2, so their access continues."""
    firm = loader.orgs[TEXT_FIRM]
    engagement = (
        rows_of(Engagement)
        .filter(firm=firm, provider=loader.orgs["northstar"])
        .exclude(status=Engagement.Status.ENDED)
        .first()
    )
    if (
        engagement is None
        or rows_of(AgreementText).filter(engagement=engagement).exists()
    ):
        return 0
    scope = resolve_scope(loader.person(f"admin@{TEXT_FIRM}.example"), firm)
    standard = agreement_texts.current_text(engagement)
    agreement_texts.text_publish(
        scope=scope,
        engagement=engagement,
        title=standard.title,
        body=standard.body,
        valid_months=12,
        change_note="The standard text, now signed for 12 months at a time.",
    )
    agreement_texts.text_publish(
        scope=scope,
        engagement=engagement,
        title=standard.title,
        body=standard.body + AI_PARAGRAPH,
        valid_months=12,
        change_note="Adds a paragraph on translation, transcription and "
        "writing tools that keep what they are given.",
    )
    for assignment in (
        rows_of(Assignment)
        .filter(engagement=engagement, end_date__isnull=True)
        .select_related("user")
        .order_by("user__email")
    ):
        engagement_services.nda_self_sign(
            assignment=assignment,
            signer=assignment.user,
            signed_name=assignment.user.full_name,
        )
    return 2


# --- Recovery codes -----------------------------------------------------------------


def demo_recovery_tokens(email: str) -> list[str]:
    """Ten fixed codes per demo user, derived from the e-mail like the
    authenticator secret (anyone can derive them: demo only), in the form
    django-otp's StaticToken.random_token gives."""
    return [
        b32encode(
            hashlib.blake2b(
                f"{email}:{n}".encode(), digest_size=5, person=b"firmdesk-codes"
            ).digest()
        )
        .decode()
        .lower()
        for n in range(RECOVERY_CODE_COUNT)
    ]


def recovery_codes_load(loader) -> int:
    """Recovery codes for every demo provider user (they have the demo's
    authenticator), so the two-factor page offers one instead of saying none
    are left. Firm people sign in without a second factor: none for them."""
    made = 0
    provider_people = set(
        Membership.objects.filter(
            user__in=list(loader.people.values()),
            organization__kind=Organization.Kind.PROVIDER,
        ).values_list("user_id", flat=True)
    )
    for user in loader.people.values():
        if user.pk not in provider_people:
            continue
        if StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).exists():
            continue
        device = StaticDevice.objects.create(
            user=user, name=RECOVERY_DEVICE_NAME, confirmed=True
        )
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=token)
            for token in demo_recovery_tokens(user.email)
        )
        made += 1
    return made


def unused_recovery_code(user: User) -> str:
    """One of the person's recovery codes still unused, as people type it."""
    token = (
        StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME)
        .order_by("pk")
        .values_list("token", flat=True)
        .first()
    )
    return f"{token[:4]}-{token[4:]}" if token else ""
