"""The demo's security and confidentiality (demo/demo_security.py, docs/demo.md
"Try security"): what the firm admin, the attorney, the former provider's
admin and provider staff find after ``make run`` on a fresh database."""

import io
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from firmdesk.access.scope import resolve_scope
from firmdesk.common.errors import ServiceError
from firmdesk.compliance import ending, export
from firmdesk.compliance.models import (
    DataReturnCertificate,
    EngagementExport,
    Incident,
    IncidentNotice,
)
from firmdesk.demo.demo_security import (
    DEMO_EXPORT_PASSPHRASE,
    FICTITIOUS_ROUTING,
    INCIDENT_TITLE,
    RECOVERY_DEVICE_NAME,
    SENSITIVE,
)
from firmdesk.demo.services import demo_load, demo_logins
from firmdesk.engagements import agreement_texts
from firmdesk.engagements.models import Engagement
from firmdesk.matters import sensitive
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.orgs.models import Organization, User
from firmdesk.web.accounts import reauth
from firmdesk.web.accounts import services as accounts
from firmdesk.work.models import Task
from tests.compliance.ending_helpers import csv_text, open_zip
from tests.factories import sign_in

# "db" too: each test in its savepoint, so what one changes (a recovery code
# used, a device made by signing in) is undone before the next.
pytestmark = pytest.mark.usefixtures("demo_loaded", "db")


@pytest.fixture
def hale(db):
    return Organization.objects.get(slug="hale-ortiz")


def person(email: str) -> User:
    return User.objects.get(email=email)


def signed_in(email: str, *, confirmed: bool = False) -> Client:
    client = sign_in(Client(), person(email))
    if confirmed:
        session = client.session
        session[reauth.SESSION_KEY] = int(time.time())
        session.save()
    return client


def bygone(hale) -> Engagement:
    return Engagement.objects.for_firm(hale).get(provider__slug="bygone-assist")


def test_loading_again_adds_nothing():
    assert demo_load() == 0


# --- Sensitive details ----------------------------------------------------------


def with_details(hale) -> list[Contact]:
    return [c for c in Contact.objects.for_firm(hale).order_by("name") if c.tax_id]


def test_three_clients_have_sensitive_details_unreadable_in_the_database(hale):
    contacts = with_details(hale)
    assert sorted(c.tax_id for c in contacts) == sorted(v["tax_id"] for v in SENSITIVE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tax_id, bank_routing, date_of_birth FROM matters_contact "
            "WHERE firm_id = %s AND tax_id IS NOT NULL AND tax_id <> ''",
            [hale.pk],
        )
        raw = " ".join(str(cell) for row in cursor.fetchall() for cell in row)
    assert raw and "987-65-432" not in raw and "9876543" not in raw
    # The clients of the first three matters being worked on (docs/demo.md).
    numbers = set(
        MatterParty.objects.for_firm(hale)
        .filter(contact__in=contacts, role="client")
        .filter(matter__number__startswith=f"{timezone.localdate().year}-")
        .values_list("matter__number", flat=True)
    )
    assert {n.split("-")[1] for n in numbers} == {"0001", "0002", "0003"}
    assert FICTITIOUS_ROUTING not in raw and "1978" not in raw


def test_the_values_are_fictitious_on_their_face():
    # No SSN starts with 9: the form refuses these typed as SSNs.
    for values in SENSITIVE:
        with pytest.raises(ServiceError):
            sensitive.check_ssn(values["tax_id"])
    # The routing number passes the check digit, so pages treat it as real.
    assert sensitive.check_routing(FICTITIOUS_ROUTING) == FICTITIOUS_ROUTING
    for values in SENSITIVE:
        if "gov_id_number" in values:
            assert values["gov_id_number"].startswith("DEMO")


def test_the_attorney_sees_the_tax_id_masked_and_shows_it_once_confirmed(hale):
    contact = with_details(hale)[0]
    attorney = signed_in("attorney@hale-ortiz.example", confirmed=True)
    page = attorney.get(
        reverse("matters:contact_detail", args=[hale.slug, contact.public_id])
    ).content.decode()
    last4 = contact.tax_id[-4:]
    assert f"•••-••-{last4}" in page and contact.tax_id not in page
    shown = attorney.post(
        reverse(
            "matters:contact_sensitive_unmask",
            args=[hale.slug, contact.public_id, "tax_id"],
        )
    ).content.decode()
    assert contact.tax_id in shown


# --- The incident ---------------------------------------------------------------


def test_the_incident_has_its_matter_a_sent_notice_and_one_due_soon(hale):
    incident = Incident.objects.for_firm(hale).get(title=INCIDENT_TITLE)
    assert incident.status == Incident.Status.NOTIFYING
    (affected,) = incident.affected.all()
    assert affected.matter.number.endswith("-0001")
    notices = list(IncidentNotice.objects.for_firm(hale).filter(incident=incident))
    sent = [n for n in notices if n.sent_on]
    due = [n for n in notices if not n.is_settled]
    assert [n.recipient_kind for n in sent] == ["insurer"]
    assert due and all(n.recipient_kind == "client" for n in due)
    today = timezone.localdate(timezone=hale.tz)
    assert all(0 < (n.due_on - today).days <= 7 for n in due)
    task = due[0].task
    assert task.assignee == person("staff@hale-ortiz.example")
    assert task.status == Task.Status.OPEN
    admin = signed_in("admin@hale-ortiz.example")
    page = admin.get(
        reverse("incidents:incident_detail", args=[hale.slug, incident.public_id])
    ).content.decode()
    assert INCIDENT_TITLE in page and due[0].recipient_name in page


# --- The ended engagement ----------------------------------------------------------


def test_the_ended_engagement_has_its_export_and_certificate_on_its_page(hale):
    engagement = bygone(hale)
    admin = signed_in("admin@hale-ortiz.example", confirmed=True)
    page = admin.get(
        reverse("engagements:engagement_detail", args=[hale.slug, engagement.public_id])
    ).content.decode()
    assert "Certified" in page and "Wendell Marsh" in page
    row = EngagementExport.objects.for_firm(hale).get(engagement=engagement)
    assert row.status == EngagementExport.Status.READY
    download = reverse(
        "engagements:engagement_export_download",
        args=[hale.slug, engagement.public_id, row.public_id],
    )
    assert escape(download) in page
    files = open_zip(admin.get(download).content, DEMO_EXPORT_PASSPHRASE)
    assert "Bygone" in files["README.txt"].decode()
    assert csv_text(files, "assignments.csv").count("bygone-assist") >= 1


def test_the_certificate_opens_and_names_what_was_destroyed(hale):
    certificate = DataReturnCertificate.objects.for_firm(hale).get(
        engagement=bygone(hale)
    )
    assert certificate.status == DataReturnCertificate.Status.CERTIFIED
    assert certificate.certified_by == person("admin@bygone-assist.example")
    text = PdfReader(io.BytesIO(ending.certificate_pdf(certificate=certificate)))
    words = " ".join(page.extract_text() for page in text.pages)
    assert "Shredded on site" in words and "Wendell Marsh" in words


def test_the_export_does_not_open_without_the_passphrase(hale):
    row = EngagementExport.objects.for_firm(hale).get(engagement=bygone(hale))
    content = ending_content(hale, row)
    with pytest.raises(RuntimeError):
        open_zip(content, "not the passphrase")


def ending_content(hale, row) -> bytes:
    scope = resolve_scope(person("admin@hale-ortiz.example"), hale)
    return export.export_content(scope=scope, export=row)


# --- The changed confidentiality text ---------------------------------------------


def test_the_pilots_text_is_at_version_2_and_its_staff_signed_it_again(db):
    brandt = Organization.objects.get(slug="brandt-kimura")
    pilot = Engagement.objects.for_firm(brandt).get(provider__slug="northstar")
    assert [t.version for t in agreement_texts.text_versions(pilot)] == [2, 1]
    current = agreement_texts.current_text(pilot)
    assert "Tools that learn" in current.body
    for email in ("assistant@northstar.example", "intake@northstar.example"):
        scope = resolve_scope(person(email), brandt)
        assert scope is not None, f"{email} lost the pilot"
        assert Matter.objects.in_scope(scope).exists()
    admin = signed_in("admin@brandt-kimura.example")
    page = admin.get(
        reverse("engagements:agreement_signatures", args=[brandt.slug, pilot.public_id])
    ).content.decode()
    version_2 = reverse(
        "engagements:agreement_text_version", args=[brandt.slug, pilot.public_id, 2]
    )
    # One signature on version 2 for each of the two, beside their first.
    assert page.count(escape(version_2)) == 2


# --- Recovery codes, and provider staff still at work -------------------------------


def test_provider_users_have_recovery_codes_and_the_table_prints_one():
    assert RECOVERY_DEVICE_NAME == accounts.RECOVERY_DEVICE_NAME
    logins = {login.email: login for login in demo_logins()}
    assistant = person("assistant@northstar.example")
    assert accounts.recovery_codes_left(assistant) == 10
    code = logins[assistant.email].recovery_code
    assert code and logins["attorney@hale-ortiz.example"].recovery_code == ""
    device, left = accounts.recovery_code_use(user=assistant, typed=code)
    assert device is not None and left == 9
    assert accounts.recovery_code_use(user=assistant, typed=code) == (None, 0)
    # The table now prints another, still unused.
    again = {login.email: login for login in demo_logins()}[assistant.email]
    assert again.recovery_code not in ("", code)


def test_the_former_providers_admin_sees_the_signed_certificate():
    client = signed_in("admin@bygone-assist.example")
    page = client.get(
        reverse("engagements:provider_returns", args=["bygone-assist"])
    ).content.decode()
    assert "Hale &amp; Ortiz LLP" in page and "Certificate (PDF)" in page


def test_provider_staff_still_work_their_queues():
    client = signed_in("assistant@northstar.example")
    page = client.get(reverse("work:queue_mine")).content.decode()
    assert "Calendar the plant manager" in page
